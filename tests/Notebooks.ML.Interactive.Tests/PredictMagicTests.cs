using Microsoft.Data.Analysis;

namespace Notebooks.ML.Interactive.Tests;

[Collection("kernel")]
public sealed class PredictMagicTests : IDisposable
{
    private readonly KernelHarness _kernel = new();

    public void Dispose() => _kernel.Dispose();

    [Fact]
    public async Task Predict_adds_prediction_columns_into_a_new_dataframe()
    {
        (await _kernel.SubmitAsync("#!load data/iris.csv")).ShouldSucceed();
        (await _kernel.SubmitAsync("#!train --data iris --label Species --as m --no-explain")).ShouldSucceed();
        var result = (await _kernel.SubmitAsync("#!predict m --data iris --as scored")).ShouldSucceed();
        var scored = _kernel.Variable<DataFrame>("scored")!;
        Assert.Equal(150, scored.Rows.Count);
        Assert.Contains("PredictedLabel", scored.Columns.Select(c => c.Name));
        Assert.Contains("added PredictedLabel, Probability", result.Html, StringComparison.Ordinal);
        Assert.Equal(5, _kernel.Variable<DataFrame>("iris")!.Columns.Count);
    }

    [Fact]
    public async Task Predict_works_without_the_label_and_defaults_to_predictions()
    {
        (await _kernel.SubmitAsync("#!load data/diabetes.csv")).ShouldSucceed();
        (await _kernel.SubmitAsync("#!train --data diabetes --label progression --trainer ols --as m --no-explain")).ShouldSucceed();
        (await _kernel.SubmitAsync("""var unlabeled = diabetes.Clone(); unlabeled.Columns.Remove("progression");""")).ShouldSucceed();
        (await _kernel.SubmitAsync("#!predict m --data unlabeled")).ShouldSucceed();
        Assert.Contains("Score", _kernel.Variable<DataFrame>("predictions")!.Columns.Select(c => c.Name));
    }

    [Fact]
    public async Task Predict_names_a_missing_feature_column()
    {
        (await _kernel.SubmitAsync("#!load data/iris.csv")).ShouldSucceed();
        (await _kernel.SubmitAsync("#!train --data iris --label Species --as m --no-explain")).ShouldSucceed();
        (await _kernel.SubmitAsync("""var partial = iris.Clone(); partial.Columns.Remove("Petal.Width");""")).ShouldSucceed();
        var message = (await _kernel.SubmitAsync("#!predict m --data partial")).ShouldFail();
        Assert.Contains("Could not find the feature column 'Petal.Width'", message, StringComparison.Ordinal);
    }
}
