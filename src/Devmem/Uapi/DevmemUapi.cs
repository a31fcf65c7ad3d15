namespace Devmem.Uapi;

/// <summary>
/// The devmem TCP uAPI constants, final upstream values (include/uapi/asm-generic/socket.h, Linux 6.12+)
/// and the names the seed (RFC v3, Nov 2023) used before they were renumbered.
/// </summary>
public static class DevmemUapi
{
    /// <summary><c>SOL_SOCKET</c>: the level of every devmem socket option and control message.</summary>
    public const int SolSocket = 1;

    /// <summary><c>SOL_TCP</c> / <c>IPPROTO_TCP</c>.</summary>
    public const int SolTcp = 6;

    /// <summary><c>SO_ZEROCOPY</c>: required on a socket before <c>MSG_ZEROCOPY</c> devmem transmit.</summary>
    public const int SoZerocopy = 60;

    /// <summary><c>SO_DEVMEM_LINEAR</c>: cmsg type for bytes copied into the ordinary buffer.</summary>
    public const int SoDevmemLinear = 78;

    /// <summary><c>SCM_DEVMEM_LINEAR</c> = <see cref="SoDevmemLinear"/>.</summary>
    public const int ScmDevmemLinear = SoDevmemLinear;

    /// <summary><c>SO_DEVMEM_DMABUF</c>: cmsg type for a fragment left in the dma-buf.</summary>
    public const int SoDevmemDmabuf = 79;

    /// <summary><c>SCM_DEVMEM_DMABUF</c> = <see cref="SoDevmemDmabuf"/> (also the TX cmsg carrying a binding id).</summary>
    public const int ScmDevmemDmabuf = SoDevmemDmabuf;

    /// <summary><c>SO_DEVMEM_DONTNEED</c>: setsockopt returning tokens to the kernel.</summary>
    public const int SoDevmemDontneed = 80;

    /// <summary>RFC v3 <c>SO_DEVMEM_HEADER</c> (became <see cref="SoDevmemLinear"/>).</summary>
    public const int RfcV3SoDevmemHeader = 98;

    /// <summary>RFC v3 <c>SO_DEVMEM_OFFSET</c> (became <see cref="SoDevmemDmabuf"/>).</summary>
    public const int RfcV3SoDevmemOffset = 99;

    /// <summary>RFC v3 <c>SO_DEVMEM_DONTNEED</c> (became <see cref="SoDevmemDontneed"/>).</summary>
    public const int RfcV3SoDevmemDontneed = 97;

    /// <summary>
    /// At most 128 <c>dmabuf_token</c>s per SO_DEVMEM_DONTNEED call: upstream rejects
    /// <c>optlen &gt; sizeof(struct dmabuf_token) * MAX_DONTNEED_TOKENS</c> with EINVAL.
    /// </summary>
    public const int MaxDontneedTokens = 128;

    /// <summary>The largest optlen SO_DEVMEM_DONTNEED accepts: 128 tokens of 8 bytes.</summary>
    public const int MaxDontneedOptionLength = MaxDontneedTokens * DmabufToken.Size;

    /// <summary>
    /// <c>MAX_DONTNEED_FRAGS</c>: one SO_DEVMEM_DONTNEED call stops after freeing this many frags, however
    /// many ids its ranges name, so a single call cannot hold the socket for long.
    /// </summary>
    public const int MaxDontneedFrags = 1024;

    /// <summary>Linux <c>PAGE_SIZE</c> on x86-64: the size of one net_iov chunk of a dma-buf binding.</summary>
    public const int PageSize = 4096;

    /// <summary>The largest token id: tokens come from an xarray with <c>xa_limit_31b</c>, starting at 1.</summary>
    public const uint MaxTokenId = int.MaxValue;
}
