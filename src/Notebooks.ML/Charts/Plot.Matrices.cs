using Microsoft.Data.Analysis;
using Plotly.NET;

namespace Notebooks.ML.Charts;

/// <summary>Charts of many columns at once: the correlation matrix and the scatter matrix.</summary>
public static partial class Plot
{
    /// <summary>
    /// The numeric columns named in --columns, or every numeric column that has values (and, with
    /// <paramref name="varying"/>, more than one value); the note names those left out. At least two.
    /// </summary>
    private static (PlotColumn[] Columns, string? Note) NumericColumns(DataFrame frame, ChartOptions options, string chart, bool varying = false)
    {
        if (options.Columns is { Count: > 0 } names)
        {
            var named = names.Select(n => PlotColumn.Find(frame, n, "the --columns")).ToArray();
            if (named.FirstOrDefault(c => !c.IsNumeric) is { } text)
            {
                throw Errors.Fail(WrongType(chart, "--columns", text, "numeric columns", ""));
            }

            if (named.Length < 2)
            {
                throw Errors.Fail($"A {chart} needs at least two columns, but --columns names {named.Length}.");
            }

            return (named, null);
        }

        var numeric = frame.Columns.Select(PlotColumn.Of).Where(c => c.IsNumeric).ToArray();
        var why = numeric.ToDictionary(c => c, c => Array.TrueForAll(c.Numbers!, double.IsNaN) ? "no values" : varying && ChartStyle.FlatValue(c.Numbers!) is not null ? "one value" : null);
        var usable = numeric.Where(c => why[c] is null).ToArray();
        var leftOut = string.Join(", ", numeric.Where(c => why[c] is not null).Select(c => $"{c.Name} ({why[c]})"));
        if (usable.Length < 2)
        {
            var without = leftOut.Length == 0 ? "" : $" besides {leftOut}";
            throw Errors.Fail($"A {chart} needs at least two numeric columns with {(varying ? "varying values" : "values")}; this DataFrame has {usable.Length}{without}.");
        }

        return (usable, leftOut.Length == 0 ? null : $"left out: {leftOut}");
    }

    /// <summary>The Pearson correlation matrix of the numeric columns, as an annotated heatmap.</summary>
    private static GenericChart Correlation(DataFrame frame, ChartOptions options)
    {
        var (numeric, leftOut) = NumericColumns(frame, options, "correlation chart", varying: true);
        var names = numeric.Select(c => c.Name).ToArray();
        var matrix = Statistics.CorrelationMatrix(numeric.Select(c => c.Numbers!).ToArray());
        var undefined = matrix.Any(r => r.Any(double.IsNaN)) ? "blank: no correlation (a constant column, or fewer than two rows with both values)" : null;
        var heatmap = new Trace2D("heatmap");
        heatmap.SetProperty("z", matrix.Select(r => r.Select(v => double.IsNaN(v) ? (double?)null : Math.Round(v, 3)).ToArray()).ToArray());
        heatmap.SetProperty("x", names);
        heatmap.SetProperty("y", names);
        heatmap.SetProperty("zmin", -1);
        heatmap.SetProperty("zmax", 1);
        heatmap.SetProperty("colorscale", ChartStyle.DivergingScale);
        heatmap.SetProperty("colorbar", ChartStyle.ColorBar("r"));
        heatmap.SetProperty("texttemplate", names.Length <= 15 ? "%{z:.2f}" : "");
        heatmap.SetProperty("hovertemplate", "%{y} × %{x}: %{z:.3f}<extra></extra>");
        var layout = ChartStyle.Layout(options.Title ?? "Correlation of numeric columns", null, null, Note(undefined, leftOut));
        var xAxis = ChartStyle.SetAxis(layout, "xaxis", null, AxisKind.Category);
        xAxis["showgrid"] = false;
        var yAxis = ChartStyle.SetAxis(layout, "yaxis", null, AxisKind.Category);
        yAxis["autorange"] = "reversed";
        yAxis["showgrid"] = false;
        layout.SetProperty("height", Math.Clamp(140 + (28 * names.Length), 360, 900));
        return ChartStyle.Chart([heatmap], layout);
    }

