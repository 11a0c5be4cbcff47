using Microsoft.Data.Analysis;
using Plotly.NET;

namespace Notebooks.ML.Charts;

/// <summary>Bar charts and heatmaps: values aggregated per category here, so only the aggregates are shipped.</summary>
public static partial class Plot
{
    /// <summary>
    /// Heatmaps label their cells with values only up to this many columns (and <see cref="MaxLabelledRows"/> rows):
    /// beyond that Plotly shrinks the labels to fit their cells, past reading.
    /// </summary>
    internal const int MaxLabelledColumns = 20;

    /// <summary>See <see cref="MaxLabelledColumns"/>.</summary>
    internal const int MaxLabelledRows = 25;

    /// <summary>Counts per category of --x, or the mean, sum or median of --y per category; grouped by --color.</summary>
    private static GenericChart Bar(DataFrame frame, ChartOptions options, string? aggregate)
    {
        var x = PlotColumn.Find(frame, options.X, "the --x");
        var y = string.IsNullOrWhiteSpace(options.Y) ? null : PlotColumn.Find(frame, options.Y, "the --y");
        aggregate ??= y is null ? "count" : "mean";
        if (aggregate != "count" && y is null)
        {
            throw Errors.Fail($"--agg {aggregate} needs --y: the numeric column to aggregate per {x.Name}, for example: #!plot <data> --kind bar --x {x.Name} --y <numeric column> --agg {aggregate}");
        }

        if (aggregate != "count" && !y!.IsNumeric)
        {
            throw Errors.Fail(WrongType("bar chart", "--y", y, "numbers", $" Leave out --y to count rows per {x.Name}."));
        }

        var categories = Categories.Of(x).KeepLargest(MaxCategories, mergeRest: false);
        var color = Coloring.Resolve(frame, options.Color, "bar chart");
        var values = aggregate == "count" ? null : y!.Numbers;
        var cells = new Cells(color?.GroupCount ?? 1, categories.Count, aggregate);
        var totals = new Cells(1, categories.Count, aggregate);
        long missing = 0;
        for (var row = 0; row < x.Length; row++)
        {
            var category = categories.Codes[row];
            var value = values?[row] ?? 1;
            if (double.IsNaN(value))
            {
                missing++;
                continue;
            }

            if (category >= 0)
            {
                cells.Add(color?.GroupOf(row) ?? 0, category, value);
                totals.Add(0, category, value);
            }
        }

        var present = Enumerable.Range(0, categories.Count).Where(c => totals.Count(0, c) > 0).ToArray();
        if (present.Length == 0)
        {
            throw Errors.Fail($"There is nothing to plot: every value of '{y!.Name}' is missing.");
        }

        // Text categories read best largest first; numbers and dates keep their own order.
        var order = x.Kind == AxisKind.Category
            ? present.OrderByDescending(c => totals.Value(0, c)).ThenBy(c => categories.Names[c], StringComparer.Ordinal).ToArray()
            : present;
        var names = order.Select(c => categories.Names[c]).ToArray();
        var decimals = Compact.Decimals(order.Select(c => totals.Value(0, c) ?? 0).Append(0).ToArray());
        var traces = new List<Trace>();
        for (var group = 0; group < (color?.GroupCount ?? 1); group++)
        {
            if (color is not null && order.All(c => cells.Count(group, c) == 0))
            {
                continue;
            }

            var trace = new Trace2D("bar");
            trace.SetProperty("x", names);
            trace.SetProperty("y", Compact.Packed(order.Select(c => cells.Value(group, c) is { } v ? (double?)Compact.Round(v, decimals) : null).ToArray()));
            trace.SetProperty("marker", new Dictionary<string, object> { ["color"] = color?.ColorOf(group) ?? ChartStyle.ColorAt(0) });
            var groupName = color?.NameOf(group);
            Name(trace, groupName);
            trace.SetProperty("hovertemplate", $"{Escape(x.Name)}=%{{x}}<br>{Escape(ValueTitle(aggregate, y))}=%{{y}}<extra>{Escape(groupName ?? "")}</extra>");
            traces.Add(trace);
        }

        var valueTitle = ValueTitle(aggregate, y);
        var note = Note(
            MissingNote(missing, $"rows with a missing {y?.Name}"),
            TruncatedNote(categories, x.Name, merged: false),
            color?.Groups is { } groups ? TruncatedNote(groups, color.Name, merged: true) : null);
        var made = aggregate == "count" ? $"Count by {x.Name}" : $"{char.ToUpperInvariant(AggregateWord(aggregate)[0])}{AggregateWord(aggregate)[1..]} {y!.Name} by {x.Name}";
        var title = options.Title ?? made + (color is null ? "" : $" and {color.Name}");
        var layout = ChartStyle.Layout(title, x.Name, valueTitle, note);
        var axis = ChartStyle.SetAxis(layout, "xaxis", x.Name, AxisKind.Category);
        axis["categoryorder"] = "array";
        axis["categoryarray"] = names;
        ChartStyle.CategoryLabels(axis, names, options.Small, layout);
        if (aggregate == "count")
        {
            var highest = Enumerable.Range(0, color?.GroupCount ?? 1).SelectMany(g => order.Select(c => cells.Count(g, c))).Max();
            ChartStyle.CountAxis(ChartStyle.SetAxis(layout, "yaxis", valueTitle), highest);
        }

        layout.SetProperty("barmode", "group");
        if (color?.Groups is not null)
        {
            ChartStyle.SetLegend(layout, color.Name);
        }

        return ChartStyle.Chart(traces, layout);
    }

