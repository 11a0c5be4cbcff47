using Microsoft.Data.Analysis;
using Notebooks.ML.Drift;
using Notebooks.ML.Training;
using Notebooks.Tests;

namespace Notebooks.ML.Interactive.Tests;

[Collection("kernel")]
public sealed class DriftMagicTests : IDisposable
{
    private readonly KernelHarness _kernel = new();
    private readonly string _folder = Directory.CreateTempSubdirectory("nbml-drift-magic-").FullName;

    private string Store => Path.Combine(_folder, "runs.db");

    public void Dispose()
    {
        _kernel.Dispose();
        Directory.Delete(_folder, recursive: true);
    }

    private async Task PenguinsAsync()
    {
        (await _kernel.SubmitAsync($"#!runs store {Store}")).ShouldSucceed();
        (await _kernel.SubmitAsync("#!load data/penguins.csv")).ShouldSucceed();
        (await _kernel.SubmitAsync("""
            var heavy = penguins.Clone();
            heavy["body_mass_g"] = penguins["body_mass_g"].Add(500);
            var number = 3;
            """)).ShouldSucceed();
    }

    [Fact]
    public async Task Drift_between_two_dataframes_puts_the_verdict_first_then_the_table_and_charts()
    {
        await PenguinsAsync();
        var html = (await _kernel.SubmitAsync("#!drift penguins heavy --as report")).ShouldSucceed().Html;
        var report = _kernel.Variable<DriftReport>("report")!;
        Assert.False(report.DatasetDrift);
        Assert.Equal(1, report.DriftedColumns);
        Assert.Equal(8, report.Columns.Count);
        Assert.Equal("body_mass_g", report.Columns[0].Name);
        Assert.Equal("ks", report.Columns[0].Method);
        Assert.True(report.Columns[0].Drifted);

        var verdict = html.IndexOf("Dataset drift: no", StringComparison.Ordinal);
        Assert.True(verdict >= 0, html);
        Assert.Contains("1 of 8 columns drifted", html, StringComparison.Ordinal);
        Assert.True(html.IndexOf("<table>", StringComparison.Ordinal) > verdict);
        Assert.Contains("DataDriftPreset rule: with a reference of at most 1,000 values", html, StringComparison.Ordinal);
        Assert.Contains("Drift by column: 1 of 8 drifted", html, StringComparison.Ordinal);
        Assert.Contains("body_mass_g: drifted", html, StringComparison.Ordinal);

        // The report is a C# value too, and shows the same card when a cell returns it.
        var shown = (await _kernel.SubmitAsync("report")).ShouldSucceed().Html;
        Assert.Contains("1 of 8 columns drifted", shown, StringComparison.Ordinal);
        (await _kernel.SubmitAsync("report[\"body_mass_g\"].PValue < 1e-10 ? \"yes\" : \"no\"")).ShouldSucceed();
    }

    [Fact]
    public async Task A_model_against_its_served_traffic_shows_input_and_prediction_drift()
    {
        await PenguinsAsync();
        (await _kernel.SubmitAsync("#!train --data penguins --label species --as model --no-explain")).ShouldSucceed();
        var model = _kernel.Variable<TrainedModel>("model")!;
        var penguins = _kernel.Variable<DataFrame>("penguins")!;
        var gentoo = penguins.Filter(penguins["species"].ElementwiseEquals("Gentoo"));
        await Traffic.LogAsync(Store, "penguins", model, gentoo, DateTimeOffset.UtcNow.AddMinutes(-30), TimeSpan.FromSeconds(10));

        var html = (await _kernel.SubmitAsync("#!drift model served:penguins --as served")).ShouldSucceed().Html;
        var report = _kernel.Variable<DriftReport>("served")!;
        Assert.True(report.DatasetDrift, report.ToString());
        Assert.Equal(gentoo.Rows.Count, report.CurrentRows);
        Assert.Equal("served:penguins", report.CurrentName);
        Assert.Contains(report.Predictions, p => p.Name == "PredictedLabel" && p.Drifted);
        Assert.DoesNotContain("species", report.Columns.Select(c => c.Name));
        Assert.Contains("Dataset drift: yes", html, StringComparison.Ordinal);
        Assert.Contains("Predictions:", html, StringComparison.Ordinal);

        // A DataFrame against served traffic compares the columns the model took.
        (await _kernel.SubmitAsync("#!drift penguins served:penguins --as frame")).ShouldSucceed();
        Assert.Equal(model.Inputs.Select(i => i.Name).Order(), _kernel.Variable<DriftReport>("frame")!.Columns.Select(c => c.Name).Order());

        // The run that trained the model is a reference too, and --last keeps the newest requests.
        (await _kernel.SubmitAsync("#!drift last served:penguins --last 3 --as recent")).ShouldSucceed();
        Assert.Equal(10 + 10 + (gentoo.Rows.Count % 10), _kernel.Variable<DriftReport>("recent")!.CurrentRows);

        // A model against labelled data: its metrics now beside those at training.
        (await _kernel.SubmitAsync("#!drift model heavy --as labelled")).ShouldSucceed();
        var labelled = _kernel.Variable<DriftReport>("labelled")!;
        Assert.NotNull(labelled.CurrentMetrics);
        Assert.True(labelled["body_mass_g"].Drifted);
    }

