using Plotly.NET;

namespace Notebooks.ML.Charts;

/// <summary>The one look every chart in the product shares: colours, fonts, margins and the template.</summary>
internal static class ChartStyle
{
    /// <summary>Twenty distinct colours: the Tableau 10 set, then lighter companions, so 20 groups never repeat a colour.</summary>
    public static readonly string[] Palette =
    [
        "#4C78A8", "#F58518", "#54A24B", "#E45756", "#72B7B2", "#EECA3B", "#B279A2", "#FF9DA6", "#9D755D", "#BAB0AC",
        "#9ECAE9", "#FFBF79", "#88D27A", "#FF9D98", "#83BCB6", "#B79A20", "#D6A5C9", "#FCBFD2", "#D8B5A5", "#79706E",
    ];

    /// <summary>The height of a small chart (see <see cref="Small"/>).</summary>
    public const int SmallHeight = 240;

    /// <summary>The width of a small chart (see <see cref="Small"/>).</summary>
    public const int SmallWidth = 420;

    /// <summary>The longest category label a small chart shows in full.</summary>
    public const int SmallLabelLength = 12;

    /// <summary>The longest line of a category label on a full-size chart.</summary>
    public const int LabelLength = 16;

    /// <summary>Category labels wrap onto lines only on an axis of at most this many categories.</summary>
    public const int MaxWrappedCategories = 12;

    /// <summary>The longest category label on an axis of more than <see cref="MaxWrappedCategories"/> categories.</summary>
    public const int ManyLabelLength = 24;

    /// <summary>The height of a chart, unless it needs more (long labels, many rows of a heatmap …).</summary>
    public const int Height = 420;

    /// <summary>The most lines a wrapped category label takes.</summary>
    public const int MaxLabelLines = 3;

    /// <summary>The colour of the "other" and "(missing)" groups.</summary>
    public const string MutedColor = "#9ca3af";

    /// <summary>The colour scale of every continuous colouring (numeric --color, heatmaps of counts and values).</summary>
    public const string ContinuousScale = "Viridis";

    /// <summary>The diverging scale of correlations: blue for −1, white for 0, red for +1 (ColorBrewer RdBu).</summary>
    public static readonly object[][] DivergingScale =
    [
        [0.0, "#2166ac"], [0.25, "#92c5de"], [0.5, "#f7f7f7"], [0.75, "#f4a582"], [1.0, "#b2182b"],
    ];

    /// <summary>The sequential scale of counts that start at zero (confusion matrices): white for none, dark blue for many (ColorBrewer Blues).</summary>
    public static readonly object[][] SequentialScale =
    [
        [0.0, "#f7fbff"], [0.25, "#c6dbef"], [0.5, "#6baed6"], [0.75, "#2171b5"], [1.0, "#08306b"],
    ];

    public static string ColorAt(int index) => Palette[index % Palette.Length];

    public static Layout Layout(string title, string? xTitle, string? yTitle, string? note = null)
    {
        var layout = new Layout();
        layout.SetProperty("title", new Dictionary<string, object> { ["text"] = title, ["x"] = 0.02, ["font"] = new Dictionary<string, object> { ["size"] = 16 } });
        layout.SetProperty("font", new Dictionary<string, object> { ["family"] = "Inter, Segoe UI, Helvetica, Arial, sans-serif", ["size"] = 12, ["color"] = "#2a2f36" });
        layout.SetProperty("plot_bgcolor", "#ffffff");
        layout.SetProperty("paper_bgcolor", "#ffffff");
        layout.SetProperty("margin", new Dictionary<string, object> { ["l"] = 60, ["r"] = 20, ["t"] = 50, ["b"] = note is null ? 50 : 90 });
        layout.SetProperty("height", Height);
        layout.SetProperty("xaxis", Axis(xTitle));
        layout.SetProperty("yaxis", Axis(yTitle));
        layout.SetProperty("legend", new Dictionary<string, object> { ["orientation"] = "v" });
        if (note is not null)
        {
            layout.SetProperty("annotations", new object[]
            {
                new Dictionary<string, object>
                {
                    // Below the x axis title, whatever the chart's height: pinned to the plot's bottom edge, moved down in pixels.
                    ["text"] = note, ["showarrow"] = false, ["xref"] = "paper", ["yref"] = "paper", ["x"] = 0, ["y"] = 0,
                    ["xanchor"] = "left", ["yanchor"] = "top", ["yshift"] = -62,
                    ["font"] = new Dictionary<string, object> { ["size"] = 11, ["color"] = "#6b7280" },
                },
            });
        }

        return layout;
    }

    private static Dictionary<string, object> Axis(string? title) => new()
    {
        ["title"] = AxisTitle(title ?? ""),
        ["gridcolor"] = "#e5e7eb",
        ["zerolinecolor"] = "#d1d5db",
        ["automargin"] = true,
    };

    /// <summary>
    /// An axis title, set off from the axis's deepest tick label. Left to itself Plotly only steps around the labels
    /// right under (or beside) the title, which leaves it level with the lines of a longer label next to it.
    /// </summary>
    internal static Dictionary<string, object> AxisTitle(string text) => new() { ["text"] = text, ["standoff"] = 10 };

