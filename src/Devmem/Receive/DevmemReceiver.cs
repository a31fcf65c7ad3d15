using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using Devmem.Memory;
using Devmem.Skb;
using Devmem.Threading;
using Devmem.Uapi;

namespace Devmem.Receive;

/// <summary>
/// The receive half of a TCP socket with devmem semantics: the in-order receive queue TCP feeds, the token
/// table, and recvmsg(MSG_SOCK_DEVMEM) / SO_DEVMEM_DONTNEED exactly as DEVMEM.md sections 4-6 (upstream
/// <c>tcp_recvmsg_locked</c>, <c>tcp_recvmsg_dmabuf</c>, <c>sock_devmem_dontneed</c>) describe.
/// </summary>
/// <remarks>
/// <para>One algorithm, two faces: <see cref="ReceiveMessage"/> writes Linux's bytes (iov + cmsgs), and
/// <see cref="Receive"/> fills typed <see cref="DevmemFragment"/>s. Both run <see cref="ReceiveLocked{TSink}"/>.</para>
/// <para>Threads: the engine calls <see cref="Enqueue"/> on its thread; the application receives on others.
/// Receives are serialised by the socket lock. Token returns take only the token table's lock, as upstream's
/// DONTNEED does not take the socket lock, so they may run while a receive is in progress.</para>
/// <para>MSG_PEEK: as upstream, a peek at device memory hands out tokens like a read (each one holds a
/// reference and must be returned); the data stays queued and a later read hands out new tokens.</para>
/// </remarks>
public sealed partial class DevmemReceiver : IDisposable
{
    /// <summary>Tokens reserved per batch (upstream <c>TCP_XA_POOL</c>'s 128 entries).</summary>
    private const int TokenBatch = 128;

    private readonly object _lock = new();
    private readonly SocketReceiveQueue _queue;
    private readonly TokenTable<HeldFragment> _tokens;
    private readonly SingleWaiterEvent _waiter;

    // The token batch of the receive in progress (guarded by _lock): ids reserved, and what each used id names.
    private readonly uint[] _batchIds = new uint[TokenBatch];
    private readonly HeldFragment[] _batchFragments = new HeldFragment[TokenBatch];
    private int _batchReserved;
    private int _batchUsed;

    // Stream bytes the application holds through tokens (the receive window counts them).
    private long _heldBytes;

    // Set under _lock when a receive consumed queued bytes; SpaceFreed is raised after the lock is released.
    private bool _spaceFreed;

    private bool _endOfStream;

    // Bytes queued while wake-ups are deferred, not yet announced to a waiting receive (guarded by _lock).
    private int _bytesAwaitingWakeup;

    // shutdown(SHUT_RD): nothing more is delivered; what arrives is freed on arrival.
    private bool _readShutdown;
    private Errno _error;
    private bool _disposed;
    private long _tokensIssued;
    private long _tokensReturned;

    /// <param name="initialSeq">Sequence number of the first stream byte (rcv_nxt once the connection is set up).</param>
    /// <param name="tokens">The socket's token table; a custom one only to test id exhaustion.</param>
    public DevmemReceiver(uint initialSeq = 0, TokenTable<HeldFragment>? tokens = null)
    {
        _waiter = new SingleWaiterEvent(_lock);
        _queue = new SocketReceiveQueue(initialSeq);
        _tokens = tokens ?? new TokenTable<HeldFragment>();
    }

    /// <summary>The cmsg layout recvmsg emits; the seed's RFC v3 layout for code written against it.</summary>
    public DevmemCmsgLayout CmsgLayout { get; set; } = DevmemCmsgLayout.Upstream;

    /// <summary>Tokens handed to the user and not yet returned.</summary>
    public int TokensOutstanding => _tokens.Count;

    /// <summary>Tokens ever handed out.</summary>
    public long TokensIssued => Interlocked.Read(ref _tokensIssued);

    /// <summary>Tokens returned through SO_DEVMEM_DONTNEED.</summary>
    public long TokensReturned => Interlocked.Read(ref _tokensReturned);

