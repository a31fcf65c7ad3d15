using System.Globalization;
using System.Text;

namespace Devmem.Cli;

/// <summary>A plain-text table: a header row and left-aligned columns as wide as their widest cell.</summary>
internal sealed class TextTable
{
    private readonly string[] _header;
    private readonly List<string[]> _rows = [];

    public TextTable(params string[] header) => _header = header;

    /// <summary>Adds a row; null cells print as <c>-</c>.</summary>
    public void Add(params object?[] cells)
    {
        if (cells.Length != _header.Length)
        {
            throw new ArgumentException($"{cells.Length} cells for {_header.Length} columns.", nameof(cells));
        }

        _rows.Add([.. cells.Select(Format)]);
    }

    /// <summary>Writes the table, or a line saying there is nothing when it has no rows.</summary>
    public void WriteTo(TextWriter writer, string whenEmpty)
    {
        ArgumentNullException.ThrowIfNull(writer);
        if (_rows.Count == 0)
        {
            writer.WriteLine(whenEmpty);
            return;
        }

        int[] widths = [.. _header.Select((h, i) => _rows.Select(r => r[i].Length).Append(h.Length).Max())];
        WriteRow(writer, _header, widths);
        foreach (string[] row in _rows)
        {
            WriteRow(writer, row, widths);
        }
    }

    /// <summary>Writes <paramref name="pairs"/> as <c>name: value</c> lines, the way ethtool prints settings.</summary>
    public static void WritePairs(TextWriter writer, string title, IEnumerable<(string Name, object? Value)> pairs)
    {
        ArgumentNullException.ThrowIfNull(writer);
        writer.WriteLine(title);
        (string Name, object? Value)[] all = [.. pairs];
        int width = all.Max(p => p.Name.Length) + 1;
        foreach ((string name, object? value) in all)
        {
            writer.WriteLine($"{(name + ":").PadRight(width + 1)}{(value is null ? "n/a" : Format(value))}");
        }
    }

    private static void WriteRow(TextWriter writer, string[] cells, int[] widths)
    {
        var line = new StringBuilder();
        for (int i = 0; i < cells.Length; i++)
        {
            line.Append(i == cells.Length - 1 ? cells[i] : cells[i].PadRight(widths[i] + 2));
        }

        writer.WriteLine(line.ToString().TrimEnd());
    }

    private static string Format(object? value) => value switch
    {
        null => "-",
        bool flag => flag ? "yes" : "no",
        IFormattable formattable => formattable.ToString(null, CultureInfo.InvariantCulture),
        _ => value.ToString() ?? "-",
    };
}
