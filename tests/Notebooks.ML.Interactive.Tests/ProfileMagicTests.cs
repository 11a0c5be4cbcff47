namespace Notebooks.ML.Interactive.Tests;

[Collection("kernel")]
public sealed class ProfileMagicTests : IDisposable
{
    private readonly KernelHarness _kernel = new();

    public void Dispose() => _kernel.Dispose();

    [Fact]
    public async Task Profile_shows_statistics_a_chart_per_column_and_a_correlation_heatmap()
    {
        (await _kernel.SubmitAsync("#!load data/penguins.csv")).ShouldSucceed();

        var result = (await _kernel.SubmitAsync("#!profile penguins")).ShouldSucceed();

        Assert.Contains("Profile of <code>penguins</code>", result.Html, StringComparison.Ordinal);
        Assert.Contains("<th>25%</th>", result.Html, StringComparison.Ordinal);
        Assert.Contains("Adelie (152)", result.Html, StringComparison.Ordinal);
        var charts = result.Html.Split("Plotly.newPlot").Length - 1;
        Assert.Equal(8 + 1, charts);
        // The card, one output with the eight small charts side by side, and the heatmap.
        var outputs = result.Outputs.Where(v => v.MimeType == "text/html").Select(v => v.Value).ToList();
        Assert.Equal(3, outputs.Count);
        Assert.StartsWith("<div class=\"nbml-charts\" style=\"display:flex;flex-wrap:wrap", outputs[1], StringComparison.Ordinal);
        Assert.Equal(8, outputs[1].Split("Plotly.newPlot").Length - 1);
        Assert.Contains("Correlation of numeric columns", result.Html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Profile_names_a_variable_that_does_not_exist_and_the_kernel_stays_usable()
    {
        var message = (await _kernel.SubmitAsync("#!profile nothing")).ShouldFail();
        Assert.Contains("There is no DataFrame variable named 'nothing'", message, StringComparison.Ordinal);
        (await _kernel.SubmitAsync("var two = 1 + 1;")).ShouldSucceed();
    }

    [Fact]
    public async Task Profile_has_help()
    {
        var help = (await _kernel.SubmitAsync("#!profile -h")).ShouldSucceed().Html;
        Assert.Contains("correlation heatmap", help, StringComparison.Ordinal);
    }
}
