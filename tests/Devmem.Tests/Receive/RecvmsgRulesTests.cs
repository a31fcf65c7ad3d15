using Devmem.Receive;
using Devmem.Uapi;

namespace Devmem.Tests.Receive;

/// <summary>One test per rule of DEVMEM.md section 4 (upstream tcp_recvmsg_dmabuf / tcp_recvmsg_locked).</summary>
public class RecvmsgRulesTests
{
    private const MessageFlags Devmem = MessageFlags.SockDevmem | MessageFlags.DontWait;

    [Fact]
    public void LinearPartFirst_CopiedWithOneLinearCmsg_ThenOneDmabufCmsgPerFrag()
    {
        using var f = new ReceiveFixture();
        f.Queue(10, [(0, 1000), (100, 2000)]);
        byte[] buffer = new byte[5000];
        byte[] control = new byte[200];

        int n = f.Receiver.ReceiveMessage(buffer, control, Devmem, out int controlLength);

        Assert.Equal(3010, n);
        Assert.Equal(120, controlLength);
        var cmsgs = ReceiveFixture.ParseControl(control.AsSpan(0, controlLength));
        Assert.Equal(DevmemUapi.ScmDevmemLinear, cmsgs[0].Type);
        Assert.Equal(new DmabufCmsg(0, 10, 0, 0, 0), cmsgs[0].Cmsg);
        Assert.Equal(f.Sent.Take(10), buffer.Take(10));
        Assert.Equal(DevmemUapi.ScmDevmemDmabuf, cmsgs[1].Type);
        Assert.Equal(1000u, cmsgs[1].Cmsg.FragSize);
        Assert.Equal(2000u, cmsgs[2].Cmsg.FragSize);
        Assert.All(cmsgs.Skip(1), c => Assert.Equal(f.Binding.Id, c.Cmsg.DmabufId));
        Assert.All(cmsgs.Skip(1), c => Assert.Equal(0u, c.Cmsg.Flags));
        Assert.Equal(f.Sent.Skip(10).Take(1000), f.ReadFragment(new DevmemFragment(cmsgs[1].Cmsg.DmabufId, cmsgs[1].Cmsg.FragOffset, 1000, 0)));
        Assert.Equal(f.Sent.Skip(1010), f.ReadFragment(new DevmemFragment(cmsgs[2].Cmsg.DmabufId, cmsgs[2].Cmsg.FragOffset, 2000, 0)));

        Assert.Equal(2, f.ReturnAll(cmsgs.Skip(1).Select(c => c.Cmsg.FragToken)));
        f.CloseAndAssertNoLeaks();
    }

    [Fact]
    public void EachFrag_GetsAFreshTokenAndOneMoreReference()
    {
        using var f = new ReceiveFixture();
        f.Queue(0, [(0, 100), (0, 100), (0, 100)]);
        var fragments = new DevmemFragment[8];

        var result = f.Receiver.Receive([], fragments, 300, Devmem);

        Assert.Equal(3, result.FragmentCount);
        Assert.Equal(DevmemDataKind.DeviceMemory, result.Kind);
        Assert.Equal(3, fragments.Take(3).Select(x => x.Token).Distinct().Count());
        Assert.DoesNotContain(0u, fragments.Take(3).Select(x => x.Token));
        Assert.Equal(3, f.Receiver.TokensOutstanding);
        Assert.Equal(3, f.Binding.HeldByUsers);

        // The skbs were consumed and freed: only the user references keep the chunks out of the pool.
        Assert.Equal(0, f.Skbs.InUse);
        Assert.Equal(3, f.DevicePool.InFlight);
        Assert.Equal(3, f.ReturnAll(fragments.Take(3).Select(x => x.Token)));
        Assert.Equal(0, f.DevicePool.InFlight);
        f.CloseAndAssertNoLeaks();
    }

    [Fact]
    public void FragCutAtBothEnds_OffsetsAndSizesNameExactlyTheBytesDelivered()
    {
        using var f = new ReceiveFixture();
        f.Queue(0, [(512, 3000)]);
        var fragments = new DevmemFragment[4];
        var got = new List<byte>();

        // 1000 bytes: the frag is cut at its end; then 1500 from the middle: cut at both ends; then the rest.
        foreach (int want in new[] { 1000, 1500, 4000 })
        {
            var result = f.Receiver.Receive([], fragments, want, Devmem);
            Assert.Equal(1, result.FragmentCount);
            got.AddRange(f.ReadFragment(fragments[0]));
            f.Receiver.ReturnTokens([DmabufToken.One(fragments[0].Token)]);
        }

        Assert.Equal(f.Sent, got);
        f.CloseAndAssertNoLeaks();
    }

