using System.Net;

namespace Devmem.Cli.Serve;

/// <summary>What <c>devmem serve</c> listens on.</summary>
internal sealed record ServeOptions
{
    /// <summary>The engine's address; the discard port's flow rule matches it.</summary>
    public required IPAddress Address { get; init; }

    /// <summary>Devmem receive, tokens returned as fragments arrive, payload never read; null: no discard service.</summary>
    public ushort? DiscardPort { get; init; }

    /// <summary>Ordinary receive, every byte sent back; null: no echo service.</summary>
    public ushort? EchoPort { get; init; }
}
