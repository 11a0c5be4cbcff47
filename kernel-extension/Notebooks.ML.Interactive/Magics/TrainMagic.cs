using System.Diagnostics;
using Microsoft.AspNetCore.Html;
using Microsoft.DotNet.Interactive;
using Microsoft.DotNet.Interactive.Directives;
using Microsoft.DotNet.Interactive.Formatting;
using Notebooks.ML.Display;
using Notebooks.ML.Training;

namespace Notebooks.ML.Interactive.Magics;

/// <summary>The command <c>#!train</c> sends; <c>--test-fraction</c> binds to <see cref="TestFraction"/>.</summary>
public sealed class TrainModel : MagicCommand
{
    /// <summary>The DataFrame variable to train on.</summary>
    public string? Data { get; set; }

    /// <summary>The label column.</summary>
    public string? Label { get; set; }

    /// <summary>The task.</summary>
    public string? Task { get; set; }

    /// <summary>The trainer.</summary>
    public string? Trainer { get; set; }

    /// <summary>Feature columns, comma-separated.</summary>
    public string? Features { get; set; }

    /// <summary>Columns to leave out, comma-separated.</summary>
    public string? Exclude { get; set; }

    /// <summary>The held-out fraction.</summary>
    public string? TestFraction { get; set; }

    /// <summary>How the test rows are chosen: random or modN.</summary>
    public string? Split { get; set; }

    /// <summary>The number of cross-validation folds.</summary>
    public string? Folds { get; set; }

    /// <summary>The seed.</summary>
    public string? Seed { get; set; }

    /// <summary>The search budget in seconds (<c>--trainer auto</c>).</summary>
    public string? Time { get; set; }

    /// <summary>The most search trials (<c>--trainer auto</c>).</summary>
    public string? Trials { get; set; }

    /// <summary>The number of clusters.</summary>
    public string? K { get; set; }

    /// <summary>Skip permutation importance and the learning curve.</summary>
    public bool NoExplain { get; set; }

    /// <summary>The variable for the model.</summary>
    public string? As { get; set; }

    /// <summary>Threads per training.</summary>
    public string? Threads { get; set; }

    /// <summary>A cluster for this cell's trials.</summary>
    public string? Cluster { get; set; }

    /// <summary>One <c>name=value</c> hyperparameter (repeatable; all values are read from the magic's text).</summary>
    public string? Set { get; set; }
}

/// <summary><c>#!train</c>: featurize, train, evaluate, with live progress and a result card.</summary>
internal static class TrainMagic
{
    public const string Usage = "#!train --data NAME --label COL [--task auto|binary|multiclass|regression|clustering] [--trainer auto|lightgbm|fasttree|fastforest|gam|sdca|lbfgs|averaged-perceptron|ols|kmeans] [--test-fraction F | --split mod5 | --folds K] [--time S] [--trials N] [--k N] [--seed N] [--threads N] [--cluster CONNECTION] [--as MODEL] [--set name=value]...";
    private static readonly TimeSpan _refresh = TimeSpan.FromMilliseconds(250);

    public static void Register(Kernel kernel)
    {
        var directive = new KernelActionDirective("#!train")
        {
            Description = "Trains and evaluates an ML.NET model on a DataFrame: automatic task and featurization, a seeded held-out split or K folds, live progress, then metrics, charts, feature importance, a learning curve and provenance.",
            Parameters =
            [
                new("--data", "The DataFrame variable to train on.") { AllowImplicitName = true, TypeHint = "variable" },
                new("--label", "The column to predict (optional for clustering)."),
                new KernelDirectiveParameter("--task", "auto (inferred from the label, and the card says why), binary, multiclass, regression or clustering.").AddCompletions(() => ["auto", "binary", "multiclass", "regression", "clustering"]),
                new KernelDirectiveParameter("--trainer", "auto (lightgbm, kmeans for clustering; with --time or --trials: a search across trainers), lightgbm, fasttree, fastforest, gam, sdca, lbfgs, averaged-perceptron (binary), ols (regression) or kmeans (clustering).").AddCompletions(() => ["auto", .. ModelTrainer.Trainers]),
                new("--features", "Feature columns, comma-separated (default: every column but the label, less identifier-like ones)."),
                new("--exclude", "Columns to leave out of the features, comma-separated."),
                new("--test-fraction", "The fraction of rows held out for evaluation by a seeded shuffle (default 0.2)."),
                new KernelDirectiveParameter("--split", "How test rows are chosen: random (default; --test-fraction held out) or modN, e.g. mod5: labelled rows whose 0-based index % N == 0 are the test set.").AddCompletions(() => ["random", "mod5", "mod10"]),
                new("--folds", "K-fold cross-validation: metrics are mean ± std over K folds; the model is refit on all rows."),
                new("--seed", "The seed for the split and the trainer (default: #!seed, else 1)."),
                new("--time", "With --trainer auto: seconds the search over trainers and hyperparameters may take."),
                new("--trials", "With --trainer auto: the most search trials (a search bounded only by trials is deterministic)."),
                new("--k", "For clustering: the number of clusters (default 3)."),
                new("--no-explain", "Skip permutation feature importance and the learning curve.") { Flag = true },
                new("--as", "The variable for the trained model (default: model)."),
                new("--threads", "Threads for the training (default: #!threads, else every core where the model does not depend on the thread count, one for sdca and lbfgs). Searches and folds run one trial per core instead."),
                new("--cluster", "Run this cell's search trials or folds on a cluster of `notebooks worker`s: localhost or a PostgreSQL connection string (see #!cluster, which does it for every later cell)."),
                new("--set", "A hyperparameter as ML.NET names it, name=value; repeat for more (e.g. --set NumberOfLeaves=15).") { MaxOccurrences = 50 },
            ],
        };

        Magic.Add<TrainModel>(kernel, directive, Usage,
            [
                "#!train --data iris --label Species",
                "#!train --data penguins --label species --trainer sdca --folds 5 --as sdcaModel",
                "#!train --data diamonds --label price --split mod5 --set NumberOfLeaves=63 --set LearningRate=0.05",
                "#!train --data breast_cancer --label diagnosis --trainer auto --time 60",
                "#!train --data iris --task clustering --k 3 --exclude Species",
            ],
            HandleAsync);
    }