    [Fact]
    public void FragOffset_IsChunkOffsetPlusFragOffsetPlusOffsetIntoFrag()
    {
        using var f = new ReceiveFixture();
        var skb = f.BuildSkb(0, [(700, 2000)]);
        long chunkOffset = skb.Frags[0].NetIov.DmaBufOffset;
        f.Receiver.Enqueue(skb);
        var fragments = new DevmemFragment[1];
        f.Receiver.Receive([], fragments, 300, Devmem);
        f.Receiver.Receive([], fragments.AsSpan(), 1, Devmem);
        Assert.Equal((ulong)(chunkOffset + 700 + 300), fragments[0].Offset);
        f.Receiver.ReturnTokens([new DmabufToken(1, 2)]);
        f.CloseAndAssertNoLeaks();
    }

    [Fact]
    public void LinearOnlyReadableSkb_PlainCopyWithNoCmsg()
    {
        using var f = new ReceiveFixture();
        f.Queue(100, []);
        byte[] buffer = new byte[100];
        byte[] control = new byte[100];
        int n = f.Receiver.ReceiveMessage(buffer, control, Devmem, out int controlLength);
        Assert.Equal(100, n);
        Assert.Equal(0, controlLength);
        Assert.Equal(f.Sent, buffer);
        f.CloseAndAssertNoLeaks();
    }

    [Fact]
    public void ReadableFragsInHostPages_CopiedWithNoCmsg_AndNoTokens()
    {
        using var f = new ReceiveFixture();
        f.Queue(20, [(0, 500), (1000, 300)], device: false);
        byte[] buffer = new byte[2000];
        int n = f.Receiver.ReceiveMessage(buffer, new byte[80], Devmem, out int controlLength);
        Assert.Equal(820, n);
        Assert.Equal(0, controlLength);
        Assert.Equal(f.Sent, buffer.Take(820));
        Assert.Equal(0, f.Receiver.TokensOutstanding);
        f.CloseAndAssertNoLeaks();
    }

    [Fact]
    public void FragsOnlyDeviceSkb_NoLinearCmsg()
    {
        using var f = new ReceiveFixture();
        f.Queue(0, [(0, 100)]);
        byte[] control = new byte[80];
        int n = f.Receiver.ReceiveMessage(new byte[100], control, Devmem, out int controlLength);
        Assert.Equal(100, n);
        var cmsgs = ReceiveFixture.ParseControl(control.AsSpan(0, controlLength));
        Assert.Single(cmsgs);
        Assert.Equal(DevmemUapi.ScmDevmemDmabuf, cmsgs[0].Type);
        f.ReturnAll([cmsgs[0].Cmsg.FragToken]);
        f.CloseAndAssertNoLeaks();
    }

    [Fact]
    public void FragListChain_WalkedAfterOwnFrags_LinearOfEachMemberWithItsOwnCmsg()
    {
        using var f = new ReceiveFixture();
        var head = f.BuildSkb(4, [(0, 100)]);
        head.AppendFragList(f.BuildSkb(3, [(0, 200), (50, 10)]));
        head.AppendFragList(f.BuildSkb(0, [(0, 30)]));
        f.Receiver.Enqueue(head);
        byte[] buffer = new byte[1000];
        byte[] control = new byte[40 * 10];

        int n = f.Receiver.ReceiveMessage(buffer, control, Devmem, out int controlLength);

        Assert.Equal(347, n);
        var cmsgs = ReceiveFixture.ParseControl(control.AsSpan(0, controlLength));
        Assert.Equal(
            new[] { DevmemUapi.ScmDevmemLinear, DevmemUapi.ScmDevmemDmabuf, DevmemUapi.ScmDevmemLinear, DevmemUapi.ScmDevmemDmabuf, DevmemUapi.ScmDevmemDmabuf, DevmemUapi.ScmDevmemDmabuf },
            cmsgs.Select(c => c.Type));
        var rebuilt = new List<byte>();
        int linearAt = 0;
        foreach (var (type, cmsg) in cmsgs)
        {
            if (type == DevmemUapi.ScmDevmemLinear)
            {
                rebuilt.AddRange(buffer.Skip(linearAt).Take((int)cmsg.FragSize));
                linearAt += (int)cmsg.FragSize;
            }
            else
            {
                rebuilt.AddRange(f.ReadFragment(new DevmemFragment(cmsg.DmabufId, cmsg.FragOffset, cmsg.FragSize, cmsg.FragToken)));
            }
        }

        Assert.Equal(f.Sent, rebuilt);
        f.ReturnAll(cmsgs.Where(c => c.Type == DevmemUapi.ScmDevmemDmabuf).Select(c => c.Cmsg.FragToken));
        f.CloseAndAssertNoLeaks();
    }

