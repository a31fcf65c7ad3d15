using System.Globalization;

namespace Devmem.Cli.Transfer;

/// <summary>Byte counts as people type and read them: <c>1048576</c>, <c>64K</c>, <c>64M</c>, <c>1G</c> (binary multiples).</summary>
internal static class ByteSize
{
    private static readonly string[] Units = ["B", "KiB", "MiB", "GiB", "TiB"];

    /// <summary>
    /// Parses a plain number or one with a binary suffix K, M, G or T (case-insensitive, optionally followed
    /// by <c>iB</c> or <c>B</c>). Throws <see cref="ArgumentException"/> with what was wrong.
    /// </summary>
    public static long Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        ReadOnlySpan<char> span = text.AsSpan().Trim();
        if (span.EndsWith("iB", StringComparison.OrdinalIgnoreCase))
        {
            span = span[..^2];
        }
        else if (span.Length > 1 && span[^1] is 'B' or 'b' && char.IsLetter(span[^2]))
        {
            span = span[..^1];
        }

        int shift = span.IsEmpty ? 0 : char.ToUpperInvariant(span[^1]) switch
        {
            'K' => 10,
            'M' => 20,
            'G' => 30,
            'T' => 40,
            _ => 0,
        };
        if (shift != 0)
        {
            span = span[..^1];
        }

        if (!long.TryParse(span, NumberStyles.None, CultureInfo.InvariantCulture, out long value) || value > long.MaxValue >> shift)
        {
            throw new ArgumentException($"'{text}' is not a byte count: use a number, optionally with K, M or G (binary: 1K = 1024)");
        }

        return value << shift;
    }

    /// <summary>Formats <paramref name="bytes"/> in the largest binary unit that keeps the number at least 1: <c>64.0 MiB</c>.</summary>
    public static string Format(double bytes)
    {
        int unit = 0;
        while (Math.Abs(bytes) >= 1024 && unit < Units.Length - 1)
        {
            bytes /= 1024;
            unit++;
        }

        return unit == 0
            ? string.Create(CultureInfo.InvariantCulture, $"{bytes:F0} B")
            : string.Create(CultureInfo.InvariantCulture, $"{bytes:F1} {Units[unit]}");
    }
}
