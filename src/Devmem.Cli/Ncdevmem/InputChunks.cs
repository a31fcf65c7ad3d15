namespace Devmem.Cli.Ncdevmem;

/// <summary>ncdevmem's client loop, for either engine: read the input to its end and send it in writes of at most <c>-z</c> bytes.</summary>
internal static class InputChunks
{
    private const int ReadSize = 64 * 1024;

    /// <summary>Sends all of <paramref name="input"/> through <paramref name="send"/>, which must finish with its buffer before returning; returns the bytes sent.</summary>
    public static async Task<long> SendAllAsync(Stream input, int maxChunk, Func<ReadOnlyMemory<byte>, CancellationToken, ValueTask> send, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(send);
        ArgumentOutOfRangeException.ThrowIfNegative(maxChunk);
        var buffer = new byte[ReadSize];
        long sent = 0;
        int read;
        while ((read = await input.ReadAsync(buffer, cancellationToken).ConfigureAwait(false)) > 0)
        {
            int chunk = maxChunk == 0 ? read : maxChunk;
            for (int offset = 0; offset < read; offset += chunk)
            {
                await send(buffer.AsMemory(offset, Math.Min(chunk, read - offset)), cancellationToken).ConfigureAwait(false);
            }

            sent += read;
        }

        return sent;
    }
}
