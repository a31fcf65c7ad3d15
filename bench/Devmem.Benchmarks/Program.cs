using BenchmarkDotNet.Running;

// `dotnet run -c Release --project bench/Devmem.Benchmarks -- --filter '*'` runs everything;
// pass a narrower filter (e.g. '*Checksum*') to run one family.
BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
