namespace Notebooks.ML.Charts;

/// <summary>What <see cref="Plot.Create"/> draws. Only <see cref="Kind"/> and <see cref="X"/> are required.</summary>
public sealed class ChartOptions
{
    /// <summary>The chart kind: <c>scatter</c>, <c>histogram</c>, <c>bar</c> or <c>corr</c>.</summary>
    public string Kind { get; init; } = "scatter";

    /// <summary>The column on the x axis.</summary>
    public string X { get; init; } = "";

    /// <summary>The column on the y axis (scatter).</summary>
    public string? Y { get; init; }

    /// <summary>A column that colours the marks: groups with a legend when categorical, a colour scale when numeric.</summary>
    public string? Color { get; init; }

    /// <summary>The chart title; a sensible one is made from the columns when not given.</summary>
    public string? Title { get; init; }

    /// <summary>The number of histogram bins; chosen from the data when not given.</summary>
    public int? Bins { get; init; }

    /// <summary>The seed for down-sampling large data, so the same data always gives the same picture.</summary>
    public int Seed { get; init; } = 1;
}
