using Devmem.Skb;
using Devmem.Uapi;

namespace Devmem.Receive;

/// <summary>The receive algorithm itself: upstream tcp_recvmsg_locked and tcp_recvmsg_dmabuf.</summary>
public sealed partial class DevmemReceiver
{
    private const int ReadableKind = 0;
    private const int DeviceKind = 1;

    /// <summary>
    /// tcp_recvmsg_locked: consumes up to <paramref name="len"/> bytes into <paramref name="sink"/>. Returns
    /// the count, 0 at end of stream, or a negated errno only when nothing was delivered. Blocks (releasing
    /// the socket lock) unless <see cref="MessageFlags.DontWait"/>.
    /// </summary>
    private int ReceiveLocked<TSink>(ref TSink sink, int len, MessageFlags flags, out DevmemDataKind kind)
        where TSink : IReceiveSink, allows ref struct
    {
        kind = DevmemDataKind.Readable;
        if (_disposed)
        {
            return -(int)Errno.EBADF;
        }

        if (len < 0)
        {
            return -(int)Errno.EINVAL;
        }

        bool peek = (flags & MessageFlags.Peek) != 0;
        bool truncate = (flags & MessageFlags.Truncate) != 0;
        bool devmem = (flags & MessageFlags.SockDevmem) != 0;
        bool canBlock = (flags & MessageFlags.DontWait) == 0;

        // sock_rcvlowat with SO_RCVLOWAT = 1: return once anything arrived, or wait for all with MSG_WAITALL.
        int target = (flags & MessageFlags.WaitAll) != 0 ? len : 1;
        int copied = 0;
        int lastKind = -1;
        uint peekSeq = _queue.CopiedSeq;

        while (len > 0)
        {
            uint seq = peek ? peekSeq : _queue.CopiedSeq;
            SkBuff? skb = _queue.Head;
            while (skb is not null && unchecked((int)(seq - skb.EndSeq)) >= 0)
            {
                skb = skb.Next;
            }

            if (skb is not null)
            {
                int offset = unchecked((int)(seq - skb.Seq));
                int used = Math.Min(skb.Length - offset, len);
                bool stop = false;
                int skbKind = skb.IsUnreadable ? DeviceKind : ReadableKind;
                if (!truncate)
                {
                    // One call never mixes readable and device-memory data.
                    if (lastKind != -1 && lastKind != skbKind)
                    {
                        break;
                    }

                    if (!skb.IsUnreadable)
                    {
                        used = Math.Min(used, sink.BufferRoom);
                        if (used == 0)
                        {
                            copied = copied == 0 ? -(int)Errno.ETOOSMALL : copied;
                            break;
                        }

                        CopyReadable(ref sink, skb, offset, used);
                    }
                    else
                    {
                        if (!devmem)
                        {
                            // Device-memory skbs can only be received with MSG_SOCK_DEVMEM.
                            copied = copied == 0 ? -(int)Errno.EFAULT : copied;
                            break;
                        }

                        int delivered = WalkDevmem(ref sink, skb, offset, used);
                        if (delivered < 0)
                        {
                            copied = copied == 0 ? delivered : copied;
                            break;
                        }

                        // A short walk (control space or token ids ran out) ends the call: retrying would fail the same way.
                        stop = delivered < used;
                        used = delivered;
                    }
                }

                lastKind = skbKind;
                if (peek)
                {
                    peekSeq = unchecked(peekSeq + (uint)used);
                }
                else if (used > 0)
                {
                    _queue.Consume(used);
                    _spaceFreed = true;
                }

                copied += used;
                len -= used;
                if (stop)
                {
                    break;
                }

                continue;
            }

            // Nothing queued at seq.
            if (copied >= target)
            {
                break;
            }

            if (copied > 0)
            {
                if (_error != Errno.None || _endOfStream || _disposed || !canBlock)
                {
                    break;
                }
            }
            else
            {
                if (_disposed)
                {
                    copied = -(int)Errno.EBADF;
                    break;
                }

                if (_endOfStream)
                {
                    break;
                }

                if (_error != Errno.None)
                {
                    // sock_error() reports the error once; later calls see end of stream.
                    copied = -(int)_error;
                    _error = Errno.None;
                    _endOfStream = true;
                    break;
                }

                if (!canBlock)
                {
                    copied = -(int)Errno.EAGAIN;
                    break;
                }
            }

            Monitor.Wait(_lock);
        }

        if (lastKind == DeviceKind)
        {
            kind = DevmemDataKind.DeviceMemory;
        }

        return copied;
    }

