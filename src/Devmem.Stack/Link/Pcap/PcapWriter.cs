using System.Buffers.Binary;

namespace Devmem.Stack.Link.Pcap;

/// <summary>
/// Writes the classic libpcap savefile format (pcap-savefile(5)): a 24-byte file header with magic
/// 0xa1b2c3d4 (microsecond timestamps), version 2.4, snaplen and LINKTYPE_ETHERNET, then per frame a 16-byte
/// record header (ts_sec, ts_usec, incl_len, orig_len) and the bytes. Fields are in the writer's byte order,
/// which readers learn from the magic; this one writes little-endian.
/// </summary>
/// <remarks>
/// Nothing is allocated per frame: the record header is built on the stack and the stream buffers. Not
/// thread-safe: <see cref="PcapLink"/> serialises its two directions.
/// </remarks>
public sealed class PcapWriter : IDisposable
{
    /// <summary>LINKTYPE_ETHERNET (the tcpdump.org link-layer header types registry).</summary>
    public const uint LinkTypeEthernet = 1;

    /// <summary>
    /// The default snapshot length, tcpdump's since 4.0 (MAXIMUM_SNAPLEN): large enough for a whole 64 KiB GSO
    /// frame, which a 65535-byte snaplen would truncate.
    /// </summary>
    public const int DefaultSnapLength = 262144;

    private const uint MagicMicroseconds = 0xa1b2c3d4;
    private const int FileHeaderLength = 24;
    private const int RecordHeaderLength = 16;

    private readonly Stream _stream;
    private readonly bool _ownsStream;
    private long _records;

    /// <param name="stream">Where the file goes; the header is written at once.</param>
    /// <param name="snapLength">The most bytes kept of each frame.</param>
    /// <param name="ownsStream">Dispose the stream with the writer.</param>
    public PcapWriter(Stream stream, int snapLength = DefaultSnapLength, bool ownsStream = true)
    {
        ArgumentNullException.ThrowIfNull(stream);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(snapLength);
        _stream = stream;
        _ownsStream = ownsStream;
        SnapLength = snapLength;
        Span<byte> header = stackalloc byte[FileHeaderLength];
        BinaryPrimitives.WriteUInt32LittleEndian(header, MagicMicroseconds);
        BinaryPrimitives.WriteUInt16LittleEndian(header[4..], 2);
        BinaryPrimitives.WriteUInt16LittleEndian(header[6..], 4);
        BinaryPrimitives.WriteInt32LittleEndian(header[8..], 0); // thiszone: timestamps are UTC
        BinaryPrimitives.WriteUInt32LittleEndian(header[12..], 0); // sigfigs: 0, as every tool writes
        BinaryPrimitives.WriteInt32LittleEndian(header[16..], snapLength);
        BinaryPrimitives.WriteUInt32LittleEndian(header[20..], LinkTypeEthernet);
        _stream.Write(header);
    }

    /// <summary>The most bytes kept of each frame.</summary>
    public int SnapLength { get; }

    /// <summary>Frames written.</summary>
    public long Records => _records;

    /// <summary>Creates (or truncates) a file and writes the header.</summary>
    public static PcapWriter Create(string path, int snapLength = DefaultSnapLength) =>
        new(new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.Read, bufferSize: 1 << 20), snapLength);

    /// <summary>Appends one frame captured at <paramref name="timestamp"/>, cut to <see cref="SnapLength"/>.</summary>
    public void Write(ReadOnlySpan<byte> frame, DateTimeOffset timestamp)
    {
        long microseconds = (timestamp.UtcTicks - DateTimeOffset.UnixEpoch.UtcTicks) / TimeSpan.TicksPerMicrosecond;
        int kept = Math.Min(frame.Length, SnapLength);
        Span<byte> header = stackalloc byte[RecordHeaderLength];
        BinaryPrimitives.WriteUInt32LittleEndian(header, (uint)(microseconds / 1_000_000));
        BinaryPrimitives.WriteUInt32LittleEndian(header[4..], (uint)(microseconds % 1_000_000));
        BinaryPrimitives.WriteInt32LittleEndian(header[8..], kept);
        BinaryPrimitives.WriteInt32LittleEndian(header[12..], frame.Length);
        _stream.Write(header);
        _stream.Write(frame[..kept]);
        _records++;
    }

    /// <summary>Pushes buffered records to the stream's backing store.</summary>
    public void Flush() => _stream.Flush();

    /// <inheritdoc/>
    public void Dispose()
    {
        _stream.Flush();
        if (_ownsStream)
        {
            _stream.Dispose();
        }
    }
}
