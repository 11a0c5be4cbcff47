using System.Diagnostics;
using System.Runtime.InteropServices;
using System.Text.Json;
using System.Text.RegularExpressions;
using Notebooks.ML.Training;

namespace Notebooks.ML.Serving;

/// <summary>What <see cref="ProjectExporter.ExportAsync"/> wrote.</summary>
/// <param name="Name">The project's name (its assembly: <c>NAME.dll</c>).</param>
/// <param name="Folder">The folder, in full.</param>
/// <param name="Files">Every file written, relative to the folder, with its size in bytes.</param>
/// <param name="Packages">How many NuGet packages the local feed (<c>packages/</c>) holds.</param>
/// <param name="Bytes">The folder's size in bytes.</param>
public sealed record ExportedProject(string Name, string Folder, IReadOnlyList<(string File, long Bytes)> Files, int Packages, long Bytes);

/// <summary>
/// Writes a standalone ASP.NET Core project that serves a model with the same API as <c>#!serve</c>: a csproj, a
/// short Program.cs, the model zip, appsettings.json, a README with a curl line, and a multi-stage Dockerfile (SDK
/// image to publish, aspnet image to run, a non-root user, a HEALTHCHECK on /health). It builds offline from its
/// folder: the NuGet packages it needs are copied into <c>packages/</c> and its nuget.config names only that folder.
/// The C# twin of <c>#!export MODEL --out DIR</c>.
/// </summary>
public static partial class ProjectExporter
{
    /// <summary>The environment variable naming an extra folder of packages (Notebooks.ML's own, until they are on nuget.org).</summary>
    public const string PackagesVariable = "NOTEBOOKS_ML_PACKAGES";

    private const string Marker = ".notebooks-ml-export";

    // Packages the engine depends on that a serving app never loads: DuckDB (#!load --sql, ~110 MB of native
    // libraries) and Roslyn (--where, --derive). NuGet leaves them out of the graph, so they are neither restored,
    // nor copied into packages/, nor published.
    private static readonly string[] _pruned =
    [
        "DuckDB.NET.Data.Full", "DuckDB.NET.Bindings.Full", "Microsoft.CodeAnalysis.CSharp.Scripting", "Microsoft.CodeAnalysis.Scripting.Common",
        "Microsoft.CodeAnalysis.CSharp", "Microsoft.CodeAnalysis.Common", "Microsoft.CodeAnalysis.Analyzers",
    ];

    /// <summary>
    /// Exports <paramref name="model"/> to <paramref name="folder"/> (created, or emptied if an earlier export made it)
    /// as the project <paramref name="name"/>. Finding the packages runs <c>dotnet restore</c> once against the local
    /// NuGet cache (and <see cref="PackagesVariable"/>), so it needs no network when the kernel already has them.
    /// </summary>
    /// <exception cref="NotebookException">The folder holds other files, the name is not valid, or a package is not to be found.</exception>
    public static async Task<ExportedProject> ExportAsync(TrainedModel model, string folder, string name = "ModelService", CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentException.ThrowIfNullOrWhiteSpace(folder);
        if (!ValidName().IsMatch(name))
        {
            throw new NotebookException($"--name '{name}' is not a valid project name. Use letters, digits, '.', '_' and '-', starting with a letter, for example: --name PenguinsService");
        }

        var root = Path.GetFullPath(folder);
        Prepare(root);
        var version = ML.Versions.Of(typeof(ProjectExporter).Assembly);
        Write(root, $"{name}.csproj", Csproj(version));
        Write(root, "Program.cs", Program);
        Write(root, "appsettings.json", Settings(name));
        Write(root, "Dockerfile", Dockerfile(name));
        Write(root, ".dockerignore", "bin/\nobj/\nout/\ndata/\n");
        Write(root, "README.md", Readme(model, name));
        // The project stands alone wherever it is put: no Directory.*.props of a folder above applies to it.
        Write(root, "Directory.Build.props", "<Project />\n");
        Write(root, "Directory.Build.targets", "<Project />\n");
        Write(root, "Directory.Packages.props", "<Project>\n  <PropertyGroup>\n    <ManagePackageVersionsCentrally>false</ManagePackageVersionsCentrally>\n  </PropertyGroup>\n</Project>\n");
        Write(root, "nuget.config", NuGetConfig);
        model.Save(Path.Combine(root, "model.zip"));
        var packages = await CopyPackagesAsync(root, name, cancellationToken).ConfigureAwait(false);
        File.WriteAllText(Path.Combine(root, Marker), $"Written by #!export (Notebooks.ML.Serving {version}); #!export may overwrite this folder.\n");
        var files = Directory.EnumerateFiles(root, "*", SearchOption.AllDirectories)
            .Select(f => (Path.GetRelativePath(root, f).Replace('\\', '/'), new FileInfo(f).Length))
            .Where(f => !f.Item1.StartsWith("packages/", StringComparison.Ordinal) && f.Item1 != Marker)
            .OrderBy(f => f.Item1, StringComparer.Ordinal)
            .ToList();
        var packageBytes = Directory.EnumerateFiles(Path.Combine(root, "packages")).Sum(f => new FileInfo(f).Length);
        files.Add(($"packages/ ({packages} .nupkg)", packageBytes));
        return new ExportedProject(name, root, files, packages, files.Sum(f => f.Item2));
    }

