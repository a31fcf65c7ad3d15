using System.Diagnostics.CodeAnalysis;

namespace Devmem.Memory;

/// <summary>
/// Objects by id, ids handed out cyclically from a range: the next id is one past the last one given,
/// wrapping at the top, and ids still in use are skipped (Linux <c>xa_alloc_cyclic()</c> on an
/// <c>XA_FLAGS_ALLOC1</c> xarray with <c>xa_limit_32b</c>, which numbers bindings and page pools).
/// </summary>
/// <remarks>
/// Cyclic numbering keeps a just-freed id from naming a new object at once, so a stale id held by an
/// application or a netlink dump does not silently refer to something else. Adding and removing happen
/// when objects are created and released, never on the data path; lookups take the lock but do not allocate.
/// </remarks>
internal sealed class CyclicIdTable<T>
    where T : class
{
    private readonly Dictionary<uint, T> _entries = [];
    private readonly Lock _lock = new();
    private readonly uint _min;
    private readonly uint _max;
    private uint _next;

    public CyclicIdTable(uint min, uint max)
    {
        ArgumentOutOfRangeException.ThrowIfGreaterThan(min, max);
        _min = min;
        _max = max;
        _next = min;
    }

    /// <summary>Ids in use.</summary>
    public int Count
    {
        get
        {
            lock (_lock)
            {
                return _entries.Count;
            }
        }
    }

    /// <summary>Gives <paramref name="value"/> the first free id at or after the cursor, wrapping once.</summary>
    /// <exception cref="InvalidOperationException">Every id is in use (Linux: <c>-EBUSY</c>).</exception>
    public uint Add(T value)
    {
        ArgumentNullException.ThrowIfNull(value);
        lock (_lock)
        {
            ulong range = (ulong)_max - _min + 1;
            if ((ulong)_entries.Count >= range)
            {
                throw new InvalidOperationException($"all {range} ids in [{_min}, {_max}] are in use (EBUSY).");
            }

            // At most Count ids are taken, so at most Count + 1 candidates are tried.
            uint id = _next;
            while (_entries.ContainsKey(id))
            {
                id = id == _max ? _min : id + 1;
            }

            _entries.Add(id, value);
            _next = id == _max ? _min : id + 1;
            return id;
        }
    }

    public bool TryGet(uint id, [MaybeNullWhen(false)] out T value)
    {
        lock (_lock)
        {
            return _entries.TryGetValue(id, out value);
        }
    }

    public void Remove(uint id)
    {
        lock (_lock)
        {
            _entries.Remove(id);
        }
    }
}
