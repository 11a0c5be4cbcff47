namespace Notebooks.ML.Interactive.Tests;

[Collection("kernel")]
public sealed class EvaluateMagicTests : IDisposable
{
    private readonly KernelHarness _kernel = new();

    public void Dispose() => _kernel.Dispose();

    [Fact]
    public async Task Evaluate_shows_metrics_beside_those_at_training_and_the_charts()
    {
        (await _kernel.SubmitAsync("#!load data/breast_cancer.csv --as bc")).ShouldSucceed();
        (await _kernel.SubmitAsync("#!train --data bc --label diagnosis --as m --no-explain")).ShouldSucceed();
        var result = (await _kernel.SubmitAsync("#!evaluate m --data bc")).ShouldSucceed();
        Assert.Contains("Evaluated <code>m</code>", result.Html, StringComparison.Ordinal);
        Assert.Contains("at training", result.Html, StringComparison.Ordinal);
        Assert.Contains("AreaUnderRocCurve", result.Html, StringComparison.Ordinal);
        Assert.Contains("ROC curve", result.Html, StringComparison.Ordinal);
        Assert.Contains("569 rows", result.Html, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("#!evaluate nope --data bc", "There is no model variable named 'nope' in the C# kernel.")]
    [InlineData("#!evaluate bc --data bc", "The variable 'bc' holds a DataFrame, but #!evaluate expects a model made by #!train")]
    [InlineData("#!evaluate m --data missing", "There is no DataFrame variable named 'missing'")]
    [InlineData("#!evaluate m --data iris", "Could not find the label column 'diagnosis' in 'iris.csv'.")]
    public async Task Evaluate_explains_bad_input(string magic, string expected)
    {
        (await _kernel.SubmitAsync("#!load data/breast_cancer.csv --as bc")).ShouldSucceed();
        (await _kernel.SubmitAsync("#!load data/iris.csv")).ShouldSucceed();
        (await _kernel.SubmitAsync("#!train --data bc --label diagnosis --as m --no-explain")).ShouldSucceed();
        Assert.Contains(expected, (await _kernel.SubmitAsync(magic)).ShouldFail(), StringComparison.Ordinal);
        (await _kernel.SubmitAsync("bc.Rows.Count")).ShouldSucceed();
    }
}
