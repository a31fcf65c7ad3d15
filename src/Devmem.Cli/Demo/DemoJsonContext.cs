using System.Text.Json.Serialization;

namespace Devmem.Cli.Demo;

/// <summary>
/// Source-generated JSON of the transfer reports (demo, ncdevmem, serve). snake_case, unlike the netdev
/// views' kebab-case: these are the project's own records, named for jq and Python readers.
/// </summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower, WriteIndented = true)]
[JsonSerializable(typeof(DemoReport))]
internal sealed partial class DemoJsonContext : JsonSerializerContext;
