using System.Collections.Concurrent;
using System.Diagnostics;
using System.Runtime.CompilerServices;
using Microsoft.Data.Analysis;

namespace Notebooks.ML.Training;

/// <summary>Runs one trial where it lands: in this process (<see cref="LocalTrials"/>) or on a cluster worker.</summary>
public static class TrialRunner
{
    private static readonly ConditionalWeakTable<DataFrame, ConcurrentDictionary<string, Lazy<TrainingRun>>> _prepared = [];

    /// <summary>
    /// Fits and scores <paramref name="trial"/> on <paramref name="frame"/> as the <c>#!train</c> with
    /// <paramref name="options"/> would, with <paramref name="cores"/> cores for it (one when trials share a machine).
    /// </summary>
    /// <exception cref="OperationCanceledException">The trial was cancelled.</exception>
    public static TrialOutcome Run(DataFrame frame, TrainOptions options, TrialSpec trial, int cores, string worker, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(frame);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(trial);
        return Run(Prepared(frame, options), trial, cores, worker, keepFitted: false, cancellationToken);
    }

    /// <summary>
    /// A lane's entry point (<see cref="TrialLanes"/>): the options and the trial as JSON in, the outcome as JSON out,
    /// so that nothing but the DataFrame, strings and the token crosses between copies of the engine.
    /// </summary>
    internal static string RunEncoded(DataFrame frame, string options, string trial, int cores, string worker, CancellationToken cancellationToken) =>
        TrialCodec.Encode(Run(frame, TrialCodec.DecodeOptions(options), TrialCodec.DecodeTrial(trial), cores, worker, cancellationToken));

    /// <summary>The cores one trial gets on a worker with <paramref name="slots"/> slots: its share of the machine's cores.</summary>
    public static int Cores(TrialSpec trial, int slots)
    {
        ArgumentNullException.ThrowIfNull(trial);
        return Math.Max(1, Environment.ProcessorCount * Math.Min(trial.Share, slots) / Math.Max(1, slots));
    }

    /// <summary>The run that <paramref name="options"/> make of <paramref name="frame"/>, prepared once per frame and options.</summary>
    internal static TrainingRun Prepared(DataFrame frame, TrainOptions options)
    {
        var runs = _prepared.GetValue(frame, _ => new ConcurrentDictionary<string, Lazy<TrainingRun>>(StringComparer.Ordinal));
        return runs.GetOrAdd(TrialCodec.Encode(options), _ => new Lazy<TrainingRun>(() => ModelTrainer.Prepare(frame, options))).Value;
    }

    internal static TrialOutcome Run(TrainingRun run, TrialSpec trial, int cores, string worker, bool keepFitted, CancellationToken cancellationToken)
    {
        var stopwatch = Stopwatch.StartNew();
        var (fitRows, evaluationRows) = Rows(run, trial.Rows);
        var dependent = TrainerCatalog.ThreadDependence(trial.Trainer) is not null;
        var threads = TrainerCatalog.Threads(trial.Trainer, dependent || cores > 1 ? run.Options.Threads : null, cores).Threads;
        using var deadline = trial.TimeLimit is { } limit ? new CancellationTokenSource(limit > TimeSpan.Zero ? limit : TimeSpan.FromMilliseconds(1)) : new CancellationTokenSource();
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, deadline.Token);
        try
        {
            var fitted = ModelTrainer.Fit(run, trial.Trainer, trial.Hyperparameters, fitRows, linked.Token, trial.Seed, threads);
            var view = ModelTrainer.ToView(run.Frame, evaluationRows, run.Features, run.Label, run.Source);
            if (trial.Rows.Kind == TrialKind.Search)
            {
                var value = Evaluation.PrimaryValue(run.Label.Task, Evaluation.Extract(fitted.Model.Transform(view), run.Label));
                return new TrialOutcome(trial.Number, value, "finished", stopwatch.Elapsed, worker) { Rows = fitRows.Length };
            }

            var predictions = fitted.Ml.Data.Cache(fitted.Model.Transform(view));
            var metrics = Evaluation.Metrics(fitted.Ml, predictions, run.Label);
            var primary = Evaluation.Primary(run.Label.Task).Name;
            return new TrialOutcome(trial.Number, metrics[primary], "finished", stopwatch.Elapsed, worker)
            {
                Rows = fitRows.Length,
                Metrics = metrics,
                Scored = Evaluation.Extract(predictions, run.Label),
                Fitted = keepFitted ? fitted : null,
            };
        }
        catch (Exception) when (cancellationToken.IsCancellationRequested)
        {
            throw new OperationCanceledException("Training was interrupted.", cancellationToken);
        }
        catch (Exception) when (deadline.IsCancellationRequested)
        {
            return new TrialOutcome(trial.Number, double.NaN, "stopped at the time budget", stopwatch.Elapsed, worker) { Rows = fitRows.Length };
        }
#pragma warning disable CA1031 // One failing candidate (too few rows for a trainer, a diverging fit) must not end the search.
        catch (Exception e)
#pragma warning restore CA1031
        {
            return new TrialOutcome(trial.Number, double.NaN, $"failed: {e.Message}", stopwatch.Elapsed, worker) { Rows = fitRows.Length };
        }
    }

    /// <summary>The rows a trial fits on and is scored on, derived from the run by the trial's rule.</summary>
    internal static (int[] Fit, int[] Evaluate) Rows(TrainingRun run, TrialRows rows)
    {
        if (rows.Kind == TrialKind.Fold)
        {
            var shuffled = run.Labeled.ToArray();
            new Random(run.Options.Seed).Shuffle(shuffled);
            var test = shuffled.Where((_, i) => i % rows.Folds == rows.Fold).Order().ToArray();
            var train = shuffled.Where((_, i) => i % rows.Folds != rows.Fold).Order().ToArray();
            return (train, test);
        }

        var (fitRows, validationRows) = AutoSearch.SearchRows(run);
        return (AutoSearch.RungRows(fitRows, rows.Rung, run.Options.Seed), validationRows);
    }
}
