namespace Devmem.Stack.Wire;

/// <summary>
/// Walks Neighbor Discovery options (RFC 4861 §4.6): type, length in units of 8 bytes (counting
/// type and length), data. A length of zero is invalid and so is an option running past the end
/// (RFC 4861 §4.6: "nodes MUST silently discard an ND packet that contains an option with length
/// zero"); both end the walk with <see cref="WireParseError.BadOptionLength"/>.
/// </summary>
public ref struct NdpOptionReader
{
    /// <summary>Bytes of one length unit.</summary>
    public const int Unit = 8;

    private readonly ReadOnlySpan<byte> _options;
    private int _offset;

    /// <summary>A reader over an options area.</summary>
    public NdpOptionReader(ReadOnlySpan<byte> options)
    {
        _options = options;
        _offset = 0;
        Error = WireParseError.None;
    }

    /// <summary><see cref="WireParseError.BadOptionLength"/> once the walk met a bad length; else None.</summary>
    public WireParseError Error { get; private set; }

    /// <summary>
    /// The next option: its type and its bytes (type and length included, a multiple of 8 long).
    /// False at the end of the area or on a bad length (see <see cref="Error"/>).
    /// </summary>
    public bool TryReadNext(out NdpOptionType type, out ReadOnlySpan<byte> option)
    {
        type = NdpOptionType.None;
        option = default;
        if (Error != WireParseError.None || _offset >= _options.Length)
        {
            return false;
        }
        int remaining = _options.Length - _offset;
        int length = remaining >= 2 ? _options[_offset + 1] * Unit : 0;
        if (length == 0 || length > remaining)
        {
            Error = WireParseError.BadOptionLength;
            _offset = _options.Length;
            return false;
        }
        type = (NdpOptionType)_options[_offset];
        option = _options.Slice(_offset, length);
        _offset += length;
        return true;
    }

    /// <summary>Checks every option length in <paramref name="options"/>.</summary>
    public static WireParseError Validate(ReadOnlySpan<byte> options)
    {
        var reader = new NdpOptionReader(options);
        while (reader.TryReadNext(out _, out _))
        {
        }
        return reader.Error;
    }
}