    /// <summary>
    /// Device-memory bytes the application holds through tokens not yet returned: the sum of the sizes of the
    /// frags they name. TCP counts them against the receive window (decision 3 of ARCHITECTURE.md): the memory
    /// stays pinned until SO_DEVMEM_DONTNEED gives it back.
    /// </summary>
    public long HeldBytes => Interlocked.Read(ref _heldBytes);

    /// <summary>
    /// Raised after the application freed receive space: a receive consumed queued bytes, or returned tokens
    /// released device memory. Raised on the application's thread, outside the socket lock; a transport
    /// uses it to wake its engine, which then decides whether a window update is due.
    /// </summary>
    public event EventHandler? SpaceFreed;

    /// <summary>
    /// Bytes queued without a wake-up after which <see cref="Enqueue"/> wakes a waiting receive even while
    /// wake-ups are deferred: a pass of 64 KiB GSO frames can hold megabytes, and a reader left asleep that long
    /// lets the receive window fill while it could have been draining it.
    /// </summary>
    public const int DeferredWakeupBytes = 128 * 1024;

    /// <summary>
    /// When set, <see cref="Enqueue"/> queues without waking a waiting receive until
    /// <see cref="DeferredWakeupBytes"/> wait; the transport calls <see cref="FlushWakeup"/> once it has delivered
    /// what one pass over its input brought (an engine wakes a reader once per receive pass, as a reader woken
    /// from softirq runs only after the NAPI poll, not once per skb). End of stream, errors and shutdown always
    /// wake at once.
    /// </summary>
    public bool DeferWakeups { get; set; }

    /// <summary>Bytes queued and not yet read.</summary>
    public int QueuedBytes
    {
        get
        {
            lock (_lock)
            {
                return _queue.Bytes;
            }
        }
    }

    /// <summary>Sequence number just past the last queued byte (the engine's rcv_nxt for in-order data).</summary>
    public uint NextSeq
    {
        get
        {
            lock (_lock)
            {
                return _queue.NextSeq;
            }
        }
    }

    /// <summary>Queues an in-order skb (TCP's <c>tcp_queue_rcv</c>) and wakes a waiting receive. The receiver owns it now.</summary>
    public void Enqueue(SkBuff skb)
    {
        ArgumentNullException.ThrowIfNull(skb);
        lock (_lock)
        {
            if (_disposed || _readShutdown)
            {
                skb.Free();
                return;
            }

            int length = skb.Length;
            _queue.Enqueue(skb);
            _bytesAwaitingWakeup += length;
            if (!DeferWakeups || _bytesAwaitingWakeup >= DeferredWakeupBytes)
            {
                WakeLocked();
            }
        }
    }

    /// <summary>Wakes a waiting receive if data was queued since the last wake-up (see <see cref="DeferWakeups"/>).</summary>
    public void FlushWakeup()
    {
        lock (_lock)
        {
            if (_bytesAwaitingWakeup > 0)
            {
                WakeLocked();
            }
        }
    }

    /// <summary>
    /// Sets the sequence number of the first stream byte once the connection learns it (TCP: the peer's
    /// ISN + 1, known only when its SYN arrives). Only while nothing has been queued.
    /// </summary>
    public void SetInitialSequence(uint initialSeq)
    {
        lock (_lock)
        {
            _queue.Restart(initialSeq);
        }
    }

    /// <summary>The peer sent FIN: once the queue is drained, receives return 0.</summary>
    public void SetEndOfStream()
    {
        lock (_lock)
        {
            _endOfStream = true;
            WakeLocked();
        }
    }

    /// <summary>
    /// shutdown(SHUT_RD): receives return end of stream from now on, and the stream's data, queued or still
    /// to come, is freed as it arrives, so its device memory goes back to the page pool at once and the window
    /// stays open (the peer is not stalled; Linux would instead keep queuing it unread). Tokens already handed
    /// out stay valid until returned.
    /// </summary>
    public void ShutdownReceive()
    {
        bool freed;
        lock (_lock)
        {
            _readShutdown = true;
            _endOfStream = true;
            freed = _queue.Bytes > 0;
            _queue.Purge();
            WakeLocked();
        }

        RaiseSpaceFreed(freed);
    }

