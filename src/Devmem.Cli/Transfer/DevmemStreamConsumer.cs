using System.Buffers;
using Devmem.Memory;
using Devmem.Uapi;

namespace Devmem.Cli.Transfer;

/// <summary>
/// ncdevmem's server loop over one connection, on the typed receive: <c>recvmsg(MSG_SOCK_DEVMEM)</c> until
/// end of stream, each device fragment checked (or printed) where it lies in the dma-buf and its token given
/// back before the next receive, each linear record handled in its place in the stream.
/// </summary>
/// <remarks>
/// Tokens go back once per receive, in batches of at most <see cref="DevmemUapi.MaxDontneedTokens"/>, instead
/// of one <c>setsockopt</c> per fragment as ncdevmem does: the same memory comes home before the next
/// receive, for a fraction of the calls. Unlike ncdevmem, which skips linear bytes (its source marks that as
/// work left to do), they are checked and printed in stream order, so a stream that is partly linear still
/// validates.
/// </remarks>
internal sealed class DevmemStreamConsumer
{
    // Large enough that one receive usually drains what a turn of the engine delivered.
    private const int MaxBytesPerReceive = 256 * 1024;

    private readonly DmaBuf _dmaBuf;
    private readonly uint _dmabufId;
    private readonly ConsumerOptions _options;
    private readonly ReceiveCounters _counters;
    private readonly byte[] _linear = new byte[MaxBytesPerReceive];
    private readonly DevmemFragment[] _fragments = new DevmemFragment[DevmemUapi.MaxDontneedFrags];
    private readonly DmabufToken[] _tokens = new DmabufToken[DevmemUapi.MaxDontneedFrags];
    private long _deviceBytes;

    /// <param name="dmaBuf">The dma-buf bound to the receive queue: where fragment offsets point.</param>
    /// <param name="dmabufId">Its binding's id; a fragment of any other is a flow steering error.</param>
    /// <param name="options">What to do with the bytes.</param>
    /// <param name="counters">Where to count; shared when several connections add up.</param>
    public DevmemStreamConsumer(DmaBuf dmaBuf, uint dmabufId, ConsumerOptions options, ReceiveCounters counters)
    {
        ArgumentNullException.ThrowIfNull(dmaBuf);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(counters);
        _dmaBuf = dmaBuf;
        _dmabufId = dmabufId;
        _options = options;
        _counters = counters;
    }

    /// <summary>
    /// Receives until the peer closes; returns null then, or ncdevmem's reason for failing (without its
    /// <c>ncdevmem: </c> prefix) as soon as one arises. Cancelling throws <see cref="OperationCanceledException"/>.
    /// </summary>
    public async Task<string?> ConsumeAsync(IDevmemSource receiver, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(receiver);
        while (true)
        {
            DevmemReceiveResult result = await receiver.ReceiveAsync(_linear, _fragments, MaxBytesPerReceive, cancellationToken).ConfigureAwait(false);
            _options.Trace?.Call(result.Bytes);
            if (result.IsEndOfStream)
            {
                return null;
            }

            string? error = result.Kind == DevmemDataKind.DeviceMemory
                ? HandleFragments(receiver, result.FragmentCount)
                : "flow steering error"; // no devmem cmsg: the flow did not reach the bound queue
            if (error is not null)
            {
                return error;
            }

            _options.Trace?.CallDone(_deviceBytes);
        }
    }

    private string? HandleFragments(IDevmemSource receiver, int count)
    {
        int tokens = 0;
        string? error = null;
        foreach (DevmemFragment fragment in _fragments.AsSpan(0, count))
        {
            if (fragment.IsLinear)
            {
                _options.Trace?.Linear(fragment.Size);
                if (_options.FailOnLinear)
                {
                    error = "received SCM_DEVMEM_LINEAR but --fail-on-linear (-L) set";
                    break;
                }

                _counters.AddLinear(fragment.Size);
                error = Consume(_linear.AsSpan((int)fragment.Offset, (int)fragment.Size));
            }
            else
            {
                _tokens[tokens++] = DmabufToken.One(fragment.Token);
                _counters.AddDeviceFragment(fragment.Size);
                _deviceBytes += fragment.Size;
                _options.Trace?.Fragment(fragment, _deviceBytes);
                error = fragment.DmabufId != _dmabufId ? "received on wrong dmabuf_id: flow steering error" : ConsumeDevice(fragment);
            }

            if (error is not null)
            {
                break;
            }
        }

        // Handed back even after a failure: the socket's close would free them too, but the counts then
        // say exactly what the application did.
        return ReturnTokens(receiver, tokens) ?? error;
    }

    private string? ConsumeDevice(in DevmemFragment fragment)
    {
        if (_options.Sink)
        {
            return null;
        }

        if (_dmaBuf.IsHostVisible)
        {
            return Consume(_dmaBuf.GetSpan((long)fragment.Offset, (int)fragment.Size));
        }

        // Device memory the CPU cannot address is copied out first (ncdevmem's memcpy_from_device).
        byte[] copy = ArrayPool<byte>.Shared.Rent((int)fragment.Size);
        try
        {
            _dmaBuf.Read((long)fragment.Offset, copy.AsSpan(0, (int)fragment.Size));
            return Consume(copy.AsSpan(0, (int)fragment.Size));
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(copy);
        }
    }

    private string? Consume(ReadOnlySpan<byte> bytes)
    {
        if (_options.Validator is { } validator && !validator.Validate(bytes))
        {
            return "validation failed";
        }

        _options.Output?.Write(bytes);
        return null;
    }

    private string? ReturnTokens(IDevmemSource receiver, int count)
    {
        for (int start = 0; start < count; start += DevmemUapi.MaxDontneedTokens)
        {
            int batch = Math.Min(DevmemUapi.MaxDontneedTokens, count - start);
            int returned = receiver.ReturnTokens(_tokens.AsSpan(start, batch));
            _counters.AddTokensReturned(returned);
            if (returned != batch)
            {
                return "SO_DEVMEM_DONTNEED not enough tokens";
            }
        }

        return null;
    }
}