    [Fact]
    public void FragListChain_ReceiveStartingInsideTheChain()
    {
        using var f = new ReceiveFixture();
        var head = f.BuildSkb(0, [(0, 100)]);
        head.AppendFragList(f.BuildSkb(0, [(0, 200)]));
        f.Receiver.Enqueue(head);
        var fragments = new DevmemFragment[4];
        var got = new List<byte>();
        foreach (int want in new[] { 150, 150 })
        {
            var r = f.Receiver.Receive([], fragments, want, Devmem);
            for (int i = 0; i < r.FragmentCount; i++)
            {
                got.AddRange(f.ReadFragment(fragments[i]));
                f.Receiver.ReturnTokens([DmabufToken.One(fragments[i].Token)]);
            }
        }

        Assert.Equal(f.Sent, got);
        f.CloseAndAssertNoLeaks();
    }

    [Fact]
    public void ReadableAfterUnreadable_OneCallStopsAtTheChangeOfKind()
    {
        using var f = new ReceiveFixture();
        f.Queue(0, [(0, 100)]);
        f.Queue(50, [], device: false);
        byte[] buffer = new byte[500];
        byte[] control = new byte[400];

        Assert.Equal(100, f.Receiver.ReceiveMessage(buffer, control, Devmem, out int first));
        Assert.Single(ReceiveFixture.ParseControl(control.AsSpan(0, first)));
        Assert.Equal(50, f.Receiver.ReceiveMessage(buffer, control, Devmem, out int second));
        Assert.Equal(0, second);
        Assert.Equal(f.Sent.Skip(100), buffer.Take(50));
        f.Receiver.ReturnTokens([new DmabufToken(1, 1)]);
        f.CloseAndAssertNoLeaks();
    }

    [Fact]
    public void UnreadableAfterReadable_OneCallStopsAtTheChangeOfKind()
    {
        using var f = new ReceiveFixture();
        f.Queue(50, [], device: false);
        f.Queue(0, [(0, 100)]);
        var fragments = new DevmemFragment[4];
        var first = f.Receiver.Receive(new byte[500], fragments, 500, Devmem);
        Assert.Equal(new DevmemReceiveResult(50, 50, 0, DevmemDataKind.Readable), first);
        var second = f.Receiver.Receive(new byte[500], fragments, 500, Devmem);
        Assert.Equal(new DevmemReceiveResult(100, 0, 1, DevmemDataKind.DeviceMemory), second);
        f.Receiver.ReturnTokens([DmabufToken.One(fragments[0].Token)]);
        f.CloseAndAssertNoLeaks();
    }

    [Fact]
    public void ConsecutiveUnreadableSkbs_OneCallSpansThem()
    {
        using var f = new ReceiveFixture();
        f.Queue(5, [(0, 100)]);
        f.Queue(5, [(0, 100)]);
        byte[] control = new byte[400];
        int n = f.Receiver.ReceiveMessage(new byte[1000], control, Devmem, out int controlLength);
        Assert.Equal(210, n);
        Assert.Equal(4, ReceiveFixture.ParseControl(control.AsSpan(0, controlLength)).Count);
        f.Receiver.ReturnTokens([new DmabufToken(1, 2)]);
        f.CloseAndAssertNoLeaks();
    }

    [Fact]
    public void DeviceSkbWithoutSockDevmem_IsEfault_ThenWithTheFlagItIsDelivered()
    {
        using var f = new ReceiveFixture();
        f.Queue(0, [(0, 100)]);
        byte[] control = new byte[40];
        Assert.Equal(-(int)Errno.EFAULT, f.Receiver.ReceiveMessage(new byte[100], control, MessageFlags.DontWait, out int none));
        Assert.Equal(0, none);
        var ex = Assert.Throws<DevmemException>(() => f.Receiver.Receive(new byte[100], new DevmemFragment[1], 100, MessageFlags.DontWait));
        Assert.Equal(Errno.EFAULT, ex.Errno);
        Assert.Contains("MSG_SOCK_DEVMEM", ex.Message, StringComparison.Ordinal);
        Assert.Equal(0, f.Receiver.TokensOutstanding);

        Assert.Equal(100, f.Receiver.ReceiveMessage(new byte[100], control, Devmem, out _));
        f.Receiver.ReturnTokens([DmabufToken.One(1)]);
        f.CloseAndAssertNoLeaks();
    }

