using System.Globalization;
using CsCheck;
using Devmem.Cli.Validation;

namespace Devmem.Cli.Tests.Validation;

/// <summary>ncdevmem's validation against <see cref="ReferencePattern"/>, over random N, lengths and ways of cutting the stream.</summary>
public sealed class NcdevmemValidatorTests
{
    private static readonly Gen<long> Period = Gen.OneOf(Gen.Long[1, 300], Gen.Long[1, 100_000]);

    [Fact]
    public void TheReferenceStream_Validates_HoweverItIsCut() =>
        Gen.Select(Period, Gen.Int[0, 3000], Gen.Int[1, 700]).Sample((period, length, seed) =>
        {
            byte[] stream = ReferencePattern.Create(period, length);
            using var errors = new StringWriter(CultureInfo.InvariantCulture);
            var validator = new NcdevmemValidator(period, errors);
            foreach ((int start, int count) in Cuts(length, seed))
            {
                Assert.True(validator.Validate(stream.AsSpan(start, count)));
            }

            Assert.Equal(0, validator.Errors);
            Assert.False(validator.Failed);
            Assert.Equal(length, validator.Validated);
            Assert.Empty(errors.ToString());
        });

    [Fact]
    public void EveryMismatch_IsReportedInNcdevmemsWords_AndTheTwentyFirstFails() =>
        Gen.Select(Period, Gen.Int[100, 2000], Gen.Int[0, 40], Gen.Int[1, 700]).Sample((period, length, corruptions, seed) =>
        {
            byte[] stream = ReferencePattern.Create(period, length);
            var random = new Random(seed);
            int[] positions = [.. Enumerable.Range(0, length).OrderBy(_ => random.Next()).Take(corruptions).Order()];
            foreach (int position in positions)
            {
                stream[position] ^= (byte)random.Next(1, 256);
            }

            using var errors = new StringWriter(CultureInfo.InvariantCulture);
            var validator = new NcdevmemValidator(period, errors);
            var expectedLines = new List<string>();
            bool passed = true;
            foreach ((int start, int count) in Cuts(length, seed))
            {
                foreach (int position in positions.Where(p => p >= start && p < start + count).Take(NcdevmemValidator.MaxErrors + 1 - expectedLines.Count))
                {
                    expectedLines.Add($"Failed validation: expected={ReferencePattern.At(period, position)}, actual={stream[position]}, index={position - start}");
                }

                if (!validator.Validate(stream.AsSpan(start, count)))
                {
                    passed = false;
                    break;
                }
            }

            Assert.Equal(corruptions <= NcdevmemValidator.MaxErrors, passed);
            Assert.Equal(!passed, validator.Failed);
            Assert.Equal(Math.Min(corruptions, NcdevmemValidator.MaxErrors + 1), validator.Errors);
            Assert.Equal(expectedLines, errors.ToString().Split(Environment.NewLine, StringSplitOptions.RemoveEmptyEntries));
        });

    [Fact]
    public void TheSendersPattern_IsTheReferenceStream() =>
        Gen.Select(Gen.Int[2, 255], Gen.Int[0, 5000]).Sample((period, length) =>
            Assert.Equal(ReferencePattern.Create(period, length), NcdevmemPattern.Create(period, length)));

    [Fact]
    public void MinusV7_IsOneToSixThenNewline()
    {
        var validator = new NcdevmemValidator(7, TextWriter.Null);
        Assert.True(validator.Validate([1, 2, 3, 4, 5, 6, (byte)'\n', 1, 2]));
        Assert.True(validator.Validate([3, 4, 5, 6, (byte)'\n']));
        Assert.Equal(0, validator.Errors);
    }

    // Random cut points of [0, length): every byte in exactly one piece, pieces in order, some empty.
    private static IEnumerable<(int Start, int Count)> Cuts(int length, int seed)
    {
        var random = new Random(seed);
        for (int start = 0; start < length;)
        {
            int count = Math.Min(length - start, random.Next(0, 600));
            yield return (start, count);
            start += count;
        }
    }
}
