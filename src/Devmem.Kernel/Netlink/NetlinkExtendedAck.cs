using System.Globalization;
using System.Runtime.InteropServices;
using System.Text;
using Devmem.Uapi;

namespace Devmem.Kernel.Netlink;

/// <summary>
/// The kernel's answer to a request that carried <c>NLM_F_ACK</c>, or the status that ends a dump: an errno
/// and, on a socket with <c>NETLINK_EXT_ACK</c>, the kernel's own explanation (<c>struct netlink_ext_ack</c>
/// as <c>netlink_ack()</c> and <c>netlink_dump_done()</c> serialise it).
/// </summary>
/// <param name="Error">The errno; <see cref="Errno.None"/> for a plain ACK.</param>
/// <param name="Message">NLMSGERR_ATTR_MSG: what the kernel says went wrong (or a warning on success).</param>
/// <param name="Offset">NLMSGERR_ATTR_OFFS: byte offset in the request of the attribute the kernel objected to.</param>
/// <param name="MissingAttributeType">NLMSGERR_ATTR_MISS_TYPE: a required attribute the request lacked.</param>
/// <param name="MissingNestOffset">NLMSGERR_ATTR_MISS_NEST: offset of the nest that lacked it (absent: top level).</param>
public sealed record NetlinkExtendedAck(Errno Error, string? Message, uint? Offset, uint? MissingAttributeType, uint? MissingNestOffset)
{
    /// <summary>
    /// Attribute types from the top level down to the one at <see cref="Offset"/>, e.g. <c>[2, 1]</c> for
    /// attribute 1 inside nest 2; null when the kernel named no offset or it does not start an attribute.
    /// </summary>
    public IReadOnlyList<ushort>? OffendingAttributePath { get; init; }

    /// <summary>
    /// Reads an NLMSG_ERROR (<c>struct nlmsgerr</c>: <c>int error</c>, the request's header and, unless
    /// <c>NLM_F_CAPPED</c>, its payload) or an NLMSG_DONE (<c>int error</c>), then the extended-ack attributes
    /// when <c>NLM_F_ACK_TLVS</c> is set.
    /// </summary>
    /// <exception cref="DevmemException"><see cref="Errno.EPROTO"/>: the message is cut short or malformed.</exception>
    public static NetlinkExtendedAck Parse(NetlinkMessage message)
    {
        ReadOnlySpan<byte> payload = message.Payload;
        ushort flags = message.Header.Flags;
        if (message.Header.Type == NetlinkMessageType.Done && payload.IsEmpty)
        {
            // Kernels before 2.6.x ended dumps with an empty NLMSG_DONE.
            return new NetlinkExtendedAck(Errno.None, null, null, null, null);
        }

        if (payload.Length < sizeof(int))
        {
            throw Truncated(message.Header.Type);
        }

        int error = MemoryMarshal.Read<int>(payload);
        int attributesAt = sizeof(int);
        if (message.Header.Type == NetlinkMessageType.Error)
        {
            if (payload.Length < sizeof(int) + NetlinkMessageHeader.Size)
            {
                throw Truncated(message.Header.Type);
            }

            uint echoedLength = MemoryMarshal.Read<uint>(payload[sizeof(int)..]);
            attributesAt += (flags & NetlinkFlags.Capped) != 0
                ? NetlinkMessageHeader.Size
                : NetlinkMessageHeader.Align((int)Math.Min(echoedLength, (uint)payload.Length));
            if (attributesAt > payload.Length)
            {
                throw Truncated(message.Header.Type);
            }
        }

        string? text = null;
        uint? offset = null, missingType = null, missingNest = null;
        if ((flags & NetlinkFlags.AckTlvs) != 0)
        {
            var reader = new NetlinkAttributeReader(payload[attributesAt..]);
            while (reader.TryRead(out NetlinkAttribute attribute))
            {
                switch (attribute.Type)
                {
                    case NetlinkErrorAttribute.Message:
                        text = attribute.GetString();
                        break;
                    case NetlinkErrorAttribute.Offset:
                        offset = attribute.GetU32();
                        break;
                    case NetlinkErrorAttribute.MissingType:
                        missingType = attribute.GetU32();
                        break;
                    case NetlinkErrorAttribute.MissingNest:
                        missingNest = attribute.GetU32();
                        break;
                    default:
                        // Cookies and policy descriptions: nothing this code acts on.
                        break;
                }
            }

            reader.ThrowIfMalformed("netlink extended ACK");
        }

        return new NetlinkExtendedAck((Errno)(-error), text, offset, missingType, missingNest);
    }

    /// <summary>
    /// One line for an error message: the kernel's text, the offending attribute and the missing one, as far
    /// as the kernel said. <paramref name="nameAttribute"/> turns an attribute path into the family's names.
    /// </summary>
    public string Describe(Func<IReadOnlyList<ushort>, string>? nameAttribute = null)
    {
        var text = new StringBuilder();
        text.Append(string.IsNullOrEmpty(Message) ? "the kernel gave no message" : $"the kernel says \"{Message}\"");
        if (OffendingAttributePath is { Count: > 0 } path)
        {
            text.Append(CultureInfo.InvariantCulture, $"; it objected to attribute {Name(path, nameAttribute)} (byte {Offset} of the request)");
        }
        else if (Offset is uint at)
        {
            text.Append(CultureInfo.InvariantCulture, $"; it objected to byte {at} of the request");
        }

        if (MissingAttributeType is uint missing)
        {
            string where = MissingNestOffset is uint nest ? $" in the nest at byte {nest}" : string.Empty;
            text.Append(CultureInfo.InvariantCulture, $"; required attribute {Name([(ushort)missing], nameAttribute)} is missing{where}");
        }

        return text.ToString();
    }

    private static string Name(IReadOnlyList<ushort> path, Func<IReadOnlyList<ushort>, string>? nameAttribute) =>
        nameAttribute?.Invoke(path) ?? string.Join('/', path);

    private static DevmemException Truncated(ushort type) =>
        new(Errno.EPROTO, $"netlink {(type == NetlinkMessageType.Done ? "NLMSG_DONE" : "NLMSG_ERROR")} message cut short; the reply is not the kernel's.");
}
