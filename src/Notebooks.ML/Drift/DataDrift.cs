using System.Collections.Concurrent;
using System.Globalization;
using Microsoft.Data.Analysis;
using Notebooks.ML.Data;
using Notebooks.ML.Tracking;
using Notebooks.ML.Training;

namespace Notebooks.ML.Drift;

/// <summary>
/// Compares a reference with current data, column by column, with the tests Evidently users know: the C# twin of
/// <c>#!drift</c>.
/// <code>
/// var report = DataDrift.Compare(training, production);          // two DataFrames
/// var report = DataDrift.Compare(model, production);             // the model's reference sample, plus prediction drift
/// Console.WriteLine(report.DatasetDrift + " " + report["price"].Statistic);
/// </code>
/// </summary>
public static class DataDrift
{
    /// <summary>Categories beyond this many are drawn together as "(other)" on the charts.</summary>
    private const int PictureCategories = 20;

    /// <summary>How tests are chosen per column, in words (the README and every card say it).</summary>
    public const string Rule = DriftTests.Rule;

    /// <summary>What <see cref="DriftOptions.Method"/> takes.</summary>
    public static IReadOnlyList<string> Methods { get; } = ["auto", .. DriftTests.All.Select(t => t.Name)];

    /// <summary>Compares <paramref name="current"/> with <paramref name="reference"/>, every column of the reference unless <see cref="DriftOptions.Columns"/> names some.</summary>
    /// <exception cref="NotebookException">A column is missing on one side, of another type, or has no values; or an option is out of range.</exception>
    public static DriftReport Compare(DataFrame reference, DataFrame current, DriftOptions? options = null) =>
        Compare(reference, current, options, null);

    /// <summary>As <see cref="Compare(DataFrame, DataFrame, DriftOptions?)"/>, keeping each reference column's prepared sample in <paramref name="prepared"/> for the next call (the monitor's windows).</summary>
    internal static DriftReport Compare(DataFrame reference, DataFrame current, DriftOptions? options, ConcurrentDictionary<string, ColumnSample>? prepared)
    {
        ArgumentNullException.ThrowIfNull(reference);
        ArgumentNullException.ThrowIfNull(current);
        options ??= new DriftOptions();
        var names = Names(options, Describe(reference, "the reference"), Describe(current, "the current data"));
        var (forced, notes) = (Check(options), new List<string>());
        var columns = Tested(reference, current, options, names, forced, notes, prepared);
        return Report(reference, current, options, names, columns, notes);
    }

    /// <summary>
    /// Compares <paramref name="current"/> with the reference sample <c>#!train</c> kept with <paramref name="model"/>
    /// (its input columns, and the label when the current data has it), adds the drift of the model's predictions
    /// (on the current data against on the sample), and, when the current data has the label, the model's metrics on it.
    /// </summary>
    public static DriftReport Compare(TrainedModel model, DataFrame current, DriftOptions? options = null) =>
        CompareModel(model, current, null, options);

    /// <summary>
    /// As <see cref="Compare(TrainedModel, DataFrame, DriftOptions?)"/>, with the model's predictions on the current
    /// data already at hand (a served model's log keeps them, <see cref="ServedTraffic.Outputs"/>):
    /// <paramref name="currentPredictions"/> holds the prediction columns, row-aligned with <paramref name="current"/>.
    /// </summary>
    public static DriftReport Compare(TrainedModel model, DataFrame current, DataFrame currentPredictions, DriftOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(currentPredictions);
        return CompareModel(model, current, currentPredictions, options);
    }

    /// <summary>The model whose run <paramref name="run"/> (12, #12 or last) saved it: what a run stands for as a reference.</summary>
    /// <exception cref="NotebookException">No such run, or the run kept no model.</exception>
    public static TrainedModel ModelOfRun(RunStore runs, string run)
    {
        ArgumentNullException.ThrowIfNull(runs);
        var recorded = runs.Show(run);
        return recorded.ModelPath is { } path && File.Exists(path) ? TrainedModel.Load(path) : throw DriftErrors.RunWithoutModel(recorded.Name);
    }

    private static DriftReport CompareModel(TrainedModel model, DataFrame current, DataFrame? currentPredictions, DriftOptions? options)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(current);
        options ??= new DriftOptions();
        var modelName = options.ReferenceName ?? "the model's reference sample";
        var sample = model.ReferenceSample ?? throw DriftErrors.NoReferenceSample();
        var inputs = model.Features.Select(f => f.Column).Distinct().Where(c => sample.Columns.IndexOf(c) >= 0).ToList();
        if (model.Label.Length > 0 && current.Columns.IndexOf(model.Label) >= 0 && sample.Columns.IndexOf(model.Label) >= 0)
        {
            inputs.Add(model.Label);
        }

