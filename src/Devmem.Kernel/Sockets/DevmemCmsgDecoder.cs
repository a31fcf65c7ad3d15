using Devmem.Uapi;

namespace Devmem.Kernel.Sockets;

/// <summary>
/// Turns what the kernel's <c>recvmsg(MSG_SOCK_DEVMEM)</c> returned (a byte count and the control buffer
/// <c>tcp_recvmsg_dmabuf</c> filled) into the typed records the user-space engine produces: one
/// <see cref="DevmemFragment"/> per <c>SCM_DEVMEM_LINEAR</c> or <c>SCM_DEVMEM_DMABUF</c> cmsg, in stream order.
/// </summary>
/// <remarks>
/// Control messages of other levels or types (a timestamp the application asked for) are skipped. The
/// records must account for every byte received, as the kernel guarantees; anything else means the buffer is
/// not what the kernel wrote and is refused with <see cref="Errno.EPROTO"/>.
/// </remarks>
public static class DevmemCmsgDecoder
{
    /// <summary>
    /// Decodes <paramref name="control"/> (exactly the <c>msg_controllen</c> bytes recvmsg reported) for a
    /// receive that returned <paramref name="bytes"/>. Linear records name where their bytes lie in the
    /// ordinary buffer, in the order the kernel copied them there.
    /// </summary>
    /// <exception cref="DevmemException">
    /// EPROTO: a cmsg is truncated, malformed, or the records do not add up to <paramref name="bytes"/>;
    /// ETOOSMALL: <paramref name="fragments"/> has fewer slots than the buffer has records.
    /// </exception>
    public static DevmemReceiveResult Decode(int bytes, ReadOnlySpan<byte> control, Span<DevmemFragment> fragments)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(bytes);
        var reader = new ControlMessageReader(control);
        int count = 0;
        long linearBytes = 0;
        long deviceBytes = 0;
        while (reader.TryRead(out ControlMessage message))
        {
            bool linear = message.Type == DevmemUapi.ScmDevmemLinear;
            if (message.Level != DevmemUapi.SolSocket || !(linear || message.Type == DevmemUapi.ScmDevmemDmabuf))
            {
                continue;
            }

            if (!message.TryGetDmabufCmsg(out DmabufCmsg cmsg))
            {
                throw new DevmemException(Errno.EPROTO, $"a devmem cmsg (type {message.Type}) carries {message.Data.Length} bytes where struct dmabuf_cmsg has {DmabufCmsg.Size}.");
            }

            if (count == fragments.Length)
            {
                throw new DevmemException(Errno.ETOOSMALL, $"the control buffer holds more than {fragments.Length} devmem records; give a fragment span as large as the control buffer allows (one slot per 40 bytes).");
            }

            if (linear)
            {
                fragments[count++] = DevmemFragment.Linear((int)linearBytes, (int)cmsg.FragSize);
                linearBytes += cmsg.FragSize;
            }
            else
            {
                if (cmsg.DmabufId == 0)
                {
                    throw new DevmemException(Errno.EPROTO, "an SCM_DEVMEM_DMABUF cmsg names dma-buf binding 0, which the kernel never assigns.");
                }

                fragments[count++] = new DevmemFragment(cmsg.DmabufId, cmsg.FragOffset, cmsg.FragSize, cmsg.FragToken);
                deviceBytes += cmsg.FragSize;
            }
        }

        if (reader.Error != Errno.None)
        {
            throw new DevmemException(Errno.EPROTO, $"malformed control message at byte {reader.Position} of {control.Length}: its cmsg_len is below the 16-byte header or runs past the buffer.");
        }

        if (count == 0)
        {
            return new DevmemReceiveResult(bytes, bytes, 0, DevmemDataKind.Readable);
        }

        if (linearBytes + deviceBytes != bytes)
        {
            throw new DevmemException(Errno.EPROTO, $"the devmem records cover {linearBytes} linear and {deviceBytes} device bytes, but the receive returned {bytes}.");
        }

        return new DevmemReceiveResult(bytes, (int)linearBytes, count, DevmemDataKind.DeviceMemory);
    }
}