    /// <summary>Sets an axis (<c>xaxis</c>, <c>yaxis2</c> …) in the shared look, with its type when it is not linear.</summary>
    internal static Dictionary<string, object> SetAxis(Layout layout, string axis, string? title, AxisKind kind = AxisKind.Number)
    {
        var settings = Axis(title);
        if (kind == AxisKind.Date)
        {
            settings["type"] = "date";
        }
        else if (kind == AxisKind.Category)
        {
            settings["type"] = "category";
        }

        layout.SetProperty(axis, settings);
        return settings;
    }

    /// <summary>
    /// Gives an axis whose values are all one value a range around it. Plotly's own choice is that value ± 1, which
    /// reads as ticks like 40.8995k for an income of 40,899, or milliseconds either side of a single date.
    /// </summary>
    internal static void SpanFlatAxis(Dictionary<string, object> axis, double[]? values, AxisKind kind)
    {
        if (values is null || kind == AxisKind.Category || FlatValue(values) is not { } value)
        {
            return;
        }

        if (kind == AxisKind.Date)
        {
            const double day = 86_400_000;
            axis["range"] = PlotColumn.FormatDates([value - day, value + day]);
        }
        else
        {
            var pad = value == 0 ? 1 : Math.Abs(value) / 10;
            axis["range"] = new[] { value - pad, value + pad };
        }
    }

    /// <summary>The one value all present <paramref name="values"/> share; null when they differ or none is present.</summary>
    internal static double? FlatValue(IEnumerable<double> values)
    {
        double? first = null;
        foreach (var value in values)
        {
            if (double.IsNaN(value))
            {
                continue;
            }

            if (first is null)
            {
                first = value;
            }
            else if (value != first)
            {
                return null;
            }
        }

        return first;
    }

    /// <summary>An axis of counts no higher than a few: whole-number ticks, not 0, 0.2, 0.4 ….</summary>
    internal static void CountAxis(Dictionary<string, object> axis, long highest)
    {
        if (highest <= 5)
        {
            axis["dtick"] = 1;
            axis["tick0"] = 0;
        }
    }

    /// <summary>
    /// Category tick labels a reader can take in. On a full-size chart of a few categories, a label longer than
    /// <see cref="LabelLength"/> characters wraps at spaces onto at most <see cref="MaxLabelLines"/> lines; with many
    /// categories (narrow slots, where wrapped labels would stand side by side) it is shortened to twice that with an
    /// ellipsis, and on a <paramref name="small"/> chart to <see cref="SmallLabelLength"/>, slanted so each reads
    /// alone. The categories themselves, and so the hover text, keep their names.
    /// </summary>
    internal static void CategoryLabels(Dictionary<string, object> axis, IReadOnlyList<string> names, bool small = false, Layout? layout = null)
    {
        var wrap = !small && names.Count <= MaxWrappedCategories;
        var longest = small ? SmallLabelLength : wrap ? LabelLength : ManyLabelLength;
        if (names.All(n => n.Length <= longest))
        {
            return;
        }

        axis["tickmode"] = "array";
        axis["tickvals"] = names.ToArray();
        axis["ticktext"] = names.Select(n => Label(n, longest, wrap)).ToArray();
        if (small)
        {
            // Shortened labels run into each other level ("analyst data engine… designer"): slanted, each reads alone.
            axis["tickangle"] = 30;
        }
        else if (!wrap && layout is not null)
        {
            // Many long labels stand on end below the x axis: the chart grows by their length, not the plot shrinks.
            var characters = names.Max(n => Math.Min(n.Length, longest));
            layout.SetProperty("height", Height + Math.Max(0, (characters * 7) - 60));
        }
    }

    private static string Label(string name, int longest, bool wrap)
    {
        var lines = new List<string>();
        var rest = name;
        while (wrap && lines.Count < MaxLabelLines - 1 && rest.Length > longest && rest.LastIndexOf(' ', longest) is > 0 and var space)
        {
            lines.Add(rest[..space]);
            rest = rest[(space + 1)..];
        }

        lines.Add(rest.Length <= longest ? rest : rest[..(longest - 1)].TrimEnd() + "…");
        return string.Join("<br>", lines.Select(System.Net.WebUtility.HtmlEncode));
    }

    /// <summary>Makes a chart a small multiple, as <c>#!profile</c> lays them out side by side.</summary>
    internal static void Small(Layout layout)
    {
        layout.SetProperty("height", SmallHeight);
        layout.SetProperty("width", SmallWidth);
        layout.SetProperty("margin", new Dictionary<string, object> { ["l"] = 50, ["r"] = 10, ["t"] = 40, ["b"] = 40 });
    }

    /// <summary>The legend, titled with the column that makes the groups.</summary>
    internal static void SetLegend(Layout layout, string title) =>
        layout.SetProperty("legend", new Dictionary<string, object>
        {
            ["orientation"] = "v",
            ["title"] = new Dictionary<string, object> { ["text"] = title },
            ["itemsizing"] = "constant",
        });

    /// <summary>A colour bar titled with the column it encodes.</summary>
    internal static Dictionary<string, object> ColorBar(string title) => new()
    {
        ["title"] = new Dictionary<string, object> { ["text"] = title, ["side"] = "right" },
        ["thickness"] = 14,
        ["outlinewidth"] = 0,
    };

    public static GenericChart Chart(IEnumerable<Trace> traces, Layout layout)
    {
        var chart = GenericChart.ofTraceObjects(true, traces.ToList());
        chart = GenericChart.setLayout(layout, chart);
        var config = new Config();
        config.SetProperty("responsive", true);
        config.SetProperty("displaylogo", false);
        return GenericChart.setConfig(config, chart);
    }
}
