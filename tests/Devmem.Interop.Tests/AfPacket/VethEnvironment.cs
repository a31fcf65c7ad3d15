using Devmem.Interop.Tests.Support;
using Devmem.Stack.Link.Packet;

namespace Devmem.Interop.Tests.AfPacket;

/// <summary>
/// Two private namespaces joined by a veth pair: the kernel's end (<see cref="KernelEnd"/>, with the kernel
/// addresses) in one, and in the other the end our engine drives through AF_PACKET (<see cref="EngineEnd"/>,
/// up, no kernel address). Disposing closes the engine and the link, then deletes both namespaces.
/// </summary>
internal sealed class VethEnvironment : IDisposable
{
    public const string KernelEnd = "dmv0";
    public const string EngineEnd = "dmv1";

    private VethEnvironment(InteropNamespace kernel, InteropNamespace engine, AfPacketLink link)
    {
        KernelSide = kernel;
        EngineSide = engine;
        Link = link;
        Engine = new InteropEngine(link);
    }

    public InteropNamespace KernelSide { get; }

    public InteropNamespace EngineSide { get; }

    public AfPacketLink Link { get; }

    public InteropEngine Engine { get; }

    public static VethEnvironment Create()
    {
        InteropNamespace kernel = InteropNamespace.Create();
        InteropNamespace? engine = null;
        AfPacketLink? link = null;
        try
        {
            engine = InteropNamespace.Create();
            kernel.Ip("link", "add", KernelEnd, "type", "veth", "peer", "name", EngineEnd, "netns", engine.Name);
            InteropEngine.ConfigureKernelSide(kernel, KernelEnd);
            engine.Ip("link", "set", EngineEnd, "up");
            link = engine.Run(() => AfPacketLink.Open(EngineEnd));
            return new VethEnvironment(kernel, engine, link);
        }
        catch
        {
            link?.Dispose();
            engine?.Dispose();
            kernel.Dispose();
            throw;
        }
    }

    /// <summary>Ends the test: engine and link closed, every skb and chunk home; the namespaces go either way.</summary>
    public void DisposeAndAssertNoLeaks()
    {
        try
        {
            Engine.DisposeAndAssertNoLeaks();
        }
        finally
        {
            EngineSide.Dispose();
            KernelSide.Dispose();
        }
    }

    public void Dispose()
    {
        Engine.Dispose();
        EngineSide.Dispose();
        KernelSide.Dispose();
    }
}
