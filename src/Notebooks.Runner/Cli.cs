using System.CommandLine;
using System.Globalization;
using Microsoft.DotNet.Interactive.Documents;
using Notebooks.Runner.Reports;

namespace Notebooks.Runner;

/// <summary>
/// The <c>notebooks</c> command line. Exit codes: 0 every cell succeeded (and, with <c>--verify</c>, both runs agreed);
/// 2 a cell failed or <c>--verify</c> found a difference; 1 usage or I/O error.
/// </summary>
internal static class Cli
{
    public const int Success = 0;
    public const int UsageOrIOError = 1;
    public const int CellFailed = 2;

    public static async Task<int> RunAsync(string[] args, TextWriter output, TextWriter error)
    {
        var notebook = new Argument<FileInfo>("notebook") { Description = "The notebook to run: a .ipynb or .dib file." };
        var parameters = new Option<string[]>("--parameter", "-p")
        {
            Description = "Override a value of the parameters cell: -p NAME=VALUE (repeatable). The value's type is the one the cell assigns.",
            AllowMultipleArgumentsPerToken = false,
        };
        var executedOption = new Option<FileInfo?>("--output", "-o") { Description = "Write the executed notebook (with outputs) to this .ipynb file." };
        var report = new Option<FileInfo?>("--report", "-r") { Description = "Write a self-contained HTML report (opens offline) to this file." };
        var verify = new Option<bool>("--verify") { Description = "Run twice in fresh kernels and list every cell whose outputs differ (exit 2 if any)." };
        var timeout = new Option<double?>("--timeout") { Description = "Stop a cell that runs longer than this many seconds, and fail the run." };
        var allowErrors = new Option<bool>("--allow-errors") { Description = "Run every cell even after one fails (nbconvert's name); errors are recorded in the outputs and the report, and the exit code is still 2." };

        var run = new Command("run", "Run every cell of a notebook in a fresh in-process kernel with the Notebooks.ML magics.")
        {
            notebook, parameters, executedOption, report, verify, timeout, allowErrors,
        };
        run.SetAction((parsed, cancellationToken) => Guard(error, () => RunNotebookAsync(
            new RunRequest(
                parsed.GetRequiredValue(notebook),
                Parameters.Parse(parsed.GetValue(parameters) ?? []),
                parsed.GetValue(executedOption),
                parsed.GetValue(report),
                parsed.GetValue(verify),
                parsed.GetValue(timeout) is { } seconds ? TimeSpan.FromSeconds(seconds) : null,
                parsed.GetValue(allowErrors)),
            output,
            cancellationToken)));

        var executed = new Argument<FileInfo>("executed") { Description = "A notebook executed elsewhere (VS Code, Jupyter) or by `notebooks run --output`." };
        var reportRequired = new Option<FileInfo>("--report", "-r") { Description = "The HTML report to write.", Required = true };
        var reportCommand = new Command("report", "Write the HTML report of a notebook that was already executed, from its saved outputs.")
        {
            executed, reportRequired,
        };
        reportCommand.SetAction((parsed, _) => Guard(error, () => ReportAsync(parsed.GetRequiredValue(executed), parsed.GetRequiredValue(reportRequired), output)));

        var worker = WorkerCommand.Create(output, error);
        var root = new RootCommand("Runs C# notebooks headless with the Notebooks.ML magics (#!load, #!train, #!plot) and writes reports.")
        {
            run, reportCommand, ServeCommand.Create(output, error), worker,
        };
        // Ctrl+C and SIGTERM cancel the command; a server then finishes its requests and flushes its prediction log,
        // and a worker leaves its cluster (WorkerCommand.LeaveTimeout is less than this).
        return await root.Parse(args).InvokeAsync(new InvocationConfiguration { Output = output, Error = error, ProcessTerminationTimeout = TimeSpan.FromSeconds(40) }).ConfigureAwait(false);
    }

    private sealed record RunRequest(
        FileInfo Notebook,
        IReadOnlyDictionary<string, string> Parameters,
        FileInfo? Executed,
        FileInfo? Report,
        bool Verify,
        TimeSpan? Timeout,
        bool AllowErrors);

