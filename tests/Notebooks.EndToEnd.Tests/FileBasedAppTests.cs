using System.Globalization;
using System.Text.RegularExpressions;
using Notebooks.Tests;
using Xunit.Abstractions;

namespace Notebooks.EndToEnd.Tests;

/// <summary>
/// The third way in that SPEC.md names: a .NET 10 file-based app that takes the engine package with <c>#:package</c>
/// and makes the same calls the magics make, with no notebook and no kernel.
/// </summary>
[Collection("real kernel")]
public sealed partial class FileBasedAppTests(KernelEnvironment environment, ITestOutputHelper log)
{
    [Fact]
    public async Task A_file_based_app_loads_and_trains_with_the_packed_engine()
    {
        Assert.True(environment.PackError is null, environment.PackError);
        // Outside the repository, so that its Directory.*.props (central package versions) do not apply.
        var folder = Directory.CreateTempSubdirectory("nbml-app-").FullName;
        try
        {
            var app = Path.Combine(folder, "train.cs");
            await File.WriteAllTextAsync(app, """
                #:package Notebooks.ML@0.1.0
                using Notebooks.ML.Data;
                using Notebooks.ML.Training;

                var loaded = DataLoader.Load(args[0]);
                var model = ModelTrainer.Train(loaded.Data, new TrainOptions { Label = "Species", Seed = 1, Explain = false });
                Console.WriteLine($"{loaded.Fingerprint} MicroAccuracy {model.Metrics["MicroAccuracy"]:F4}");
                """);

            var result = await Processes.RunAsync("dotnet", ["run", app, "--", Repo.Data("iris.csv")], folder, environment.Variables, TimeSpan.FromMinutes(10));
            log.WriteLine($"dotnet run train.cs took {result.Elapsed.TotalSeconds:F1} s");

            Assert.True(result.ExitCode == 0, result.All);
            var printed = Printed().Match(result.Output);
            Assert.True(printed.Success, result.All);
            Assert.StartsWith("sha256:", printed.Groups[1].Value, StringComparison.Ordinal);
            Assert.InRange(double.Parse(printed.Groups[2].Value, CultureInfo.InvariantCulture), 0.9, 1.0);
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [GeneratedRegex(@"(sha256:[0-9a-f]{64}) MicroAccuracy (\d\.\d{4})")]
    private static partial Regex Printed();
}
