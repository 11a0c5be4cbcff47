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
        Assert.Contains("inferred", result.Html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Train_is_deterministic_for_the_same_seed()
    {
        (await _kernel.SubmitAsync("#!load data/breast_cancer.csv --as bc")).ShouldSucceed();
        (await _kernel.SubmitAsync("#!train --data bc --label diagnosis --seed 7 --as a")).ShouldSucceed();
        (await _kernel.SubmitAsync("#!train --data bc --label diagnosis --seed 7 --as b")).ShouldSucceed();
        Assert.Equal(_kernel.Variable<TrainedModel>("a")!.Metrics, _kernel.Variable<TrainedModel>("b")!.Metrics);
    }

    [Fact]
    public async Task Train_passes_repeated_set_options_to_the_trainer()
    {
        (await _kernel.SubmitAsync("#!load data/iris.csv")).ShouldSucceed();
        (await _kernel.SubmitAsync("#!train --data iris --label Species --set NumberOfLeaves=4 --set LearningRate=0.3")).ShouldSucceed();
        var model = _kernel.Variable<TrainedModel>("model")!;
        Assert.Equal("4", model.Info.Hyperparameters["NumberOfLeaves"]);
        Assert.Equal("0.3", model.Info.Hyperparameters["LearningRate"]);
    }

    [Theory]
    [InlineData("#!train --data iris --label Specis", "Could not find the label column 'Specis' in 'iris'. Did you mean 'Species'?")]
    [InlineData("#!train --data iris --label Species --trainer xgboost", "The option --trainer got 'xgboost'")]
    [InlineData("#!train --data iris --label Species --test-fraction 1.5", "The option --test-fraction got '1.5'")]
    [InlineData("#!train --data iris --label Species --task regression", "--task regression needs a numeric label")]
    [InlineData("#!train --data iris --label Species --set Leaves=3", "'Leaves' is not a hyperparameter of lightgbm")]
    [InlineData("#!train --data iris --label Species --seed abc", "The option --seed got 'abc'")]
    public async Task Train_explains_bad_input_and_the_kernel_stays_usable(string magic, string expected)
    {
        (await _kernel.SubmitAsync("#!load data/iris.csv")).ShouldSucceed();
        Assert.Contains(expected, (await _kernel.SubmitAsync(magic)).ShouldFail(), StringComparison.Ordinal);
        (await _kernel.SubmitAsync("iris.Rows.Count")).ShouldSucceed();
    }

    [Fact]
    public async Task Train_fails_clearly_on_a_label_with_one_class()
    {
        (await _kernel.SubmitAsync("#!load data/iris.csv")).ShouldSucceed();
        (await _kernel.SubmitAsync("#!load data/iris.csv --as setosa")).ShouldSucceed();
        (await _kernel.SubmitAsync("""var only = setosa.Filter(setosa["Species"].ElementwiseEquals("setosa"));""")).ShouldSucceed();
        Assert.Contains("has only one class ('setosa')", (await _kernel.SubmitAsync("#!train --data only --label Species")).ShouldFail(), StringComparison.Ordinal);
    }
}
