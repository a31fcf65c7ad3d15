using CsCheck;
using Devmem.Stack.Tcp;
using Devmem.Stack.Wire;

namespace Devmem.Stack.Tests.Tcp;

/// <summary>
/// The send buffer's ring: writes, acknowledgments, copies across the wrap, and bytes staged by an
/// application thread that TCP sees only once committed, in stream order.
/// </summary>
public sealed class TcpSendBufferTests
{
    [Fact]
    public void Staged_bytes_take_room_but_join_the_stream_only_when_committed()
    {
        var buffer = new TcpSendBuffer(10);
        Assert.Equal(4, buffer.Write([1, 2, 3, 4]));
        Assert.Equal(6, buffer.Stage([5, 6, 7, 8, 9, 10, 11]));
        Assert.Equal(4, buffer.Length);
        Assert.Equal(6, buffer.Staged);
        Assert.Equal(0, buffer.Free);

        buffer.Commit();
        Assert.Equal(10, buffer.Length);
        Assert.Equal(0, buffer.Staged);
        var copy = new byte[10];
        buffer.CopyTo(0, copy);
        Assert.Equal(new byte[] { 1, 2, 3, 4, 5, 6, 7, 8, 9, 10 }, copy);
    }

    [Fact]
    public void A_write_commits_what_was_staged_first_so_the_stream_keeps_its_order()
    {
        var buffer = new TcpSendBuffer(8);
        buffer.Write([1, 2, 3, 4, 5, 6]);
        buffer.Discard(5);

        // The ring wraps inside both the staged bytes and the write.
        Assert.Equal(3, buffer.Stage([7, 8, 9]));
        Assert.Equal(4, buffer.Write([10, 11, 12, 13, 14]));
        Assert.Equal(8, buffer.Length);
        var copy = new byte[8];
        buffer.CopyTo(0, copy);
        Assert.Equal(new byte[] { 6, 7, 8, 9, 10, 11, 12, 13 }, copy);
    }

    // One thread stages random chunks of a numbered stream while the connection's thread commits, copies
    // segments out (checking each byte and its checksum) and acknowledges them: every byte arrives once, in order.
    [Fact]
    public async Task A_stager_and_the_connection_thread_share_the_ring_without_losing_a_byte()
    {
        // A small ring, often full: the stager keeps asking for room while commits move bytes.
        const int Total = 8 << 20;
        var buffer = new TcpSendBuffer(12 * 1024 + 7);
        var stager = Task.Factory.StartNew(() =>
        {
            var random = new Random(1);
            var chunk = new byte[9000];
            long next = 0;
            while (next < Total)
            {
                int length = (int)Math.Min(random.Next(1, chunk.Length), Total - next);
                for (int i = 0; i < length; i++)
                {
                    chunk[i] = Numbered(next + i);
                }

                int staged = buffer.Stage(chunk.AsSpan(0, length));
                next += staged;
                if (staged == 0)
                {
                    Thread.Yield();
                }
            }
        }, TestContext.Current.CancellationToken, TaskCreationOptions.LongRunning, TaskScheduler.Default);

        var segment = new byte[1448];
        long acknowledged = 0;
        var reader = new Random(2);
        while (acknowledged < Total)
        {
            buffer.Commit();
            int length = Math.Min(buffer.Length, reader.Next(1, segment.Length + 1));
            if (length == 0)
            {
                Thread.Yield();
                continue;
            }

            uint sum = buffer.CopyAndAccumulate(0, segment.AsSpan(0, length));
            for (int i = 0; i < length; i++)
            {
                Assert.Equal(Numbered(acknowledged + i), segment[i]);
            }

            Assert.Equal(InternetChecksum.Fold(InternetChecksum.Accumulate(segment.AsSpan(0, length))), InternetChecksum.Fold(sum));
            buffer.Discard(length);
            acknowledged += length;
        }

        await stager.WaitAsync(TimeSpan.FromSeconds(60), TestContext.Current.CancellationToken);
        Assert.Equal(0, buffer.Length + buffer.Staged);
    }

    [Fact]
    public void Any_interleaving_of_writes_stages_commits_and_acknowledgments_keeps_the_stream()
    {
        Gen.Int[0, 3].Array[1, 60].Select(Gen.Int[1, 40].Array[60]).Sample((operations, sizes) =>
        {
            var buffer = new TcpSendBuffer(50);
            long written = 0;
            long acknowledged = 0;
            for (int i = 0; i < operations.Length; i++)
            {
                int size = sizes[i];
                byte[] data = Enumerable.Range(0, size).Select(k => Numbered(written + k)).ToArray();
                switch (operations[i])
                {
                    case 0:
                        written += buffer.Write(data);
                        break;
                    case 1:
                        written += buffer.Stage(data);
                        break;
                    case 2:
                        buffer.Commit();
                        break;
                    default:
                        int acked = Math.Min(size, buffer.Length);
                        buffer.Discard(acked);
                        acknowledged += acked;
                        break;
                }

                Assert.Equal(written - acknowledged, buffer.Length + buffer.Staged);
                Assert.Equal(50 - buffer.Length - buffer.Staged, buffer.Free);
            }

            buffer.Commit();
            var rest = new byte[buffer.Length];
            buffer.CopyTo(0, rest);
            Assert.Equal(Enumerable.Range(0, rest.Length).Select(k => Numbered(acknowledged + k)), rest);
        }, iter: 2000);
    }

    private static byte Numbered(long position) => (byte)(position * 31 + (position >> 8));
}
