using Devmem.Receive;
using Devmem.Uapi;

namespace Devmem.Tests.Receive;

/// <summary>One test per rule of DEVMEM.md section 5 (upstream sock_devmem_dontneed) and section 6 (destruction).</summary>
public class DontneedRulesTests
{
    private const MessageFlags Devmem = MessageFlags.SockDevmem | MessageFlags.DontWait;

    private static int Dontneed(ReceiveFixture f, params DmabufToken[] tokens) =>
        f.Receiver.SetSocketOption(DevmemUapi.SolSocket, DevmemUapi.SoDevmemDontneed, ReceiveFixture.TokenBytes(tokens));

    private static List<uint> ReceiveAll(ReceiveFixture f, int frags)
    {
        var tokens = new List<uint>();
        var fragments = new DevmemFragment[64];
        while (tokens.Count < frags)
        {
            var r = f.Receiver.Receive([], fragments, int.MaxValue, Devmem);
            tokens.AddRange(fragments.Take(r.FragmentCount).Select(x => x.Token));
        }

        return tokens;
    }

    [Fact]
    public void Dontneed_ReturnsTheNumberOfFragsFreed_AndChunksGoBackToThePool()
    {
        using var f = new ReceiveFixture();
        f.QueueDeviceFrags(10);
        ReceiveAll(f, 10);
        Assert.Equal(10, f.DevicePool.InFlight);
        Assert.Equal(10, Dontneed(f, new DmabufToken(1, 10)));
        Assert.Equal(0, f.DevicePool.InFlight);
        Assert.Equal(10, f.Receiver.TokensReturned);
        f.CloseAndAssertNoLeaks();
    }

    [Fact]
    public void Dontneed_128TokenRangesAccepted_129IsEinval()
    {
        using var f = new ReceiveFixture();
        f.QueueDeviceFrags(128);
        ReceiveAll(f, 128);
        var ranges = Enumerable.Range(1, 129).Select(i => DmabufToken.One((uint)i)).ToArray();
        Assert.Equal(-(int)Errno.EINVAL, Dontneed(f, ranges));
        Assert.Equal(128, f.Receiver.TokensOutstanding);
        Assert.Equal(128, Dontneed(f, ranges[..128]));
        var ex = Assert.Throws<DevmemException>(() => f.Receiver.ReturnTokens(ranges));
        Assert.Equal(Errno.EINVAL, ex.Errno);
        f.CloseAndAssertNoLeaks();
    }

    [Theory]
    [InlineData(0)]
    [InlineData(3)]
    [InlineData(4)]
    [InlineData(12)]
    [InlineData(1025)]
    [InlineData(1032)]
    public void Dontneed_BadOptlen_IsEinval(int optlen)
    {
        using var f = new ReceiveFixture();
        Assert.Equal(-(int)Errno.EINVAL, f.Receiver.SetSocketOption(DevmemUapi.SolSocket, DevmemUapi.SoDevmemDontneed, new byte[optlen]));
        f.CloseAndAssertNoLeaks();
    }

    [Fact]
    public void Dontneed_OnANonTcpSocket_IsEbadf_ButShortOptlenIsEinvalFirst()
    {
        Assert.Equal(Errno.EBADF, DontneedOption.Validate(new byte[8], isTcpSocket: false));
        Assert.Equal(Errno.EINVAL, DontneedOption.Validate(new byte[2], isTcpSocket: false));
        Assert.Equal(Errno.None, DontneedOption.Validate(new byte[1024], isTcpSocket: true));
    }

    [Fact]
    public void Dontneed_OtherOptionsOrLevels_AreEnoprotoopt()
    {
        using var f = new ReceiveFixture();
        Assert.Equal(-(int)Errno.ENOPROTOOPT, f.Receiver.SetSocketOption(DevmemUapi.SolTcp, DevmemUapi.SoDevmemDontneed, new byte[8]));
        Assert.Equal(-(int)Errno.ENOPROTOOPT, f.Receiver.SetSocketOption(DevmemUapi.SolSocket, DevmemUapi.RfcV3SoDevmemDontneed, new byte[8]));
        f.CloseAndAssertNoLeaks();
    }

