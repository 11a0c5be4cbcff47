using Microsoft.Data.Analysis;
using Notebooks.ML.Data;
using Notebooks.ML.Training;
using Notebooks.Tests;

namespace Notebooks.ML.Tests.Tracking;

/// <summary>A few models trained once for every tracking test: iris with two trainers, and breast cancer.</summary>
internal static class TrainedModels
{
    private static readonly Lazy<DataFrame> _iris = new(() => DataLoader.Load(Repo.Data("iris.csv")).Data);
    private static readonly Lazy<TrainedModel> _irisLbfgs = new(() =>
        ModelTrainer.Train(Iris, new TrainOptions { DataName = "iris", Label = "Species", Trainer = "lbfgs", Seed = 1 }));
    private static readonly Lazy<TrainedModel> _irisSdca = new(() =>
        ModelTrainer.Train(Iris, new TrainOptions { DataName = "iris", Label = "Species", Trainer = "sdca", Seed = 2, Hyperparameters = new Dictionary<string, string> { ["MaximumNumberOfIterations"] = "5" } }));
    private static readonly Lazy<TrainedModel> _cancer = new(() =>
        ModelTrainer.Train(DataLoader.Load(Repo.Data("breast_cancer.csv")).Data, new TrainOptions { DataName = "bc", Label = "diagnosis", Trainer = "sdca", Seed = 3 }));

    private static readonly Lazy<LoadedData> _irisSample = new(() => DataLoader.Load(Repo.Data("iris.csv"), new LoadOptions { Sample = 100, Seed = 3 }));
    private static readonly Lazy<TrainedModel> _irisOnSample = new(() =>
        ModelTrainer.Train(IrisSampleData.Data, new TrainOptions { DataName = "iris", Label = "Species", Trainer = "lbfgs", Seed = 1, Explain = false }));

    public static DataFrame Iris => _iris.Value;

    /// <summary>100 rows of iris drawn with seed 3: other data than the whole file.</summary>
    public static LoadedData IrisSampleData => _irisSample.Value;

    /// <summary>lbfgs on <see cref="IrisSampleData"/>, named <c>iris</c> like the whole file's models.</summary>
    public static TrainedModel IrisSample => _irisOnSample.Value;

    public static TrainedModel IrisLbfgs => _irisLbfgs.Value;

    public static TrainedModel IrisSdca => _irisSdca.Value;

    public static TrainedModel Cancer => _cancer.Value;
}
