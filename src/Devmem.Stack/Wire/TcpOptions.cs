using System.Buffers.Binary;
using System.Diagnostics.CodeAnalysis;
using System.Runtime.InteropServices;
using System.Text;

namespace Devmem.Stack.Wire;

/// <summary>
/// The TCP options this stack reads and writes, parsed into a small value with no allocation:
/// MSS (RFC 9293 §3.7.1), window scale (RFC 7323 §2), SACK-permitted and SACK blocks (RFC 2018),
/// timestamps (RFC 7323 §3). Unknown options are skipped by their length when parsing and never emitted.
/// </summary>
/// <remarks>
/// Emission follows Linux's <c>tcp_options_write</c> order and packing, always 4-byte aligned with NOPs:
/// MSS <c>02 04 mm mm</c>; timestamps <c>01 01 08 0a</c> + TSval + TSecr, or <c>04 02 08 0a</c> + ... when
/// SACK-permitted rides along; SACK-permitted alone <c>01 01 04 02</c>; window scale <c>01 03 03 ws</c>;
/// SACK blocks <c>01 01 05 len</c> + edges. The whole list is at most 40 bytes: like Linux, the emitter
/// sends only as many SACK blocks as fit (3 next to timestamps, 4 without).
/// </remarks>
public struct TcpOptions : IEquatable<TcpOptions>
{
    /// <summary>The most SACK blocks one option can carry (40 option bytes: 2 + 4 * 8 = 34).</summary>
    public const int MaxSackBlocks = 4;

    /// <summary>The most option bytes a TCP header can carry (data offset 15 words, less 20 bytes).</summary>
    public const int MaxLength = 40;

    /// <summary>The largest window shift allowed (RFC 7323 §2.3); larger received values are used as 14.</summary>
    public const int MaxWindowScale = 14;

    private TcpSackBlockArray _sackBlocks;
    private int _sackBlockCount;
    private ushort? _mss;
    private byte? _windowScale;
    private bool _sackPermitted;
    private TcpTimestamp? _timestamp;

    /// <summary>Maximum segment size (kind 2), or null when absent.</summary>
    public ushort? Mss { readonly get => _mss; init => _mss = value; }

    /// <summary>Window scale shift count (kind 3) as received, unclamped, or null when absent.</summary>
    public byte? WindowScale { readonly get => _windowScale; init => _windowScale = value; }

    /// <summary>SACK-permitted (kind 4) present.</summary>
    public bool SackPermitted { readonly get => _sackPermitted; init => _sackPermitted = value; }

    /// <summary>Timestamps (kind 8), or null when absent.</summary>
    public TcpTimestamp? Timestamp { readonly get => _timestamp; init => _timestamp = value; }

    /// <summary>The window scale to apply: <see cref="WindowScale"/> clamped to 14 (RFC 7323 §2.3), or null.</summary>
    public readonly int? EffectiveWindowScale => WindowScale is byte ws ? Math.Min((int)ws, MaxWindowScale) : null;

    /// <summary>Number of SACK blocks (0..4).</summary>
    public readonly int SackBlockCount => _sackBlockCount;

    /// <summary>The SACK blocks, in the order they appear on the wire.</summary>
    [UnscopedRef]
    public readonly ReadOnlySpan<TcpSackBlock> SackBlocks => ((ReadOnlySpan<TcpSackBlock>)_sackBlocks).Slice(0, _sackBlockCount);

    /// <summary>True when no option is present.</summary>
    public readonly bool IsEmpty => Mss is null && WindowScale is null && !SackPermitted && Timestamp is null && _sackBlockCount == 0;

    /// <summary>The SACK block at <paramref name="index"/> (0 .. <see cref="SackBlockCount"/> - 1).</summary>
    public readonly TcpSackBlock GetSackBlock(int index)
    {
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual((uint)index, (uint)_sackBlockCount, nameof(index));
        return _sackBlocks[index];
    }

    /// <summary>A copy of these options with the given SACK blocks (at most 4) in place of the current ones.</summary>
    public readonly TcpOptions WithSackBlocks(ReadOnlySpan<TcpSackBlock> blocks)
    {
        ArgumentOutOfRangeException.ThrowIfGreaterThan(blocks.Length, MaxSackBlocks, nameof(blocks));
        TcpOptions copy = this;
        blocks.CopyTo(copy._sackBlocks);
        copy._sackBlockCount = blocks.Length;
        return copy;
    }

