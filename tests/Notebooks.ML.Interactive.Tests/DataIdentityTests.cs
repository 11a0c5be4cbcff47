using System.Globalization;
using System.Net;
using System.Text;
using Notebooks.ML.Data;
using Notebooks.ML.Tracking;
using Notebooks.ML.Training;

namespace Notebooks.ML.Interactive.Tests;

/// <summary>
/// In a notebook, the data fingerprint follows the data that was loaded: the card shows it beside the file's hash, a
/// run on a sample records the sample's, and reloading a name with another sample makes what was trained before stale.
/// </summary>
[Collection("kernel")]
public sealed class DataIdentityTests : IDisposable
{
    private readonly KernelHarness _kernel = new();
    private readonly string _folder = Directory.CreateTempSubdirectory("nbml-identity-magic-").FullName;
    private readonly string _csv;

    public DataIdentityTests()
    {
        // 300 readings of three sensors; the kind is what a model learns to predict.
        var text = new StringBuilder("reading,kind,temperature,pressure\n");
        string[] kinds = ["cold", "mild", "hot"];
        for (var i = 1; i <= 300; i++)
        {
            var kind = i % 3;
            text.Append(CultureInfo.InvariantCulture, $"{i},{kinds[kind]},{(kind * 12) + (i * 7 % 10)},{1000 + (i * 13 % 40)}\n");
        }

        _csv = Path.Combine(_folder, "sensors.csv");
        File.WriteAllText(_csv, text.ToString());
    }

    private string Store => Path.Combine(_folder, "runs.db");

    public void Dispose()
    {
        _kernel.Dispose();
        Directory.Delete(_folder, recursive: true);
    }

    [Fact]
    public async Task The_load_card_shows_the_data_fingerprint_and_the_files_when_options_change_the_data()
    {
        var plain = (await _kernel.SubmitAsync($"#!load {_csv}")).ShouldSucceed().Html;
        var file = Fingerprint.OfFile(_csv);
        Assert.Contains($"fingerprint <code title=\"{file}\">{Fingerprint.Short(file)}</code> (the file's SHA-256)", plain, StringComparison.Ordinal);

        var sampled = (await _kernel.SubmitAsync($"#!load {_csv} --sample 120 --seed 4 --where \"temperature > 5\" --as some")).ShouldSucceed().Html;
        var expected = DataLoader.Load(_csv, new LoadOptions { Sample = 120, Seed = 4, Where = "temperature > 5" });
        Assert.Equal(expected.Fingerprint, Fingerprint.Of(_kernel.Variable<Microsoft.Data.Analysis.DataFrame>("some")!));
        Assert.Contains($"data fingerprint <code title=\"{expected.Fingerprint}\">{Fingerprint.Short(expected.Fingerprint)}</code> (file <code title=\"{file}\">{Fingerprint.Short(file)}</code> with <code>--where &quot;temperature &gt; 5&quot; --sample 120 --seed 4</code>)", sampled, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_run_trained_on_a_sample_records_the_samples_fingerprint()
    {
        (await _kernel.SubmitAsync($"#!runs store {Store}")).ShouldSucceed();
        (await _kernel.SubmitAsync($"#!load {_csv} --as sensors --sample 150 --seed 2")).ShouldSucceed();
        var card = (await _kernel.SubmitAsync("#!train --data sensors --label kind --trainer lbfgs --no-explain --as m")).ShouldSucceed().Html;

        var sample = DataLoader.Load(_csv, new LoadOptions { Sample = 150, Seed = 2 });
        var file = Fingerprint.OfFile(_csv);
        Assert.NotEqual(file, sample.Fingerprint);
        var model = _kernel.Variable<TrainedModel>("m")!;
        Assert.Equal(sample.Fingerprint, model.Info.DataFingerprint);
        Assert.Equal(file, model.Info.DataSourceFingerprint);
        Assert.Contains($"<td>data fingerprint</td><td>{sample.Fingerprint}</td>", card, StringComparison.Ordinal);
        Assert.Contains($"<td>source fingerprint</td><td>{file}</td>", card, StringComparison.Ordinal);

        using var store = RunStore.Open(Store);
        var run = store.Show("last");
        Assert.Equal(sample.Fingerprint, run.DataFingerprint);
        Assert.Equal(file, run.DataSourceFingerprint);
        Assert.Equal(150, run.TrainRows + run.TestRows);
    }

    [Fact]
    public async Task Reloading_a_name_with_another_sample_makes_the_runs_and_models_trained_before_stale()
    {
        (await _kernel.SubmitAsync($"#!runs store {Store}")).ShouldSucceed();
        (await _kernel.SubmitAsync($"#!load {_csv} --as sensors --sample 150 --seed 2")).ShouldSucceed();
        (await _kernel.SubmitAsync("#!train --data sensors --label kind --trainer lbfgs --no-explain --as before")).ShouldSucceed();

        // The same sample again is the same data: nothing is stale.
        (await _kernel.SubmitAsync($"#!load {_csv} --as sensors --sample 150 --seed 2")).ShouldSucceed();
        Assert.DoesNotContain("Stale.", (await _kernel.SubmitAsync("before")).ShouldSucceed().Html, StringComparison.Ordinal);
        Assert.DoesNotContain("data-nbml-stale", (await _kernel.SubmitAsync("#!runs")).ShouldSucceed().Html, StringComparison.Ordinal);

        (await _kernel.SubmitAsync($"#!load {_csv} --as sensors --sample 150 --seed 3")).ShouldSucceed();
        var model = (await _kernel.SubmitAsync("before")).ShouldSucceed().Html;
        Assert.Contains("<b>Stale.</b> &#39;sensors&#39; has been reloaded from sensors.csv with --sample 150 --seed 3 since", model, StringComparison.Ordinal);
        Assert.Contains("<td>data status</td><td><b style=\"color:#92400e\">stale</b>", model, StringComparison.Ordinal);
        var runs = (await _kernel.SubmitAsync("#!runs")).ShouldSucceed().Html;
        Assert.Contains("<tr data-nbml-stale>", runs, StringComparison.Ordinal);
        Assert.Contains(WebUtility.HtmlEncode("with --sample 150 --seed 3"), runs, StringComparison.Ordinal);

        // The whole file (--seed without --sample changes nothing) is other data again; the first sample, loaded once
        // more, makes the model current.
        (await _kernel.SubmitAsync($"#!load {_csv} --as sensors --seed 3")).ShouldSucceed();
        Assert.Contains("Stale.", (await _kernel.SubmitAsync("before")).ShouldSucceed().Html, StringComparison.Ordinal);
        (await _kernel.SubmitAsync($"#!load {_csv} --as sensors --sample 150 --seed 2")).ShouldSucceed();
        Assert.DoesNotContain("Stale.", (await _kernel.SubmitAsync("before")).ShouldSucceed().Html, StringComparison.Ordinal);
    }
}
