using System.Text.Json;
using Notebooks.Tests;
using Xunit.Abstractions;

namespace Notebooks.EndToEnd.Tests;

/// <summary>The sample notebook, unchanged, executed by Jupyter with the real .NET kernel (dotnet-interactive 1.0.712001).</summary>
[Collection("real kernel")]
public sealed class JupyterTests(KernelEnvironment environment, ITestOutputHelper log)
{
    [SkippableFact]
    public async Task The_sample_notebook_runs_under_jupyter_nbconvert_with_charts_and_metrics()
    {
        Requirements.Require(Processes.Find("jupyter") is not null, "Jupyter", "apt-get install jupyter-nbconvert python3-nbclient python3-ipykernel");
        Assert.True(environment.PackError is null, environment.PackError);
        await EnsureKernelSpecAsync();
        var executed = Path.Combine(Path.GetTempPath(), $"penguins-jupyter-{Guid.NewGuid():N}.ipynb");

        var result = await Processes.RunAsync("jupyter",
            ["nbconvert", "--to", "notebook", "--execute", Path.Combine(Repo.Root, "notebooks", "penguins.ipynb"),
             "--output", executed, "--ExecutePreprocessor.timeout=900", "--ExecutePreprocessor.kernel_name=.net-csharp"],
            Path.Combine(Repo.Root, "notebooks"), environment.Variables, TimeSpan.FromMinutes(15));
        log.WriteLine($"jupyter nbconvert --execute took {result.Elapsed.TotalSeconds:F1} s");

        Assert.True(result.ExitCode == 0, result.All);
        var outputs = JsonDocument.Parse(File.ReadAllText(executed)).RootElement.GetProperty("cells").EnumerateArray()
            .Where(c => c.GetProperty("cell_type").GetString() == "code")
            .SelectMany(c => c.GetProperty("outputs").EnumerateArray())
            .ToArray();
        File.Delete(executed);
        Assert.DoesNotContain(outputs, o => o.GetProperty("output_type").GetString() == "error");
        var all = string.Join("\n", outputs.Select(o => o.GetRawText()));
        Assert.Contains("is loaded. Magic commands", all, StringComparison.Ordinal);
        Assert.Contains("MicroAccuracy", all, StringComparison.Ordinal);
        Assert.Contains("Plotly.newPlot", all, StringComparison.Ordinal);
        Assert.Contains("Accuracy on held-out penguins", all, StringComparison.Ordinal);
        Assert.DoesNotContain("FSharp.Core, Version=10.1", all, StringComparison.Ordinal);

        // #!profile: the statistics card, then one output with a small chart per column, drawn by the real kernel's formatter.
        var grid = outputs.Select(Html).Single(h => h.StartsWith("<div class=\"nbml-charts\"", StringComparison.Ordinal));
        Assert.Equal(8, grid.Split("Plotly.newPlot").Length - 1);
        Assert.Contains(outputs.Select(Html), h => h.Contains("Profile of <code>penguins</code>", StringComparison.Ordinal));
    }

    private static string Html(JsonElement output) =>
        output.TryGetProperty("data", out var data) && data.TryGetProperty("text/html", out var html)
            ? html.ValueKind == JsonValueKind.Array ? string.Concat(html.EnumerateArray().Select(l => l.GetString())) : html.GetString() ?? ""
            : "";

    /// <summary>Registers the .NET kernels with Jupyter the documented way, once per machine.</summary>
    private async Task EnsureKernelSpecAsync()
    {
        var list = await Processes.RunAsync("jupyter", ["kernelspec", "list"], Repo.Root);
        if (list.Output.Contains(".net-csharp", StringComparison.Ordinal))
        {
            return;
        }

        var install = await Processes.RunAsync("dotnet", ["interactive", "jupyter", "install"], Repo.Root, environment.Variables);
        log.WriteLine(install.All);
        Assert.True(install.ExitCode == 0, install.All);
    }
}
