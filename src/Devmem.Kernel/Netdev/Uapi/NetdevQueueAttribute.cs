namespace Devmem.Kernel.Netdev.Uapi;

/// <summary>The <c>queue</c> attribute set (<c>NETDEV_A_QUEUE_*</c>); also the entries of bind-rx's <c>queues</c> nests.</summary>
internal static class NetdevQueueAttribute
{
    public const ushort Id = 1;
    public const ushort Ifindex = 2;
    public const ushort Type = 3;
    public const ushort NapiId = 4;
    public const ushort Dmabuf = 5;
    public const ushort IoUring = 6;
    public const ushort Xsk = 7;
}
