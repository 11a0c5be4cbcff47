using System.Diagnostics;
using Microsoft.AspNetCore.Html;
using Microsoft.DotNet.Interactive;
using Microsoft.DotNet.Interactive.Directives;
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

    /// <summary>The seed.</summary>
    public string? Seed { get; set; }

    /// <summary>The variable for the model.</summary>
    public string? As { get; set; }

    /// <summary>One <c>name=value</c> hyperparameter (repeatable; all values are read from the magic's text).</summary>
    public string? Set { get; set; }
}

/// <summary><c>#!train</c>: featurize, train, evaluate, with live progress and a result card.</summary>
internal static class TrainMagic
{
    public const string Usage = "#!train --data NAME --label COL [--task auto|binary|multiclass|regression] [--trainer lightgbm|fasttree|sdca|lbfgs] [--test-fraction F] [--seed N] [--as MODEL] [--set name=value]...";
    private static readonly TimeSpan _refresh = TimeSpan.FromMilliseconds(250);

    public static void Register(Kernel kernel)
    {
        var directive = new KernelActionDirective("#!train")
        {
            Description = "Trains and evaluates an ML.NET model on a DataFrame: automatic featurization, a seeded held-out split, live progress, then metrics, a chart and provenance.",
            Parameters =
            [
                new("--data", "The DataFrame variable to train on.") { AllowImplicitName = true, TypeHint = "variable" },
                new("--label", "The column to predict."),
                new KernelDirectiveParameter("--task", "auto (inferred from the label), binary, multiclass or regression.").AddCompletions(() => ["auto", "binary", "multiclass", "regression"]),
                new KernelDirectiveParameter("--trainer", "lightgbm (default), fasttree, sdca or lbfgs.").AddCompletions(() => ["auto", .. ModelTrainer.Trainers]),
                new("--features", "Feature columns, comma-separated (default: every column but the label)."),
                new("--exclude", "Columns to leave out of the features, comma-separated."),
                new("--test-fraction", "The fraction of rows held out for evaluation (default 0.2)."),
                new("--seed", "The seed for the split and the trainer (default: #!seed, else 1)."),
                new("--as", "The variable for the trained model (default: model)."),
                new("--set", "A hyperparameter as ML.NET names it, name=value; repeat for more (e.g. --set NumberOfLeaves=15).") { MaxOccurrences = 50 },
            ],
        };

        Magic.Add<TrainModel>(kernel, directive, Usage,
            ["#!train --data iris --label Species", "#!train --data penguins --label species --trainer sdca --test-fraction 0.25 --as sdcaModel", "#!train --data diamonds --label price --set NumberOfLeaves=63 --set LearningRate=0.05"],
            HandleAsync);
    }

    private static async Task HandleAsync(TrainModel command, KernelInvocationContext context)
    {
        var session = NotebookSession.For(context.HandlingKernel);
        var frame = session.GetDataFrame(command.Data, "--data");
        var name = NotebookSession.VariableName(command.As ?? "model", "--as");
        var options = new TrainOptions
        {
            DataName = command.Data,
            Label = command.Label ?? "",
            Task = command.Task ?? "auto",
            Trainer = command.Trainer ?? "auto",
            Features = Options.List(command.Features),
            Exclude = Options.List(command.Exclude),
            TestFraction = command.TestFraction is null ? 0.2 : Options.Double("--test-fraction", command.TestFraction),
            Seed = session.Seed(command.Seed),
            Hyperparameters = Options.Pairs("--set", DirectiveText.Values(command, "--set", command.Set)),
        };

        var display = context.Display(new HtmlString(Cards.Progress(new TrainingProgress("Starting", 1, 4, TimeSpan.Zero, ""))), "text/html");
        var lastUpdate = Stopwatch.StartNew();
        var progress = new SynchronousProgress<TrainingProgress>(p =>
        {
            if (lastUpdate.Elapsed >= _refresh || p.Step == p.Steps)
            {
                display.Update(new HtmlString(Cards.Progress(p)));
                lastUpdate.Restart();
            }
        });

        var model = await Task.Run(() => ModelTrainer.Train(frame, options, progress, context.CancellationToken), context.CancellationToken).ConfigureAwait(false);
        await session.SetAsync(name, model).ConfigureAwait(false);
        await RunsMagic.RecordAsync(context, command, frame, model, name).ConfigureAwait(false); // Every #!train is a run (issue 7).
        display.Update(new HtmlString(Cards.Model(model, name)));
        foreach (var chart in model.Charts)
        {
            context.Display(chart);
        }
    }

    /// <summary>Reports on the training thread itself, so that updates arrive in order and none is lost.</summary>
    private sealed class SynchronousProgress<T>(Action<T> report) : IProgress<T>
    {
        public void Report(T value) => report(value);
    }
}
