using System.Text.Json;
using Devmem.Memory;

namespace Devmem.Cli.Tests.Demo;

/// <summary><c>devmem demo</c> through the entry point: the summary, the JSON object, the usage errors.</summary>
[Collection(nameof(CliCollection))]
public sealed class DemoCliTests
{
    [Fact]
    public void Json_IsOneObjectWithEveryField()
    {
        using var leaks = MemoryLeakScope.Begin(nameof(Json_IsOneObjectWithEveryField));
        JsonElement json = CliRunner.Run("demo", "--bytes", "2M", "--json").Json();
        Assert.Equal(2 << 20, json.GetProperty("bytes").GetInt64());
        Assert.True(json.GetProperty("seconds").GetDouble() > 0);
        Assert.True(json.GetProperty("gbit_per_s").GetDouble() > 0);
        Assert.True(json.GetProperty("frags").GetInt64() > 0);
        Assert.Equal(0, json.GetProperty("linear_bytes").GetInt64());
        Assert.Equal(json.GetProperty("tokens_issued").GetInt64(), json.GetProperty("tokens_returned").GetInt64());
        Assert.True(json.GetProperty("validated").GetBoolean());
        Assert.Equal(0, json.GetProperty("errors").GetInt32());

        // A link without faults, whose queues hold a whole window, loses nothing. A retransmission can still
        // come from a timer, when a busy machine starves the receiver past the 2·SRTT + 2 ms of a tail loss
        // probe; one without a timer event would mean the sender saw loss where there was none.
        Assert.All(json.GetProperty("drops").EnumerateObject(), drop => Assert.True(drop.Value.GetInt64() == 0, $"{drop.Name}: {drop.Value}"));
        long timerEvents = json.GetProperty("loss_probes").GetInt64() + json.GetProperty("timeouts").GetInt64();
        Assert.True(json.GetProperty("retransmits").GetInt64() == 0 || timerEvents > 0, json.ToString());
        Assert.Equal(0, json.GetProperty("leaked_net_iovs").GetInt64());
        leaks.AssertNoLeaks();
    }

    [Fact]
    public void Summary_SaysValidatedAndNothingLeaked()
    {
        using var leaks = MemoryLeakScope.Begin(nameof(Summary_SaysValidatedAndNothingLeaked));
        CliResult result = CliRunner.Run("demo", "--bytes", "1M", "--ipv6");
        Assert.True(result.ExitCode == 0, result.Error);
        Assert.Contains("devmem demo: 1.0 MiB in", result.Output, StringComparison.Ordinal);
        Assert.Contains("(IPv6); validated (ncdevmem -v 7), nothing leaked", result.Output, StringComparison.Ordinal);
        Assert.Contains("leaked net_iovs: 0", result.Output, StringComparison.Ordinal);
        leaks.AssertNoLeaks();
    }

    [Theory]
    [InlineData("--bytes", "12X", "K, M or G")]
    [InlineData("--loss", "150", "--loss is a percentage from 0 to 100")]
    [InlineData("--corrupt", "-1", "--corrupt is a percentage from 0 to 100")]
    public void BadOption_IsAUsageError(string option, string value, string message)
    {
        CliResult result = CliRunner.Run("demo", option, value);
        Assert.NotEqual(0, result.ExitCode);
        Assert.Contains(message, result.Error, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", result.Error, StringComparison.Ordinal);
    }
}
