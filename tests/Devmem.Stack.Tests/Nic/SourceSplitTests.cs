using Devmem.Memory;
using Devmem.Stack.Nic;
using Devmem.Stack.Wire;

namespace Devmem.Stack.Tests.Nic;

/// <summary>
/// Header split at the source (<see cref="EmulatedNic.PostRxBuffers"/>, <see cref="EmulatedNic.ReceivePosted"/>):
/// frames read as a TAP's readv reads them, across the header buffer and the buffers the NIC posted. The leak
/// check at the end of each test also proves that the buffers still posted went home when the NIC was destroyed.
/// </summary>
public sealed class SourceSplitTests
{
    private const int BoundQueue = 1;

    [Theory]
    [InlineData(1, false)]
    [InlineData(1, true)]
    [InlineData(EmulatedNic.Headroom, false)]
    [InlineData(EmulatedNic.Headroom + 1, false)]
    [InlineData(4096, false)]
    [InlineData(65000, false)]
    [InlineData(65000, true)]
    public void Payload_lands_in_device_memory_and_only_headers_in_host_memory(int size, bool ipv6)
    {
        using var scope = MemoryLeakScope.Begin();
        using (var device = new SteeredDevice(pages: 64))
        {
            byte[] payload = NicFrames.Payload(size);
            byte[] frame = ipv6 ? NicFrames.Tcp6(payload) : NicFrames.Tcp4(payload);
            Assert.True(ScatterRead.Receive(device.Nic, frame, null, out NicRxPacket packet));

            // hds-thresh 0: even one byte is in device memory; the host holds the headers and nothing else.
            int headers = frame.Length - size;
            Assert.Equal(BoundQueue, packet.QueueId);
            Assert.True(packet.IsHeaderSplit);
            Assert.True(packet.ChecksumVerified);
            Assert.Equal(headers, packet.Frame.Length);
            Assert.Equal(headers, packet.Headers.Length);
            Assert.Equal(size, packet.DetachedLength);
            Assert.Equal(frame.AsSpan(0, headers), packet.Headers);
            var skb = packet.Payload!;
            Assert.Equal(0, skb.HeadLength);
            Assert.True(skb.IsUnreadable);
            Assert.Same(device.Binding, skb.Frags[0].NetIov.Binding);

            // The bytes the header buffer caught were moved in front of those the kernel put in the first buffer.
            int caught = Math.Min(EmulatedNic.HeaderBufferLength - headers, size);
            Assert.Equal(EmulatedNic.Headroom - caught, skb.Frags[0].Offset);
            Assert.Equal(payload, NicAssert.Contents(skb));
            Assert.Equal(1, device.Nic.GetQueueStats(BoundQueue).SourceSplitPackets);
            skb.Free();
            Assert.Equal(0, device.Nic.SkbPool.InUse);
        }

        scope.AssertNoLeaks();
    }

    [Fact]
    public void Small_buffers_fill_17_frags_then_the_frag_list()
    {
        using var scope = MemoryLeakScope.Begin();
        using (var device = new SteeredDevice(pages: 64, new NicOptions { RxBufferLength = 1024 }))
        {
            byte[] payload = NicFrames.Payload(65000);
            Assert.True(ScatterRead.Receive(device.Nic, NicFrames.Tcp4(payload), null, out NicRxPacket packet));
            Assert.Equal(65000, packet.DetachedLength);
            Assert.Equal(17, packet.Payload!.FragCount);
            Assert.NotNull(packet.Payload.FragList);
            Assert.Equal(payload, NicAssert.Contents(packet.Payload));
            packet.Payload.Free();
        }

        scope.AssertNoLeaks();
    }

    [Fact]
    public void Extension_headers_within_the_parser_depth_still_split_at_the_source()
    {
        using var scope = MemoryLeakScope.Begin();
        using (var device = new SteeredDevice(pages: 64, new NicOptions { ParserDepth = 4 }))
        {
            byte[] payload = NicFrames.Payload(3000);
            byte[] frame = NicFrames.Tcp6(payload, extensionHeaders: 4);
            Assert.True(ScatterRead.Receive(device.Nic, frame, null, out NicRxPacket packet));
            Assert.Equal(3000, packet.DetachedLength);
            Assert.Equal(frame.Length - 3000, packet.Frame.Length);
            Assert.Equal(payload, NicAssert.Contents(packet.Payload!));
            packet.Payload!.Free();
        }

        scope.AssertNoLeaks();
    }

