namespace Devmem.Stack.Tests.Sockets;

/// <summary>
/// ncdevmem's <c>-v 7</c> validation stream: bytes 01 02 03 04 05 06 then a newline (0A), repeating, so
/// every byte's expected value follows from its position in the stream.
/// </summary>
internal static class NcdevmemPattern
{
    public const int Period = 7;

    public static byte At(long position)
    {
        int phase = (int)(position % Period);
        return phase == Period - 1 ? (byte)0x0A : (byte)(phase + 1);
    }

    public static byte[] Create(int length)
    {
        var data = new byte[length];
        for (int i = 0; i < length; i++)
        {
            data[i] = At(i);
        }

        return data;
    }

    /// <summary>Asserts <paramref name="bytes"/> are the stream's bytes from <paramref name="position"/> on.</summary>
    public static void AssertMatches(ReadOnlySpan<byte> bytes, long position)
    {
        for (int i = 0; i < bytes.Length; i++)
        {
            if (bytes[i] != At(position + i))
            {
                Assert.Fail($"stream byte {position + i} is 0x{bytes[i]:X2}, expected 0x{At(position + i):X2}");
            }
        }
    }
}
