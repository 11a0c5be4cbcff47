using System.Diagnostics;
using System.Globalization;
using Notebooks.ML.Charts;
using Plotly.NET;

namespace Notebooks.ML.Training;

/// <summary>One trial of <c>--trainer auto</c>: a trainer and hyperparameters, fitted on some rows and scored on validation rows.</summary>
/// <param name="Number">The trial's number, from 1, in the order it ran.</param>
/// <param name="Trainer">The trainer.</param>
/// <param name="Hyperparameters">The sampled hyperparameters (empty: the trainer's defaults).</param>
/// <param name="Rows">Training rows used (successive halving gives promising candidates more).</param>
/// <param name="Metric">The validation metric (NaN when the trial did not finish).</param>
/// <param name="Duration">Wall time of the trial.</param>
/// <param name="Status">finished, promoted, best, stopped at the time budget, or failed: reason.</param>
public sealed record SearchTrial(int Number, string Trainer, IReadOnlyDictionary<string, string> Hyperparameters, int Rows, double Metric, TimeSpan Duration, string Status)
{
    /// <summary>The worker that ran the trial: <c>this machine</c>, or a cluster worker's host and port.</summary>
    public string Worker { get; init; } = "";
}

internal sealed record SearchCandidate(string Trainer, IReadOnlyDictionary<string, string> Hyperparameters)
{
    public string Describe() => Hyperparameters.Count == 0 ? $"{Trainer} (defaults)" : $"{Trainer} " + string.Join(", ", Hyperparameters.Select(h => $"{h.Key}={h.Value}"));
}

internal sealed record SearchResult(SearchCandidate Winner, IReadOnlyList<SearchTrial> Trials, GenericChart Chart);

/// <summary>
/// <c>--trainer auto --time S</c>: random search with successive halving. Each round samples nine candidates
/// (trainer and hyperparameters; the first round starts from each trainer's defaults), fits them on a ninth of the
/// search's training rows, keeps the best third for a third of the rows, then the best one for all of them;
/// rounds repeat until the budget (or <c>--trials</c>) runs out. Candidates are scored on validation rows split
/// off the training rows (the test set is not looked at), and the best full-size candidate wins.
/// </summary>
internal static class AutoSearch
{
    private const int Eta = 3;
    private const int Candidates = 9;
    private const double ValidationFraction = 0.2;

