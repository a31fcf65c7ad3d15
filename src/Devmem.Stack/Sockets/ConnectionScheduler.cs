using Devmem.Stack.Tcp;

namespace Devmem.Stack.Sockets;

/// <summary>
/// The connections that need the loop's attention, keyed by when (<see cref="TcpConnection.PollAt"/>): a
/// segment ready now, or the earliest timer. A min-heap with lazy deletion: rescheduling pushes a new entry
/// and the old one is skipped when it surfaces, so a turn of the loop touches only connections that are due
/// instead of scanning them all.
/// </summary>
internal sealed class ConnectionScheduler
{
    private readonly PriorityQueue<EngineConnection, long> _heap = new();

    /// <summary>Files <paramref name="connection"/> under <paramref name="deadline"/> (<see cref="TcpConnection.Never"/>: not at all).</summary>
    public void Schedule(EngineConnection connection, long deadline)
    {
        if (deadline == connection.ScheduledAt)
        {
            return;
        }

        connection.ScheduledAt = deadline;
        if (deadline != TcpConnection.Never)
        {
            _heap.Enqueue(connection, deadline);
        }
    }

    /// <summary>The earliest live deadline; <see cref="TcpConnection.Never"/> when none.</summary>
    public long NextDeadline
    {
        get
        {
            while (_heap.TryPeek(out EngineConnection? connection, out long deadline))
            {
                if (connection.ScheduledAt == deadline)
                {
                    return deadline;
                }

                _heap.Dequeue();
            }

            return TcpConnection.Never;
        }
    }

    /// <summary>Moves every connection due at <paramref name="now"/> to <paramref name="due"/> and unschedules it.</summary>
    public void TakeDue(long now, List<EngineConnection> due)
    {
        while (_heap.TryPeek(out EngineConnection? connection, out long deadline) && deadline <= now)
        {
            _heap.Dequeue();
            if (connection.ScheduledAt == deadline)
            {
                connection.ScheduledAt = TcpConnection.Never;
                due.Add(connection);
            }
        }
    }
}
