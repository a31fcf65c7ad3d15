using Devmem.Memory;
using Devmem.Stack.Nic;
using Devmem.Uapi;

namespace Devmem.Stack.Tests.Nic;

public sealed class BindRxTests
{
    [Fact]
    public void Steered_flow_lands_in_device_memory_and_other_flows_in_host_pages()
    {
        using var scope = MemoryLeakScope.Begin();
        using (var dmaBuf = new HostDmaBuf(64 * 4096, "gpu"))
        using (var binding = new DmaBufBinding(dmaBuf, BindingDirection.Rx))
        using (var nic = new EmulatedNic())
        {
            nic.SetRssEqual(3);
            nic.BindRx(binding, [3]);
            nic.AddFlowRule(FlowMatch.Tcp4(NicFrames.Ip4A, 40000, NicFrames.Ip4B, 5201), 3);
            byte[] payload = NicFrames.Payload(5000);

            Assert.True(nic.ReceiveFrame(NicFrames.Tcp4(payload), null, out NicRxPacket steered));
            Assert.Equal(3, steered.QueueId);
            Assert.True(steered.Payload!.IsUnreadable);
            Assert.Same(binding, steered.Payload.Frags[0].NetIov.Binding);
            Assert.Equal(payload, NicAssert.Contents(steered.Payload));

            Assert.True(nic.ReceiveFrame(NicFrames.Tcp4(payload, sourcePort: 40001), null, out NicRxPacket other));
            Assert.NotEqual(3, other.QueueId);
            Assert.False(other.Payload!.IsUnreadable);

            var queue3 = nic.GetQueues()[3];
            Assert.Equal(binding.Id, queue3.DmabufId);
            Assert.Contains(nic.GetPagePools(), pool => pool.Queue == 3 && pool.DmabufId == binding.Id && pool.Inflight == 2 && !pool.Detached);
            steered.Payload.Free();
            other.Payload.Free();
            nic.UnbindRx(binding);
            Assert.Null(nic.GetQueues()[3].DmabufId);
            Assert.Equal(0, nic.SkbPool.InUse);
        }

        scope.AssertNoLeaks();
    }

    [Fact]
    public void Every_refusal_has_linux_errno_and_message()
    {
        using var scope = MemoryLeakScope.Begin();
        using (var dmaBuf = new HostDmaBuf(16 * 4096, "gpu"))
        using (var rx = new DmaBufBinding(dmaBuf, BindingDirection.Rx))
        using (var tx = new DmaBufBinding(dmaBuf, BindingDirection.Tx))
        using (var nic = new EmulatedNic())
        {
            Assert.Contains("out of range", Refused(Errno.EINVAL, () => nic.BindRx(rx, [4])));
            Refused(Errno.EINVAL, () => nic.BindRx(rx, []));
            Refused(Errno.EINVAL, () => nic.BindRx(tx, [1]));
            Assert.EndsWith("designated queue already memory provider bound", Refused(Errno.EEXIST, () => nic.BindRx(rx, [1, 1])));
            Assert.Null(nic.GetQueues()[1].DmabufId);

            nic.SetTcpDataSplit(false);
            Assert.EndsWith("tcp-data-split is disabled", Refused(Errno.EINVAL, () => nic.BindRx(rx, [1])));
            nic.SetTcpDataSplit(true);
            nic.SetHdsThreshold(256);
            Assert.EndsWith("hds-thresh is not zero", Refused(Errno.EINVAL, () => nic.BindRx(rx, [1])));
            nic.SetHdsThreshold(0);

            nic.BindRx(rx, [1]);
            Assert.EndsWith("designated queue already memory provider bound", Refused(Errno.EEXIST, () => nic.BindRx(rx, [1])));
            Assert.EndsWith("can't disable tcp-data-split while device has memory provider enabled", Refused(Errno.EINVAL, () => nic.SetTcpDataSplit(false)));
            Assert.EndsWith("can't set non-zero hds_thresh while device is memory provider enabled", Refused(Errno.EINVAL, () => nic.SetHdsThreshold(1)));
            Assert.EndsWith("requested channel counts are too low for existing memory provider setting", Refused(Errno.EINVAL, () => nic.SetRxQueueCount(1)));
            nic.SetRxQueueCount(2);
            Assert.Equal(2, nic.RxQueueCount);
        }

        scope.AssertNoLeaks();
    }

    [Fact]
    public void Restart_keeps_chunks_in_flight_valid_until_freed()
    {
        using var scope = MemoryLeakScope.Begin();
        using (var dmaBuf = new HostDmaBuf(16 * 4096, "gpu"))
        using (var nic = new EmulatedNic(new NicOptions { RxQueues = 1 }))
        {
            var binding = new DmaBufBinding(dmaBuf, BindingDirection.Rx);
            byte[] payload = NicFrames.Payload(6000);
            Assert.True(nic.ReceiveFrame(NicFrames.Tcp4(payload), null, out NicRxPacket hostSkb));
            nic.BindRx(binding, [0]);
            Assert.True(nic.ReceiveFrame(NicFrames.Tcp4(payload), null, out NicRxPacket deviceSkb));
            Assert.True(deviceSkb.Payload!.IsUnreadable);

            // Disposing the binding unbinds: the queue restarts on host pages at the next frame.
            binding.Dispose();
            Assert.True(nic.ReceiveFrame(NicFrames.Tcp4(payload), null, out NicRxPacket afterUnbind));
            Assert.False(afterUnbind.Payload!.IsUnreadable);
            Assert.Null(nic.GetQueues()[0].DmabufId);
            Assert.Equal(2, nic.GetPagePools().Count(pool => pool.Detached));

            Assert.Equal(payload, NicAssert.Contents(hostSkb.Payload!));
            Assert.Equal(payload, NicAssert.Contents(deviceSkb.Payload));
            hostSkb.Payload!.Free();
            deviceSkb.Payload.Free();
            afterUnbind.Payload.Free();
            Assert.DoesNotContain(nic.GetPagePools(), pool => pool.Detached);
            Assert.Equal(0, nic.SkbPool.InUse);
        }

        scope.AssertNoLeaks();
    }

    private static string Refused(Errno errno, Action action)
    {
        var error = Assert.Throws<DevmemException>(action);
        Assert.Equal(errno, error.Errno);
        return error.Message;
    }
}
