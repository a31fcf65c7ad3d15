namespace Devmem.Uapi;

/// <summary>
/// The 64-bit control-message arithmetic of include/linux/socket.h: a <c>struct cmsghdr</c> is
/// <c>{ size_t cmsg_len; int cmsg_level; int cmsg_type; }</c> (16 bytes) and everything is aligned to
/// <c>sizeof(long)</c> = 8.
/// </summary>
public static class CmsgLayout
{
    /// <summary><c>sizeof(struct cmsghdr)</c> on LP64.</summary>
    public const int HeaderSize = 16;

    /// <summary><c>CMSG_ALIGN(len)</c>: round up to a multiple of 8.</summary>
    public static int Align(int length) => (length + 7) & ~7;

    /// <summary><c>CMSG_LEN(len)</c>: the <c>cmsg_len</c> value of a message carrying <paramref name="dataLength"/> bytes.</summary>
    public static int Len(int dataLength) => HeaderSize + dataLength;

    /// <summary><c>CMSG_SPACE(len)</c>: control-buffer bytes a message occupies, padding included.</summary>
    public static int Space(int dataLength) => HeaderSize + Align(dataLength);
}
