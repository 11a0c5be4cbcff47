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
    [InlineData("#!plot iris --kind line --x Sepal.Length --y Sepal.Width --color Species", "\"type\":\"scatter\"", "Sepal.Width over Sepal.Length by Species")]
    [InlineData("#!plot iris --kind bar --x Species", "\"type\":\"bar\"", "Count by Species")]
    [InlineData("#!plot iris --kind bar --x Species --y Petal.Length --agg median", "\"type\":\"bar\"", "Median Petal.Length by Species")]
    [InlineData("#!plot iris --kind box --x Species --y Sepal.Width", "\"q1\":[", "Sepal.Width by Species")]
    [InlineData("#!plot iris --kind violin --x Species --y Petal.Length", "\"type\":\"violin\"", "Petal.Length by Species")]
    [InlineData("#!plot iris --kind heatmap --x Species --y Petal.Width --z Sepal.Length --agg mean", "\"type\":\"heatmap\"", "Mean Sepal.Length by Species and Petal.Width")]
    [InlineData("#!plot iris --kind corr", "\"type\":\"heatmap\"", "Correlation of numeric columns")]
    [InlineData("#!plot iris --kind scatter-matrix --columns Sepal.Length,Petal.Length,Petal.Width --color Species", "\"type\":\"splom\"", "Scatter matrix of Sepal.Length, Petal.Length, Petal.Width by Species")]
    [InlineData("#!plot iris --kind scatter-matrix --columns Sepal.Length,Petal.Length --color Species", "\"type\":\"scatter\"", "Petal.Length vs Sepal.Length by Species")]
    [InlineData("#!plot iris --kind scatter --x Sepal.Length --y Sepal.Width --title \"My flowers\"", "\"type\":\"scatter\"", "My flowers")]
    public async Task Plot_draws_every_kind(string magic, string trace, string title)
    {
        (await _kernel.SubmitAsync("#!load data/iris.csv")).ShouldSucceed();
        var html = (await _kernel.SubmitAsync(magic)).ShouldSucceed().Html;

        Assert.Contains(trace, html, StringComparison.Ordinal);
        Assert.Contains($"\"text\":\"{title}\"", html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Plot_samples_large_data_with_the_session_seed_or_its_own()
    {
        (await _kernel.SubmitAsync("#!load data/diamonds.csv")).ShouldSucceed();
        (await _kernel.SubmitAsync("#!seed 5")).ShouldSucceed();

        var sessionSeed = (await _kernel.SubmitAsync("#!plot diamonds --kind scatter-matrix --columns carat,price,depth --color cut")).ShouldSucceed().Html;
        var ownSeed = (await _kernel.SubmitAsync("#!plot diamonds --kind scatter-matrix --columns carat,price,depth --color cut --seed 9")).ShouldSucceed().Html;

        Assert.Contains("showing 10,000 of 53,940 rows: a random sample (seed 5), stratified by cut", sessionSeed, StringComparison.Ordinal);
        Assert.Contains("(seed 9)", ownSeed, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Plot_help_lists_every_kind_and_option()
    {
        var html = (await _kernel.SubmitAsync("#!plot -h")).ShouldSucceed().Html;
        Assert.Contains("scatter-matrix", html, StringComparison.Ordinal);
        Assert.Contains("--agg", html, StringComparison.Ordinal);
        Assert.Contains("--bins", html, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("#!plot iris --kind scatter --x Petal.Lenght --y Petal.Width", "Could not find the --x column 'Petal.Lenght'")]
    [InlineData("#!plot iris --kind scatter --x Petal.Length --y Petal.Width --color Specis", "Did you mean 'Species'? Columns: Sepal.Length, Sepal.Width, Petal.Length, Petal.Width, Species.")]
    [InlineData("#!plot iris --kind pie --x Species", "The option --kind got 'pie'")]
    [InlineData("#!plot iris --kind histogram --x Species", "For counts per category use a bar chart")]
    [InlineData("#!plot nothing --kind scatter --x a --y b", "There is no DataFrame variable named 'nothing'")]
    [InlineData("#!plot iris --kind scatter --x Petal.Length", "needs --y")]
    [InlineData("#!plot iris --kind scatter", "A scatter chart needs --x: the column on the x axis. Columns: Sepal.Length")]
    [InlineData("#!plot iris --kind histogram --x Sepal.Length --bins many", "The option --bins got 'many', but expected a whole number.")]
    [InlineData("#!plot iris --kind histogram --x Sepal.Length --bins 0", "The option --bins got '0', but expected a whole number of bins from 1 to 1,000.")]
    [InlineData("#!plot iris --kind bar --x Species --y Sepal.Length --agg max", "The option --agg got 'max', but expected one of count, mean, sum, median.")]
    [InlineData("#!plot iris --kind box --x Sepal.Length --y Species", "Did you mean --x Species --y Sepal.Length?")]
    public async Task Plot_explains_bad_input_and_the_kernel_stays_usable(string magic, string expected)
    {
        (await _kernel.SubmitAsync("#!load data/iris.csv")).ShouldSucceed();
        Assert.Contains(expected, (await _kernel.SubmitAsync(magic)).ShouldFail(), StringComparison.Ordinal);
        (await _kernel.SubmitAsync("iris.Rows.Count")).ShouldSucceed();
    }
}
