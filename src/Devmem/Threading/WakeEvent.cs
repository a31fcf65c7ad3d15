using System.Runtime.InteropServices;

namespace Devmem.Threading;

/// <summary>
/// A manual-reset event for one waiting thread, on a bare futex: <see cref="Set"/> costs one atomic exchange
/// when nobody sleeps and one <c>FUTEX_WAKE</c> when the waiter does, and the woken thread runs on without
/// taking any lock. A <see cref="ManualResetEventSlim"/> waits on a monitor instead, so each wake-up also
/// hands a lock from the setter to the waiter, which on a busy machine is a second context switch.
/// </summary>
/// <remarks>
/// <para>The futex word has three states: clear, signaled, and sleeping (the waiter is in, or about to enter,
/// <c>FUTEX_WAIT</c>, which the kernel only enters while the word still says sleeping, so a Set between the
/// waiter's check and its sleep is never lost: futex(2)). The word lives in a pinned array, at an address the
/// garbage collector never moves.</para>
/// <para>Off Linux it falls back to <see cref="Monitor"/>.</para>
/// </remarks>
public sealed partial class WakeEvent
{
    private const int Clear = 0;
    private const int Signaled = 1;
    private const int Sleeping = 2;

    private readonly int[] _word = GC.AllocateArray<int>(1, pinned: true);

    /// <summary>Whether the event is set.</summary>
    public bool IsSet => Volatile.Read(ref _word[0]) == Signaled;

    /// <summary>Any thread: sets the event and wakes the waiter if it sleeps.</summary>
    public void Set()
    {
        if (Interlocked.Exchange(ref _word[0], Signaled) == Sleeping)
        {
            Wake();
        }
    }

    /// <summary>The waiter's thread: clears a set event (a Set after this ends the next wait).</summary>
    public void Reset() => Interlocked.CompareExchange(ref _word[0], Clear, Signaled);

    /// <summary>
    /// The waiter's thread (one at a time): returns true once the event is set, false after
    /// <paramref name="millisecondsTimeout"/> (-1: never).
    /// </summary>
    public bool Wait(int millisecondsTimeout)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(millisecondsTimeout, -1);
        long deadline = millisecondsTimeout < 0 ? long.MaxValue : Environment.TickCount64 + millisecondsTimeout;
        while (true)
        {
            if (Interlocked.CompareExchange(ref _word[0], Sleeping, Clear) == Signaled)
            {
                return true;
            }

            long remaining = deadline == long.MaxValue ? Timeout.Infinite : Math.Max(deadline - Environment.TickCount64, 0);
            if (remaining == 0)
            {
                // Withdraw; a Set that got in first wins.
                return Interlocked.CompareExchange(ref _word[0], Clear, Sleeping) != Sleeping;
            }

            Sleep(remaining);
        }
    }

    // Sleeps while the word says Sleeping, until woken, the time is up (milliseconds > 0, or -1: never), or a
    // signal interrupts; the caller looks at the word again either way.
    private unsafe void Sleep(long milliseconds)
    {
        if (!OperatingSystem.IsLinux())
        {
            lock (_word)
            {
                if (Volatile.Read(ref _word[0]) == Sleeping)
                {
                    Monitor.Wait(_word, milliseconds < 0 ? Timeout.Infinite : (int)Math.Min(milliseconds, int.MaxValue));
                }
            }

            return;
        }

        var timeout = new Timespec { Seconds = milliseconds / 1000, Nanoseconds = milliseconds % 1000 * 1_000_000 };
        fixed (int* word = _word)
        {
            // EAGAIN (the word changed first), EINTR and ETIMEDOUT all send the caller back to look at the word.
            _ = Futex(word, FutexWaitPrivate, Sleeping, milliseconds < 0 ? null : &timeout);
        }
    }

    private unsafe void Wake()
    {
        if (!OperatingSystem.IsLinux())
        {
            lock (_word)
            {
                Monitor.PulseAll(_word);
            }

            return;
        }

        fixed (int* word = _word)
        {
            _ = Futex(word, FutexWakePrivate, 1, null);
        }
    }

    // futex(2): FUTEX_WAIT and FUTEX_WAKE with FUTEX_PRIVATE_FLAG (the word is never shared with another process).
    private const int FutexWaitPrivate = 0 | 128;
    private const int FutexWakePrivate = 1 | 128;

    private static unsafe long Futex(int* word, int operation, int value, Timespec* timeout) =>
        Syscall(SysFutex, word, operation, value, timeout, null, 0);

    // The futex system call's number: the architecture's table (arch/x86/entry/syscalls, include/uapi/asm-generic/unistd.h).
    private static readonly long SysFutex = RuntimeInformation.ProcessArchitecture switch
    {
        Architecture.X64 => 202,
        Architecture.Arm64 or Architecture.RiscV64 or Architecture.LoongArch64 => 98,
        _ => throw new PlatformNotSupportedException($"no futex system call number for {RuntimeInformation.ProcessArchitecture}"),
    };

    // syscall(2) is variadic; glibc's is an assembly stub that moves integer registers, so fixed integer and
    // pointer parameters pass exactly as the variadic ones would on the LP64 ABIs.
    [LibraryImport("libc", EntryPoint = "syscall")]
    private static unsafe partial long Syscall(long number, int* word, int operation, int value, Timespec* timeout, int* word2, int value3);

    [StructLayout(LayoutKind.Sequential)]
    private struct Timespec
    {
        public long Seconds;
        public long Nanoseconds;
    }
}
