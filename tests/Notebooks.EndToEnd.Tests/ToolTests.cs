using System.Diagnostics;
using System.Text.RegularExpressions;
using Notebooks.Tests;
using Xunit.Abstractions;

namespace Notebooks.EndToEnd.Tests;

/// <summary>The `notebooks` command as a .NET tool, installed from the freshly packed package as a user would.</summary>
[Collection("real kernel")]
public sealed partial class ToolTests(KernelEnvironment environment, ITestOutputHelper log) : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("nbml-e2e-tool-").FullName;

    public void Dispose()
    {
        try
        {
            Directory.Delete(_folder, recursive: true);
        }
        catch (IOException)
        {
            // A process may still hold a file for a moment.
        }
    }

    [Fact]
    public async Task The_tool_installs_from_the_packed_package_runs_a_notebook_and_serves_a_saved_model()
    {
        Assert.True(environment.PackError is null, environment.PackError);
        var package = Directory.GetFiles(environment.Packages, "Notebooks.ML.Runner.*.nupkg").Single();
        log.WriteLine($"tool package: {new FileInfo(package).Length / 1e6:F1} MB");
        var tools = Path.Combine(_folder, "tools");
        var install = await Processes.RunAsync("dotnet", ["tool", "install", "--tool-path", tools, "--add-source", environment.Packages, "Notebooks.ML.Runner", "--version", "0.1.0"],
            _folder, environment.Variables, TimeSpan.FromMinutes(8));
        Assert.True(install.ExitCode == 0, install.All);
        var notebooks = Path.Combine(tools, "notebooks");
        Assert.True(File.Exists(notebooks), install.All);

        var help = await Processes.RunAsync(notebooks, ["--help"], _folder);
        Assert.Equal(0, help.ExitCode);
        Assert.Contains("serve", help.Output, StringComparison.Ordinal);
        Assert.Contains("run", help.Output, StringComparison.Ordinal);

        // It runs a notebook in its in-process kernel (Roslyn compiles the cells from the tool's own folder).
        var notebook = Path.Combine(_folder, "train.ipynb");
        File.Copy(Repo.Path_("tests", "Notebooks.Runner.Tests", "Fixtures", "succeed.ipynb"), notebook);
        var run = await Processes.RunAsync(notebooks, ["run", notebook], _folder,
            new Dictionary<string, string> { ["NOTEBOOKS_ML_RUNS"] = Path.Combine(_folder, "runs.db") }, TimeSpan.FromMinutes(5));
        Assert.True(run.ExitCode == 0, run.All);

        // And serves a model: a notebook saves one, the tool serves it until Ctrl+C.
        var save = Path.Combine(_folder, "save.dib");
        File.WriteAllText(save, $"#!csharp\n\n#!load {Repo.Data("penguins.csv")}\n\n#!csharp\n\n#!train --data penguins --label species --no-explain --as model\n\n#!csharp\n\nmodel.Save(@\"{Path.Combine(_folder, "penguins.zip")}\");\n");
        var saved = await Processes.RunAsync(notebooks, ["run", save], _folder,
            new Dictionary<string, string> { ["NOTEBOOKS_ML_RUNS"] = Path.Combine(_folder, "runs.db") }, TimeSpan.FromMinutes(5));
        Assert.True(saved.ExitCode == 0, saved.All);

        var info = new ProcessStartInfo(notebooks, ["serve", Path.Combine(_folder, "penguins.zip"), "--store", Path.Combine(_folder, "runs.db")]) { RedirectStandardOutput = true, UseShellExecute = false };
        using var server = Process.Start(info)!;
        try
        {
            string? curl = null;
            while (await server.StandardOutput.ReadLineAsync() is { } line)
            {
                if (line.TrimStart().StartsWith("curl ", StringComparison.Ordinal))
                {
                    curl = line.Trim();
                    break;
                }
            }

            Assert.NotNull(curl);
            var answer = await Processes.RunAsync("bash", ["-c", curl], _folder);
            Assert.Matches(PredictionPattern(), answer.Output);
        }
        finally
        {
            await Processes.RunAsync("kill", ["-INT", server.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)], _folder);
            using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(1));
            await server.WaitForExitAsync(timeout.Token);
        }

        Assert.Equal(0, server.ExitCode);
        Assert.Contains("the prediction log holds 1 requests and 1 rows", await server.StandardOutput.ReadToEndAsync(), StringComparison.Ordinal);
    }

    [GeneratedRegex(@"^\{""PredictedLabel"":""(Adelie|Chinstrap|Gentoo)"",""Probability"":[0-9.E-]+\}$")]
    private static partial Regex PredictionPattern();
}
