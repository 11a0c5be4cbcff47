using System.Globalization;
using Microsoft.Data.Analysis;
using Plotly.NET;

namespace Notebooks.ML.Charts;

/// <summary>Histograms, box plots and violins: statistics computed here, so millions of values ship as a few numbers.</summary>
public static partial class Plot
{
    private static GenericChart Histogram(DataFrame frame, ChartOptions options)
    {
        var x = PlotColumn.Find(frame, options.X, "the --x");
        if (x.Kind == AxisKind.Category)
        {
            throw Errors.Fail($"A histogram needs a numeric column, but '{x.Name}' holds {x.TypeName} values. For counts per category use a bar chart: #!plot <data> --kind bar --x {x.Name}");
        }

        var values = x.Numbers!;
        var missing = values.LongCount(double.IsNaN);
        if (missing == values.Length)
        {
            throw Errors.Fail($"There is nothing to plot: every value of '{x.Name}' is missing.");
        }

        var bins = Binning.Create(values, options.Bins);
        var color = Coloring.Resolve(frame, options.Color, "histogram");
        var counts = new long[color?.GroupCount ?? 1][];
        for (var g = 0; g < counts.Length; g++)
        {
            counts[g] = new long[bins.Length];
        }

        for (var row = 0; row < values.Length; row++)
        {
            if (!double.IsNaN(values[row]))
            {
                counts[color?.GroupOf(row) ?? 0][bins.IndexOf(values[row])]++;
            }
        }

        var decimals = Compact.Decimals(bins.Start, bins.Start + (bins.Width * bins.Length));
        object centers = x.Kind == AxisKind.Date ? PlotColumn.FormatDates(bins.Centers) : Compact.All(bins.Centers, decimals);
        var ranges = x.Kind == AxisKind.Date ? null : bins.Centers.Select(c => $"{Format(c - (bins.Width / 2))} – {Format(c + (bins.Width / 2))}").ToArray();
        var traces = new List<Trace>();
        for (var group = 0; group < counts.Length; group++)
        {
            if (color is not null && counts[group].Sum() == 0)
            {
                continue;
            }

            var trace = new Trace2D("bar");
            trace.SetProperty("x", centers);
            trace.SetProperty("y", counts[group]);
            trace.SetProperty("width", Enumerable.Repeat(bins.Width, bins.Length).ToArray());
            trace.SetProperty("marker", new Dictionary<string, object>
            {
                ["color"] = color?.ColorOf(group) ?? ChartStyle.ColorAt(0),
                ["opacity"] = color is null ? 0.9 : 0.6,
                ["line"] = new Dictionary<string, object> { ["color"] = "#ffffff", ["width"] = bins.Length <= 60 ? 0.5 : 0 },
            });
            var groupName = color?.NameOf(group);
            Name(trace, groupName);
            if (ranges is not null)
            {
                trace.SetProperty("customdata", ranges);
                trace.SetProperty("hovertemplate", $"{Escape(x.Name)} %{{customdata}}<br>count=%{{y}}<extra>{Escape(groupName ?? "")}</extra>");
            }
            else
            {
                trace.SetProperty("hovertemplate", $"{Escape(x.Name)} ≈ %{{x}}<br>count=%{{y}}<extra>{Escape(groupName ?? "")}</extra>");
            }

            traces.Add(trace);
        }

        var note = Note(MissingNote(missing, "missing values"), color?.Groups is { } groups ? TruncatedNote(groups, color.Name, merged: true) : null);
        var title = options.Title ?? $"Distribution of {x.Name}" + (color is null ? "" : $" by {color.Name}");
        var layout = ChartStyle.Layout(title, x.Name, "count", note);
        var axis = ChartStyle.SetAxis(layout, "xaxis", x.Name, x.Kind);
        if (bins.Length == 1)
        {
            // A single bar would fill the plot from edge to edge; show it as a bar among empty neighbours (the edges
            // off the round numbers, so that no tick label sits in the corner on the count axis's 0).
            double[] range = [bins.Centers[0] - (1.3 * bins.Width), bins.Centers[0] + (1.3 * bins.Width)];
            axis["range"] = x.Kind == AxisKind.Date ? PlotColumn.FormatDates(range) : range;
        }

        ChartStyle.CountAxis(ChartStyle.SetAxis(layout, "yaxis", "count"), counts.Max(c => c.Max()));
        layout.SetProperty("bargap", 0);
        layout.SetProperty("barmode", "overlay");
        if (color?.Groups is not null)
        {
            ChartStyle.SetLegend(layout, color.Name);
        }

        return ChartStyle.Chart(traces, layout);
    }

    private static string Format(double value) => value.ToString("G5", CultureInfo.InvariantCulture);

    /// <summary>The values of a box or violin chart, split by category (--x) and colour group, each sorted.</summary>
    private sealed record Distributions(PlotColumn Values, PlotColumn? Groups, Categories? Categories, Coloring? Color, double[][][] Sorted, long Missing)
    {
        public string[] CategoryNames => Categories?.Names ?? [Values.Name];
    }