    private static string AggregateWord(string aggregate) => aggregate switch
    {
        "sum" => "total",
        _ => aggregate,
    };

    private static string ValueTitle(string aggregate, PlotColumn? value) =>
        aggregate == "count" ? "count" : $"{aggregate} of {value!.Name}";

    /// <summary>
    /// A heatmap of two columns: categories (text, or numbers with few distinct values) or, for other numbers and
    /// dates, bins. Each cell is the count of rows, or the mean, sum or median of --z (or --color).
    /// </summary>
    private static GenericChart Heatmap(DataFrame frame, ChartOptions options, string? aggregate)
    {
        if (string.IsNullOrWhiteSpace(options.Y))
        {
            throw Errors.Fail($"A heatmap needs --y as well as --x: the two columns whose values make its columns and rows, for example: #!plot <data> --kind heatmap --x {options.X} --y <column> [--z <numeric column> --agg mean]");
        }

        var x = HeatmapAxis.Of(PlotColumn.Find(frame, options.X, "the --x"), options.Bins);
        var y = HeatmapAxis.Of(PlotColumn.Find(frame, options.Y, "the --y"), options.Bins);
        var valueName = string.IsNullOrWhiteSpace(options.Z) ? options.Color : options.Z;
        var value = string.IsNullOrWhiteSpace(valueName) ? null : PlotColumn.Find(frame, valueName, string.IsNullOrWhiteSpace(options.Z) ? "the --color" : "the --z");
        aggregate ??= value is null ? "count" : "mean";
        if (aggregate != "count" && value is null)
        {
            throw Errors.Fail($"--agg {aggregate} needs --z: the numeric column to aggregate in each cell, for example: #!plot <data> --kind heatmap --x {x.Column.Name} --y {y.Column.Name} --z <numeric column> --agg {aggregate}");
        }

        if (aggregate != "count" && !value!.IsNumeric)
        {
            throw Errors.Fail(WrongType("heatmap", "--z", value, "numbers", " Leave out --z to count rows per cell."));
        }

        var cells = new Cells(y.Length, x.Length, aggregate);
        var numbers = aggregate == "count" ? null : value!.Numbers;
        long missing = 0;
        for (var row = 0; row < x.Column.Length; row++)
        {
            int column = x.IndexOf(row), line = y.IndexOf(row);
            var cellValue = numbers?[row] ?? 1;
            if (column == HeatmapAxis.MissingValue || line == HeatmapAxis.MissingValue || double.IsNaN(cellValue))
            {
                missing++;
            }
            else if (column >= 0 && line >= 0)
            {
                cells.Add(line, column, cellValue);
            }
        }

        var z = new Array[y.Length];
        var decimals = Compact.Decimals(Enumerable.Range(0, y.Length).SelectMany(r => Enumerable.Range(0, x.Length).Select(c => cells.Value(r, c) ?? 0)).ToArray());
        for (var r = 0; r < y.Length; r++)
        {
            z[r] = Compact.Packed(Enumerable.Range(0, x.Length).Select(c => cells.Value(r, c) is { } v ? (double?)Compact.Round(v, decimals) : null).ToArray());
        }

        var valueTitle = ValueTitle(aggregate, value);
        var heatmap = new Trace2D("heatmap");
        heatmap.SetProperty("x", x.Labels);
        heatmap.SetProperty("y", y.Labels);
        heatmap.SetProperty("z", z);
        heatmap.SetProperty("colorscale", ChartStyle.ContinuousScale);
        heatmap.SetProperty("colorbar", ChartStyle.ColorBar(valueTitle));
        heatmap.SetProperty("hoverongaps", false);
        heatmap.SetProperty("hovertemplate", $"{Escape(x.Column.Name)}=%{{x}}<br>{Escape(y.Column.Name)}=%{{y}}<br>{Escape(valueTitle)}=%{{z}}<extra></extra>");
        if (x.Length <= MaxLabelledColumns && y.Length <= MaxLabelledRows)
        {
            // Large values read as 73.4k rather than 7.34e+4; counts are whole numbers as they are.
            var large = Enumerable.Range(0, y.Length).Any(r => Enumerable.Range(0, x.Length).Any(c => Math.Abs(cells.Value(r, c) ?? 0) >= 10_000));
            heatmap.SetProperty("texttemplate", aggregate == "count" ? "%{z}" : large ? "%{z:.3~s}" : "%{z:.3~g}");
        }

        var note = Note(MissingNote(missing), x.Note, y.Note);
        var made = aggregate == "count" ? $"Count by {x.Column.Name} and {y.Column.Name}" : $"{char.ToUpperInvariant(AggregateWord(aggregate)[0])}{AggregateWord(aggregate)[1..]} {value!.Name} by {x.Column.Name} and {y.Column.Name}";
        if (ChartStyle.FlatValue(Enumerable.Range(0, y.Length).SelectMany(r => Enumerable.Range(0, x.Length).Select(c => cells.Value(r, c) ?? double.NaN))) is { } flat)
        {
            // One value in every cell: a colour bar from 0 (counts) or around it, not a span of rounding errors.
            var pad = flat == 0 ? 1 : Math.Abs(flat) / 10;
            heatmap.SetProperty("zmin", aggregate == "count" ? 0 : flat - pad);
            heatmap.SetProperty("zmax", aggregate == "count" ? flat : flat + pad);
        }

        var layout = ChartStyle.Layout(options.Title ?? made, x.Column.Name, y.Column.Name, note);
        var xAxis = ChartStyle.SetAxis(layout, "xaxis", x.Column.Name, x.Kind);
        if (x.Labels is string[] xNames)
        {
            ChartStyle.CategoryLabels(xAxis, xNames, options.Small, layout);
        }

        ChartStyle.SetAxis(layout, "yaxis", y.Column.Name, y.Kind);
        return ChartStyle.Chart([heatmap], layout);
    }

