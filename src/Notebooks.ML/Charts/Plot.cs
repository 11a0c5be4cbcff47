using System.Globalization;
using Microsoft.Data.Analysis;
using Plotly.NET;

namespace Notebooks.ML.Charts;

/// <summary>
/// Builds Plotly.NET charts from DataFrames: the engine behind <c>#!plot</c>, and the charts of <c>#!profile</c>.
/// Large data stays responsive: histograms, box statistics and heatmaps are computed here and only their results
/// are shipped; scatter and line data are down-sampled (seeded, and said on the chart); big traces use WebGL.
/// </summary>
public static partial class Plot
{
    private static readonly string[] _kinds = ["scatter", "line", "bar", "histogram", "box", "violin", "heatmap", "corr", "scatter-matrix"];

    private static readonly string[] _aggregates = ["count", "mean", "sum", "median"];

    private static readonly Dictionary<string, string> _synonyms = new(StringComparer.Ordinal)
    {
        ["hist"] = "histogram",
        ["lines"] = "line",
        ["points"] = "scatter",
        ["correlation"] = "corr",
        ["splom"] = "scatter-matrix",
        ["scatter_matrix"] = "scatter-matrix",
        ["scattermatrix"] = "scatter-matrix",
        ["pairs"] = "scatter-matrix",
    };

    /// <summary>Scatter and line traces with more points than this are drawn with WebGL.</summary>
    internal const int WebGLThreshold = 10_000;

    /// <summary>The most points a scatter chart ships; larger data is sampled down to this.</summary>
    internal const int ScatterBudget = 100_000;

    /// <summary>The most points all lines of a line chart ship together.</summary>
    internal const int LineBudget = 20_000;

    /// <summary>The most rows a scatter matrix ships (each is drawn once per panel).</summary>
    internal const int MatrixBudget = 10_000;

    /// <summary>The most columns a scatter matrix shows unless they are named.</summary>
    internal const int MatrixColumns = 6;

    /// <summary>The most colour groups; the rest are merged into "other".</summary>
    internal const int MaxColorGroups = 20;

    /// <summary>The most categories on a bar, box, violin or heatmap axis; the most frequent are kept.</summary>
    internal const int MaxCategories = 50;

    /// <summary>The most outliers a box ships; more are thinned evenly by rank, keeping the extremes.</summary>
    internal const int MaxBoxOutliers = 500;

    /// <summary>A violin of more values than this is drawn from this many evenly spaced quantiles of them.</summary>
    internal const int ViolinPoints = 1_000;

    /// <summary>The chart kinds <see cref="Create"/> understands.</summary>
    public static IReadOnlyList<string> Kinds => _kinds;

    /// <summary>The aggregations bar charts and heatmaps understand.</summary>
    public static IReadOnlyList<string> Aggregates => _aggregates;

    /// <summary>Builds the chart <paramref name="options"/> describe from <paramref name="frame"/>.</summary>
    /// <exception cref="NotebookException">
    /// An unknown column, kind or aggregation, a bin count out of range, empty data, or a kind that does not fit the
    /// column types; the message names the value and what was expected.
    /// </exception>
    public static GenericChart Create(DataFrame frame, ChartOptions options)
    {
        ArgumentNullException.ThrowIfNull(frame);
        ArgumentNullException.ThrowIfNull(options);
        var kind = Kind(options.Kind);
        if (options.Bins is { } bins && (bins < 1 || bins > Binning.MaxBins))
        {
            throw Errors.BadOption("--bins", bins.ToString(CultureInfo.InvariantCulture), $"a whole number of bins from 1 to {Binning.MaxBins:N0}");
        }

        var aggregate = Aggregate(options.Agg);
        if (frame.Columns.Count == 0 || frame.Rows.Count == 0)
        {
            throw Errors.Fail("There is nothing to plot: the DataFrame has no rows.");
        }

        var needsX = kind is not ("corr" or "scatter-matrix") && !(kind is "box" or "violin" && !string.IsNullOrWhiteSpace(options.Y));
        if (needsX && string.IsNullOrWhiteSpace(options.X))
        {
            throw Errors.Fail($"A {kind} chart needs --x: the column on the x axis. Columns: {string.Join(", ", frame.Columns.Select(c => c.Name))}.");
        }

        var chart = kind switch
        {
            "line" => Line(frame, options),
            "bar" => Bar(frame, options, aggregate),
            "histogram" => Histogram(frame, options),
            "box" => Box(frame, options),
            "violin" => Violin(frame, options),
            "heatmap" => Heatmap(frame, options, aggregate),
            "corr" => Correlation(frame, options),
            "scatter-matrix" => ScatterMatrix(frame, options),
            _ => Scatter(frame, options),
        };
        if (options.Small)
        {
            ChartStyle.Small(GenericChart.getLayout(chart));
        }

        return chart;
    }

