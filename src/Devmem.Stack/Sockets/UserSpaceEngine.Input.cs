using Devmem.Skb;
using Devmem.Stack.Ip;
using Devmem.Stack.Link;
using Devmem.Stack.Link.Interop;
using Devmem.Stack.Nic;
using Devmem.Stack.Tcp;
using Devmem.Stack.Wire;

namespace Devmem.Stack.Sockets;

public sealed partial class UserSpaceEngine
{
    // Room kept in the transmit batch for what one received frame may produce: an ARP or NDP answer, an
    // RST, and the packets a resolved neighbour releases.
    private const int TransmitReserve = 16;

    private readonly FrameBatch _rx;
    private readonly ScatterInput _scatterInput;

    // The payload the NIC split off the frame IP is processing: handed to TCP, or freed if IP drops the frame.
    private SkBuff? _rxPayload;
    private bool _rxChecksumVerified;

    private void ReceiveFrames()
    {
        // A TAP reads each frame into the header buffer and page-pool chunks the NIC posted: no copy of the payload.
        if (_link is IScatterLink scatter)
        {
            scatter.Receive(_scatterInput, MaxReceiveBatchesPerTurn * _rx.Capacity);
            FlushReaderWakeups();
            return;
        }

        for (int batch = 0; batch < MaxReceiveBatchesPerTurn && _link.Receive(_rx) > 0; batch++)
        {
            for (int i = 0; i < _rx.Count; i++)
            {
                VirtioNetHeader? offload = _rx.TryGetOffload(i, out VirtioNetHeader header) ? header : null;
                ReceiveFrame(_rx[i], offload);
            }

            _rx.Clear();
        }

        // As NAPI flushes GRO at the end of a poll: nothing stays held while the loop sleeps.
        DeliverAggregate();
        FlushReaderWakeups();
    }

    // Readers of connections that got segments in this pass are woken now, once each, rather than once per
    // segment: a reader woken after every segment would mostly contend with the loop for the socket lock (and,
    // on a busy machine, preempt it). A receiver wakes its reader itself within a pass once
    // DevmemReceiver.DeferredWakeupBytes wait.
    private void FlushReaderWakeups()
    {
        foreach (EngineConnection connection in _readerWakeups)
        {
            connection.ReaderWakeupPending = false;
            connection.Tcp.Receiver.FlushWakeup();
        }

        _readerWakeups.Clear();
    }

    // The NIC parses the frame and writes the payload into its queue's page pool; IP then checks the whole
    // frame (it is still intact: the NIC only read it) while the payload skb waits beside it for TCP. A TAP
    // link's virtio-net header (or AF_PACKET's checksum status, carried the same way) tells the NIC that the
    // kernel vouched for the checksum of a GSO frame. A segment that continues the NIC's held aggregate joins
    // it; anything else first lets the aggregate go, so that the stack sees packets in the order they came.
    private void ReceiveFrame(ReadOnlySpan<byte> frame, in VirtioNetHeader? offload)
    {
        if (!_nic.ReceiveFrame(frame, offload, out NicRxPacket packet))
        {
            return;
        }

        if (_nic.TryAggregate(packet))
        {
            if (_nic.AggregateComplete)
            {
                DeliverAggregate();
            }

            return;
        }

        DeliverAggregate();
        if (!_nic.TryStartAggregate(packet))
        {
            Deliver(packet);
        }
    }

    private void DeliverAggregate()
    {
        if (_nic.TryTakeAggregate(out NicRxPacket aggregate))
        {
            Deliver(aggregate);
        }
    }

    // IP sees what is in host memory: the whole frame, or its headers when the NIC split the payload off at the
    // source; it checks lengths with the detached bytes counted.
    private void Deliver(in NicRxPacket packet)
    {
        _rxPayload = packet.Payload;
        _rxChecksumVerified = packet.ChecksumVerified;
        EnsureTransmitRoom(TransmitReserve);
        _ip.Receive(packet.Frame, packet.DetachedLength, _now, _tx);
        _rxPayload?.Free();
        _rxPayload = null;
    }

    private void PollInterface()
    {
        if (_ip.PollAt() <= _now)
        {
            EnsureTransmitRoom(TransmitReserve);
            _ip.Poll(_now, _tx);
        }
    }

    private SkBuff? TakeReceivedPayload()
    {
        SkBuff? payload = _rxPayload;
        _rxPayload = null;
        return payload;
    }

    // TCP's registration with IP: demultiplexes the segment to its connection with the NIC's payload skb.
    private sealed class TcpInput(UserSpaceEngine engine) : IIpUpperLayer
    {
        public void Receive(in IpPacketInfo packet, ReadOnlySpan<byte> frame, long now)
        {
            SkBuff? payload = engine.TakeReceivedPayload();

            // The segment as far as it is in host memory: all of it, or its header when the payload was split off.
            ReadOnlySpan<byte> segment = frame.Slice(packet.PayloadOffset, Math.Min(packet.PayloadLength, frame.Length - packet.PayloadOffset));
            int headerLength = segment.Length >= TcpSegmentView.MinHeaderLength ? new TcpSegmentView(segment).HeaderLength : 0;

            // The NIC verified the checksum unless its parser gave up on the frame; then it is checked here.
            if (headerLength < TcpSegmentView.MinHeaderLength || headerLength > segment.Length
                || (!engine._rxChecksumVerified && !TcpChecksum.Verify(segment, packet.PseudoHeaderSum)))
            {
                engine._demux.Counters.SegmentsReceived++;
                engine._demux.Counters.Drop(headerLength < TcpSegmentView.MinHeaderLength || headerLength > segment.Length
                    ? TcpDropReason.MalformedHeader
                    : TcpDropReason.BadChecksum);
                payload?.Free();
                return;
            }

            // A frame the NIC could not parse kept its payload in the frame: it becomes a linear skb.
            int dataLength = packet.PayloadLength - headerLength;
            if (payload is null && dataLength > 0)
            {
                ulong ignored = 0;
                payload = PayloadWriter.WriteLinear(segment[headerLength..], engine._nic.SkbPool, ref ignored);
            }

            var view = new TcpSegmentView(segment);
            var tuple = new TcpFourTuple(
                EngineAddresses.ToTuple(packet.Destination), view.DestinationPort, EngineAddresses.ToTuple(packet.Source), view.SourcePort);
            TcpConnection? connection = engine._demux.ProcessSegment(tuple, segment[..headerLength], payload, now, out TcpHeader? reply);
            if (reply is { } header)
            {
                engine.SendStatelessReply(packet, header);
            }

            if (connection is not null)
            {
                engine.OnSegment(connection);
            }
        }
    }

    // The NIC's posted buffers, offered to a link that reads into them.
    private sealed class ScatterInput(UserSpaceEngine engine) : IScatterReceiver
    {
        public int MaxVectors => engine._nic.MaxRxVectors;

        public int Post(Span<IoVector> vectors) => engine._nic.PostRxBuffers(vectors);

        public void Complete(int length, in VirtioNetHeader offload)
        {
            if (engine._nic.ReceivePosted(length, offload, out NicRxPacket packet))
            {
                engine.Deliver(packet);
            }
        }
    }
}
