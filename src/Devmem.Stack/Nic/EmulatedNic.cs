using Devmem.Memory;
using Devmem.Skb;
using Devmem.Stack.Wire;
using Devmem.Uapi;

namespace Devmem.Stack.Nic;

/// <summary>
/// A NIC in software with what devmem TCP needs of hardware: RX queues with page pools, header split,
/// n-tuple flow steering, RSS, and bind-rx of a dma-buf to chosen queues. A driver feeds it one frame at a
/// time (<see cref="ReceiveFrame"/>) as a TAP or AF_PACKET link hands it over and gets the header buffer and
/// an skb of payload back.
/// </summary>
/// <remarks>
/// Like a NIC's datapath and its ethtool/netlink control path under the rtnl lock, every member belongs to
/// one thread, the engine's; only the skbs it returns may be freed on other threads.
/// </remarks>
public sealed partial class EmulatedNic : IDisposable
{
    private readonly NicOptions _options;
    private readonly List<NicRxQueue> _queues = [];
    private readonly List<RetiredPagePool> _retiredPools = [];
    private bool _disposed;

    /// <summary>Creates the NIC with <paramref name="options"/> (defaults when null).</summary>
    /// <param name="options">Hardware limits and initial settings.</param>
    /// <param name="skbPool">Where skbs come from; a new pool when null.</param>
    public EmulatedNic(NicOptions? options = null, SkbPool? skbPool = null)
    {
        _options = options ?? new NicOptions();
        _options.Validate();
        SkbPool = skbPool ?? new SkbPool();
        TcpDataSplit = _options.TcpDataSplit;
        HdsThreshold = _options.HdsThreshold;
        GenericReceiveOffload = _options.GenericReceiveOffload;
        FlowRules = new FlowRuleTable(_options.FlowRuleCapacity);
        Rss = new RssConfiguration(_options.RssTableSize, _options.RxQueues);
        for (int id = 0; id < _options.RxQueues; id++)
        {
            _queues.Add(NewQueue(id));
        }
    }

    /// <summary>Where the payload skbs come from.</summary>
    public SkbPool SkbPool { get; }

    /// <summary>RX queues now (<c>ethtool -l</c>).</summary>
    public int RxQueueCount => _queues.Count;

    /// <summary><c>tcp-data-split</c>.</summary>
    public bool TcpDataSplit { get; private set; }

    /// <summary><c>hds-thresh</c>: frames no longer than this keep their payload linear.</summary>
    public int HdsThreshold { get; private set; }

    /// <summary>The n-tuple rules (<c>ethtool -n</c>).</summary>
    public FlowRuleTable FlowRules { get; }

    /// <summary>The RSS key and indirection table (<c>ethtool -x</c>).</summary>
    public RssConfiguration Rss { get; }

    /// <summary>
    /// Receives one frame (a 64 KiB GSO frame is one large segment). False when the NIC dropped it; the
    /// reason is counted in the queue's <see cref="NicQueueStats"/>. True with the packet otherwise; the
    /// caller owns <see cref="NicRxPacket.Payload"/>.
    /// </summary>
    /// <param name="frame">The Ethernet frame; only read during the call, except through <see cref="NicRxPacket.Headers"/>.</param>
    /// <param name="vnet">The virtio-net header the link delivered with it, if any.</param>
    /// <param name="packet">The delivered packet.</param>
    public bool ReceiveFrame(ReadOnlySpan<byte> frame, scoped in VirtioNetHeader? vnet, out NicRxPacket packet)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        packet = default;
        if (frame.Length < EthernetView.HeaderLength)
        {
            _queues[0].Stats.CountDrop(NicDropReason.RuntFrame);
            return false;
        }

        FrameParser.Parse(frame, _options.ParserDepth, _options.ParsesIpv4Options, out ParsedFrame parsed);
        NicRxQueue queue = _queues[SelectQueue(parsed.Tuple)];
        NoticeUnbind(queue);

