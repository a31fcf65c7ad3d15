using Devmem.Uapi;

namespace Devmem.Stack.Nic;

/// <summary>
/// Receive-side scaling as <c>ethtool -x/-X</c> sees it: the Toeplitz key and the indirection table that
/// maps the hash's low bits to an RX queue (<c>indir[hash % size]</c>). ncdevmem points the table away from
/// the devmem queue (<c>ethtool -X eth0 equal N</c>) so that only steered flows land there.
/// </summary>
public sealed class RssConfiguration
{
    /// <summary>Indirection table entries when none is configured (a common driver default).</summary>
    public const int DefaultTableSize = 128;

    private readonly byte[] _key = ToeplitzHash.DefaultKey.ToArray();
    private readonly int[] _table;

    internal RssConfiguration(int tableSize, int queueCount)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(tableSize);
        _table = new int[tableSize];
        SpreadEvenly(queueCount);
    }

    /// <summary>The hash key (<c>hkey</c>).</summary>
    public ReadOnlySpan<byte> Key => _key;

    /// <summary>The indirection table: entry i is the queue for hashes with <c>hash % size == i</c>.</summary>
    public ReadOnlySpan<int> IndirectionTable => _table;

    /// <summary>
    /// Whether the table was set explicitly. Linux keeps a user-set table across channel changes and refuses
    /// a change that would orphan an entry; a default table is re-spread over the new queue count.
    /// </summary>
    public bool IsUserConfigured { get; private set; }

    /// <summary>The RX queue for a hash.</summary>
    public int QueueFor(uint hash) => _table[(int)(hash % (uint)_table.Length)];

    internal uint Hash(in FlowTuple tuple)
    {
        Span<byte> input = stackalloc byte[36];
        int length = tuple.WriteHashInput(input);
        return length == 0 ? 0 : ToeplitzHash.Compute(_key, input[..length]);
    }

    internal void SetKey(ReadOnlySpan<byte> key)
    {
        if (key.Length != _key.Length)
        {
            throw new DevmemException(Errno.EINVAL, $"the RSS key must be {_key.Length} bytes, not {key.Length}.");
        }

        key.CopyTo(_key);
    }

    internal void SetEqual(int queues, int queueCount)
    {
        if (queues <= 0 || queues > queueCount)
        {
            throw new DevmemException(Errno.EINVAL, $"'equal {queues}' needs 1..{queueCount} queues (the device has {queueCount} RX queues).");
        }

        SpreadEvenly(queues);
        IsUserConfigured = true;
    }

    internal void SetTable(ReadOnlySpan<int> table, int queueCount)
    {
        if (table.Length != _table.Length)
        {
            throw new DevmemException(Errno.EINVAL, $"the indirection table has {_table.Length} entries, not {table.Length}.");
        }

        foreach (int queue in table)
        {
            if ((uint)queue >= (uint)queueCount)
            {
                throw new DevmemException(Errno.EINVAL, $"indirection table entry {queue} is not an RX queue (the device has {queueCount}).");
            }
        }

        table.CopyTo(_table);
        IsUserConfigured = true;
    }

    /// <summary>Resets to the default spread (<c>ethtool -X eth0 default</c>).</summary>
    internal void SpreadEvenly(int queues)
    {
        for (int i = 0; i < _table.Length; i++)
        {
            _table[i] = i % queues;
        }

        IsUserConfigured = false;
    }

    internal int HighestQueue()
    {
        int highest = 0;
        foreach (int queue in _table)
        {
            highest = Math.Max(highest, queue);
        }

        return highest;
    }
}