    /// <summary>Every pair of numeric columns in one grid of scatter plots (Plotly's WebGL splom), coloured by --color.</summary>
    private static GenericChart ScatterMatrix(DataFrame frame, ChartOptions options)
    {
        var (all, leftOut) = NumericColumns(frame, options, "scatter matrix");
        if (all.Length == 2)
        {
            // Two columns make one panel: plotly.js cannot draw a splom of one lower-half panel (it fails on the
            // axes of the hidden diagonal), and one panel is a scatter chart.
            return Scatter(frame, new ChartOptions { Kind = "scatter", X = all[0].Name, Y = all[1].Name, Color = options.Color, Title = options.Title, Seed = options.Seed }, leftOut);
        }

        var columns = all.Take(options.Columns is { Count: > 0 } ? all.Length : MatrixColumns).ToArray();
        var color = Coloring.Resolve(frame, options.Color);
        var scale = color?.Scale;
        var groupOf = new int[frame.Rows.Count];
        long missing = 0;
        for (var row = 0; row < groupOf.Length; row++)
        {
            var absent = (scale is not null && double.IsNaN(scale[row])) || Array.Exists(columns, c => double.IsNaN(c.Numbers![row]));
            groupOf[row] = absent ? -1 : color?.GroupOf(row) ?? 0;
            missing += absent ? 1 : 0;
        }

        var present = groupOf.Length - missing;
        if (present == 0)
        {
            throw Errors.Fail($"There is nothing to plot: every row misses a value of {string.Join(", ", columns.Select(c => $"'{c.Name}'"))}.");
        }

        var samples = Sampling.Stratified(groupOf, color?.GroupCount ?? 1, MatrixBudget, options.Seed);
        var shown = samples.Sum(s => s.Length);
        var decimals = columns.Select(c => c.Decimals()).ToArray();
        var traces = new List<Trace>();
        for (var group = 0; group < samples.Length; group++)
        {
            var rows = samples[group];
            if (rows.Length == 0)
            {
                continue;
            }

            var splom = new Trace2D("splom");
            splom.SetProperty("dimensions", columns.Select((c, i) => new Dictionary<string, object>
            {
                ["label"] = c.Name,
                ["values"] = Compact.Pick(c.Numbers!, rows, decimals[i]),
            }).ToArray());
            var marker = Marker(shown, color?.ColorOf(group) ?? ChartStyle.ColorAt(0));
            marker["size"] = Math.Min((int)marker["size"], 5);
            if (scale is not null)
            {
                marker["color"] = Compact.Pick(scale, rows, color!.Column.Decimals());
                marker["colorscale"] = ChartStyle.ContinuousScale;
                marker["showscale"] = true;
                marker["colorbar"] = ChartStyle.ColorBar(color.Name);
            }

            splom.SetProperty("marker", marker);
            splom.SetProperty("diagonal", new Dictionary<string, object> { ["visible"] = false });
            splom.SetProperty("showupperhalf", false);
            Name(splom, color?.Groups is null ? null : color.NameOf(group));
            traces.Add(splom);
        }

        var sampled = shown < present
            ? $"showing {Count(shown)} of {Count(present)} rows: a random sample (seed {options.Seed}){(color?.Groups is null ? "" : $", stratified by {color.Name}")}"
            : null;
        var more = columns.Length < all.Length ? $"the first {columns.Length} of {all.Length} numeric columns; choose others with --columns" : null;
        var note = Note(sampled, more, leftOut, MissingNote(missing), color?.Groups is { } groups ? TruncatedNote(groups, color.Name, merged: true) : null);
        var made = columns.Length <= 4 ? $"Scatter matrix of {string.Join(", ", columns.Select(c => c.Name))}" : $"Scatter matrix of {columns.Length} columns";
        var layout = ChartStyle.Layout(options.Title ?? made + (color is null ? "" : $" by {color.Name}"), null, null, note);
        layout.SetProperty("height", Math.Clamp(160 * (columns.Length - 1), 420, 1000));
        layout.SetProperty("dragmode", "select");
        layout.SetProperty("hovermode", "closest");
        for (var i = 1; i <= columns.Length; i++)
        {
            var suffix = i == 1 ? "" : i.ToString(System.Globalization.CultureInfo.InvariantCulture);
            foreach (var axis in new[] { "xaxis", "yaxis" })
            {
                var settings = ChartStyle.SetAxis(layout, axis + suffix, null);
                settings.Remove("title");
                settings["zeroline"] = false;
                ChartStyle.SpanFlatAxis(settings, columns[i - 1].Numbers, AxisKind.Number);
            }
        }

        if (color?.Groups is not null)
        {
            ChartStyle.SetLegend(layout, color.Name);
        }

        return ChartStyle.Chart(traces, layout);
    }
}
