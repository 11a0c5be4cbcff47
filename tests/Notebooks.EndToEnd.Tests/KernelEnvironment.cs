using Notebooks.Tests;

namespace Notebooks.EndToEnd.Tests;

/// <summary>
/// Packs Notebooks.ML, Notebooks.ML.Serving, Notebooks.ML.Interactive and the `notebooks` tool (Notebooks.ML.Runner)
/// into a folder of their own and prepares an empty NuGet cache, so that the real kernel loads today's code (the
/// NuGet cache would otherwise keep the first 0.1.0 it ever saw). Shared by every test in the collection; built once.
/// </summary>
public sealed class KernelEnvironment : IAsyncLifetime
{
    private readonly string _root = Directory.CreateTempSubdirectory("nbml-e2e-").FullName;

    public string Packages => Path.Combine(_root, "packages");

    public string NugetCache => Path.Combine(_root, "nuget-cache");

    /// <summary>What every kernel process gets: the fresh cache, and the packed folder as an extra restore source.</summary>
    public IReadOnlyDictionary<string, string> Variables => new Dictionary<string, string>
    {
        ["NUGET_PACKAGES"] = NugetCache,
        // MSBuild reads environment variables as properties: the kernel's own restore then sees our packages.
        ["RestoreAdditionalProjectSources"] = Packages,
        ["DOTNET_INTERACTIVE_CLI_TELEMETRY_OPTOUT"] = "1",
        ["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1",
    };

    public string? PackError { get; private set; }

    public async Task InitializeAsync()
    {
        Directory.CreateDirectory(NugetCache);
        foreach (var project in new[] { Path.Combine("src", "Notebooks.ML"), Path.Combine("src", "Notebooks.ML.Serving"), Path.Combine("src", "Notebooks.ML.Cluster"), Path.Combine("kernel-extension", "Notebooks.ML.Interactive"), Path.Combine("src", "Notebooks.Runner") })
        {
            var pack = await Processes.RunAsync("dotnet", ["pack", Path.Combine(Repo.Root, project), "-c", "Release", "-o", Packages],
                Repo.Root, timeout: TimeSpan.FromMinutes(8));
            if (pack.ExitCode != 0)
            {
                PackError = pack.All;
                return;
            }
        }

        // The dotnet-interactive tool resolves from the NuGet cache too: restore it into ours.
        var restore = await Processes.RunAsync("dotnet", ["tool", "restore"], Repo.Root, Variables, TimeSpan.FromMinutes(8));
        if (restore.ExitCode != 0)
        {
            PackError = restore.All;
        }
    }

    public Task DisposeAsync()
    {
        try
        {
            Directory.Delete(_root, recursive: true);
        }
        catch (IOException)
        {
            // A kernel process may still hold a file for a moment; the temp folder is cleaned by the OS later.
        }

        return Task.CompletedTask;
    }
}

[CollectionDefinition("real kernel")]
public sealed class RealKernelCollection : ICollectionFixture<KernelEnvironment>;
