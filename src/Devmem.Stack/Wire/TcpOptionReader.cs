namespace Devmem.Stack.Wire;

/// <summary>
/// Walks the raw option bytes of a TCP header (RFC 9293 §3.2) without allocating: each
/// <see cref="MoveNext"/> yields one option's kind and its data (the bytes after kind and length).
/// NOPs are skipped, End-of-List ends the walk. Every step either advances or stops, so a hostile
/// zero-length option cannot make it loop.
/// </summary>
/// <remarks>
/// Rules (RFC 9293 §3.2 and §3.7.1): a multi-byte option needs a length byte; a length below 2 or one
/// that runs past the header stops the walk with <see cref="WireParseError.BadOptionLength"/>. The
/// reader does not judge the length of known kinds; <see cref="TcpOptions.TryParse"/> does.
/// </remarks>
public ref struct TcpOptionReader
{
    private readonly ReadOnlySpan<byte> _options;
    private int _offset;

    /// <summary>Starts a walk over the options area (header bytes 20 .. data offset * 4).</summary>
    public TcpOptionReader(ReadOnlySpan<byte> options)
    {
        _options = options;
        _offset = 0;
        Kind = TcpOptionKind.EndOfList;
        Data = default;
        Error = WireParseError.None;
    }

    /// <summary>The kind of the current option (may be a value not named in <see cref="TcpOptionKind"/>).</summary>
    public TcpOptionKind Kind { get; private set; }

    /// <summary>The current option's data: the bytes after its kind and length bytes.</summary>
    public ReadOnlySpan<byte> Data { get; private set; }

    /// <summary>Why the walk stopped early; <see cref="WireParseError.None"/> when it reached the end.</summary>
    public WireParseError Error { get; private set; }

    /// <summary>Offset of the current option within the options area.</summary>
    public int Offset { get; private set; }

    /// <summary>Advances to the next option other than NOP. False at the end, at End-of-List, or on error.</summary>
    public bool MoveNext()
    {
        ReadOnlySpan<byte> options = _options;
        int i = _offset;
        while (i < options.Length)
        {
            byte kind = options[i];
            if (kind == (byte)TcpOptionKind.EndOfList)
            {
                break;
            }
            if (kind == (byte)TcpOptionKind.NoOperation)
            {
                i++;
                continue;
            }
            if (i + 1 >= options.Length)
            {
                return Fail(WireParseError.BadOptionLength);
            }
            int length = options[i + 1];
            if (length < 2 || length > options.Length - i)
            {
                return Fail(WireParseError.BadOptionLength);
            }
            Kind = (TcpOptionKind)kind;
            Data = options.Slice(i + 2, length - 2);
            Offset = i;
            _offset = i + length;
            return true;
        }
        _offset = options.Length;
        return false;
    }

    private bool Fail(WireParseError error)
    {
        Error = error;
        _offset = _options.Length;
        return false;
    }
}
