using System.Globalization;
using Microsoft.Data.Analysis;
using Notebooks.ML.Data;

namespace Notebooks.ML.Charts;

/// <summary>How a column is drawn on an axis.</summary>
internal enum AxisKind
{
    /// <summary>Numbers on a linear axis.</summary>
    Number,

    /// <summary>Dates and times on a date axis.</summary>
    Date,

    /// <summary>Text (or booleans) as categories.</summary>
    Category,
}

/// <summary>A DataFrame column read once for a chart: numbers as doubles, dates as milliseconds since 1970, text as text.</summary>
internal sealed class PlotColumn
{
    private string?[]? _text;

    private PlotColumn(DataFrameColumn source, AxisKind kind, double[]? numbers)
    {
        Source = source;
        Kind = kind;
        Numbers = numbers;
    }

    public string Name => Source.Name;

    public DataFrameColumn Source { get; }

    public AxisKind Kind { get; }

    /// <summary>Numbers, or dates as Unix milliseconds; NaN where missing. Null for categories.</summary>
    public double[]? Numbers { get; }

    public int Length => (int)Source.Length;

    public bool IsNumeric => Kind == AxisKind.Number;

    /// <summary>Whether the column's type holds whole numbers (int, long …).</summary>
    public bool IsIntegerType =>
        Source.DataType == typeof(int) || Source.DataType == typeof(long) || Source.DataType == typeof(short) ||
        Source.DataType == typeof(byte) || Source.DataType == typeof(uint) || Source.DataType == typeof(ulong);

    public string TypeName => ColumnSummary.TypeName(Source.DataType);

    /// <summary>The values as text (dates formatted, numbers invariant); null where missing.</summary>
    public string?[] Text => _text ??= Kind == AxisKind.Date ? FormatDates(Numbers!) : Columns.AsText(Source);

    public static PlotColumn Find(DataFrame frame, string name, string role) => Of(Columns.Find(frame, name, role));

    public static PlotColumn Of(DataFrameColumn column)
    {
        if (column.DataType == typeof(DateTime))
        {
            var millis = new double[column.Length];
            for (long i = 0; i < column.Length; i++)
            {
                millis[i] = column[i] is DateTime d ? (d - DateTime.UnixEpoch).Ticks / TimeSpan.TicksPerMillisecond : double.NaN;
            }

            return new PlotColumn(column, AxisKind.Date, millis);
        }

        return Columns.IsNumeric(column)
            ? new PlotColumn(column, AxisKind.Number, Columns.AsDoubles(column))
            : new PlotColumn(column, AxisKind.Category, null);
    }

    /// <summary>Whether the value at <paramref name="row"/> is missing (categories keep missing values as their own category).</summary>
    public bool IsMissing(int row) => Numbers is { } numbers && double.IsNaN(numbers[row]);

    /// <summary>What the browser gets for <paramref name="rows"/>: rounded numbers, date strings or category names.</summary>
    public object Ship(IReadOnlyList<int> rows, int decimals)
    {
        switch (Kind)
        {
            case AxisKind.Number:
                return Compact.Pick(Numbers!, rows, decimals);
            case AxisKind.Date:
                var picked = new double[rows.Count];
                for (var i = 0; i < picked.Length; i++)
                {
                    picked[i] = Numbers![rows[i]];
                }

                return FormatDates(picked);
            default:
                var text = Text;
                var names = new string[rows.Count];
                for (var i = 0; i < names.Length; i++)
                {
                    names[i] = text[rows[i]] ?? Categories.Missing;
                }

                return names;
        }
    }

    /// <summary>The decimals that keep a millionth of this column's range (numbers only).</summary>
    public int Decimals() => Numbers is { } numbers ? Compact.Decimals(numbers) : 0;

    /// <summary>Unix milliseconds as ISO text, as short as the data allows: dates alone when every time is midnight.</summary>
    public static string?[] FormatDates(IReadOnlyList<double> millis)
    {
        const long day = 86_400_000;
        var hasTime = false;
        var hasMillis = false;
        foreach (var m in millis)
        {
            if (!double.IsNaN(m))
            {
                var ms = (long)m;
                hasTime |= ((ms % day) + day) % day != 0;
                hasMillis |= ms % 1000 != 0;
            }
        }

        var format = hasMillis ? "yyyy-MM-dd HH:mm:ss.fff" : hasTime ? "yyyy-MM-dd HH:mm:ss" : "yyyy-MM-dd";
        var text = new string?[millis.Count];
        for (var i = 0; i < text.Length; i++)
        {
            text[i] = double.IsNaN(millis[i]) ? null : DateTime.UnixEpoch.AddMilliseconds(millis[i]).ToString(format, CultureInfo.InvariantCulture);
        }

        return text;
    }
}
