using System.Diagnostics;
using Devmem.Stack.Link;
using Devmem.Stack.Wire;

namespace Devmem.Interop.Tests.Support;

/// <summary>
/// Drives a kernel link with ARP: we transmit a request for the kernel's address, the kernel's
/// answer comes back, and the calling thread must allocate nothing for either, once warm.
/// </summary>
internal static class ArpRoundTrips
{
    private static readonly MacAddress OurMac = new(0x02_00_00_00_77_02);

    /// <summary>A batch holding one ARP request from the engine's address for the kernel's.</summary>
    public static FrameBatch ArpRequest()
    {
        var transmit = new FrameBatch(1, 64);
        Span<byte> slot = transmit.Reserve();
        int length = new EthernetRepr { Destination = MacAddress.Broadcast, Source = OurMac, EtherType = EtherType.Arp }.Emit(slot);
        length += ArpRepr.Request(OurMac, Ipv4Address.FromIPAddress(InteropEngine.EngineIpv4), Ipv4Address.FromIPAddress(InteropEngine.KernelIpv4))
            .Emit(slot[length..]);
        transmit.Commit(Math.Max(length, 60));
        return transmit;
    }

    /// <summary>
    /// Returns the fewest bytes the calling thread allocated over <paramref name="roundTrips"/> round trips, in
    /// the best of three rounds: an allocation per frame shows in every round, while a one-off in the runtime
    /// (tiered compilation, a timer, under parallel tests) can only spoil one.
    /// </summary>
    public static long Measure(ILink link, int roundTrips, CancellationToken cancellationToken)
    {
        FrameBatch transmit = ArpRequest();
        var receive = new FrameBatch(16, link.MaxFrameLength);

        for (int i = 0; i < 10; i++)
        {
            RoundTrip(link, transmit, receive, cancellationToken);
        }

        long best = long.MaxValue;
        for (int round = 0; round < 3; round++)
        {
            long before = GC.GetAllocatedBytesForCurrentThread();
            for (int i = 0; i < roundTrips; i++)
            {
                RoundTrip(link, transmit, receive, cancellationToken);
            }

            best = Math.Min(best, GC.GetAllocatedBytesForCurrentThread() - before);
        }

        return best;
    }

    // Sends the request and polls until an ARP reply to us is back (other frames the kernel sends are skipped).
    private static void RoundTrip(ILink link, FrameBatch transmit, FrameBatch receive, CancellationToken cancellationToken)
    {
        link.Transmit(transmit);
        long deadline = Stopwatch.GetTimestamp() + Stopwatch.Frequency * 5;
        while (true)
        {
            receive.Clear();
            link.Receive(receive);
            for (int i = 0; i < receive.Count; i++)
            {
                ReadOnlySpan<byte> frame = receive[i];
                if (new EthernetView(frame) is { EtherType: EtherType.Arp } ethernet && ethernet.Destination == OurMac)
                {
                    return;
                }
            }

            cancellationToken.ThrowIfCancellationRequested();
            if (Stopwatch.GetTimestamp() > deadline)
            {
                throw new TimeoutException($"no ARP reply from {InteropEngine.KernelIpv4} within 5 s");
            }

            Thread.Sleep(0);
        }
    }
}