    [Fact]
    public void ReadableThenDeviceWithoutSockDevmem_ShortCountThenEfault()
    {
        using var f = new ReceiveFixture();
        f.Queue(30, [], device: false);
        f.Queue(0, [(0, 100)]);
        Assert.Equal(30, f.Receiver.ReceiveMessage(new byte[500], [], MessageFlags.DontWait, out _));
        Assert.Equal(-(int)Errno.EFAULT, f.Receiver.ReceiveMessage(new byte[500], [], MessageFlags.DontWait, out _));
        f.CloseAndAssertNoLeaks();
    }

    [Theory]
    [InlineData(1)]
    [InlineData(5)]
    [InlineData(17)]
    public void ControlBufferExactlyNTimes40_DeliversAllNFrags(int n)
    {
        using var f = new ReceiveFixture();
        f.QueueDeviceFrags(n);
        byte[] control = new byte[n * 40];
        Assert.Equal(n * 100, f.Receiver.ReceiveMessage(new byte[n * 100], control, Devmem, out int controlLength));
        Assert.Equal(n * 40, controlLength);
        Assert.Equal(n, f.Receiver.ReturnTokens([new DmabufToken(1, (uint)n)]));
        f.CloseAndAssertNoLeaks();
    }

    [Theory]
    [InlineData(2)]
    [InlineData(5)]
    [InlineData(17)]
    public void ControlBufferOneByteShort_ShortCountAndTheReservedTokenRolledBack(int n)
    {
        using var f = new ReceiveFixture();
        f.QueueDeviceFrags(n);
        byte[] control = new byte[(n * 40) - 1];

        Assert.Equal((n - 1) * 100, f.Receiver.ReceiveMessage(new byte[n * 100], control, Devmem, out int controlLength));
        Assert.Equal((n - 1) * 40, controlLength);
        Assert.Equal(n - 1, f.Receiver.TokensOutstanding);
        Assert.Equal(100, f.Receiver.QueuedBytes);

        // The id reserved for the frag that did not fit was rolled back: it is the next one handed out.
        var fragments = new DevmemFragment[1];
        f.Receiver.Receive([], fragments, 100, Devmem);
        Assert.Equal((uint)n, fragments[0].Token);
        Assert.Equal(n, f.Receiver.ReturnTokens([new DmabufToken(1, (uint)n)]));
        f.CloseAndAssertNoLeaks();
    }

    [Fact]
    public void NoRoomForTheFirstCmsg_IsEtoosmall_AndNothingIsConsumed()
    {
        using var f = new ReceiveFixture();
        f.Queue(0, [(0, 100)]);
        Assert.Equal(-(int)Errno.ETOOSMALL, f.Receiver.ReceiveMessage(new byte[100], new byte[39], Devmem, out int controlLength));
        Assert.Equal(0, controlLength);
        Assert.Equal(100, f.Receiver.QueuedBytes);
        Assert.Equal(0, f.Receiver.TokensOutstanding);
        var ex = Assert.Throws<DevmemException>(() => f.Receiver.Receive([], [], 100, Devmem));
        Assert.Equal(Errno.ETOOSMALL, ex.Errno);
        f.CloseAndAssertNoLeaks();
    }

    [Fact]
    public void LinearCmsgThatDoesNotFit_IsEtoosmallWithNothingCopied()
    {
        using var f = new ReceiveFixture();
        f.Queue(10, [(0, 100)]);
        Assert.Equal(-(int)Errno.ETOOSMALL, f.Receiver.ReceiveMessage(new byte[200], new byte[30], Devmem, out _));

        // Room for the LINEAR cmsg only: the linear bytes come back alone.
        byte[] control = new byte[40];
        Assert.Equal(10, f.Receiver.ReceiveMessage(new byte[200], control, Devmem, out int controlLength));
        Assert.Equal(DevmemUapi.ScmDevmemLinear, ReceiveFixture.ParseControl(control.AsSpan(0, controlLength))[0].Type);
        Assert.Equal(100, f.Receiver.QueuedBytes);
        f.CloseAndAssertNoLeaks();
    }