    private static async Task HandleAsync(TrainModel command, KernelInvocationContext context)
    {
        var session = NotebookSession.For(context.HandlingKernel);
        var frame = session.GetDataFrame(command.Data, "--data");
        var name = NotebookSession.VariableName(command.As ?? "model", "--as");
        if (command.Folds is not null && (command.TestFraction is not null || command.Split is not null))
        {
            throw new NotebookException($"--folds and {(command.TestFraction is not null ? "--test-fraction" : "--split")} each choose the test rows: use one of them.");
        }

        // --cluster connects for this cell only; otherwise #!cluster's cluster, else this machine's cores.
        var (scheduler, connection) = command.Cluster is { } cluster
            ? await ClusterMagic.ConnectForCellAsync(cluster.Trim().Trim('"'), context.CancellationToken).ConfigureAwait(false)
            : (session.Cluster, null);
        await using var disconnect = connection;
        var options = new TrainOptions
        {
            Scheduler = scheduler,
            DataName = command.Data,
            Label = command.Label ?? "",
            Task = command.Task ?? "auto",
            Trainer = command.Trainer ?? "auto",
            Features = Options.List(command.Features),
            Exclude = Options.List(command.Exclude),
            TestFraction = command.TestFraction is null ? 0.2 : Options.Double("--test-fraction", command.TestFraction),
            Split = command.Split ?? "random",
            Folds = Options.Int("--folds", command.Folds, null),
            Seed = session.Seed(command.Seed),
            TimeBudget = command.Time is null ? null : Options.Double("--time", command.Time),
            MaxTrials = Options.Int("--trials", command.Trials, null),
            Clusters = Options.Int("--k", command.K, null),
            Explain = !command.NoExplain,
            Hyperparameters = Options.Pairs("--set", DirectiveText.Values(command, "--set", command.Set)),
            Threads = Options.Int("--threads", command.Threads, session.DefaultThreads),
        };

        if (options.TimeBudget is not null && options.MaxTrials is null && !options.Trainer.Equals("auto", StringComparison.OrdinalIgnoreCase))
        {
            throw new NotebookException($"--time is the budget of --trainer auto's search, but --trainer is '{options.Trainer}'. Drop --time, or use --trainer auto.");
        }

        var display = context.Display(new HtmlString(Cards.Progress(new TrainingProgress("Starting", 1, 1, TimeSpan.Zero, ""))), "text/html");
        var live = new LiveProgress(display);
        TrainedModel model;
        try
        {
            using var ticker = new Timer(_ => live.Tick(), null, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(1));
            // An interrupt completes the cell at once, before training has stopped: the display is emptied while it still can be.
            using var interrupted = context.CancellationToken.Register(live.Clear);
            model = await Task.Run(() => ModelTrainer.Train(frame, options, live, context.CancellationToken), context.CancellationToken).ConfigureAwait(false);
        }
        catch
        {
            // Failed or interrupted: the progress line goes, so that the error is all the cell shows.
            live.Clear();
            throw;
        }
        finally
        {
            live.Stop();
        }

        await session.SetAsync(name, model).ConfigureAwait(false);
        await RunsMagic.RecordAsync(context, command, frame, model, name).ConfigureAwait(false); // Every #!train is a run (issue 7).
        display.Update(new HtmlString(Cards.Model(model, name)));
        foreach (var chart in model.Charts)
        {
            context.Display(chart);
        }
    }

    /// <summary>
    /// One display updated in place: at most every 250 ms when training reports, and once a second from a timer so
    /// that elapsed time keeps moving during a long fit.
    /// </summary>
    private sealed class LiveProgress(DisplayedValue display) : IProgress<TrainingProgress>
    {
        private readonly Lock _gate = new();
        private readonly Stopwatch _clock = Stopwatch.StartNew();
        private readonly Stopwatch _sinceUpdate = Stopwatch.StartNew();
        private TrainingProgress? _last;
        private bool _stopped;

        public void Report(TrainingProgress value)
        {
            lock (_gate)
            {
                _last = value;
                if (!_stopped && (_sinceUpdate.Elapsed >= _refresh || value.Phase == "Done"))
                {
                    Draw(value);
                }
            }
        }

        public void Tick()
        {
            lock (_gate)
            {
                if (!_stopped && _last is { } last && _sinceUpdate.Elapsed >= TimeSpan.FromSeconds(1))
                {
                    var elapsed = _clock.Elapsed;
                    var remaining = last.Remaining is { } r ? r - (elapsed - last.Elapsed) : (TimeSpan?)null;
                    Draw(last with { Elapsed = elapsed, Remaining = remaining > TimeSpan.Zero ? remaining : null });
                }
            }
        }

        public void Stop()
        {
            lock (_gate)
            {
                _stopped = true;
            }
        }

        /// <summary>Stops, and empties the display (a display cannot be taken out of a cell; an empty one shows nothing).</summary>
        public void Clear()
        {
            lock (_gate)
            {
                _stopped = true;
                display.Update(new HtmlString(""));
            }
        }

        private void Draw(TrainingProgress value)
        {
            display.Update(new HtmlString(Cards.Progress(value)));
            _sinceUpdate.Restart();
        }
    }
}
