namespace Devmem.Kernel.Netlink;

/// <summary>
/// Finds which attribute of a request starts at the byte offset an extended ACK names
/// (<c>NLMSGERR_ATTR_OFFS</c>, counted from the request's nlmsghdr), descending into nests.
/// </summary>
public static class NetlinkAttributeLocator
{
    /// <summary>
    /// The type path (outermost first) of the attribute whose header starts at <paramref name="offset"/>, or
    /// null when none does.
    /// </summary>
    /// <param name="request">The whole request, from its nlmsghdr.</param>
    /// <param name="familyHeaderSize">Bytes between the nlmsghdr and the first attribute (4 for generic netlink).</param>
    /// <param name="offset">The offset the kernel reported.</param>
    public static IReadOnlyList<ushort>? FindPath(ReadOnlySpan<byte> request, int familyHeaderSize, uint offset)
    {
        int start = NetlinkMessageHeader.Size + NetlinkMessageHeader.Align(familyHeaderSize);
        if (start > request.Length)
        {
            return null;
        }

        var path = new List<ushort>();
        return Find(request[start..], start, offset, path) ? path : null;
    }

    private static bool Find(ReadOnlySpan<byte> attributes, int baseOffset, uint offset, List<ushort> path)
    {
        var reader = new NetlinkAttributeReader(attributes);
        while (true)
        {
            int at = baseOffset + reader.Position;
            if (!reader.TryRead(out NetlinkAttribute attribute))
            {
                return false;
            }

            int payloadAt = at + NetlinkAttribute.HeaderSize;
            if (at == offset)
            {
                path.Add(attribute.Type);
                return true;
            }

            if (offset >= payloadAt && offset < payloadAt + attribute.Payload.Length && attribute.IsNested)
            {
                path.Add(attribute.Type);
                return Find(attribute.Payload, payloadAt, offset, path);
            }
        }
    }
}
