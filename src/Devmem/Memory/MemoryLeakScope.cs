using System.Text;

namespace Devmem.Memory;

/// <summary>
/// The no-leak check: every area (binding, host pages) and page pool created while a scope is current is
/// tracked until it is released, and <see cref="AssertNoLeaks"/> throws if any of them has a chunk that is
/// not back in its free pool or a page pool cache.
/// </summary>
/// <remarks>
/// <para>
/// Why a scope: tests run in parallel in one process, so a process-wide "nothing leaked" would see other
/// tests' memory in flight. The current scope flows with the <see cref="ExecutionContext"/> (an
/// <see cref="AsyncLocal{T}"/>), so objects created by the test, by its awaits, tasks and threads it
/// starts, land in its scope and nowhere else. A scope begun inside another also registers its objects
/// with the outer one. Objects created outside any scope are not tracked, which costs production nothing.
/// </para>
/// <para>
/// Usage, as the last line of every test:
/// <code>
/// using var leaks = MemoryLeakScope.Begin();
/// ... create bindings, host pages, page pools; run ...
/// leaks.AssertNoLeaks();
/// </code>
/// Objects are held until released (an area closed with every chunk back, a page pool destroyed with
/// none held), so a leaked one is still there to report. The check expects the memory quiescent: run it
/// after the threads that return chunks have stopped.
/// </para>
/// </remarks>
public sealed class MemoryLeakScope : IDisposable
{
    private static readonly AsyncLocal<MemoryLeakScope?> Current = new();

    private readonly HashSet<ILeakTracked> _tracked = [];
    private readonly Lock _lock = new();
    private readonly MemoryLeakScope? _parent;

    private MemoryLeakScope(string name, MemoryLeakScope? parent)
    {
        Name = name;
        _parent = parent;
    }

    /// <summary>The scope's name, quoted in the report.</summary>
    public string Name { get; }

    /// <summary>Areas and page pools tracked and not yet released.</summary>
    public int TrackedCount
    {
        get
        {
            lock (_lock)
            {
                return _tracked.Count;
            }
        }
    }

    /// <summary>Starts tracking the memory objects created from here on, in this flow of execution.</summary>
    public static MemoryLeakScope Begin(string name = "memory leak scope")
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        var scope = new MemoryLeakScope(name, Current.Value);
        Current.Value = scope;
        return scope;
    }

    /// <summary>Throws if any tracked object has a chunk outside its free pool and page pool caches.</summary>
    /// <exception cref="MemoryLeakException">Something leaked; the message names each area, pool and chunk.</exception>
    public void AssertNoLeaks()
    {
        ILeakTracked[] tracked;
        lock (_lock)
        {
            tracked = [.. _tracked];
        }

        var report = new StringBuilder();
        foreach (ILeakTracked item in tracked)
        {
            item.DescribeLeaks(report);
        }

        if (report.Length > 0)
        {
            throw new MemoryLeakException($"{Name}: memory not returned:{Environment.NewLine}{report}");
        }
    }

    /// <summary>Ends the scope for objects created later; what it tracks can still be checked.</summary>
    public void Dispose()
    {
        if (ReferenceEquals(Current.Value, this))
        {
            Current.Value = _parent;
        }
    }

    /// <inheritdoc/>
    public override string ToString() => $"memory leak scope '{Name}'";

    /// <summary>Registers a new object with the current scope and its parents; returns the current scope.</summary>
    internal static MemoryLeakScope? Track(ILeakTracked item)
    {
        MemoryLeakScope? current = Current.Value;
        for (MemoryLeakScope? scope = current; scope is not null; scope = scope._parent)
        {
            lock (scope._lock)
            {
                scope._tracked.Add(item);
            }
        }

        return current;
    }

    /// <summary>Forgets a released object in the scope it was tracked by and that scope's parents.</summary>
    internal static void Untrack(ILeakTracked item, MemoryLeakScope? scope)
    {
        for (; scope is not null; scope = scope._parent)
        {
            lock (scope._lock)
            {
                scope._tracked.Remove(item);
            }
        }
    }
}
