using Devmem.Uapi;

namespace Devmem.Receive;

/// <summary>The optval rules of setsockopt(SOL_SOCKET, SO_DEVMEM_DONTNEED), in the kernel's order.</summary>
public static class DontneedOption
{
    /// <summary>
    /// <see cref="Errno.None"/> when <paramref name="value"/> is a valid array of <c>dmabuf_token</c>, else the
    /// errno Linux gives: optlen &lt; sizeof(int) is EINVAL (sk_setsockopt, before the handler); a socket that
    /// is not TCP is EBADF; optlen not a multiple of 8 or over 128 tokens is EINVAL (sock_devmem_dontneed).
    /// </summary>
    public static Errno Validate(ReadOnlySpan<byte> value, bool isTcpSocket)
    {
        if (value.Length < sizeof(int))
        {
            return Errno.EINVAL;
        }

        if (!isTcpSocket)
        {
            return Errno.EBADF;
        }

        if (value.Length % DmabufToken.Size != 0 || value.Length > DevmemUapi.MaxDontneedOptionLength)
        {
            return Errno.EINVAL;
        }

        return Errno.None;
    }
}
