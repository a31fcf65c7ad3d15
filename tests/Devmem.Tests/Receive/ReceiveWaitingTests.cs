using Devmem.Receive;
using Devmem.Uapi;

namespace Devmem.Tests.Receive;

/// <summary>Blocking, non-blocking and asynchronous receive, end of stream and connection errors.</summary>
public class ReceiveWaitingTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(10);

    [Fact]
    public void NonBlocking_NothingQueued_IsEagain()
    {
        using var f = new ReceiveFixture();
        Assert.Equal(-(int)Errno.EAGAIN, f.Receiver.ReceiveMessage(new byte[10], [], MessageFlags.DontWait | MessageFlags.SockDevmem, out _));
        Assert.False(f.Receiver.TryReceive(new byte[10], [], 10, MessageFlags.SockDevmem, out _));
        f.CloseAndAssertNoLeaks();
    }

    [Fact]
    public async Task Blocking_WaitsUntilDataArrives()
    {
        using var f = new ReceiveFixture();
        var fragments = new DevmemFragment[4];
        var receive = Task.Run(() => f.Receiver.Receive([], fragments, 1000), TestContext.Current.CancellationToken);
        await Task.Delay(50, TestContext.Current.CancellationToken);
        Assert.False(receive.IsCompleted);
        f.Queue(0, [(0, 100)]);
        Assert.Equal(100, (await receive.WaitAsync(Timeout, TestContext.Current.CancellationToken)).Bytes);
        f.Receiver.ReturnTokens([DmabufToken.One(fragments[0].Token)]);
        f.CloseAndAssertNoLeaks();
    }

    [Fact]
    public async Task DeferredWakeups_WakeTheReaderOnlyWhenFlushed_ButEndOfStreamAtOnce()
    {
        using var f = new ReceiveFixture();
        f.Receiver.DeferWakeups = true;
        var fragments = new DevmemFragment[4];
        var receive = Task.Run(() => f.Receiver.Receive([], fragments, 1000), TestContext.Current.CancellationToken);
        await Task.Delay(50, TestContext.Current.CancellationToken);

        // Queued, but the transport has not flushed its wake-ups: the blocked receive sleeps on.
        f.Queue(0, [(0, 100)]);
        await Task.Delay(50, TestContext.Current.CancellationToken);
        Assert.False(receive.IsCompleted);
        f.Receiver.FlushWakeup();
        Assert.Equal(100, (await receive.WaitAsync(Timeout, TestContext.Current.CancellationToken)).Bytes);
        f.Receiver.ReturnTokens([DmabufToken.One(fragments[0].Token)]);

        // End of stream is never deferred.
        var pending = Task.Run(() => f.Receiver.Receive([], fragments, 1000), TestContext.Current.CancellationToken);
        await Task.Delay(50, TestContext.Current.CancellationToken);
        f.Receiver.SetEndOfStream();
        Assert.True((await pending.WaitAsync(Timeout, TestContext.Current.CancellationToken)).IsEndOfStream);
        f.CloseAndAssertNoLeaks();
    }

    [Fact]
    public async Task DeferredWakeups_WakeTheReaderWithoutAFlush_OnceEnoughWaits()
    {
        using var f = new ReceiveFixture();
        f.Receiver.DeferWakeups = true;
        var fragments = new DevmemFragment[DevmemUapi.MaxDontneedFrags];
        var receive = Task.Run(() => f.Receiver.Receive([], fragments, 1 << 20), TestContext.Current.CancellationToken);
        await Task.Delay(50, TestContext.Current.CancellationToken);

        // Just short of the threshold, the reader sleeps on; the byte that reaches it wakes the reader.
        int frags = DevmemReceiver.DeferredWakeupBytes / 4096;
        f.QueueDeviceFrags(frags - 1, 4096);
        f.Queue(0, [(0, 4095)]);
        await Task.Delay(50, TestContext.Current.CancellationToken);
        Assert.False(receive.IsCompleted);
        f.Queue(0, [(0, 1)]);
        DevmemReceiveResult result = await receive.WaitAsync(Timeout, TestContext.Current.CancellationToken);
        Assert.Equal(DevmemReceiver.DeferredWakeupBytes, result.Bytes);
        f.Receiver.ReturnTokens(fragments.Take(result.FragmentCount).Select(fragment => DmabufToken.One(fragment.Token)).ToArray());
        f.CloseAndAssertNoLeaks();
    }

    [Fact]
    public async Task Blocking_WaitAll_WaitsForTheWholeRequest()
    {
        using var f = new ReceiveFixture();
        var receive = Task.Run(() => f.Receiver.ReceiveMessage(new byte[300], [], MessageFlags.WaitAll, out _), TestContext.Current.CancellationToken);
        f.Queue(100, [], device: false);
        await Task.Delay(50, TestContext.Current.CancellationToken);
        Assert.False(receive.IsCompleted);
        f.Queue(200, [], device: false);
        Assert.Equal(300, await receive.WaitAsync(Timeout, TestContext.Current.CancellationToken));
        f.CloseAndAssertNoLeaks();
    }

    [Fact]
    public async Task Blocking_CloseFromAnotherThread_WakesWithEbadf()
    {
        using var f = new ReceiveFixture();
        var receive = Task.Run(() => f.Receiver.ReceiveMessage(new byte[10], [], MessageFlags.SockDevmem, out _), TestContext.Current.CancellationToken);
        await Task.Delay(50, TestContext.Current.CancellationToken);
        f.Receiver.Dispose();
        Assert.Equal(-(int)Errno.EBADF, await receive.WaitAsync(Timeout, TestContext.Current.CancellationToken));
        f.CloseAndAssertNoLeaks();
    }

    [Fact]
    public void EndOfStream_AfterTheQueuedDataReceivesReturnZero()
    {
        using var f = new ReceiveFixture();
        f.Queue(10, [], device: false);
        f.Receiver.SetEndOfStream();
        Assert.Equal(10, f.Receiver.ReceiveMessage(new byte[100], [], MessageFlags.None, out _));
        Assert.Equal(0, f.Receiver.ReceiveMessage(new byte[100], [], MessageFlags.None, out _));
        Assert.True(f.Receiver.Receive(new byte[10], [], 10).IsEndOfStream);
        f.CloseAndAssertNoLeaks();
    }

    [Fact]
    public void ShutdownReceive_FreesWhatIsQueued_AndWhatArrivesLater_AndReportsEndOfStream()
    {
        using var f = new ReceiveFixture();
        f.Queue(0, [(0, 4096), (0, 4096)], device: true);
        var fragments = new DevmemFragment[4];
        Assert.Equal(4096, f.Receiver.Receive(new byte[10], fragments, 4096).Bytes);
        uint token = fragments[0].Token;
        int spaceFreed = 0;
        f.Receiver.SpaceFreed += (_, _) => spaceFreed++;

        // shutdown(SHUT_RD): the unread chunk goes back to the pool now; a held token stays returnable.
        f.Receiver.ShutdownReceive();
        Assert.Equal(1, spaceFreed);
        Assert.Equal(0, f.Receiver.QueuedBytes);
        Assert.True(f.Receiver.Receive(new byte[10], new DevmemFragment[4], 4096).IsEndOfStream);
        f.Queue(0, [(0, 4096)], device: true);
        Assert.Equal(0, f.Receiver.QueuedBytes);
        Assert.Equal(0, f.Receiver.ReceiveMessage(new byte[100], [], MessageFlags.None, out _));
        Assert.Equal(1, f.Receiver.ReturnTokens([DmabufToken.One(token)]));
        f.CloseAndAssertNoLeaks();
    }

    [Fact]
    public void ConnectionError_ReportedOnceAfterQueuedData_ThenEndOfStream()
    {
        using var f = new ReceiveFixture();
        f.Queue(10, [], device: false);
        f.Receiver.SetError(Errno.ECONNRESET);
        Assert.Equal(10, f.Receiver.ReceiveMessage(new byte[100], [], MessageFlags.None, out _));
        Assert.Equal(-(int)Errno.ECONNRESET, f.Receiver.ReceiveMessage(new byte[100], [], MessageFlags.None, out _));
        Assert.Equal(0, f.Receiver.ReceiveMessage(new byte[100], [], MessageFlags.None, out _));
        f.CloseAndAssertNoLeaks();
    }

    [Fact]
    public async Task Async_CompletesWhenDataArrives()
    {
        using var f = new ReceiveFixture();
        var fragments = new DevmemFragment[4];
        var pending = f.Receiver.ReceiveAsync(Memory<byte>.Empty, fragments, 1000, cancellationToken: TestContext.Current.CancellationToken);
        Assert.False(pending.IsCompleted);
        f.Queue(0, [(0, 100), (0, 50)]);
        var result = await pending.AsTask().WaitAsync(Timeout, TestContext.Current.CancellationToken);
        Assert.Equal(new DevmemReceiveResult(150, 0, 2, DevmemDataKind.DeviceMemory), result);
        Assert.Equal(2, f.Receiver.ReturnTokens([new DmabufToken(1, 2)]));
        f.CloseAndAssertNoLeaks();
    }

    [Fact]
    public async Task Async_Cancelled_ThrowsAndTheNextReceiveStillWorks()
    {
        using var f = new ReceiveFixture();
        using var cts = new CancellationTokenSource();
        var pending = f.Receiver.ReceiveAsync(new byte[10], Memory<DevmemFragment>.Empty, 10, MessageFlags.None, cts.Token);
        await cts.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(async () => await pending);
        f.Queue(10, [], device: false);
        var result = await f.Receiver.ReceiveAsync(new byte[10], Memory<DevmemFragment>.Empty, 10, MessageFlags.None, TestContext.Current.CancellationToken);
        Assert.Equal(10, result.Bytes);
        f.CloseAndAssertNoLeaks();
    }

    [Fact]
    public async Task Async_WaitAll_IsEopnotsupp()
    {
        using var f = new ReceiveFixture();
        var ex = await Assert.ThrowsAsync<DevmemException>(async () => await f.Receiver.ReceiveAsync(new byte[10], Memory<DevmemFragment>.Empty, 10, MessageFlags.WaitAll, TestContext.Current.CancellationToken));
        Assert.Equal(Errno.EOPNOTSUPP, ex.Errno);
        f.CloseAndAssertNoLeaks();
    }

    [Fact]
    public async Task Async_ManySequentialWaits_Work()
    {
        using var f = new ReceiveFixture();
        byte[] buffer = new byte[10];
        for (int i = 0; i < 200; i++)
        {
            var pending = f.Receiver.ReceiveAsync(buffer, Memory<DevmemFragment>.Empty, 10, MessageFlags.None, TestContext.Current.CancellationToken);
            f.Queue(10, [], device: false);
            Assert.Equal(10, (await pending).Bytes);
        }

        f.CloseAndAssertNoLeaks();
    }
}
