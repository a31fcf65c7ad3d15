namespace Devmem.Cli.Serve;

/// <summary>What <c>devmem serve</c> did, printed when it stops (snake_case with <c>--json</c>).</summary>
/// <param name="DiscardConnections">Connections accepted on the discard port.</param>
/// <param name="EchoConnections">Connections accepted on the echo port.</param>
/// <param name="FailedConnections">Connections that ended in an error (reset, flow steering error, ...).</param>
/// <param name="DiscardBytes">Bytes received in device memory and discarded.</param>
/// <param name="EchoBytes">Bytes echoed.</param>
/// <param name="Frags">Device fragments received.</param>
/// <param name="LinearBytes">Discard-port bytes that did not land in device memory.</param>
/// <param name="TokensIssued">Tokens handed out.</param>
/// <param name="TokensReturned">Tokens given back.</param>
/// <param name="LeakedNetIovs">Chunks of the dma-buf that never came home.</param>
/// <param name="LeakReport">The leak scope's findings; null when clean.</param>
internal sealed record ServeReport(
    long DiscardConnections,
    long EchoConnections,
    long FailedConnections,
    long DiscardBytes,
    long EchoBytes,
    long Frags,
    long LinearBytes,
    long TokensIssued,
    long TokensReturned,
    long LeakedNetIovs,
    string? LeakReport);
