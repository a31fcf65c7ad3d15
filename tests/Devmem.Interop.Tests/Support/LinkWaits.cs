using Devmem.Stack.Link;

namespace Devmem.Interop.Tests.Support;

/// <summary>
/// How a kernel link's wait behaves: it stays pending while nothing arrives (no spurious wake), completes when
/// a frame does, ends with OperationCanceledException when cancelled, and wakes when the link is disposed.
/// The kernel side must be quiet (IPv6 off, so no router solicitations or MLD reports).
/// </summary>
internal static class LinkWaits
{
    public static async Task AssertWaitSemanticsAsync(ILink link, IDisposable owner, CancellationToken cancellationToken)
    {
        var receive = new FrameBatch(16, link.MaxFrameLength);
        while (link.Receive(receive) > 0)
        {
            receive.Clear();
        }

        // Quiet link: the wait must not complete on its own.
        ValueTask quiet = link.WaitForFramesAsync(cancellationToken);
        Task pending = quiet.AsTask();
        await Task.WhenAny(pending, Task.Delay(200, cancellationToken));
        Assert.False(pending.IsCompleted, "the wait completed with nothing to receive");

        // A frame arrives (the kernel's ARP reply): it completes.
        link.Transmit(ArpRoundTrips.ArpRequest());
        await pending.WaitAsync(TimeSpan.FromSeconds(5), cancellationToken);
        Assert.True(link.Receive(receive) > 0);
        receive.Clear();

        // Cancelled: it ends with OperationCanceledException.
        using var cancel = new CancellationTokenSource();
        Task cancelled = link.WaitForFramesAsync(cancel.Token).AsTask();
        await cancel.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => cancelled.WaitAsync(TimeSpan.FromSeconds(5), cancellationToken));

        // Disposed while waiting: the receiver wakes.
        Task parked = link.WaitForFramesAsync(cancellationToken).AsTask();
        owner.Dispose();
        await parked.WaitAsync(TimeSpan.FromSeconds(5), cancellationToken);
    }
}
