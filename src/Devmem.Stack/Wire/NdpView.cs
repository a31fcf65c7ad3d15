using System.Buffers.Binary;

namespace Devmem.Stack.Wire;

/// <summary>
/// A zero-copy, read-only view of a Neighbor Discovery message (RFC 4861 §4) inside its ICMPv6
/// message: the fields after the ICMPv6 type/code/checksum, by type, and the options area. Type,
/// code and checksum are read through <see cref="Icmpv6View"/>; <see cref="NdpMutableView"/> writes.
/// </summary>
/// <remarks>The constructor does no checks: use <see cref="TryCreate"/> for input from the wire.</remarks>
public readonly ref struct NdpView
{
    internal const int FlagsOffset = 4;
    internal const int RouterLifetimeOffset = 6;
    internal const int ReachableTimeOffset = 8;
    internal const int RetransTimerOffset = 12;
    internal const int TargetOffset = 8;
    internal const int RedirectDestinationOffset = 24;

    internal const byte RouterFlag = 0x80;
    internal const byte SolicitedFlag = 0x40;
    internal const byte OverrideFlag = 0x20;

    private readonly ReadOnlySpan<byte> _buffer;

    /// <summary>Wraps <paramref name="message"/> (the whole ICMPv6 message) without validating it.</summary>
    public NdpView(ReadOnlySpan<byte> message) => _buffer = message;

    /// <summary>
    /// Bytes before the options: 8 for Router Solicitation (§4.1), 16 for Router Advertisement
    /// (§4.2), 24 for Neighbor Solicitation and Advertisement (§4.3-4.4), 40 for Redirect (§4.5);
    /// 0 for a type that is not Neighbor Discovery.
    /// </summary>
    public static int FixedLength(Icmpv6Type type) => type switch
    {
        Icmpv6Type.RouterSolicitation => 8,
        Icmpv6Type.RouterAdvertisement => 16,
        Icmpv6Type.NeighborSolicitation or Icmpv6Type.NeighborAdvertisement => 24,
        Icmpv6Type.Redirect => 40,
        _ => 0,
    };

    /// <summary>Validates and wraps <paramref name="message"/> (see <see cref="Check"/>).</summary>
    public static bool TryCreate(ReadOnlySpan<byte> message, out NdpView view, out WireParseError error)
    {
        error = Check(message);
        view = error == WireParseError.None ? new NdpView(message) : default;
        return error == WireParseError.None;
    }

    /// <summary>
    /// Truncated under 8 bytes; UnknownProtocol for a type that is not Neighbor Discovery;
    /// Truncated when the type's fixed part does not fit. Options are not checked here.
    /// </summary>
    public static WireParseError Check(ReadOnlySpan<byte> message)
    {
        if (message.Length < Icmpv6View.HeaderLength)
        {
            return WireParseError.Truncated;
        }
        int fixedLength = FixedLength((Icmpv6Type)message[0]);
        if (fixedLength == 0)
        {
            return WireParseError.UnknownProtocol;
        }
        return message.Length < fixedLength ? WireParseError.Truncated : WireParseError.None;
    }

    /// <summary>The whole ICMPv6 message.</summary>
    public ReadOnlySpan<byte> Buffer => _buffer;

    /// <summary>The ICMPv6 type.</summary>
    public Icmpv6Type Type => (Icmpv6Type)_buffer[0];

    /// <summary>Neighbor Advertisement R flag: the sender is a router (§4.4).</summary>
    public bool IsRouter => (_buffer[FlagsOffset] & RouterFlag) != 0;

    /// <summary>Neighbor Advertisement S flag: sent in response to a solicitation (§4.4).</summary>
    public bool IsSolicited => (_buffer[FlagsOffset] & SolicitedFlag) != 0;

    /// <summary>Neighbor Advertisement O flag: override an existing cache entry (§4.4).</summary>
    public bool IsOverride => (_buffer[FlagsOffset] & OverrideFlag) != 0;

    /// <summary>Router Advertisement Cur Hop Limit (§4.2).</summary>
    public byte CurrentHopLimit => _buffer[FlagsOffset];

    /// <summary>Router Advertisement Router Lifetime in seconds (§4.2).</summary>
    public ushort RouterLifetime => BinaryPrimitives.ReadUInt16BigEndian(_buffer.Slice(RouterLifetimeOffset));

    /// <summary>Router Advertisement Reachable Time in milliseconds (§4.2).</summary>
    public uint ReachableTime => BinaryPrimitives.ReadUInt32BigEndian(_buffer.Slice(ReachableTimeOffset));

    /// <summary>Router Advertisement Retrans Timer in milliseconds (§4.2).</summary>
    public uint RetransTimer => BinaryPrimitives.ReadUInt32BigEndian(_buffer.Slice(RetransTimerOffset));

    /// <summary>Target Address of a Neighbor Solicitation, Neighbor Advertisement or Redirect.</summary>
    public Ipv6Address TargetAddress => new(_buffer.Slice(TargetOffset));

    /// <summary>Destination Address of a Redirect (§4.5).</summary>
    public Ipv6Address RedirectDestination => new(_buffer.Slice(RedirectDestinationOffset));

    /// <summary>The options area, after the fixed part of this message's type.</summary>
    public ReadOnlySpan<byte> Options => _buffer.Slice(FixedLength(Type));

    /// <summary>A reader over <see cref="Options"/>.</summary>
    public NdpOptionReader GetOptionReader() => new(Options);
}