    private static void Prepare(string root)
    {
        if (File.Exists(root))
        {
            throw new NotebookException($"--out '{root}' is a file: give a folder for the project.");
        }

        if (Directory.Exists(root) && Directory.EnumerateFileSystemEntries(root).Any())
        {
            if (!File.Exists(Path.Combine(root, Marker)))
            {
                throw new NotebookException($"The folder '{root}' is not empty, and #!export did not make it: give a new or empty folder with --out.");
            }

            Directory.Delete(root, recursive: true);
        }

        Directory.CreateDirectory(Path.Combine(root, "packages"));
    }

    /// <summary>
    /// Restores the project once, in a scratch folder, from the local NuGet cache used as a feed (plus
    /// <see cref="PackagesVariable"/>), and copies every package of the resolved graph into <c>packages/</c>.
    /// </summary>
    private static async Task<int> CopyPackagesAsync(string root, string name, CancellationToken cancellationToken)
    {
        var cache = GlobalPackagesFolder();
        var scratch = Directory.CreateTempSubdirectory("nbml-export-").FullName;
        try
        {
            foreach (var file in new[] { $"{name}.csproj", "Program.cs", "Directory.Build.props", "Directory.Build.targets", "Directory.Packages.props" })
            {
                File.Copy(Path.Combine(root, file), Path.Combine(scratch, file));
            }

            var sources = new List<string>();
            if (Environment.GetEnvironmentVariable(PackagesVariable) is { Length: > 0 } extra && Directory.Exists(extra))
            {
                sources.Add(Path.GetFullPath(extra));
            }

            sources.Add(cache);
            File.WriteAllText(Path.Combine(scratch, "nuget.config"),
                "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<configuration>\n  <packageSources>\n    <clear />\n"
                + string.Concat(sources.Select((s, i) => $"    <add key=\"local{i}\" value=\"{System.Security.SecurityElement.Escape(s)}\" />\n"))
                + "  </packageSources>\n</configuration>\n");
            var restore = await RunAsync(Dotnet(), ["restore", Path.Combine(scratch, $"{name}.csproj"), "--nologo", "-v", "q"], scratch, cancellationToken).ConfigureAwait(false);
            var assets = Path.Combine(scratch, "obj", "project.assets.json");
            if (restore.ExitCode != 0 || !File.Exists(assets))
            {
                throw new NotebookException($"Could not gather the packages the exported project needs from the NuGet cache '{cache}'{(sources.Count > 1 ? $" and '{sources[0]}'" : "")}: {Tail(restore.Output)}"
                    + $" When Notebooks.ML's packages are not in the cache, point {PackagesVariable} at a folder holding them (dotnet pack -c Release writes artifacts/packages).");
            }

            using var document = JsonDocument.Parse(File.ReadAllBytes(assets));
            var folders = document.RootElement.GetProperty("packageFolders").EnumerateObject().Select(p => p.Name).ToList();
            var count = 0;
            foreach (var library in document.RootElement.GetProperty("libraries").EnumerateObject())
            {
                if (library.Value.GetProperty("type").GetString() != "package")
                {
                    continue;
                }

                var path = library.Value.GetProperty("path").GetString()!;
                var parts = library.Name.Split('/');
                var file = $"{parts[0].ToLowerInvariant()}.{parts[1].ToLowerInvariant()}.nupkg";
                var nupkg = folders.Select(f => Path.Combine(f, path, file)).FirstOrDefault(File.Exists)
                            ?? throw new NotebookException($"The package {library.Name} was restored, but its .nupkg is not in '{string.Join("', '", folders)}'.");
                File.Copy(nupkg, Path.Combine(root, "packages", file), overwrite: true);
                count++;
            }

            return count;
        }
        finally
        {
            try
            {
                Directory.Delete(scratch, recursive: true);
            }
            catch (IOException)
            {
                // A build server may hold a file for a moment; the OS cleans temp folders.
            }
        }
    }

