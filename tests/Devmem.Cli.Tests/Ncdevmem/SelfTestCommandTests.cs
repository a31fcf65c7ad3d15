using Devmem.Cli.Links;
using Devmem.Cli.SelfTest;
using Devmem.Memory;
using Devmem.Uapi;

namespace Devmem.Cli.Tests.Ncdevmem;

/// <summary>ncdevmem's binding self-tests (no -l, -s or -c) against the user-space engine's emulated NIC.</summary>
[Collection(nameof(CliCollection))]
public class SelfTestCommandTests
{
    [Fact]
    public void WithOnlyMinusF_TheBindingSelfTestsPass_OnTheEmulatedNic()
    {
        using var leaks = MemoryLeakScope.Begin(nameof(WithOnlyMinusF_TheBindingSelfTestsPass_OnTheEmulatedNic));
        using (var links = new MemoryLinkOpener())
        {
            CliResult result = CliRunner.Run(links, "-f", "memB");
            Assert.Equal(0, result.ExitCode);
            Assert.Contains("bind-rx with no queues: refused, EINVAL (Invalid argument)", result.Error, StringComparison.Ordinal);
            Assert.Contains("bind-rx with header split off: refused, EINVAL (Invalid argument)", result.Error, StringComparison.Ordinal);
            Assert.Contains("channels down to", result.Error, StringComparison.Ordinal);
            Assert.EndsWith("ncdevmem: ok", result.Error.TrimEnd(), StringComparison.Ordinal);
        }

        leaks.AssertNoLeaks();
    }

    [Fact]
    public void ANicThatBindsWithHeaderSplitOff_FailsWithNcdevmemsMessage()
    {
        var nic = new PermissiveNic();
        Assert.Equal("Configure dmabuf with header split off should have failed", NcdevmemSelfTests.Run(nic, null, null, TextWriter.Null));
        Assert.False(nic.Bound);
    }

    [Fact]
    public void QueuesBeyondTheDevice_AreRefusedBeforeAnythingChanges()
    {
        var nic = new PermissiveNic();
        Assert.Contains("do not exist", NcdevmemSelfTests.Run(nic, 2, 3, TextWriter.Null), StringComparison.Ordinal);
        Assert.Equal(0, nic.Changes);
    }

    // A NIC that refuses nothing but an empty queue list: what a driver without the header-split check does.
    private sealed class PermissiveNic : IDevmemNic
    {
        public bool Bound { get; private set; }

        public int Changes { get; private set; }

        public int RxQueues => 4;

        public void SetHeaderSplit(bool enabled) => Changes++;

        public void BindRx(IReadOnlyList<int> queues)
        {
            Changes++;
            if (queues.Count == 0)
            {
                throw new DevmemException(Errno.EINVAL, "missing attribute: queues");
            }

            Bound = true;
        }

        public void SetRxQueues(int count) => Changes++;

        public void Unbind() => Bound = false;

        public void Dispose() => Unbind();
    }
}
