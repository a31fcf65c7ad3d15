namespace Devmem.Kernel.Sockets;

/// <summary>
/// One piece of a device-memory send: <see cref="Length"/> bytes at byte <see cref="Offset"/> of the dma-buf
/// bound for transmit. It travels as an iovec whose base is the offset, not an address (Linux 6.16 devmem TX).
/// </summary>
public readonly record struct DevmemTransmitSegment(ulong Offset, ulong Length);
