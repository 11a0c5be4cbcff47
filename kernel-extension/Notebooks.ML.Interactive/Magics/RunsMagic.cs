using System.Globalization;
using System.Runtime.CompilerServices;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.AspNetCore.Html;
using Microsoft.Data.Analysis;
using Microsoft.DotNet.Interactive;
using Microsoft.DotNet.Interactive.Commands;
using Microsoft.DotNet.Interactive.Directives;
using Microsoft.DotNet.Interactive.Formatting;
using Notebooks.ML.Data;
using Notebooks.ML.Display;
using Notebooks.ML.Tracking;
using Notebooks.ML.Training;

namespace Notebooks.ML.Interactive.Magics;

/// <summary>The command <c>#!runs</c> sends without a subcommand: the newest runs.</summary>
public sealed class ShowRuns : MagicCommand;

/// <summary>The command <c>#!runs list</c> sends.</summary>
public sealed class ListRuns : MagicCommand
{
    /// <summary>Only runs on this data: a variable name, a file name or the start of a fingerprint.</summary>
    public string? Data { get; set; }

    /// <summary>Only runs predicting this label.</summary>
    public string? Label { get; set; }

    /// <summary>Only runs of this trainer.</summary>
    public string? Trainer { get; set; }

    /// <summary>At most this many runs.</summary>
    public string? Limit { get; set; }

    /// <summary>Another store to read, for this command only.</summary>
    public string? Store { get; set; }
}

/// <summary>The command <c>#!runs show</c> sends.</summary>
public sealed class ShowRun : MagicCommand
{
    /// <summary>The run: a number, <c>#</c> and a number, or <c>last</c>.</summary>
    public string? Run { get; set; }

    /// <summary>Another store to read, for this command only.</summary>
    public string? Store { get; set; }
}

/// <summary>The command <c>#!runs compare</c> sends; the two runs are read from the magic's text.</summary>
public sealed class CompareRuns : MagicCommand
{
    /// <summary>The first run (the kernel binds one value only; both are read from the text, see <see cref="DirectiveText"/>).</summary>
    public string? Runs { get; set; }

    /// <summary>Another store to read, for this command only.</summary>
    public string? Store { get; set; }
}

/// <summary>The command <c>#!runs plot</c> sends.</summary>
public sealed class PlotRuns : MagicCommand
{
    /// <summary>The metric to plot.</summary>
    public string? Metric { get; set; }

    /// <summary>Only runs on this data.</summary>
    public string? Data { get; set; }

    /// <summary>Only runs predicting this label.</summary>
    public string? Label { get; set; }

    /// <summary>Only runs of this trainer.</summary>
    public string? Trainer { get; set; }

    /// <summary>Another store to read, for this command only.</summary>
    public string? Store { get; set; }
}

/// <summary>The command <c>#!runs store</c> sends.</summary>
public sealed class UseRunStore : MagicCommand
{
    /// <summary>The store for the rest of the session: a file path, a folder, or a PostgreSQL connection string.</summary>
    public string? Location { get; set; }
}

/// <summary>
/// <c>#!runs</c>: the experiment log. Every <c>#!train</c> is recorded (see <see cref="RecordAsync"/>); this magic
/// lists, shows, compares and plots the runs, and marks those trained on data that has since been reloaded.
/// </summary>
internal static class RunsMagic
{
    public const string Usage = "#!runs [list [--data NAME] [--label COL] [--trainer T] | show RUN | compare RUN RUN | plot METRIC | store [LOCATION]] [--store LOCATION]";

    private const string ListUsage = "#!runs list [--data NAME] [--label COL] [--trainer NAME] [--limit N] [--store LOCATION]";
    private const string ShowUsage = "#!runs show RUN [--store LOCATION]";
    private const string CompareUsage = "#!runs compare RUN RUN [--store LOCATION]";
    private const string PlotUsage = "#!runs plot METRIC [--data NAME] [--label COL] [--trainer NAME] [--store LOCATION]";
    private const string StoreUsage = "#!runs store [LOCATION]";
    private const string Subcommands = "list, show, compare, plot or store";

