using System.Net;
using Devmem.Cli.Links;
using Devmem.Cli.Transfer;
using Devmem.Memory;
using Devmem.Stack.Link;
using Devmem.Stack.Sockets;

namespace Devmem.Cli.Hosting;

/// <summary>
/// One user-space engine on the link <c>-f IFNAME</c> names, with ncdevmem's dma-buf (16000 pages of host
/// memory, or of the memory <c>--memory</c> chose) and its binding, all made inside a leak scope; <see cref="Teardown"/> stops the engine and
/// checks that every chunk came home. ncdevmem's command line and <c>devmem serve</c> run on it.
/// </summary>
internal sealed class EngineHost : IDisposable
{
    private readonly MemoryLeakScope _leaks = MemoryLeakScope.Begin(nameof(EngineHost));
    private readonly ILink _link;
    private readonly DmaBuf _dmaBuf;
    private TeardownReport? _teardown;

    public EngineHost(ILinkOpener opener, string interfaceName, IPAddress address, DeviceMemoryKind memory = DeviceMemoryKind.Host)
    {
        ArgumentNullException.ThrowIfNull(opener);
        try
        {
            // The memory first: a machine without it fails before a link or an engine needs undoing.
            _dmaBuf = DeviceMemory.Create(memory, TestbedOptions.DefaultDmaBufBytes, "devmem");
            try
            {
                _link = opener.Open(interfaceName);
                Engine = EngineFactory.Start(_link, address, EngineFactory.RandomMac());
                Binding = new DmaBufBinding(_dmaBuf, BindingDirection.Rx);
            }
            catch
            {
                (_link as IDisposable)?.Dispose();
                _dmaBuf.Dispose();
                throw;
            }
        }
        catch
        {
            _leaks.Dispose();
            throw;
        }
    }

    public UserSpaceEngine Engine { get; }

    /// <summary>The dma-buf's binding, for bind-rx.</summary>
    public DmaBufBinding Binding { get; }

    /// <summary>Stops the engine, releases the link and the dma-buf, and runs the no-leak check; idempotent.</summary>
    public TeardownReport Teardown()
    {
        if (_teardown is not null)
        {
            return _teardown;
        }

        Engine.Dispose();
        (_link as IDisposable)?.Dispose();
        _teardown = TeardownReport.Complete(Binding, _dmaBuf, _leaks, Engine.SkbPool.InUse);
        return _teardown;
    }

    public void Dispose() => Teardown();
}