    /// <summary>The connection failed (e.g. ECONNRESET): once the queue is drained, receives report it.</summary>
    public void SetError(Errno error)
    {
        lock (_lock)
        {
            _error = error;
            WakeLocked();
        }
    }

    /// <summary>
    /// recvmsg(2): up to <paramref name="buffer"/>.Length stream bytes; readable and linear bytes are copied
    /// into <paramref name="buffer"/>, device fragments described by cmsgs in <paramref name="control"/>.
    /// Returns the byte count (0 at end of stream) or a negated errno, as the syscall does.
    /// </summary>
    public int ReceiveMessage(Span<byte> buffer, Span<byte> control, MessageFlags flags, out int controlLength)
    {
        var sink = new MessageSink(buffer, control, CmsgLayout);
        int result;
        bool freed;
        lock (_lock)
        {
            result = ReceiveLocked(ref sink, buffer.Length, flags, out _);
            freed = TakeSpaceFreedLocked();
        }

        RaiseSpaceFreed(freed);
        controlLength = sink.ControlLength;
        return result;
    }

    /// <summary>
    /// Receives up to <paramref name="maxBytes"/> stream bytes: readable and linear bytes into
    /// <paramref name="linear"/>, device fragments into <paramref name="fragments"/>. Blocks unless
    /// <see cref="MessageFlags.DontWait"/>. Throws <see cref="DevmemException"/> with the errno recvmsg would return.
    /// </summary>
    public DevmemReceiveResult Receive(Span<byte> linear, Span<DevmemFragment> fragments, int maxBytes, MessageFlags flags = MessageFlags.SockDevmem)
    {
        var sink = new FragmentSink(linear, fragments);
        int result;
        DevmemDataKind kind;
        bool freed;
        lock (_lock)
        {
            result = ReceiveLocked(ref sink, maxBytes, flags, out kind);
            freed = TakeSpaceFreedLocked();
        }

        RaiseSpaceFreed(freed);
        return ToResult(result, in sink, kind);
    }

    /// <summary>
    /// Non-blocking form of <see cref="Receive"/>: false (nothing delivered) when no data is queued yet.
    /// </summary>
    public bool TryReceive(Span<byte> linear, Span<DevmemFragment> fragments, int maxBytes, MessageFlags flags, out DevmemReceiveResult result)
    {
        var sink = new FragmentSink(linear, fragments);
        int count;
        DevmemDataKind kind;
        bool freed;
        lock (_lock)
        {
            count = ReceiveLocked(ref sink, maxBytes, flags | MessageFlags.DontWait, out kind);
            freed = TakeSpaceFreedLocked();
        }

        RaiseSpaceFreed(freed);
        if (count == -(int)Errno.EAGAIN)
        {
            result = default;
            return false;
        }

        result = ToResult(count, in sink, kind);
        return true;
    }

