using Devmem.Uapi;

namespace Devmem.Cli.SelfTest;

/// <summary>
/// ncdevmem's binding self-tests (<c>run_devmem_tests()</c>, run when neither <c>-l</c> nor a server address
/// is given), in its order and with its messages: binding an empty queue list must fail; binding with
/// header split off must fail; with it on, binding must succeed; deactivating a bound queue by reducing the
/// channel count must be refused. Everything changed is put back.
/// </summary>
internal static class NcdevmemSelfTests
{
    /// <summary>Runs them on <paramref name="nic"/>; null when all passed, else the first failure.</summary>
    /// <param name="nic">The device under test.</param>
    /// <param name="queueCount">How many queues to bind (<c>-q</c>; default 1).</param>
    /// <param name="firstQueue">The first (<c>-t</c>; default: the last <paramref name="queueCount"/> queues).</param>
    /// <param name="log">Where each step is reported.</param>
    public static string? Run(IDevmemNic nic, int? queueCount, int? firstQueue, TextWriter log)
    {
        ArgumentNullException.ThrowIfNull(nic);
        ArgumentNullException.ThrowIfNull(log);
        int count = queueCount ?? 1;
        int rxQueues = nic.RxQueues;
        int first = firstQueue ?? rxQueues - count;
        if (count < 1 || first < 0 || first + count > rxQueues)
        {
            return $"queues {first}..{first + count - 1} do not exist: the device has {rxQueues} RX queues";
        }

        int[] queues = [.. Enumerable.Range(first, count)];
        try
        {
            nic.SetHeaderSplit(true);
            if (Succeeds("bind-rx with no queues", () => nic.BindRx([]), log))
            {
                return "Binding empty queues array should have failed";
            }

            nic.SetHeaderSplit(false);
            if (Succeeds("bind-rx with header split off", () => nic.BindRx(queues), log))
            {
                return "Configure dmabuf with header split off should have failed";
            }

            nic.SetHeaderSplit(true);
            if (!Succeeds($"bind-rx of queues {first}..{first + count - 1}", () => nic.BindRx(queues), log))
            {
                return "Failed to bind";
            }

            // Fewer channels than the first bound queue leaves that queue without one.
            if (first > 0 && Succeeds($"channels down to {first} while bound", () => nic.SetRxQueues(first), log))
            {
                nic.SetRxQueues(rxQueues);
                return "Deactivating a bound queue should be illegal";
            }

            return null;
        }
        finally
        {
            nic.Unbind();
        }
    }

    // Runs a step the NIC may refuse and reports what happened, with the refusal's errno and message.
    private static bool Succeeds(string step, Action action, TextWriter log)
    {
        try
        {
            action();
            log.WriteLine($"{step}: done");
            return true;
        }
        catch (DevmemException e)
        {
            log.WriteLine($"{step}: refused, {e.Message}");
            return false;
        }
    }
}
