using Devmem.Memory;
using Devmem.Stack.Nic;
using Devmem.Stack.Wire;

namespace Devmem.Stack.Tests.Nic;

public sealed class HeaderSplitTests
{
    [Theory]
    [InlineData(1, 1, false)]
    [InlineData(8, 1, false)]
    [InlineData(1448, 1, false)]
    [InlineData(4096, 1, false)]
    [InlineData(4097, 2, false)]
    [InlineData(65000, 16, false)]
    [InlineData(65000, 16, true)]
    public void Payload_goes_to_chunks_and_linear_stays_empty(int size, int frags, bool ipv6)
    {
        using var scope = MemoryLeakScope.Begin();
        using (var nic = new EmulatedNic())
        {
            byte[] payload = NicFrames.Payload(size);
            byte[] frame = ipv6 ? NicFrames.Tcp6(payload) : NicFrames.Tcp4(payload);
            Assert.True(nic.ReceiveFrame(frame, null, out NicRxPacket packet));
            var skb = packet.Payload!;
            Assert.True(packet.IsHeaderSplit);
            Assert.True(packet.ChecksumVerified);
            Assert.Equal(0, skb.HeadLength);
            Assert.Equal(frags, skb.FragCount);
            Assert.Null(skb.FragList);
            Assert.False(skb.IsUnreadable);
            Assert.Equal(frame.Length - size, packet.Headers.Length);
            Assert.Equal(payload, NicAssert.Contents(skb));
            skb.Free();
            Assert.Equal(0, nic.SkbPool.InUse);
        }

        scope.AssertNoLeaks();
    }

    [Fact]
    public void Small_buffers_fill_17_frags_then_the_frag_list()
    {
        using var scope = MemoryLeakScope.Begin();
        using (var nic = new EmulatedNic(new NicOptions { RxBufferLength = 1024 }))
        {
            byte[] payload = NicFrames.Payload(65000);
            Assert.True(nic.ReceiveFrame(NicFrames.Tcp4(payload), null, out NicRxPacket packet));
            var skb = packet.Payload!;
            Assert.Equal(17, skb.FragCount);
            Assert.NotNull(skb.FragList);
            Assert.Equal(65000, skb.Length);
            // Four 1 KiB buffers share each chunk.
            Assert.Same(skb.Frags[0].NetIov, skb.Frags[3].NetIov);
            Assert.Equal(3072, skb.Frags[3].Offset);
            Assert.Equal(payload, NicAssert.Contents(skb));
            skb.Free();
            Assert.Equal(0, nic.SkbPool.InUse);
        }

        scope.AssertNoLeaks();
    }

    [Theory]
    [InlineData(5, false, 0)]
    [InlineData(0, true, 8)]
    public void Beyond_the_parser_the_payload_stays_linear(int extensionHeaders, bool ipv4, int ipOptions)
    {
        using var scope = MemoryLeakScope.Begin();
        using (var nic = new EmulatedNic(new NicOptions { ParserDepth = 4, ParsesIpv4Options = false }))
        {
            byte[] payload = NicFrames.Payload(3000);
            byte[] frame = ipv4 ? NicFrames.Tcp4(payload, ipOptions: ipOptions) : NicFrames.Tcp6(payload, extensionHeaders: extensionHeaders);
            Assert.True(nic.ReceiveFrame(frame, null, out NicRxPacket packet));
            Assert.False(packet.IsHeaderSplit);
            Assert.False(packet.ChecksumVerified);
            Assert.Equal(0, packet.Payload!.FragCount);
            Assert.Equal(payload, packet.Payload.Linear.ToArray());
            Assert.Equal(frame.Length - payload.Length, packet.Headers.Length);
            packet.Payload.Free();
            Assert.Equal(1, nic.GetQueueStats(packet.QueueId).ChecksumNone);
            Assert.Equal(0, nic.SkbPool.InUse);
        }

        scope.AssertNoLeaks();
    }

    [Fact]
    public void Within_the_parser_depth_extension_headers_still_split()
    {
        using var scope = MemoryLeakScope.Begin();
        using (var nic = new EmulatedNic(new NicOptions { ParserDepth = 4 }))
        {
            Assert.True(nic.ReceiveFrame(NicFrames.Tcp6(NicFrames.Payload(100), extensionHeaders: 4), null, out NicRxPacket packet));
            Assert.True(packet.IsHeaderSplit);
            packet.Payload!.Free();
        }

        scope.AssertNoLeaks();
    }

    [Fact]
    public void Header_split_off_keeps_the_payload_linear()
    {
        using var scope = MemoryLeakScope.Begin();
        using (var nic = new EmulatedNic())
        {
            nic.SetTcpDataSplit(false);
            byte[] payload = NicFrames.Payload(1448);
            Assert.True(nic.ReceiveFrame(NicFrames.Tcp4(payload), null, out NicRxPacket packet));
            Assert.False(packet.IsHeaderSplit);
            Assert.True(packet.ChecksumVerified);
            Assert.Equal(payload, packet.Payload!.Linear.ToArray());
            packet.Payload.Free();
            Assert.Equal(0, nic.SkbPool.InUse);
        }

        scope.AssertNoLeaks();
    }

