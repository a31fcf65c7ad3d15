using CsCheck;
using Devmem.Stack.Tcp;

namespace Devmem.Stack.Tests.Tcp;

/// <summary>RFC 9293 §3.4 sequence arithmetic: comparisons modulo 2^32 (RFC 1982 serial numbers).</summary>
public class SeqNumberTests
{
    [Fact]
    public void Comparisons_WrapAroundZero()
    {
        var high = new SeqNumber(0xFFFF_FFF0);
        SeqNumber low = high + 0x20;
        Assert.Equal(0x10u, low.Value);
        Assert.True(high < low);
        Assert.True(low > high);
        SeqNumber same = high;
        Assert.True(high <= same && high >= same);
        Assert.Equal(0x20, low - high);
        Assert.Equal(-0x20, high - low);
        Assert.Equal(high, low - 0x20);
        Assert.Equal(low, SeqNumber.Max(high, low));
        Assert.Equal(high, SeqNumber.Min(low, high));
        Assert.True(new SeqNumber(0).IsInRange(high, low));
        Assert.False(low.IsInRange(high, low));
    }

    [Fact]
    public void AnyNumberLessThanHalfTheSpaceAhead_IsGreater()
    {
        Gen.Select(Gen.UInt, Gen.Int[1, int.MaxValue]).Sample((start, distance) =>
        {
            var a = new SeqNumber(start);
            SeqNumber b = a + distance;
            return a < b && b > a && !(b <= a) && b - a == distance && a - b == -distance;
        });
    }
}
