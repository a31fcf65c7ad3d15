using System.Buffers.Binary;
using System.Security.Cryptography;

namespace Devmem.Stack.Tcp;

/// <summary>
/// Initial sequence numbers as RFC 6528 §3 defines them: ISN = M + F(localip, localport, remoteip,
/// remoteport, secretkey), M a timer ticking every 4 microseconds and F a keyed hash (HMAC-SHA-256 here,
/// truncated to 32 bits). Each 4-tuple gets its own sequence space that keeps moving forward, so an
/// off-path attacker cannot predict it and a new incarnation starts above the old one's segments.
/// The same secret yields the per-connection timestamp offsets RFC 7323 §5.4 recommends.
/// </summary>
public sealed class InitialSequenceNumbers
{
    private const byte IsnDomain = 1;
    private const byte TimestampDomain = 2;

    private readonly byte[] _secret;

    /// <summary>A generator with a fresh random 256-bit secret.</summary>
    public InitialSequenceNumbers()
        : this(RandomNumberGenerator.GetBytes(32))
    {
    }

    /// <summary>A generator with a given secret (tests, or a secret shared by several engines).</summary>
    public InitialSequenceNumbers(ReadOnlySpan<byte> secret)
    {
        if (secret.Length < 16)
        {
            throw new ArgumentException("the secret must have at least 128 bits (RFC 6528 §3)", nameof(secret));
        }

        _secret = secret.ToArray();
    }

    /// <summary>The ISN for <paramref name="tuple"/> at <paramref name="now"/> (microseconds).</summary>
    public uint Next(in TcpFourTuple tuple, long now) => unchecked((uint)(now >> 2) + Hash(tuple, IsnDomain));

    /// <summary>The offset our TSval clock starts from on this connection (RFC 7323 §5.4).</summary>
    public uint TimestampOffset(in TcpFourTuple tuple) => Hash(tuple, TimestampDomain);

    private uint Hash(in TcpFourTuple tuple, byte domain)
    {
        Span<byte> input = stackalloc byte[TcpFourTuple.EncodedLength + 1];
        tuple.WriteTo(input);
        input[^1] = domain;
        Span<byte> mac = stackalloc byte[HMACSHA256.HashSizeInBytes];
        HMACSHA256.HashData(_secret, input, mac);
        return BinaryPrimitives.ReadUInt32BigEndian(mac);
    }
}
