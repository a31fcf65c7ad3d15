using System.Buffers.Binary;

namespace Devmem.Interop.Tests.Support;

/// <summary>Reads a classic pcap savefile (pcap-savefile(5)) written little-endian with microsecond stamps.</summary>
internal static class PcapFile
{
    public static List<byte[]> ReadEthernetFrames(string path)
    {
        byte[] file = File.ReadAllBytes(path);
        Assert.True(file.Length >= 24, "shorter than a pcap file header");
        Assert.Equal(0xa1b2c3d4u, BinaryPrimitives.ReadUInt32LittleEndian(file));
        Assert.Equal(1u, BinaryPrimitives.ReadUInt32LittleEndian(file.AsSpan(20)));
        var frames = new List<byte[]>();
        for (int at = 24; at < file.Length;)
        {
            Assert.True(at + 16 <= file.Length, $"a record header cut short at byte {at}");
            int included = BinaryPrimitives.ReadInt32LittleEndian(file.AsSpan(at + 8));
            int original = BinaryPrimitives.ReadInt32LittleEndian(file.AsSpan(at + 12));
            Assert.Equal(original, included);
            Assert.True(BinaryPrimitives.ReadUInt32LittleEndian(file.AsSpan(at + 4)) < 1_000_000, "ts_usec must be below one second");
            frames.Add(file.AsSpan(at + 16, included).ToArray());
            at += 16 + included;
        }

        return frames;
    }
}
