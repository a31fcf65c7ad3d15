using System.Runtime.InteropServices;
using Devmem.Stack.Sockets;
using Devmem.Uapi;

namespace Devmem.Interop.Tests.Support;

/// <summary>
/// A devmem consumer that looks at nothing but the descriptors, as a GPU consumer would: each receive's tokens
/// go straight back. What it measures is the link, the NIC and TCP, not a CPU re-reading the bytes.
/// </summary>
internal static class TokenOnlyReader
{
    public static async Task<long> ReadToEndAsync(EngineTcpSocket socket, CancellationToken cancellationToken)
    {
        var linear = new byte[64 * 1024];
        var fragments = new DevmemFragment[DevmemUapi.MaxDontneedFrags];
        var tokens = new DmabufToken[DevmemUapi.MaxDontneedTokens];
        long total = 0;
        while (true)
        {
            DevmemReceiveResult result = await socket.Receiver.ReceiveAsync(linear, fragments, 1 << 20, MessageFlags.SockDevmem, cancellationToken);
            if (result.IsEndOfStream)
            {
                return total;
            }

            Assert.Equal(DevmemDataKind.DeviceMemory, result.Kind);
            total += result.Bytes;
            int count = 0;
            foreach (DevmemFragment fragment in fragments.AsSpan(0, result.FragmentCount))
            {
                if (fragment.IsLinear)
                {
                    continue;
                }

                tokens[count++] = DmabufToken.One(fragment.Token);
                if (count == tokens.Length)
                {
                    Assert.Equal(count, socket.Receiver.ReturnTokens(tokens));
                    count = 0;
                }
            }

            Assert.Equal(count, socket.Receiver.ReturnTokens(tokens.AsSpan(0, count)));
        }
    }
}