    [Theory]
    [InlineData(5, false, 0)]
    [InlineData(0, true, 8)]
    public void Headers_the_parser_does_not_reach_keep_the_payload_linear(int extensionHeaders, bool ipv4, int ipOptions)
    {
        using var scope = MemoryLeakScope.Begin();
        using (var device = new SteeredDevice(pages: 64, new NicOptions { ParserDepth = 4, ParsesIpv4Options = false }))
        {
            byte[] payload = NicFrames.Payload(3000);
            byte[] frame = ipv4 ? NicFrames.Tcp4(payload, ipOptions: ipOptions) : NicFrames.Tcp6(payload, extensionHeaders: extensionHeaders);
            Assert.True(ScatterRead.Receive(device.Nic, frame, null, out NicRxPacket packet));
            Assert.False(packet.IsHeaderSplit);
            Assert.False(packet.ChecksumVerified);
            Assert.Equal(0, packet.DetachedLength);
            Assert.Equal(frame, packet.Frame.ToArray());
            Assert.Equal(payload, packet.Payload!.Linear.ToArray());
            packet.Payload.Free();
            Assert.Equal(0, device.Nic.SkbPool.InUse);
        }

        scope.AssertNoLeaks();
    }

    [Fact]
    public void A_flow_on_another_queue_is_copied_once_then_read_straight_into_its_queue()
    {
        using var scope = MemoryLeakScope.Begin();
        using (var device = new SteeredDevice(pages: 64))
        {
            // RSS spreads the other ports over queue 0 (host pages); the first frame was read into the bound queue's buffers.
            byte[] payload = NicFrames.Payload(9000);
            Assert.True(ScatterRead.Receive(device.Nic, NicFrames.Tcp4(payload, destinationPort: 5202), null, out NicRxPacket copied));
            Assert.Equal(0, copied.QueueId);
            Assert.True(copied.IsHeaderSplit);
            Assert.Equal(0, copied.DetachedLength);
            Assert.False(copied.Payload!.IsUnreadable);
            Assert.Equal(payload, NicAssert.Contents(copied.Payload));
            copied.Payload.Free();

            Assert.True(ScatterRead.Receive(device.Nic, NicFrames.Tcp4(payload, destinationPort: 5202), null, out NicRxPacket direct));
            Assert.Equal(0, direct.QueueId);
            Assert.Equal(9000, direct.DetachedLength);
            Assert.Equal(payload, NicAssert.Contents(direct.Payload!));
            direct.Payload!.Free();

            // Back on the steered flow: one copy again, then straight into device memory.
            Assert.True(ScatterRead.Receive(device.Nic, NicFrames.Tcp4(payload), null, out NicRxPacket back));
            Assert.Equal(BoundQueue, back.QueueId);
            Assert.Equal(0, back.DetachedLength);
            Assert.True(back.Payload!.IsUnreadable);
            Assert.Equal(payload, NicAssert.Contents(back.Payload));
            back.Payload.Free();
            Assert.True(ScatterRead.Receive(device.Nic, NicFrames.Tcp4(payload), null, out NicRxPacket again));
            Assert.Equal(9000, again.DetachedLength);
            again.Payload!.Free();
            Assert.Equal(0, device.Nic.SkbPool.InUse);
        }

        scope.AssertNoLeaks();
    }

    [Fact]
    public void Frames_without_payload_and_non_tcp_frames_are_whole_in_host_memory()
    {
        using var scope = MemoryLeakScope.Begin();
        using (var device = new SteeredDevice(pages: 64))
        {
            byte[] ack = NicFrames.Tcp4([]);
            Assert.True(ScatterRead.Receive(device.Nic, ack, null, out NicRxPacket pure));
            Assert.Null(pure.Payload);
            Assert.Equal(ack, pure.Frame.ToArray());

            byte[] arp = new byte[60];
            new EthernetRepr { Destination = MacAddress.Broadcast, Source = NicFrames.MacA, EtherType = EtherType.Arp }.Emit(arp);
            Assert.True(ScatterRead.Receive(device.Nic, arp, null, out NicRxPacket other));
            Assert.Null(other.Payload);
            Assert.Equal(arp, other.Frame.ToArray());
            Assert.Equal(0, device.Nic.SkbPool.InUse);
        }

        scope.AssertNoLeaks();
    }