    [Fact]
    public void HostFragInAnUnreadableSkb_IsEnodev_AfterTheDeviceBytesBefore()
    {
        using var f = new ReceiveFixture();
        var skb = f.BuildSkb(0, [(0, 100)]);
        var host = f.AllocateHost();
        Assert.True(skb.TryAddFrag(host, 0, 50));
        f.Sent.AddRange(new byte[50]);
        f.Receiver.Enqueue(skb);
        byte[] control = new byte[400];

        Assert.Equal(100, f.Receiver.ReceiveMessage(new byte[200], control, Devmem, out _));
        Assert.Equal(-(int)Errno.ENODEV, f.Receiver.ReceiveMessage(new byte[200], control, Devmem, out int controlLength));
        Assert.Equal(0, controlLength);
        f.Receiver.ReturnTokens([DmabufToken.One(1)]);
        f.CloseAndAssertNoLeaks();
    }

    [Fact]
    public void ReadableSkbInTheFragListOfAnUnreadableOne_IsEnodev()
    {
        using var f = new ReceiveFixture();
        var head = f.BuildSkb(0, [(0, 100)]);
        head.AppendFragList(f.BuildSkb(10, [], device: false));
        f.Receiver.Enqueue(head);
        Assert.Equal(100, f.Receiver.ReceiveMessage(new byte[200], new byte[400], Devmem, out _));
        Assert.Equal(-(int)Errno.ENODEV, f.Receiver.ReceiveMessage(new byte[200], new byte[400], Devmem, out _));
        f.Receiver.ReturnTokens([DmabufToken.One(1)]);
        f.CloseAndAssertNoLeaks();
    }

    [Fact]
    public void MsgTrunc_ConsumesWithoutCopiesCmsgsOrTokens_AcrossKinds()
    {
        using var f = new ReceiveFixture();
        f.Queue(10, [(0, 100)]);
        f.Queue(40, [], device: false);
        f.Queue(0, [(0, 60)]);
        byte[] buffer = new byte[300];
        byte[] control = new byte[200];
        Assert.Equal(210, f.Receiver.ReceiveMessage(buffer, control, MessageFlags.Truncate | MessageFlags.DontWait, out int controlLength));
        Assert.Equal(0, controlLength);
        Assert.All(buffer, b => Assert.Equal(0, b));
        Assert.Equal(0, f.Receiver.TokensOutstanding);
        Assert.Equal(0, f.Receiver.QueuedBytes);
        Assert.Equal(0, f.Skbs.InUse);
        f.CloseAndAssertNoLeaks();
    }

    [Fact]
    public void MsgPeek_HandsOutTokensLikeARead_DataStaysQueued_EachTokenMustBeReturned()
    {
        using var f = new ReceiveFixture();
        f.Queue(0, [(0, 100), (0, 100)]);
        var peeked = new DevmemFragment[4];
        var read = new DevmemFragment[4];

        var p = f.Receiver.Receive([], peeked, 200, Devmem | MessageFlags.Peek);
        Assert.Equal(2, p.FragmentCount);
        Assert.Equal(200, f.Receiver.QueuedBytes);
        var r = f.Receiver.Receive([], read, 200, Devmem);
        Assert.Equal(2, r.FragmentCount);
        Assert.Equal(peeked.Take(2).Select(x => (x.Offset, x.Size)), read.Take(2).Select(x => (x.Offset, x.Size)));
        Assert.Empty(peeked.Take(2).Select(x => x.Token).Intersect(read.Take(2).Select(x => x.Token)));
        Assert.Equal(4, f.Receiver.TokensOutstanding);
        Assert.Equal(4, f.Receiver.ReturnTokens([new DmabufToken(1, 4)]));
        f.CloseAndAssertNoLeaks();
    }

    [Fact]
    public void ErrorOnlyWhenZeroBytesDelivered_OtherwiseTheCount()
    {
        using var f = new ReceiveFixture();
        f.Queue(0, [(0, 100), (0, 100)]);

        // Room for one cmsg: the second frag hits ETOOSMALL, but 100 bytes were delivered, so the call returns 100.
        Assert.Equal(100, f.Receiver.ReceiveMessage(new byte[200], new byte[40], Devmem, out _));
        Assert.Equal(100, f.Receiver.ReceiveMessage(new byte[200], new byte[40], Devmem, out _));
        f.Receiver.ReturnTokens([new DmabufToken(1, 2)]);
        f.CloseAndAssertNoLeaks();
    }

