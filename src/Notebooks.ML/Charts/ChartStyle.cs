using Plotly.NET;

namespace Notebooks.ML.Charts;

/// <summary>The one look every chart in the product shares: colours, fonts, margins and the template.</summary>
internal static class ChartStyle
{
    public static readonly string[] Palette =
    [
        "#4C78A8", "#F58518", "#54A24B", "#E45756", "#72B7B2", "#EECA3B", "#B279A2", "#FF9DA6", "#9D755D", "#BAB0AC",
    ];

    public static string ColorAt(int index) => Palette[index % Palette.Length];

    public static Layout Layout(string title, string? xTitle, string? yTitle, string? note = null)
    {
        var layout = new Layout();
        layout.SetProperty("title", new Dictionary<string, object> { ["text"] = title, ["x"] = 0.02, ["font"] = new Dictionary<string, object> { ["size"] = 16 } });
        layout.SetProperty("template", "plotly_white");
        layout.SetProperty("font", new Dictionary<string, object> { ["family"] = "Inter, Segoe UI, Helvetica, Arial, sans-serif", ["size"] = 12, ["color"] = "#2a2f36" });
        layout.SetProperty("plot_bgcolor", "#ffffff");
        layout.SetProperty("paper_bgcolor", "#ffffff");
        layout.SetProperty("margin", new Dictionary<string, object> { ["l"] = 60, ["r"] = 20, ["t"] = 50, ["b"] = note is null ? 50 : 70 });
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
                    ["text"] = note, ["showarrow"] = false, ["xref"] = "paper", ["yref"] = "paper", ["x"] = 0, ["y"] = -0.18,
                    ["xanchor"] = "left", ["font"] = new Dictionary<string, object> { ["size"] = 11, ["color"] = "#6b7280" },
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
