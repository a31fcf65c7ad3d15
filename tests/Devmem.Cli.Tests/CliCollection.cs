namespace Devmem.Cli.Tests;

/// <summary>The CLI tests swap Console.Out and Console.Error, so they never run beside each other.</summary>
[CollectionDefinition(nameof(CliCollection), DisableParallelization = true)]
public sealed class CliCollection;
