namespace Devmem.Stack.Wire;

/// <summary>
/// Why a wire-format parser rejected its input. Shared by every header in <c>Wire/</c>;
/// parsers return it instead of throwing so the per-packet path never raises exceptions.
/// </summary>
public enum WireParseError
{
    /// <summary>The input was accepted.</summary>
    None,

    /// <summary>The buffer is shorter than the fixed header or than a length field claims.</summary>
    Truncated,

    /// <summary>The version field has an unsupported value (e.g. IPv4 version != 4).</summary>
    BadVersion,

    /// <summary>A header-length field (IHL, TCP data offset) is out of range.</summary>
    BadHeaderLength,

    /// <summary>A total/payload length field disagrees with the buffer.</summary>
    BadTotalLength,

    /// <summary>A checksum did not verify.</summary>
    BadChecksum,

    /// <summary>An option's length byte is &lt; 2, runs past the header, or is wrong for its kind.</summary>
    BadOptionLength,

    /// <summary>An upper-layer protocol / EtherType this parser does not handle.</summary>
    UnknownProtocol,

    /// <summary>Any other structural violation.</summary>
    Malformed,
}
