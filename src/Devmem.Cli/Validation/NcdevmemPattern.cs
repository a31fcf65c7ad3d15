namespace Devmem.Cli.Validation;

/// <summary>
/// The bytes a sender writes so that ncdevmem's <c>-v N</c> accepts them: what
/// <c>yes $(printf '\1\2\3\4\5\6') | head -c SIZE</c> produces for N = 7.
/// </summary>
internal static class NcdevmemPattern
{
    /// <summary>The N that <c>devmem demo</c> and the kernel's selftests use.</summary>
    public const int DefaultPeriod = 7;

    /// <summary>
    /// The first <paramref name="length"/> bytes of the stream for N = <paramref name="period"/> (2..255, where
    /// the stream repeats every N bytes, so a buffer whose length is a multiple of N can be sent again and again).
    /// </summary>
    public static byte[] Create(int period, int length)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(period, 2);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(period, byte.MaxValue);
        var bytes = new byte[length];
        for (int i = 0; i < length; i++)
        {
            int phase = (i % period) + 1;
            bytes[i] = phase == period ? (byte)'\n' : (byte)phase;
        }

        return bytes;
    }
}
