using Devmem.Cli.Transfer;

namespace Devmem.Cli.Tests.Transfer;

public sealed class ByteSizeTests
{
    [Theory]
    [InlineData("0", 0L)]
    [InlineData("1048576", 1048576L)]
    [InlineData("4K", 4096L)]
    [InlineData("64M", 64L << 20)]
    [InlineData("64m", 64L << 20)]
    [InlineData("1G", 1L << 30)]
    [InlineData("1GiB", 1L << 30)]
    [InlineData("2MB", 2L << 20)]
    [InlineData(" 3k ", 3072L)]
    public void Parse_PlainAndBinarySuffixes(string text, long expected) => Assert.Equal(expected, ByteSize.Parse(text));

    [Theory]
    [InlineData("")]
    [InlineData("G")]
    [InlineData("-1")]
    [InlineData("1.5G")]
    [InlineData("12X")]
    [InlineData("99999999999T")]
    public void Parse_Rejects_WithWhatToType(string text) =>
        Assert.Contains("K, M or G", Assert.Throws<ArgumentException>(() => ByteSize.Parse(text)).Message, StringComparison.Ordinal);

    [Theory]
    [InlineData(512, "512 B")]
    [InlineData(64L << 20, "64.0 MiB")]
    [InlineData(3L << 29, "1.5 GiB")]
    public void Format_LargestUnit(long bytes, string expected) => Assert.Equal(expected, ByteSize.Format(bytes));
}
