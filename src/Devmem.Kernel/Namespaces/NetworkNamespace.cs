using System.Runtime.ExceptionServices;
using Devmem.Kernel.Interop;
using Devmem.Uapi;

namespace Devmem.Kernel.Namespaces;

/// <summary>
/// A network namespace held open by a descriptor, in which sockets can be created. A socket belongs for its
/// whole life to the namespace its creator was in at <c>socket(2)</c> time, so <see cref="Run{T}"/> creates it
/// on a thread that entered the namespace with <c>setns(2)</c>; no process is started and the rest of the
/// process stays where it is.
/// </summary>
public sealed class NetworkNamespace : IDisposable
{
    /// <summary>Where <c>ip netns add NAME</c> pins a namespace (iproute2's NETNS_RUN_DIR).</summary>
    public const string RunDirectory = "/run/netns";

    private readonly FileDescriptorHandle _fd;

    private NetworkNamespace(FileDescriptorHandle fd, string path)
    {
        _fd = fd;
        Path = path;
    }

    /// <summary>The namespace file that was opened.</summary>
    public string Path { get; }

    /// <summary>Opens the namespace <c>ip netns add</c> created as <paramref name="name"/> (<c>/run/netns/NAME</c>).</summary>
    /// <exception cref="DevmemException">ENOENT: no such namespace; EACCES/EPERM: not allowed.</exception>
    public static NetworkNamespace Open(string name)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        if (name.Contains('/', StringComparison.Ordinal))
        {
            throw new ArgumentException("a namespace name, not a path; use OpenPath for /proc/PID/ns/net and the like.", nameof(name));
        }

        return OpenPath($"{RunDirectory}/{name}");
    }

    /// <summary>Opens a namespace file such as <c>/proc/PID/ns/net</c> or a bind mount of one.</summary>
    /// <exception cref="DevmemException">The file cannot be opened.</exception>
    public static NetworkNamespace OpenPath(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        int fd = LibC.Open(path, LibC.O_RDONLY | LibC.O_CLOEXEC);
        if (fd < 0)
        {
            Errno errno = LibC.LastErrno();
            throw new DevmemException(errno, errno == Errno.ENOENT
                ? $"no network namespace at {path}: create it with `ip netns add` or check the name."
                : $"open({path}) failed; entering a network namespace needs root (CAP_SYS_ADMIN).");
        }

        return new NetworkNamespace(new FileDescriptorHandle(fd), path);
    }

    /// <summary>
    /// Runs <paramref name="action"/> on a new thread that first entered this namespace, and returns its
    /// result; sockets it opens live in this namespace. Exceptions are rethrown on the calling thread.
    /// </summary>
    /// <exception cref="DevmemException">setns(2) failed (EPERM without CAP_SYS_ADMIN).</exception>
    public T Run<T>(Func<T> action)
    {
        ArgumentNullException.ThrowIfNull(action);
        T result = default!;
        ExceptionDispatchInfo? failure = null;

        // A dedicated thread, never a pooled one: setns changes the calling thread only, and the thread ends
        // with the work instead of carrying the namespace into unrelated code.
        var thread = new Thread(() =>
        {
            try
            {
                if (LibC.Setns(_fd, LibC.CLONE_NEWNET) != 0)
                {
                    throw new DevmemException(LibC.LastErrno(), $"setns({Path}, CLONE_NEWNET) failed; entering a network namespace needs CAP_SYS_ADMIN.");
                }

                result = action();
            }
#pragma warning disable CA1031 // Every exception is carried to the caller's thread and rethrown there.
            catch (Exception exception)
#pragma warning restore CA1031
            {
                failure = ExceptionDispatchInfo.Capture(exception);
            }
        })
        {
            IsBackground = true,
            Name = "devmem netns",
        };
        thread.Start();
        thread.Join();
        failure?.Throw();
        return result;
    }

    /// <summary>Closes the descriptor; the namespace lives on while anything else holds it.</summary>
    public void Dispose() => _fd.Dispose();

    /// <inheritdoc/>
    public override string ToString() => $"network namespace {Path}";
}
