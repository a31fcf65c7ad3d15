using Devmem.Uapi;

namespace Devmem.Stack.Nic;

/// <summary>
/// The NIC's n-tuple filter table (<c>ethtool -N/-n</c>, <c>ETHTOOL_SRXCLSRLINS/DEL/GET</c>): a fixed number
/// of locations, each holding at most one rule; the lowest location that matches wins, as in drivers whose
/// TCAM is searched in location order.
/// </summary>
/// <remarks>
/// Inserting at an occupied location replaces the rule there, as ixgbe, i40e and mlx5 do. Matching walks a
/// compact array rebuilt on every change, so a frame costs no allocation and no scan of empty slots.
/// </remarks>
public sealed class FlowRuleTable
{
    /// <summary>Locations a NIC offers when none is configured.</summary>
    public const int DefaultCapacity = 256;

    /// <summary>The location to pass for "any free location" (ethtool's <c>RX_CLS_LOC_ANY</c>).</summary>
    public const int AnyLocation = -1;

    private readonly FlowRule?[] _slots;
    private FlowRule[] _ordered = [];

    internal FlowRuleTable(int capacity)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(capacity);
        _slots = new FlowRule?[capacity];
    }

    /// <summary>How many locations exist (ethtool's "rule count" maximum).</summary>
    public int Capacity => _slots.Length;

    /// <summary>Rules installed.</summary>
    public int Count => _ordered.Length;

    /// <summary>Every rule in location order (<c>ethtool -n</c>).</summary>
    public IReadOnlyList<FlowRule> Rules => _ordered;

    internal bool TryGetQueue(in FlowTuple tuple, out int queue)
    {
        foreach (FlowRule rule in _ordered)
        {
            if (rule.Match.Matches(tuple))
            {
                queue = rule.Queue;
                return true;
            }
        }

        queue = -1;
        return false;
    }

    internal FlowRule Add(FlowMatch match, int queue, int location)
    {
        if (location == AnyLocation)
        {
            location = Array.IndexOf(_slots, null);
            if (location < 0)
            {
                throw new DevmemException(Errno.ENOSPC, $"all {Capacity} flow rule locations are in use: delete a rule first.");
            }
        }
        else if ((uint)location >= (uint)Capacity)
        {
            throw new DevmemException(Errno.EINVAL, $"flow rule location {location} is out of range: this NIC has locations 0..{Capacity - 1}.");
        }

        var rule = new FlowRule(location, match, queue);
        _slots[location] = rule;
        Rebuild();
        return rule;
    }

    internal void Delete(int location)
    {
        if ((uint)location >= (uint)Capacity || _slots[location] is null)
        {
            throw new DevmemException(Errno.ENOENT, $"no flow rule at location {location}: 'ethtool -n' lists the rules.");
        }

        _slots[location] = null;
        Rebuild();
    }

    internal int HighestQueue()
    {
        int highest = -1;
        foreach (FlowRule rule in _ordered)
        {
            highest = Math.Max(highest, rule.Queue);
        }

        return highest;
    }

    private void Rebuild()
    {
        var ordered = new List<FlowRule>();
        foreach (FlowRule? rule in _slots)
        {
            if (rule is not null)
            {
                ordered.Add(rule);
            }
        }

        _ordered = [.. ordered];
    }
}
