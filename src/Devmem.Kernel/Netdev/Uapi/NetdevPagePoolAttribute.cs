namespace Devmem.Kernel.Netdev.Uapi;

/// <summary>The <c>page-pool</c> attribute set (<c>NETDEV_A_PAGE_POOL_*</c>).</summary>
internal static class NetdevPagePoolAttribute
{
    public const ushort Id = 1;
    public const ushort Ifindex = 2;
    public const ushort NapiId = 3;
    public const ushort Inflight = 4;
    public const ushort InflightMemory = 5;
    public const ushort DetachTime = 6;
    public const ushort Dmabuf = 7;
    public const ushort IoUring = 8;
}
