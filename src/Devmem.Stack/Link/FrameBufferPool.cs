namespace Devmem.Stack.Link;

/// <summary>
/// A fixed set of equal-size frame buffers allocated once and lent by index, so that holding a
/// frame (a packet waiting for neighbour resolution, a frame a fault injector delays) allocates
/// nothing. Each buffer remembers the length of the frame stored in it. Not thread-safe: its owner
/// serialises access.
/// </summary>
public sealed class FrameBufferPool
{
    private readonly byte[] _memory;
    private readonly int[] _lengths;
    private readonly int[] _free;
    private readonly bool[] _rented;
    private int _freeCount;

    /// <param name="count">Buffers in the pool.</param>
    /// <param name="bufferLength">Bytes per buffer.</param>
    /// <exception cref="ArgumentOutOfRangeException">A size is not positive.</exception>
    public FrameBufferPool(int count, int bufferLength)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(count);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(bufferLength);
        _memory = new byte[checked(count * bufferLength)];
        _lengths = new int[count];
        _rented = new bool[count];
        _free = new int[count];
        // Hand out low indices first: the most recently returned buffer is reused first (warm in cache).
        for (int i = 0; i < count; i++)
        {
            _free[i] = count - 1 - i;
        }
        _freeCount = count;
        BufferLength = bufferLength;
    }

    /// <summary>Buffers in the pool.</summary>
    public int Count => _lengths.Length;

    /// <summary>Buffers not lent out.</summary>
    public int Available => _freeCount;

    /// <summary>Bytes per buffer.</summary>
    public int BufferLength { get; }

    /// <summary>Lends a buffer; false when all are lent.</summary>
    public bool TryRent(out int buffer)
    {
        if (_freeCount == 0)
        {
            buffer = -1;
            return false;
        }
        buffer = _free[--_freeCount];
        _rented[buffer] = true;
        _lengths[buffer] = 0;
        return true;
    }

    /// <summary>The whole of a lent buffer.</summary>
    /// <exception cref="InvalidOperationException">The buffer is not lent.</exception>
    public Span<byte> GetBuffer(int buffer)
    {
        CheckRented(buffer);
        return _memory.AsSpan(buffer * BufferLength, BufferLength);
    }

    /// <summary>Records that a lent buffer holds a frame of <paramref name="length"/> bytes.</summary>
    /// <exception cref="InvalidOperationException">The buffer is not lent.</exception>
    /// <exception cref="ArgumentOutOfRangeException">The length is negative or over <see cref="BufferLength"/>.</exception>
    public void SetFrameLength(int buffer, int length)
    {
        CheckRented(buffer);
        ArgumentOutOfRangeException.ThrowIfNegative(length);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(length, BufferLength);
        _lengths[buffer] = length;
    }

    /// <summary>The frame stored in a lent buffer (its recorded length).</summary>
    /// <exception cref="InvalidOperationException">The buffer is not lent.</exception>
    public Span<byte> GetFrame(int buffer)
    {
        CheckRented(buffer);
        return _memory.AsSpan(buffer * BufferLength, _lengths[buffer]);
    }

    /// <summary>Takes a buffer back.</summary>
    /// <exception cref="InvalidOperationException">The buffer is not lent (a double return).</exception>
    public void Return(int buffer)
    {
        CheckRented(buffer);
        _rented[buffer] = false;
        _free[_freeCount++] = buffer;
    }

    private void CheckRented(int buffer)
    {
        if ((uint)buffer >= (uint)_rented.Length || !_rented[buffer])
        {
            throw new InvalidOperationException($"Frame buffer {buffer} is not lent out by this pool.");
        }
    }
}