        bool vouched = Vouched(vnet);
        bool verify = parsed.HardwareParsed && !vouched;
        SkBuff? payload = null;
        bool split = false;
        ulong checksum = verify
            ? (ulong)parsed.PseudoHeaderSum + InternetChecksum.Accumulate(frame[parsed.L4Offset..parsed.PayloadOffset])
            : 0;
        if (parsed.PayloadLength > 0)
        {
            var bytes = frame.Slice(parsed.PayloadOffset, parsed.PayloadLength);
            split = parsed.HardwareParsed && TcpDataSplit && frame.Length > HdsThreshold;
            if (!split)
            {
                payload = PayloadWriter.WriteLinear(bytes, SkbPool, ref checksum);
            }
            else if (!PayloadWriter.TryWriteSplit(bytes, queue.Pool, SkbPool, _options.RxBufferLength, ref checksum, out payload))
            {
                queue.Stats.CountDrop(NicDropReason.AllocFailure);
                return false;
            }
        }

        if (verify && InternetChecksum.Fold(checksum) != 0xFFFF)
        {
            payload?.Free();
            queue.Stats.CountDrop(NicDropReason.BadChecksum);
            return false;
        }

        bool verified = parsed.IsTcp && (vouched || verify);
        CountGsoSegments(payload, vnet);
        queue.Stats.CountDelivered(frame.Length, split, verified);
        packet = new NicRxPacket(queue.Id, frame[..parsed.PayloadOffset], parsed.L3Offset, parsed.L4Offset, payload, split, verified, frame);
        return true;
    }

    /// <summary>Sets <c>tcp-data-split</c> (<c>ethtool -G eth0 tcp-data-split on|off</c>).</summary>
    /// <exception cref="DevmemException">EINVAL: turning it off while a dma-buf is bound.</exception>
    public void SetTcpDataSplit(bool enabled)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (!enabled && HighestBoundQueue() >= 0)
        {
            // ethnl_set_rings() while dev_get_min_mp_channel_count() is non-zero.
            throw new DevmemException(Errno.EINVAL, "can't disable tcp-data-split while device has memory provider enabled");
        }

        TcpDataSplit = enabled;
    }

    /// <summary>Sets <c>hds-thresh</c> (<c>ethtool -G eth0 hds-thresh N</c>).</summary>
    /// <exception cref="DevmemException">
    /// ERANGE: above <c>hds-thresh-max</c>; EINVAL: non-zero while a dma-buf is bound.
    /// </exception>
    public void SetHdsThreshold(int threshold)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (threshold < 0 || threshold > _options.HdsThresholdMax)
        {
            throw new DevmemException(Errno.ERANGE, $"hds-thresh {threshold} is outside 0..{_options.HdsThresholdMax} (hds-thresh-max)");
        }

        if (threshold != 0 && HighestBoundQueue() >= 0)
        {
            throw new DevmemException(Errno.EINVAL, "can't set non-zero hds_thresh while device is memory provider enabled");
        }

        HdsThreshold = threshold;
    }

    /// <summary>Sets the number of RX queues (<c>ethtool -L eth0 rx N</c>).</summary>
    /// <exception cref="DevmemException">
    /// EINVAL: out of range, or fewer queues than a bound queue, a user-set indirection table entry or a flow
    /// rule's action needs (Linux <c>ethnl_set_channels()</c>'s checks).
    /// </exception>
    public void SetRxQueueCount(int count)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (count <= 0 || count > _options.MaxRxQueues)
        {
            throw new DevmemException(Errno.EINVAL, $"requested channel count {count} exceeds maximum {_options.MaxRxQueues} or is zero");
        }

        NoticeUnbinds();
        if (count <= HighestBoundQueue())
        {
            throw new DevmemException(Errno.EINVAL, "requested channel counts are too low for existing memory provider setting");
        }

        if (Rss.IsUserConfigured && count <= Rss.HighestQueue())
        {
            throw new DevmemException(Errno.EINVAL, "requested channel counts are too low for existing indirection table settings");
        }

        if (count <= FlowRules.HighestQueue())
        {
            throw new DevmemException(Errno.EINVAL, "requested channel counts are too low for existing ntuple filter settings");
        }

        while (_queues.Count > count)
        {
            NicRxQueue last = _queues[^1];
            _queues.RemoveAt(_queues.Count - 1);
            Retire(last.Pool, last.Id, null);
            last.Dispose();
        }

        while (_queues.Count < count)
        {
            _queues.Add(NewQueue(_queues.Count));
        }

        if (!Rss.IsUserConfigured)
        {
            Rss.SpreadEvenly(count);
        }
    }

    /// <summary>Installs a flow rule (<c>ethtool -N eth0 ... action Q [loc L]</c>); returns it with its location.</summary>
    /// <exception cref="DevmemException">EINVAL: the queue or location is out of range; ENOSPC: the table is full.</exception>
    public FlowRule AddFlowRule(FlowMatch match, int queue, int location = FlowRuleTable.AnyLocation)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if ((uint)queue >= (uint)RxQueueCount)
        {
            throw new DevmemException(Errno.EINVAL, $"action queue {queue} is out of range: the device has {RxQueueCount} RX queues");
        }

        return FlowRules.Add(match, queue, location);
    }

    /// <summary>Deletes the rule at <paramref name="location"/> (<c>ethtool -N eth0 delete L</c>).</summary>
    /// <exception cref="DevmemException">ENOENT: no rule there.</exception>
    public void DeleteFlowRule(int location)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        FlowRules.Delete(location);
    }

    /// <summary>Spreads RSS over queues 0..N-1 (<c>ethtool -X eth0 equal N</c>).</summary>
    /// <exception cref="DevmemException">EINVAL: N is not 1..<see cref="RxQueueCount"/>.</exception>
    public void SetRssEqual(int queues)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        Rss.SetEqual(queues, RxQueueCount);
    }

    /// <summary>Sets every indirection table entry (<c>ethtool -X eth0 weight ...</c> in its expanded form).</summary>
    /// <exception cref="DevmemException">EINVAL: wrong size, or an entry that is not a queue.</exception>
    public void SetRssIndirectionTable(ReadOnlySpan<int> table)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        Rss.SetTable(table, RxQueueCount);
    }

    /// <summary>Sets the Toeplitz key (<c>ethtool -X eth0 hkey ...</c>).</summary>
    /// <exception cref="DevmemException">EINVAL: not 40 bytes.</exception>
    public void SetRssKey(ReadOnlySpan<byte> key)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        Rss.SetKey(key);
    }

    /// <summary>Restores the default RSS spread (<c>ethtool -X eth0 default</c>).</summary>
    public void ResetRss()
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        Rss.SpreadEvenly(RxQueueCount);
    }

    /// <summary>Destroys every queue; chunks in flight stay valid until their skbs and tokens drop them.</summary>
    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        foreach (NicRxQueue queue in _queues)
        {
            queue.Dispose();
        }

        _queues.Clear();
        _retiredPools.Clear();
    }

    /// <inheritdoc/>
    public override string ToString() => $"emulated NIC '{_options.Name}' ({RxQueueCount} RX queues)";

    // virtio-net: DATA_VALID means the host verified the checksum; NEEDS_CSUM means a local sender left it to
    // offload (CHECKSUM_PARTIAL), so the field holds no final checksum to verify. Either way the kernel vouches
    // for the data and the NIC does not check it.
    private static bool Vouched(in VirtioNetHeader? vnet) =>
        vnet is { } header && (header.Flags & (VirtioNetFlags.DataValid | VirtioNetFlags.NeedsChecksum)) != 0;

    // A GSO frame's payload is gso_segs wire segments (virtio_net_hdr_to_skb leaves gso_segs to be counted from
    // gso_size, as this does).
    private static void CountGsoSegments(SkBuff? payload, scoped in VirtioNetHeader? vnet)
    {
        if (payload is not null && vnet is { IsGso: true, GsoSize: > 0 } header)
        {
            payload.GsoSegments = (payload.Length + header.GsoSize - 1) / header.GsoSize;
        }
    }

    private NicRxQueue NewQueue(int id) => new(id, _options.PagesPerQueue, RingBuffersFor(_options.RxBufferLength), _options.Name);

    /// <summary>A flow rule's queue, else the RSS indirection of the Toeplitz hash (hash 0 for non-IP frames).</summary>
    private int SelectQueue(in FlowTuple tuple) =>
        FlowRules.TryGetQueue(tuple, out int queue) ? queue : Rss.QueueFor(Rss.Hash(tuple));
}
