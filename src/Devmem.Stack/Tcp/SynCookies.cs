using System.Buffers.Binary;
using System.Security.Cryptography;

namespace Devmem.Stack.Tcp;

/// <summary>
/// SYN cookies (RFC 4987 §3.6): when a listener's SYN queue is full, the SYN-ACK's initial sequence number
/// carries the connection's state instead of a queue entry, and the handshake's final ACK (SEG.ACK − 1)
/// brings it back. The 32 bits are a 5-bit time counter (64 s ticks), a 3-bit index into a table of MSS
/// values, and 24 bits of a keyed hash over the 4-tuple, the peer's ISN, and the counter, so a cookie
/// cannot be forged off-path and expires after two ticks.
/// </summary>
/// <remarks>
/// Like Linux's cookies when the SYN carries no timestamps, a connection restored from a cookie keeps only
/// its MSS: no window scaling, SACK or timestamps, so it runs with a 64 KiB window. That is the price of
/// serving legitimate clients while a flood fills the SYN queue.
/// </remarks>
public sealed class SynCookies
{
    /// <summary>How long a cookie stays valid, as counter ticks (each 64 s): the current one and the one before.</summary>
    public const int ValidTicks = 2;

    /// <summary>One counter tick in microseconds (2^26, about 67 s).</summary>
    public const long TickMicroseconds = 1L << TickShift;

    private const int TickShift = 26;
    private const int CounterBits = 5;
    private const int MssBits = 3;
    private const int HashBits = 32 - CounterBits - MssBits;

    // The MSS values a cookie can carry, ascending: the common Ethernet, IPv6, tunnel and jumbo sizes.
    private static readonly ushort[] MssTable = [536, 1220, 1360, 1400, 1440, 1460, 8960, 65495];

    private readonly byte[] _secret;

    /// <summary>Cookies under a fresh random 256-bit secret.</summary>
    public SynCookies()
        : this(RandomNumberGenerator.GetBytes(32))
    {
    }

    /// <summary>Cookies under a given secret (tests).</summary>
    public SynCookies(ReadOnlySpan<byte> secret)
    {
        if (secret.Length < 16)
        {
            throw new ArgumentException("the secret must have at least 128 bits", nameof(secret));
        }

        _secret = secret.ToArray();
    }

    /// <summary>The ISN of a stateless SYN-ACK for <paramref name="tuple"/>, carrying the largest table MSS not above <paramref name="mss"/>.</summary>
    /// <param name="tuple">Our side's view of the connection.</param>
    /// <param name="peerIsn">The SYN's sequence number.</param>
    /// <param name="mss">The MSS the connection would use: the peer's, bounded by ours.</param>
    /// <param name="now">Microseconds.</param>
    public uint Create(in TcpFourTuple tuple, uint peerIsn, int mss, long now)
    {
        int index = 0;
        while (index + 1 < MssTable.Length && MssTable[index + 1] <= mss)
        {
            index++;
        }

        uint counter = Counter(now);
        return (counter << (32 - CounterBits)) | ((uint)index << HashBits) | Hash(tuple, peerIsn, counter);
    }

    /// <summary>
    /// Checks the cookie a final ACK returns (<paramref name="cookie"/> = SEG.ACK − 1, <paramref name="peerIsn"/> =
    /// SEG.SEQ − 1); on success gives the MSS it carried.
    /// </summary>
    public bool TryValidate(in TcpFourTuple tuple, uint cookie, uint peerIsn, long now, out int mss)
    {
        mss = 0;
        uint counter = cookie >> (32 - CounterBits);
        uint age = (Counter(now) - counter) & ((1u << CounterBits) - 1);
        if (age >= ValidTicks || (cookie & ((1u << HashBits) - 1)) != Hash(tuple, peerIsn, counter))
        {
            return false;
        }

        mss = MssTable[(cookie >> HashBits) & ((1u << MssBits) - 1)];
        return true;
    }

    private static uint Counter(long now) => (uint)(now >> TickShift) & ((1u << CounterBits) - 1);

    private uint Hash(in TcpFourTuple tuple, uint peerIsn, uint counter)
    {
        Span<byte> input = stackalloc byte[TcpFourTuple.EncodedLength + 8];
        tuple.WriteTo(input);
        BinaryPrimitives.WriteUInt32BigEndian(input[TcpFourTuple.EncodedLength..], peerIsn);
        BinaryPrimitives.WriteUInt32BigEndian(input[(TcpFourTuple.EncodedLength + 4)..], counter);
        Span<byte> mac = stackalloc byte[HMACSHA256.HashSizeInBytes];
        HMACSHA256.HashData(_secret, input, mac);
        return BinaryPrimitives.ReadUInt32BigEndian(mac) & ((1u << HashBits) - 1);
    }
}
