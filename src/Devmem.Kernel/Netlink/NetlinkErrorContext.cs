using Devmem.Uapi;

namespace Devmem.Kernel.Netlink;

/// <summary>
/// What a failed request turns into: the operation, in words, and the family's knowledge of what each
/// errno means for it, so the <see cref="DevmemException"/> says errno, the kernel's message and what to do.
/// </summary>
/// <param name="Operation">The request in words, e.g. <c>netdev bind-rx (ifindex 3)</c>.</param>
/// <param name="Advice">What to do about a given failure.</param>
/// <param name="AttributeNames">The family's names for an attribute path (top-level type first); null: numbers.</param>
public readonly record struct NetlinkErrorContext(
    string Operation,
    Func<NetlinkExtendedAck, string> Advice,
    Func<IReadOnlyList<ushort>, string>? AttributeNames = null)
{
    /// <summary>
    /// The exception for <paramref name="status"/>, with the offending attribute located in
    /// <paramref name="request"/> (the bytes sent, from the nlmsghdr).
    /// </summary>
    public DevmemException ToException(NetlinkExtendedAck status, ReadOnlySpan<byte> request, int familyHeaderSize)
    {
        ArgumentNullException.ThrowIfNull(status);
        NetlinkExtendedAck located = status.Offset is uint offset
            ? status with { OffendingAttributePath = NetlinkAttributeLocator.FindPath(request, familyHeaderSize, offset) }
            : status;
        return new DevmemException(status.Error, $"{Operation}: {located.Describe(AttributeNames)}. What to do: {Advice(located)}");
    }
}
