using System.Net;
using System.Net.Sockets;
using Devmem.Memory;
using Devmem.Stack.Nic;
using Devmem.Stack.Sockets;
using Devmem.Stack.Wire;

namespace Devmem.Cli.Transfer;

/// <summary>
/// ncdevmem's set-up of the receiving NIC, on the user-space engine's emulated NIC: RSS spread over the
/// queues below the devmem ones (<c>ethtool -X equal FIRST</c>), the devmem queues bound to the dma-buf
/// (netdev <c>bind-rx</c>), and a flow rule steering the server's address and port to the first of them
/// (<c>ethtool -N ... action FIRST</c>).
/// </summary>
internal static class DevmemNicSetup
{
    /// <summary>ncdevmem's default queue choice: one queue, the last one.</summary>
    public static (int First, int Count) DefaultQueues(int rxQueues) => (rxQueues - 1, 1);

    /// <summary>Binds queues [<paramref name="first"/>, +<paramref name="count"/>) and sets RSS to keep other flows off them.</summary>
    public static void BindQueues(UserSpaceEngine engine, DmaBufBinding binding, int first, int count, bool configureRss)
    {
        ArgumentNullException.ThrowIfNull(engine);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(count);
        engine.ConfigureNic(nic =>
        {
            if (first < 0 || first + count > nic.RxQueueCount)
            {
                throw new ArgumentException($"queues {first}..{first + count - 1} do not exist: the NIC has {nic.RxQueueCount} RX queues (0..{nic.RxQueueCount - 1})");
            }

            if (configureRss)
            {
                if (first == 0)
                {
                    throw new ArgumentException("queue 0 cannot be a devmem queue: RSS needs at least one queue below the devmem ones for other traffic");
                }

                nic.SetRssEqual(first);
            }

            nic.BindRx(binding, [.. Enumerable.Range(first, count)]);
        });
    }

    /// <summary>Steers TCP to <paramref name="address"/>:<paramref name="port"/> to <paramref name="queue"/>.</summary>
    public static void Steer(UserSpaceEngine engine, IPAddress address, ushort port, int queue)
    {
        ArgumentNullException.ThrowIfNull(engine);
        ArgumentNullException.ThrowIfNull(address);
        FlowMatch match = address.AddressFamily == AddressFamily.InterNetworkV6
            ? FlowMatch.Tcp6(Ipv6Address.FromIPAddress(address), port)
            : FlowMatch.Tcp4(Ipv4Address.FromIPAddress(address), port);
        engine.ConfigureNic(nic => nic.AddFlowRule(match, queue));
    }
}
