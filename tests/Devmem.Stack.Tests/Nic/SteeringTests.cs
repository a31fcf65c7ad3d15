using Devmem.Memory;
using Devmem.Stack.Nic;
using Devmem.Stack.Wire;
using Devmem.Uapi;

namespace Devmem.Stack.Tests.Nic;

public sealed class SteeringTests
{
    // Microsoft RSS spec, "Verifying the RSS Hash Calculation": destination, source, then the hash with
    // the ports (TCP) and without (IP only).
    [Theory]
    [InlineData("161.142.100.80", 1766, "66.9.149.187", 2794, 0x51ccc178u, 0x323e8fc2u)]
    [InlineData("65.69.140.83", 4739, "199.92.111.2", 14230, 0xc626b0eau, 0xd718262au)]
    [InlineData("12.22.207.184", 38024, "24.19.198.95", 12898, 0x5c2b394au, 0xd2d0a5deu)]
    [InlineData("209.142.163.6", 2217, "38.27.205.30", 48228, 0xafc7327fu, 0x82989176u)]
    [InlineData("202.188.127.2", 1303, "153.39.163.191", 44251, 0x10e828a2u, 0x5d1809c5u)]
    [InlineData("3ffe:2501:200:3::1", 1766, "3ffe:2501:200:1fff::7", 2794, 0x40207d3du, 0x2cc18cd5u)]
    [InlineData("ff02::1", 4739, "3ffe:501:8::260:97ff:fe40:efab", 14230, 0xdde51bbfu, 0x0f0c461cu)]
    [InlineData("fe80::200:f8ff:fe21:67cf", 38024, "3ffe:1900:4545:3:200:f8ff:fe21:67cf", 44251, 0x02d1feefu, 0x4b61e985u)]
    public void Toeplitz_matches_the_spec_vectors(string destination, int destinationPort, string source, int sourcePort, uint tcpHash, uint ipHash)
    {
        byte[] dst = System.Net.IPAddress.Parse(destination).GetAddressBytes();
        byte[] src = System.Net.IPAddress.Parse(source).GetAddressBytes();
        byte[] input = [.. src, .. dst, (byte)(sourcePort >> 8), (byte)sourcePort, (byte)(destinationPort >> 8), (byte)destinationPort];
        Assert.Equal(tcpHash, ToeplitzHash.Compute(ToeplitzHash.DefaultKey, input));
        Assert.Equal(ipHash, ToeplitzHash.Compute(ToeplitzHash.DefaultKey, input.AsSpan(0, input.Length - 4)));
    }

    [Fact]
    public void Rss_puts_a_flow_on_the_queue_its_hash_indexes()
    {
        using var scope = MemoryLeakScope.Begin();
        using (var nic = new EmulatedNic())
        {
            byte[] frame = NicFrames.Tcp4(NicFrames.Payload(10), 1766, 5201);
            byte[] input = [.. BytesOf(NicFrames.Ip4A), .. BytesOf(NicFrames.Ip4B), 0x06, 0xe6, 0x14, 0x51];
            int expected = nic.Rss.QueueFor(ToeplitzHash.Compute(ToeplitzHash.DefaultKey, input));
            Assert.True(nic.ReceiveFrame(frame, null, out NicRxPacket packet));
            Assert.Equal(expected, packet.QueueId);
            packet.Payload!.Free();

            nic.SetRssEqual(1);
            Assert.True(nic.ReceiveFrame(frame, null, out packet));
            Assert.Equal(0, packet.QueueId);
            packet.Payload!.Free();
            Assert.Equal(0, nic.SkbPool.InUse);
        }

        scope.AssertNoLeaks();
    }

    [Fact]
    public void Rules_are_added_listed_matched_in_location_order_and_deleted()
    {
        using var scope = MemoryLeakScope.Begin();
        using (var nic = new EmulatedNic())
        {
            nic.SetRssEqual(1);
            FlowRule fiveTuple = nic.AddFlowRule(FlowMatch.Tcp6(NicFrames.Ip6A, 40000, NicFrames.Ip6B, 5201), 3, location: 10);
            FlowRule threeTuple = nic.AddFlowRule(FlowMatch.Tcp6(NicFrames.Ip6B, 5201), 2);
            Assert.Equal(0, threeTuple.Location);
            Assert.Equal([threeTuple, fiveTuple], nic.FlowRules.Rules);
            Assert.Equal("flow-type tcp6 src-ip 2001:db8::a dst-ip 2001:db8::b src-port 40000 dst-port 5201 action 3 loc 10", fiveTuple.ToString());
            Assert.Equal(2, QueueOf(nic, NicFrames.Tcp6(NicFrames.Payload(10))));

            nic.DeleteFlowRule(0);
            Assert.Equal(3, QueueOf(nic, NicFrames.Tcp6(NicFrames.Payload(10))));
            Assert.Equal(0, QueueOf(nic, NicFrames.Tcp6(NicFrames.Payload(10), sourcePort: 40001)));
            Assert.Equal(Errno.ENOENT, Assert.Throws<DevmemException>(() => nic.DeleteFlowRule(0)).Errno);
            Assert.Equal(Errno.EINVAL, Assert.Throws<DevmemException>(() => nic.AddFlowRule(FlowMatch.Tcp4(NicFrames.Ip4B, 1), 4)).Errno);

            nic.AddFlowRule(FlowMatch.Tcp4(NicFrames.Ip4B, 5201), 1);
            Assert.Equal(1, QueueOf(nic, NicFrames.Tcp4(NicFrames.Payload(10))));
            Assert.Equal(0, nic.SkbPool.InUse);
        }

        scope.AssertNoLeaks();
    }

    private static int QueueOf(EmulatedNic nic, byte[] frame)
    {
        Assert.True(nic.ReceiveFrame(frame, null, out NicRxPacket packet));
        packet.Payload!.Free();
        return packet.QueueId;
    }

    private static byte[] BytesOf(Ipv4Address address)
    {
        var bytes = new byte[4];
        address.CopyTo(bytes);
        return bytes;
    }
}
