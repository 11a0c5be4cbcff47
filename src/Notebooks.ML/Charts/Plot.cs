using Microsoft.Data.Analysis;
using Notebooks.ML.Data;
using Plotly.NET;

namespace Notebooks.ML.Charts;

/// <summary>Builds Plotly.NET charts from DataFrames: the engine behind <c>#!plot</c>.</summary>
public static class Plot
{
    private static readonly string[] _kinds = ["scatter", "histogram", "bar", "corr"];

    /// <summary>Scatter plots above this many points are drawn with WebGL.</summary>
    internal const int WebGLThreshold = 10_000;

    /// <summary>The chart kinds <see cref="Create"/> understands.</summary>
    public static IReadOnlyList<string> Kinds => _kinds;

    /// <summary>Builds the chart <paramref name="options"/> describe from <paramref name="frame"/>.</summary>
    /// <exception cref="NotebookException">An unknown column or kind, or a kind that does not fit the column types.</exception>
    public static GenericChart Create(DataFrame frame, ChartOptions options)
    {
        ArgumentNullException.ThrowIfNull(frame);
        ArgumentNullException.ThrowIfNull(options);
        var kind = options.Kind.Trim().ToLowerInvariant();
        if (!_kinds.Contains(kind))
        {
            var near = Errors.ClosestMatch(kind, _kinds) is { } k ? $" Did you mean '{k}'?" : "";
            throw Errors.BadOption("--kind", options.Kind, $"one of {string.Join(", ", _kinds)}.{near}");
        }

        if (frame.Rows.Count == 0)
        {
            throw Errors.Fail("There is nothing to plot: the DataFrame has no rows.");
        }

        return kind switch
        {
            "histogram" => Histogram(frame, options),
            "bar" => Bar(frame, options),
            "corr" => Correlation(frame, options),
            _ => Scatter(frame, options),
        };
    }

    private static GenericChart Scatter(DataFrame frame, ChartOptions options)
    {
        if (string.IsNullOrEmpty(options.Y))
        {
            throw Errors.Fail("A scatter chart needs --y as well as --x, for example: #!plot df --kind scatter --x Size --y Price");
        }

        var xColumn = Columns.Find(frame, options.X, "the --x");
        var yColumn = Columns.Find(frame, options.Y, "the --y");
        var x = Values(xColumn);
        var y = Values(yColumn);
        var traceType = frame.Rows.Count > WebGLThreshold ? "scattergl" : "scatter";
        var traces = new List<Trace>();
        if (options.Color is { } colorName)
        {
            var colorColumn = Columns.Find(frame, colorName, "the --color");
            if (Columns.IsNumeric(colorColumn) && colorColumn.DataType != typeof(bool))
            {
                var trace = Markers(traceType, x, y, null);
                trace.SetProperty("marker", new Dictionary<string, object>
                {
                    ["color"] = Columns.AsDoubles(colorColumn), ["colorscale"] = "Viridis", ["size"] = 6, ["opacity"] = 0.8,
                    ["colorbar"] = new Dictionary<string, object> { ["title"] = new Dictionary<string, object> { ["text"] = colorName } },
                });
                traces.Add(trace);
            }
            else
            {
                var groups = Columns.AsText(colorColumn);
                var index = 0;
                foreach (var group in groups.Select(g => g ?? "(missing)").Distinct().Order(StringComparer.Ordinal))
                {
                    var rows = Enumerable.Range(0, groups.Length).Where(i => (groups[i] ?? "(missing)") == group).ToArray();
                    var trace = Markers(traceType, rows.Select(i => x[i]).ToArray(), rows.Select(i => y[i]).ToArray(), group);
                    trace.SetProperty("marker", new Dictionary<string, object> { ["color"] = ChartStyle.ColorAt(index++), ["size"] = 6, ["opacity"] = 0.8 });
                    traces.Add(trace);
                }
            }
        }
        else
        {
            var trace = Markers(traceType, x, y, null);
            trace.SetProperty("marker", new Dictionary<string, object> { ["color"] = ChartStyle.ColorAt(0), ["size"] = 6, ["opacity"] = 0.8 });
            traces.Add(trace);
        }

        var title = options.Title ?? $"{options.Y} vs {options.X}" + (options.Color is null ? "" : $" by {options.Color}");
        return ChartStyle.Chart(traces, ChartStyle.Layout(title, options.X, options.Y));
    }

    private static Trace2D Markers(string type, object[] x, object[] y, string? name)
    {
        var trace = new Trace2D(type);
        trace.SetProperty("x", x);
        trace.SetProperty("y", y);
        trace.SetProperty("mode", "markers");
        if (name is not null)
        {
            trace.SetProperty("name", name);
            trace.SetProperty("legendgroup", name);
        }
        else
        {
            trace.SetProperty("showlegend", false);
        }

        return trace;
    }

    /// <summary>Numbers stay numbers (missing as null); anything else is drawn as categories.</summary>
    private static object[] Values(DataFrameColumn column) =>
        Columns.IsNumeric(column)
            ? Columns.AsDoubles(column).Select(v => double.IsNaN(v) ? null! : (object)v).ToArray()
            : Columns.AsText(column).Select(v => (object)v!).ToArray();

