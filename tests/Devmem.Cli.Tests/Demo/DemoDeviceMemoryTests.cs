using System.Text.Json;
using Devmem.Kernel.DmaBufs;
using Devmem.Memory;

namespace Devmem.Cli.Tests.Demo;

/// <summary>
/// <c>devmem demo --memory</c>: the user-space engine's NIC writing payload into each kind of device memory,
/// a GPU's included, where the machine has it; where it does not, the refusal and its reason.
/// </summary>
[Collection(nameof(CliCollection))]
public sealed class DemoDeviceMemoryTests
{
    [Theory]
    [InlineData("host", "host memory")]
    [InlineData("udmabuf", "udmabuf (host pages)")]
    [InlineData("cuda", "GPU memory (CUDA device 0)")]
    public void Demo_IntoEachMemory_ValidatesWhereTheMachineHasItAndSaysWhyNotElsewhere(string memory, string description)
    {
        using var leaks = MemoryLeakScope.Begin(nameof(Demo_IntoEachMemory_ValidatesWhereTheMachineHasItAndSaysWhyNotElsewhere));
        DmaBufExporterAvailability availability = Availability(memory);
        CliResult result = CliRunner.Run("demo", "--bytes", "4M", "--memory", memory, "--json");
        if (availability.IsAvailable)
        {
            Assert.True(result.ExitCode == 0, result.Error);
            JsonElement json = result.Json();
            Assert.True(json.GetProperty("validated").GetBoolean());
            Assert.Equal(4 << 20, json.GetProperty("bytes").GetInt64());
            Assert.Equal(0, json.GetProperty("linear_bytes").GetInt64());
            Assert.Equal(description, json.GetProperty("memory").GetString());
            Assert.Equal(0, json.GetProperty("leaked_net_iovs").GetInt64());
        }
        else
        {
            Assert.Equal(1, result.ExitCode);
            Assert.Contains($"ENODEV (No such device): --memory {memory} is not available on this machine: {availability.Reason} Use --memory host instead.",
                result.Error, StringComparison.Ordinal);
            Assert.DoesNotContain("   at ", result.Error, StringComparison.Ordinal);
        }

        leaks.AssertNoLeaks();
    }

    [Fact]
    public void Demo_IntoGpuMemory_ThroughLossAndReordering_IsByteExact()
    {
        DmaBufExporterAvailability cuda = CudaDmaBuf.CheckAvailability();
        Assert.SkipUnless(cuda.IsAvailable, $"no GPU memory here: {cuda.Reason}");
        using var leaks = MemoryLeakScope.Begin(nameof(Demo_IntoGpuMemory_ThroughLossAndReordering_IsByteExact));
        CliResult result = CliRunner.Run("demo", "--bytes", "32M", "--memory", "cuda", "--loss", "2", "--reorder", "5", "--duplicate", "1", "--ipv6", "--json");
        Assert.True(result.ExitCode == 0, result.Error);
        JsonElement json = result.Json();
        Assert.True(json.GetProperty("validated").GetBoolean());
        Assert.Equal(32 << 20, json.GetProperty("bytes").GetInt64());
        Assert.True(json.GetProperty("retransmits").GetInt64() > 0);
        Assert.Equal(json.GetProperty("tokens_issued").GetInt64(), json.GetProperty("tokens_returned").GetInt64());
        Assert.Equal(0, json.GetProperty("leaked_net_iovs").GetInt64());
        leaks.AssertNoLeaks();
    }

    private static DmaBufExporterAvailability Availability(string memory) => memory switch
    {
        "udmabuf" => Udmabuf.CheckAvailability(),
        "cuda" => CudaDmaBuf.CheckAvailability(),
        _ => DmaBufExporterAvailability.Available("host memory is always there"),
    };
}
