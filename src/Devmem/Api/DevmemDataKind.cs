namespace Devmem;

/// <summary>The two kinds of received data that one receive call never mixes.</summary>
public enum DevmemDataKind
{
    /// <summary>Ordinary bytes in host memory, copied into the caller's buffer with no devmem cmsg.</summary>
    Readable,

    /// <summary>Data of an unreadable skb: linear leftovers copied (SCM_DEVMEM_LINEAR) and fragments in device memory.</summary>
    DeviceMemory,
}
