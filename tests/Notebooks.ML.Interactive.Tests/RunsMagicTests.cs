using System.Net;
using System.Runtime.CompilerServices;
using System.Text.Json;
using System.Text.RegularExpressions;
using Notebooks.ML.Tracking;
using Notebooks.ML.Training;
using Notebooks.Tests;

namespace Notebooks.ML.Interactive.Tests;

[Collection("kernel")]
public sealed partial class RunsMagicTests : IDisposable
{
    private readonly KernelHarness _kernel = new();
    private readonly string _folder = Directory.CreateTempSubdirectory("nbml-runs-magic-").FullName;

    private string Store => Path.Combine(_folder, "runs.db");

    public void Dispose()
    {
        _kernel.Dispose();
        Directory.Delete(_folder, recursive: true);
    }

    private async Task<Submission> StartAsync()
    {
        var result = (await _kernel.SubmitAsync($"#!runs store {Store}")).ShouldSucceed();
        Assert.Contains("0 runs", result.Html, StringComparison.Ordinal);
        (await _kernel.SubmitAsync("#!load data/iris.csv")).ShouldSucceed();
        return result;
    }

    [Fact]
    public async Task Every_train_is_recorded_and_runs_lists_them_newest_first()
    {
        await StartAsync();
        (await _kernel.SubmitAsync("#!train --data iris --label Species --trainer lbfgs --as a")).ShouldSucceed();
        (await _kernel.SubmitAsync("#!train --data iris --label Species --trainer sdca --seed 5 --as b")).ShouldSucceed();

        var all = (await _kernel.SubmitAsync("#!runs")).ShouldSucceed().Html;
        Assert.Contains("2 runs, newest first", all, StringComparison.Ordinal);
        Assert.Equal(["#2", "#1"], RunNumbers(all));
        Assert.DoesNotContain("data-nbml-stale", all, StringComparison.Ordinal);
        Assert.Equal(["#2", "#1"], RunNumbers((await _kernel.SubmitAsync("#!runs list --data iris --label Species")).ShouldSucceed().Html));
        Assert.Equal(["#2"], RunNumbers((await _kernel.SubmitAsync("#!runs list --trainer sdca")).ShouldSucceed().Html));
        Assert.Equal(["#1"], RunNumbers((await _kernel.SubmitAsync("#!runs list --trainer lbfgs --limit 5")).ShouldSucceed().Html));

        using var store = RunStore.Open(Store);
        var run = store.Show("2");
        Assert.Equal("#!train --data iris --label Species --trainer sdca --seed 5 --as b", run.Cell);
        Assert.Equal("b", run.ModelVariable);
        Assert.Equal(5, run.Seed);
        Assert.Equal(_kernel.Variable<TrainedModel>("b")!.Metrics, run.Metrics);
        Assert.Contains(new RunColumn("Species", "string"), run.DataSchema);
        Assert.True(File.Exists(run.ModelPath));
    }

