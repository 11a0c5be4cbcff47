using Microsoft.Data.Analysis;
using Notebooks.ML.Charts;
using Plotly.NET;

namespace Notebooks.ML.Data;

/// <summary>
/// Per-column statistics of a DataFrame, a small distribution chart per column and a correlation heatmap of the
/// numeric columns: the engine behind <c>#!profile</c>. The charts come from <see cref="Plot.Create"/>, so they share
/// the look of every other chart.
/// </summary>
public sealed class DataProfile
{
    /// <summary>Categorical charts show this many most frequent values; the rest are counted in the table only.</summary>
    public const int TopCategories = 20;

    private readonly DataFrame _frame;

    private DataProfile(DataFrame frame, IReadOnlyList<ColumnProfile> columns)
    {
        _frame = frame;
        Columns = columns;
    }

    /// <summary>How many rows the profiled DataFrame has.</summary>
    public long Rows => _frame.Rows.Count;

    /// <summary>One profile per column, in column order.</summary>
    public IReadOnlyList<ColumnProfile> Columns { get; }

    /// <summary>Profiles every column of <paramref name="frame"/>.</summary>
    /// <exception cref="NotebookException">The DataFrame has no columns.</exception>
    public static DataProfile Create(DataFrame frame)
    {
        ArgumentNullException.ThrowIfNull(frame);
        if (frame.Columns.Count == 0)
        {
            throw Errors.Fail("There is nothing to profile: the DataFrame has no columns.");
        }

        var columns = new ColumnProfile[frame.Columns.Count];
        System.Threading.Tasks.Parallel.For(0, columns.Length, c => columns[c] = ColumnProfile.Create(frame.Columns[c]));
        return new DataProfile(frame, columns);
    }

    /// <summary>
    /// A small chart per column that has values: a histogram for numbers, counts of the
    /// <see cref="TopCategories"/> most frequent values for everything else.
    /// </summary>
    public IReadOnlyList<GenericChart> DistributionCharts()
    {
        var charts = new List<GenericChart>();
        if (Rows == 0)
        {
            return charts;
        }

        foreach (var column in Columns)
        {
            if (column.Count == 0)
            {
                continue;
            }

            var chart = column.IsNumeric && column.Type != "bool"
                ? Plot.Create(_frame, new ChartOptions { Kind = "histogram", X = column.Name, Title = column.Name, Small = true })
                : Plot.Create(TopRows(column), new ChartOptions { Kind = "bar", X = column.Name, Title = column.Distinct > TopCategories ? $"{column.Name} (top {TopCategories} of {column.Distinct:N0})" : column.Name, Small = true });
            charts.Add(chart);
        }

        return charts;
    }

    /// <summary>The correlation heatmap of the numeric columns, or <see langword="null"/> when there are fewer than two.</summary>
    public GenericChart? CorrelationChart() =>
        Columns.Count(c => c.IsNumeric && c.Type != "bool") >= 2 && Rows > 1
            ? Plot.Create(_frame, new ChartOptions { Kind = "corr", Title = "Correlation of numeric columns" })
            : null;

    /// <summary>The rows whose value is among the column's most frequent ones, so that a bar chart of them shows only those.</summary>
    private DataFrame TopRows(ColumnProfile column)
    {
        var source = _frame.Columns[column.Name];
        if (column.Distinct <= TopCategories)
        {
            return new DataFrame(source);
        }

        var top = column.TopValues.Select(t => t.Value).ToHashSet(StringComparer.Ordinal);
        var text = Data.Columns.AsText(source);
        var keep = new List<long>();
        for (var i = 0; i < text.Length; i++)
        {
            if (text[i] is { } value && top.Contains(value))
            {
                keep.Add(i);
            }
        }

        return new DataFrame(source)[keep];
    }
}

/// <summary>The statistics of one column in a <see cref="DataProfile"/>.</summary>
public sealed class ColumnProfile
{
    private readonly ColumnSummary _summary;