        var within = options with
        {
            Columns = options.Columns.Count > 0 ? options.Columns : inputs,
            ReferenceName = modelName,
            CurrentName = options.CurrentName ?? Describe(current, "the current data"),
        };
        var names = Names(within, modelName, within.CurrentName!);
        var (forced, notes) = (Check(within), new List<string>());
        var columns = Tested(sample, current, within, names, forced, notes);

        // The predictions: the model's outputs on the current data against its outputs on its own reference sample.
        var predictions = new List<ColumnDrift>();
        try
        {
            var onSample = Outputs(model, model.Predict(sample));
            var onCurrent = currentPredictions ?? Outputs(model, model.Predict(current));
            var outputColumns = onSample.Columns.Select(c => c.Name).Where(n => onCurrent.Columns.IndexOf(n) >= 0).ToList();
            predictions.AddRange(Tested(onSample, onCurrent, within with { Columns = outputColumns }, ("the model's predictions on its reference sample", "the model's predictions on " + DriftErrors.Where("current data", names.Current)), forced, notes));
        }
        catch (NotebookException e)
        {
            notes.Add($"Prediction drift left out: {e.Message}");
        }

        IReadOnlyDictionary<string, double>? metrics = null;
        if (model.Task != MLTask.Clustering && current.Columns.IndexOf(model.Label) >= 0 && current.Columns[model.Label].NullCount < current.Rows.Count)
        {
            try
            {
                metrics = model.Evaluate(current);
            }
            catch (NotebookException e)
            {
                notes.Add($"Metrics on the current data left out: {e.Message}");
            }
        }

