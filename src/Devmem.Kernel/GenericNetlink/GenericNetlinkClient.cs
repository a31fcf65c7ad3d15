using Devmem.Kernel.Netlink;

namespace Devmem.Kernel.GenericNetlink;

/// <summary>
/// A netlink socket bound to one generic netlink family, resolved by name when opened: requests are built in
/// <see cref="BeginRequest"/>, then sent with <see cref="Do{T}"/>, <see cref="Execute"/> or <see cref="Dump{T}"/>.
/// </summary>
/// <remarks>
/// The socket belongs to the network namespace of the thread that opened it, for its whole life (see
/// <see cref="Namespaces.NetworkNamespace"/>). Not thread-safe: one request at a time.
/// </remarks>
public sealed class GenericNetlinkClient : IDisposable
{
    private GenericNetlinkClient(NetlinkSocket socket, GenericNetlinkFamily family)
    {
        Socket = socket;
        Family = family;
    }

    /// <summary>The family as the controller described it.</summary>
    public GenericNetlinkFamily Family { get; }

    /// <summary>The socket; closing it ends everything the kernel ties to it (a dma-buf binding).</summary>
    public NetlinkSocket Socket { get; }

    /// <summary>Opens a generic netlink socket in the calling thread's network namespace and resolves <paramref name="familyName"/>.</summary>
    /// <exception cref="Uapi.DevmemException">The socket could not be opened or the family is not registered.</exception>
    public static GenericNetlinkClient Open(string familyName)
    {
        NetlinkSocket socket = NetlinkSocket.Open(NetlinkProtocol.Generic);
        try
        {
            return new GenericNetlinkClient(socket, GenericNetlinkController.GetFamily(socket, familyName));
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Starts a request for <paramref name="command"/> (a dump when <paramref name="dump"/>): the headers are
    /// written; put the attributes into the returned writer.
    /// </summary>
    public NetlinkMessageWriter BeginRequest(byte command, bool dump = false)
    {
        NetlinkMessageWriter request = Socket.BeginRequest(Family.Id, dump ? NetlinkFlags.Dump : (ushort)0);
        request.Write(new GenericNetlinkHeader(command, (byte)Family.Version));
        for (uint i = 0; i < Family.HeaderSize; i += sizeof(uint))
        {
            request.Write(0u);
        }

        return request;
    }

    /// <summary>Sends the request and parses its one reply.</summary>
    /// <exception cref="Uapi.DevmemException">The kernel refused it: errno, its message, and <paramref name="errors"/>' advice.</exception>
    public T Do<T>(GenericNetlinkReplyParser<T> parse, in NetlinkErrorContext errors) =>
        GenericNetlinkTransaction.Do(Socket, Family.HeaderSize, parse, errors);

    /// <summary>Sends the request and waits for its ACK.</summary>
    /// <exception cref="Uapi.DevmemException">The kernel refused it.</exception>
    public void Execute(in NetlinkErrorContext errors) =>
        GenericNetlinkTransaction.Execute(Socket, Family.HeaderSize, errors);

    /// <summary>Sends the dump request and parses every reply up to NLMSG_DONE.</summary>
    /// <exception cref="Uapi.DevmemException">The kernel refused it or the dump was interrupted.</exception>
    public List<T> Dump<T>(GenericNetlinkReplyParser<T> parse, in NetlinkErrorContext errors) =>
        GenericNetlinkTransaction.Dump(Socket, Family.HeaderSize, parse, errors);

    /// <summary>Closes the socket.</summary>
    public void Dispose() => Socket.Dispose();
}
