using System.Diagnostics;
using Devmem.Stack.Nic;
using Devmem.Stack.Sockets;
using Devmem.Stack.Tests.Sockets;
using Devmem.Stack.Wire;

namespace Devmem.Interop.Tests.Support;

/// <summary>
/// Our engine as the client of a kernel echo server: after the handshake a 5-tuple flow rule (as ncdevmem
/// installs) steers the echo to the bound queue, then every message size from <c>1</c> to
/// <c>maxSize</c> goes out and must come back whole in device memory.
/// </summary>
internal static class EngineEchoClient
{
    public static async Task<TimeSpan> SweepAsync(InteropNamespace ns, InteropEngine engine, bool ipv6, int maxSize, CancellationToken cancellationToken)
    {
        const ushort echoPort = 7007;
        using var server = new KernelEchoServer(ns, ipv6, echoPort, cancellationToken);
        using EngineTcpSocket client = await engine.Engine.ConnectAsync(server.EndPoint, cancellationToken);
        engine.Engine.ConfigureNic(nic => nic.AddFlowRule(EchoRule(ipv6, (ushort)client.LocalEndPoint.Port), InteropEngine.DevmemQueue));

        byte[] pattern = NcdevmemPattern.Create(maxSize + NcdevmemPattern.Period);
        var reader = new DevmemEchoReader();
        var clock = Stopwatch.StartNew();
        long position = 0;
        for (int size = 1; size <= maxSize; size++)
        {
            await client.SendAsync(pattern.AsMemory((int)(position % NcdevmemPattern.Period), size), cancellationToken);
            await reader.ReadDeviceMemoryAsync(client, engine.DmaBuf, position, size, cancellationToken);
            position += size;
        }

        TimeSpan elapsed = clock.Elapsed;
        client.ShutdownSend();
        Assert.Equal(position, await server.Serving.WaitAsync(cancellationToken));
        Assert.Equal(0, await DevmemStreamReader.ReadToEndAsync(client, engine.DmaBuf, DevmemDataKind.DeviceMemory, cancellationToken));
        await client.Closed.WaitAsync(cancellationToken);
        return elapsed;
    }

    private static FlowMatch EchoRule(bool ipv6, ushort localPort) => ipv6
        ? FlowMatch.Tcp6(Ipv6Address.FromIPAddress(InteropEngine.KernelIpv6), 7007, Ipv6Address.FromIPAddress(InteropEngine.EngineIpv6), localPort)
        : FlowMatch.Tcp4(Ipv4Address.FromIPAddress(InteropEngine.KernelIpv4), 7007, Ipv4Address.FromIPAddress(InteropEngine.EngineIpv4), localPort);
}