    [Fact]
    public void A_dry_pool_drops_the_frame_it_cannot_hold_and_counts_it()
    {
        using var scope = MemoryLeakScope.Begin();
        using (var device = new SteeredDevice(pages: 4))
        {
            // Four chunks are posted; a 64 KiB frame needs sixteen, so it takes the copy path, which finds none.
            Assert.False(ScatterRead.Receive(device.Nic, NicFrames.Tcp4(NicFrames.Payload(65000)), null, out _));
            Assert.Equal(1, device.Nic.GetQueueStats(BoundQueue)[NicDropReason.AllocFailure]);

            // A frame the posted buffers hold still goes straight in.
            byte[] payload = NicFrames.Payload(5000);
            Assert.True(ScatterRead.Receive(device.Nic, NicFrames.Tcp4(payload), null, out NicRxPacket packet));
            Assert.Equal(5000, packet.DetachedLength);
            Assert.Equal(payload, NicAssert.Contents(packet.Payload!));
            packet.Payload!.Free();
            Assert.Equal(0, device.Nic.SkbPool.InUse);
        }

        scope.AssertNoLeaks();
    }

    [Fact]
    public void A_bad_checksum_is_dropped_and_its_buffers_go_home_unless_the_kernel_vouched()
    {
        using var scope = MemoryLeakScope.Begin();
        using (var device = new SteeredDevice(pages: 64))
        {
            byte[] frame = NicFrames.Tcp4(NicFrames.Payload(3000));
            frame[^1] ^= 0xFF;
            Assert.False(ScatterRead.Receive(device.Nic, frame, null, out _));
            Assert.Equal(1, device.Nic.GetQueueStats(BoundQueue)[NicDropReason.BadChecksum]);
            Assert.Equal(0, device.Nic.SkbPool.InUse);

            // NEEDS_CSUM: a local sender left the checksum to offload, so the field is no final checksum.
            Assert.True(ScatterRead.Receive(device.Nic, frame, new VirtioNetHeader { Flags = VirtioNetFlags.NeedsChecksum }, out NicRxPacket vouched));
            Assert.Equal(3000, vouched.DetachedLength);
            Assert.Equal(0, vouched.Payload!.GsoSegments);
            vouched.Payload!.Free();

            // A GSO frame split at the source counts the wire segments it stands for.
            var gso = new VirtioNetHeader { Flags = VirtioNetFlags.NeedsChecksum, GsoType = VirtioNetGsoType.TcpV4, GsoSize = 1000 };
            Assert.True(ScatterRead.Receive(device.Nic, frame, gso, out NicRxPacket segmented));
            Assert.Equal(3, segmented.Payload!.GsoSegments);
            segmented.Payload.Free();
        }

        scope.AssertNoLeaks();
    }

    [Fact]
    public void A_binding_that_goes_away_after_the_post_takes_the_copy_path_and_posts_its_buffers_back()
    {
        using var scope = MemoryLeakScope.Begin();
        using (var device = new SteeredDevice(pages: 64))
        {
            byte[] payload = NicFrames.Payload(9000);
            Assert.True(ScatterRead.Receive(device.Nic, NicFrames.Tcp4(payload), null, out NicRxPacket packet, device.Binding.Dispose));
            Assert.Equal(BoundQueue, packet.QueueId);
            Assert.False(packet.Payload!.IsUnreadable);
            Assert.Equal(payload, NicAssert.Contents(packet.Payload));
            packet.Payload.Free();
        }

        scope.AssertNoLeaks();
    }

    // ncdevmem's set-up: queue 1 bound to a dma-buf, the flow to port 5201 steered to it, RSS over queue 0.
    private sealed class SteeredDevice : IDisposable
    {
        private readonly HostDmaBuf _dmaBuf;

        public SteeredDevice(int pages, NicOptions? options = null)
        {
            _dmaBuf = new HostDmaBuf(pages * 4096L, "gpu");
            Binding = new DmaBufBinding(_dmaBuf, BindingDirection.Rx);
            Nic = new EmulatedNic(options ?? new NicOptions());
            Nic.SetRssEqual(1);
            Nic.BindRx(Binding, [BoundQueue]);
            Nic.AddFlowRule(FlowMatch.Tcp4(NicFrames.Ip4B, 5201), BoundQueue);
            Nic.AddFlowRule(FlowMatch.Tcp6(NicFrames.Ip6B, 5201), BoundQueue);
        }

        public EmulatedNic Nic { get; }

        public DmaBufBinding Binding { get; }

        public void Dispose()
        {
            Nic.Dispose();
            Binding.Dispose();
            _dmaBuf.Dispose();
        }
    }
}