    [Fact]
    public void Dontneed_NothingHeld_ReturnsZero()
    {
        using var f = new ReceiveFixture();
        Assert.Equal(0, Dontneed(f, DmabufToken.One(1)));
        Assert.Equal(0, Dontneed(f, Enumerable.Range(1, 128).Select(i => DmabufToken.One((uint)i)).ToArray()));
        f.CloseAndAssertNoLeaks();
    }

    [Fact]
    public void Dontneed_UnknownStaleAndRepeatedIds_SkippedSilently()
    {
        using var f = new ReceiveFixture();
        f.QueueDeviceFrags(3);
        ReceiveAll(f, 3);
        Assert.Equal(2, Dontneed(f, DmabufToken.One(2), DmabufToken.One(2), DmabufToken.One(0), DmabufToken.One(99), new DmabufToken(3, 1), DmabufToken.One(3)));
        Assert.Equal(0, Dontneed(f, DmabufToken.One(2)));
        Assert.Equal(1, Dontneed(f, new DmabufToken(uint.MaxValue, 2), new DmabufToken(0, 5)));
        f.CloseAndAssertNoLeaks();
    }

    [Fact]
    public void Dontneed_StopsAfter1024Frags_Of1025()
    {
        using var f = new ReceiveFixture(devicePages: 1100);
        f.QueueDeviceFrags(1025);
        ReceiveAll(f, 1025);
        Assert.Equal(1024, Dontneed(f, new DmabufToken(1, 1025)));
        Assert.Equal(1, f.Receiver.TokensOutstanding);
        Assert.Equal(1, Dontneed(f, DmabufToken.One(1025)));
        f.CloseAndAssertNoLeaks();
    }

    [Fact]
    public void Dontneed_UnknownIdsCountAgainstThe1024Budget()
    {
        using var f = new ReceiveFixture();
        f.QueueDeviceFrags(1);
        ReceiveAll(f, 1);
        Assert.Equal(0, Dontneed(f, new DmabufToken(5000, 1024), DmabufToken.One(1)));
        Assert.Equal(1, Dontneed(f, DmabufToken.One(1)));
        f.CloseAndAssertNoLeaks();
    }

    [Fact]
    public void Dontneed_HugeRangeDoesBoundedWork()
    {
        using var f = new ReceiveFixture();
        f.QueueDeviceFrags(2);
        ReceiveAll(f, 2);
        Assert.Equal(2, Dontneed(f, new DmabufToken(1, uint.MaxValue)));
        f.CloseAndAssertNoLeaks();
    }

    [Fact]
    public void Close_ReleasesEveryHeldTokenAndFreesQueuedSkbs()
    {
        using var f = new ReceiveFixture();
        f.QueueDeviceFrags(20);
        var fragments = new DevmemFragment[5];
        f.Receiver.Receive([], fragments, int.MaxValue, Devmem);
        Assert.Equal(5, f.Receiver.TokensOutstanding);
        Assert.True(f.Receiver.QueuedBytes > 0);
        f.CloseAndAssertNoLeaks();
        Assert.Equal(0, f.DevicePool.InFlight);
    }

    [Fact]
    public void AfterClose_ReceiveAndDontneedAreEbadf()
    {
        using var f = new ReceiveFixture();
        f.Receiver.Dispose();
        Assert.Equal(-(int)Errno.EBADF, f.Receiver.ReceiveMessage(new byte[10], [], Devmem, out _));
        Assert.Equal(-(int)Errno.EBADF, Dontneed(f, DmabufToken.One(1)));
        f.CloseAndAssertNoLeaks();
    }

    [Fact]
    public void EnqueueAfterClose_FreesTheSkb()
    {
        using var f = new ReceiveFixture();
        f.Receiver.Dispose();
        f.Queue(0, [(0, 10)]);
        f.CloseAndAssertNoLeaks();
    }
}