    /// <summary>
    /// tcp_recvmsg_dmabuf: hands out <paramref name="remaining"/> bytes of an unreadable skb (and its
    /// frag_list) starting at <paramref name="offset"/>: the linear part first, copied with one LINEAR record,
    /// then one fragment record per (partial) frag with a fresh token and one more net_iov reference.
    /// Returns the bytes delivered, or a negated errno when none were.
    /// </summary>
    private int WalkDevmem<TSink>(ref TSink sink, SkBuff top, int offset, int remaining)
        where TSink : IReceiveSink, allows ref struct
    {
        int sent = 0;
        Errno error = Errno.None;
        SkBuff? skb = top;
        do
        {
            int start = skb.HeadLength;
            if (!skb.IsUnreadable)
            {
                error = Errno.ENODEV;
                goto Out;
            }

            int copy = start - offset;
            if (copy > 0)
            {
                copy = Math.Min(copy, remaining);
                int room = Math.Min(copy, sink.BufferRoom);
                if (room == 0)
                {
                    error = Errno.ETOOSMALL;
                    goto Out;
                }

                error = sink.PutLinear(skb.Linear.Slice(offset, room));
                if (error != Errno.None)
                {
                    goto Out;
                }

                offset += room;
                remaining -= room;
                sent += room;
                if (remaining == 0 || room < copy)
                {
                    goto Out;
                }
            }

            ReadOnlySpan<SkbFrag> frags = skb.Frags;
            for (int i = 0; i < frags.Length; i++)
            {
                ref readonly SkbFrag frag = ref frags[i];
                if (!frag.NetIov.IsDeviceMemory)
                {
                    // The skb says unreadable but this frag is a host page: never hand out host memory as a token.
                    error = Errno.ENODEV;
                    goto Out;
                }

                int end = start + frag.Size;
                copy = end - offset;
                if (copy > 0)
                {
                    copy = Math.Min(copy, remaining);
                    if (!sink.CanPutFragment)
                    {
                        // Checked before anything is written or any reference taken: no silent truncation.
                        error = Errno.ETOOSMALL;
                        goto Out;
                    }

                    if (_batchUsed == _batchReserved)
                    {
                        error = RefillTokens(Math.Min(frags.Length - i, sink.FragmentRoom));
                        if (error != Errno.None)
                        {
                            goto Out;
                        }
                    }

                    uint token = _batchIds[_batchUsed];
                    sink.PutFragment(new DevmemFragment(
                        frag.NetIov.Binding!.Id,
                        (ulong)(frag.DmaBufOffset + offset - start),
                        (uint)copy,
                        token));
                    frag.NetIov.GetForUser();
                    _batchFragments[_batchUsed++] = new HeldFragment(frag.NetIov, copy);

                    offset += copy;
                    remaining -= copy;
                    sent += copy;
                    if (remaining == 0)
                    {
                        goto Out;
                    }
                }

                start = end;
            }

            // Continue with the frag_list, then along it.
            skb = skb.FragList ?? (ReferenceEquals(skb, top) ? null : skb.Next);
            offset -= start;
        }
        while (skb is not null);

        if (remaining > 0)
        {
            error = Errno.EFAULT;
        }

    Out:
        CommitTokens();
        return sent > 0 ? sent : -(int)error;
    }

    /// <summary>tcp_xa_pool_refill: commits the batch so far and reserves up to <paramref name="wanted"/> new ids.</summary>
    private Errno RefillTokens(int wanted)
    {
        CommitTokens();
        int count = Math.Clamp(wanted, 1, TokenBatch);
        _batchReserved = _tokens.Reserve(_batchIds.AsSpan(0, count));

        // xa_alloc within xa_limit_31b fails with EBUSY when no id is free.
        return _batchReserved == 0 ? Errno.EBUSY : Errno.None;
    }

    /// <summary>tcp_xa_pool_commit: publishes the ids handed out and gives the unused reservations back.</summary>
    private void CommitTokens()
    {
        if (_batchUsed > 0)
        {
            // The held total first: a token becomes returnable the moment it is committed.
            long bytes = 0;
            foreach (HeldFragment fragment in _batchFragments.AsSpan(0, _batchUsed))
            {
                bytes += fragment.Size;
            }

            Interlocked.Add(ref _heldBytes, bytes);
            _tokens.Commit(_batchIds.AsSpan(0, _batchUsed), _batchFragments.AsSpan(0, _batchUsed));
            Interlocked.Add(ref _tokensIssued, _batchUsed);
            _batchFragments.AsSpan(0, _batchUsed).Clear();
        }

        if (_batchReserved > _batchUsed)
        {
            _tokens.Rollback(_batchIds.AsSpan(_batchUsed, _batchReserved - _batchUsed));
        }

        _batchUsed = 0;
        _batchReserved = 0;
    }

    /// <summary>skb_copy_datagram_msg: copies readable bytes from the linear part, the frags and the frag_list.</summary>
    private static void CopyReadable<TSink>(ref TSink sink, SkBuff skb, int offset, int count)
        where TSink : IReceiveSink, allows ref struct
    {
        for (SkBuff? part = skb; part is not null && count > 0; part = ReferenceEquals(part, skb) ? skb.FragList : part.Next)
        {
            if (offset < part.HeadLength)
            {
                int n = Math.Min(part.HeadLength - offset, count);
                sink.PutReadable(part.Linear.Slice(offset, n));
                count -= n;
                offset += n;
            }

            int start = part.HeadLength;
            foreach (ref readonly SkbFrag frag in part.Frags)
            {
                int end = start + frag.Size;
                if (count > 0 && offset < end)
                {
                    int within = offset - start;
                    int n = Math.Min(frag.Size - within, count);
                    sink.PutReadable(frag.NetIov.Span.Slice(frag.Offset + within, n));
                    count -= n;
                    offset += n;
                }

                start = end;
            }

            offset -= start;
        }
    }
}
