using System.Net;
using Devmem.Cli.Hosting;
using Devmem.Cli.Links;
using Devmem.Cli.Ncdevmem;
using Devmem.Cli.Transfer;

namespace Devmem.Cli.SelfTest;

/// <summary>Runs ncdevmem's self-tests on <c>-f</c> with the chosen engine: the emulated NIC behind the link, or the real one.</summary>
internal static class SelfTestCommand
{
    // The engine needs an address on the link although the tests send nothing: one from TEST-NET-1 (RFC 5737).
    private static readonly IPAddress Unused = IPAddress.Parse("192.0.2.1");

    /// <returns>Null when every test passed, else ncdevmem's message for the first failure.</returns>
    public static string? Run(bool kernel, ILinkOpener opener, string device, int? queueCount, int? firstQueue, TextWriter log)
    {
        if (kernel)
        {
            using var nic = new KernelDevmemNic(device, InterfaceIndex.Of(device), TestbedOptions.DefaultDmaBufBytes);
            return NcdevmemSelfTests.Run(nic, queueCount, firstQueue, log);
        }

        using var host = new EngineHost(opener, device, Unused);
        string? failure;
        using (var nic = new StackDevmemNic(host.Engine, host.Binding))
        {
            failure = NcdevmemSelfTests.Run(nic, queueCount, firstQueue, log);
        }

        TeardownReport teardown = host.Teardown();
        return failure ?? teardown.LeakReport;
    }
}
