using System.Diagnostics;
using Microsoft.DotNet.Interactive;
using Microsoft.DotNet.Interactive.Commands;
using Microsoft.DotNet.Interactive.Events;
using Notebooks.ML.Training;

namespace Notebooks.ML.Interactive.Tests;

[Collection("kernel")]
public sealed class TrainMagicTests : IDisposable
{
    private readonly KernelHarness _kernel = new();

    public void Dispose() => _kernel.Dispose();

    [Fact]
    public async Task Train_infers_multiclass_and_exposes_metrics_on_the_model_variable()
    {
        (await _kernel.SubmitAsync("#!load data/iris.csv")).ShouldSucceed();
        var result = (await _kernel.SubmitAsync("#!train --data iris --label Species --as m")).ShouldSucceed();

        var model = _kernel.Variable<TrainedModel>("m");
        Assert.NotNull(model);
        Assert.Equal(MLTask.Multiclass, model!.Task);
        Assert.InRange(model.Metrics["MicroAccuracy"], 0.85, 1.0);
        Assert.Contains("MicroAccuracy", result.Html, StringComparison.Ordinal);
        Assert.Contains("Confusion matrix", result.Html, StringComparison.Ordinal);
        Assert.Contains("Permutation feature importance", result.Html, StringComparison.Ordinal);
        Assert.Contains("inferred: &#39;Species&#39; has 3 distinct values", result.Html, StringComparison.Ordinal);
        (await _kernel.SubmitAsync("m.Metrics[\"MicroAccuracy\"] > 0.8")).ShouldSucceed();
    }

    [Fact]
    public async Task Train_is_deterministic_for_the_same_seed()
    {
        (await _kernel.SubmitAsync("#!load data/breast_cancer.csv --as bc")).ShouldSucceed();
        (await _kernel.SubmitAsync("#!train --data bc --label diagnosis --seed 7 --as a --no-explain")).ShouldSucceed();
        (await _kernel.SubmitAsync("#!train --data bc --label diagnosis --seed 7 --as b --no-explain")).ShouldSucceed();
        Assert.Equal(_kernel.Variable<TrainedModel>("a")!.Metrics, _kernel.Variable<TrainedModel>("b")!.Metrics);
    }

    [Fact]
    public async Task Train_passes_repeated_set_options_to_the_trainer()
    {
        (await _kernel.SubmitAsync("#!load data/iris.csv")).ShouldSucceed();
        (await _kernel.SubmitAsync("#!train --data iris --label Species --set NumberOfLeaves=4 --set LearningRate=0.3 --no-explain")).ShouldSucceed();
        var model = _kernel.Variable<TrainedModel>("model")!;
        Assert.Equal("4", model.Info.Hyperparameters["NumberOfLeaves"]);
        Assert.Equal("0.3", model.Info.Hyperparameters["LearningRate"]);
    }

    [Fact]
    public async Task Folds_show_mean_and_spread_per_metric()
    {
        (await _kernel.SubmitAsync("#!load data/breast_cancer.csv --as bc")).ShouldSucceed();
        var result = (await _kernel.SubmitAsync("#!train --data bc --label diagnosis --folds 4 --trainer sdca --no-explain")).ShouldSucceed();
        Assert.Contains("metric (mean over folds)", result.Html, StringComparison.Ordinal);
        Assert.Contains(System.Net.WebUtility.HtmlEncode("± std"), result.Html, StringComparison.Ordinal);
        Assert.Contains("4-fold cross-validation", result.Html, StringComparison.Ordinal);
        Assert.Equal(4, _kernel.Variable<TrainedModel>("model")!.Info.Folds);
    }

    [Fact]
    public async Task The_mod5_split_is_the_one_the_peer_scores_use()
    {
        (await _kernel.SubmitAsync("#!load data/iris.csv")).ShouldSucceed();
        var result = (await _kernel.SubmitAsync("#!train --data iris --label Species --split mod5 --no-explain")).ShouldSucceed();
        Assert.Contains("% 5 == 0 held out", result.Html, StringComparison.Ordinal);
        Assert.Equal(30, _kernel.Variable<TrainedModel>("model")!.Info.TestRows);
    }