    /// <summary>Every failure becomes a message and an exit code; the runner never ends with a stack trace.</summary>
    internal static async Task<int> Guard(TextWriter error, Func<Task<int>> action)
    {
        try
        {
            return await action().ConfigureAwait(false);
        }
        catch (Exception e) when (e is RunnerException or IOException or UnauthorizedAccessException)
        {
            await error.WriteLineAsync("error: " + e.Message).ConfigureAwait(false);
            return UsageOrIOError;
        }
#pragma warning disable CA1031 // The command line reports every failure as a message and an exit code.
        catch (Exception e)
#pragma warning restore CA1031
        {
            await error.WriteLineAsync($"error: the runner failed ({e.GetType().Name}): {e.Message}").ConfigureAwait(false);
            return UsageOrIOError;
        }
    }

    private static async Task<int> RunNotebookAsync(RunRequest request, TextWriter output, CancellationToken cancellationToken)
    {
        var file = request.Notebook;
        if (!file.Exists)
        {
            throw new RunnerException($"Could not find the notebook '{file.FullName}'.");
        }

        if (request.Timeout is { TotalSeconds: <= 0 } bad)
        {
            throw new RunnerException($"--timeout must be a positive number of seconds, got {bad.TotalSeconds}.");
        }

        var document = NotebookDocument.Read(file.FullName);
        var parameters = Parameters.Inject(document, request.Parameters);
        var codeCells = document.Elements.Count(e => !NotebookDocument.IsMarkdown(e) && !string.IsNullOrWhiteSpace(e.Contents));
        await output.WriteLineAsync($"Running {file.Name} ({codeCells} code cells{(parameters.Count > 0 ? ", parameters " + string.Join(", ", parameters.Select(p => $"{p.Key}={p.Value}")) : "")})").ConfigureAwait(false);

        var started = DateTimeOffset.Now;
        var first = await RunOnceAsync(document, file, request, output, cancellationToken).ConfigureAwait(false);
        var finished = DateTimeOffset.Now;

        if (request.Executed is not null)
        {
            NotebookDocument.WriteJupyter(first.Document, request.Executed.FullName);
            await output.WriteLineAsync($"Wrote {request.Executed.FullName}").ConfigureAwait(false);
        }

        if (request.Report is not null)
        {
            var run = new RunInfo(file.FullName, started, finished, parameters, RunnerVersions.All, ExecutedHere: true);
            WriteFile(request.Report.FullName, ReportWriter.Render(first.Document, run));
            await output.WriteLineAsync($"Wrote {request.Report.FullName}").ConfigureAwait(false);
        }

        var failed = first.Cells.Where(c => !c.Succeeded).ToArray();
        var elapsed = (finished - started).TotalSeconds;
        if (failed.Length > 0)
        {
            await output.WriteLineAsync(Summary(failed, first.Cells.Count(c => c.Succeeded), codeCells, request.AllowErrors, elapsed)).ConfigureAwait(false);
            if (!request.Verify || !request.AllowErrors)
            {
                return CellFailed;
            }
        }
        else
        {
            await output.WriteLineAsync($"All {first.Cells.Count} cells succeeded in {elapsed:0.0} s.").ConfigureAwait(false);
            if (!request.Verify)
            {
                return Success;
            }
        }

        await output.WriteLineAsync("Verifying: running again in a fresh kernel").ConfigureAwait(false);
        var again = NotebookDocument.Read(file.FullName);
        Parameters.Inject(again, request.Parameters);
        var second = await RunOnceAsync(again, file, request, output, cancellationToken).ConfigureAwait(false);
        var differences = Verification.Compare(first.Document, second.Document);
        if (differences.Count == 0 && (failed.Length > 0 || second.Cells.All(c => c.Succeeded)))
        {
            await output.WriteLineAsync($"Verified: both runs gave the same outputs in all {first.Cells.Count} cells{(failed.Length > 0 ? ", errors included" : "")}.").ConfigureAwait(false);
            return failed.Length > 0 ? CellFailed : Success;
        }

        await output.WriteLineAsync($"Not reproducible: {differences.Count} cell{(differences.Count == 1 ? "" : "s")} differ between two runs.").ConfigureAwait(false);
        foreach (var difference in differences)
        {
            await output.WriteLineAsync($"  {difference.Name}:").ConfigureAwait(false);
            foreach (var line in difference.Diff)
            {
                await output.WriteLineAsync("      " + line).ConfigureAwait(false);
            }
        }

        return CellFailed;
    }

