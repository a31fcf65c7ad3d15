namespace Devmem.Stack.Tcp;

/// <summary>Window scaling (RFC 7323 §2): the shift we offer for a buffer size, and the limits.</summary>
public static class TcpWindowScale
{
    /// <summary>The largest shift (RFC 7323 §2.3): windows stay below 2^30, half the sequence space.</summary>
    public const int Max = 14;

    /// <summary>
    /// The smallest shift at which <paramref name="bufferSize"/> fits the 16-bit window field, so the window
    /// is advertised with the finest granularity the buffer allows.
    /// </summary>
    public static int ShiftFor(int bufferSize)
    {
        int shift = 0;
        while (shift < Max && (bufferSize >> shift) > ushort.MaxValue)
        {
            shift++;
        }

        return shift;
    }
}
