using Devmem.Cli.Links;
using Devmem.Stack.Link;
using Devmem.Uapi;

namespace Devmem.Cli.Tests.Ncdevmem;

/// <summary>Resolves <c>-f memA</c> and <c>-f memB</c> to the two ends of one memory link, so commands run in-process.</summary>
internal sealed class MemoryLinkOpener : ILinkOpener, IDisposable
{
    public MemoryLink Link { get; } = new(new MemoryLinkOptions { QueueLength = 1024 });

    public ILink Open(string interfaceName) => interfaceName switch
    {
        "memA" => Link.A,
        "memB" => Link.B,
        _ => throw new DevmemException(Errno.ENODEV, $"interface {interfaceName} does not exist"),
    };

    public void Dispose() => Link.Dispose();
}
