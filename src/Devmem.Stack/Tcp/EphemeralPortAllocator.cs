using System.Buffers.Binary;
using System.Security.Cryptography;
using Devmem.Stack.Wire;

namespace Devmem.Stack.Tcp;

/// <summary>
/// Ephemeral ports for active opens, by RFC 6056 §3.3.3 (Algorithm 3, "Simple Hash-Based Port Selection"):
/// each (local address, remote address, remote port) starts its search at a keyed-hash offset, and one
/// counter moves every search on, so ports are hard to guess yet a destination's ports are reused as late
/// as possible. The range defaults to Linux's ip_local_port_range.
/// </summary>
public sealed class EphemeralPortAllocator
{
    /// <summary>Linux's default first ephemeral port.</summary>
    public const ushort DefaultFirst = 32768;

    /// <summary>Linux's default last ephemeral port.</summary>
    public const ushort DefaultLast = 60999;

    private readonly byte[] _secret;
    private readonly ushort _first;
    private readonly int _count;
    private uint _next;

    /// <param name="first">First port of the range.</param>
    /// <param name="last">Last port of the range (inclusive).</param>
    public EphemeralPortAllocator(ushort first = DefaultFirst, ushort last = DefaultLast)
    {
        ArgumentOutOfRangeException.ThrowIfZero(first);
        ArgumentOutOfRangeException.ThrowIfLessThan(last, first);
        _first = first;
        _count = last - first + 1;
        _secret = RandomNumberGenerator.GetBytes(32);
    }

    /// <summary>
    /// A port for a connection from <paramref name="localAddress"/> to the remote endpoint on which
    /// <paramref name="isFree"/> holds (the caller checks its tables: the 4-tuple unused, no listener on
    /// the port). False when every port of the range was tried (EADDRNOTAVAIL).
    /// </summary>
    public bool TryAllocate<TState>(Ipv6Address localAddress, Ipv6Address remoteAddress, ushort remotePort, Func<ushort, TState, bool> isFree, TState state, out ushort port)
    {
        ArgumentNullException.ThrowIfNull(isFree);
        uint offset = Offset(localAddress, remoteAddress, remotePort);
        for (int tried = 0; tried < _count; tried++)
        {
            port = (ushort)(_first + ((offset + _next++) % (uint)_count));
            if (isFree(port, state))
            {
                return true;
            }
        }

        port = 0;
        return false;
    }

    // RFC 6056 Algorithm 3's F(local_IP, remote_IP, remote_port, secret_key).
    private uint Offset(Ipv6Address localAddress, Ipv6Address remoteAddress, ushort remotePort)
    {
        Span<byte> input = stackalloc byte[(2 * Ipv6Address.Length) + 2];
        TcpFourTuple.WriteAddress(input, localAddress);
        TcpFourTuple.WriteAddress(input[Ipv6Address.Length..], remoteAddress);
        BinaryPrimitives.WriteUInt16BigEndian(input[(2 * Ipv6Address.Length)..], remotePort);
        Span<byte> mac = stackalloc byte[HMACSHA256.HashSizeInBytes];
        HMACSHA256.HashData(_secret, input, mac);
        return BinaryPrimitives.ReadUInt32BigEndian(mac);
    }
}
