using System.Buffers.Binary;
using CsCheck;
using Devmem.Stack.Wire;
using PacketDotNet;
using PacketDotNet.Tcp;

namespace Devmem.Stack.Tests.Wire;

/// <summary>
/// PacketDotNet as an independent parser of what our emitter writes. Not used for SACK blocks:
/// PacketDotNet 1.4.8 reads SACK edges as 16-bit values.
/// </summary>
public sealed class TcpPacketDotNetOracleTests
{
    // An IPv4 packet (RFC 791, 20-byte header, DF, TTL 64) around a TCP segment written by TcpHeader.Emit.
    private static byte[] BuildIPv4(TcpHeader header, byte[] payload, byte[] src, byte[] dst)
    {
        int tcpLength = header.HeaderLength + payload.Length;
        byte[] packet = new byte[20 + tcpLength];
        packet[0] = 0x45;
        BinaryPrimitives.WriteUInt16BigEndian(packet.AsSpan(2), (ushort)packet.Length);
        packet[6] = 0x40;
        packet[8] = 64;
        packet[9] = TcpChecksum.ProtocolNumber;
        src.CopyTo(packet, 12);
        dst.CopyTo(packet, 16);
        BinaryPrimitives.WriteUInt16BigEndian(packet.AsSpan(10), InternetChecksum.Compute(packet.AsSpan(0, 20)));
        Span<byte> segment = packet.AsSpan(20);
        header.Emit(segment);
        payload.CopyTo(segment.Slice(header.HeaderLength));
        TcpChecksum.Fill(segment, TcpChecksum.PseudoHeaderSumIPv4(src, dst, tcpLength));
        return packet;
    }

    [Fact]
    public void PacketDotNet_reads_what_we_emit()
    {
        Gen.Select(TcpGen.Header(withSack: false), Gen.Byte.Array[0, 200], Gen.Byte.Array[4], Gen.Byte.Array[4]).Sample((header, payload, src, dst) =>
        {
            byte[] bytes = BuildIPv4(header, payload, src, dst);
            IPv4Packet ip = Packet.ParsePacket(LinkLayers.Raw, bytes).Extract<IPv4Packet>();
            Assert.NotNull(ip);
            TcpPacket tcp = ip.Extract<TcpPacket>();
            Assert.NotNull(tcp);
            Assert.True(ip.ValidIPChecksum);
            Assert.Equal(header.SourcePort, tcp.SourcePort);
            Assert.Equal(header.DestinationPort, tcp.DestinationPort);
            Assert.Equal(header.SequenceNumber, tcp.SequenceNumber);
            Assert.Equal(header.AcknowledgmentNumber, tcp.AcknowledgmentNumber);
            Assert.Equal(header.HeaderLength / 4, tcp.DataOffset);
            Assert.Equal(header.Flags.HasFlag(TcpFlags.Fin), tcp.Finished);
            Assert.Equal(header.Flags.HasFlag(TcpFlags.Syn), tcp.Synchronize);
            Assert.Equal(header.Flags.HasFlag(TcpFlags.Rst), tcp.Reset);
            Assert.Equal(header.Flags.HasFlag(TcpFlags.Psh), tcp.Push);
            Assert.Equal(header.Flags.HasFlag(TcpFlags.Ack), tcp.Acknowledgment);
            Assert.Equal(header.Flags.HasFlag(TcpFlags.Urg), tcp.Urgent);
            Assert.Equal(header.Flags.HasFlag(TcpFlags.Ece), tcp.ExplicitCongestionNotificationEcho);
            Assert.Equal(header.Flags.HasFlag(TcpFlags.Cwr), tcp.CongestionWindowReduced);
            Assert.Equal(header.Flags.HasFlag(TcpFlags.Ae), tcp.NonceSum);
            Assert.Equal(header.Window, tcp.WindowSize);
            Assert.Equal(header.UrgentPointer, (ushort)tcp.UrgentPointer); // PacketDotNet reads it as a signed short
            Assert.True(tcp.ValidTcpChecksum);
            Assert.Equal(new TcpSegmentView(bytes.AsSpan(20)).Checksum, tcp.Checksum);
            Assert.Equal(tcp.CalculateTcpChecksum(), tcp.Checksum);
            Assert.Equal(payload, tcp.PayloadData ?? []);

            if (header.Flags.HasFlag(TcpFlags.Urg))
            {
                return; // PacketDotNet 1.4.8 throws "Options with the urgent pointer set are not yet implemented".
            }
            List<TcpOption> options = tcp.OptionsCollection ?? [];
            TcpOptions ours = header.Options;
            Assert.Equal(ours.Mss, options.OfType<MaximumSegmentSizeOption>().Select(o => (ushort?)o.Value).SingleOrDefault());
            Assert.Equal(ours.WindowScale, options.OfType<WindowScaleFactorOption>().Select(o => (byte?)o.ScaleFactor).SingleOrDefault());
            Assert.Equal(ours.SackPermitted, options.OfType<SelectiveAcknowledgmentPermittedOption>().Any());
            TimeStampOption? ts = options.OfType<TimeStampOption>().SingleOrDefault();
            Assert.Equal(ours.Timestamp, ts is null ? null : new TcpTimestamp(ts.Value, ts.EchoReply));
        }, iter: 2000, threads: 1);
    }

    [Fact]
    public void We_read_what_PacketDotNet_builds()
    {
        Gen.Select(Gen.UShort, Gen.UShort, Gen.UInt, Gen.UInt, Gen.UShort, Gen.Byte.Array[0, 100]).Sample((sp, dp, seq, ack, window, payload) =>
        {
            var ip = new IPv4Packet(new System.Net.IPAddress([10, 0, 0, 1]), new System.Net.IPAddress([10, 0, 0, 2]));
            var tcp = new TcpPacket(sp, dp)
            {
                SequenceNumber = seq,
                AcknowledgmentNumber = ack,
                WindowSize = window,
                Push = true,
                Acknowledgment = true,
                PayloadData = payload,
            };
            ip.PayloadPacket = tcp;
            tcp.UpdateTcpChecksum();
            ip.UpdateCalculatedValues();
            ip.UpdateIPChecksum();
            byte[] bytes = ip.Bytes;

            (byte[] segment, uint pseudo) = TcpGoldenTests.Split(Convert.ToHexString(bytes));
            Assert.True(TcpHeader.TryParse(segment, out TcpHeader header, out int headerLength, out _));
            Assert.Equal(sp, header.SourcePort);
            Assert.Equal(dp, header.DestinationPort);
            Assert.Equal(seq, header.SequenceNumber);
            Assert.Equal(ack, header.AcknowledgmentNumber);
            Assert.Equal(TcpFlags.Psh | TcpFlags.Ack, header.Flags);
            Assert.Equal(window, header.Window);
            Assert.True(header.Options.IsEmpty);
            Assert.Equal(payload, segment.AsSpan(headerLength).ToArray());
            Assert.True(TcpChecksum.Verify(segment, pseudo));
        }, iter: 500, threads: 1);
    }
}
