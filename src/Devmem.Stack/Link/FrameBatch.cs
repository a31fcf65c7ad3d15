using System.Diagnostics;
using Devmem.Stack.Wire;

namespace Devmem.Stack.Link;

/// <summary>
/// A caller-owned batch of frames in preallocated fixed-size slots: what an engine fills before one
/// <see cref="ILink.Transmit"/> and what <see cref="ILink.Receive"/> fills for the engine. Allocated
/// once and reused; adding, reading and clearing frames allocate nothing.
/// </summary>
/// <remarks>
/// A frame may carry the virtio-net header its link delivered with it (<see cref="TryGetOffload"/>): a TAP
/// device hands over 64 KiB GSO frames whose TCP checksum is only partial, and the NIC must know that the
/// kernel vouched for them. Links without offloads commit frames without one.
/// <para>Each slot is its own buffer so that a <see cref="FrameRing"/> can move frames by handing buffers over
/// instead of copying them (<see cref="ExchangeFrame"/>, <see cref="AddFrame"/>): every buffer of a batch is
/// <see cref="MaxFrameLength"/> long, so buffers only ever move between batches and rings of one size. The
/// exception is a GSO frame's large buffer, lent by a <see cref="GsoBufferPool"/> for as long as the frame is in
/// flight: <see cref="Clear"/> gives it back.</para>
/// </remarks>
public sealed class FrameBatch : IFrameSink
{
    private readonly FrameSlot[] _slots;
    private readonly int[] _lengths;
    private readonly VirtioNetHeader[] _offloads;
    private readonly bool[] _hasOffload;
    private readonly GsoBufferPool? _gsoBuffers;
    private int _count;

    /// <param name="capacity">Frames the batch holds.</param>
    /// <param name="maxFrameLength">Bytes per slot: the longest frame.</param>
    /// <param name="gsoBuffers">
    /// Where the batch borrows large buffers for GSO frames (<see cref="ReserveGso"/>) and returns those it
    /// received (<see cref="Clear"/>); null for a batch of frame-sized slots only.
    /// </param>
    /// <exception cref="ArgumentOutOfRangeException">A size is not positive.</exception>
    /// <exception cref="ArgumentException">The pool's frame-sized buffers are not this batch's slot length.</exception>
    public FrameBatch(int capacity, int maxFrameLength, GsoBufferPool? gsoBuffers = null)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(capacity);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(maxFrameLength);
        if (gsoBuffers is not null && gsoBuffers.SmallLength != maxFrameLength)
        {
            throw new ArgumentException(
                $"The pool's {gsoBuffers.SmallLength}-byte buffers cannot stand in for this batch's {maxFrameLength}-byte slots.", nameof(gsoBuffers));
        }

        _slots = new FrameSlot[capacity];
        for (int i = 0; i < capacity; i++)
        {
            _slots[i].Buffer = new byte[maxFrameLength];
        }

