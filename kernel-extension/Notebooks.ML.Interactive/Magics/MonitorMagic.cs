using Microsoft.AspNetCore.Html;
using Microsoft.DotNet.Interactive;
using Microsoft.DotNet.Interactive.Directives;
using Microsoft.DotNet.Interactive.Formatting;
using Notebooks.ML.Charts;
using Notebooks.ML.Display;
using Notebooks.ML.Drift;

namespace Notebooks.ML.Interactive.Magics;

/// <summary>The command <c>#!monitor</c> sends.</summary>
public sealed class MonitorServer : MagicCommand
{
    /// <summary>The server's name (<c>#!serve … --name NAME</c>).</summary>
    public string? Name { get; set; }

    /// <summary>The window length: 1m, 1h, 1d …</summary>
    public string? Window { get; set; }

    /// <summary>Only traffic since this time.</summary>
    public string? Since { get; set; }

    /// <summary>A model variable whose reference sample the inputs are compared with.</summary>
    public string? Reference { get; set; }

    /// <summary>The run store that holds the prediction log.</summary>
    public string? Store { get; set; }

    /// <summary>The variable for the report.</summary>
    public string? As { get; set; }
}

/// <summary>
/// <c>#!monitor NAME</c>: a served model's life from its prediction log, per window: requests, rows, errors, latency,
/// predictions and input drift (<see cref="ModelMonitor"/> is the C# twin).
/// </summary>
internal static class MonitorMagic
{
    public const string Usage = "#!monitor NAME [--window 1m|1h|1d] [--since TIME] [--reference MODEL] [--store LOCATION] [--as NAME]";

    public static void Register(Kernel kernel)
    {
        // A report returned by a cell shows its card; #!monitor adds the chart (MonitorCharts draws it from C#).
        Formatter.Register<MonitorReport>((report, writer) => writer.Write(Cards.Monitor(report)), HtmlFormatter.MimeType);
        var directive = new KernelActionDirective("#!monitor")
        {
            Description = "Shows a served model's life from its prediction log, window by window: requests, rows, errors, latency p50/p99, what it predicted, and the share of input columns that drifted from the model's reference sample. One chart of four panels and a table.",
            Parameters =
            [
                new("--name", "The server's name (what #!serve --name gave it).") { AllowImplicitName = true, TypeHint = "server" },
                new KernelDirectiveParameter("--window", "The length of each window: a number and s, m, h, d or w, such as 1m, 1h (default) or 1d. Windows start on whole multiples (hours on the hour, days at midnight UTC).").AddCompletions(() => ["1m", "5m", "15m", "1h", "6h", "1d", "1w"]),
                new("--since", "Only traffic since this time: an ISO date/time (UTC unless it says) or a duration ago such as 30m, 2h, 7d (default: all of it)."),
                new("--reference", "A model variable whose reference sample the inputs are compared with (default: the served model's own, through its run in the store)."),
                new("--store", "The run store that holds the prediction log (default: the session's, see #!runs store)."),
                new("--as", "A variable for the report (a MonitorReport: Windows with Requests, Rows, Errors, LatencyP50, LatencyP99, PredictionShares, DriftShare …)."),
            ],
        };

        Magic.Add<MonitorServer>(kernel, directive, Usage,
            ["#!monitor penguins", "#!monitor penguins --window 1d --since 7d", "#!monitor penguins --window 5m --since 2h --reference model"],
            HandleAsync);
    }

    private static async Task HandleAsync(MonitorServer command, KernelInvocationContext context)
    {
        var session = NotebookSession.For(context.HandlingKernel);
        if (string.IsNullOrWhiteSpace(command.Name))
        {
            throw new NotebookException($"#!monitor needs the server's name, for example: #!monitor penguins (the --name given to #!serve). Usage: {Usage}");
        }

        var name = command.As is null ? null : NotebookSession.VariableName(command.As, "--as");
        var options = new MonitorOptions
        {
            Window = command.Window is null ? TimeSpan.FromHours(1) : Window(command.Window),
            Since = command.Since is null ? null : Options.Since("--since", command.Since, DateTimeOffset.UtcNow),
        };
        var reference = command.Reference is null ? null : ModelVariable.Get(session, command.Reference, "#!monitor --reference");
        await ServedLogs.FlushAsync(context.HandlingKernel, command.Name).ConfigureAwait(false);
        var report = await RunsMagic.UseStoreAsync(context, command.Store, store => ModelMonitor.Read(store, command.Name, options, reference)).ConfigureAwait(false);
        if (name is not null)
        {
            await session.SetAsync(name, report).ConfigureAwait(false);
        }

        // Two outputs: a report page redraws an output that holds a chart as the chart only.
        context.Display(new HtmlString(Cards.Monitor(report)), HtmlFormatter.MimeType);
        context.Display(MonitorCharts.Timeline(report));
    }

    /// <summary><c>--window</c>: a number and s, m, h, d or w.</summary>
    internal static TimeSpan Window(string text)
    {
        if (Options.Duration(text) is { } window && window >= TimeSpan.FromSeconds(1))
        {
            return window;
        }

        throw new NotebookException($"The option --window got '{text}', but expected a window of at least a second: a number and s, m, h, d or w, such as 1m, 1h or 1d.");
    }
}
