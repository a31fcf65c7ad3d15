using Devmem.Memory;
using Devmem.Stack.Sockets;

namespace Devmem.Cli.SelfTest;

/// <summary>The user-space engine's emulated NIC under ncdevmem's self-tests; every call runs on the engine's loop.</summary>
internal sealed class StackDevmemNic(UserSpaceEngine engine, DmaBufBinding binding) : IDevmemNic
{
    private bool _bound;

    public int RxQueues
    {
        get
        {
            int count = 0;
            engine.ConfigureNic(nic => count = nic.RxQueueCount);
            return count;
        }
    }

    public void SetHeaderSplit(bool enabled) => engine.ConfigureNic(nic => nic.SetTcpDataSplit(enabled));

    public void BindRx(IReadOnlyList<int> queues)
    {
        int[] ids = [.. queues];
        engine.ConfigureNic(nic => nic.BindRx(binding, ids));
        _bound = true;
    }

    public void SetRxQueues(int count) => engine.ConfigureNic(nic => nic.SetRxQueueCount(count));

    public void Unbind()
    {
        if (_bound)
        {
            engine.ConfigureNic(nic => nic.UnbindRx(binding));
            _bound = false;
        }
    }

    public void Dispose() => Unbind();
}
