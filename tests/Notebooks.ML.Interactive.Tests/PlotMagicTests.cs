namespace Notebooks.ML.Interactive.Tests;

[Collection("kernel")]
public sealed class PlotMagicTests : IDisposable
{
    private readonly KernelHarness _kernel = new();

    public void Dispose() => _kernel.Dispose();

    [Fact]
    public async Task Plot_draws_a_scatter_with_one_trace_per_colour_group()
    {
        (await _kernel.SubmitAsync("#!load data/iris.csv")).ShouldSucceed();
        var html = (await _kernel.SubmitAsync("#!plot iris --kind scatter --x Petal.Length --y Petal.Width --color Species")).ShouldSucceed().Html;

        Assert.Contains("Plotly.newPlot", html, StringComparison.Ordinal);
        Assert.Contains("\"name\":\"setosa\"", html, StringComparison.Ordinal);
        Assert.Contains("\"name\":\"virginica\"", html, StringComparison.Ordinal);
        Assert.Contains("Petal.Width vs Petal.Length by Species", html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Plot_draws_a_histogram()
    {
        (await _kernel.SubmitAsync("#!load data/iris.csv")).ShouldSucceed();
        var html = (await _kernel.SubmitAsync("#!plot iris --kind histogram --x Sepal.Length --bins 10")).ShouldSucceed().Html;
        Assert.Contains("\"type\":\"bar\"", html, StringComparison.Ordinal);
        Assert.Contains("Distribution of Sepal.Length", html, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("#!plot iris --kind scatter --x Petal.Lenght --y Petal.Width", "Could not find the --x column 'Petal.Lenght'")]
    [InlineData("#!plot iris --kind pie --x Species", "The option --kind got 'pie'")]
    [InlineData("#!plot iris --kind histogram --x Species", "For counts per category use a bar chart")]
    [InlineData("#!plot nothing --kind scatter --x a --y b", "There is no DataFrame variable named 'nothing'")]
    [InlineData("#!plot iris --kind scatter --x Petal.Length", "needs --y")]
    public async Task Plot_explains_bad_input_and_the_kernel_stays_usable(string magic, string expected)
    {
        (await _kernel.SubmitAsync("#!load data/iris.csv")).ShouldSucceed();
        Assert.Contains(expected, (await _kernel.SubmitAsync(magic)).ShouldFail(), StringComparison.Ordinal);
        (await _kernel.SubmitAsync("iris.Rows.Count")).ShouldSucceed();
    }
}