    /// <summary>Where NuGet keeps extracted packages (with their .nupkg): NUGET_PACKAGES, else ~/.nuget/packages.</summary>
    internal static string GlobalPackagesFolder() =>
        Environment.GetEnvironmentVariable("NUGET_PACKAGES") is { Length: > 0 } configured
            ? Path.GetFullPath(configured)
            : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".nuget", "packages");

    /// <summary>The dotnet host: the one running this process when it is dotnet, else DOTNET_HOST_PATH, else the runtime's root.</summary>
    internal static string Dotnet()
    {
        var exe = RuntimeInformation.IsOSPlatform(OSPlatform.Windows) ? "dotnet.exe" : "dotnet";
        if (Environment.ProcessPath is { } process && Path.GetFileName(process) == exe)
        {
            return process;
        }

        if (Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host && File.Exists(host))
        {
            return host;
        }

        var runtime = RuntimeEnvironment.GetRuntimeDirectory();
        var candidate = Path.GetFullPath(Path.Combine(runtime, "..", "..", "..", exe));
        return File.Exists(candidate) ? candidate : exe;
    }

    private static async Task<(int ExitCode, string Output)> RunAsync(string file, string[] arguments, string folder, CancellationToken cancellationToken)
    {
        var info = new ProcessStartInfo(file) { WorkingDirectory = folder, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }

        info.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        info.Environment["DOTNET_NOLOGO"] = "1";
        // The kernel's MSBuild settings (such as RestoreAdditionalProjectSources) must not leak into this restore.
        info.Environment.Remove("RestoreAdditionalProjectSources");
        info.Environment.Remove("MSBuildExtensionsPath");
        info.Environment.Remove("MSBuildSDKsPath");
        using var process = Process.Start(info) ?? throw new NotebookException($"Could not start '{file}'.");
        var output = process.StandardOutput.ReadToEndAsync(cancellationToken);
        var error = process.StandardError.ReadToEndAsync(cancellationToken);
        await process.WaitForExitAsync(cancellationToken).ConfigureAwait(false);
        return (process.ExitCode, await output.ConfigureAwait(false) + await error.ConfigureAwait(false));
    }

    private static string Tail(string output)
    {
        var lines = output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Where(l => l.Contains("error", StringComparison.OrdinalIgnoreCase)).Take(3).ToList();
        return lines.Count == 0 ? output.Trim() : string.Join(" ", lines);
    }

    private static void Write(string root, string file, string text) => File.WriteAllText(Path.Combine(root, file), text.ReplaceLineEndings("\n"));

    private static string Csproj(string version) => $"""
        <Project Sdk="Microsoft.NET.Sdk.Web">

          <!-- Serves model.zip with the Notebooks.ML serving API. Written by #!export. -->
          <PropertyGroup>
            <TargetFramework>net10.0</TargetFramework>
            <Nullable>enable</Nullable>
            <ImplicitUsings>enable</ImplicitUsings>
            <InvariantGlobalization>true</InvariantGlobalization>
            <SatelliteResourceLanguages>en</SatelliteResourceLanguages>
          </PropertyGroup>

          <ItemGroup>
            <PackageReference Include="Notebooks.ML.Serving" Version="{version}" />
            <!-- What the engine brings that serving never loads (DuckDB for #!load with SQL, Roslyn for row filters):
                 left out of the package graph, so neither restored nor published. -->
        {string.Concat(_pruned.Select(p => $"    <PrunePackageReference Include=\"{p}\" Version=\"99.0.0\" />\n"))}  </ItemGroup>

          <ItemGroup>
            <None Update="model.zip" CopyToOutputDirectory="PreserveNewest" CopyToPublishDirectory="PreserveNewest" />
            <Content Remove="nuget.config" />
          </ItemGroup>

        </Project>

        """;

    private const string Program = """
        using Notebooks.ML.Serving;

        // The container's HEALTHCHECK runs this app with --health: it asks /health and exits 0 or 1.
        if (await ModelServingExtensions.HealthCheckAsync(args) is { } health)
        {
            return health;
        }

        var builder = WebApplication.CreateSlimBuilder(args);
        builder.AddModelServing();
        var app = builder.Build();
        app.MapModelServing();
        await app.RunAsync();
        return 0;

        """;

    private const string NuGetConfig = """
        <?xml version="1.0" encoding="utf-8"?>
        <!-- Restores offline, from this folder's packages only (Notebooks.ML is not on nuget.org yet). -->
        <configuration>
          <packageSources>
            <clear />
            <add key="local" value="packages" />
          </packageSources>
        </configuration>

        """;

    private static string Settings(string name) => JsonSerializer.Serialize(new
    {
        Serving = new
        {
            Name = name,
            Model = "model.zip",
            Store = "data/notebooks-ml-runs.db",
            Log = true,
            ApiKey = "",
            MaxBodyBytes = ServeOptions.DefaultMaxBodyBytes,
            MaxRows = ServeOptions.DefaultMaxRows,
        },
        Logging = new { LogLevel = new Dictionary<string, string> { ["Default"] = "Information", ["Microsoft.AspNetCore"] = "Warning" } },
    }, new JsonSerializerOptions { WriteIndented = true }) + "\n";

    private static string Dockerfile(string name) => $"""
        # Build: the SDK image publishes the app, restoring only from ./packages (nuget.config).
        FROM mcr.microsoft.com/dotnet/sdk:10.0 AS build
        WORKDIR /src
        COPY . .
        RUN dotnet publish {name}.csproj -c Release -o /app

        # Run: the ASP.NET Core runtime image, as its non-root user.
        FROM mcr.microsoft.com/dotnet/aspnet:10.0
        WORKDIR /app
        COPY --from=build /app .
        RUN mkdir -p /app/data && chown $APP_UID /app/data
        USER $APP_UID
        ENV ASPNETCORE_HTTP_PORTS=8080
        EXPOSE 8080
        # The prediction log (SQLite); mount a volume to keep it, or set Serving__Store to a PostgreSQL connection string.
        VOLUME /app/data
        HEALTHCHECK --interval=30s --timeout=5s --start-period=20s --retries=3 CMD ["dotnet", "{name}.dll", "--health"]
        ENTRYPOINT ["dotnet", "{name}.dll"]

        """;

    private static string Readme(TrainedModel model, string name) => $"""
        # {name}

        Serves a Notebooks.ML model ({model.Info.Trainer} {model.Task.ToString().ToLowerInvariant()} of `{model.Label}`, trained on data
        `{model.Info.DataFingerprint}`) over HTTP, with the same API as `#!serve` in the notebook. Written by `#!export`.

        ## Run

        ```bash
        dotnet publish -c Release -o out          # restores offline from ./packages
        ASPNETCORE_URLS=http://127.0.0.1:8080 dotnet out/{name}.dll
        ```

        or in a container (multi-stage: the SDK image publishes, the aspnet image runs as a non-root user, with a
        HEALTHCHECK on /health):

        ```bash
        docker build -t {name.ToLowerInvariant()} .
        docker run -p 8080:8080 {name.ToLowerInvariant()}
        ```

        Then predict one real row of the training data:

        ```bash
        {ExampleRows.Curl(model, "http://127.0.0.1:8080")}
        ```

        ## API

        - `POST /invocations`: the MLflow scoring protocol (`dataframe_split`, `dataframe_records`, `instances`, `inputs`, or
          `text/csv` with a header) → `{"{"}"predictions": [...]{"}"}`.
        - `POST /predict`: one JSON object in, one prediction out.
        - `GET /ping`, `/health`, `/version`, `/openapi/v1.json` (OpenAPI 3), `/metrics` (Prometheus).
        - Client mistakes get 400 (413 too large, 415 other content type, 401 without the API key) with
          `{"{"}"error_code": ..., "message": ...{"}"}`.
        - Nulls: {ServiceDocuments.NullPolicy}

        ## Configure

        `appsettings.json`, section `Serving` (or environment variables such as `Serving__ApiKey`): `Name`, `Model`,
        `Store` (the prediction log: a SQLite file, or a PostgreSQL connection string), `Log`, `ApiKey` (or
        `NOTEBOOKS_ML_API_KEY`), `MaxBodyBytes`, `MaxRows`. It listens where `ASPNETCORE_URLS` (or `ASPNETCORE_HTTP_PORTS`) says.

        """;

    [GeneratedRegex(@"^[A-Za-z][A-Za-z0-9_.\-]{0,99}$")]
    private static partial Regex ValidName();
}