    public static void Register(Kernel kernel)
    {
        Formatter.Register<RunList>((runs, writer) => writer.Write(Cards.Runs(runs)), "text/html");
        Formatter.Register<Run>((run, writer) => writer.Write(Cards.Run(run)), "text/html");
        Formatter.Register<RunComparison>((comparison, writer) => writer.Write(Cards.Comparison(comparison)), "text/html");

        var store = new KernelDirectiveParameter("--store", "Read another run store for this command only: a SQLite file or folder, or a PostgreSQL connection string.");
        var list = new KernelActionDirective("list")
        {
            Description = "Lists runs, newest first, with their data, label, trainer, first metrics and a mark on stale ones.",
            Parameters =
            [
                new("--data", "Only runs on this data: a DataFrame variable, a file name (iris.csv) or the start of a fingerprint."),
                new("--label", "Only runs predicting this column."),
                new KernelDirectiveParameter("--trainer", "Only runs of this trainer.").AddCompletions(() => ModelTrainer.Trainers),
                new("--limit", "At most this many runs (default 50)."),
                Copy(store),
            ],
        };
        var show = new KernelActionDirective("show")
        {
            Description = "Shows everything a run recorded: metrics (per fold too), settings, data, model file and versions.",
            Parameters = [new("--run", "The run: its number (12 or #12), last, or a model variable (the run that trained it).") { AllowImplicitName = true, TypeHint = "run" }, Copy(store)],
        };
        var compare = new KernelActionDirective("compare")
        {
            Description = "Puts two runs side by side: settings and metrics, the differences highlighted.",
            Parameters = [new("--runs", "The two runs: numbers (3 7 or #3 #7), last, or model variables (the runs that trained them).") { AllowImplicitName = true, MaxOccurrences = 2, TypeHint = "run" }, Copy(store)],
        };
        var plot = new KernelActionDirective("plot")
        {
            Description = "Charts a metric across runs, oldest to newest, with the best value so far.",
            Parameters =
            [
                new("--metric", "The metric, as ML.NET names it (MicroAccuracy, AreaUnderRocCurve, RSquared …).") { AllowImplicitName = true, TypeHint = "metric" },
                new("--data", "Only runs on this data."),
                new("--label", "Only runs predicting this column."),
                new KernelDirectiveParameter("--trainer", "Only runs of this trainer.").AddCompletions(() => ModelTrainer.Trainers),
                Copy(store),
            ],
        };
        var use = new KernelActionDirective("store")
        {
            Description = $"Sets where this session records and reads runs: a SQLite file or folder, or a PostgreSQL connection string. Without a location, shows the current store. Default: ${RunStore.LocationVariable}, else {RunStore.DefaultFileName} in the notebook's folder.",
            Parameters = [new("--location", "The store: a file path, a folder, or a PostgreSQL connection string (Host=…;Database=…).") { AllowImplicitName = true, TypeHint = "store" }],
        };
        var root = new KernelActionDirective("#!runs")
        {
            Description = "The experiment log: every #!train is recorded as a run with its data fingerprint, settings, metrics, versions and saved model. Subcommands: list (the default), show, compare, plot, store. Runs trained on data that has since been reloaded are marked stale.",
        };
        foreach (var subcommand in new[] { list, show, compare, plot, use })
        {
            root.Subcommands.Add(subcommand);
        }

        Magic.Add<ShowRuns>(kernel, root, Usage,
            ["#!runs", "#!runs list --data iris --trainer lightgbm", "#!runs show 12", "#!runs compare 3 7", "#!runs plot MicroAccuracy --data iris", "#!runs store team-runs.db"],
            HandleRootAsync);
        Magic.Add<ListRuns>(kernel, list, ListUsage, ["#!runs list", "#!runs list --data iris --label Species", "#!runs list --trainer sdca --limit 10"], HandleListAsync);
        Magic.Add<ShowRun>(kernel, show, ShowUsage, ["#!runs show 12", "#!runs show last"], HandleShowAsync);
        Magic.Add<CompareRuns>(kernel, compare, CompareUsage, ["#!runs compare 3 7", "#!runs compare 3 last", "#!runs compare lgbm sdcaModel"], HandleCompareAsync);
        Magic.Add<PlotRuns>(kernel, plot, PlotUsage, ["#!runs plot MicroAccuracy", "#!runs plot RSquared --data housing"], HandlePlotAsync);
        Magic.Add<UseRunStore>(kernel, use, StoreUsage, ["#!runs store", "#!runs store experiments.db", "#!runs store \"Host=db;Database=runs;Username=me\""], HandleStoreAsync);
    }

    /// <summary>
    /// Records a successful <c>#!train</c> as a run (called from <see cref="TrainMagic"/>). Never fails the cell: a store
    /// that cannot be written is said on the model's card instead.
    /// </summary>
    public static async Task RecordAsync(KernelInvocationContext context, KernelDirectiveCommand command, DataFrame data, TrainedModel model, string variable)
    {
        var session = RunsSession.For(context.HandlingKernel);
        if (model.Info.DataName is { Length: > 0 } name)
        {
            // The variable holds this data now: models trained on other data under the same name are stale.
            session.Watch.Observe(name, model.Info.DataFingerprint, model.Info.DataSource);
        }

        ModelRuns.Watch(model, session.Watch);
        var run = new RunContext { Cell = DirectiveText.Of(command), ModelVariable = variable, Data = data };
        try
        {
            await session.UseAsync(null, store => store.Record(model, run)).ConfigureAwait(false);
        }
#pragma warning disable CA1031 // Training succeeded; a store that cannot be written must not turn that into a failure.
        catch (Exception e)
#pragma warning restore CA1031
        {
            ModelRuns.NotRecorded(model, e is NotebookException ? e.Message : $"{e.GetType().Name}: {e.Message}");
        }
    }

