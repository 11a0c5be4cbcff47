using Microsoft.DotNet.Interactive;
using Microsoft.DotNet.Interactive.Directives;
using Notebooks.ML.Charts;

namespace Notebooks.ML.Interactive.Magics;

/// <summary>The command <c>#!plot</c> sends.</summary>
public sealed class PlotChart : MagicCommand
{
    /// <summary>The DataFrame variable to plot.</summary>
    public string? Data { get; set; }

    /// <summary>The chart kind.</summary>
    public string? Kind { get; set; }

    /// <summary>The x column.</summary>
    public string? X { get; set; }

    /// <summary>The y column.</summary>
    public string? Y { get; set; }

    /// <summary>The colour column.</summary>
    public string? Color { get; set; }

    /// <summary>The value column of a heatmap.</summary>
    public string? Z { get; set; }

    /// <summary>The aggregation of a bar chart or heatmap.</summary>
    public string? Agg { get; set; }

    /// <summary>The columns of a correlation or scatter matrix, comma-separated.</summary>
    public string? Columns { get; set; }

    /// <summary>The title.</summary>
    public string? Title { get; set; }

    /// <summary>The histogram bin count.</summary>
    public string? Bins { get; set; }

    /// <summary>The down-sampling seed.</summary>
    public string? Seed { get; set; }
}

/// <summary><c>#!plot</c>: an inline Plotly chart of a DataFrame.</summary>
internal static class PlotMagic
{
    public const string Usage = "#!plot NAME --kind KIND --x COL [--y COL] [--color COL] [--title TEXT] [--agg count|mean|sum|median] [--bins N] [--z COL] [--columns A,B,…] [--seed N]";

    public static void Register(Kernel kernel)
    {
        var directive = new KernelActionDirective("#!plot")
        {
            Description = "Draws an inline Plotly chart of a DataFrame variable. Large data stays responsive: histograms, box statistics and heatmaps are computed in .NET, and scatter and line charts are down-sampled (said on the chart).",
            Parameters =
            [
                new("--data", "The DataFrame variable to plot.") { AllowImplicitName = true, TypeHint = "variable" },
                new KernelDirectiveParameter("--kind", $"The chart: {string.Join(", ", Plot.Kinds)} (default scatter).").AddCompletions(() => Plot.Kinds),
                new("--x", "The column on the x axis; for box and violin charts the groups (or the values when --y is not given)."),
                new("--y", "The column on the y axis: the values of a scatter, line, box or violin chart, the value a bar chart aggregates, the rows of a heatmap."),
                new("--color", "A column that colours the marks: a legend for categories (or a few whole numbers), a colour scale for other numbers."),
                new("--title", "The chart title (default: made from the columns)."),
                new KernelDirectiveParameter("--agg", "How a bar chart or heatmap aggregates --y / --z: count, mean, sum or median (default: count, or mean when a value column is given).").AddCompletions(() => Plot.Aggregates),
                new("--bins", "The number of histogram bins, 1 to 1,000 (default: chosen from the data)."),
                new("--z", "The value a heatmap aggregates in each cell (default: the count of rows)."),
                new("--columns", "The columns of a corr or scatter-matrix chart, comma-separated (default: the numeric columns)."),
                new("--seed", "The seed for down-sampling large data (default: the #!seed value, or 1)."),
            ],
        };

        Magic.Add<PlotChart>(kernel, directive, Usage,
            [
                "#!plot iris --kind scatter --x Petal.Length --y Petal.Width --color Species",
                "#!plot iris --kind histogram --x Sepal.Length --color Species",
                "#!plot iris --kind box --x Species --y Sepal.Length",
                "#!plot diamonds --kind bar --x cut --y price --agg median",
                "#!plot diamonds --kind heatmap --x cut --y color --z price --agg mean",
                "#!plot iris --kind scatter-matrix --color Species",
            ],
            HandleAsync);
    }

    private static Task HandleAsync(PlotChart command, KernelInvocationContext context)
    {
        var session = NotebookSession.For(context.HandlingKernel);
        var frame = session.GetDataFrame(command.Data, "#!plot");
        var chart = Plot.Create(frame, new ChartOptions
        {
            Kind = command.Kind ?? "scatter",
            X = command.X ?? "",
            Y = command.Y,
            Color = command.Color,
            Z = command.Z,
            Agg = command.Agg,
            Columns = command.Columns is null ? null : Options.List(command.Columns),
            Title = command.Title,
            Bins = Options.Int("--bins", command.Bins, null),
            Seed = session.Seed(command.Seed),
        });
        context.Display(chart);
        return Task.CompletedTask;
    }
}
