namespace Devmem.Stack.Link;

/// <summary>
/// Held frames ordered by release time: a binary min-heap of (release time, arrival sequence,
/// buffer) in an array allocated once. The sequence breaks ties, so frames due at the same moment
/// leave in the order they came.
/// </summary>
internal sealed class ReleaseSchedule
{
    private readonly Entry[] _heap;
    private int _count;
    private long _sequence;

    public ReleaseSchedule(int capacity) => _heap = new Entry[capacity];

    public int Count => _count;

    /// <summary>Adds a frame held in <paramref name="buffer"/> until <paramref name="releaseAt"/>.</summary>
    /// <exception cref="InvalidOperationException">The schedule is full.</exception>
    public void Add(long releaseAt, int buffer)
    {
        if (_count == _heap.Length)
        {
            throw new InvalidOperationException("The release schedule is full; the caller checks its buffer pool first.");
        }
        var entry = new Entry(releaseAt, _sequence++, buffer);
        int i = _count++;
        while (i > 0)
        {
            int parent = (i - 1) / 2;
            if (!entry.IsBefore(_heap[parent]))
            {
                break;
            }
            _heap[i] = _heap[parent];
            i = parent;
        }
        _heap[i] = entry;
    }

    /// <summary>The earliest release time; false when nothing is held.</summary>
    public bool TryPeek(out long releaseAt)
    {
        releaseAt = _count > 0 ? _heap[0].ReleaseAt : 0;
        return _count > 0;
    }

    /// <summary>Removes the earliest frame if it is due at <paramref name="now"/>.</summary>
    public bool TryTakeDue(long now, out int buffer)
    {
        if (_count == 0 || _heap[0].ReleaseAt > now)
        {
            buffer = -1;
            return false;
        }
        buffer = _heap[0].Buffer;
        var last = _heap[--_count];
        int i = 0;
        while (true)
        {
            int child = (2 * i) + 1;
            if (child >= _count)
            {
                break;
            }
            if (child + 1 < _count && _heap[child + 1].IsBefore(_heap[child]))
            {
                child++;
            }
            if (!_heap[child].IsBefore(last))
            {
                break;
            }
            _heap[i] = _heap[child];
            i = child;
        }
        _heap[i] = last;
        return true;
    }

    private readonly record struct Entry(long ReleaseAt, long Sequence, int Buffer)
    {
        public bool IsBefore(Entry other) => ReleaseAt < other.ReleaseAt || (ReleaseAt == other.ReleaseAt && Sequence < other.Sequence);
    }
}
