namespace Notebooks.ML.Charts;

/// <summary>What <see cref="Plot.Create"/> draws. Only <see cref="Kind"/> and, for most kinds, <see cref="X"/> are required.</summary>
public sealed class ChartOptions
{
    /// <summary>
    /// The chart kind: <c>scatter</c>, <c>line</c>, <c>bar</c>, <c>histogram</c>, <c>box</c>, <c>violin</c>,
    /// <c>heatmap</c>, <c>corr</c> or <c>scatter-matrix</c> (see <see cref="Plot.Kinds"/>).
    /// </summary>
    public string Kind { get; init; } = "scatter";

    /// <summary>The column on the x axis; for box and violin charts the groups (or the values, when <see cref="Y"/> is not given).</summary>
    public string X { get; init; } = "";

    /// <summary>The column on the y axis: the values of a scatter, line, box or violin chart, the value a bar chart aggregates, the rows of a heatmap.</summary>
    public string? Y { get; init; }

    /// <summary>A column that colours the marks: groups with a legend when categorical (or a few whole numbers), a colour scale when numeric.</summary>
    public string? Color { get; init; }

    /// <summary>The value a heatmap aggregates into each cell (default: the count of rows); <see cref="Color"/> is used when this is not given.</summary>
    public string? Z { get; init; }

    /// <summary>How bar charts and heatmaps aggregate: <c>count</c>, <c>mean</c>, <c>sum</c> or <c>median</c> (default: count, or mean when a value column is given).</summary>
    public string? Agg { get; init; }

    /// <summary>The columns of a correlation matrix or scatter matrix (default: the numeric columns).</summary>
    public IReadOnlyList<string>? Columns { get; init; }

    /// <summary>The chart title; a sensible one is made from the columns when not given.</summary>
    public string? Title { get; init; }

    /// <summary>The number of bins of a histogram (or of a heatmap's numeric axis), from 1 to 1,000; chosen from the data when not given.</summary>
    public int? Bins { get; init; }

    /// <summary>The seed for down-sampling large data, so the same data always gives the same picture.</summary>
    public int Seed { get; init; } = 1;

    /// <summary>Draws a small multiple, as <c>#!profile</c> lays them out: a small size, category labels shortened.</summary>
    internal bool Small { get; init; }
}
