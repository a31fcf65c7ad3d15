using System.Text.Json.Serialization;
using Devmem.Kernel.Ethtool;
using Devmem.Kernel.Netdev;

namespace Devmem.Cli;

/// <summary>
/// Source-generated JSON for every result the CLI prints with <c>--json</c>: no reflection, so trimming and
/// native AOT keep working. Names are kebab-case like the YAML specs' attribute names; enums print by name.
/// </summary>
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.KebabCaseLower,
    UseStringEnumConverter = true,
    WriteIndented = true)]
[JsonSerializable(typeof(NetdevDevice))]
[JsonSerializable(typeof(IReadOnlyList<NetdevDevice>))]
[JsonSerializable(typeof(IReadOnlyList<NetdevQueue>))]
[JsonSerializable(typeof(IReadOnlyList<NetdevNapi>))]
[JsonSerializable(typeof(IReadOnlyList<NetdevPagePool>))]
[JsonSerializable(typeof(IReadOnlyList<NetdevQueueStats>))]
[JsonSerializable(typeof(EthtoolRings))]
[JsonSerializable(typeof(EthtoolChannels))]
internal sealed partial class CliJsonContext : JsonSerializerContext;
