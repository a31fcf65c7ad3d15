namespace Devmem.Stack.Wire;

/// <summary>
/// Walks IPv4 options (RFC 791 §3.1, "Options"): End of Option List (kind 0) stops the walk and
/// the rest is padding; No Operation (kind 1) is a single byte; every other option is
/// kind, length (counting kind and length, so &gt;= 2), data, and must fit in the options area.
/// </summary>
public ref struct Ipv4OptionReader
{
    /// <summary>End of Option List.</summary>
    public const byte EndOfOptionList = 0;

    /// <summary>No Operation.</summary>
    public const byte NoOperation = 1;

    private readonly ReadOnlySpan<byte> _options;
    private int _offset;

    /// <summary>A reader over the options area (header bytes 20..IHL*4).</summary>
    public Ipv4OptionReader(ReadOnlySpan<byte> options)
    {
        _options = options;
        _offset = 0;
        Error = WireParseError.None;
    }

    /// <summary><see cref="WireParseError.BadOptionLength"/> once the walk met a bad length; else None.</summary>
    public WireParseError Error { get; private set; }

    /// <summary>
    /// The next option other than NOP: its kind and its bytes (kind and length included). False at
    /// End of Option List, at the end of the area, or on a bad length (see <see cref="Error"/>).
    /// </summary>
    public bool TryReadNext(out byte kind, out ReadOnlySpan<byte> option)
    {
        while (_offset < _options.Length && _options[_offset] == NoOperation)
        {
            _offset++;
        }
        kind = 0;
        option = default;
        if (Error != WireParseError.None || _offset >= _options.Length || _options[_offset] == EndOfOptionList)
        {
            _offset = _options.Length;
            return false;
        }
        int remaining = _options.Length - _offset;
        int length = remaining >= 2 ? _options[_offset + 1] : 0;
        if (length < 2 || length > remaining)
        {
            Error = WireParseError.BadOptionLength;
            _offset = _options.Length;
            return false;
        }
        kind = _options[_offset];
        option = _options.Slice(_offset, length);
        _offset += length;
        return true;
    }

    /// <summary>Checks every option length in <paramref name="options"/>.</summary>
    public static WireParseError Validate(ReadOnlySpan<byte> options)
    {
        var reader = new Ipv4OptionReader(options);
        while (reader.TryReadNext(out _, out _))
        {
        }
        return reader.Error;
    }
}
