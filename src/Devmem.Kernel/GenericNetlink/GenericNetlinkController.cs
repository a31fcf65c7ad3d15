using System.Globalization;
using Devmem.Kernel.Netlink;
using Devmem.Uapi;

namespace Devmem.Kernel.GenericNetlink;

/// <summary>
/// The generic netlink controller (family <c>nlctrl</c>, fixed id <c>GENL_ID_CTRL</c>): the one family with
/// a known id, which maps every other family's name to its dynamic id (include/uapi/linux/genetlink.h).
/// </summary>
public static class GenericNetlinkController
{
    /// <summary><c>GENL_ID_CTRL</c> (= NLMSG_MIN_TYPE).</summary>
    public const ushort FamilyId = NetlinkMessageType.MinType;

    /// <summary><c>CTRL_CMD_GETFAMILY</c>.</summary>
    public const byte GetFamilyCommand = 3;

    // enum ctrl_attr and its nested enums.
    private const ushort AttrFamilyId = 1;
    private const ushort AttrFamilyName = 2;
    private const ushort AttrVersion = 3;
    private const ushort AttrHeaderSize = 4;
    private const ushort AttrMaxAttribute = 5;
    private const ushort AttrOperations = 6;
    private const ushort AttrMulticastGroups = 7;
    private const ushort AttrOperationId = 1;
    private const ushort AttrOperationFlags = 2;
    private const ushort AttrGroupName = 1;
    private const ushort AttrGroupId = 2;

    /// <summary>Resolves <paramref name="name"/> to the family's id, version and operations.</summary>
    /// <exception cref="DevmemException">ENOENT: no such family in this kernel; other errnos as the kernel answers.</exception>
    public static GenericNetlinkFamily GetFamily(NetlinkSocket socket, string name)
    {
        ArgumentNullException.ThrowIfNull(socket);
        ArgumentException.ThrowIfNullOrEmpty(name);
        NetlinkMessageWriter request = socket.BeginRequest(FamilyId, 0);
        request.Write(new GenericNetlinkHeader(GetFamilyCommand, 1));
        request.PutString(AttrFamilyName, name);
        var errors = new NetlinkErrorContext(
            $"generic netlink CTRL_CMD_GETFAMILY \"{name}\"",
            ack => ack.Error switch
            {
                Errno.ENOENT => $"this kernel has no generic netlink family \"{name}\": it is too old or was built without it (the netdev family needs Linux 6.5, bind-rx 6.12, bind-tx 6.16).",
                Errno.EINVAL => "family names are at most 15 bytes (GENL_NAMSIZ - 1); check the name.",
                _ => "the generic netlink controller refused the query.",
            },
            static path => path[0] == AttrFamilyName ? "family-name" : path[0].ToString(CultureInfo.InvariantCulture));
        return GenericNetlinkTransaction.Do(socket, 0, Parse, errors);
    }

    private static GenericNetlinkFamily Parse(NetlinkAttributeReader attributes)
    {
        string name = string.Empty;
        ushort id = 0;
        uint version = 0, headerSize = 0, maxAttribute = 0;
        var operations = new List<GenericNetlinkOperation>();
        var groups = new List<GenericNetlinkMulticastGroup>();
        while (attributes.TryRead(out NetlinkAttribute attribute))
        {
            switch (attribute.Type)
            {
                case AttrFamilyId:
                    id = attribute.GetU16();
                    break;
                case AttrFamilyName:
                    name = attribute.GetString();
                    break;
                case AttrVersion:
                    version = attribute.GetU32();
                    break;
                case AttrHeaderSize:
                    headerSize = attribute.GetU32();
                    break;
                case AttrMaxAttribute:
                    maxAttribute = attribute.GetU32();
                    break;
                case AttrOperations:
                    ParseArray(attribute.GetNested(), operations, ParseOperation);
                    break;
                case AttrMulticastGroups:
                    ParseArray(attribute.GetNested(), groups, ParseGroup);
                    break;
                default:
                    break;
            }
        }

        attributes.ThrowIfMalformed("CTRL_CMD_GETFAMILY reply");
        return id != 0
            ? new GenericNetlinkFamily(name, id, version, headerSize, maxAttribute, operations, groups)
            : throw new DevmemException(Errno.EPROTO, $"CTRL_CMD_GETFAMILY reply for \"{name}\" carries no family id.");
    }

    /// <summary>An indexed array: a nest whose entries are nests numbered 1, 2, ... (the type is the index).</summary>
    private static void ParseArray<T>(NetlinkAttributeReader entries, List<T> into, GenericNetlinkReplyParser<T> parse)
    {
        while (entries.TryRead(out NetlinkAttribute entry))
        {
            into.Add(parse(entry.GetNested()));
        }

        entries.ThrowIfMalformed("CTRL_CMD_GETFAMILY array");
    }

    private static GenericNetlinkOperation ParseOperation(NetlinkAttributeReader attributes)
    {
        uint command = 0, flags = 0;
        while (attributes.TryRead(out NetlinkAttribute attribute))
        {
            if (attribute.Type == AttrOperationId)
            {
                command = attribute.GetU32();
            }
            else if (attribute.Type == AttrOperationFlags)
            {
                flags = attribute.GetU32();
            }
        }

        attributes.ThrowIfMalformed("CTRL_ATTR_OPS entry");
        return new GenericNetlinkOperation(command, (GenericNetlinkOperationFlags)flags);
    }

    private static GenericNetlinkMulticastGroup ParseGroup(NetlinkAttributeReader attributes)
    {
        string name = string.Empty;
        uint id = 0;
        while (attributes.TryRead(out NetlinkAttribute attribute))
        {
            if (attribute.Type == AttrGroupName)
            {
                name = attribute.GetString();
            }
            else if (attribute.Type == AttrGroupId)
            {
                id = attribute.GetU32();
            }
        }

        attributes.ThrowIfMalformed("CTRL_ATTR_MCAST_GROUPS entry");
        return new GenericNetlinkMulticastGroup(name, id);
    }
}