    [Fact]
    public void Bad_checksum_is_a_counted_drop_that_returns_every_chunk()
    {
        using var scope = MemoryLeakScope.Begin();
        using (var nic = new EmulatedNic(new NicOptions { RxQueues = 1 }))
        {
            byte[] frame = NicFrames.Tcp4(NicFrames.Payload(9000));
            frame[^1] ^= 0x55;
            Assert.False(nic.ReceiveFrame(frame, null, out _));
            Assert.Equal(1, nic.GetQueueStats(0).ChecksumFailures);
            Assert.Equal(0, nic.SkbPool.InUse);

            // The kernel vouched (DATA_VALID): the NIC does not check.
            var vnet = new VirtioNetHeader { Flags = VirtioNetFlags.DataValid };
            Assert.True(nic.ReceiveFrame(frame, vnet, out NicRxPacket packet));
            Assert.True(packet.ChecksumVerified);
            packet.Payload!.Free();
            Assert.Equal(0, nic.SkbPool.InUse);
        }

        scope.AssertNoLeaks();
    }

    [Theory]
    [InlineData(9000, 1448, 7)]
    [InlineData(8688, 1448, 6)]
    [InlineData(9000, 0, 0)]
    public void A_gso_frame_payload_counts_its_wire_segments(int payloadLength, int gsoSize, int segments)
    {
        using var scope = MemoryLeakScope.Begin();
        using (var nic = new EmulatedNic(new NicOptions { RxQueues = 1 }))
        {
            var vnet = new VirtioNetHeader
            {
                Flags = VirtioNetFlags.DataValid,
                GsoType = gsoSize > 0 ? VirtioNetGsoType.TcpV4 : VirtioNetGsoType.None,
                GsoSize = (ushort)gsoSize,
            };
            Assert.True(nic.ReceiveFrame(NicFrames.Tcp4(NicFrames.Payload(payloadLength)), vnet, out NicRxPacket packet));
            Assert.Equal(segments, packet.Payload!.GsoSegments);
            packet.Payload.Free();
        }

        scope.AssertNoLeaks();
    }

    [Fact]
    public void Pool_exhaustion_is_counted_as_rx_alloc_fail()
    {
        using var scope = MemoryLeakScope.Begin();
        using (var nic = new EmulatedNic(new NicOptions { RxQueues = 1, PagesPerQueue = 4 }))
        {
            Assert.True(nic.ReceiveFrame(NicFrames.Tcp4(NicFrames.Payload(3 * 4096)), null, out NicRxPacket held));
            Assert.False(nic.ReceiveFrame(NicFrames.Tcp4(NicFrames.Payload(2 * 4096)), null, out _));
            Assert.Equal(1, nic.GetQueueStats(0).AllocFailures);
            // The dropped frame's chunk went back to the pool's cache: the pool still holds all four.
            Assert.Equal(4, nic.GetPagePools()[0].Inflight);
            held.Payload!.Free();
            Assert.True(nic.ReceiveFrame(NicFrames.Tcp4(NicFrames.Payload(2 * 4096)), null, out NicRxPacket later));
            later.Payload!.Free();
            Assert.Equal(0, nic.SkbPool.InUse);
        }

        scope.AssertNoLeaks();
    }

    [Fact]
    public void Steady_state_allocates_nothing_per_frame()
    {
        using var scope = MemoryLeakScope.Begin();
        using (var nic = new EmulatedNic())
        {
            nic.AddFlowRule(FlowMatch.Tcp4(NicFrames.Ip4B, 5201), 1);
            byte[] frame = NicFrames.Tcp4(NicFrames.Payload(9000));
            for (int i = 0; i < 100; i++)
            {
                Receive(nic, frame);
            }

            // The best of three rounds: an allocation per frame shows in every round, while a one-off in the
            // runtime (tiering, a GC triggered by tests running in parallel) can only spoil one.
            long best = long.MaxValue;
            for (int round = 0; round < 3; round++)
            {
                long before = GC.GetAllocatedBytesForCurrentThread();
                for (int i = 0; i < 1000; i++)
                {
                    Receive(nic, frame);
                }

                best = Math.Min(best, GC.GetAllocatedBytesForCurrentThread() - before);
            }

            Assert.Equal(0, best);
            Assert.Equal(0, nic.SkbPool.InUse);
        }

        scope.AssertNoLeaks();
    }

    private static void Receive(EmulatedNic nic, byte[] frame)
    {
        Assert.True(nic.ReceiveFrame(frame, null, out NicRxPacket packet));
        packet.Payload!.Free();
    }
}
