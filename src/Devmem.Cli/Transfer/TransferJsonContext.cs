using System.Text.Json.Serialization;
using Devmem.Cli.Demo;
using Devmem.Cli.Ncdevmem;
using Devmem.Cli.Serve;

namespace Devmem.Cli.Transfer;

/// <summary>
/// Source-generated JSON of the transfer reports (demo, ncdevmem, serve). snake_case, unlike the netdev
/// views' kebab-case: these are the project's own records, named for jq and Python readers.
/// </summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower, WriteIndented = true)]
[JsonSerializable(typeof(DemoReport))]
[JsonSerializable(typeof(NcdevmemReport))]
[JsonSerializable(typeof(ServeReport))]
internal sealed partial class TransferJsonContext : JsonSerializerContext;
