namespace Devmem.Stack.Nic;

/// <summary>
/// Per-RX-queue counters, named after netdev <c>qstats-get</c> (<c>rx-packets</c>, <c>rx-bytes</c>,
/// <c>rx-hw-gro-packets</c>, <c>rx-hw-gro-wire-packets</c>, <c>rx-alloc-fail</c>, <c>rx-csum-unnecessary</c>, <c>rx-csum-none</c>, <c>rx-csum-bad</c>) plus drops by
/// <see cref="NicDropReason"/> in an array indexed by the reason. Written by the thread that feeds the NIC;
/// read from elsewhere they are a snapshot that may lag.
/// </summary>
public sealed class NicQueueStats
{
    private readonly long[] _drops = new long[Enum.GetValues<NicDropReason>().Length];

    /// <summary>Frames delivered to the stack (<c>rx-packets</c>).</summary>
    public long Packets { get; private set; }

    /// <summary>Bytes of the frames delivered (<c>rx-bytes</c>).</summary>
    public long Bytes { get; private set; }

    /// <summary>Payloads written into page-pool chunks (header split done).</summary>
    public long SplitPackets { get; private set; }

    /// <summary>
    /// Of <see cref="SplitPackets"/>, those whose payload the link read straight into the queue's posted buffers
    /// (header split at the source, <see cref="EmulatedNic.PostRxBuffers"/>): the NIC copied no payload byte.
    /// </summary>
    public long SourceSplitPackets { get; private set; }

    /// <summary>Delivered frames whose TCP checksum the NIC verified or the kernel vouched for (<c>rx-csum-unnecessary</c>).</summary>
    public long ChecksumUnnecessary { get; private set; }

    /// <summary>Delivered frames the NIC could not checksum (<c>rx-csum-none</c>): the stack must.</summary>
    public long ChecksumNone { get; private set; }

    /// <summary>Packets delivered that aggregated two or more received segments (<c>rx-hw-gro-packets</c>).</summary>
    public long GroPackets { get; private set; }

    /// <summary>Received segments those aggregates held (<c>rx-hw-gro-wire-packets</c>).</summary>
    public long GroWirePackets { get; private set; }

    /// <summary>Chunk allocations that failed (<c>rx-alloc-fail</c>); each dropped its frame.</summary>
    public long AllocFailures => this[NicDropReason.AllocFailure];

    /// <summary>Frames dropped for a bad TCP checksum (<c>rx-csum-bad</c>).</summary>
    public long ChecksumFailures => this[NicDropReason.BadChecksum];

    /// <summary>Drops for one reason.</summary>
    public long this[NicDropReason reason] => _drops[(int)reason];

    /// <summary>Drops for all reasons together (<c>rx-hw-drops</c>).</summary>
    public long TotalDrops
    {
        get
        {
            long total = 0;
            foreach (long count in _drops)
            {
                total += count;
            }

            return total;
        }
    }

    internal void CountDrop(NicDropReason reason) => _drops[(int)reason]++;

    internal void CountAggregate(int segments)
    {
        GroPackets++;
        GroWirePackets += segments;
    }

    internal void CountDeliveredAtSource(int frameLength)
    {
        SourceSplitPackets++;
        CountDelivered(frameLength, split: true, checksumVerified: true);
    }

    internal void CountDelivered(int frameLength, bool split, bool checksumVerified)
    {
        Packets++;
        Bytes += frameLength;
        if (split)
        {
            SplitPackets++;
        }

        if (checksumVerified)
        {
            ChecksumUnnecessary++;
        }
        else
        {
            ChecksumNone++;
        }
    }
}
