using System.Buffers.Binary;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using Devmem.Kernel.Ethtool.Uapi;

namespace Devmem.Kernel.Ethtool;

/// <summary>
/// An n-tuple flow steering rule: TCP segments to <see cref="DestinationAddress"/>:<see cref="DestinationPort"/>
/// (and, for a 5-tuple, from <see cref="SourceAddress"/>:<see cref="SourcePort"/>) go to RX queue
/// <see cref="Queue"/>. ncdevmem installs one so the flow lands on the dma-buf-bound queue.
/// </summary>
/// <param name="DestinationAddress">The local address the flow is sent to; its family picks TCP_V4_FLOW or TCP_V6_FLOW.</param>
/// <param name="DestinationPort">The local port.</param>
/// <param name="SourceAddress">The peer's address, matched when given (same family).</param>
/// <param name="SourcePort">The peer's port, matched when given.</param>
/// <param name="Queue">The RX queue (<c>ring_cookie</c>).</param>
/// <param name="Location">Where in the NIC's rule table: an index, or null to let the driver choose (<c>RX_CLS_LOC_ANY</c>).</param>
public sealed record EthtoolFlowRule(
    IPAddress DestinationAddress,
    ushort DestinationPort,
    IPAddress? SourceAddress,
    ushort? SourcePort,
    uint Queue,
    uint? Location = null)
{
    /// <summary>TCP over IPv4 or IPv6, from the destination's family.</summary>
    public EthtoolFlowType FlowType => DestinationAddress.AddressFamily == AddressFamily.InterNetworkV6 ? EthtoolFlowType.TcpV6 : EthtoolFlowType.TcpV4;

    /// <inheritdoc/>
    public override string ToString() => string.Create(
        CultureInfo.InvariantCulture,
        $"{FlowType} dst {DestinationAddress}:{DestinationPort}{(SourceAddress is null ? string.Empty : $" src {SourceAddress}")}{(SourcePort is null ? string.Empty : $" sport {SourcePort}")} -> queue {Queue}{(Location is null ? string.Empty : $" at {Location}")}");

    /// <summary>The kernel's flow spec: fields in network byte order, all-ones masks on the matched fields.</summary>
    internal unsafe EthtoolRxFlowSpec ToFlowSpec()
    {
        Validate();
        var spec = new EthtoolRxFlowSpec
        {
            FlowType = (uint)FlowType,
            RingCookie = Queue,
            Location = Location ?? EthtoolIoctlCommand.LocationAny,
        };
        ushort dport = BinaryPrimitives.ReverseEndianness(DestinationPort);
        ushort sport = BinaryPrimitives.ReverseEndianness(SourcePort ?? 0);
        ushort sportMask = SourcePort is null ? (ushort)0 : ushort.MaxValue;
        if (FlowType == EthtoolFlowType.TcpV4)
        {
            spec.Header.TcpIp4.DestinationAddress = V4(DestinationAddress);
            spec.Mask.TcpIp4.DestinationAddress = uint.MaxValue;
            spec.Header.TcpIp4.DestinationPort = dport;
            spec.Mask.TcpIp4.DestinationPort = ushort.MaxValue;
            if (SourceAddress is not null)
            {
                spec.Header.TcpIp4.SourceAddress = V4(SourceAddress);
                spec.Mask.TcpIp4.SourceAddress = uint.MaxValue;
            }

            spec.Header.TcpIp4.SourcePort = sport;
            spec.Mask.TcpIp4.SourcePort = sportMask;
        }
        else
        {
            DestinationAddress.TryWriteBytes(new Span<byte>(spec.Header.TcpIp6.DestinationAddress, 16), out _);
            new Span<byte>(spec.Mask.TcpIp6.DestinationAddress, 16).Fill(0xff);
            spec.Header.TcpIp6.DestinationPort = dport;
            spec.Mask.TcpIp6.DestinationPort = ushort.MaxValue;
            if (SourceAddress is not null)
            {
                SourceAddress.TryWriteBytes(new Span<byte>(spec.Header.TcpIp6.SourceAddress, 16), out _);
                new Span<byte>(spec.Mask.TcpIp6.SourceAddress, 16).Fill(0xff);
            }

            spec.Header.TcpIp6.SourcePort = sport;
            spec.Mask.TcpIp6.SourcePort = sportMask;
        }

        return spec;
    }

    /// <summary>Reads back a TCP rule the kernel reported; null for any other flow type (not devmem's).</summary>
    internal static unsafe EthtoolFlowRule? FromFlowSpec(in EthtoolRxFlowSpec spec)
    {
        // FLOW_EXT, FLOW_MAC_EXT and FLOW_RSS are flag bits above the type (include/uapi/linux/ethtool.h).
        uint type = spec.FlowType & ~0xE0000000u;
        if (type == (uint)EthtoolFlowType.TcpV4)
        {
            EthtoolTcpIp4Spec header = spec.Header.TcpIp4, mask = spec.Mask.TcpIp4;
            return new EthtoolFlowRule(
                FromV4(header.DestinationAddress),
                BinaryPrimitives.ReverseEndianness(header.DestinationPort),
                mask.SourceAddress == 0 ? null : FromV4(header.SourceAddress),
                mask.SourcePort == 0 ? null : BinaryPrimitives.ReverseEndianness(header.SourcePort),
                (uint)spec.RingCookie,
                spec.Location);
        }

        if (type == (uint)EthtoolFlowType.TcpV6)
        {
            EthtoolTcpIp6Spec header = spec.Header.TcpIp6, mask = spec.Mask.TcpIp6;
            bool matchesSource = new ReadOnlySpan<byte>(mask.SourceAddress, 16).ContainsAnyExcept((byte)0);
            return new EthtoolFlowRule(
                new IPAddress(new ReadOnlySpan<byte>(header.DestinationAddress, 16)),
                BinaryPrimitives.ReverseEndianness(header.DestinationPort),
                matchesSource ? new IPAddress(new ReadOnlySpan<byte>(header.SourceAddress, 16)) : null,
                mask.SourcePort == 0 ? null : BinaryPrimitives.ReverseEndianness(header.SourcePort),
                (uint)spec.RingCookie,
                spec.Location);
        }

        return null;
    }

    private void Validate()
    {
        ArgumentNullException.ThrowIfNull(DestinationAddress);
        if (DestinationAddress.AddressFamily is not (AddressFamily.InterNetwork or AddressFamily.InterNetworkV6))
        {
            throw new ArgumentException($"{DestinationAddress} is neither IPv4 nor IPv6.", nameof(DestinationAddress));
        }

        if (SourceAddress is not null && SourceAddress.AddressFamily != DestinationAddress.AddressFamily)
        {
            throw new ArgumentException($"source {SourceAddress} and destination {DestinationAddress} are of different address families.", nameof(SourceAddress));
        }

        if (Location is uint location && location >= EthtoolIoctlCommand.LocationAny)
        {
            throw new ArgumentOutOfRangeException(nameof(Location), "a location is a table index; leave it null to let the driver choose.");
        }
    }

    // The address's bytes are already in network order; reading them natively keeps them that way.
    private static uint V4(IPAddress address)
    {
        Span<byte> bytes = stackalloc byte[4];
        address.TryWriteBytes(bytes, out _);
        return BitConverter.ToUInt32(bytes);
    }

    private static IPAddress FromV4(uint networkOrder) => new(BitConverter.GetBytes(networkOrder));
}
