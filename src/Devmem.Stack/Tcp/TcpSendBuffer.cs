using Devmem.Stack.Wire;

namespace Devmem.Stack.Tcp;

/// <summary>
/// The send buffer (RFC 9293 §3.3.1, the data between SND.UNA and what the application wrote last): a ring
/// of host bytes, ordinary data as the application wrote it. Bytes stay until acknowledged, so a
/// retransmission copies them out again; the buffer never allocates after construction.
/// </summary>
/// <remarks>
/// <para>Offsets are relative to the oldest unacknowledged byte.</para>
/// <para>Besides the connection's own thread, one application thread at a time may <see cref="Stage"/> bytes,
/// as Linux's tcp_sendmsg copies into the socket's skbs on the caller's thread: they go into the free part of
/// the ring behind everything written, and join <see cref="Length"/> only when the connection's thread calls
/// <see cref="Commit"/>, so TCP never sees the buffer change under it. The stager owns the tail, the
/// connection the head; the committed and staged counts share one 64-bit word, changed atomically, so the
/// room either side reads is always exact.</para>
/// </remarks>
public sealed class TcpSendBuffer
{
    private const long LengthMask = 0xFFFF_FFFF;

    private readonly byte[] _ring;
    private int _start;

    // Where the next byte goes (whoever writes: the connection's thread, or the one stager).
    private int _tail;

    // Low half: Length (committed, unacknowledged); high half: bytes staged behind it, not yet committed.
    private long _counts;

    /// <param name="capacity">Bytes the buffer holds at most.</param>
    public TcpSendBuffer(int capacity)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(capacity);
        _ring = new byte[capacity];
    }

    /// <summary>Bytes held: written (or committed) and not yet acknowledged.</summary>
    public int Length => (int)(Volatile.Read(ref _counts) & LengthMask);

    /// <summary>Bytes the buffer can hold at most.</summary>
    public int Capacity => _ring.Length;

    /// <summary>Room left for the application (staged bytes take room before they are committed).</summary>
    public int Free
    {
        get
        {
            long counts = Volatile.Read(ref _counts);
            return _ring.Length - (int)(counts & LengthMask) - (int)(counts >> 32);
        }
    }

    /// <summary>Bytes staged and not yet committed.</summary>
    public int Staged => (int)(Volatile.Read(ref _counts) >> 32);

    /// <summary>
    /// The connection's thread: appends as much of <paramref name="data"/> as fits, after anything staged
    /// (which is committed first, so the stream keeps its order); returns the count taken.
    /// </summary>
    public int Write(ReadOnlySpan<byte> data)
    {
        Commit();
        int count = CopyIn(data);
        Interlocked.Add(ref _counts, count);
        return count;
    }

    /// <summary>
    /// The one application thread allowed to stage: copies as much of <paramref name="data"/> as fits behind
    /// everything written, without touching what TCP sees; returns the count. <see cref="Commit"/> adds it.
    /// </summary>
    public int Stage(ReadOnlySpan<byte> data)
    {
        int count = CopyIn(data);

        // Published after the bytes: a Commit that sees the count sees them.
        Interlocked.Add(ref _counts, (long)count << 32);
        return count;
    }

    /// <summary>The connection's thread: what was staged becomes part of <see cref="Length"/>.</summary>
    public void Commit()
    {
        long counts = Volatile.Read(ref _counts);
        while (counts >> 32 != 0)
        {
            long committed = (counts & LengthMask) + (counts >> 32);
            long seen = Interlocked.CompareExchange(ref _counts, committed, counts);
            if (seen == counts)
            {
                return;
            }

            counts = seen;
        }
    }

    private int CopyIn(ReadOnlySpan<byte> data)
    {
        int count = Math.Min(data.Length, Free);
        int first = Math.Min(count, _ring.Length - _tail);
        data[..first].CopyTo(_ring.AsSpan(_tail));
        data[first..count].CopyTo(_ring);
        _tail = (_tail + count) % _ring.Length;
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

        // The head moves before Length shrinks: a stager given the room never writes where TCP still reads.
        _start = (_start + count) % _ring.Length;
        Interlocked.Add(ref _counts, -count);
    }
}