    private static async Task<(InteractiveDocument Document, IReadOnlyList<CellResult> Cells)> RunOnceAsync(
        InteractiveDocument document, FileInfo file, RunRequest request, TextWriter output, CancellationToken cancellationToken)
    {
        Warmup.Start();
        // Relative paths in the notebook (data files) resolve against its folder, as under Jupyter.
        var previousDirectory = Environment.CurrentDirectory;
        var previousNotebook = Environment.GetEnvironmentVariable(Notebooks.ML.Tracking.RunStore.NotebookVariable);
        Environment.CurrentDirectory = file.DirectoryName!;
        // Runs that #!train records in the experiment log name the notebook they came from.
        Environment.SetEnvironmentVariable(Notebooks.ML.Tracking.RunStore.NotebookVariable, file.FullName);
        try
        {
            using var reporter = new ConsoleProgressReporter(output, interactive: ReferenceEquals(output, Console.Out) && !Console.IsOutputRedirected);
            return await new NotebookRunner(reporter).RunAsync(document, request.Timeout, request.AllowErrors, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            Environment.CurrentDirectory = previousDirectory;
            Environment.SetEnvironmentVariable(Notebooks.ML.Tracking.RunStore.NotebookVariable, previousNotebook);
        }
    }

    /// <summary>
    /// The last line of a run with failures, naming the cells as the editor numbers them:
    /// <c>Cell 16 (`#!train --data …`) failed; …</c>.
    /// </summary>
    private static string Summary(IReadOnlyList<CellResult> failed, int succeeded, int codeCells, bool allowErrors, double elapsed)
    {
        if (!allowErrors)
        {
            var notRun = codeCells - succeeded - 1;
            var rest = notRun > 0 ? $"; the {notRun} code cell{(notRun == 1 ? "" : "s")} after it {(notRun == 1 ? "was" : "were")} not run (--allow-errors runs every cell)" : "";
            return string.Create(CultureInfo.InvariantCulture, $"{CellNames.Capitalized(failed[0].Name)} failed{rest}. {succeeded} of {codeCells} code cells succeeded ({elapsed:0.0} s).");
        }

        return string.Create(CultureInfo.InvariantCulture,
            $"{failed.Count} cell{(failed.Count == 1 ? "" : "s")} failed: {string.Join(", ", failed.Select(f => f.Name))}. {succeeded} of {codeCells} code cells succeeded ({elapsed:0.0} s).");
    }

    private static async Task<int> ReportAsync(FileInfo executed, FileInfo report, TextWriter output)
    {
        if (!executed.Exists)
        {
            throw new RunnerException($"Could not find the notebook '{executed.FullName}'.");
        }

        var document = NotebookDocument.Read(executed.FullName);
        var versions = new SortedDictionary<string, string>(StringComparer.Ordinal)
        {
            ["report made by"] = "Notebooks.ML runner " + Notebooks.ML.Versions.Of(typeof(Cli).Assembly),
            ["plotly.js (in the report)"] = PlotlyJs.Version,
        };
        var run = new RunInfo(executed.FullName, null, null, new Dictionary<string, string>(), versions, ExecutedHere: false);
        WriteFile(report.FullName, ReportWriter.Render(document, run));
        await output.WriteLineAsync($"Wrote {report.FullName}").ConfigureAwait(false);
        return Success;
    }

    private static void WriteFile(string path, string text)
    {
        var folder = Path.GetDirectoryName(path);
        if (!string.IsNullOrEmpty(folder))
        {
            Directory.CreateDirectory(folder);
        }

        File.WriteAllText(path, text);
    }
}