        var report = Report(sample, current, within, names, columns, notes);
        return new DriftReport
        {
            DatasetDrift = report.DatasetDrift,
            DriftShare = report.DriftShare,
            DriftShareThreshold = report.DriftShareThreshold,
            Columns = report.Columns,
            Predictions = Sort(predictions),
            CurrentMetrics = metrics,
            TrainingMetrics = model.Metrics,
            ReferenceRows = report.ReferenceRows,
            CurrentRows = report.CurrentRows,
            ReferenceName = report.ReferenceName,
            CurrentName = report.CurrentName,
            Method = report.Method,
            Notes = report.Notes,
        };
    }

    /// <summary>Compares <paramref name="current"/> with the reference sample of the model that run <paramref name="run"/> (12, #12 or last) saved.</summary>
    public static DriftReport Compare(RunStore runs, string run, DataFrame current, DriftOptions? options = null)
    {
        var model = ModelOfRun(runs, run);
        options ??= new DriftOptions();
        return Compare(model, current, options with { ReferenceName = options.ReferenceName ?? $"run {runs.Show(run).Name}'s reference sample" });
    }

    /// <summary>The prediction columns <see cref="TrainedModel.Predict"/> adds for the model's task.</summary>
    private static DataFrame Outputs(TrainedModel model, DataFrame predicted)
    {
        string[] known = model.Task switch
        {
            MLTask.Binary or MLTask.Multiclass => ["PredictedLabel", "Probability"],
            MLTask.Regression => ["Score"],
            _ => ["Cluster", "Distance"],
        };
        return new DataFrame(known.Where(n => predicted.Columns.IndexOf(n) >= 0).Select(n => predicted.Columns[n]));
    }

    private static (string Reference, string Current) Names(DriftOptions options, string reference, string current) =>
        (options.ReferenceName ?? reference, options.CurrentName ?? current);

    private static string Describe(DataFrame frame, string fallback) =>
        DataProvenance.Of(frame) is { } origin ? Path.GetFileName(origin.Source) : fallback;

    /// <summary>Checks the options; returns the forced test, or null for auto.</summary>
    private static DriftTest? Check(DriftOptions options)
    {
        var method = options.Method.Trim();
        var forced = method.Equals("auto", StringComparison.OrdinalIgnoreCase) || method.Length == 0
            ? null
            : DriftTests.Find(method) ?? throw DriftErrors.UnknownMethod(options.Method);
        if (options.Threshold is { } threshold && (!double.IsFinite(threshold) || threshold <= 0 || (forced is { GivesPValue: true } && threshold >= 1)))
        {
            throw DriftErrors.BadThreshold(threshold, forced is { GivesPValue: true } ? forced.Name : null);
        }

        if (!double.IsFinite(options.DriftShare) || options.DriftShare <= 0 || options.DriftShare > 1)
        {
            throw DriftErrors.BadDriftShare(options.DriftShare);
        }

        return forced;
    }

    private static List<ColumnDrift> Tested(DataFrame reference, DataFrame current, DriftOptions options, (string Reference, string Current) names, DriftTest? forced, List<string> notes, ConcurrentDictionary<string, ColumnSample>? prepared = null)
    {
        if (reference.Rows.Count == 0)
        {
            throw DriftErrors.NoRows("reference", names.Reference);
        }

        if (current.Rows.Count == 0)
        {
            throw DriftErrors.NoRows("current data", names.Current);
        }

        var defaulted = options.Columns.Count == 0;
        var wanted = defaulted ? reference.Columns.Select(c => c.Name).ToList() : options.Columns.Distinct().ToList();
        var plan = new List<(string Name, DriftColumnKind Kind, DataFrameColumn Reference, DataFrameColumn Current)>();
        var untested = new List<string>();
        foreach (var name in wanted)
        {
            var left = reference.Columns.IndexOf(name) >= 0 ? reference.Columns[name]
                : throw DriftErrors.MissingColumn(name, "reference", names.Reference, reference.Columns.Select(c => c.Name), false);
            var right = current.Columns.IndexOf(name) >= 0 ? current.Columns[name]
                : throw DriftErrors.MissingColumn(name, "current data", names.Current, current.Columns.Select(c => c.Name), defaulted);
            var (leftKind, rightKind) = (ColumnSample.KindOf(left), ColumnSample.KindOf(right));
            if (leftKind is null || rightKind is null)
            {
                if (!defaulted)
                {
                    var bad = leftKind is null ? left : right;
                    throw DriftErrors.UntestableType(name, ColumnSummary.TypeName(bad.DataType));
                }

                untested.Add(name);
                continue;
            }

            if (leftKind != rightKind || (leftKind == DriftColumnKind.Categorical && left.DataType != right.DataType))
            {
                throw DriftErrors.TypeMismatch(name, ColumnSummary.TypeName(left.DataType), ColumnSummary.TypeName(right.DataType), names.Reference, names.Current);
            }

            plan.Add((name, leftKind.Value, left, right));
        }

        if (untested.Count > 0)
        {
            notes.Add($"Left out (dates and times, which drift tests do not take, as in Evidently): {string.Join(", ", untested)}.");
        }

        if (plan.Count == 0)
        {
            throw DriftErrors.NoColumns(names.Reference);
        }

        var results = new ColumnDrift[plan.Count];
        var failures = new Exception?[plan.Count];
        Parallel.For(0, plan.Count, new ParallelOptions { MaxDegreeOfParallelism = Environment.ProcessorCount }, i =>
        {
            try
            {
                var (name, kind, left, right) = plan[i];
                results[i] = Test(name, kind, left, right, options, names, forced, prepared);
            }
#pragma warning disable CA1031 // Collected and rethrown in column order, so that the same input fails the same way.
            catch (Exception e)
#pragma warning restore CA1031
            {
                failures[i] = e;
            }
        });
        if (failures.FirstOrDefault(f => f is not null) is { } failure)
        {
            System.Runtime.ExceptionServices.ExceptionDispatchInfo.Capture(failure).Throw();
        }

        var fallbacks = results.Where(r => r.Note is not null).Select(r => r.Name).ToList();
        if (forced is not null && fallbacks.Count > 0)
        {
            notes.Add($"--method {forced.Name} takes {forced.AppliesToText}; {string.Join(", ", fallbacks)} got the default test instead.");
        }

        return Sort(results);
    }

    private static List<ColumnDrift> Sort(IEnumerable<ColumnDrift> columns) =>
        columns.Select((c, i) => (c, i)).OrderByDescending(x => x.c.Drifted).ThenByDescending(x => x.c.Severity).ThenBy(x => x.i).Select(x => x.c).ToList();

    private static ColumnDrift Test(string name, DriftColumnKind kind, DataFrameColumn left, DataFrameColumn right, DriftOptions options, (string Reference, string Current) names, DriftTest? forced, ConcurrentDictionary<string, ColumnSample>? prepared)
    {
        var reference = prepared?.GetOrAdd(name, _ => ColumnSample.Of(left, kind)) ?? ColumnSample.Of(left, kind);
        if (reference.Count == 0)
        {
            throw DriftErrors.NoValues(name, "reference", names.Reference, reference.Missing);
        }

        var current = ColumnSample.Of(right, kind);
        if (current.Count == 0)
        {
            throw DriftErrors.NoValues(name, "current data", names.Current, current.Missing);
        }

        var pair = new ColumnPair(name, kind, reference, current);
        var test = forced is not null && forced.AppliesTo(pair) ? forced : DriftTests.Default(pair);
        // --threshold is on the scale of the asked-for test; columns that fell back to the default keep its threshold.
        var threshold = options.Threshold is { } t && (forced is null || test == forced) ? t : test.DefaultThreshold;
        if (test.GivesPValue && threshold >= 1)
        {
            throw DriftErrors.BadThreshold(threshold, test.Name);
        }

        var outcome = test.Run(pair);
        return new ColumnDrift
        {
            Name = name,
            Kind = kind,
            Method = test.Name,
            MethodTitle = test.Title,
            Statistic = outcome.Statistic,
            PValue = outcome.PValue,
            Threshold = threshold,
            Drifted = test.Drifted(outcome, threshold),
            Psi = PsiTest.Index(pair),
            ReferenceCount = reference.Count,
            CurrentCount = current.Count,
            ReferenceMissing = reference.Missing,
            CurrentMissing = current.Missing,
            Note = forced is not null && test != forced ? $"--method {forced.Name} takes {forced.AppliesToText}" : null,
            Picture = Picture(pair),
        };
    }

    /// <summary>Both sides as shares: Evidently's bins for numbers with many values, else the most common values (the rest as "(other)").</summary>
    private static DriftPicture Picture(ColumnPair pair)
    {
        if (pair.Kind == DriftColumnKind.Numeric && pair.ReferenceDistinct > 20)
        {
            var bins = pair.Sturges;
            var width = bins.Edges[1] - bins.Edges[0];
            var labels = Enumerable.Range(0, bins.Reference.Length).Select(i => ((bins.Edges[i] + bins.Edges[i + 1]) / 2).ToString("G6", CultureInfo.InvariantCulture)).ToArray();
            return new DriftPicture(labels, Shares(bins.Reference, pair.Reference.Count), Shares(bins.Current, pair.Current.Count), true, width);
        }

        var counts = pair.Categories;
        var order = Enumerable.Range(0, counts.Labels.Length)
            .OrderByDescending(i => (counts.Reference[i] / (double)pair.Reference.Count) + (counts.Current[i] / (double)pair.Current.Count))
            .ThenBy(i => i)
            .ToList();
        var shown = order.Take(PictureCategories).ToList();
        if (pair.Kind == DriftColumnKind.Numeric)
        {
            shown.Sort();
        }

        var names = shown.Select(i => counts.Labels[i]).ToList();
        var left = shown.Select(i => counts.Reference[i] / (double)pair.Reference.Count).ToList();
        var right = shown.Select(i => counts.Current[i] / (double)pair.Current.Count).ToList();
        if (order.Count > PictureCategories)
        {
            var rest = order.Skip(PictureCategories).ToList();
            names.Add($"(other {rest.Count})");
            left.Add(rest.Sum(i => counts.Reference[i]) / (double)pair.Reference.Count);
            right.Add(rest.Sum(i => counts.Current[i]) / (double)pair.Current.Count);
        }

        return new DriftPicture(names, [.. left], [.. right], false, 0);
    }

    private static double[] Shares(long[] counts, long total) => counts.Select(c => c / (double)total).ToArray();

    private static DriftReport Report(DataFrame reference, DataFrame current, DriftOptions options, (string Reference, string Current) names, List<ColumnDrift> columns, List<string> notes)
    {
        var share = columns.Count(c => c.Drifted) / (double)columns.Count;
        return new DriftReport
        {
            DatasetDrift = share >= options.DriftShare,
            DriftShare = share,
            DriftShareThreshold = options.DriftShare,
            Columns = columns,
            ReferenceRows = reference.Rows.Count,
            CurrentRows = current.Rows.Count,
            ReferenceName = names.Reference,
            CurrentName = names.Current,
            Method = options.Method.Trim().Length == 0 ? "auto" : (DriftTests.Find(options.Method)?.Name ?? "auto"),
            Notes = notes,
        };
    }
}
