using Microsoft.Data.Analysis;
using Notebooks.ML.Data;
using Notebooks.ML.Training;
using Notebooks.Tests;
using Xunit.Abstractions;

namespace Notebooks.ML.Tests.Training;

/// <summary>
/// Which trainers may use every core. A trainer whose model is the same, prediction for prediction, on one thread and
/// on several uses every core by default; one whose model changes keeps one thread by default, and this test shows
/// that its model does change (so the exception is earned). Four threads on a 2-core machine make the threads
/// interleave as they would on a bigger one.
/// </summary>
public sealed class ThreadTests(ITestOutputHelper output)
{
    private const int Many = 4;

    public static TheoryData<string, string, string> Cases => new()
    {
        { "breast_cancer.csv", "diagnosis", "lightgbm" },
        { "iris.csv", "Species", "lightgbm" },
        { "diabetes.csv", "progression", "lightgbm" },
        { "breast_cancer.csv", "diagnosis", "fasttree" },
        { "iris.csv", "Species", "fasttree" },
        { "diamonds.csv", "price", "fasttree" },
        { "breast_cancer.csv", "diagnosis", "fastforest" },
        { "iris.csv", "Species", "fastforest" },
        { "diabetes.csv", "progression", "fastforest" },
        { "breast_cancer.csv", "diagnosis", "gam" },
        { "iris.csv", "Species", "gam" },
        { "diabetes.csv", "progression", "gam" },
        { "diamonds.csv", "", "kmeans" },
        { "breast_cancer.csv", "diagnosis", "lbfgs" },
        { "iris.csv", "Species", "lbfgs" },
        { "breast_cancer.csv", "diagnosis", "sdca" },
        { "diabetes.csv", "progression", "sdca" },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void A_trainer_uses_every_core_by_default_only_when_its_model_does_not_depend_on_the_thread_count(string file, string label, string trainer)
    {
        var data = DataLoader.Load(Repo.Data(file)).Data;
        var (one, _) = Predictions(data, label, trainer, 1);
        var (many, _) = Predictions(data, label, trainer, Many);
        var (byDefault, threads) = Predictions(data, label, trainer, null);
        var differing = one.Zip(many).Count(p => p.First != p.Second);
        output.WriteLine($"{trainer} on {file}: {differing} of {one.Length} predictions differ between 1 and {Many} threads; the default took {threads}");
        if (TrainerCatalog.ThreadDependence(trainer) is null)
        {
            Assert.Equal(0, differing);
            Assert.Equal(Environment.ProcessorCount, threads);
        }
        else
        {
            Assert.True(differing > 0, $"{trainer} is listed as thread-dependent, but 1 and {Many} threads gave the same predictions");
            Assert.Equal(1, threads);
        }

        Assert.Equal(one, byDefault);
    }

    private static (double[] Predictions, int Threads) Predictions(DataFrame data, string label, string trainer, int? threads)
    {
        var clustering = trainer == "kmeans";
        var options = new TrainOptions { Label = label, Task = clustering ? "clustering" : "auto", Trainer = trainer, Exclude = clustering ? ["price"] : [], Seed = 3, Explain = false, Threads = threads };
        var model = ModelTrainer.Train(data, options);
        var column = model.Task switch { MLTask.Regression => "Score", MLTask.Clustering => "Distance", _ => "Probability" };
        return (model.Predict(data)[column].Cast<float?>().Select(v => (double)(v ?? float.NaN)).ToArray(), model.Info.Threads);
    }
}
