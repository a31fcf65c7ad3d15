using System.Net;

namespace Devmem.Cli.Ncdevmem;

/// <summary>ncdevmem's server options (<c>-l</c>), as <see cref="NcdevmemServer"/> takes them.</summary>
internal sealed record NcdevmemServerOptions
{
    /// <summary><c>-s</c>: the address the flow rule steers (and the listening address in messages).</summary>
    public required IPAddress Address { get; init; }

    /// <summary><c>-p</c>.</summary>
    public required ushort Port { get; init; }

    /// <summary><c>-v N</c>: check ncdevmem's pattern; 0 prints the bytes on stdout instead.</summary>
    public long Validation { get; init; }

    /// <summary><c>-q</c>: how many queues to bind; null: 1.</summary>
    public int? QueueCount { get; init; }

    /// <summary><c>-t</c>: the first queue to bind; null: the last <see cref="QueueCount"/> queues.</summary>
    public int? FirstQueue { get; init; }

    /// <summary><c>-L</c>: fail on any linear record.</summary>
    public bool FailOnLinear { get; init; }

    /// <summary><c>-n</c>: leave RSS and flow rules as they are (someone configured the NIC); bind-rx still happens.</summary>
    public bool SkipNicConfiguration { get; init; }

    /// <summary><c>--sink</c>: count and return tokens without reading the payload.</summary>
    public bool Sink { get; init; }

    /// <summary>Print ncdevmem's per-call and per-frag lines (debug logging).</summary>
    public bool TraceCalls { get; init; }
}
