using System.Text.Json;
using Notebooks.Tests;

[assembly: CollectionBehavior(DisableTestParallelization = true)]

namespace Notebooks.Runner.Tests;

public sealed class RunnerTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("nbml-runner-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private static string Fixture(string name) => Path.Combine(AppContext.BaseDirectory, "Fixtures", name);

    private static async Task<(int ExitCode, string Output, string Error)> RunAsync(params string[] args)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        var exitCode = await Cli.RunAsync(args, output, error);
        return (exitCode, output.ToString(), error.ToString());
    }

    private static JsonElement[] CodeCells(string path) =>
        JsonDocument.Parse(File.ReadAllText(path)).RootElement.GetProperty("cells").EnumerateArray()
            .Where(c => c.GetProperty("cell_type").GetString() == "code").ToArray();

    private static string Outputs(JsonElement cell) => cell.GetProperty("outputs").GetRawText();

    [Fact]
    public async Task The_sample_notebook_exits_0_with_charts_and_metrics_in_the_executed_notebook()
    {
        var executed = Path.Combine(_folder, "penguins.executed.ipynb");

        var (exitCode, output, error) = await RunAsync("run", Repo.Path_("notebooks", "penguins.ipynb"), "--output", executed);

        Assert.True(exitCode == 0, output + error);
        var cells = CodeCells(executed);
        Assert.Contains(cells, c => Outputs(c).Contains("Plotly.newPlot", StringComparison.Ordinal));
        Assert.Contains(cells, c => Outputs(c).Contains("MicroAccuracy", StringComparison.Ordinal));
        Assert.Contains(cells, c => Outputs(c).Contains("Accuracy on held-out penguins", StringComparison.Ordinal));
        Assert.DoesNotContain(cells, c => Outputs(c).Contains("\"output_type\": \"error\"", StringComparison.Ordinal));
        Assert.Contains("All 8 cells succeeded", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_failing_cell_exits_2_records_the_error_and_stops_the_run()
    {
        var executed = Path.Combine(_folder, "fail.executed.ipynb");

        var (exitCode, output, _) = await RunAsync("run", Fixture("fail.ipynb"), "--output", executed);

        Assert.Equal(2, exitCode);
        Assert.Contains("boom from cell 2", output, StringComparison.Ordinal);
        // Cells are named as the editor numbers them: the markdown cell on top is cell 1.
        Assert.Contains("Cell 3 (`throw new InvalidOperationException(\"boom from cell 2\");`) failed; the 1 code cell after it was not run (--allow-errors runs every cell). 1 of 3 code cells succeeded", output, StringComparison.Ordinal);
        var cells = CodeCells(executed);
        Assert.Contains("before", Outputs(cells[0]), StringComparison.Ordinal);
        Assert.Contains("boom from cell 2", Outputs(cells[1]), StringComparison.Ordinal);
        Assert.Equal("[]", Outputs(cells[2]).Replace(" ", "", StringComparison.Ordinal));
        Assert.False(cells[2].GetProperty("metadata").GetProperty("notebooks_ml").GetProperty("ran").GetBoolean());
    }

    [Fact]
    public async Task Outputs_of_every_kind_are_recorded()
    {
        var executed = Path.Combine(_folder, "succeed.executed.ipynb");

        var (exitCode, _, _) = await RunAsync("run", Fixture("succeed.ipynb"), "-o", executed);

        Assert.Equal(0, exitCode);
        var cells = CodeCells(executed);
        Assert.Contains("x is 42", Outputs(cells[1]), StringComparison.Ordinal);
        Assert.Contains("execute_result", Outputs(cells[2]), StringComparison.Ordinal);
        Assert.Contains("42", Outputs(cells[2]), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_dib_notebook_runs_with_the_magics()
    {
        var executed = Path.Combine(_folder, "magics.executed.ipynb");
        var (exitCode, output, error) = await RunAsync("run", Fixture("magics.dib"), "--output", executed);
        Assert.True(exitCode == 0, output + error);
        Assert.Contains("150", Outputs(CodeCells(executed)[1]), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_cell_over_the_timeout_is_stopped_and_exits_2()
    {
        var started = DateTime.UtcNow;
        var (exitCode, output, error) = await RunAsync("run", Fixture("slow.ipynb"), "--timeout", "2");
        Assert.True(exitCode == 2, output + error);
        Assert.Contains("Cell 1 (`await Task.Delay(TimeSpan.FromSeconds(30));`) did not finish within 2 s (--timeout) and was stopped.", output, StringComparison.Ordinal);
        Assert.True(DateTime.UtcNow - started < TimeSpan.FromSeconds(25));
    }

    [Theory]
    [InlineData("run", "missing.ipynb")]
    [InlineData("run")]
    [InlineData("explode")]
    public async Task Usage_and_io_errors_exit_1(params string[] args)
    {
        var (exitCode, _, error) = await RunAsync(args);
        Assert.Equal(1, exitCode);
        Assert.NotEmpty(error);
    }

    [Fact]
    public async Task A_file_that_is_not_a_notebook_exits_1_with_a_message()
    {
        var path = Path.Combine(_folder, "notes.txt");
        await File.WriteAllTextAsync(path, "hello");
        var (exitCode, _, error) = await RunAsync("run", path);
        Assert.Equal(1, exitCode);
        Assert.Contains("expected a .ipynb or .dib file", error, StringComparison.Ordinal);
    }
}
