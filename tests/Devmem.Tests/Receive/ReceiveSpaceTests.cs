using Devmem.Uapi;

namespace Devmem.Tests.Receive;

/// <summary>What TCP's receive window reads from the receiver: bytes held through tokens, and when space frees.</summary>
public class ReceiveSpaceTests
{
    private const MessageFlags Devmem = MessageFlags.SockDevmem | MessageFlags.DontWait;

    [Fact]
    public void HeldBytes_CountsTheBytesOfOutstandingTokens_UntilDontneedOrClose()
    {
        using var f = new ReceiveFixture();
        f.Queue(10, [(0, 100), (0, 300)]);
        var records = new DevmemFragment[4];
        f.Receiver.Receive(new byte[10], records, 1000, Devmem);
        Assert.Equal(400, f.Receiver.HeldBytes);
        Assert.Equal(1, f.Receiver.ReturnTokens([DmabufToken.One(records[2].Token)]));
        Assert.Equal(100, f.Receiver.HeldBytes);
        f.Receiver.Dispose();
        Assert.Equal(0, f.Receiver.HeldBytes);
        f.CloseAndAssertNoLeaks();
    }

    [Fact]
    public void SpaceFreed_RaisedWhenAReceiveConsumesAndWhenTokensReturn_NotForNothing()
    {
        using var f = new ReceiveFixture();
        int raised = 0;
        f.Receiver.SpaceFreed += (_, _) => raised++;
        f.Queue(0, [(0, 100)]);
        var records = new DevmemFragment[1];
        f.Receiver.Receive([], records, 100, Devmem);
        Assert.Equal(1, raised);
        Assert.Equal(0, f.Receiver.ReturnTokens([DmabufToken.One(999)]));
        Assert.Equal(1, raised);
        Assert.Equal(1, f.Receiver.ReturnTokens([DmabufToken.One(records[0].Token)]));
        Assert.Equal(2, raised);
        f.CloseAndAssertNoLeaks();
    }

    [Fact]
    public void SetInitialSequence_OnlyBeforeDataIsQueued()
    {
        using var f = new ReceiveFixture(initialSeq: 0);
        f.Receiver.SetInitialSequence(1000);
        Assert.Equal(1000u, f.Receiver.NextSeq);
        var skb = f.BuildSkb(5, [], device: false);
        skb.Seq = 1000;
        f.Receiver.Enqueue(skb);
        Assert.Throws<InvalidOperationException>(() => f.Receiver.SetInitialSequence(7));
        f.CloseAndAssertNoLeaks();
    }
}
