namespace Devmem.Kernel.Netdev.Uapi;

/// <summary>The <c>dmabuf</c> attribute set of bind-rx and bind-tx (<c>NETDEV_A_DMABUF_*</c>).</summary>
internal static class NetdevDmabufAttribute
{
    public const ushort Ifindex = 1;
    public const ushort Queues = 2;
    public const ushort Fd = 3;
    public const ushort Id = 4;
}
