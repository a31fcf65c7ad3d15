using System.Runtime.InteropServices;

namespace Devmem.Cli.Hosting;

/// <summary>
/// SIGINT and SIGTERM as a cancellation: the first one asks the command to stop cleanly (close connections,
/// check leaks, print what it has) instead of killing the process; the default action is suppressed.
/// </summary>
internal sealed class TerminationSignals : IDisposable
{
    private readonly CancellationTokenSource _stop;
    private readonly PosixSignalRegistration[] _registrations;

    /// <param name="cancellationToken">Also stops the command (the caller's own cancellation).</param>
    public TerminationSignals(CancellationToken cancellationToken)
    {
        _stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        _registrations =
        [
            PosixSignalRegistration.Create(PosixSignal.SIGINT, OnSignal),
            PosixSignalRegistration.Create(PosixSignal.SIGTERM, OnSignal),
        ];
    }

    // Signal numbers on Linux, for the shell's 128 + N exit status.
    private const int SigInt = 2;
    private const int SigTerm = 15;

    private static int s_lastSignal = SigInt;

    /// <summary>Cancelled by the first signal.</summary>
    public CancellationToken Token => _stop.Token;

    /// <summary>
    /// The exit status of a command a signal stopped: 128 + the signal's number, as a shell reports a process
    /// the signal killed (130 for SIGINT, 143 for SIGTERM); 130 when the stop came from elsewhere.
    /// </summary>
    public static int ExitStatus => 128 + Volatile.Read(ref s_lastSignal);

    public void Dispose()
    {
        foreach (PosixSignalRegistration registration in _registrations)
        {
            registration.Dispose();
        }

        _stop.Dispose();
    }

    private void OnSignal(PosixSignalContext context)
    {
        context.Cancel = true;
        Volatile.Write(ref s_lastSignal, context.Signal == PosixSignal.SIGTERM ? SigTerm : SigInt);
        _stop.Cancel();
    }
}