    private ColumnProfile(ColumnSummary summary, long count, bool numeric, double[] quantiles, double? standardDeviation, IReadOnlyList<(string Value, long Count)> top)
    {
        _summary = summary;
        Count = count;
        IsNumeric = numeric;
        StandardDeviation = standardDeviation;
        if (quantiles.Length == 3)
        {
            Q1 = quantiles[0];
            Median = quantiles[1];
            Q3 = quantiles[2];
        }

        TopValues = top;
    }

    /// <summary>The column name.</summary>
    public string Name => _summary.Name;

    /// <summary>The short type name (<c>int</c>, <c>double</c>, <c>string</c>, …).</summary>
    public string Type => _summary.Type;

    /// <summary>Whether the column holds numbers (or booleans, counted as 0 and 1).</summary>
    public bool IsNumeric { get; }

    /// <summary>How many values are present.</summary>
    public long Count { get; }

    /// <summary>How many values are missing.</summary>
    public long Missing => _summary.Missing;

    /// <summary>How many distinct present values there are.</summary>
    public long Distinct => _summary.Distinct;

    /// <summary>Whether <see cref="Distinct"/> is a HyperLogLog estimate (very many distinct values).</summary>
    public bool DistinctIsEstimate => _summary.DistinctIsEstimate;

    /// <summary>The smallest present value.</summary>
    public object? Min => _summary.Min;

    /// <summary>The largest present value.</summary>
    public object? Max => _summary.Max;

    /// <summary>The mean (numeric columns).</summary>
    public double? Mean => _summary.Mean;

    /// <summary>The sample standard deviation (numeric columns).</summary>
    public double? StandardDeviation { get; }

    /// <summary>The first quartile (numeric columns).</summary>
    public double? Q1 { get; }

    /// <summary>The median (numeric columns).</summary>
    public double? Median { get; }

    /// <summary>The third quartile (numeric columns).</summary>
    public double? Q3 { get; }

    /// <summary>The most frequent values with their counts, most frequent first (ties in ordinal order); non-numeric columns.</summary>
    public IReadOnlyList<(string Value, long Count)> TopValues { get; }

    internal static ColumnProfile Create(DataFrameColumn column)
    {
        var summary = ColumnSummary.Describe(column);
        var numeric = Data.Columns.IsNumeric(column) || column.DataType == typeof(bool);
        if (numeric)
        {
            var values = Data.Columns.AsDoubles(column).Where(v => !double.IsNaN(v)).ToArray();
            Array.Sort(values);
            double? sd = null;
            if (values.Length > 1)
            {
                var mean = summary.Mean ?? 0;
                var sum = 0.0;
                foreach (var v in values)
                {
                    sum += (v - mean) * (v - mean);
                }

                sd = Math.Sqrt(sum / (values.Length - 1));
            }

            var quantiles = values.Length == 0 ? [] : new[] { Quantile(values, 0.25), Quantile(values, 0.5), Quantile(values, 0.75) };
            return new ColumnProfile(summary, values.Length, true, quantiles, sd, []);
        }

        var counts = new Dictionary<string, long>(StringComparer.Ordinal);
        long present = 0;
        foreach (var value in Data.Columns.AsText(column))
        {
            if (value is null)
            {
                continue;
            }

            present++;
            counts[value] = counts.GetValueOrDefault(value) + 1;
        }

        var top = counts.OrderByDescending(kv => kv.Value).ThenBy(kv => kv.Key, StringComparer.Ordinal)
            .Take(DataProfile.TopCategories).Select(kv => (kv.Key, kv.Value)).ToArray();
        return new ColumnProfile(summary, present, false, [], null, top);
    }

    /// <summary>Linear interpolation between closest ranks (the default of numpy and pandas).</summary>
    private static double Quantile(double[] sorted, double q)
    {
        var position = q * (sorted.Length - 1);
        var lower = (int)Math.Floor(position);
        var upper = Math.Min(lower + 1, sorted.Length - 1);
        return sorted[lower] + ((position - lower) * (sorted[upper] - sorted[lower]));
    }
}
