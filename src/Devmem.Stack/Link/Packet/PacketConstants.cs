namespace Devmem.Stack.Link.Packet;

/// <summary>
/// The packet-socket uAPI this link uses (include/uapi/linux/if_packet.h, if_ether.h), with the TPACKET_V3
/// layouts as byte offsets: <c>struct tpacket_block_desc</c> (whose <c>tpacket_hdr_v1</c> starts at 8) and
/// <c>struct tpacket3_hdr</c> (48 bytes, followed by the <c>struct sockaddr_ll</c>).
/// </summary>
internal static class PacketConstants
{
    public const int SOL_PACKET = 263;
    public const int PACKET_RX_RING = 5;
    public const int PACKET_VERSION = 10;
    public const int PACKET_TX_RING = 13;
    public const int PACKET_IGNORE_OUTGOING = 23;
    public const int TPACKET_V3 = 2;

    /// <summary>ETH_P_ALL: every protocol, in network byte order for <c>sll_protocol</c>.</summary>
    public const ushort EthPAllNetworkOrder = 0x0300;

    /// <summary>sizeof(struct sockaddr_ll).</summary>
    public const int SockaddrLlLength = 20;

    // struct tpacket_req3 is seven u32s: block_size, block_nr, frame_size, frame_nr, retire_blk_tov,
    // sizeof_priv, feature_req_word.
    public const int Req3Length = 28;

    // struct tpacket_block_desc: version, offset_to_priv, then tpacket_hdr_v1.
    public const int BlockStatusOffset = 8;
    public const int BlockPacketCountOffset = 12;
    public const int BlockFirstPacketOffset = 16;

    // struct tpacket3_hdr.
    public const int NextOffsetOffset = 0;
    public const int SnapLengthOffset = 12;
    public const int LengthOffset = 16;
    public const int StatusOffset = 20;
    public const int MacOffsetOffset = 24;

    /// <summary>
    /// Where a TX frame's data starts: tp_hdrlen - sizeof(struct sockaddr_ll), with tp_hdrlen = TPACKET3_HDRLEN =
    /// TPACKET_ALIGN(sizeof(struct tpacket3_hdr)) + sizeof(struct sockaddr_ll) (af_packet.c tpacket_parse_header()).
    /// </summary>
    public const int TxDataOffset = 48;

    /// <summary>TP_STATUS_KERNEL: the kernel owns the RX block.</summary>
    public const uint TP_STATUS_KERNEL = 0;

    /// <summary>TP_STATUS_AVAILABLE: the TX slot is free.</summary>
    public const uint TP_STATUS_AVAILABLE = 0;

    /// <summary>TP_STATUS_USER: a retired block is ours to read.</summary>
    public const uint TP_STATUS_USER = 1;

    /// <summary>TP_STATUS_SEND_REQUEST: a TX slot is filled and waits for send().</summary>
    public const uint TP_STATUS_SEND_REQUEST = 1;

    /// <summary>TP_STATUS_WRONG_FORMAT: the kernel refused a TX slot (too long, for one).</summary>
    public const uint TP_STATUS_WRONG_FORMAT = 4;

    /// <summary>TP_STATUS_CSUMNOTREADY: the skb was CHECKSUM_PARTIAL: a local sender left the transport checksum to offload.</summary>
    public const uint TP_STATUS_CSUMNOTREADY = 1 << 3;

    /// <summary>TP_STATUS_CSUM_VALID: the skb was CHECKSUM_UNNECESSARY: the transport checksum was verified.</summary>
    public const uint TP_STATUS_CSUM_VALID = 1 << 7;
}
