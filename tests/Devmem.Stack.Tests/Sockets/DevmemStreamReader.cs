using Devmem.Memory;
using Devmem.Stack.Sockets;
using Devmem.Uapi;

namespace Devmem.Stack.Tests.Sockets;

/// <summary>
/// The application side of a devmem receive, as ncdevmem does it: typed receives until end of stream,
/// every byte checked against the pattern where it lies (the dma-buf at each fragment's offset, the linear
/// buffer for linear records and readable data), tokens returned after each receive.
/// </summary>
internal static class DevmemStreamReader
{
    private const int MaxBytes = 1 << 20;

    /// <summary>Reads to end of stream; returns the byte count. Every receive must be of <paramref name="kind"/>.</summary>
    public static async Task<long> ReadToEndAsync(EngineTcpSocket socket, DmaBuf dmaBuf, DevmemDataKind kind, CancellationToken cancellationToken)
    {
        var linear = new byte[MaxBytes];
        var fragments = new DevmemFragment[DevmemUapi.MaxDontneedFrags];
        var tokens = new List<DmabufToken>();
        long position = 0;
        while (true)
        {
            DevmemReceiveResult result = await socket.Receiver.ReceiveAsync(linear, fragments, MaxBytes, MessageFlags.SockDevmem, cancellationToken);
            if (result.IsEndOfStream)
            {
                return position;
            }

            Assert.Equal(kind, result.Kind);
            if (result.Kind == DevmemDataKind.Readable)
            {
                Assert.Equal(result.Bytes, result.LinearBytes);
                NcdevmemPattern.AssertMatches(linear.AsSpan(0, result.LinearBytes), position);
                position += result.Bytes;
                continue;
            }

            long received = 0;
            foreach (DevmemFragment fragment in fragments.AsSpan(0, result.FragmentCount))
            {
                ReadOnlySpan<byte> bytes = fragment.IsLinear
                    ? linear.AsSpan((int)fragment.Offset, (int)fragment.Size)
                    : dmaBuf.GetSpan((long)fragment.Offset, (int)fragment.Size);
                NcdevmemPattern.AssertMatches(bytes, position + received);
                received += fragment.Size;
                if (!fragment.IsLinear)
                {
                    tokens.Add(DmabufToken.One(fragment.Token));
                }
            }

            Assert.Equal(result.Bytes, received);
            position += received;
            ReturnAll(socket, tokens);
        }
    }

    private static void ReturnAll(EngineTcpSocket socket, List<DmabufToken> tokens)
    {
        for (int start = 0; start < tokens.Count; start += DevmemUapi.MaxDontneedTokens)
        {
            int count = Math.Min(DevmemUapi.MaxDontneedTokens, tokens.Count - start);
            Assert.Equal(count, socket.Receiver.ReturnTokens(System.Runtime.InteropServices.CollectionsMarshal.AsSpan(tokens).Slice(start, count)));
        }

        tokens.Clear();
    }
}
