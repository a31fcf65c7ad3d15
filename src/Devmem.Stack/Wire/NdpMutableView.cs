namespace Devmem.Stack.Wire;

/// <summary>
/// A zero-copy, writable view of a Neighbor Solicitation or Advertisement body: target address,
/// NA flags and the options area. Type, code and checksum are written through
/// <see cref="Icmpv6MutableView"/>. No checks are made.
/// </summary>
public readonly ref struct NdpMutableView
{
    private readonly Span<byte> _buffer;

    /// <summary>Wraps <paramref name="message"/> (the whole ICMPv6 message) without validating it.</summary>
    public NdpMutableView(Span<byte> message) => _buffer = message;

    /// <summary>The read-only view of the same bytes.</summary>
    public NdpView AsReadOnly() => new(_buffer);

    /// <summary>The read-only view of the same bytes.</summary>
    public static implicit operator NdpView(NdpMutableView view) => view.AsReadOnly();

    /// <summary>The whole ICMPv6 message.</summary>
    public Span<byte> Buffer => _buffer;

    /// <summary>NA R flag.</summary>
    public bool IsRouter
    {
        get => AsReadOnly().IsRouter;
        set => SetFlag(NdpView.RouterFlag, value);
    }

    /// <summary>NA S flag.</summary>
    public bool IsSolicited
    {
        get => AsReadOnly().IsSolicited;
        set => SetFlag(NdpView.SolicitedFlag, value);
    }

    /// <summary>NA O flag.</summary>
    public bool IsOverride
    {
        get => AsReadOnly().IsOverride;
        set => SetFlag(NdpView.OverrideFlag, value);
    }

    /// <summary>Target Address (NS, NA, Redirect).</summary>
    public Ipv6Address TargetAddress
    {
        get => AsReadOnly().TargetAddress;
        set => value.CopyTo(_buffer.Slice(NdpView.TargetOffset));
    }

    /// <summary>The options area, after the fixed part of this message's type.</summary>
    public Span<byte> Options => _buffer.Slice(NdpView.FixedLength(AsReadOnly().Type));

    private void SetFlag(byte flag, bool on)
    {
        byte flags = _buffer[NdpView.FlagsOffset];
        _buffer[NdpView.FlagsOffset] = (byte)(on ? flags | flag : flags & ~flag);
    }
}
