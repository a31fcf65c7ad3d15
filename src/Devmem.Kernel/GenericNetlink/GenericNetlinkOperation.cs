namespace Devmem.Kernel.GenericNetlink;

/// <summary>One command a family registered (<c>CTRL_ATTR_OPS</c> entry) and how it may be called.</summary>
/// <param name="Command"><c>CTRL_ATTR_OP_ID</c>.</param>
/// <param name="Flags"><c>CTRL_ATTR_OP_FLAGS</c>.</param>
public sealed record GenericNetlinkOperation(uint Command, GenericNetlinkOperationFlags Flags);