    /// <summary>How many SACK blocks <see cref="Emit"/> writes: all of them, or as many as fit in 40 bytes.</summary>
    public readonly int EmittedSackBlockCount
    {
        get
        {
            if (_sackBlockCount == 0)
            {
                return 0;
            }
            int room = MaxLength - FixedLength - 4;
            return room < 8 ? 0 : Math.Min(_sackBlockCount, room / 8);
        }
    }

    /// <summary>Bytes <see cref="Emit"/> writes: a multiple of 4, at most 40.</summary>
    public readonly int EncodedLength
    {
        get
        {
            int sack = EmittedSackBlockCount;
            return FixedLength + (sack == 0 ? 0 : 4 + (8 * sack));
        }
    }

    // Everything but the SACK blocks: MSS 4, TS 12 (absorbs SACK-permitted), SACK-permitted 4, WS 4.
    private readonly int FixedLength =>
        (Mss is null ? 0 : 4)
        + (Timestamp is null ? (SackPermitted ? 4 : 0) : 12)
        + (WindowScale is null ? 0 : 4);

    /// <summary>
    /// Parses the options area of a TCP header (RFC 9293 §3.2). Fails with
    /// <see cref="WireParseError.BadOptionLength"/> when a length byte is missing, below 2, runs past the
    /// area, or is wrong for a known kind (MSS 4, WS 3, SACK-permitted 2, SACK 2 + 8n with n 1..4, TS 10).
    /// A repeated option overrides the earlier one, as in Linux's <c>tcp_parse_options</c>.
    /// </summary>
    public static bool TryParse(ReadOnlySpan<byte> options, out TcpOptions result, out WireParseError error)
    {
        result = default;
        // Fast path: the layout of every Linux data segment, NOP NOP TS (RFC 7323 Appendix A).
        if (options.Length == 12 && BinaryPrimitives.ReadUInt32BigEndian(options) == 0x0101_080Au)
        {
            result._timestamp = new TcpTimestamp(
                BinaryPrimitives.ReadUInt32BigEndian(options.Slice(4)),
                BinaryPrimitives.ReadUInt32BigEndian(options.Slice(8)));
            error = WireParseError.None;
            return true;
        }
        var reader = new TcpOptionReader(options);
        while (reader.MoveNext())
        {
            ReadOnlySpan<byte> data = reader.Data;
            switch (reader.Kind)
            {
                case TcpOptionKind.MaximumSegmentSize:
                    if (data.Length != 2)
                    {
                        return Fail(out result, out error);
                    }
                    result._mss = BinaryPrimitives.ReadUInt16BigEndian(data);
                    break;
                case TcpOptionKind.WindowScale:
                    if (data.Length != 1)
                    {
                        return Fail(out result, out error);
                    }
                    result._windowScale = data[0];
                    break;
                case TcpOptionKind.SackPermitted:
                    if (data.Length != 0)
                    {
                        return Fail(out result, out error);
                    }
                    result._sackPermitted = true;
                    break;
                case TcpOptionKind.Timestamps:
                    if (data.Length != 8)
                    {
                        return Fail(out result, out error);
                    }
                    result._timestamp = new TcpTimestamp(
                        BinaryPrimitives.ReadUInt32BigEndian(data),
                        BinaryPrimitives.ReadUInt32BigEndian(data.Slice(4)));
                    break;
                case TcpOptionKind.Sack:
                    // RFC 2018 §3: length 2 + 8n; 40 option bytes bound n to 4.
                    if (data.Length == 0 || (data.Length & 7) != 0 || data.Length > 8 * MaxSackBlocks)
                    {
                        return Fail(out result, out error);
                    }
                    int count = data.Length >> 3;
                    for (int k = 0; k < count; k++)
                    {
                        ReadOnlySpan<byte> edge = data.Slice(8 * k, 8);
                        result._sackBlocks[k] = new TcpSackBlock(
                            BinaryPrimitives.ReadUInt32BigEndian(edge),
                            BinaryPrimitives.ReadUInt32BigEndian(edge.Slice(4)));
                    }
                    result._sackBlockCount = count;
                    break;
                default:
                    break; // Unknown kinds are skipped by their length (RFC 9293 §3.2).
            }
        }
        error = reader.Error;
        if (error != WireParseError.None)
        {
            result = default;
            return false;
        }
        return true;
    }

    private static bool Fail(out TcpOptions result, out WireParseError error)
    {
        result = default;
        error = WireParseError.BadOptionLength;
        return false;
    }

