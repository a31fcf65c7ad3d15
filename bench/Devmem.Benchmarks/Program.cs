using System.Globalization;
using BenchmarkDotNet.Running;
using Devmem.Benchmarks.DeviceMemory;
using Devmem.Benchmarks.Engine;
using Devmem.Benchmarks.Links;

// `dotnet run -c Release --project bench/Devmem.Benchmarks -- --filter '*'` runs every BenchmarkDotNet
// benchmark; pass a narrower filter (e.g. '*Checksum*') to run one family. `-- goodput [seconds]` prints
// the loss-recovery goodput table instead (a fixed-time simulation, not a BenchmarkDotNet run); `-- links
// [seconds]` (root) compares our devmem receive over TAP, AF_PACKET and the memory link with Linux to Linux;
// `-- memlink [seconds] [mtu] [queue frames] [gso|wire]` runs one engine-to-engine flow over the memory link next to a copy's
// rate (the link carries GSO frames whole, as a veth does, its default; `wire`: one frame per MSS, as a cable between NICs);
// `-- transfers [count] [mtu] [gso|wire]` times the phases of EngineThroughput's operation (connect, data, close);
// `-- pingpong [count] [gso|wire]` times one-byte round trips between two engines (request-response latency);
// `-- device-memory [seconds]` prices one NIC write and one read in each kind of device memory here;
// `-- cuda-copy-paths [seconds]` prices the ways of copying a received buffer into GPU memory.
if (args.Length > 0 && args[0] == "goodput")
{
    double seconds = args.Length > 1 ? double.Parse(args[1], CultureInfo.InvariantCulture) : 5;
    await GoodputSweep.RunAsync(TimeSpan.FromSeconds(seconds));
    return 0;
}

if (args.Length > 0 && args[0] == "links")
{
    double seconds = args.Length > 1 ? double.Parse(args[1], CultureInfo.InvariantCulture) : 5;
    return await LinksBenchmark.RunAsync(TimeSpan.FromSeconds(seconds));
}

if (args.Length > 0 && args[0] == "memlink")
{
    double seconds = args.Length > 1 ? double.Parse(args[1], CultureInfo.InvariantCulture) : 5;
    int mtu = args.Length > 2 ? int.Parse(args[2], CultureInfo.InvariantCulture) : 1500;
    int queue = args.Length > 3 ? int.Parse(args[3], CultureInfo.InvariantCulture) : 4096;
    bool gso = args.Length <= 4 || args[4] != "wire";
    return await MemoryLinkFlow.RunAsync(mtu, TimeSpan.FromSeconds(seconds), queue, gso);
}

if (args.Length > 0 && args[0] == "transfers")
{
    int count = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 40;
    int mtu = args.Length > 2 ? int.Parse(args[2], CultureInfo.InvariantCulture) : 1500;
    return await TransferPhases.RunAsync(count, mtu, args.Length <= 3 || args[3] != "wire");
}

if (args.Length > 0 && args[0] == "pingpong")
{
    int count = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 20_000;
    return await PingPong.RunAsync(count, args.Length <= 2 || args[2] != "wire");
}

if (args.Length > 0 && args[0] == "device-memory")
{
    double seconds = args.Length > 1 ? double.Parse(args[1], CultureInfo.InvariantCulture) : 0.5;
    return DeviceMemorySweep.Run(TimeSpan.FromSeconds(seconds));
}

if (args.Length > 0 && args[0] == "cuda-copy-paths")
{
    double seconds = args.Length > 1 ? double.Parse(args[1], CultureInfo.InvariantCulture) : 0.5;
    return CudaCopyPaths.Run(TimeSpan.FromSeconds(seconds));
}

BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
return 0;