    [Fact]
    public void RfcV3Layout_HeaderAndOffsetCmsgsWith16ByteRecords()
    {
        using var f = new ReceiveFixture();
        f.Receiver.CmsgLayout = DevmemCmsgLayout.RfcV3;
        f.Queue(7, [(0, 100)]);
        byte[] control = new byte[64];
        Assert.Equal(107, f.Receiver.ReceiveMessage(new byte[200], control, Devmem, out int controlLength));
        Assert.Equal(64, controlLength);
        var reader = new ControlMessageReader(control.AsSpan(0, controlLength));
        Assert.True(reader.TryRead(out var header));
        Assert.Equal(DevmemUapi.RfcV3SoDevmemHeader, header.Type);
        Assert.True(header.TryGetRfcV3CmsgDevmem(out var h));
        Assert.Equal(7u, h.FragSize);
        Assert.True(reader.TryRead(out var offset));
        Assert.Equal(DevmemUapi.RfcV3SoDevmemOffset, offset.Type);
        Assert.True(offset.TryGetRfcV3CmsgDevmem(out var o));
        Assert.Equal(100u, o.FragSize);
        Assert.Equal(1u, o.FragToken);

        Assert.Equal(-(int)Errno.ENOPROTOOPT, f.Receiver.SetSocketOption(DevmemUapi.SolSocket, DevmemUapi.SoDevmemDontneed, ReceiveFixture.TokenBytes(DmabufToken.One(1))));
        Assert.Equal(1, f.Receiver.SetSocketOption(DevmemUapi.SolSocket, DevmemUapi.RfcV3SoDevmemDontneed, ReceiveFixture.TokenBytes(DmabufToken.One(1))));
        f.CloseAndAssertNoLeaks();
    }

    [Fact]
    public void TypedFace_LinearRecordsKeepTheirPlaceInStreamOrder()
    {
        using var f = new ReceiveFixture();
        f.Queue(3, [(0, 100)]);
        f.Queue(5, [(0, 50)]);
        byte[] linear = new byte[100];
        var records = new DevmemFragment[8];
        var r = f.Receiver.Receive(linear, records, 1000, Devmem);
        Assert.Equal(new DevmemReceiveResult(158, 8, 4, DevmemDataKind.DeviceMemory), r);
        Assert.Equal(DevmemFragment.Linear(0, 3), records[0]);
        Assert.False(records[1].IsLinear);
        Assert.Equal(DevmemFragment.Linear(3, 5), records[2]);
        Assert.Equal(50u, records[3].Size);
        Assert.Equal(f.Sent.Take(3).Concat(f.Sent.Skip(103).Take(5)), linear.Take(8));

        // Linear records carry token 0, which DONTNEED skips: returning every record's token is safe.
        Assert.Equal(2, f.Receiver.ReturnTokens(records.Take(4).Select(x => DmabufToken.One(x.Token)).ToArray()));
        f.CloseAndAssertNoLeaks();
    }

    [Fact]
    public void TypedLinearBufferTooSmallForReadableData_IsEtoosmall()
    {
        using var f = new ReceiveFixture();
        f.Queue(10, [], device: false);
        var ex = Assert.Throws<DevmemException>(() => f.Receiver.Receive([], new DevmemFragment[4], 10, Devmem));
        Assert.Equal(Errno.ETOOSMALL, ex.Errno);
        var r = f.Receiver.Receive(new byte[4], new DevmemFragment[4], 10, Devmem);
        Assert.Equal(new DevmemReceiveResult(4, 4, 0, DevmemDataKind.Readable), r);
        f.CloseAndAssertNoLeaks();
    }

    [Fact]
    public void TokenIdsExhausted_IsEbusy_UntilTokensComeBack()
    {
        using var f = new ReceiveFixture(tokens: new TokenTable<HeldFragment>(maxId: 2));
        f.QueueDeviceFrags(3);
        var fragments = new DevmemFragment[4];
        Assert.Equal(2, f.Receiver.Receive([], fragments, 300, Devmem).FragmentCount);
        var ex = Assert.Throws<DevmemException>(() => f.Receiver.Receive([], fragments, 300, Devmem));
        Assert.Equal(Errno.EBUSY, ex.Errno);
        Assert.Equal(1, f.Receiver.ReturnTokens([DmabufToken.One(2)]));
        Assert.Equal(1, f.Receiver.Receive([], fragments, 300, Devmem).FragmentCount);
        Assert.Equal(2u, fragments[0].Token);
        f.CloseAndAssertNoLeaks();
    }
}
