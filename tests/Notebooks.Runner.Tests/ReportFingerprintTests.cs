using System.Net;
using Notebooks.ML.Data;
using Notebooks.ML.Tracking;
using Notebooks.Tests;
using static Notebooks.Runner.Tests.RunnerCli;

namespace Notebooks.Runner.Tests;

/// <summary>A report's provenance footer names the data a notebook loaded and trained on, not only its file.</summary>
public sealed class ReportFingerprintTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("nbml-report-fingerprint-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Fact]
    public async Task The_footer_shows_the_data_fingerprint_of_a_sample_beside_its_files()
    {
        var report = Path.Combine(_folder, "sampled.html");
        var store = Path.Combine(_folder, "runs.db");
        var previous = Environment.GetEnvironmentVariable(RunStore.LocationVariable);
        Environment.SetEnvironmentVariable(RunStore.LocationVariable, store);
        try
        {
            var (exitCode, output, error) = await RunAsync("run", Fixture("sampled.ipynb"), "--report", report);
            Assert.True(exitCode == 0, output + error);
        }
        finally
        {
            Environment.SetEnvironmentVariable(RunStore.LocationVariable, previous);
        }

        var sample = DataLoader.Load(Repo.Data("iris.csv"), new LoadOptions { Sample = 60, Seed = 5 });
        var file = Fingerprint.OfFile(Repo.Data("iris.csv"));
        Assert.NotEqual(file, sample.Fingerprint);
        var html = File.ReadAllText(report);
        var footer = html[html.IndexOf("<h3>Data and models</h3>", StringComparison.Ordinal)..];
        // The data row (with its seed) and the model trained on it carry the sample's fingerprint; the file's is the source.
        Assert.Contains($"<tr><td class=\"short\">data</td><td class=\"short\"><code>iris</code></td><td><code>{sample.Fingerprint}</code></td><td><code>{file}</code></td><td class=\"short\">5</td>", footer, StringComparison.Ordinal);
        Assert.Contains($"<tr><td class=\"short\">model</td><td class=\"short\"><code>model</code></td><td><code>{sample.Fingerprint}</code></td><td><code>{file}</code></td>", footer, StringComparison.Ordinal);
        Assert.Contains(WebUtility.HtmlEncode("--sample 60 --seed 5"), html, StringComparison.Ordinal);

        using var runs = RunStore.Open(store);
        var run = runs.Show("last");
        Assert.Equal(sample.Fingerprint, run.DataFingerprint);
        Assert.Equal(file, run.DataSourceFingerprint);
    }
}
