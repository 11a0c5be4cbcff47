using Microsoft.Data.Analysis;
using Plotly.NET;

namespace Notebooks.ML.Charts;

/// <summary>Scatter and line charts: raw points, down-sampled when there are too many.</summary>
public static partial class Plot
{
    private static GenericChart Scatter(DataFrame frame, ChartOptions options, string? extraNote = null)
    {
        if (string.IsNullOrWhiteSpace(options.Y))
        {
            throw Errors.Fail("A scatter chart needs --y as well as --x, for example: #!plot df --kind scatter --x Size --y Price");
        }

        var x = PlotColumn.Find(frame, options.X, "the --x");
        var y = PlotColumn.Find(frame, options.Y, "the --y");
        var color = Coloring.Resolve(frame, options.Color);
        var scale = color?.Scale;
        var groupOf = new int[x.Length];
        long missing = 0;
        for (var row = 0; row < groupOf.Length; row++)
        {
            if (x.IsMissing(row) || y.IsMissing(row) || (scale is not null && double.IsNaN(scale[row])))
            {
                groupOf[row] = -1;
                missing++;
            }
            else
            {
                groupOf[row] = color?.GroupOf(row) ?? 0;
            }
        }

        var present = groupOf.Length - missing;
        if (present == 0)
        {
            throw Errors.Fail($"There is nothing to plot: every row misses a value of '{x.Name}' or '{y.Name}'{(scale is null ? "" : $" or '{color!.Name}'")}.");
        }

        var samples = Sampling.Stratified(groupOf, color?.GroupCount ?? 1, ScatterBudget, options.Seed);
        var shown = samples.Sum(s => s.Length);
        var type = shown > WebGLThreshold ? "scattergl" : "scatter";
        int xDecimals = x.Decimals(), yDecimals = y.Decimals(), scaleDecimals = color?.Column.Decimals() ?? 0;
        var traces = new List<Trace>();
        for (var group = 0; group < samples.Length; group++)
        {
            var rows = samples[group];
            if (rows.Length == 0)
            {
                continue;
            }

            var trace = new Trace2D(type);
            trace.SetProperty("x", x.Ship(rows, xDecimals));
            trace.SetProperty("y", y.Ship(rows, yDecimals));
            trace.SetProperty("mode", "markers");
            var groupName = color?.NameOf(group);
            Name(trace, groupName);
            if (scale is not null)
            {
                var marker = Marker(shown, Compact.Pick(scale, rows, scaleDecimals));
                marker["colorscale"] = ChartStyle.ContinuousScale;
                marker["showscale"] = true;
                marker["colorbar"] = ChartStyle.ColorBar(color!.Name);
                trace.SetProperty("marker", marker);
                trace.SetProperty("hovertemplate", Hover(null, (x.Name, "x"), (y.Name, "y"), (color.Name, "marker.color")));
            }
            else
            {
                trace.SetProperty("marker", Marker(shown, color?.ColorOf(group) ?? ChartStyle.ColorAt(0)));
                trace.SetProperty("hovertemplate", Hover(groupName, (x.Name, "x"), (y.Name, "y")));
            }

            traces.Add(trace);
        }

        var sampled = shown < present
            ? $"showing {Count(shown)} of {Count(present)} points: a random sample (seed {options.Seed}){(color?.Groups is null ? "" : $", stratified by {color.Name}")}"
            : null;
        var note = Note(sampled, extraNote, MissingNote(missing), color?.Groups is { } groups ? TruncatedNote(groups, color.Name, merged: true) : null);
        var title = options.Title ?? $"{y.Name} vs {x.Name}" + (color is null ? "" : $" by {color.Name}");
        var layout = ChartStyle.Layout(title, x.Name, y.Name, note);
        ChartStyle.SpanFlatAxis(ChartStyle.SetAxis(layout, "xaxis", x.Name, x.Kind), x.Numbers, x.Kind);
        ChartStyle.SpanFlatAxis(ChartStyle.SetAxis(layout, "yaxis", y.Name, y.Kind), y.Numbers, y.Kind);
        if (color?.Groups is not null)
        {
            ChartStyle.SetLegend(layout, color.Name);
        }

        return ChartStyle.Chart(traces, layout);
    }

