namespace Devmem.Stack.Nic;

public sealed partial class EmulatedNic
{
    private readonly GroAggregator _gro = new();

    /// <summary>
    /// Receive aggregation (<c>ethtool -K eth0 rx-gro-hw on</c>): consecutive segments of a flow that
    /// <see cref="GroAggregator"/>'s rules let join are delivered as one packet. On by default, as GRO is in Linux.
    /// </summary>
    public bool GenericReceiveOffload { get; set; }

    /// <summary>
    /// The driver offers every packet <see cref="ReceiveFrame"/> delivered: true when it joined the held aggregate
    /// (the NIC owns its payload now). Then, if <see cref="AggregateComplete"/>, take the aggregate at once.
    /// </summary>
    internal bool TryAggregate(in NicRxPacket packet) => GenericReceiveOffload && _gro.TryMerge(packet);

    /// <summary>Whether the held aggregate can take no more segments.</summary>
    internal bool AggregateComplete => _gro.IsComplete;

    /// <summary>
    /// After <see cref="TryTakeAggregate"/>: true when the packet now starts an aggregate (the NIC owns its
    /// payload); false when the driver delivers it as it is.
    /// </summary>
    internal bool TryStartAggregate(in NicRxPacket packet) => GenericReceiveOffload && _gro.TryHold(packet);

    /// <summary>
    /// The held aggregate, if any, for delivery before anything received after it, and at the end of every receive
    /// pass; counted in its queue's <c>rx-hw-gro-packets</c> and <c>rx-hw-gro-wire-packets</c> when it merged segments.
    /// </summary>
    internal bool TryTakeAggregate(out NicRxPacket packet)
    {
        if (!_gro.TryTake(out packet, out int segments))
        {
            return false;
        }

        if (segments > 1 && packet.QueueId < _queues.Count)
        {
            _queues[packet.QueueId].Stats.CountAggregate(segments);
        }

        return true;
    }
}
