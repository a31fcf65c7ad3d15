namespace Devmem;

/// <summary>Which control-message layout a socket's devmem receive emits.</summary>
public enum DevmemCmsgLayout
{
    /// <summary>Linux 6.12+: SCM_DEVMEM_LINEAR (78) / SCM_DEVMEM_DMABUF (79) carrying a 24-byte <c>struct dmabuf_cmsg</c>.</summary>
    Upstream,

    /// <summary>
    /// The seed (RFC v3): SO_DEVMEM_HEADER (98) / SO_DEVMEM_OFFSET (99) carrying a 16-byte <c>struct cmsg_devmem</c>
    /// without the dma-buf id, and SO_DEVMEM_DONTNEED as option 97, for code written against the RFC.
    /// </summary>
    RfcV3,
}