    [Fact]
    public async Task Drift_reads_everything_a_server_in_this_kernel_has_just_answered()
    {
        await PenguinsAsync();
        (await _kernel.SubmitAsync("#!train --data penguins --label species --as model --no-explain")).ShouldSucceed();
        var card = (await _kernel.SubmitAsync("#!serve model --name live")).ShouldSucceed().Html;
        var url = System.Text.RegularExpressions.Regex.Match(card, "data-nbml-volatile>(http://[^<]+)</code>").Groups[1].Value;
        using var http = new HttpClient();
        var inputs = _kernel.Variable<TrainedModel>("model")!.Inputs.Select(i => i.Name).ToArray();
        var penguins = _kernel.Variable<DataFrame>("penguins")!;
        for (var request = 0; request < 3; request++)
        {
            var rows = Enumerable.Range(request * 10, 10).Select(r => inputs.Select(c => penguins[c][r]).ToArray()).ToArray();
            var body = System.Text.Json.JsonSerializer.Serialize(new { dataframe_split = new { columns = inputs, data = rows } });
            using var response = await http.PostAsync(new Uri(url + "/invocations"), new StringContent(body, System.Text.Encoding.UTF8, "application/json"));
            Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync());
        }

        // No waiting: #!drift has the server commit its log before reading it.
        (await _kernel.SubmitAsync("#!drift model served:live --as live")).ShouldSucceed();
        Assert.Equal(30, _kernel.Variable<DriftReport>("live")!.CurrentRows);
        (await _kernel.SubmitAsync("#!serve stop live")).ShouldSucceed();
    }

    [Theory]
    [InlineData("#!drift nothing heavy", "There is no variable named 'nothing' in the C# kernel.")]
    [InlineData("#!drift number heavy", "The variable 'number' holds an Int32, but REFERENCE is a DataFrame, a model")]
    [InlineData("#!drift penguins nowhere", "There is no DataFrame variable named 'nowhere' in the C# kernel.")]
    [InlineData("#!drift penguins", "#!drift needs a REFERENCE and a CURRENT, but got only 'penguins'")]
    [InlineData("#!drift penguins heavy extra", "#!drift takes one REFERENCE and one CURRENT, but got 'penguins', 'heavy', 'extra'")]
    [InlineData("#!drift penguins heavy --columns islnd", "Could not find the column 'islnd' in the reference 'penguins'. Did you mean 'island'?")]
    [InlineData("#!drift penguins heavy --method kss", "The option --method got 'kss', but expected auto")]
    [InlineData("#!drift penguins heavy --threshold lots", "The option --threshold got 'lots', but expected a number")]
    [InlineData("#!drift penguins heavy --method ks --threshold 2", "expected a p-value level between 0 and 1 for the ks test")]
    [InlineData("#!drift penguins heavy --drift-share 0", "The option --drift-share got '0'")]
    [InlineData("#!drift penguins heavy --since 1h", "--since and --last choose served traffic; CURRENT 'heavy' is not served:NAME.")]
    [InlineData("#!drift penguins served:nobody", "No model has been served with a prediction log in")]
    [InlineData("#!drift penguins heavy --window 1h", "Unrecognized parameter name '--window'")]
    [InlineData("#!drift 99 heavy", "There is no run #99 in")]
    [InlineData("#!drift penguins typed", "The column 'year' holds int values in the reference 'penguins' but string values in the current data 'typed'")]
    public async Task Bad_input_gets_one_message_and_leaves_the_session_as_it_was(string magic, string expected)
    {
        await PenguinsAsync();
        (await _kernel.SubmitAsync("""
            var typed = penguins.Clone();
            typed.Columns.Remove("year");
            typed.Columns.Add(new Microsoft.Data.Analysis.StringDataFrameColumn("year", Enumerable.Repeat("2007", (int)penguins.Rows.Count)));
            """)).ShouldSucceed();
        (await _kernel.SubmitAsync("#!drift penguins penguins --as report")).ShouldSucceed();
        var before = _kernel.Variable<DriftReport>("report");

        var message = (await _kernel.SubmitAsync(magic + " --as report")).ShouldFail();
        Assert.Contains(expected, message, StringComparison.Ordinal);
        Assert.Same(before, _kernel.Variable<DriftReport>("report"));
        (await _kernel.SubmitAsync("#!drift penguins heavy")).ShouldSucceed();
    }

    [Fact]
    public async Task Help_describes_every_option()
    {
        var html = (await _kernel.SubmitAsync("#!drift -h")).ShouldSucceed().Html;
        foreach (var option in new[] { "--columns", "--method", "--threshold", "--drift-share", "--as", "--since", "--last", "--store" })
        {
            Assert.Contains($"<code>{option}</code>", html, StringComparison.Ordinal);
        }

        Assert.Contains("#!drift model served:penguins --since 1h", html, StringComparison.Ordinal);
    }
}