    private static GenericChart Histogram(DataFrame frame, ChartOptions options)
    {
        var column = Columns.Find(frame, options.X, "the --x");
        if (!Columns.IsNumeric(column))
        {
            throw Errors.Fail($"A histogram needs a numeric column, but '{options.X}' holds {ColumnSummary.TypeName(column.DataType)} values. For counts per category use a bar chart: #!plot <data> --kind bar --x {options.X}");
        }

        var values = Columns.AsDoubles(column);
        var present = values.Where(v => !double.IsNaN(v)).ToArray();
        if (present.Length == 0)
        {
            throw Errors.Fail($"There is nothing to plot: every value of '{options.X}' is missing.");
        }

        var bins = Binning.Create(present, options.Bins);
        var traces = new List<Trace>();
        if (options.Color is { } colorName)
        {
            var groups = Columns.AsText(Columns.Find(frame, colorName, "the --color"));
            var index = 0;
            foreach (var group in groups.Select(g => g ?? "(missing)").Distinct().Order(StringComparer.Ordinal))
            {
                var groupValues = Enumerable.Range(0, values.Length).Where(i => (groups[i] ?? "(missing)") == group && !double.IsNaN(values[i])).Select(i => values[i]);
                traces.Add(Bars(bins, bins.Count(groupValues), group, ChartStyle.ColorAt(index++), 0.6));
            }
        }
        else
        {
            traces.Add(Bars(bins, bins.Count(present), null, ChartStyle.ColorAt(0), 0.9));
        }

        var missing = values.Length - present.Length;
        var note = missing > 0 ? $"{missing:N0} missing values not shown" : null;
        var chart = ChartStyle.Chart(traces, ChartStyle.Layout(options.Title ?? $"Distribution of {options.X}", options.X, "count", note));
        var layout = GenericChart.getLayout(chart);
        layout.SetProperty("bargap", 0.02);
        layout.SetProperty("barmode", "overlay");
        return chart;
    }

    /// <summary>Counts per category of --x (or the mean of --y per category), largest first.</summary>
    private static GenericChart Bar(DataFrame frame, ChartOptions options)
    {
        var x = Columns.AsText(Columns.Find(frame, options.X, "the --x"));
        double[]? y = options.Y is null ? null : Columns.AsDoubles(Columns.Find(frame, options.Y, "the --y"));
        var groups = Enumerable.Range(0, x.Length)
            .GroupBy(i => x[i] ?? "(missing)")
            .Select(g => (Key: g.Key, Value: y is null ? g.Count() : g.Select(i => y[i]).Where(v => !double.IsNaN(v)).DefaultIfEmpty(double.NaN).Average()))
            .OrderByDescending(g => g.Value).ThenBy(g => g.Key, StringComparer.Ordinal)
            .ToArray();
        var trace = new Trace2D("bar");
        trace.SetProperty("x", groups.Select(g => g.Key).ToArray());
        trace.SetProperty("y", groups.Select(g => g.Value).ToArray());
        trace.SetProperty("marker", new Dictionary<string, object> { ["color"] = ChartStyle.ColorAt(0) });
        trace.SetProperty("showlegend", false);
        var yTitle = options.Y is null ? "count" : $"mean of {options.Y}";
        var layout = ChartStyle.Layout(options.Title ?? (options.Y is null ? $"Count by {options.X}" : $"Mean {options.Y} by {options.X}"), options.X, yTitle);
        layout.SetProperty("xaxis", new Dictionary<string, object> { ["title"] = new Dictionary<string, object> { ["text"] = options.X }, ["type"] = "category" });
        return ChartStyle.Chart([trace], layout);
    }

    /// <summary>The Pearson correlation matrix of the numeric columns, as an annotated heatmap.</summary>
    private static GenericChart Correlation(DataFrame frame, ChartOptions options)
    {
        var numeric = frame.Columns.Where(c => Columns.IsNumeric(c) && c.DataType != typeof(bool)).ToArray();
        if (numeric.Length < 2)
        {
            throw Errors.Fail($"A correlation chart needs at least two numeric columns; this DataFrame has {numeric.Length}.");
        }

        var names = numeric.Select(c => c.Name).ToArray();
        var matrix = Statistics.CorrelationMatrix(numeric.Select(Columns.AsDoubles).ToArray());
        var heatmap = new Trace2D("heatmap");
        heatmap.SetProperty("z", matrix.Select(r => r.Select(v => Math.Round(v, 3)).ToArray()).ToArray());
        heatmap.SetProperty("x", names);
        heatmap.SetProperty("y", names);
        heatmap.SetProperty("zmin", -1);
        heatmap.SetProperty("zmax", 1);
        heatmap.SetProperty("colorscale", "RdBu");
        heatmap.SetProperty("reversescale", true);
        heatmap.SetProperty("texttemplate", names.Length <= 15 ? "%{z:.2f}" : "");
        heatmap.SetProperty("hovertemplate", "%{y} × %{x}: %{z:.3f}<extra></extra>");
        var layout = ChartStyle.Layout(options.Title ?? "Correlation of numeric columns", null, null);
        layout.SetProperty("yaxis", new Dictionary<string, object> { ["autorange"] = "reversed", ["automargin"] = true });
        layout.SetProperty("height", Math.Clamp(140 + (28 * names.Length), 360, 900));
        return ChartStyle.Chart([heatmap], layout);
    }

    private static Trace2D Bars(Binning bins, long[] counts, string? name, string color, double opacity)
    {
        var trace = new Trace2D("bar");
        trace.SetProperty("x", bins.Centers);
        trace.SetProperty("y", counts);
        trace.SetProperty("width", Enumerable.Repeat(bins.Width, bins.Centers.Length).ToArray());
        trace.SetProperty("marker", new Dictionary<string, object> { ["color"] = color, ["opacity"] = opacity });
        trace.SetProperty("hovertemplate", "%{x}: %{y}<extra></extra>");
        if (name is not null)
        {
            trace.SetProperty("name", name);
            trace.SetProperty("legendgroup", name);
        }
        else
        {
            trace.SetProperty("showlegend", false);
        }

        return trace;
    }
}
