using Devmem.Memory;

namespace Devmem.Stack.Nic;

/// <summary>One posted receive buffer: <c>rx-buf-len</c> bytes at <paramref name="Offset"/> of <paramref name="Chunk"/>.</summary>
internal readonly record struct PostedBuffer(NetIov Chunk, int Offset);
