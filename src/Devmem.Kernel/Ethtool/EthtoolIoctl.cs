using System.Runtime.InteropServices;
using Devmem.Kernel.Ethtool.Uapi;
using Devmem.Kernel.Interop;
using Devmem.Kernel.Namespaces;
using Devmem.Uapi;

namespace Devmem.Kernel.Ethtool;

/// <summary>
/// The legacy <c>SIOCETHTOOL</c> interface (net/ethtool/ioctl.c) for what ethtool netlink does not cover on
/// every kernel ncdevmem supports: n-tuple flow steering rules (<c>ethtool -N/-n</c>) and the RSS indirection
/// table (<c>ethtool -X/-x</c>). The commands travel through an AF_INET datagram socket, the way ethtool
/// sends them; the socket fixes the network namespace whose device names are meant.
/// </summary>
/// <remarks>Failures are <see cref="DevmemException"/>s with the errno and what to do.</remarks>
public sealed class EthtoolIoctl : IDisposable
{
    private const int AfInet = 2;
    private const int SockDgram = 2;

    private readonly FileDescriptorHandle _socket;

    private EthtoolIoctl(FileDescriptorHandle socket) => _socket = socket;

    /// <summary>Opens the control socket in the calling thread's network namespace.</summary>
    public static EthtoolIoctl Open()
    {
        int fd = LibC.Socket(AfInet, SockDgram | LibC.SOCK_CLOEXEC, 0);
        return fd >= 0
            ? new EthtoolIoctl(new FileDescriptorHandle(fd))
            : throw new DevmemException(LibC.LastErrno(), "socket(AF_INET, SOCK_DGRAM) for SIOCETHTOOL failed.");
    }

    /// <summary>Opens the control socket in <paramref name="networkNamespace"/>.</summary>
    public static EthtoolIoctl Open(NetworkNamespace networkNamespace)
    {
        ArgumentNullException.ThrowIfNull(networkNamespace);
        return networkNamespace.Run(Open);
    }

    /// <summary>ETHTOOL_GRXRINGS: how many RX rings RSS and flow rules can point at.</summary>
    public unsafe uint GetRxRingCount(string device)
    {
        var nfc = new EthtoolRxnfc { Command = EthtoolIoctlCommand.GetRxRings };
        Invoke(device, &nfc, EthtoolIoctlCommand.GetRxRings);
        return (uint)nfc.Data;
    }

    /// <summary>
    /// ETHTOOL_SRXCLSRLINS: inserts <paramref name="rule"/>; returns the location it took. Without a location,
    /// a driver that chooses its own (RX_CLS_LOC_SPECIAL in GRXCLSRLCNT) gets RX_CLS_LOC_ANY, and for any other
    /// the lowest free index is picked, as ethtool's rxclass.c does.
    /// </summary>
    public unsafe uint InsertFlowRule(string device, EthtoolFlowRule rule)
    {
        ArgumentNullException.ThrowIfNull(rule);
        EthtoolRxFlowSpec spec = rule.ToFlowSpec();
        if (rule.Location is null)
        {
            spec.Location = ChooseLocation(device);
        }

        var nfc = new EthtoolRxnfc { Command = EthtoolIoctlCommand.InsertRule, FlowSpec = spec };
        Invoke(device, &nfc, EthtoolIoctlCommand.InsertRule, rule.ToString());
        return nfc.FlowSpec.Location;
    }

    /// <summary>ETHTOOL_SRXCLSRLDEL: deletes the rule at <paramref name="location"/>.</summary>
    public unsafe void DeleteFlowRule(string device, uint location)
    {
        var nfc = new EthtoolRxnfc { Command = EthtoolIoctlCommand.DeleteRule };
        nfc.FlowSpec.Location = location;
        Invoke(device, &nfc, EthtoolIoctlCommand.DeleteRule, $"location {location}");
    }

    /// <summary>
    /// ETHTOOL_GRXCLSRLCNT, ETHTOOL_GRXCLSRLALL then ETHTOOL_GRXCLSRULE for each: the device's TCP rules (rules
    /// of other flow types are left out).
    /// </summary>
    public unsafe IReadOnlyList<EthtoolFlowRule> GetFlowRules(string device)
    {
        uint[] locations = GetRuleLocations(device, out _);
        var rules = new List<EthtoolFlowRule>(locations.Length);
        foreach (uint location in locations)
        {
            var one = new EthtoolRxnfc { Command = EthtoolIoctlCommand.GetRule };
            one.FlowSpec.Location = location;
            Invoke(device, &one, EthtoolIoctlCommand.GetRule, $"location {location}");
            if (EthtoolFlowRule.FromFlowSpec(one.FlowSpec) is EthtoolFlowRule rule)
            {
                rules.Add(rule);
            }
        }

        return rules;
    }

    /// <summary>ETHTOOL_GRXFHINDIR: the RSS indirection table, entry i = the RX queue of hash bucket i.</summary>
    public unsafe uint[] GetRssIndirection(string device)
    {
        var header = new EthtoolRxfhIndirection { Command = EthtoolIoctlCommand.GetRssIndirection };
        Invoke(device, &header, EthtoolIoctlCommand.GetRssIndirection);

        byte[] buffer = new byte[EthtoolRxfhIndirection.RingIndexOffset + (checked((int)header.Size) * sizeof(uint))];
        fixed (byte* at = buffer)
        {
            *(EthtoolRxfhIndirection*)at = header;
            Invoke(device, at, EthtoolIoctlCommand.GetRssIndirection);
        }

        return MemoryMarshal.Cast<byte, uint>(buffer.AsSpan(EthtoolRxfhIndirection.RingIndexOffset)).ToArray();
    }