    private static Distributions Distribute(DataFrame frame, ChartOptions options, string chart)
    {
        var byGroup = !string.IsNullOrWhiteSpace(options.Y);
        var valueName = byGroup ? options.Y! : options.X;
        var values = PlotColumn.Find(frame, valueName, byGroup ? "the --y" : "the --x");
        var groups = byGroup && !string.IsNullOrWhiteSpace(options.X) ? PlotColumn.Find(frame, options.X, "the --x") : null;
        if (!values.IsNumeric)
        {
            var swap = groups is { IsNumeric: true }
                ? $" Did you mean --x {values.Name} --y {groups.Name}?"
                : $" Give the numbers as --y and the groups as --x, for example: #!plot <data> --kind {chart} --x {values.Name} --y <numeric column>";
            throw Errors.Fail(WrongType(chart, byGroup ? "--y" : "--x", values, "numbers", swap));
        }

        var categories = groups is null ? null : Categories.Of(groups).KeepLargest(MaxCategories, mergeRest: false);
        var color = Coloring.Resolve(frame, options.Color, chart);
        var categoryCount = categories?.Count ?? 1;
        var lists = new List<double>[color?.GroupCount ?? 1, categoryCount];
        long missing = 0;
        for (var row = 0; row < values.Length; row++)
        {
            var value = values.Numbers![row];
            var category = categories?.Codes[row] ?? 0;
            if (double.IsNaN(value))
            {
                missing++;
                continue;
            }

            if (category < 0)
            {
                continue;
            }

            var group = color?.GroupOf(row) ?? 0;
            (lists[group, category] ??= []).Add(value);
        }

        if (missing == values.Length)
        {
            throw Errors.Fail($"There is nothing to plot: every value of '{values.Name}' is missing.");
        }

        var sorted = new double[lists.GetLength(0)][][];
        for (var g = 0; g < sorted.Length; g++)
        {
            sorted[g] = new double[categoryCount][];
            for (var c = 0; c < categoryCount; c++)
            {
                var list = lists[g, c];
                sorted[g][c] = list is null ? [] : [.. list];
                Array.Sort(sorted[g][c]);
            }
        }

        return new Distributions(values, groups, categories, color, sorted, missing);
    }

    /// <summary>Box plots with quartiles, whiskers, mean and outliers computed here (Plotly's precomputed box fields).</summary>
    private static GenericChart Box(DataFrame frame, ChartOptions options)
    {
        var data = Distribute(frame, options, "box");
        var decimals = data.Values.Decimals();
        var names = data.CategoryNames;
        var traces = new List<Trace>();
        long outliers = 0, outliersShown = 0;
        for (var group = 0; group < data.Sorted.Length; group++)
        {
            var boxes = Enumerable.Range(0, names.Length).Where(c => data.Sorted[group][c].Length > 0).ToArray();
            if (boxes.Length == 0)
            {
                continue;
            }

            var stats = boxes.Select(c => Statistics.Box(data.Sorted[group][c])).ToArray();
            var points = boxes.Select((c, i) => Outliers(data.Sorted[group][c], stats[i], decimals)).ToArray();
            outliers += stats.Sum(s => (long)s.LowOutliers + s.HighOutliers);
            outliersShown += points.Sum(p => (long)p.Length);
            var trace = new Trace2D("box");
            trace.SetProperty("x", boxes.Select(c => names[c]).ToArray());
            trace.SetProperty("q1", stats.Select(s => Compact.Round(s.Q1, decimals)).ToArray());
            trace.SetProperty("median", stats.Select(s => Compact.Round(s.Median, decimals)).ToArray());
            trace.SetProperty("q3", stats.Select(s => Compact.Round(s.Q3, decimals)).ToArray());
            trace.SetProperty("lowerfence", stats.Select(s => Compact.Round(s.LowerFence, decimals)).ToArray());
            trace.SetProperty("upperfence", stats.Select(s => Compact.Round(s.UpperFence, decimals)).ToArray());
            trace.SetProperty("mean", stats.Select(s => Compact.Round(s.Mean, decimals)).ToArray());
            trace.SetProperty("y", SampleArrays(points));
            trace.SetProperty("boxpoints", "outliers");
            trace.SetProperty("boxmean", true);
            var colour = data.Color?.ColorOf(group) ?? ChartStyle.ColorAt(0);
            trace.SetProperty("marker", new Dictionary<string, object> { ["color"] = colour, ["size"] = 4, ["opacity"] = 0.6 });
            trace.SetProperty("line", new Dictionary<string, object> { ["color"] = colour, ["width"] = 1.5 });
            Name(trace, data.Color?.NameOf(group));
            traces.Add(trace);
        }

        var thinned = outliersShown < outliers ? $"showing {Count(outliersShown)} of {Count(outliers)} outliers, evenly by rank" : null;
        var layout = DistributionLayout(data, options, thinned);
        layout.SetProperty("boxmode", "group");
        return ChartStyle.Chart(traces, layout);
    }

