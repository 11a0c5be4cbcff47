using System.Text.Json;
using Notebooks.Tests;
using static Notebooks.Runner.Tests.RunnerCli;

namespace Notebooks.Runner.Tests;

public sealed class ParametersAndVerifyTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("nbml-params-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Fact]
    public async Task Parameters_reach_the_cell_with_the_types_of_the_parameters_cell()
    {
        var executed = Path.Combine(_folder, "p.ipynb");
        var (exitCode, output, error) = await RunAsync("run", Fixture("parameters.ipynb"), "-p", "name=there", "-p", "count=5", "-p", "ratio=0.25", "-p", "loud=true", "-o", executed);

        Assert.True(exitCode == 0, output + error);
        var text = File.ReadAllText(executed);
        Assert.Contains("hello there x5 r0.25 !", text, StringComparison.Ordinal);
        // The injected cell is not in the user's notebook: the cell after it keeps its number (3, after a markdown cell and the parameters).
        Assert.Contains("  cell  3 of 3  ok", output, StringComparison.Ordinal);
        Assert.Contains("  injected parameters  ok", output, StringComparison.Ordinal);
        var cells = JsonDocument.Parse(text).RootElement.GetProperty("cells").EnumerateArray().ToArray();
        var injected = cells.Single(c => c.GetProperty("metadata").TryGetProperty("tags", out var tags) && tags.GetRawText().Contains("injected-parameters", StringComparison.Ordinal));
        var source = string.Concat(injected.GetProperty("source").EnumerateArray().Select(l => l.GetString()));
        Assert.Contains("name = \"there\";", source, StringComparison.Ordinal);
        Assert.Contains("count = 5;", source, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Without_parameters_the_defaults_run()
    {
        var executed = Path.Combine(_folder, "d.ipynb");
        var (exitCode, _, _) = await RunAsync("run", Fixture("parameters.ipynb"), "-o", executed);
        Assert.Equal(0, exitCode);
        Assert.Contains("hello world x2 r0.5 .", File.ReadAllText(executed), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_dib_parameters_cell_starts_with_a_parameters_comment()
    {
        var executed = Path.Combine(_folder, "dib.ipynb");
        var (exitCode, output, error) = await RunAsync("run", Fixture("parameters.dib"), "-p", "greeting=hey", "-o", executed);
        Assert.True(exitCode == 0, output + error);
        Assert.Contains("hey!", File.ReadAllText(executed), StringComparison.Ordinal);
        Assert.Contains("parameters greeting=hey)", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Parameters_left_at_their_defaults_are_listed_as_defaults()
    {
        var report = Path.Combine(_folder, "defaults.html");
        var (exitCode, output, error) = await RunAsync("run", Fixture("parameters.dib"), "--report", report);
        Assert.True(exitCode == 0, output + error);
        Assert.Contains("parameters greeting=\"hi\" (default))", output, StringComparison.Ordinal);
        Assert.Contains("<tr><th>parameter greeting</th><td>&quot;hi&quot; (default)</td></tr>", File.ReadAllText(report), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("nmae=x", "Unknown parameter 'nmae'. The parameters cell (cell 2) defines: name, count, ratio, loud.")]
    [InlineData("count=many", "-p count=many: 'many' is not a whole number (the parameters cell has int count = 2).")]
    [InlineData("loud=yes", "'yes' is not true or false")]
    [InlineData("novalue", "-p expects NAME=VALUE, got 'novalue'")]
    public async Task Bad_parameters_fail_with_exit_1_and_say_what_is_known(string parameter, string expected)
    {
        var (exitCode, _, error) = await RunAsync("run", Fixture("parameters.ipynb"), "-p", parameter);
        Assert.Equal(1, exitCode);
        Assert.Contains(expected, error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Verify_names_the_cell_whose_output_changes_between_runs()
    {
        var (exitCode, output, _) = await RunAsync("run", Fixture("random.ipynb"), "--verify");

        Assert.Equal(2, exitCode);
        Assert.Contains("Not reproducible: 1 cell differ", output, StringComparison.Ordinal);
        // Numbered as in the editor: the markdown cell on top is cell 1.
        Assert.Contains("  cell 3 (`Console.WriteLine(new Random().Next());`):\n      - ", output.ReplaceLineEndings("\n"), StringComparison.Ordinal);
        Assert.DoesNotContain("cell 2 (", output.Split("Not reproducible")[1], StringComparison.Ordinal);
    }

    public static TheoryData<string> Samples() => new(Directory.GetFiles(Repo.Path_("notebooks"), "*.*")
        .Where(f => f.EndsWith(".ipynb", StringComparison.Ordinal) || f.EndsWith(".dib", StringComparison.Ordinal))
        .Select(Path.GetFileName)!);

    [Theory]
    [MemberData(nameof(Samples))]
    public async Task Every_sample_notebook_passes_verify(string sample)
    {
        var (exitCode, output, error) = await RunAsync("run", Repo.Path_("notebooks", sample), "--verify");
        Assert.True(exitCode == 0, output + error);
        Assert.Contains("Verified: both runs gave the same outputs", output, StringComparison.Ordinal);
    }

    [Fact]
    public void Normalizing_blanks_ids_timings_clock_times_and_temp_paths_but_not_numbers()
    {
        var text = "<div id=\"2df81249-e6f9-48e7-a62d-5c08c31a5e3d\"> renderPlotly_2df81249e6f948e7 took 373 ms, 3.3 s at 2026-11-29 05:03:11 UTC in /tmp/nbml-x/file.csv accuracy 0.9667 of 150 rows";
        Assert.Equal("<div id=\"<id>\"> renderPlotly_<id> took <duration>, <duration> at <time> in <temp> accuracy 0.9667 of 150 rows", Normalizer.Normalize(text));
    }
}
