using Microsoft.Data.Analysis;
using Notebooks.ML.Drift;
using Notebooks.ML.Training;
using Notebooks.Tests;

namespace Notebooks.ML.Interactive.Tests;

[Collection("kernel")]
public sealed class MonitorMagicTests : IDisposable
{
    private readonly KernelHarness _kernel = new();
    private readonly string _folder = Directory.CreateTempSubdirectory("nbml-monitor-magic-").FullName;

    private string Store => Path.Combine(_folder, "runs.db");

    public void Dispose()
    {
        _kernel.Dispose();
        Directory.Delete(_folder, recursive: true);
    }

    /// <summary>A model trained in the kernel (so its run is in the session's store) and two days of its traffic.</summary>
    private async Task ServedAsync()
    {
        (await _kernel.SubmitAsync($"#!runs store {Store}")).ShouldSucceed();
        (await _kernel.SubmitAsync("#!load data/penguins.csv")).ShouldSucceed();
        (await _kernel.SubmitAsync("#!train --data penguins --label species --as model --no-explain")).ShouldSucceed();
        var model = _kernel.Variable<TrainedModel>("model")!;
        var penguins = _kernel.Variable<DataFrame>("penguins")!;
        var day = new DateTimeOffset(2026, 11, 30, 9, 0, 0, TimeSpan.Zero);
        await Traffic.LogAsync(Store, "penguins", model, penguins, day, TimeSpan.FromMinutes(5));
        await Traffic.LogAsync(Store, "penguins", model, penguins.Filter(penguins["species"].ElementwiseEquals("Gentoo")), day.AddDays(1), TimeSpan.FromMinutes(5));
    }

    [Fact]
    public async Task Monitor_shows_each_window_with_one_chart_and_a_table()
    {
        await ServedAsync();
        var html = (await _kernel.SubmitAsync("#!monitor penguins --window 1d --as life")).ShouldSucceed().Html;
        var life = _kernel.Variable<MonitorReport>("life")!;
        Assert.Equal(2, life.Windows.Count);
        Assert.Equal(344 + 124, life.Rows);
        Assert.False(life.Windows[0].DatasetDrift);
        Assert.True(life.Windows[1].DatasetDrift);
        Assert.Contains("latest window's inputs drifted", html, StringComparison.Ordinal);
        Assert.Contains("run #1&#39;s reference sample", html, StringComparison.Ordinal);
        Assert.Contains("drifted columns (share)", html, StringComparison.Ordinal);
        Assert.Contains("latency p99", html, StringComparison.Ordinal);
        Assert.Contains("data-nbml-volatile", html, StringComparison.Ordinal);

        // --since narrows the log; a model variable can stand in as the reference.
        (await _kernel.SubmitAsync("#!monitor penguins --window 1h --since 2026-12-01T00:00 --reference model --as today")).ShouldSucceed();
        var today = _kernel.Variable<MonitorReport>("today")!;
        Assert.Equal(124, today.Rows);
        Assert.Equal("the model's reference sample", today.ReferenceName);
    }

    [Theory]
    [InlineData("#!monitor", "#!monitor needs the server's name")]
    [InlineData("#!monitor penguins --window fortnight", "The option --window got 'fortnight', but expected a window of at least a second")]
    [InlineData("#!monitor penguins --window 0s", "The option --window got '0s'")]
    [InlineData("#!monitor penguins --window 1s", "more than 1,000")]
    [InlineData("#!monitor penguins --since yesterday", "The option --since got 'yesterday'")]
    [InlineData("#!monitor penguin", "No model has been served as 'penguin' in")]
    [InlineData("#!monitor penguins --reference nothing", "There is no model variable named 'nothing'")]
    [InlineData("#!monitor penguins --window 1d --as 2nd", "--as '2nd' is not a valid C# variable name.")]
    public async Task Bad_input_gets_one_message_and_the_kernel_stays_usable(string magic, string expected)
    {
        await ServedAsync();
        var message = (await _kernel.SubmitAsync(magic)).ShouldFail();
        Assert.Contains(expected, message, StringComparison.Ordinal);
        (await _kernel.SubmitAsync("#!monitor penguins --window 1d")).ShouldSucceed();
    }

    [Fact]
    public async Task Help_describes_every_option()
    {
        var html = (await _kernel.SubmitAsync("#!monitor -h")).ShouldSucceed().Html;
        foreach (var option in new[] { "--window", "--since", "--reference", "--store", "--as" })
        {
            Assert.Contains($"<code>{option}</code>", html, StringComparison.Ordinal);
        }
    }
}
