using System.CommandLine;
using Microsoft.DotNet.Interactive.Documents;
using Notebooks.Runner.Reports;

namespace Notebooks.Runner;

/// <summary>The <c>notebooks</c> command line. Exit codes: 0 every cell succeeded; 2 a cell failed; 1 usage or I/O error.</summary>
internal static class Cli
{
    public const int Success = 0;
    public const int UsageOrIOError = 1;
    public const int CellFailed = 2;

    public static async Task<int> RunAsync(string[] args, TextWriter output, TextWriter error)
    {
        var notebook = new Argument<FileInfo>("notebook") { Description = "The notebook to run: a .ipynb or .dib file." };
        var outputOption = new Option<FileInfo?>("--output", "-o") { Description = "Write the executed notebook (with outputs) to this .ipynb file." };
        var timeout = new Option<double?>("--timeout") { Description = "Stop a cell that runs longer than this many seconds, and fail the run." };
        var report = new Option<FileInfo?>("--report", "-r") { Description = "Write a self-contained HTML report (opens offline) to this file." };

        var run = new Command("run", "Run every cell of a notebook in a fresh in-process kernel with the Notebooks.ML magics.")
        {
            notebook, outputOption, report, timeout,
        };
        run.SetAction(async (parsed, cancellationToken) =>
        {
            try
            {
                return await RunNotebookAsync(
                    parsed.GetRequiredValue(notebook),
                    parsed.GetValue(outputOption),
                    parsed.GetValue(report),
                    parsed.GetValue(timeout) is { } seconds ? TimeSpan.FromSeconds(seconds) : null,
                    output,
                    cancellationToken).ConfigureAwait(false);
            }
            catch (RunnerException e)
            {
                await error.WriteLineAsync("error: " + e.Message).ConfigureAwait(false);
                return UsageOrIOError;
            }
            catch (IOException e)
            {
                await error.WriteLineAsync("error: " + e.Message).ConfigureAwait(false);
                return UsageOrIOError;
            }
            catch (UnauthorizedAccessException e)
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
        });

        var root = new RootCommand("Runs C# notebooks headless with the Notebooks.ML magics (#!load, #!train, #!plot).") { run };
        var parseResult = root.Parse(args);
        return await parseResult.InvokeAsync(new InvocationConfiguration { Output = output, Error = error }).ConfigureAwait(false);
    }

    private static async Task<int> RunNotebookAsync(FileInfo notebookFile, FileInfo? executedFile, FileInfo? reportFile, TimeSpan? timeout, TextWriter output, CancellationToken cancellationToken)
    {
        if (!notebookFile.Exists)
        {
            throw new RunnerException($"Could not find the notebook '{notebookFile.FullName}'.");
        }

        if (timeout is { TotalSeconds: <= 0 })
        {
            throw new RunnerException($"--timeout must be a positive number of seconds, got {timeout.Value.TotalSeconds}.");
        }

        var document = NotebookDocument.Read(notebookFile.FullName);
        await output.WriteLineAsync($"Running {notebookFile.Name} ({document.Elements.Count(e => !NotebookDocument.IsMarkdown(e))} code cells)").ConfigureAwait(false);

        // Relative paths in the notebook (data files) resolve against its folder, as under Jupyter.
        var previousDirectory = Environment.CurrentDirectory;
        Environment.CurrentDirectory = notebookFile.DirectoryName!;
        InteractiveDocument executed;
        IReadOnlyList<CellResult> cells;
        var started = DateTimeOffset.Now;
        try
        {
            var reporter = new ConsoleProgressReporter(output, interactive: ReferenceEquals(output, Console.Out) && !Console.IsOutputRedirected);
            (executed, cells) = await new NotebookRunner(reporter).RunAsync(document, timeout, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            Environment.CurrentDirectory = previousDirectory;
        }

        if (executedFile is not null)
        {
            NotebookDocument.WriteJupyter(executed, executedFile.FullName);
            await output.WriteLineAsync($"Wrote {executedFile.FullName}").ConfigureAwait(false);
        }

        var finished = DateTimeOffset.Now;
        if (reportFile is not null)
        {
            var run = new RunInfo(notebookFile.FullName, started, finished, new Dictionary<string, string>(), RunnerVersions.All, ExecutedHere: true);
            WriteFile(reportFile.FullName, ReportWriter.Render(executed, run));
            await output.WriteLineAsync($"Wrote {reportFile.FullName}").ConfigureAwait(false);
        }

        var failed = cells.Where(c => !c.Succeeded).ToArray();
        var elapsed = finished - started;
        await output.WriteLineAsync(failed.Length == 0
            ? $"All {cells.Count} cells succeeded in {elapsed.TotalSeconds:0.0} s."
            : $"Cell {failed[0].Index} failed; {cells.Count(c => c.Succeeded)} of {cells.Count} ran cells succeeded ({elapsed.TotalSeconds:0.0} s).").ConfigureAwait(false);
        return failed.Length == 0 ? Success : CellFailed;
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
