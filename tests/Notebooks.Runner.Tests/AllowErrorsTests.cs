using System.Text.Json;
using System.Text.RegularExpressions;
using static Notebooks.Runner.Tests.RunnerCli;

namespace Notebooks.Runner.Tests;

/// <summary>
/// <c>--allow-errors</c> (nbconvert's name) runs every cell of a notebook that shows errors on purpose, records each
/// error as an error output and in the report, and still exits 2. Cells are named everywhere by their number in the
/// editor (markdown cells count) and their first line. The fixture <c>errors.ipynb</c>: markdown, a cell that prints,
/// markdown, <c>#!load</c> of a missing file (cell 4), markdown, a throw (cell 6), a cell that prints (cell 7).
/// </summary>
public sealed partial class AllowErrorsTests : IDisposable
{
    private const string LoadCell = "cell 4 (`#!load data/no-such-file.csv`)";
    private const string ThrowCell = "cell 6 (`throw new InvalidOperationException(\"boom on purpose\");`)";

    private readonly string _folder = Directory.CreateTempSubdirectory("nbml-allow-errors-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private static JsonElement[] Cells(string path) =>
        JsonDocument.Parse(File.ReadAllText(path)).RootElement.GetProperty("cells").EnumerateArray().ToArray();

    private static JsonElement[] Errors(JsonElement cell) =>
        cell.GetProperty("outputs").EnumerateArray().Where(o => o.GetProperty("output_type").GetString() == "error").ToArray();

    [Fact]
    public async Task Allow_errors_runs_every_cell_records_each_error_and_exits_2()
    {
        var executed = Path.Combine(_folder, "errors.executed.ipynb");
        var report = Path.Combine(_folder, "errors.html");

        var (exitCode, output, error) = await RunAsync("run", Fixture("errors.ipynb"), "--allow-errors", "--output", executed, "--report", report);

        Assert.True(exitCode == 2, output + error);
        // Progress and summary name the cells as the editor numbers them (7 cells, 4 of them code).
        Assert.Contains("  cell  2 of 7  ok", output, StringComparison.Ordinal);
        Assert.Contains("  cell  4 of 7  FAILED", output, StringComparison.Ordinal);
        Assert.Contains("  cell  6 of 7  FAILED", output, StringComparison.Ordinal);
        Assert.Contains("  cell  7 of 7  ok", output, StringComparison.Ordinal);
        Assert.Contains($"2 cells failed: {LoadCell}, {ThrowCell}. 2 of 4 code cells succeeded", output, StringComparison.Ordinal);

        // The executed notebook: every cell ran, and each failure is one error output of its cell, as nbconvert writes it.
        var cells = Cells(executed);
        Assert.Equal(7, cells.Length);
        Assert.Contains("still running", cells[6].GetProperty("outputs").GetRawText(), StringComparison.Ordinal);
        var load = Assert.Single(Errors(cells[3]));
        Assert.Contains("Could not find the file 'data/no-such-file.csv'", load.GetProperty("evalue").GetString(), StringComparison.Ordinal);
        Assert.Equal(JsonValueKind.Array, load.GetProperty("traceback").ValueKind);
        Assert.Contains("boom on purpose", Assert.Single(Errors(cells[5])).GetProperty("evalue").GetString(), StringComparison.Ordinal);
        Assert.Empty(Errors(cells[1]));
        Assert.Empty(Errors(cells[6]));
        Assert.False(cells[5].GetProperty("metadata").GetProperty("notebooks_ml").GetProperty("succeeded").GetBoolean());

        // The report: the header links the failed cells, each shows its error, and the footer lists the outcomes.
        var html = File.ReadAllText(report);
        Assert.Contains("<span class=\"bad\">2 cells failed</span> (<a href=\"#cell-4\">cell 4</a>, <a href=\"#cell-6\">cell 6</a>)", html, StringComparison.Ordinal);
        Assert.Matches(new Regex("<section class=\"cell code failed\" id=\"cell-4\"><div class=\"cell-head\"><span class=\"index\">\\[4\\]</span><span class=\"status failed\">failed</span>.*?<pre class=\"output error\" role=\"alert\"><span class=\"error-label\">Error</span> Could not find the file &#39;data/no-such-file.csv&#39;", RegexOptions.Singleline), html);
        Assert.Matches(new Regex("id=\"cell-6\">.*?<span class=\"error-label\">Error</span> [^<]*boom on purpose", RegexOptions.Singleline), html);
        Assert.Contains("<section class=\"cell code\" id=\"cell-7\">", html, StringComparison.Ordinal);
        Assert.Equal(["2:ok", "4:failed", "6:failed", "7:ok"], FooterCells(html));
    }

    [Fact]
    public async Task Without_allow_errors_the_run_stops_and_the_report_says_which_cells_did_not_run()
    {
        var executed = Path.Combine(_folder, "stopped.ipynb");
        var report = Path.Combine(_folder, "stopped.html");

        var (exitCode, output, error) = await RunAsync("run", Fixture("errors.ipynb"), "--output", executed, "--report", report);

        Assert.True(exitCode == 2, output + error);
        Assert.Contains($"{char.ToUpperInvariant(LoadCell[0])}{LoadCell[1..]} failed; the 2 code cells after it were not run (--allow-errors runs every cell). 1 of 4 code cells succeeded", output, StringComparison.Ordinal);
        Assert.DoesNotContain("cell  6 of 7", output, StringComparison.Ordinal);
        var cells = Cells(executed);
        Assert.Equal("[]", cells[6].GetProperty("outputs").GetRawText().Replace(" ", "", StringComparison.Ordinal));

        var html = File.ReadAllText(report);
        Assert.Contains("<span class=\"bad\">1 cell failed</span> (<a href=\"#cell-4\">cell 4</a>) · 2 not run", html, StringComparison.Ordinal);
        Assert.Contains("<section class=\"cell code not-run\" id=\"cell-6\"><div class=\"cell-head\"><span class=\"index\">[6]</span><span class=\"status not-run\">not run</span>", html, StringComparison.Ordinal);
        Assert.Equal(["2:ok", "4:failed", "6:not run", "7:not run"], FooterCells(html));
    }

    [Fact]
    public async Task Verify_with_allow_errors_compares_the_errors_too_and_still_exits_2()
    {
        var (exitCode, output, error) = await RunAsync("run", Fixture("errors.ipynb"), "--allow-errors", "--verify");

        Assert.True(exitCode == 2, output + error);
        Assert.Contains("Verified: both runs gave the same outputs in all 4 cells, errors included.", output, StringComparison.Ordinal);
    }

    /// <summary>The footer's cell table as <c>number:outcome</c>.</summary>
    private static string[] FooterCells(string html) =>
        FooterRow().Matches(html[html.IndexOf("<h3>Cells</h3>", StringComparison.Ordinal)..])
            .Select(m => $"{m.Groups[1].Value}:{Regex.Replace(m.Groups[2].Value, "<[^>]+>", "")}").ToArray();

    [GeneratedRegex("<tr><td class=\"short\"><a href=\"#cell-[^\"]+\">([^<]+)</a></td><td><code>[^<]*</code></td><td class=\"num\">[^<]*</td><td class=\"short\">(.*?)</td></tr>")]
    private static partial Regex FooterRow();
}
