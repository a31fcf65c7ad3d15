namespace Devmem.Stack.Wire;

/// <summary>
/// One SACK block (RFC 2018 §3): the sequence number of the first byte received (<see cref="Left"/>)
/// and the sequence number just past the last byte received (<see cref="Right"/>).
/// </summary>
/// <param name="Left">Left edge, the first sequence number of the block.</param>
/// <param name="Right">Right edge, the sequence number immediately following the block.</param>
public readonly record struct TcpSackBlock(uint Left, uint Right);