    /// <summary>
    /// The outliers of each box as plotly.js must get them. It takes <c>y</c> as one array of points per box only when
    /// the first array has a value (box/defaults.js reads the first element to tell a 2-D array from a flat one);
    /// <c>[[], [9.5]]</c> reads as flat, and with a flat <c>x</c> plotly.js hides the whole trace: empty axes. So an
    /// empty array is sent as <c>[null]</c>, which Plotly skips as a missing value.
    /// </summary>
    private static Array[] SampleArrays(Array[] points) =>
        points.Select(p => p.Length == 0 ? new object?[] { null } : p).ToArray();

    /// <summary>The values beyond the whiskers, at most <see cref="MaxBoxOutliers"/>, evenly by rank so the extremes stay.</summary>
    private static Array Outliers(double[] sorted, BoxStatistics stats, int decimals)
    {
        var beyond = sorted.Take(stats.LowOutliers).Concat(sorted.Skip(sorted.Length - stats.HighOutliers)).ToArray();
        if (beyond.Length > MaxBoxOutliers)
        {
            beyond = Enumerable.Range(0, MaxBoxOutliers).Select(i => beyond[(int)Math.Round((double)i * (beyond.Length - 1) / (MaxBoxOutliers - 1))]).ToArray();
        }

        return Compact.All(beyond, decimals);
    }

    /// <summary>Violins (kernel density in the browser) drawn from at most <see cref="ViolinPoints"/> quantiles per violin.</summary>
    private static GenericChart Violin(DataFrame frame, ChartOptions options)
    {
        var data = Distribute(frame, options, "violin");
        var decimals = data.Values.Decimals();
        var names = data.CategoryNames;
        var traces = new List<Trace>();
        var sketched = false;
        for (var group = 0; group < data.Sorted.Length; group++)
        {
            var first = true;
            for (var category = 0; category < names.Length; category++)
            {
                var sorted = data.Sorted[group][category];
                if (sorted.Length == 0)
                {
                    continue;
                }

                sketched |= sorted.Length > ViolinPoints;
                var colour = data.Color?.ColorOf(group) ?? ChartStyle.ColorAt(0);
                var trace = new Trace2D("violin");
                trace.SetProperty("y", Compact.All(Statistics.Sketch(sorted, ViolinPoints), decimals));
                trace.SetProperty("x0", names[category]);
                trace.SetProperty("spanmode", "hard");
                trace.SetProperty("points", sorted.Length > ViolinPoints ? false : "outliers");
                trace.SetProperty("box", new Dictionary<string, object> { ["visible"] = true, ["width"] = 0.25 });
                trace.SetProperty("meanline", new Dictionary<string, object> { ["visible"] = true });
                trace.SetProperty("line", new Dictionary<string, object> { ["color"] = colour, ["width"] = 1.5 });
                trace.SetProperty("marker", new Dictionary<string, object> { ["color"] = colour, ["size"] = 4 });
                trace.SetProperty("opacity", 0.85);
                if (data.Color is { } color)
                {
                    Name(trace, color.NameOf(group), first);
                    trace.SetProperty("offsetgroup", color.NameOf(group)!);
                    trace.SetProperty("alignmentgroup", "violins");
                }
                else
                {
                    trace.SetProperty("name", names[category]);
                    trace.SetProperty("showlegend", false);
                }

                trace.SetProperty("hoveron", "violins+points+kde");
                traces.Add(trace);
                first = false;
            }
        }

        var sketch = sketched ? $"violins of more than {Count(ViolinPoints)} values are drawn from {Count(ViolinPoints)} evenly spaced quantiles of them" : null;
        var layout = DistributionLayout(data, options, sketch);
        // Without colour groups each category is a trace of its own: grouping would give each violin a fifth of its
        // slot, off its category's tick. Overlay centres every violin on its tick, at full width.
        layout.SetProperty("violinmode", data.Color is null ? "overlay" : "group");
        return ChartStyle.Chart(traces, layout);
    }

    private static Layout DistributionLayout(Distributions data, ChartOptions options, string? extra)
    {
        var truncated = data.Categories is { } categories ? TruncatedNote(categories, data.Groups!.Name, merged: false) : null;
        var colorNote = data.Color?.Groups is { } groups ? TruncatedNote(groups, data.Color.Name, merged: true) : null;
        var note = Note(extra, MissingNote(data.Missing, "missing values"), truncated, colorNote);
        var made = data.Groups is null ? $"Distribution of {data.Values.Name}" : $"{data.Values.Name} by {data.Groups.Name}";
        var title = options.Title ?? made + (data.Color is null ? "" : $" and {data.Color.Name}");
        var layout = ChartStyle.Layout(title, data.Groups?.Name, data.Values.Name, note);
        var xAxis = ChartStyle.SetAxis(layout, "xaxis", data.Groups?.Name, AxisKind.Category);
        ChartStyle.CategoryLabels(xAxis, data.CategoryNames, options.Small, layout);
        ChartStyle.SpanFlatAxis(ChartStyle.SetAxis(layout, "yaxis", data.Values.Name), data.Values.Numbers, AxisKind.Number);
        if (data.Color?.Groups is not null)
        {
            ChartStyle.SetLegend(layout, data.Color.Name);
        }

        return layout;
    }
}
