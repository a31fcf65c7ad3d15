namespace Devmem.Kernel.GenericNetlink;

/// <summary>The <c>CTRL_ATTR_OP_FLAGS</c> bits of a family's operation (include/uapi/linux/genetlink.h).</summary>
[Flags]
public enum GenericNetlinkOperationFlags : uint
{
    None = 0,

    /// <summary><c>GENL_ADMIN_PERM</c>: needs CAP_NET_ADMIN in the initial user namespace.</summary>
    AdminPermission = 0x01,

    /// <summary><c>GENL_CMD_CAP_DO</c>: answers a single-object request.</summary>
    Do = 0x02,

    /// <summary><c>GENL_CMD_CAP_DUMP</c>: answers a dump (NLM_F_DUMP).</summary>
    Dump = 0x04,

    /// <summary><c>GENL_CMD_CAP_HASPOL</c>: has an attribute policy.</summary>
    HasPolicy = 0x08,

    /// <summary><c>GENL_UNS_ADMIN_PERM</c>: needs CAP_NET_ADMIN in the namespace's user namespace.</summary>
    NamespaceAdminPermission = 0x10,
}