        _lengths = new int[capacity];
        _offloads = new VirtioNetHeader[capacity];
        _hasOffload = new bool[capacity];
        MaxFrameLength = maxFrameLength;
        _gsoBuffers = gsoBuffers;
    }

    /// <summary>Frames the batch holds.</summary>
    public int Capacity => _lengths.Length;

    /// <inheritdoc/>
    public int MaxFrameLength { get; }

    /// <summary>Frames in the batch.</summary>
    public int Count => _count;

    /// <summary>No slot is free.</summary>
    public bool IsFull => _count == _lengths.Length;

    /// <summary>Frame <paramref name="index"/> (0 ≤ index &lt; <see cref="Count"/>).</summary>
    /// <exception cref="ArgumentOutOfRangeException">No such frame.</exception>
    public ReadOnlySpan<byte> this[int index] => GetFrame(index);

    /// <summary>Frame <paramref name="index"/>, writable (a fault injector or a test may edit it in place).</summary>
    /// <exception cref="ArgumentOutOfRangeException">No such frame.</exception>
    public Span<byte> GetFrame(int index)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(index);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(index, _count);
        return _slots[index].Buffer.AsSpan(0, _lengths[index]);
    }

    /// <inheritdoc/>
    public Span<byte> Reserve() => IsFull ? Span<byte>.Empty : _slots[_count].Buffer;

    /// <inheritdoc/>
    public int MaxGsoFrameLength => _gsoBuffers?.LargeLength ?? 0;

    /// <inheritdoc/>
    public Span<byte> ReserveGso(int length)
    {
        if (IsFull || length > MaxGsoFrameLength)
        {
            return Span<byte>.Empty;
        }

        ref FrameSlot slot = ref _slots[_count];
        if (slot.Buffer!.Length < length)
        {
            if (!_gsoBuffers!.TryExchangeForLarge(slot.Buffer, out byte[]? large))
            {
                return Span<byte>.Empty;
            }

            slot.Buffer = large;
        }

        return slot.Buffer;
    }

    /// <summary>The virtio-net header frame <paramref name="index"/> arrived with; false when it carries none.</summary>
    /// <exception cref="ArgumentOutOfRangeException">No such frame.</exception>
    public bool TryGetOffload(int index, out VirtioNetHeader offload)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(index);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(index, _count);
        offload = _offloads[index];
        return _hasOffload[index];
    }

    /// <inheritdoc/>
    public void Commit(int length) => CommitCore(length, hasOffload: false, default);

    /// <summary>Completes the reserved frame, with the virtio-net header its link delivered it with.</summary>
    /// <exception cref="InvalidOperationException">Nothing is reserved (the batch is full).</exception>
    /// <exception cref="ArgumentOutOfRangeException">The length is negative or over <see cref="MaxFrameLength"/>.</exception>
    public void Commit(int length, in VirtioNetHeader offload) => CommitCore(length, hasOffload: true, offload);

    private void CommitCore(int length, bool hasOffload, in VirtioNetHeader offload)
    {
        if (IsFull)
        {
            throw new InvalidOperationException("The batch is full: Reserve returned no room, so there is nothing to commit.");
        }
        ArgumentOutOfRangeException.ThrowIfNegative(length);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(length, _slots[_count].Buffer!.Length);
        _offloads[_count] = offload;
        _hasOffload[_count] = hasOffload;
        _lengths[_count++] = length;
    }

    /// <summary>Copies <paramref name="frame"/> into the next slot; false when the batch is full.</summary>
    /// <exception cref="ArgumentException">The frame is longer than <see cref="MaxFrameLength"/>.</exception>
    public bool TryAdd(ReadOnlySpan<byte> frame)
    {
        if (frame.Length > MaxFrameLength)
        {
            throw new ArgumentException($"A {frame.Length}-byte frame does not fit a {MaxFrameLength}-byte slot.", nameof(frame));
        }
        var slot = Reserve();
        if (slot.IsEmpty)
        {
            return false;
        }
        frame.CopyTo(slot);
        Commit(frame.Length);
        return true;
    }

    /// <summary>Empties the batch (the slots are kept); large buffers go back to the pool they came from.</summary>
    public void Clear()
    {
        _count = 0;
        if (_gsoBuffers is null)
        {
            return;
        }

        // Frames read from a ring, and a reservation that was never committed, may have left large buffers here.
        for (int i = 0; i < _slots.Length; i++)
        {
            if (_slots[i].Buffer!.Length != MaxFrameLength)
            {
                _slots[i].Buffer = _gsoBuffers.ExchangeForSmall(_slots[i].Buffer!);
            }
        }
    }

    /// <summary>
    /// Hands frame <paramref name="index"/>'s buffer (a large one for a GSO frame) over to a ring and takes
    /// <paramref name="empty"/> (a buffer of <see cref="MaxFrameLength"/> bytes) in its place: the frame leaves the
    /// batch without a copy, and the slot no longer holds it.
    /// </summary>
    internal byte[] ExchangeFrame(int index, byte[] empty)
    {
        Debug.Assert((uint)index < (uint)_count && empty.Length >= MaxFrameLength);
        byte[] frame = _slots[index].Buffer!;
        _slots[index].Buffer = empty;
        return frame;
    }

    /// <summary>
    /// Adds the frame a ring holds in <paramref name="frame"/> (a buffer of <see cref="MaxFrameLength"/> bytes, or
    /// a large one for a GSO frame) as the next frame, with its virtio-net header if it has one, without a copy;
    /// returns the buffer the slot had, now the ring's. The batch must not be full.
    /// </summary>
    internal byte[] AddFrame(byte[] frame, int length, bool hasOffload, in VirtioNetHeader offload)
    {
        Debug.Assert(!IsFull && frame.Length >= MaxFrameLength && (uint)length <= (uint)frame.Length);
        byte[] empty = _slots[_count].Buffer!;
        _slots[_count].Buffer = frame;
        _offloads[_count] = offload;
        _hasOffload[_count] = hasOffload;
        _lengths[_count++] = length;
        return empty;
    }
}
