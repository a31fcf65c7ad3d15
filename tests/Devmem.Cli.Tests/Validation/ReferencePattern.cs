namespace Devmem.Cli.Tests.Validation;

/// <summary>
/// An independent model of ncdevmem's <c>-v N</c> stream, in closed form rather than as a running counter:
/// the stream repeats every P bytes, where P is N, except that ncdevmem's <c>unsigned char</c> counter wraps
/// by itself for N above 255 and the reset never fires (P = 256). Byte p is <c>p mod P + 1</c>, and a newline
/// in the last place of each period. N = 1 is its own case: the counter first wraps at 256, and from then on
/// it hits 1 after every byte and is reset at once, so the stream is 1..255 and then newlines only.
/// </summary>
internal static class ReferencePattern
{
    public static byte At(long period, long position)
    {
        if (period == 1)
        {
            return position < 255 ? (byte)(position + 1) : (byte)'\n';
        }

        long p = period > 255 ? 256 : period;
        long phase = position % p;
        return phase == p - 1 ? (byte)'\n' : (byte)(phase + 1);
    }

    public static byte[] Create(long period, int length)
    {
        var bytes = new byte[length];
        for (int i = 0; i < length; i++)
        {
            bytes[i] = At(period, i);
        }

        return bytes;
    }
}