    /// <summary>
    /// Waits for data without blocking a thread, then receives what is available (like
    /// <c>Socket.ReceiveAsync</c>: it completes as soon as any data, end of stream or an error is there).
    /// One asynchronous receive at a time. MSG_WAITALL is not supported here. A receive that has to wait
    /// allocates nothing: the wait is the receiver's reusable event and the state machine is pooled.
    /// </summary>
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    public async ValueTask<DevmemReceiveResult> ReceiveAsync(Memory<byte> linear, Memory<DevmemFragment> fragments, int maxBytes, MessageFlags flags = MessageFlags.SockDevmem, CancellationToken cancellationToken = default)
    {
        if ((flags & MessageFlags.WaitAll) != 0)
        {
            throw new DevmemException(Errno.EOPNOTSUPP, "MSG_WAITALL is supported by the blocking Receive only; loop over ReceiveAsync instead");
        }

        while (true)
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (TryReceive(linear.Span, fragments.Span, maxBytes, flags, out DevmemReceiveResult result))
            {
                return result;
            }

            ValueTask wait;
            lock (_lock)
            {
                wait = _waiter.WaitLocked(HasEventLocked, cancellationToken);
            }

            await wait.ConfigureAwait(false);
        }
    }

    /// <summary>
    /// SO_DEVMEM_DONTNEED with typed ranges: releases the reference each named token holds. Unknown, stale
    /// and repeated ids are skipped; at most 1024 ids are visited per call. Returns the number freed.
    /// </summary>
    public int ReturnTokens(ReadOnlySpan<DmabufToken> tokens)
    {
        if (tokens.Length > DevmemUapi.MaxDontneedTokens)
        {
            throw new DevmemException(Errno.EINVAL, $"at most {DevmemUapi.MaxDontneedTokens} token ranges per call; split the request");
        }

        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed), this);
        int freed = _tokens.EraseRanges(tokens, DevmemUapi.MaxDontneedFrags, static (fragment, self) => self.ReleaseToken(fragment), this);
        Interlocked.Add(ref _tokensReturned, freed);
        RaiseSpaceFreed(freed > 0);
        return freed;
    }

    /// <summary>
    /// setsockopt(2) at SOL_SOCKET: SO_DEVMEM_DONTNEED (97 under the RFC v3 layout) with Linux's optlen rules.
    /// Returns the count freed, or a negated errno.
    /// </summary>
    public int SetSocketOption(int level, int name, ReadOnlySpan<byte> value)
    {
        int dontneed = CmsgLayout == DevmemCmsgLayout.Upstream ? DevmemUapi.SoDevmemDontneed : DevmemUapi.RfcV3SoDevmemDontneed;
        if (level != DevmemUapi.SolSocket || name != dontneed)
        {
            return -(int)Errno.ENOPROTOOPT;
        }

        Errno error = DontneedOption.Validate(value, isTcpSocket: true);
        if (error != Errno.None)
        {
            return -(int)error;
        }

        if (Volatile.Read(ref _disposed))
        {
            return -(int)Errno.EBADF;
        }

        return ReturnTokens(MemoryMarshal.Cast<byte, DmabufToken>(value));
    }

    /// <summary>
    /// Socket destruction: every token the user still holds is released, queued skbs are freed, and waiting
    /// receives fail with EBADF.
    /// </summary>
    public void Dispose()
    {
        lock (_lock)
        {
            if (_disposed)
            {
                return;
            }

            Volatile.Write(ref _disposed, true);
            _queue.Purge();
            WakeLocked();
        }

        _tokens.Drain(static (fragment, self) => self.ReleaseToken(fragment), this);
    }

    private bool HasEventLocked => _queue.Bytes > 0 || _endOfStream || _error != Errno.None || _disposed;

    private static DevmemReceiveResult ToResult(int count, in FragmentSink sink, DevmemDataKind kind)
    {
        if (count < 0)
        {
            Errno errno = (Errno)(-count);
            throw new DevmemException(errno, ReceiveErrors.Advice(errno));
        }

        return new DevmemReceiveResult(count, sink.LinearBytes, sink.FragmentCount, kind);
    }

    // The release of one token (DONTNEED or close), under the token table's lock: the reference and its bytes.
    private void ReleaseToken(HeldFragment fragment)
    {
        Interlocked.Add(ref _heldBytes, -fragment.Size);
        fragment.NetIov.PutForUser();
    }

    private bool TakeSpaceFreedLocked()
    {
        bool freed = _spaceFreed;
        _spaceFreed = false;
        return freed;
    }

    private void RaiseSpaceFreed(bool freed)
    {
        if (freed)
        {
            SpaceFreed?.Invoke(this, EventArgs.Empty);
        }
    }

    private void WakeLocked()
    {
        _bytesAwaitingWakeup = 0;
        Monitor.PulseAll(_lock);
        _waiter.SignalLocked();
    }
}
