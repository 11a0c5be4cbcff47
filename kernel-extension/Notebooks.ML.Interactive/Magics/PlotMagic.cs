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

    /// <summary>The title.</summary>
    public string? Title { get; set; }

    /// <summary>The histogram bin count.</summary>
    public string? Bins { get; set; }
}

/// <summary><c>#!plot</c>: an inline Plotly chart of a DataFrame.</summary>
internal static class PlotMagic
{
    public const string Usage = "#!plot NAME --kind scatter|histogram --x COL [--y COL] [--color COL] [--title TEXT] [--bins N]";

    public static void Register(Kernel kernel)
    {
        var directive = new KernelActionDirective("#!plot")
        {
            Description = "Draws an inline Plotly chart of a DataFrame variable.",
            Parameters =
            [
                new("--data", "The DataFrame variable to plot.") { AllowImplicitName = true, TypeHint = "variable" },
                new KernelDirectiveParameter("--kind", "The chart: scatter or histogram (default scatter).").AddCompletions(() => Plot.Kinds),
                new("--x", "The column on the x axis."),
                new("--y", "The column on the y axis (scatter)."),
                new("--color", "A column that colours the marks: a legend for categories, a colour scale for numbers."),
                new("--title", "The chart title (default: made from the columns)."),
                new("--bins", "The number of histogram bins (default: chosen from the data)."),
            ],
        };

        Magic.Add<PlotChart>(kernel, directive, Usage,
            ["#!plot iris --kind scatter --x Petal.Length --y Petal.Width --color Species", "#!plot iris --kind histogram --x Sepal.Length --color Species"],
            HandleAsync);
    }

    private static Task HandleAsync(PlotChart command, KernelInvocationContext context)
    {
        var session = NotebookSession.For(context.HandlingKernel);
        var frame = session.GetDataFrame(command.Data, "#!plot");
        if (string.IsNullOrWhiteSpace(command.X))
        {
            throw new NotebookException($"#!plot needs --x: the column on the x axis. Columns: {string.Join(", ", frame.Columns.Select(c => c.Name))}.");
        }

        var chart = Plot.Create(frame, new ChartOptions
        {
            Kind = command.Kind ?? "scatter",
            X = command.X,
            Y = command.Y,
            Color = command.Color,
            Title = command.Title,
            Bins = Options.Int("--bins", command.Bins, null),
            Seed = session.Seed(null),
        });
        context.Display(chart);
        return Task.CompletedTask;
    }
}
