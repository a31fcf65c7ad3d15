using Devmem.Kernel.Namespaces;
using Tools = Devmem.Kernel.Tests.Support.Ip;

namespace Devmem.Interop.Tests.Support;

/// <summary>
/// A network namespace made for one test (<c>dmi-RANDOM</c>, lo up), entered with setns on a dedicated thread
/// to open devices and kernel sockets in it. Disposing deletes it, and every device in it, whatever the test's
/// outcome; traffic never leaves it.
/// </summary>
internal sealed class InteropNamespace : IDisposable
{
    private bool _disposed;

    private InteropNamespace(string name, NetworkNamespace handle)
    {
        Name = name;
        Handle = handle;
    }

    /// <summary>The name under /run/netns.</summary>
    public string Name { get; }

    /// <summary>The namespace, opened for threads to enter.</summary>
    public NetworkNamespace Handle { get; }

    public static InteropNamespace Create()
    {
        Privileges.RequireRoot("an interop test's network namespace");
        string name = "dmi-" + Guid.NewGuid().ToString("N")[..10];
        Tools.Run("netns", "add", name);
        try
        {
            Tools.Run("-n", name, "link", "set", "lo", "up");
            return new InteropNamespace(name, NetworkNamespace.Open(name));
        }
        catch
        {
            Tools.Run("netns", "del", name);
            throw;
        }
    }

    /// <summary>Runs <paramref name="action"/> inside the namespace (a device or socket it opens lives there).</summary>
    public T Run<T>(Func<T> action) => Handle.Run(action);

    /// <summary><c>ip -n NAME ARGS</c>.</summary>
    public string Ip(params string[] arguments) => Tools.Run(["-n", Name, .. arguments]);

    /// <summary>Runs a command inside the namespace.</summary>
    public string Exec(params string[] command) => Tools.Run(["netns", "exec", Name, .. command]);

    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        Handle.Dispose();
        Tools.Run("netns", "del", Name);
    }
}
