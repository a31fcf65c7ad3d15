using Devmem.Memory;

namespace Devmem.Stack.Nic;

/// <summary>
/// One posted receive buffer: <c>rx-buf-len</c> bytes at <paramref name="Offset"/> of <paramref name="Chunk"/>, whose
/// host address is <paramref name="Address"/> (found once, at posting: the chunk's memory stays mapped while the
/// buffer holds its reference).
/// </summary>
internal readonly record struct PostedBuffer(NetIov Chunk, int Offset, nint Address);
