using Devmem.Stack.Sockets;

namespace Devmem.Stack.Tests.Sockets;

/// <summary>An application writing a stream in pieces of random size, as the transfer tests' senders do.</summary>
internal static class RandomWrites
{
    /// <summary>Sends <paramref name="data"/> in seeded pieces of 1 to <paramref name="maxWrite"/> - 1 bytes.</summary>
    public static async Task SendAsync(EngineTcpSocket socket, ReadOnlyMemory<byte> data, int maxWrite, int seed, CancellationToken cancellationToken)
    {
        var random = new Random(seed);
        for (int sent = 0; sent < data.Length;)
        {
            int length = Math.Min(random.Next(1, maxWrite), data.Length - sent);
            await socket.SendAsync(data.Slice(sent, length), cancellationToken);
            sent += length;
        }
    }
}
