using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using Devmem.Memory;

namespace Devmem.Stack.Nic;

/// <summary>
/// The receive buffers one queue has posted ahead of the next frame, oldest first: a NIC's RX descriptor ring.
/// Each buffer is an <c>rx-buf-len</c> piece of a page-pool chunk and holds one reference on it (Linux
/// <c>page_pool_alloc_frag</c>: every piece after a chunk's first takes a further reference), which passes to
/// the skb frag when a frame lands in it, or is dropped when the ring is emptied.
/// </summary>
/// <remarks>Like the queue it belongs to, the ring is the engine thread's.</remarks>
internal sealed unsafe class NicRxRing
{
    private readonly PostedBuffer[] _buffers;
    private int _head;

    public NicRxRing(int capacity) => _buffers = new PostedBuffer[capacity];

    /// <summary>Buffers posted.</summary>
    public int Count { get; private set; }

    /// <summary>The <paramref name="index"/>th posted buffer, oldest first.</summary>
    public PostedBuffer this[int index] => _buffers[(_head + index) % _buffers.Length];

    /// <summary>
    /// Posts buffers of <paramref name="bufferLength"/> bytes carved from chunks of <paramref name="pool"/> until
    /// <paramref name="count"/> are posted or the pool is dry (then frames that need more take the copy path,
    /// where the allocation failure is counted as the drop it is). The pool's memory must be host-visible.
    /// </summary>
    public void Fill(PagePool pool, int bufferLength, int count)
    {
        int perChunk = Page.Size / bufferLength;
        while (Count + perChunk <= count && pool.TryAllocate(out NetIov? chunk))
        {
            byte* address = (byte*)Unsafe.AsPointer(ref MemoryMarshal.GetReference(chunk.Span));
            for (int piece = 0; piece < perChunk; piece++)
            {
                if (piece > 0)
                {
                    chunk.Get();
                }

                int offset = piece * bufferLength;
                _buffers[(_head + Count++) % _buffers.Length] = new PostedBuffer(chunk, offset, (nint)(address + offset));
            }
        }
    }

    /// <summary>Takes the oldest buffer and its reference: a frame landed in it.</summary>
    public PostedBuffer Take()
    {
        PostedBuffer buffer = _buffers[_head];
        _buffers[_head] = default;
        _head = (_head + 1) % _buffers.Length;
        Count--;
        return buffer;
    }

    /// <summary>Drops every posted buffer's reference, so the chunks go home (the queue restarts or goes away).</summary>
    public void Release()
    {
        while (Count > 0)
        {
            Take().Chunk.Put();
        }

        _head = 0;
    }
}