    public static SearchResult Run(TrainingRun run, ModelTrainer.ProgressReporter reporter, CancellationToken cancellationToken)
    {
        var options = run.Options;
        var task = run.Label.Task;
        var (metric, higher) = Evaluation.Primary(task);
        var (fitRows, _) = SearchRows(run);
        var budget = options.TimeBudget is { } seconds ? TimeSpan.FromSeconds(seconds) : (TimeSpan?)null;
        var maxTrials = options.MaxTrials ?? int.MaxValue;
        var stopwatch = Stopwatch.StartNew();
        var random = new Random(options.Seed);
        var trainers = TrainerCatalog.For(task);
        var trials = new List<SearchTrial>();
        var full = new List<(SearchCandidate Candidate, double Metric)>();
        var partial = new List<(SearchCandidate Candidate, double Metric, int Rows)>();
        var scheduler = options.Scheduler ?? LocalTrials.EveryCore;
        var job = ModelTrainer.Job(run, scheduler);
        var running = new SortedDictionary<int, string>();
        var round = 0;
        bool OutOfTime() => budget is { } b && stopwatch.Elapsed >= b;
        bool OutOfBudget() => OutOfTime() || trials.Count >= maxTrials;

        while (!OutOfBudget())
        {
            var candidates = Enumerable.Range(0, Candidates)
                .Select(i => round == 0 && i < trainers.Count ? new SearchCandidate(trainers[i], new Dictionary<string, string>()) : Sample(trainers, random))
                .ToList();
            round++;
            for (var rung = 0; rung <= 2 && candidates.Count > 0 && !OutOfBudget(); rung++)
            {
                // A rung's trials run side by side; the rung waits for all of them before the best go on.
                var rows = RungRows(fitRows, rung, options.Seed).Length;
                var batch = candidates.Take(maxTrials - trials.Count).ToList();
                var specs = batch.Select((c, i) => new TrialSpec(trials.Count + i + 1, c.Trainer, c.Hyperparameters, new TrialRows(TrialKind.Search, Rung: rung), options.Seed)).ToList();
                var done = 0;
                void Report(TrialEvent e)
                {
                    if (e.Outcome is null && e.Requeued is null)
                    {
                        running[e.Trial.Number] = $"#{e.Trial.Number} {e.Trial.Trainer} on {e.Worker}";
                    }
                    else
                    {
                        running.Remove(e.Trial.Number);
                        done += e.Outcome is null ? 0 : 1;
                    }

                    var number = trials.Count + done;
                    var best = BestSoFar(full, partial, higher);
                    var fraction = budget is { } b ? Math.Min(0.7, 0.02 + (0.68 * stopwatch.Elapsed / b)) : Math.Min(0.7, 0.02 + (0.68 * number / Math.Max(1, Math.Min(maxTrials, 50))));
                    var detail = e.Requeued is { } why
                        ? $"trial #{e.Trial.Number} runs again: {e.Worker} was lost ({why})"
                        : running.Count == 0 ? $"{rows:N0} rows per trial" : $"{rows:N0} rows per trial; running " + string.Join(", ", running.Values.Take(6)) + (running.Count > 6 ? $" and {running.Count - 6} more" : "");
                    reporter.Report("Searching", detail, fraction, $"trial {number}" + (options.MaxTrials is { } m ? $" of {m}" : "") + (budget is { } bb ? $", {Math.Max(0, (bb - stopwatch.Elapsed).TotalSeconds):F0} s of search left" : ""),
                        best is { } value ? $"best validation {metric} {value.ToString("0.####", CultureInfo.InvariantCulture)}" : null);
                }

                var outcomes = TrialDispatcher.RunAsync(scheduler, job, specs,
                    spec => OutOfTime() ? null : spec with { TimeLimit = budget is { } limit ? limit - stopwatch.Elapsed : null },
                    Report, cancellationToken,
                    // Longest first, when the order cannot change which trials run (no time budget to run out of).
                    cost: budget is null ? spec => TrainerCatalog.ExpectedCost(spec.Trainer) : null).GetAwaiter().GetResult();
                var results = new List<(SearchCandidate Candidate, double Metric)>();
                for (var i = 0; i < batch.Count; i++)
                {
                    if (outcomes[i] is not { } outcome)
                    {
                        continue;
                    }

                    var candidate = batch[i];
                    trials.Add(new SearchTrial(trials.Count + 1, candidate.Trainer, candidate.Hyperparameters, rows, outcome.Metric, outcome.Duration, outcome.Status) { Worker = outcome.Worker });
                    if (!double.IsNaN(outcome.Metric))
                    {
                        results.Add((candidate, outcome.Metric));
                        if (rung == 2 || rows == fitRows.Length)
                        {
                            full.Add((candidate, outcome.Metric));
                        }
                        else
                        {
                            partial.Add((candidate, outcome.Metric, rows));
                        }
                    }
                }

                // A stable sort: equal metrics keep trial order, so ties break by trial number.
                var keep = rung == 0 ? Candidates / Eta : 1;
                candidates = (higher ? results.OrderByDescending(r => r.Metric) : results.OrderBy(r => r.Metric))
                    .Take(keep).Select(r => r.Candidate).ToList();
                if (rows == fitRows.Length)
                {
                    break;
                }
            }
        }

        var winner = Pick(full, higher) ?? Pick(partial.Select(p => (p.Candidate, p.Metric)).Where(p => partial.Any(q => q.Candidate == p.Candidate && q.Rows == partial.Max(r => r.Rows))).ToList(), higher);
        if (winner is null)
        {
            var reasons = trials.Select(t => t.Status).Distinct().ToArray();
            throw Errors.Fail($"--trainer auto finished no trial within --time {Errors.Format(options.TimeBudget ?? 0)} s ({string.Join("; ", reasons.DefaultIfEmpty("no trial started"))}). Give it more time, or name a trainer.");
        }

        var marked = trials.Select(t => t.Trainer == winner.Trainer && ReferenceEquals(t.Hyperparameters, winner.Hyperparameters) && t.Rows == trials.Where(u => ReferenceEquals(u.Hyperparameters, winner.Hyperparameters)).Max(u => u.Rows)
            ? t with { Status = "best" } : t).ToList();
        var chart = ModelCharts.SearchTrials(marked.Select(t => t.Metric).ToArray(), marked.Select(t => $"{t.Trainer}, {t.Rows:N0} rows").ToArray(), metric, higher);
        return new SearchResult(winner, marked, chart);
    }

    /// <summary>The search's rows: the held-out split's training rows, less the validation rows candidates are scored on.</summary>
    internal static (int[] Fit, int[] Validation) SearchRows(TrainingRun run)
    {
        var (trainRows, _) = ModelTrainer.HoldOutRows(run);
        var (fitRows, validationRows) = ModelTrainer.Split(trainRows, ValidationFraction, run.Options.Seed + 17);
        if (fitRows.Length < 10 || validationRows.Length < 2)
        {
            throw Errors.Fail($"--trainer auto needs more rows to search on: {trainRows.Length} training rows leave too few for validation. Name a trainer instead.");
        }

        return (fitRows, validationRows);
    }

    /// <summary>A rung's rows: a ninth of the search rows at rung 0, a third at rung 1 (seeded samples, at least 100), all at rung 2.</summary>
    internal static int[] RungRows(int[] fitRows, int rung, int seed)
    {
        var share = Math.Pow(Eta, rung - 2);
        return rung == 2 ? fitRows : Explainer.Sample(fitRows, Math.Max((int)Math.Round(fitRows.Length * share), Math.Min(fitRows.Length, 100)), seed + rung);
    }

    private static double? BestSoFar(List<(SearchCandidate Candidate, double Metric)> full, List<(SearchCandidate Candidate, double Metric, int Rows)> partial, bool higher)
    {
        var values = full.Count > 0 ? full.Select(f => f.Metric) : partial.Select(p => p.Metric);
        return values.Any() ? (higher ? values.Max() : values.Min()) : null;
    }

    private static SearchCandidate? Pick(List<(SearchCandidate Candidate, double Metric)> results, bool higher) =>
        results.Count == 0 ? null : (higher ? results.OrderByDescending(r => r.Metric) : results.OrderBy(r => r.Metric)).First().Candidate;

    /// <summary>A random candidate: a trainer, then hyperparameters from ranges that suit it.</summary>
    private static SearchCandidate Sample(IReadOnlyList<string> trainers, Random random)
    {
        var trainer = trainers[random.Next(trainers.Count)];
        string LogUniform(double low, double high) => Math.Exp(Math.Log(low) + (random.NextDouble() * (Math.Log(high) - Math.Log(low)))).ToString("G3", CultureInfo.InvariantCulture);
        string Int(int low, int high) => ((int)Math.Round(double.Parse(LogUniform(low, high), CultureInfo.InvariantCulture))).ToString(CultureInfo.InvariantCulture);
        var h = new SortedDictionary<string, string>(StringComparer.Ordinal);
        switch (trainer)
        {
            case "lightgbm":
                h["NumberOfLeaves"] = Int(4, 128);
                h["LearningRate"] = LogUniform(0.02, 0.3);
                h["MinimumExampleCountPerLeaf"] = Int(2, 50);
                h["NumberOfIterations"] = Int(50, 400);
                break;
            case "fasttree":
                h["NumberOfLeaves"] = Int(4, 64);
                h["LearningRate"] = LogUniform(0.02, 0.3);
                h["MinimumExampleCountPerLeaf"] = Int(2, 50);
                h["NumberOfTrees"] = Int(50, 300);
                break;
            case "fastforest":
                h["NumberOfLeaves"] = Int(4, 64);
                h["MinimumExampleCountPerLeaf"] = Int(2, 50);
                h["NumberOfTrees"] = Int(50, 300);
                break;
            case "gam":
                h["LearningRate"] = LogUniform(0.005, 0.1);
                h["NumberOfIterations"] = Int(200, 2000);
                break;
            case "sdca":
                h["L2Regularization"] = LogUniform(1e-6, 1);
                break;
            case "lbfgs":
                h["L2Regularization"] = LogUniform(1e-4, 10);
                h["L1Regularization"] = LogUniform(1e-4, 10);
                break;
            case "averaged-perceptron":
                h["NumberOfIterations"] = Int(5, 50);
                h["LearningRate"] = LogUniform(0.05, 1);
                break;
            case "ols":
                h["L2Regularization"] = LogUniform(1e-6, 10);
                break;
        }

        return new SearchCandidate(trainer, h);
    }
}