    /// <summary>One axis of a heatmap: the categories of a column, or bins of its numbers or dates.</summary>
    private sealed class HeatmapAxis
    {
        public const int MissingValue = -2;

        private readonly Categories? _categories;
        private readonly Binning? _bins;

        private HeatmapAxis(PlotColumn column, Categories? categories, Binning? bins)
        {
            Column = column;
            _categories = categories;
            _bins = bins;
        }

        public PlotColumn Column { get; }

        public AxisKind Kind => _categories is null ? Column.Kind : AxisKind.Category;

        public int Length => _categories?.Count ?? _bins!.Length;

        public object Labels =>
            _categories is not null ? _categories.Names
            : Column.Kind == AxisKind.Date ? PlotColumn.FormatDates(_bins!.Centers)
            : Compact.All(_bins!.Centers, Compact.Decimals(_bins.Start, _bins.Start + (_bins.Width * _bins.Length)));

        public string? Note => _categories is { } categories ? TruncatedNote(categories, Column.Name, merged: false) : null;

        public static HeatmapAxis Of(PlotColumn column, int? bins)
        {
            if (column.Kind == AxisKind.Category || Categories.IsFewWholeNumbers(column, MaxCategories))
            {
                return new HeatmapAxis(column, Categories.Of(column).KeepLargest(MaxCategories, mergeRest: false), null);
            }

            var binning = Binning.Create(column.Numbers!, bins);
            if (bins is null && binning.Length > MaxCategories)
            {
                binning = Binning.Create(column.Numbers!, MaxCategories);
            }

            return new HeatmapAxis(column, null, binning);
        }

        /// <summary>The cell index of <paramref name="row"/>; -1 when its category was left out, <see cref="MissingValue"/> when missing.</summary>
        public int IndexOf(int row)
        {
            if (_categories is { } categories)
            {
                return categories.Codes[row];
            }

            var value = Column.Numbers![row];
            return double.IsNaN(value) ? MissingValue : _bins!.IndexOf(value);
        }
    }

    /// <summary>Running aggregates per (group, category) cell: count, sum, and the values themselves for a median.</summary>
    private sealed class Cells(int groups, int categories, string aggregate)
    {
        private readonly long[,] _counts = new long[groups, categories];
        private readonly double[,] _sums = new double[groups, categories];
        private readonly List<double>?[,] _values = new List<double>?[aggregate == "median" ? groups : 0, aggregate == "median" ? categories : 0];

        public void Add(int group, int category, double value)
        {
            _counts[group, category]++;
            _sums[group, category] += value;
            if (aggregate == "median")
            {
                (_values[group, category] ??= []).Add(value);
            }
        }

        public long Count(int group, int category) => _counts[group, category];

        /// <summary>The aggregate of a cell; null for an empty cell (a gap rather than a zero).</summary>
        public double? Value(int group, int category)
        {
            var count = _counts[group, category];
            if (count == 0)
            {
                return null;
            }

            switch (aggregate)
            {
                case "count":
                    return count;
                case "sum":
                    return _sums[group, category];
                case "mean":
                    return _sums[group, category] / count;
                default:
                    var values = _values[group, category]!.ToArray();
                    Array.Sort(values);
                    return Statistics.Quantile(values, 0.5);
            }
        }
    }
}
