using System.Runtime.CompilerServices;

namespace Notebooks.Runner.Tests;

/// <summary>Runs that notebooks record go to a store of this test run's own, not beside the sample notebooks.</summary>
internal static class RunStoreIsolation
{
    [ModuleInitializer]
    internal static void UseTemporaryStore() =>
        Environment.SetEnvironmentVariable(Notebooks.ML.Tracking.RunStore.LocationVariable,
            Path.Combine(Directory.CreateTempSubdirectory("nbml-runner-runs-").FullName, "runs.db"));
}

/// <summary>Runs the command line in-process and captures what it printed.</summary>
internal static class RunnerCli
{
    public static string Fixture(string name) => Path.Combine(AppContext.BaseDirectory, "Fixtures", name);

    public static async Task<(int ExitCode, string Output, string Error)> RunAsync(params string[] args)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        var exitCode = await Cli.RunAsync(args, output, error);
        return (exitCode, output.ToString(), error.ToString());
    }
}