    /// <summary>One line per colour group, sorted by x; long lines are thinned with LTTB, which keeps their shape.</summary>
    private static GenericChart Line(DataFrame frame, ChartOptions options)
    {
        if (string.IsNullOrWhiteSpace(options.Y))
        {
            throw Errors.Fail("A line chart needs --y as well as --x, for example: #!plot df --kind line --x Date --y Close");
        }

        var x = PlotColumn.Find(frame, options.X, "the --x");
        var y = PlotColumn.Find(frame, options.Y, "the --y");
        if (!y.IsNumeric)
        {
            throw Errors.Fail(WrongType("line chart", "--y", y, "numbers", $" To count rows per category use: #!plot <data> --kind bar --x {y.Name}"));
        }

        var color = Coloring.Resolve(frame, options.Color, "line chart");
        var groupCount = color?.GroupCount ?? 1;
        var rowsOf = Enumerable.Range(0, groupCount).Select(_ => new List<int>()).ToArray();
        long missing = 0;
        for (var row = 0; row < x.Length; row++)
        {
            if (x.IsMissing(row) || y.IsMissing(row))
            {
                missing++;
            }
            else
            {
                rowsOf[color?.GroupOf(row) ?? 0].Add(row);
            }
        }

        var present = x.Length - missing;
        if (present == 0)
        {
            throw Errors.Fail($"There is nothing to plot: every row misses a value of '{x.Name}' or '{y.Name}'.");
        }

        var quotas = Sampling.Allocate(rowsOf.Select(r => (long)r.Count).ToArray(), LineBudget);
        var series = new List<(int Group, int[] Rows)>();
        for (var group = 0; group < groupCount; group++)
        {
            if (rowsOf[group].Count == 0)
            {
                continue;
            }

            var rows = rowsOf[group].ToArray();
            if (x.Numbers is { } xs)
            {
                SortByX(rows, xs);
            }

            if (rows.Length > quotas[group])
            {
                var xValues = x.Numbers is { } numbers ? rows.Select(r => numbers[r]).ToArray() : Enumerable.Range(0, rows.Length).Select(i => (double)i).ToArray();
                var yValues = rows.Select(r => y.Numbers![r]).ToArray();
                var kept = Sampling.LargestTriangleThreeBuckets(xValues, yValues, (int)Math.Max(3, quotas[group]));
                rows = kept.Select(k => rows[k]).ToArray();
            }

            series.Add((group, rows));
        }

        var shown = series.Sum(s => s.Rows.Length);
        var type = shown > WebGLThreshold ? "scattergl" : "scatter";
        int xDecimals = x.Decimals(), yDecimals = y.Decimals();
        var traces = new List<Trace>();
        foreach (var (group, rows) in series)
        {
            var trace = new Trace2D(type);
            trace.SetProperty("x", x.Ship(rows, xDecimals));
            trace.SetProperty("y", y.Ship(rows, yDecimals));
            trace.SetProperty("mode", rows.Length <= 60 ? "lines+markers" : "lines");
            var colour = color?.ColorOf(group) ?? ChartStyle.ColorAt(0);
            trace.SetProperty("line", new Dictionary<string, object> { ["color"] = colour, ["width"] = 2 });
            trace.SetProperty("marker", new Dictionary<string, object> { ["color"] = colour, ["size"] = 6 });
            var groupName = color?.NameOf(group);
            Name(trace, groupName);
            trace.SetProperty("hovertemplate", Hover(groupName, (x.Name, "x"), (y.Name, "y")));
            traces.Add(trace);
        }

        var thinned = shown < present ? $"showing {Count(shown)} of {Count(present)} points: thinned keeping each line's shape (LTTB)" : null;
        var note = Note(thinned, MissingNote(missing), color?.Groups is { } groups ? TruncatedNote(groups, color.Name, merged: true) : null);
        var title = options.Title ?? $"{y.Name} over {x.Name}" + (color is null ? "" : $" by {color.Name}");
        var layout = ChartStyle.Layout(title, x.Name, y.Name, note);
        ChartStyle.SpanFlatAxis(ChartStyle.SetAxis(layout, "xaxis", x.Name, x.Kind), x.Numbers, x.Kind);
        ChartStyle.SpanFlatAxis(ChartStyle.SetAxis(layout, "yaxis", y.Name), y.Numbers, AxisKind.Number);
        layout.SetProperty("hovermode", "x unified");
        if (color?.Groups is not null)
        {
            ChartStyle.SetLegend(layout, color.Name);
        }

        return ChartStyle.Chart(traces, layout);
    }

    /// <summary>Sorts rows by their x value (stable: ties keep row order), skipping the work when they are already in order.</summary>
    private static void SortByX(int[] rows, double[] x)
    {
        var sorted = true;
        for (var i = 1; i < rows.Length && sorted; i++)
        {
            sorted = x[rows[i - 1]] <= x[rows[i]];
        }

        if (!sorted)
        {
            var keys = rows.Select(r => x[r]).ToArray();
            var order = rows.ToArray();
            Array.Sort(keys, order);
            // Array.Sort is not stable; restore row order within equal x so the result never depends on it.
            var start = 0;
            for (var i = 1; i <= order.Length; i++)
            {
                if (i == order.Length || keys[i] != keys[start])
                {
                    Array.Sort(order, start, i - start);
                    start = i;
                }
            }

            order.CopyTo(rows, 0);
        }
    }
}
