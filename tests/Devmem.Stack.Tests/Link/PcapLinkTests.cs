using System.Buffers.Binary;
using Devmem.Stack.Link;
using Devmem.Stack.Link.Pcap;

namespace Devmem.Stack.Tests.Link;

public class PcapLinkTests
{
    [Fact]
    public void The_file_header_and_a_record_are_pcap_savefile_bytes()
    {
        var stream = new MemoryStream();
        using (var writer = new PcapWriter(stream, ownsStream: false))
        {
            writer.Write([1, 2, 3], DateTimeOffset.UnixEpoch.AddSeconds(1_700_000_000).AddTicks(1234567));
        }

        byte[] file = stream.ToArray();
        Assert.Equal(24 + 16 + 3, file.Length);
        Assert.Equal(0xa1b2c3d4u, BinaryPrimitives.ReadUInt32LittleEndian(file));
        Assert.Equal(2, BinaryPrimitives.ReadUInt16LittleEndian(file.AsSpan(4)));
        Assert.Equal(4, BinaryPrimitives.ReadUInt16LittleEndian(file.AsSpan(6)));
        Assert.Equal(PcapWriter.DefaultSnapLength, BinaryPrimitives.ReadInt32LittleEndian(file.AsSpan(16)));
        Assert.Equal(1u, BinaryPrimitives.ReadUInt32LittleEndian(file.AsSpan(20)));
        Assert.Equal(1_700_000_000u, BinaryPrimitives.ReadUInt32LittleEndian(file.AsSpan(24)));
        Assert.Equal(123_456u, BinaryPrimitives.ReadUInt32LittleEndian(file.AsSpan(28)));
        Assert.Equal(3, BinaryPrimitives.ReadInt32LittleEndian(file.AsSpan(32)));
        Assert.Equal(3, BinaryPrimitives.ReadInt32LittleEndian(file.AsSpan(36)));
        Assert.Equal(new byte[] { 1, 2, 3 }, file[40..]);
    }

    [Fact]
    public void A_frame_longer_than_the_snaplen_is_cut_and_keeps_its_original_length()
    {
        var stream = new MemoryStream();
        using (var writer = new PcapWriter(stream, snapLength: 4, ownsStream: false))
        {
            writer.Write(new byte[10], DateTimeOffset.UnixEpoch);
        }

        byte[] file = stream.ToArray();
        Assert.Equal(4, BinaryPrimitives.ReadInt32LittleEndian(file.AsSpan(32)));
        Assert.Equal(10, BinaryPrimitives.ReadInt32LittleEndian(file.AsSpan(36)));
        Assert.Equal(24 + 16 + 4, file.Length);
    }

    [Fact]
    public void Both_directions_are_recorded_in_the_order_the_link_saw_them_and_frames_pass_unchanged()
    {
        using var memory = new MemoryLink(new MemoryLinkOptions { QueueLength = 8 });
        var stream = new MemoryStream();
        using var capture = new PcapLink(memory.A, new PcapWriter(stream, ownsStream: false), ownsInner: false);
        var batch = new FrameBatch(4, capture.MaxFrameLength);
        batch.TryAdd(LinkFrames.Numbered(1));
        capture.Transmit(batch);
        memory.B.Transmit(LinkFrames.Numbered(2, length: 100));

        var received = new FrameBatch(4, capture.MaxFrameLength);
        received.TryAdd(LinkFrames.Numbered(99));
        Assert.Equal(1, capture.Receive(received));
        Assert.Equal(2, LinkFrames.NumberOf(received[1].ToArray()));
        Assert.Equal(2, capture.Records);
        capture.Dispose();

        byte[] file = stream.ToArray();
        int second = 24 + 16 + 64;
        Assert.Equal(1, LinkFrames.NumberOf(file[(24 + 16)..second]));
        Assert.Equal(100, BinaryPrimitives.ReadInt32LittleEndian(file.AsSpan(second + 8)));
        Assert.Equal(2, LinkFrames.NumberOf(file[(second + 16)..]));
        Assert.Equal(second + 16 + 100, file.Length);
    }
}
