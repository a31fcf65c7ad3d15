namespace Devmem.Kernel.Netdev.Uapi;

/// <summary>The <c>napi</c> attribute set (<c>NETDEV_A_NAPI_*</c>).</summary>
internal static class NetdevNapiAttribute
{
    public const ushort Ifindex = 1;
    public const ushort Id = 2;
    public const ushort Irq = 3;
    public const ushort Pid = 4;
    public const ushort DeferHardIrqs = 5;
    public const ushort GroFlushTimeout = 6;
    public const ushort IrqSuspendTimeout = 7;
    public const ushort Threaded = 8;
}