    [Fact]
    public async Task Clustering_needs_no_label_and_draws_the_clusters()
    {
        (await _kernel.SubmitAsync("#!load data/iris.csv")).ShouldSucceed();
        var result = (await _kernel.SubmitAsync("#!train --data iris --task clustering --k 3 --exclude Species --as clusters")).ShouldSucceed();
        Assert.Contains("Cluster sizes", result.Html, StringComparison.Ordinal);
        Assert.Contains("Clusters in two dimensions", result.Html, StringComparison.Ordinal);
        Assert.Equal("3", _kernel.Variable<TrainedModel>("clusters")!.Info.Hyperparameters["NumberOfClusters"]);
    }

    [Fact]
    public async Task Auto_search_shows_a_leaderboard_and_the_metric_over_trials()
    {
        (await _kernel.SubmitAsync("#!load data/breast_cancer.csv --as bc")).ShouldSucceed();
        var result = (await _kernel.SubmitAsync("#!train --data bc --label diagnosis --trainer auto --time 20 --trials 4 --no-explain")).ShouldSucceed();
        Assert.Contains("Search leaderboard (4 trials", result.Html, StringComparison.Ordinal);
        Assert.Contains("Search: validation AreaUnderRocCurve by trial", result.Html, StringComparison.Ordinal);
        Assert.StartsWith("auto: best of 4 search trials", _kernel.Variable<TrainedModel>("model")!.Info.TrainerReason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Progress_is_one_display_updated_in_place()
    {
        (await _kernel.SubmitAsync("#!load data/breast_cancer.csv --as bc")).ShouldSucceed();
        var result = (await _kernel.SubmitAsync("#!train --data bc --label diagnosis --folds 3 --trainer fastforest")).ShouldSucceed();
        var first = result.Events.OfType<DisplayedValueProduced>().First();
        Assert.Contains("Starting", first.FormattedValues.Single().Value, StringComparison.Ordinal);
        var updates = result.Events.OfType<DisplayedValueUpdated>().Where(u => u.ValueId == first.ValueId).ToArray();
        Assert.NotEmpty(updates);
        Assert.Contains("Trained fastforest", updates[^1].FormattedValues.Single().Value, StringComparison.Ordinal);
        Assert.True(updates.Length < 40, $"{updates.Length} updates: the display is throttled");
    }

    [Fact]
    public async Task Interrupting_a_long_train_stops_within_two_seconds_and_keeps_the_kernel_and_the_old_model()
    {
        (await _kernel.SubmitAsync("#!load data/iris.csv")).ShouldSucceed();
        (await _kernel.SubmitAsync("#!train --data iris --label Species --as m --no-explain")).ShouldSucceed();
        var before = _kernel.Variable<TrainedModel>("m");
        (await _kernel.SubmitAsync("#!load data/diamonds.csv")).ShouldSucceed();

        var training = new TaskCompletionSource();
        using var watch = _kernel.Kernel.KernelEvents.Subscribe(e =>
        {
            if (e is DisplayedValueUpdated u && u.FormattedValues.Any(v => v.Value.Contains("Training", StringComparison.Ordinal)))
            {
                training.TrySetResult();
            }
        });
        var running = _kernel.Kernel.SubmitCodeAsync("#!train --data diamonds --label price --as m --set NumberOfIterations=100000");
        await training.Task.WaitAsync(TimeSpan.FromSeconds(60));
        await Task.Delay(1500);
        var stopwatch = Stopwatch.StartNew();
        await _kernel.Kernel.SendAsync(new Cancel());
        var result = await running.WaitAsync(TimeSpan.FromSeconds(30));
        var stopped = stopwatch.Elapsed;

        Assert.Contains(result.Events, e => e is CommandFailed);
        AssertNoProgressLeft(new Submission("#!train (interrupted)", result.Events.ToArray()));
        Assert.True(stopped < TimeSpan.FromSeconds(2), $"stopping took {stopped}");
        Assert.Same(before, _kernel.Variable<TrainedModel>("m"));
        stopwatch.Restart();
        (await _kernel.SubmitAsync("#!train --data iris --label Species --as again --no-explain")).ShouldSucceed();
        Assert.True(stopwatch.Elapsed < TimeSpan.FromSeconds(10), $"the next train took {stopwatch.Elapsed}: the cancelled one kept running");
    }

    [Theory]
    [InlineData("#!train --data iris --label Specis", "Could not find the label column 'Specis' in 'iris'. Did you mean 'Species'? Columns: Sepal.Length, Sepal.Width, Petal.Length, Petal.Width, Species.")]
    [InlineData("#!train --data iris --label Species --trainer xgboost", "The option --trainer got 'xgboost', but expected one of auto, lightgbm, fasttree")]
    [InlineData("#!train --data iris --label Species --test-fraction 1.5", "The option --test-fraction got '1.5'")]
    [InlineData("#!train --data iris --label Species --task regression", "--task regression needs a numeric label")]
    [InlineData("#!train --data iris --label Species --set Leaves=3", "'Leaves' is not a hyperparameter of lightgbm")]
    [InlineData("#!train --data iris --label Species --set NumberOfLeaves", "The option --set got 'NumberOfLeaves', but expected name=value")]
    [InlineData("#!train --data iris --label Species --seed abc", "The option --seed got 'abc'")]
    [InlineData("#!train --data iris --label Species --folds 3 --test-fraction 0.3", "--folds and --test-fraction each choose the test rows: use one of them.")]
    [InlineData("#!train --data iris --label Species --folds 1", "The option --folds got '1', but expected a whole number of folds of at least 2")]
    [InlineData("#!train --data iris --label Species --split mod", "The option --split got 'mod'")]
    [InlineData("#!train --data iris --label Species --trainer sdca --time 10", "--time is the budget of --trainer auto's search, but --trainer is 'sdca'.")]
    [InlineData("#!train --data iris --label Species --trainer ols", "The trainer 'ols' cannot learn a multiclass task.")]
    public async Task Train_explains_bad_input_and_the_kernel_stays_usable(string magic, string expected)
    {
        (await _kernel.SubmitAsync("#!load data/iris.csv")).ShouldSucceed();
        var failed = await _kernel.SubmitAsync(magic);
        Assert.Contains(expected, failed.ShouldFail(), StringComparison.Ordinal);
        AssertNoProgressLeft(failed);
        (await _kernel.SubmitAsync("iris.Rows.Count")).ShouldSucceed();
    }

    [Fact]
    public async Task A_train_that_fails_after_its_progress_appeared_leaves_only_the_error()
    {
        (await _kernel.SubmitAsync("#!load data/iris.csv")).ShouldSucceed();
        // The label is checked once training has started (the progress display is up): the display must go again.
        var failed = await _kernel.SubmitAsync("#!train --data iris --label Specis");
        failed.ShouldFail();
        var progress = failed.Events.OfType<DisplayedValueProduced>().Single();
        Assert.Contains("Starting", progress.FormattedValues.Single().Value, StringComparison.Ordinal);
        Assert.Equal("", failed.Events.OfType<DisplayedValueUpdated>().Last(u => u.ValueId == progress.ValueId).FormattedValues.Single().Value);
        AssertNoProgressLeft(failed);
    }

    /// <summary>A progress card (phase, elapsed, bar) is no longer shown once the cell has ended.</summary>
    private static void AssertNoProgressLeft(Submission submission) =>
        Assert.All(submission.Shown, shown =>
        {
            Assert.DoesNotContain("<div class=\"nbml-bar\">", shown, StringComparison.Ordinal);
            Assert.DoesNotContain(" elapsed", shown, StringComparison.Ordinal);
        });

    [Fact]
    public async Task Train_fails_clearly_on_a_label_with_one_class()
    {
        (await _kernel.SubmitAsync("#!load data/iris.csv --as setosa")).ShouldSucceed();
        (await _kernel.SubmitAsync("""var only = setosa.Filter(setosa["Species"].ElementwiseEquals("setosa"));""")).ShouldSucceed();
        Assert.Contains("has only one class ('setosa')", (await _kernel.SubmitAsync("#!train --data only --label Species")).ShouldFail(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_failed_train_keeps_the_old_model()
    {
        (await _kernel.SubmitAsync("#!load data/iris.csv")).ShouldSucceed();
        (await _kernel.SubmitAsync("#!train --data iris --label Species --as m --no-explain")).ShouldSucceed();
        var before = _kernel.Variable<TrainedModel>("m");
        (await _kernel.SubmitAsync("#!train --data iris --label Species --as m --set Nope=1")).ShouldFail();
        Assert.Same(before, _kernel.Variable<TrainedModel>("m"));
    }
}