    /// <summary>The store this session records runs in (set by <c>#!runs store</c>), or null for the default: where served models log too.</summary>
    public static string? StoreLocation(Kernel kernel) => RunsSession.For(kernel).Location;

    /// <summary>Tells the session which data <paramref name="name"/> holds now (called from <see cref="LoadMagic"/>).</summary>
    public static void DataLoaded(KernelInvocationContext context, string name, LoadedData data) =>
        RunsSession.For(context.HandlingKernel).Watch.Observe(name, data);

    private static Task HandleRootAsync(ShowRuns command, KernelInvocationContext context)
    {
        var tokens = DirectiveText.Of(command) is { } text ? DirectiveText.Tokenize(text) : [];
        if (tokens.Count > 1)
        {
            throw new NotebookException($"#!runs got '{tokens[1]}', but expected a subcommand: {Subcommands}. Usage: {Usage}");
        }

        return List(context, new RunFilter(), null);
    }

    private static Task HandleListAsync(ListRuns command, KernelInvocationContext context)
    {
        CheckOptions(command, "list", ["--data", "--label", "--trainer", "--limit", "--store"], 0, ListUsage);
        var limit = Options.Int("--limit", command.Limit, 50)!.Value;
        if (limit < 1)
        {
            throw new NotebookException($"The option --limit got '{command.Limit}', but expected a whole number of at least 1.");
        }

        return List(context, new RunFilter { Data = command.Data, Label = command.Label, Trainer = command.Trainer, Limit = limit }, command.Store);
    }

    private static async Task List(KernelInvocationContext context, RunFilter filter, string? location)
    {
        var runs = await RunsSession.For(context.HandlingKernel).UseAsync(location, store => store.List(filter)).ConfigureAwait(false);
        context.Display(new HtmlString(Cards.Runs(runs)), "text/html");
    }

    private static async Task HandleShowAsync(ShowRun command, KernelInvocationContext context)
    {
        CheckOptions(command, "show", ["--run", "--store"], 1, ShowUsage);
        if (string.IsNullOrWhiteSpace(command.Run))
        {
            throw new NotebookException($"#!runs show needs a run, for example: #!runs show 12 (see #!runs list). Usage: {ShowUsage}");
        }

        var reference = RunReference(context, command.Run);
        var run = await RunsSession.For(context.HandlingKernel).UseAsync(command.Store, store => store.Show(reference)).ConfigureAwait(false);
        context.Display(new HtmlString(Cards.Run(run)), "text/html");
    }

    private static async Task HandleCompareAsync(CompareRuns command, KernelInvocationContext context)
    {
        var runs = CheckOptions(command, "compare", ["--runs", "--store"], 2, CompareUsage);
        if (runs.Count != 2)
        {
            throw new NotebookException($"#!runs compare needs two runs, but got {(runs.Count == 0 ? "none" : string.Join(" ", runs.Select(r => $"'{r}'")))}, for example: #!runs compare 3 7. Usage: {CompareUsage}");
        }

        var (first, second) = (RunReference(context, runs[0]), RunReference(context, runs[1]));
        var comparison = await RunsSession.For(context.HandlingKernel).UseAsync(command.Store, store => store.Compare(first, second)).ConfigureAwait(false);
        context.Display(new HtmlString(Cards.Comparison(comparison)), "text/html");
    }

