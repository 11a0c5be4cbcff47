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
        layout.SetProperty("height", 420);
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
        ["title"] = new Dictionary<string, object> { ["text"] = title ?? "" },
        ["gridcolor"] = "#e5e7eb",
        ["zerolinecolor"] = "#d1d5db",
        ["automargin"] = true,
    };

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
