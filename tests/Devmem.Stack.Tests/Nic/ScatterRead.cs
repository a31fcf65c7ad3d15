using Devmem.Stack.Link.Interop;
using Devmem.Stack.Nic;
using Devmem.Stack.Wire;

namespace Devmem.Stack.Tests.Nic;

/// <summary>What a TAP's <c>readv(2)</c> does with the buffers the NIC posts: the frame, byte for byte, across the iovec in order.</summary>
internal static unsafe class ScatterRead
{
    // afterPost: what happens between the post and the read (a binding going away, say).
    public static bool Receive(EmulatedNic nic, ReadOnlySpan<byte> frame, VirtioNetHeader? vnet, out NicRxPacket packet, Action? afterPost = null)
    {
        var vectors = new IoVector[nic.MaxRxVectors];
        int count = nic.PostRxBuffers(vectors);
        afterPost?.Invoke();
        int at = 0;
        for (int i = 0; i < count && at < frame.Length; i++)
        {
            int size = Math.Min((int)vectors[i].Length, frame.Length - at);
            frame.Slice(at, size).CopyTo(new Span<byte>(vectors[i].Base, size));
            at += size;
        }

        Assert.Equal(frame.Length, at);
        return nic.ReceivePosted(frame.Length, vnet, out packet);
    }
}