    private static string Kind(string? value)
    {
        var kind = (value ?? "scatter").Trim().ToLowerInvariant();
        kind = _synonyms.GetValueOrDefault(kind, kind);
        if (!_kinds.Contains(kind))
        {
            var near = Errors.ClosestMatch(kind, _kinds) is { } k ? $" Did you mean '{k}'?" : "";
            throw Errors.BadOption("--kind", value, $"one of {string.Join(", ", _kinds)}.{near}");
        }

        return kind;
    }

    private static string? Aggregate(string? value)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            return null;
        }

        var aggregate = value.Trim().ToLowerInvariant() switch
        {
            "avg" or "average" => "mean",
            "total" => "sum",
            var other => other,
        };
        if (!_aggregates.Contains(aggregate))
        {
            var near = Errors.ClosestMatch(aggregate, [.. _aggregates, "average", "total"]) is { } a ? $" Did you mean '{Aggregate(a)}'?" : "";
            throw Errors.BadOption("--agg", value, $"one of {string.Join(", ", _aggregates)}.{near}");
        }

        return aggregate;
    }

    /// <summary>A whole number as the chart shows it: 3,000,000.</summary>
    internal static string Count(long value) => value.ToString("N0", CultureInfo.InvariantCulture);

    /// <summary>The notes under a chart, joined; null when there is nothing to say.</summary>
    private static string? Note(params string?[] parts)
    {
        var said = parts.Where(p => !string.IsNullOrEmpty(p)).ToArray();
        return said.Length == 0 ? null : string.Join(" · ", said);
    }

    private static string? MissingNote(long missing, string what = "rows with a missing value") =>
        missing > 0 ? $"{Count(missing)} {what} not shown" : null;

    private static string? TruncatedNote(Categories categories, string column, bool merged) =>
        !categories.Truncated ? null
        : merged ? $"{column}: the {categories.Shown} most frequent of {Count(categories.Distinct)} values, the rest as 'other'"
        : $"{column}: showing the {categories.Shown} most frequent of {Count(categories.Distinct)} values";

    private static string WrongType(string chart, string option, PlotColumn column, string expected, string hint) =>
        $"A {chart} needs {expected} for {option}, but '{column.Name}' holds {column.TypeName} values.{hint}";

    /// <summary>Marker size and opacity that keep a few points legible and many points from turning into a blob.</summary>
    private static Dictionary<string, object> Marker(int points, object color)
    {
        var (size, opacity) = points switch
        {
            <= 1_000 => (7, 0.85),
            <= 10_000 => (5, 0.7),
            <= 50_000 => (4, 0.55),
            _ => (3, 0.45),
        };
        return new Dictionary<string, object> { ["color"] = color, ["size"] = size, ["opacity"] = opacity };
    }

    private static void Name(Trace trace, string? name, bool showLegend = true)
    {
        if (name is null)
        {
            trace.SetProperty("showlegend", false);
            return;
        }

        trace.SetProperty("name", name);
        trace.SetProperty("legendgroup", name);
        trace.SetProperty("showlegend", showLegend);
    }

    /// <summary>Hover text that names the columns: <c>Petal.Length=%{x}</c>.</summary>
    private static string Hover(string? group, params (string Column, string Value)[] parts) =>
        string.Join("<br>", parts.Select(p => $"{Escape(p.Column)}=%{{{p.Value}}}")) + $"<extra>{Escape(group ?? "")}</extra>";

    /// <summary>Plotly reads hover templates as a little HTML, and %{…} as a placeholder.</summary>
    private static string Escape(string text) => text.Replace("&", "&amp;", StringComparison.Ordinal).Replace("<", "&lt;", StringComparison.Ordinal).Replace("%{", "%&#123;", StringComparison.Ordinal);
}
