using Devmem.Stack.Link;
using Devmem.Stack.Wire;

namespace Devmem.Stack.Ip;

/// <summary>
/// One family's neighbour cache (RFC 4861 §7.3 states, which ARP follows too): protocol address to
/// MAC, reachability, solicitation retries, and a bounded queue of packets waiting for resolution.
/// Sans-IO: the owner passes the time (microseconds) and the sink, and calls <see cref="Poll"/> by
/// <see cref="PollAt"/>.
/// </summary>
/// <remarks>
/// <para>Entries live in a fixed array searched linearly: a host has few neighbours, and a scan of a
/// few dozen small keys (after a check of the last hit) beats hashing them. When the array is full
/// the least recently used resolved entry makes room; entries still resolving are never evicted.</para>
/// <para>Waiting packets are complete frames in <see cref="FrameBufferPool"/> buffers with the
/// destination MAC left blank; resolution writes it and copies the frame to the sink.</para>
/// </remarks>
internal sealed class NeighborCache<TAddress>
    where TAddress : struct, IEquatable<TAddress>
{
    private const long Never = long.MaxValue;

    private readonly INeighborSolicitor<TAddress> _solicitor;
    private readonly FrameBufferPool _pool;
    private readonly IpCounters _counters;
    private readonly Entry[] _entries;
    private readonly int[] _pending;
    private readonly int _queueLength;
    private readonly long _retransmitInterval;
    private readonly long _reachableTime;
    private readonly long _delayFirstProbeTime;
    private readonly int _maxMulticastSolicitations;
    private readonly int _maxUnicastSolicitations;
    private int _lastHit;

    public NeighborCache(INeighborSolicitor<TAddress> solicitor, NeighborOptions options, FrameBufferPool pool, IpCounters counters)
    {
        _solicitor = solicitor;
        _pool = pool;
        _counters = counters;
        _entries = new Entry[options.CacheSize];
        _queueLength = options.PendingPacketsPerNeighbor;
        _pending = new int[checked(options.CacheSize * _queueLength)];
        _retransmitInterval = ToMicroseconds(options.RetransmitInterval);
        _reachableTime = ToMicroseconds(options.ReachableTime);
        _delayFirstProbeTime = ToMicroseconds(options.DelayFirstProbeTime);
        _maxMulticastSolicitations = options.MaxMulticastSolicitations;
        _maxUnicastSolicitations = options.MaxUnicastSolicitations;
    }

    /// <summary>
    /// Looks up the next hop of an outgoing packet (RFC 4861 §7.2.2, §7.3.3). A resolved entry gives
    /// its MAC; using a stale one starts the delay before a unicast probe. With no entry, one is
    /// created and the first solicitation sent: the caller then queues the packet with
    /// <see cref="Enqueue"/> on <paramref name="entry"/>.
    /// </summary>
    public NeighborLookup Lookup(TAddress address, long now, IFrameSink sink, out MacAddress linkAddress, out int entry)
    {
        entry = Find(address);
        if (entry >= 0)
        {
            ref var e = ref _entries[entry];
            e.LastUsed = now;
            linkAddress = e.LinkAddress;
            if (e.State == NeighborState.Incomplete)
            {
                return NeighborLookup.Pending;
            }
            if (e.State == NeighborState.Reachable && now >= e.Deadline)
            {
                e.State = NeighborState.Stale;
            }
            if (e.State == NeighborState.Stale)
            {
                e.State = NeighborState.Delay;
                e.Deadline = now + _delayFirstProbeTime;
            }
            return NeighborLookup.Resolved;
        }
        linkAddress = default;
        entry = Allocate();
        if (entry < 0)
        {
            return NeighborLookup.CacheFull;
        }
        _entries[entry] = new Entry
        {
            InUse = true,
            Address = address,
            State = NeighborState.Incomplete,
            Solicitations = 1,
            Deadline = now + _retransmitInterval,
            LastUsed = now,
        };
        _solicitor.Solicit(address, null, sink);
        return NeighborLookup.Pending;
    }

    /// <summary>
    /// Queues a framed packet (held in pool buffer <paramref name="buffer"/>) on a resolving entry. A
    /// full queue drops its oldest packet (RFC 4861 §7.2.2: "the new arrival SHOULD replace the oldest entry").
    /// </summary>
    public void Enqueue(int entry, int buffer)
    {
        ref var e = ref _entries[entry];
        int start = entry * _queueLength;
        if (e.PendingCount == _queueLength)
        {
            _pool.Return(_pending[start + e.PendingHead]);
            e.PendingHead = (e.PendingHead + 1) % _queueLength;
            e.PendingCount--;
            _counters.Drop(IpDropReason.NeighborQueueOverflow);
        }
        _pending[start + ((e.PendingHead + e.PendingCount) % _queueLength)] = buffer;
        e.PendingCount++;
    }

    /// <summary>
    /// Applies what a received ARP packet, Neighbor Solicitation or Advertisement says about
    /// <paramref name="address"/> (RFC 4861 §7.2.3 and §7.2.5; RFC 826's merge is the case
    /// <paramref name="override"/> = true). Resolving an incomplete entry sends its queued packets.
    /// </summary>
    /// <param name="address">Whose link-layer address this is.</param>
    /// <param name="linkAddress">The link-layer address carried, if any.</param>
    /// <param name="confirmed">A solicited answer (NA with S set, an ARP reply to us): the neighbour is reachable.</param>
    /// <param name="override">May replace a different cached address (NA O flag; always for ARP and NS).</param>
    /// <param name="create">Create an entry when none exists (an NS with a source link-layer address; ARP when we are the target).</param>
    /// <param name="now">The time, in microseconds.</param>
    /// <param name="sink">Where queued packets go.</param>
    public void Update(TAddress address, MacAddress? linkAddress, bool confirmed, bool @override, bool create, long now, IFrameSink sink)
    {
        int index = Find(address);
        if (index < 0)
        {
            if (!create || linkAddress is not { } mac)
            {
                return;
            }
            index = Allocate();
            if (index < 0)
            {
                return;
            }
            _entries[index] = new Entry
            {
                InUse = true,
                Address = address,
                LinkAddress = mac,
                State = confirmed ? NeighborState.Reachable : NeighborState.Stale,
                Deadline = confirmed ? now + _reachableTime : Never,
                LastUsed = now,
            };
            return;
        }
        ref var e = ref _entries[index];
        if (e.State == NeighborState.Incomplete)
        {
            // §7.2.5: an advertisement without a target link-layer address cannot complete resolution.
            if (linkAddress is not { } resolved)
            {
                return;
            }
            e.LinkAddress = resolved;
            SetReachability(ref e, confirmed, now);
            Flush(index, sink);
            return;
        }
        bool differs = linkAddress is { } offered && offered != e.LinkAddress;
        if (differs && !@override)
        {
            // §7.2.5: not allowed to override; a reachable entry is no longer known to be right.
            if (e.State == NeighborState.Reachable)
            {
                e.State = NeighborState.Stale;
                e.Deadline = Never;
            }
            return;
        }
        if (differs)
        {
            e.LinkAddress = linkAddress!.Value;
        }
        if (confirmed)
        {
            SetReachability(ref e, confirmed: true, now);
        }
        else if (differs)
        {
            SetReachability(ref e, confirmed: false, now);
        }
    }

    /// <summary>Runs the timers due at <paramref name="now"/>: retries, failures, probes, expiry of reachability.</summary>
    public void Poll(long now, IFrameSink sink)
    {
        for (int i = 0; i < _entries.Length; i++)
        {
            ref var e = ref _entries[i];
            if (!e.InUse || e.Deadline > now)
            {
                continue;
            }
            switch (e.State)
            {
                case NeighborState.Incomplete when e.Solicitations < _maxMulticastSolicitations:
                    e.Solicitations++;
                    e.Deadline = now + _retransmitInterval;
                    _solicitor.Solicit(e.Address, null, sink);
                    break;
                case NeighborState.Incomplete:
                    // §7.2.2: resolution failed; the queued packets are dropped (an ICMP error to
                    // ourselves is moot: the sender is this host).
                    DropPending(i);
                    e = default;
                    break;
                case NeighborState.Delay:
                    // §7.3.3: no confirmation came within DELAY_FIRST_PROBE_TIME: probe by unicast.
                    e.State = NeighborState.Probe;
                    e.Solicitations = 1;
                    e.Deadline = now + _retransmitInterval;
                    _solicitor.Solicit(e.Address, e.LinkAddress, sink);
                    break;
                case NeighborState.Probe when e.Solicitations < _maxUnicastSolicitations:
                    e.Solicitations++;
                    e.Deadline = now + _retransmitInterval;
                    _solicitor.Solicit(e.Address, e.LinkAddress, sink);
                    break;
                case NeighborState.Probe:
                    // §7.3.3: no answer to MAX_UNICAST_SOLICIT probes: the entry goes.
                    e = default;
                    break;
                case NeighborState.Reachable:
                    e.State = NeighborState.Stale;
                    e.Deadline = Never;
                    break;
            }
        }
    }

    /// <summary>
    /// An upper layer saw forward progress with <paramref name="address"/> (RFC 4861 §7.3.1: e.g. TCP
    /// received an acknowledgment of new data): a resolved entry becomes reachable without a probe.
    /// </summary>
    public void ConfirmReachable(TAddress address, long now)
    {
        int index = Find(address);
        if (index >= 0 && _entries[index].State != NeighborState.Incomplete)
        {
            SetReachability(ref _entries[index], confirmed: true, now);
        }
    }

    /// <summary>When <see cref="Poll"/> next has work; <see cref="long.MaxValue"/> for never.</summary>
    public long PollAt()
    {
        long next = Never;
        foreach (ref readonly var e in _entries.AsSpan())
        {
            if (e.InUse && e.Deadline < next)
            {
                next = e.Deadline;
            }
        }
        return next;
    }

    /// <summary>The entry for <paramref name="address"/>, if there is one.</summary>
    public bool TryGet(TAddress address, out MacAddress linkAddress, out NeighborState state)
    {
        int index = Find(address);
        linkAddress = index >= 0 ? _entries[index].LinkAddress : default;
        state = index >= 0 ? _entries[index].State : default;
        return index >= 0;
    }

    private void SetReachability(ref Entry e, bool confirmed, long now)
    {
        e.State = confirmed ? NeighborState.Reachable : NeighborState.Stale;
        e.Deadline = confirmed ? now + _reachableTime : Never;
        e.Solicitations = 0;
    }

    private int Find(TAddress address)
    {
        ref var last = ref _entries[_lastHit];
        if (last.InUse && last.Address.Equals(address))
        {
            return _lastHit;
        }
        for (int i = 0; i < _entries.Length; i++)
        {
            if (_entries[i].InUse && _entries[i].Address.Equals(address))
            {
                _lastHit = i;
                return i;
            }
        }
        return -1;
    }

    // A free entry, else the least recently used resolved one; -1 when every entry is resolving.
    private int Allocate()
    {
        int victim = -1;
        for (int i = 0; i < _entries.Length; i++)
        {
            ref readonly var e = ref _entries[i];
            if (!e.InUse)
            {
                return i;
            }
            if (e.State != NeighborState.Incomplete && (victim < 0 || e.LastUsed < _entries[victim].LastUsed))
            {
                victim = i;
            }
        }
        if (victim >= 0)
        {
            _entries[victim] = default;
        }
        return victim;
    }

    private void Flush(int index, IFrameSink sink)
    {
        ref var e = ref _entries[index];
        int start = index * _queueLength;
        while (e.PendingCount > 0)
        {
            int buffer = _pending[start + e.PendingHead];
            e.PendingHead = (e.PendingHead + 1) % _queueLength;
            e.PendingCount--;
            var frame = _pool.GetFrame(buffer);
            e.LinkAddress.CopyTo(frame);
            var slot = sink.Reserve();
            if (slot.IsEmpty)
            {
                _counters.Drop(IpDropReason.SinkFull);
            }
            else
            {
                frame.CopyTo(slot);
                sink.Commit(frame.Length);
                _counters.PacketsSent++;
            }
            _pool.Return(buffer);
        }
        e.PendingHead = 0;
    }

    private void DropPending(int index)
    {
        ref var e = ref _entries[index];
        int start = index * _queueLength;
        for (; e.PendingCount > 0; e.PendingCount--)
        {
            _pool.Return(_pending[start + e.PendingHead]);
            e.PendingHead = (e.PendingHead + 1) % _queueLength;
            _counters.Drop(IpDropReason.ResolutionFailed);
        }
    }

    private static long ToMicroseconds(TimeSpan span) => span.Ticks / TimeSpan.TicksPerMicrosecond;

    private struct Entry
    {
        public bool InUse;
        public TAddress Address;
        public MacAddress LinkAddress;
        public NeighborState State;

        // Incomplete and Probe: the next solicitation (or failure); Delay: the first probe; Reachable:
        // when it turns stale; Stale: never.
        public long Deadline;

        // Solicitations sent in the current Incomplete or Probe round.
        public int Solicitations;
        public long LastUsed;
        public int PendingHead;
        public int PendingCount;
    }
}
