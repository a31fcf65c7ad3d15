namespace Devmem.Stack.Wire;

/// <summary>Neighbor Discovery option types (RFC 4861 §4.6; IANA "IPv6 Neighbor Discovery Option Formats").</summary>
public enum NdpOptionType : byte
{
    /// <summary>Not a valid option type; the default value.</summary>
    None = 0,

    /// <summary>Source Link-Layer Address (RFC 4861 §4.6.1).</summary>
    SourceLinkLayerAddress = 1,

    /// <summary>Target Link-Layer Address (RFC 4861 §4.6.1).</summary>
    TargetLinkLayerAddress = 2,

    /// <summary>Prefix Information (RFC 4861 §4.6.2).</summary>
    PrefixInformation = 3,

    /// <summary>Redirected Header (RFC 4861 §4.6.3).</summary>
    RedirectedHeader = 4,

    /// <summary>MTU (RFC 4861 §4.6.4).</summary>
    Mtu = 5,

    /// <summary>Nonce, sent by Linux in duplicate address detection (RFC 3971 §5.3.2, RFC 7527).</summary>
    Nonce = 14,
}
