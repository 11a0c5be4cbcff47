using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.Trainers.FastTree;

namespace Notebooks.ML.Training;

/// <summary>How much one feature column matters: the drop in the model's metric when its values are shuffled.</summary>
/// <param name="Column">The source column.</param>
/// <param name="Drop">Metric without shuffling minus metric with it (for clustering: the share of rows that change cluster).</param>
public sealed record FeatureImportance(string Column, double Drop);

/// <summary>A learning curve: the primary metric on validation and training rows as training grows.</summary>
/// <param name="Axis">What grows: <c>boosting iteration</c>, <c>trees</c> or <c>training rows</c>.</param>
/// <param name="Steps">The iterations, trees or row counts.</param>
/// <param name="Validation">The metric on held-out rows (up to 2,000 of them) at each step.</param>
/// <param name="Training">The metric on training rows (up to 2,000 of them) at each step.</param>
/// <param name="Metric">The metric's name.</param>
public sealed record LearningCurve(string Axis, IReadOnlyList<double> Steps, IReadOnlyList<double> Validation, IReadOnlyList<double> Training, string Metric);

/// <summary>Permutation feature importance and learning curves.</summary>
internal static class Explainer
{
    /// <summary>Explanations look at up to this many rows, so that they cost little next to training.</summary>
    private const int SampleRows = 2000;

    public static IReadOnlyList<FeatureImportance> Importance(TrainingRun run, Fitted fitted, int[] rows, CancellationToken cancellationToken)
    {
        var seed = run.Options.Seed;
        var sample = Sample(rows, SampleRows, seed);
        if (sample.Length < 2)
        {
            return [];
        }

        var view = ModelTrainer.ToView(run.Frame, sample, run.Features, run.Label, run.Source);
        var task = run.Label.Task;
        var baseline = Evaluation.Extract(fitted.Model.Transform(view), run.Label);
        var baseValue = task == MLTask.Clustering ? 1 : Evaluation.PrimaryValue(task, baseline);
        var (_, higher) = Evaluation.Primary(task);
        var result = new List<FeatureImportance>();
        for (var i = 0; i < run.Features.Features.Count; i++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var order = Enumerable.Range(0, sample.Length).ToArray();
            new Random(unchecked((seed * 7919) + i)).Shuffle(order);
            var shuffled = view.Permuted(run.Features.InternalNames(i).ToArray(), order);
            var permuted = Evaluation.Extract(fitted.Model.Transform(shuffled), run.Label);
            double drop;
            if (task == MLTask.Clustering)
            {
                drop = baseline.Predicted.Zip(permuted.Predicted).Count(p => p.First != p.Second) / (double)sample.Length;
            }
            else
            {
                var value = Evaluation.PrimaryValue(task, permuted);
                drop = higher ? baseValue - value : value - baseValue;
            }

            result.Add(new FeatureImportance(run.Features.Features[i].Column, double.IsNaN(drop) ? 0 : drop));
        }

        return result.OrderByDescending(r => r.Drop).ThenBy(r => r.Column, StringComparer.Ordinal).ToArray();
    }

    /// <summary>
    /// Boosted and bagged trees: the metric after each iteration, replayed from the trained trees (no retraining).
    /// Other trainers: the metric when trained on growing shares of the training rows.
    /// </summary>
    public static LearningCurve? Curve(TrainingRun run, Fitted fitted, int[] trainRows, int[] evalRows, CancellationToken cancellationToken)
    {
        var task = run.Label.Task;
        var (metric, _) = Evaluation.Primary(task);
        var evalSample = Sample(evalRows, SampleRows, run.Options.Seed);
        var trainSample = Sample(trainRows, SampleRows, run.Options.Seed + 1);
        if (evalSample.Length < 2)
        {
            return null;
        }

        if (task is MLTask.Binary or MLTask.Regression && TrainerCatalog.IsTreeEnsemble(fitted.Trainer) && Ensemble(fitted.Head) is { } ensemble)
        {
            var forest = fitted.Trainer == "fastforest";
            var steps = Checkpoints(ensemble.Trees.Count);
            var validation = Replay(run, fitted, ensemble, evalSample, steps, forest);
            // The replay follows each split as "value <= threshold"; where a tree routes missing values otherwise
            // (LightGBM learns a side for them), the last point would not match the model: then the size curve is drawn.
            if (Math.Abs(validation[^1] - Score(run, fitted, evalSample)) < 1e-4)
            {
                var training = Replay(run, fitted, ensemble, trainSample, steps, forest);
                return new LearningCurve(forest ? "trees" : "boosting iteration", steps.Select(s => (double)s).ToArray(), validation, training, metric);
            }
        }

        var sizes = new List<double>();
        var validationBySize = new List<double>();
        var trainingBySize = new List<double>();
        foreach (var share in new[] { 0.1, 0.25, 0.5, 1.0 })
        {
            cancellationToken.ThrowIfCancellationRequested();
            var subset = share >= 1 ? trainRows : Sample(trainRows, (int)Math.Round(trainRows.Length * share), run.Options.Seed + 2);
            if (subset.Length < 10 && share < 1)
            {
                continue;
            }

            Fitted model;
            try
            {
                model = share >= 1 ? fitted : ModelTrainer.Fit(run, fitted.Trainer, fitted.Requested, subset, cancellationToken);
            }
            catch (Exception e) when (e is InvalidOperationException or ArgumentException or NotebookException)
            {
                // A small share may hold too few rows or classes for the trainer; that point is simply left out.
                continue;
            }

            sizes.Add(subset.Length);
            validationBySize.Add(Score(run, model, evalSample));
            trainingBySize.Add(Score(run, model, Sample(subset, SampleRows, run.Options.Seed + 3)));
        }

        return sizes.Count < 2 ? null : new LearningCurve("training rows", sizes, validationBySize, trainingBySize, metric);
    }

