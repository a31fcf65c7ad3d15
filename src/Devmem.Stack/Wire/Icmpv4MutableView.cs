using System.Buffers.Binary;

namespace Devmem.Stack.Wire;

/// <summary>
/// A zero-copy, writable view of an ICMPv4 message: the fields of <see cref="Icmpv4View"/> with
/// setters that write in place, and <see cref="FillChecksum"/>. No checks are made.
/// </summary>
public readonly ref struct Icmpv4MutableView
{
    private readonly Span<byte> _buffer;

    /// <summary>Wraps <paramref name="message"/> (exactly the message: the checksum covers all of it) without validating it.</summary>
    public Icmpv4MutableView(Span<byte> message) => _buffer = message;

    /// <summary>The read-only view of the same bytes.</summary>
    public Icmpv4View AsReadOnly() => new(_buffer);

    /// <summary>The read-only view of the same bytes.</summary>
    public static implicit operator Icmpv4View(Icmpv4MutableView view) => view.AsReadOnly();

    /// <summary>The whole message.</summary>
    public Span<byte> Buffer => _buffer;

    /// <summary>Type.</summary>
    public Icmpv4Type Type
    {
        get => (Icmpv4Type)_buffer[Icmpv4View.TypeOffset];
        set => _buffer[Icmpv4View.TypeOffset] = (byte)value;
    }

    /// <summary>Code.</summary>
    public byte Code
    {
        get => _buffer[Icmpv4View.CodeOffset];
        set => _buffer[Icmpv4View.CodeOffset] = value;
    }

    /// <summary>Checksum.</summary>
    public ushort Checksum
    {
        get => AsReadOnly().Checksum;
        set => BinaryPrimitives.WriteUInt16BigEndian(_buffer.Slice(Icmpv4View.ChecksumOffset), value);
    }

    /// <summary>The four type-specific bytes as one big-endian word.</summary>
    public uint RestOfHeader
    {
        get => AsReadOnly().RestOfHeader;
        set => BinaryPrimitives.WriteUInt32BigEndian(_buffer.Slice(Icmpv4View.RestOffset), value);
    }

    /// <summary>Echo Identifier.</summary>
    public ushort Identifier
    {
        get => AsReadOnly().Identifier;
        set => BinaryPrimitives.WriteUInt16BigEndian(_buffer.Slice(Icmpv4View.RestOffset), value);
    }

    /// <summary>Echo Sequence Number.</summary>
    public ushort SequenceNumber
    {
        get => AsReadOnly().SequenceNumber;
        set => BinaryPrimitives.WriteUInt16BigEndian(_buffer.Slice(Icmpv4View.SequenceOffset), value);
    }

    /// <summary>Everything after the 8-byte header.</summary>
    public Span<byte> Payload => _buffer.Slice(Icmpv4View.HeaderLength);

    /// <summary>Computes and stores the checksum over the whole message.</summary>
    public void FillChecksum()
    {
        Checksum = 0;
        Checksum = InternetChecksum.Compute(_buffer);
    }
}
