using Devmem.Stack.Wire;

namespace Devmem.Stack.Tcp;

/// <summary>
/// The send buffer (RFC 9293 §3.3.1, the data between SND.UNA and what the application wrote last): a ring
/// of host bytes, ordinary data as the application wrote it. Bytes stay until acknowledged, so a
/// retransmission copies them out again; the buffer never allocates after construction.
/// </summary>
/// <remarks>Offsets are relative to the oldest unacknowledged byte.</remarks>
public sealed class TcpSendBuffer
{
    private readonly byte[] _ring;
    private int _start;

    /// <param name="capacity">Bytes the buffer holds at most.</param>
    public TcpSendBuffer(int capacity)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(capacity);
        _ring = new byte[capacity];
    }

    /// <summary>Bytes held: written and not yet acknowledged.</summary>
    public int Length { get; private set; }

    /// <summary>Bytes the buffer can hold at most.</summary>
    public int Capacity => _ring.Length;

    /// <summary>Room left for the application.</summary>
    public int Free => _ring.Length - Length;

    /// <summary>Appends as much of <paramref name="data"/> as fits; returns the count taken.</summary>
    public int Write(ReadOnlySpan<byte> data)
    {
        int count = Math.Min(data.Length, Free);
        int tail = (_start + Length) % _ring.Length;
        int first = Math.Min(count, _ring.Length - tail);
        data[..first].CopyTo(_ring.AsSpan(tail));
        data[first..count].CopyTo(_ring);
        Length += count;
        return count;
    }

    /// <summary>Copies <paramref name="destination"/>.Length bytes starting <paramref name="offset"/> bytes in.</summary>
    public void CopyTo(int offset, Span<byte> destination)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(offset);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(offset + destination.Length, Length, nameof(destination));
        int from = (_start + offset) % _ring.Length;
        int first = Math.Min(destination.Length, _ring.Length - from);
        _ring.AsSpan(from, first).CopyTo(destination);
        _ring.AsSpan(0, destination.Length - first).CopyTo(destination[first..]);
    }

    /// <summary>
    /// <see cref="CopyTo"/>, returning the Internet checksum's partial sum of the bytes copied, taken in the same
    /// pass (<see cref="InternetChecksum.CopyAndAccumulate"/>).
    /// </summary>
    public uint CopyAndAccumulate(int offset, Span<byte> destination)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(offset);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(offset + destination.Length, Length, nameof(destination));
        int from = (_start + offset) % _ring.Length;
        int first = Math.Min(destination.Length, _ring.Length - from);
        uint sum = InternetChecksum.CopyAndAccumulate(_ring.AsSpan(from, first), destination);
        if (first == destination.Length)
        {
            return sum;
        }

        // The ring wrapped: the rest comes from its start, maybe at an odd offset into the copy.
        uint rest = InternetChecksum.CopyAndAccumulate(_ring.AsSpan(0, destination.Length - first), destination[first..]);
        return InternetChecksum.Combine(sum, rest, first);
    }

    /// <summary>Drops the oldest <paramref name="count"/> bytes: the peer acknowledged them.</summary>
    public void Discard(int count)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(count, Length);
        _start = (_start + count) % _ring.Length;
        Length -= count;
    }
}
