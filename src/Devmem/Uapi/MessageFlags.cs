namespace Devmem.Uapi;

/// <summary>recvmsg/sendmsg flags (include/linux/socket.h) that the devmem paths look at.</summary>
[Flags]
public enum MessageFlags
{
    None = 0,

    /// <summary><c>MSG_PEEK</c>: look at queued data without consuming it.</summary>
    Peek = 0x2,

    /// <summary><c>MSG_CTRUNC</c>: control data was truncated (never set by devmem receive: it fails with ETOOSMALL instead).</summary>
    ControlTruncated = 0x8,

    /// <summary><c>MSG_TRUNC</c>: on TCP, consume the bytes without copying them anywhere.</summary>
    Truncate = 0x20,

    /// <summary><c>MSG_DONTWAIT</c>: fail with EAGAIN instead of blocking.</summary>
    DontWait = 0x40,

    /// <summary><c>MSG_WAITALL</c>: block until the full request is satisfied.</summary>
    WaitAll = 0x100,

    /// <summary><c>MSG_SOCK_DEVMEM</c>: the caller accepts device-memory data as cmsgs (the seed's flag).</summary>
    SockDevmem = 0x2000000,

    /// <summary><c>MSG_ZEROCOPY</c>: transmit from user (or, with a devmem binding, device) memory without copying.</summary>
    Zerocopy = 0x4000000,
}