    /// <summary>
    /// Writes the options in Linux's order (see remarks on the type) and returns <see cref="EncodedLength"/>.
    /// Returns false when <paramref name="destination"/> is shorter than <see cref="EncodedLength"/>.
    /// </summary>
    public readonly bool TryEmit(Span<byte> destination, out int written)
    {
        int sack = EmittedSackBlockCount;
        int length = FixedLength + (sack == 0 ? 0 : 4 + (8 * sack));
        if (destination.Length < length)
        {
            written = 0;
            return false;
        }
        written = WriteUnchecked(ref MemoryMarshal.GetReference(destination), sack);
        return true;
    }

    // Writes the options with `sack` SACK blocks; the caller has checked the room (EncodedLength).
    internal readonly int WriteUnchecked(ref byte destination, int sack)
    {
        int n = 0;
        if (_mss is ushort mss)
        {
            TcpBigEndian.Write32(ref destination, 0, 0x0204_0000u | mss);
            n = 4;
        }
        if (_timestamp is TcpTimestamp ts)
        {
            // Linux packs SACK-permitted into the two bytes that would otherwise be NOP padding.
            TcpBigEndian.Write32(ref destination, n, _sackPermitted ? 0x0402_080Au : 0x0101_080Au);
            TcpBigEndian.Write32(ref destination, n + 4, ts.Value);
            TcpBigEndian.Write32(ref destination, n + 8, ts.EchoReply);
            n += 12;
        }
        else if (_sackPermitted)
        {
            TcpBigEndian.Write32(ref destination, n, 0x0101_0402u);
            n += 4;
        }
        if (_windowScale is byte ws)
        {
            TcpBigEndian.Write32(ref destination, n, 0x0103_0300u | ws);
            n += 4;
        }
        if (sack != 0)
        {
            TcpBigEndian.Write32(ref destination, n, 0x0101_0500u | (uint)(2 + (8 * sack)));
            n += 4;
            for (int k = 0; k < sack; k++)
            {
                TcpSackBlock block = _sackBlocks[k];
                TcpBigEndian.Write32(ref destination, n, block.Left);
                TcpBigEndian.Write32(ref destination, n + 4, block.Right);
                n += 8;
            }
        }
        return n;
    }

    /// <summary>Writes the options (see <see cref="TryEmit"/>) and returns the bytes written.</summary>
    /// <exception cref="ArgumentException"><paramref name="destination"/> is shorter than <see cref="EncodedLength"/>.</exception>
    public readonly int Emit(Span<byte> destination)
    {
        if (!TryEmit(destination, out int written))
        {
            throw new ArgumentException("Destination too short for the TCP options.", nameof(destination));
        }
        return written;
    }

    /// <inheritdoc/>
    public readonly bool Equals(TcpOptions other) =>
        Mss == other.Mss
        && WindowScale == other.WindowScale
        && SackPermitted == other.SackPermitted
        && Timestamp == other.Timestamp
        && SackBlocks.SequenceEqual(other.SackBlocks);

    /// <inheritdoc/>
    public override readonly bool Equals(object? obj) => obj is TcpOptions other && Equals(other);

    /// <inheritdoc/>
    public override readonly int GetHashCode()
    {
        var hash = new HashCode();
        hash.Add(Mss);
        hash.Add(WindowScale);
        hash.Add(SackPermitted);
        hash.Add(Timestamp);
        foreach (TcpSackBlock block in SackBlocks)
        {
            hash.Add(block);
        }
        return hash.ToHashCode();
    }

    /// <summary>Options are equal when every field and every SACK block is.</summary>
    public static bool operator ==(TcpOptions left, TcpOptions right) => left.Equals(right);

    /// <summary>Options differ when any field or SACK block does.</summary>
    public static bool operator !=(TcpOptions left, TcpOptions right) => !left.Equals(right);

    /// <inheritdoc/>
    public override readonly string ToString()
    {
        var text = new StringBuilder("{");
        if (Mss is ushort mss)
        {
            text.Append(" mss ").Append(mss);
        }
        if (WindowScale is byte ws)
        {
            text.Append(" wscale ").Append(ws);
        }
        if (SackPermitted)
        {
            text.Append(" sackOK");
        }
        if (Timestamp is TcpTimestamp ts)
        {
            text.Append(" TS val ").Append(ts.Value).Append(" ecr ").Append(ts.EchoReply);
        }
        if (_sackBlockCount != 0)
        {
            text.Append(" sack");
            foreach (TcpSackBlock block in SackBlocks)
            {
                text.Append(' ').Append(block.Left).Append(':').Append(block.Right);
            }
        }
        return text.Append(" }").ToString();
    }
}