    /// <summary>ETHTOOL_SRXFHINDIR: sets the table; it must have the device's size.</summary>
    public unsafe void SetRssIndirection(string device, ReadOnlySpan<uint> table)
    {
        if (table.IsEmpty)
        {
            throw new ArgumentException("an empty table means 'driver default': call ResetRssIndirection.", nameof(table));
        }

        byte[] buffer = new byte[EthtoolRxfhIndirection.RingIndexOffset + (table.Length * sizeof(uint))];
        MemoryMarshal.Write(buffer, new EthtoolRxfhIndirection { Command = EthtoolIoctlCommand.SetRssIndirection, Size = (uint)table.Length });
        MemoryMarshal.AsBytes(table).CopyTo(buffer.AsSpan(EthtoolRxfhIndirection.RingIndexOffset));
        fixed (byte* at = buffer)
        {
            Invoke(device, at, EthtoolIoctlCommand.SetRssIndirection, $"{table.Length} entries");
        }
    }

    /// <summary>
    /// <c>ethtool -X DEV equal N</c>: spreads the hash buckets over queues 0..N-1 (entry i = i mod N), keeping
    /// the queues from N up free of RSS traffic for devmem.
    /// </summary>
    public void SetRssEqual(string device, uint queues)
    {
        ArgumentOutOfRangeException.ThrowIfZero(queues);
        uint[] table = GetRssIndirection(device);
        SetRssIndirection(device, EqualSpread(table.Length, queues));
    }

    /// <summary><c>ethtool -X DEV default</c>: ETHTOOL_SRXFHINDIR with size 0, the driver's own spread.</summary>
    public unsafe void ResetRssIndirection(string device)
    {
        var header = new EthtoolRxfhIndirection { Command = EthtoolIoctlCommand.SetRssIndirection, Size = 0 };
        Invoke(device, &header, EthtoolIoctlCommand.SetRssIndirection, "default");
    }

    /// <summary>The table <c>ethtool -X equal N</c> writes: entry i is i mod N (<c>ethtool_rxfh_indir_default</c>).</summary>
    public static uint[] EqualSpread(int size, uint queues)
    {
        ArgumentOutOfRangeException.ThrowIfZero(queues);
        var table = new uint[size];
        for (int i = 0; i < size; i++)
        {
            table[i] = (uint)i % queues;
        }

        return table;
    }

    /// <summary>Closes the control socket.</summary>
    public void Dispose() => _socket.Dispose();

    /// <summary>ETHTOOL_GRXCLSRLCNT then ETHTOOL_GRXCLSRLALL: the locations in use, and the GRXCLSRLCNT data (table size, flags).</summary>
    private unsafe uint[] GetRuleLocations(string device, out ulong tableData)
    {
        var count = new EthtoolRxnfc { Command = EthtoolIoctlCommand.GetRuleCount };
        Invoke(device, &count, EthtoolIoctlCommand.GetRuleCount);
        tableData = count.Data;

        byte[] buffer = new byte[EthtoolRxnfc.BufferSize(count.RuleCount)];
        fixed (byte* at = buffer)
        {
            var all = (EthtoolRxnfc*)at;
            all->Command = EthtoolIoctlCommand.GetAllRules;
            all->Data = count.Data;
            all->RuleCount = count.RuleCount;
            Invoke(device, all, EthtoolIoctlCommand.GetAllRules);
        }

        uint listed = Math.Min(MemoryMarshal.Read<EthtoolRxnfc>(buffer).RuleCount, count.RuleCount);
        return MemoryMarshal.Cast<byte, uint>(buffer.AsSpan(EthtoolRxnfc.RuleLocationsOffset))[..(int)listed].ToArray();
    }

    private uint ChooseLocation(string device)
    {
        uint[] used = GetRuleLocations(device, out ulong data);
        if ((data & EthtoolIoctlCommand.LocationSpecial) != 0)
        {
            return EthtoolIoctlCommand.LocationAny;
        }

        uint tableSize = (uint)data;
        for (uint location = 0; location < tableSize; location++)
        {
            if (Array.IndexOf(used, location) < 0)
            {
                return location;
            }
        }

        throw new DevmemException(Errno.ENOSPC, $"{device}: all {tableSize} flow rule locations are in use. What to do: {EthtoolErrorAdvice.Ioctl(Errno.ENOSPC, EthtoolIoctlCommand.InsertRule)}");
    }

    private unsafe void Invoke(string device, void* command, uint name, string? what = null)
    {
        InterfaceRequest request = InterfaceRequest.For(device, command);
        if (LibC.Ioctl(_socket, EthtoolIoctlCommand.SiocEthtool, &request) != 0)
        {
            Errno errno = LibC.LastErrno();
            string detail = what is null ? device : $"{device}, {what}";
            throw new DevmemException(errno, $"ioctl(SIOCETHTOOL, {EthtoolIoctlCommand.Name(name)}) ({detail}) failed. What to do: {EthtoolErrorAdvice.Ioctl(errno, name)}");
        }
    }
}
