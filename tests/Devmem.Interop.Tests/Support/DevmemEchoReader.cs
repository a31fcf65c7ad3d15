using System.Runtime.InteropServices;
using Devmem.Memory;
using Devmem.Stack.Sockets;
using Devmem.Stack.Tests.Sockets;
using Devmem.Uapi;

namespace Devmem.Interop.Tests.Support;

/// <summary>
/// Reads exactly one echoed message through the typed devmem receive and requires that all of it lies in
/// device memory: no LINEAR fragment (what ncdevmem's validation would flag as header-split failure), every
/// byte matching the stream pattern at its position, every token returned.
/// </summary>
internal sealed class DevmemEchoReader
{
    private readonly byte[] _linear = new byte[64 * 1024];
    private readonly DevmemFragment[] _fragments = new DevmemFragment[DevmemUapi.MaxDontneedFrags];
    private readonly List<DmabufToken> _tokens = [];

    public async Task ReadDeviceMemoryAsync(EngineTcpSocket socket, DmaBuf dmaBuf, long position, int length, CancellationToken cancellationToken)
    {
        int received = 0;
        while (received < length)
        {
            DevmemReceiveResult result = await socket.Receiver.ReceiveAsync(_linear, _fragments, length - received, MessageFlags.SockDevmem, cancellationToken);
            Assert.False(result.IsEndOfStream, $"end of stream after {received} of {length} echoed bytes");
            Assert.Equal(DevmemDataKind.DeviceMemory, result.Kind);
            foreach (DevmemFragment fragment in _fragments.AsSpan(0, result.FragmentCount))
            {
                Assert.False(fragment.IsLinear, $"a LINEAR fragment of {fragment.Size} bytes in a {length}-byte echo: the payload was not split off");
                NcdevmemPattern.AssertMatches(dmaBuf.GetSpan((long)fragment.Offset, (int)fragment.Size), position + received);
                received += (int)fragment.Size;
                _tokens.Add(DmabufToken.One(fragment.Token));
            }

            Assert.Equal(0, result.LinearBytes);
            for (int start = 0; start < _tokens.Count; start += DevmemUapi.MaxDontneedTokens)
            {
                int count = Math.Min(DevmemUapi.MaxDontneedTokens, _tokens.Count - start);
                Assert.Equal(count, socket.Receiver.ReturnTokens(CollectionsMarshal.AsSpan(_tokens).Slice(start, count)));
            }

            _tokens.Clear();
        }
    }
}