    [Fact]
    public async Task The_train_card_names_its_run_and_carries_machine_readable_provenance()
    {
        await StartAsync();
        var card = (await _kernel.SubmitAsync("#!train --data iris --label Species --trainer lbfgs --seed 4 --as m")).ShouldSucceed().Html;

        Assert.Contains("#1</b> in <code data-nbml-volatile>" + WebUtility.HtmlEncode(Store) + "</code>", card, StringComparison.Ordinal);
        Assert.Contains("<td>data status</td><td>current</td>", card, StringComparison.Ordinal);
        var provenance = Provenance(card);
        Assert.Equal("model", provenance.GetProperty("kind").GetString());
        Assert.Equal("m", provenance.GetProperty("name").GetString());
        Assert.Equal(_kernel.Variable<TrainedModel>("m")!.Info.DataFingerprint, provenance.GetProperty("fingerprint").GetString());
        Assert.Equal(4, provenance.GetProperty("seed").GetInt32());
        Assert.StartsWith("lbfgs multiclass, label Species, MicroAccuracy=", provenance.GetProperty("detail").GetString(), StringComparison.Ordinal);
        // The run number grows with every run; reports of two runs of one notebook must compare equal.
        Assert.DoesNotContain("#1", provenance.GetProperty("detail").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Runs_show_displays_what_a_run_recorded()
    {
        await StartAsync();
        (await _kernel.SubmitAsync("#!train --data iris --label Species --trainer sdca --set MaximumNumberOfIterations=7")).ShouldSucceed();

        var html = (await _kernel.SubmitAsync("#!runs show last")).ShouldSucceed().Html;
        Assert.Contains("Run <span data-nbml-volatile>#1</span> · sdca · multiclass · predicting <code>Species</code> from <code>iris</code>", html, StringComparison.Ordinal);
        Assert.Contains("<td>MaximumNumberOfIterations</td><td>7</td>", html, StringComparison.Ordinal);
        Assert.Contains("#!train --data iris --label Species --trainer sdca --set MaximumNumberOfIterations=7", html, StringComparison.Ordinal);
        Assert.Contains(".zip", html, StringComparison.Ordinal);
        Assert.Equal("run", Provenance(html).GetProperty("kind").GetString());
        Assert.Equal(html, (await _kernel.SubmitAsync("#!runs show #1")).ShouldSucceed().Html);
    }

    [Fact]
    public async Task Runs_compare_highlights_what_differs_and_identical_runs_differ_only_in_timing()
    {
        await StartAsync();
        (await _kernel.SubmitAsync("#!train --data iris --label Species --trainer lbfgs --seed 3")).ShouldSucceed();
        (await _kernel.SubmitAsync("#!train --data iris --label Species --trainer lbfgs --seed 3")).ShouldSucceed();
        (await _kernel.SubmitAsync("#!train --data iris --label Species --trainer sdca --seed 3")).ShouldSucceed();

        var same = (await _kernel.SubmitAsync("#!runs compare 1 2")).ShouldSucceed().Html;
        Assert.Empty(DifferingLines(same));
        var different = (await _kernel.SubmitAsync("#!runs compare #1 last")).ShouldSucceed().Html;
        Assert.Contains("trainer", DifferingLines(different));
        Assert.DoesNotContain("seed", DifferingLines(different));
        Assert.DoesNotContain("fingerprint", DifferingLines(different));
    }

    [Fact]
    public async Task Runs_show_and_compare_take_model_variables_and_cross_validation_records_every_fold()
    {
        await StartAsync();
        (await _kernel.SubmitAsync("#!train --data iris --label Species --trainer lbfgs --as first")).ShouldSucceed();
        (await _kernel.SubmitAsync("#!train --data iris --label Species --trainer sdca --folds 3 --as second")).ShouldSucceed();

        Assert.Equal((await _kernel.SubmitAsync("#!runs compare 1 2")).ShouldSucceed().Html, (await _kernel.SubmitAsync("#!runs compare first second")).ShouldSucceed().Html);
        var shown = (await _kernel.SubmitAsync("#!runs show second")).ShouldSucceed().Html;
        Assert.Contains("3 folds", shown, StringComparison.Ordinal);

        using var store = RunStore.Open(Store);
        var run = store.Show("2");
        Assert.Equal(3, run.FoldMetrics.Count);
        var model = _kernel.Variable<TrainedModel>("second")!;
        Assert.Equal(model.Metrics["MicroAccuracy"], run.FoldMetrics.Average(f => f["MicroAccuracy"]), 12);
        Assert.Empty(store.Show("1").FoldMetrics);

        (await _kernel.SubmitAsync("var notAModel = 3;")).ShouldSucceed();
        Assert.Contains("'nothing' is not a run. Expected a run number such as 12 or #12 (see #!runs list), 'last', or the name of a model variable.",
            (await _kernel.SubmitAsync("#!runs compare first nothing")).ShouldFail(), StringComparison.Ordinal);
        Assert.Contains("'notAModel' is not a run.", (await _kernel.SubmitAsync("#!runs show notAModel")).ShouldFail(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Runs_plot_draws_a_metric_across_runs()
    {
        await StartAsync();
        (await _kernel.SubmitAsync("#!train --data iris --label Species --trainer lbfgs")).ShouldSucceed();
        (await _kernel.SubmitAsync("#!train --data iris --label Species --trainer sdca")).ShouldSucceed();

        var chart = (await _kernel.SubmitAsync("#!runs plot MicroAccuracy --data iris")).ShouldSucceed().Html;
        Assert.Contains("MicroAccuracy across runs", chart, StringComparison.Ordinal);
        Assert.Contains("2 runs, oldest to newest", chart, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Reloading_data_with_other_content_marks_the_models_and_runs_built_on_it_stale()
    {
        await StartAsync();
        (await _kernel.SubmitAsync("#!train --data iris --label Species --trainer lbfgs --as before")).ShouldSucceed();
        (await _kernel.SubmitAsync("#!load data/iris.csv")).ShouldSucceed();
        Assert.DoesNotContain("Stale.", (await _kernel.SubmitAsync("before")).ShouldSucceed().Html, StringComparison.Ordinal);

        var changed = Path.Combine(_folder, "iris.csv");
        var lines = File.ReadAllLines(Repo.Data("iris.csv"));
        lines[1] = Regex.Replace(lines[1], "^[0-9.]+", "9.9");
        File.WriteAllLines(changed, lines);
        (await _kernel.SubmitAsync($"#!load {changed}")).ShouldSucceed();

        var model = (await _kernel.SubmitAsync("before")).ShouldSucceed().Html;
        Assert.Contains("<b>Stale.</b> &#39;iris&#39; has been reloaded from iris.csv since: it now holds data", model, StringComparison.Ordinal);
        Assert.Contains("(stale)", Provenance(model).GetProperty("detail").GetString(), StringComparison.Ordinal);
        var list = (await _kernel.SubmitAsync("#!runs list")).ShouldSucceed().Html;
        Assert.Contains("data-nbml-stale", list, StringComparison.Ordinal);

        // Retraining on the new data gives a current model; the old run stays stale.
        var retrained = (await _kernel.SubmitAsync("#!train --data iris --label Species --trainer lbfgs --as after")).ShouldSucceed().Html;
        Assert.DoesNotContain("Stale.", retrained, StringComparison.Ordinal);
        list = (await _kernel.SubmitAsync("#!runs list")).ShouldSucceed().Html;
        Assert.Single(StaleRows().Matches(list));
        Assert.Contains("<td>data status</td><td><b style=\"color:#92400e\">stale</b>", (await _kernel.SubmitAsync("before")).ShouldSucceed().Html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_store_that_cannot_be_written_does_not_fail_training_and_the_card_says_so()
    {
        await StartAsync();
        // The models folder (runs/models beside runs.db) cannot be made: a file is in the way.
        await File.WriteAllTextAsync(Path.Combine(_folder, "runs"), "in the way");
        var card = (await _kernel.SubmitAsync("#!train --data iris --label Species --trainer lbfgs --as m")).ShouldSucceed().Html;
        Assert.Contains($"This training run was not recorded: Could not save the model in &#39;{Path.Combine(_folder, "runs", "models")}&#39;: ", card, StringComparison.Ordinal);
        Assert.NotNull(_kernel.Variable<TrainedModel>("m"));
    }

    [Theory]
    [InlineData("#!runs bogus", "#!runs got 'bogus', but expected a subcommand: list, show, compare, plot or store.")]
    [InlineData("#!runs show", "#!runs show needs a run, for example: #!runs show 12")]
    [InlineData("#!runs show 99", "There is no run #99 in")]
    [InlineData("#!runs show abc", "'abc' is not a run. Expected a run number such as 12 or #12")]
    [InlineData("#!runs compare 1", "#!runs compare needs two runs, but got '1', for example: #!runs compare 3 7.")]
    [InlineData("#!runs compare 1 2 3", "#!runs compare needs two runs, but got '1' '2' '3'")]
    [InlineData("#!runs plot MicroAcuracy", "No run recorded the metric 'MicroAcuracy'. Did you mean 'MicroAccuracy'? Recorded metrics: MicroAccuracy, MacroAccuracy, LogLoss")]
    [InlineData("#!runs plot", "#!runs plot needs a metric")]
    [InlineData("#!runs list --foo 1", "#!runs list has no option '--foo'. Options: --data, --label, --trainer, --limit, --store.")]
    [InlineData("#!runs list --limit x", "The option --limit got 'x', but expected a whole number.")]
    [InlineData("#!runs list --limit 0", "The option --limit got '0', but expected a whole number of at least 1.")]
    public async Task Runs_explains_bad_input_and_the_kernel_stays_usable(string magic, string expected)
    {
        await StartAsync();
        (await _kernel.SubmitAsync("#!train --data iris --label Species --trainer lbfgs")).ShouldSucceed();
        Assert.Contains(expected, (await _kernel.SubmitAsync(magic)).ShouldFail(), StringComparison.Ordinal);
        (await _kernel.SubmitAsync("#!runs list")).ShouldSucceed();
    }

    [Fact]
    public async Task Runs_store_refuses_a_store_that_does_not_open_and_keeps_the_old_one()
    {
        await StartAsync();
        var blocker = Path.Combine(_folder, "file");
        await File.WriteAllTextAsync(blocker, "x");
        var message = (await _kernel.SubmitAsync($"#!runs store {blocker}/runs.db")).ShouldFail();
        Assert.StartsWith($"Could not open the run store '{blocker}/runs.db'", message, StringComparison.Ordinal);
        Assert.Contains(WebUtility.HtmlEncode(Store), (await _kernel.SubmitAsync("#!runs store")).ShouldSucceed().Html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_csharp_twins_show_the_same_cards()
    {
        await StartAsync();
        (await _kernel.SubmitAsync("#!train --data iris --label Species --trainer lbfgs")).ShouldSucceed();
        var list = (await _kernel.SubmitAsync($"var runs = Notebooks.ML.Tracking.RunStore.Open(@\"{Store}\");\nruns.List(new Notebooks.ML.Tracking.RunFilter {{ Data = \"iris\" }})")).ShouldSucceed().Html;
        Assert.Equal(["#1"], RunNumbers(list));
        Assert.Contains("Run <span data-nbml-volatile>#1</span>", (await _kernel.SubmitAsync("runs.Show(\"last\")")).ShouldSucceed().Html, StringComparison.Ordinal);
        Assert.Contains("Run <span data-nbml-volatile>#1</span> vs", (await _kernel.SubmitAsync("runs.Compare(\"1\", \"1\")")).ShouldSucceed().Html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Runs_and_its_subcommands_have_help()
    {
        var root = (await _kernel.SubmitAsync("#!runs -h")).ShouldSucceed().Html;
        Assert.Contains("The experiment log", root, StringComparison.Ordinal);
        var list = (await _kernel.SubmitAsync("#!runs list -h")).ShouldSucceed().Html;
        Assert.Contains("--trainer", list, StringComparison.Ordinal);
        Assert.Contains("#!runs list --data iris --label Species", list, StringComparison.Ordinal);
    }

    private static JsonElement Provenance(string html)
    {
        var match = ProvenanceAttribute().Match(html);
        Assert.True(match.Success, "No data-nbml-provenance attribute in: " + html[..Math.Min(400, html.Length)]);
        return JsonDocument.Parse(WebUtility.HtmlDecode(match.Groups[1].Value)).RootElement;
    }

    private static string[] RunNumbers(string html) => RunCell().Matches(html).Select(m => m.Groups[1].Value).ToArray();

    private static string[] DifferingLines(string html) =>
        DifferingLine().Matches(html).Select(m => WebUtility.HtmlDecode(m.Groups[1].Value)).Where(n => n is not ("started" or "finished")).ToArray();

    [GeneratedRegex("<div class=\"nbml\" data-nbml-provenance=\"([^\"]*)\"")]
    private static partial Regex ProvenanceAttribute();

    [GeneratedRegex("<td><b data-nbml-volatile>(#\\d+)</b></td>")]
    private static partial Regex RunCell();

    [GeneratedRegex("<tr[^>]*data-nbml-differs><td class=\"nbml-key\">([^<]*)</td>")]
    private static partial Regex DifferingLine();

    [GeneratedRegex("<tr data-nbml-stale>")]
    private static partial Regex StaleRows();
}

/// <summary>
/// Every #!train in this test process records a run. Unless told otherwise, those runs go to a temporary folder,
/// not into notebooks/ (the harness's current folder), so that tests leave the repository as they found it.
/// </summary>
internal static class TestRunStore
{
#pragma warning disable CA2255 // A test assembly's own setup, not a library's.
    [ModuleInitializer]
#pragma warning restore CA2255
    internal static void Initialize()
    {
        if (string.IsNullOrEmpty(Environment.GetEnvironmentVariable(RunStore.LocationVariable)))
        {
            Environment.SetEnvironmentVariable(RunStore.LocationVariable, Directory.CreateTempSubdirectory("nbml-test-runs-").FullName);
        }
    }
}
