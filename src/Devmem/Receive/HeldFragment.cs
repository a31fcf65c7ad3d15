using Devmem.Memory;

namespace Devmem.Receive;

/// <summary>
/// What one user token names: a reference on <see cref="NetIov"/> and the <see cref="Size"/> stream bytes the
/// fragment covered, which the receive window counts as held by the application until the token comes back.
/// </summary>
public readonly record struct HeldFragment(NetIov NetIov, int Size);
