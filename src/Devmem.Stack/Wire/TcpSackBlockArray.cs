using System.Runtime.CompilerServices;

namespace Devmem.Stack.Wire;

/// <summary>Inline storage for the at most four SACK blocks one option can carry (RFC 2018 §3).</summary>
[InlineArray(TcpOptions.MaxSackBlocks)]
internal struct TcpSackBlockArray
{
    private TcpSackBlock _element0;
}