    private static double Score(TrainingRun run, Fitted fitted, int[] rows)
    {
        var view = ModelTrainer.ToView(run.Frame, rows, run.Features, run.Label, run.Source);
        return Evaluation.PrimaryValue(run.Label.Task, Evaluation.Extract(fitted.Model.Transform(view), run.Label));
    }

    private static int[] Checkpoints(int trees)
    {
        var count = Math.Min(trees, 60);
        return Enumerable.Range(1, count).Select(i => (int)Math.Round((double)i * trees / count)).Distinct().ToArray();
    }

    private static double[] Replay(TrainingRun run, Fitted fitted, (IReadOnlyList<RegressionTreeBase> Trees, IReadOnlyList<double> Weights, double Bias) ensemble, int[] rows, int[] steps, bool forest)
    {
        var view = ModelTrainer.ToView(run.Frame, rows, run.Features, run.Label, run.Source);
        var featurized = fitted.Featurizer.Transform(view);
        var features = featurized.GetColumn<VBuffer<float>>("Features").Select(v => v.DenseValues().ToArray()).ToArray();
        var scored = Evaluation.Extract(fitted.Model.Transform(view), run.Label);
        var sums = new double[features.Length];
        var result = new double[steps.Length];
        var next = 0;
        for (var t = 0; t < ensemble.Trees.Count && next < steps.Length; t++)
        {
            var tree = ensemble.Trees[t];
            for (var r = 0; r < features.Length; r++)
            {
                sums[r] += ensemble.Weights[t] * Leaf(tree, features[r]);
            }

            if (t + 1 == steps[next])
            {
                var scores = sums.Select(s => forest ? s / (t + 1) : s + ensemble.Bias).ToArray();
                result[next++] = run.Label.Task == MLTask.Binary
                    ? Evaluation.Auc(scored.Positive, scores)
                    : Evaluation.RSquared(scored.Actual, scores);
            }
        }

        return result;
    }

    private static double Leaf(RegressionTreeBase tree, float[] x)
    {
        if (tree.NumberOfLeaves <= 1)
        {
            return tree.LeafValues.Count > 0 ? tree.LeafValues[0] : 0;
        }

        var node = 0;
        while (node >= 0)
        {
            node = x[tree.NumericalSplitFeatureIndexes[node]] <= tree.NumericalSplitThresholds[node] ? tree.LeftChild[node] : tree.RightChild[node];
        }

        return tree.LeafValues[~node];
    }

    /// <summary>The trees inside a LightGBM, FastTree or FastForest model (calibrated or not), or null.</summary>
    private static (IReadOnlyList<RegressionTreeBase> Trees, IReadOnlyList<double> Weights, double Bias)? Ensemble(ITransformer head)
    {
        var transformers = head is IEnumerable<ITransformer> chain ? chain.ToArray() : [head];
        foreach (var transformer in transformers)
        {
            if (transformer is not IPredictionTransformer<object> prediction)
            {
                continue;
            }

            var model = prediction.Model;
            if (model.GetType().GetProperties().FirstOrDefault(p => p.Name == "SubModel") is { } sub)
            {
                model = sub.GetValue(model)!;
            }

            switch (model)
            {
                case TreeEnsembleModelParametersBasedOnRegressionTree t:
                    return (t.TrainedTreeEnsemble.Trees, t.TrainedTreeEnsemble.TreeWeights, t.TrainedTreeEnsemble.Bias);
                case TreeEnsembleModelParametersBasedOnQuantileRegressionTree q:
                    return (q.TrainedTreeEnsemble.Trees, q.TrainedTreeEnsemble.TreeWeights, q.TrainedTreeEnsemble.Bias);
            }
        }

        return null;
    }

    /// <summary>A seeded sample of at most <paramref name="count"/> rows, in row order.</summary>
    internal static int[] Sample(int[] rows, int count, int seed)
    {
        if (rows.Length <= count)
        {
            return rows;
        }

        var copy = rows.ToArray();
        new Random(seed).Shuffle(copy);
        var sample = copy[..count];
        Array.Sort(sample);
        return sample;
    }
}
