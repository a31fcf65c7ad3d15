using System.Globalization;
using Devmem.Cli.Transfer;

namespace Devmem.Cli.Hosting;

/// <summary>
/// A one-line progress display (bytes, rate, ETA) redrawn in place a few times a second, for people
/// watching a terminal; <see cref="StartIfTerminal"/> gives nothing when stdout is a file or a pipe, so
/// scripts and JSON readers see only the result.
/// </summary>
internal sealed class TransferProgress : IAsyncDisposable
{
    private static readonly TimeSpan Interval = TimeSpan.FromMilliseconds(250);

    private readonly Func<long> _done;
    private readonly long _total;
    private readonly TextWriter _output;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _drawing;
    private int _lastWidth;

    private TransferProgress(Func<long> done, long total, TextWriter output)
    {
        _done = done;
        _total = total;
        _output = output;
        _drawing = DrawAsync();
    }

    /// <summary>Starts a display on stdout when it is a terminal; null otherwise.</summary>
    public static TransferProgress? StartIfTerminal(Func<long> done, long total) =>
        Console.IsOutputRedirected ? null : new TransferProgress(done, total, Console.Out);

    /// <summary>The line for <paramref name="done"/> of <paramref name="total"/> bytes after <paramref name="elapsed"/>.</summary>
    public static string Format(long done, long total, TimeSpan elapsed)
    {
        double rate = elapsed > TimeSpan.Zero ? done / elapsed.TotalSeconds : 0;
        string eta = rate > 0 && done < total
            ? TimeSpan.FromSeconds(Math.Ceiling((total - done) / rate)).ToString(@"h\:mm\:ss", CultureInfo.InvariantCulture)
            : "-:--:--";
        double percent = total > 0 ? 100.0 * done / total : 0;
        return string.Create(CultureInfo.InvariantCulture,
            $"{ByteSize.Format(done)} / {ByteSize.Format(total)} ({percent:F0}%)  {ByteSize.Format(rate)}/s  {rate * 8 / 1e9:F2} Gbit/s  ETA {eta}");
    }

    /// <summary>Stops drawing and clears the line, so the result prints on a clean line.</summary>
    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync().ConfigureAwait(false);
        await _drawing.ConfigureAwait(false);
        _output.Write("\r" + new string(' ', _lastWidth) + "\r");
        _output.Flush();
        _stop.Dispose();
    }

    private async Task DrawAsync()
    {
        DateTime start = DateTime.UtcNow;
        using var timer = new PeriodicTimer(Interval);
        try
        {
            while (await timer.WaitForNextTickAsync(_stop.Token).ConfigureAwait(false))
            {
                string line = Format(_done(), _total, DateTime.UtcNow - start);
                _output.Write("\r" + line.PadRight(_lastWidth));
                _output.Flush();
                _lastWidth = line.Length;
            }
        }
        catch (OperationCanceledException)
        {
            // Disposal: the caller prints the result next.
        }
    }
}