    /// <summary>
    /// A run as the store reads it: a number, <c>last</c>, or the name of a model variable, which stands for the run
    /// recorded when that model was trained (so a notebook can compare its own models whatever their run numbers).
    /// </summary>
    private static string RunReference(KernelInvocationContext context, string reference)
    {
        var name = reference.Trim();
        if (!SyntaxFacts.IsValidIdentifier(name) || name.Equals("last", StringComparison.OrdinalIgnoreCase) || name.Equals("latest", StringComparison.OrdinalIgnoreCase))
        {
            return reference;
        }

        if (NotebookSession.For(context.HandlingKernel).TryGet<TrainedModel>(name) is not { } model)
        {
            throw new NotebookException($"'{name}' is not a run. Expected a run number such as 12 or #12 (see #!runs list), 'last', or the name of a model variable.");
        }

        return ModelRuns.RunOf(model) is { } run
            ? run.Id.ToString(CultureInfo.InvariantCulture)
            : throw new NotebookException($"The model '{name}' has no run in the log{(ModelRuns.ProblemOf(model) is { } problem ? $": {problem}" : " (it was not trained by #!train in this session)")}.");
    }

    private static async Task HandlePlotAsync(PlotRuns command, KernelInvocationContext context)
    {
        CheckOptions(command, "plot", ["--metric", "--data", "--label", "--trainer", "--store"], 1, PlotUsage);
        if (string.IsNullOrWhiteSpace(command.Metric))
        {
            throw new NotebookException($"#!runs plot needs a metric, for example: #!runs plot MicroAccuracy. Usage: {PlotUsage}");
        }

        var filter = new RunFilter { Data = command.Data, Label = command.Label, Trainer = command.Trainer, Limit = 1000 };
        var chart = await RunsSession.For(context.HandlingKernel).UseAsync(command.Store, store => store.Plot(command.Metric, filter)).ConfigureAwait(false);
        context.Display(chart);
    }

    private static async Task HandleStoreAsync(UseRunStore command, KernelInvocationContext context)
    {
        CheckOptions(command, "store", ["--location"], 1, StoreUsage);
        var session = RunsSession.For(context.HandlingKernel);
        // Opened first: a store that does not open is not switched to.
        var (location, kind, models, count) = await session.UseAsync(
            command.Location, store => (store.Location, store.Kind, store.ModelsFolder, store.List(new RunFilter { Limit = 1 }).Total)).ConfigureAwait(false);
        if (command.Location is not null)
        {
            session.Location = command.Location;
        }

        var e = (Func<string, string>)System.Net.WebUtility.HtmlEncode;
        context.Display(new HtmlString(
            $"<div class=\"nbml\" style=\"font-family:Inter,Segoe UI,Helvetica,Arial,sans-serif;font-size:13px\">Runs {(command.Location is null ? "are" : "will be")} recorded in <code>{e(location)}</code> ({e(kind)}, {count:N0} run{(count == 1 ? "" : "s")}); models in <code>{e(models)}</code>.</div>"),
            "text/html");
    }

    /// <summary>
    /// Refuses options the subcommand does not have (the kernel would drop them silently) and returns the values
    /// given without an option name, of which the subcommand takes at most <paramref name="positional"/>.
    /// </summary>
    private static List<string> CheckOptions(KernelDirectiveCommand command, string subcommand, IReadOnlyList<string> options, int positional, string usage)
    {
        var text = DirectiveText.Of(command);
        if (text is null)
        {
            return [];
        }

        var tokens = DirectiveText.Tokenize(text);
        var start = tokens.IndexOf(subcommand);
        var values = new List<string>();
        for (var i = start < 0 ? 1 : start + 1; i < tokens.Count; i++)
        {
            var token = tokens[i];
            if (token is "-h" or "--help")
            {
                continue;
            }

            if (token.StartsWith("--", StringComparison.Ordinal))
            {
                if (!options.Contains(token))
                {
                    throw new NotebookException($"#!runs {subcommand} has no option '{token}'. Options: {string.Join(", ", options)}. Usage: {usage}");
                }

                if (token == "--runs")
                {
                    continue;
                }

                i++;
                continue;
            }

            values.Add(token);
        }

        if (values.Count > positional && positional < 2)
        {
            throw new NotebookException($"#!runs {subcommand} got '{values[positional]}', which is not a value of any option. Usage: {usage}");
        }

        return values;
    }

    private static KernelDirectiveParameter Copy(KernelDirectiveParameter parameter) => new(parameter.Name, parameter.Description);

    /// <summary>Per kernel: the store runs go to, and which data each variable holds (for staleness).</summary>
    private sealed class RunsSession
    {
        private static readonly ConditionalWeakTable<Kernel, RunsSession> _sessions = [];

        public DataWatch Watch { get; } = new();

        /// <summary>Set by <c>#!runs store</c>; otherwise the environment variable or the file beside the notebook.</summary>
        public string? Location { get; set; }

        public static RunsSession For(Kernel kernel) => _sessions.GetValue(kernel.RootKernel, _ => new RunsSession());

        public RunStore Open(string? location) => RunStore.Open(location ?? Location, Watch);

        /// <summary>Opens the store (this session's, or <paramref name="location"/>) off the kernel's thread, uses it, and closes it.</summary>
        public Task<T> UseAsync<T>(string? location, Func<RunStore, T> use) => Task.Run(() =>
        {
            using var store = Open(location);
            return use(store);
        });
    }
}
