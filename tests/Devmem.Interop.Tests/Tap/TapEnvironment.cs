using Devmem.Interop.Tests.Support;
using Devmem.Stack.Link;
using Devmem.Stack.Link.Tap;

namespace Devmem.Interop.Tests.Tap;

/// <summary>
/// One test's world: a private namespace holding a TAP whose file our engine holds and whose kernel side has
/// <see cref="InteropEngine.KernelIpv4"/> and <see cref="InteropEngine.KernelIpv6"/>. Disposing closes the
/// engine, the link and the namespace, in that order, even when the test failed.
/// </summary>
internal sealed class TapEnvironment : IDisposable
{
    public const string Device = "dmtap0";

    private TapEnvironment(InteropNamespace ns, TapLink tap, ILink link, int backlog)
    {
        Namespace = ns;
        Tap = tap;
        Engine = new InteropEngine(link, backlog);
    }

    public InteropNamespace Namespace { get; }

    public TapLink Tap { get; }

    public InteropEngine Engine { get; }

    /// <param name="options">The TAP; <see cref="Device"/> with offloads when null.</param>
    /// <param name="decorate">Wraps the TAP before the engine gets it (a capture); it must own the TAP.</param>
    /// <param name="backlog">The engine's listen backlog.</param>
    public static TapEnvironment Create(TapLinkOptions? options = null, Func<TapLink, ILink>? decorate = null, int backlog = 128)
    {
        InteropNamespace ns = InteropNamespace.Create();
        TapLink? tap = null;
        try
        {
            tap = ns.Run(() => TapLink.Open(options ?? new TapLinkOptions { Name = Device }));
            InteropEngine.ConfigureKernelSide(ns, tap.Name);
            return new TapEnvironment(ns, tap, decorate?.Invoke(tap) ?? tap, backlog);
        }
        catch
        {
            tap?.Dispose();
            ns.Dispose();
            throw;
        }
    }

    /// <summary>Ends the test: engine and link closed, every skb and chunk home; the namespace goes either way.</summary>
    public void DisposeAndAssertNoLeaks()
    {
        try
        {
            Engine.DisposeAndAssertNoLeaks();
        }
        finally
        {
            Namespace.Dispose();
        }
    }

    public void Dispose()
    {
        Engine.Dispose();
        Namespace.Dispose();
    }
}
