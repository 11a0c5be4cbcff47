using System.Diagnostics;
using System.Text;
using System.Text.RegularExpressions;
using Microsoft.DotNet.Interactive;
using Microsoft.DotNet.Interactive.Commands;
using Microsoft.DotNet.Interactive.Documents;
using Microsoft.DotNet.Interactive.Events;

namespace Notebooks.Runner;

/// <summary>
/// Runs every cell of a notebook in order in a fresh in-process kernel and records the outputs, as Jupyter would
/// show them, in a new document. Markdown cells are kept as they are.
/// </summary>
internal sealed partial class NotebookRunner(IProgressReporter reporter)
{
    public async Task<(InteractiveDocument Document, IReadOnlyList<CellResult> Cells)> RunAsync(
        InteractiveDocument notebook, TimeSpan? cellTimeout, CancellationToken cancellationToken)
    {
        using var kernel = KernelFactory.Create();
        var executed = new InteractiveDocument();
        foreach (var (key, value) in notebook.Metadata.Where(m => m.Key is not ("kernelInfo" or "polyglot_notebook" or "dotnet_interactive")))
        {
            // The kernel list is rebuilt by the Jupyter writer; everything else is kept.
            executed.Metadata[key] = value;
        }

        var results = new List<CellResult>();
        var codeCells = notebook.Elements.Count(e => !NotebookDocument.IsMarkdown(e));
        var codeIndex = 0;
        var failed = false;
        for (var i = 0; i < notebook.Elements.Count; i++)
        {
            var cell = notebook.Elements[i];
            if (NotebookDocument.IsMarkdown(cell) || string.IsNullOrWhiteSpace(cell.Contents) || failed)
            {
                // After a failure the rest is not run (as in papermill): later cells would only fail confusingly.
                executed.Add(new InteractiveDocumentElement(cell.Contents, cell.KernelName, []) { Metadata = cell.Metadata });
                continue;
            }

            codeIndex++;
            reporter.CellStarted(codeIndex, codeCells, FirstLine(cell.Contents));
            var (element, result) = await RunCellAsync(kernel, cell, i + 1, cellTimeout, cancellationToken).ConfigureAwait(false);
            executed.Add(element);
            results.Add(result);
            reporter.CellFinished(codeIndex, codeCells, result);
            failed = !result.Succeeded;
        }

        return (executed, results);
    }

    private static async Task<(InteractiveDocumentElement, CellResult)> RunCellAsync(
        CompositeKernel kernel, InteractiveDocumentElement cell, int index, TimeSpan? timeout, CancellationToken cancellationToken)
    {
        if (cell.KernelName is not (null or "csharp" or "C#" or "c#"))
        {
            var message = $"Cell {index} is a '{cell.KernelName}' cell; the runner runs C# cells only.";
            return (Element(cell, [new ErrorElement("Error", message, [])]), new CellResult(index, false, TimeSpan.Zero, message));
        }

        var outputs = new List<InteractiveDocumentOutputElement>();
        var displays = new Dictionary<string, int>(StringComparer.Ordinal);
        var stdout = new StringBuilder();
        var stderr = new StringBuilder();
        string? error = null;
        var command = new SubmitCode(WithoutExtensionReferences(cell.Contents), "csharp");

        using var subscription = kernel.KernelEvents.Subscribe(e =>
        {
            switch (e)
            {
                case StandardOutputValueProduced o:
                    stdout.Append(PlainText(o));
                    break;
                case StandardErrorValueProduced o:
                    stderr.Append(PlainText(o));
                    break;
                case DisplayedValueUpdated updated when updated.ValueId is { } id && displays.TryGetValue(id, out var at):
                    outputs[at] = Display(updated);
                    break;
                case DisplayedValueProduced produced:
                    if (produced.ValueId is { } valueId)
                    {
                        displays[valueId] = outputs.Count;
                    }

                    outputs.Add(Display(produced));
                    break;
                case ReturnValueProduced returned when returned.Value is not Microsoft.DotNet.Interactive.Formatting.DisplayedValue:
                    var value = new ReturnValueElement();
                    foreach (var (mime, data) in Data(returned))
                    {
                        value.Data[mime] = data;
                    }

                    outputs.Add(value);
                    break;
                case ErrorProduced produced:
                    outputs.Add(new ErrorElement("Error", produced.Message, []));
                    break;
                case CommandFailed failed when failed.Command == command:
                    error = failed.Message;
                    break;
            }
        });

        var stopwatch = Stopwatch.StartNew();
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        if (timeout is { } limit)
        {
            cts.CancelAfter(limit);
        }

        var send = kernel.SendAsync(command, cts.Token);
        var finished = await Task.WhenAny(send, Task.Delay(Timeout.Infinite, cts.Token)).ConfigureAwait(false);
        if (finished != send || send.IsCanceled)
        {
            await kernel.SendAsync(new Cancel(), CancellationToken.None).ConfigureAwait(false);
            error = cancellationToken.IsCancellationRequested
                ? $"Cell {index} was interrupted."
                : $"Cell {index} did not finish within {timeout!.Value.TotalSeconds:0.#} s (--timeout) and was stopped.";
        }
        else
        {
            var result = await send.ConfigureAwait(false);
            error ??= result.Events.OfType<CommandFailed>().FirstOrDefault()?.Message;
        }

        stopwatch.Stop();
        var streams = new List<InteractiveDocumentOutputElement>();
        if (stdout.Length > 0)
        {
            streams.Add(new TextElement(stdout.ToString(), "stdout"));
        }

        if (stderr.Length > 0)
        {
            streams.Add(new TextElement(stderr.ToString(), "stderr"));
        }

        outputs.InsertRange(0, streams);
        if (error is not null)
        {
            outputs.Add(new ErrorElement("Error", error, []));
        }

        var element = Element(cell, outputs);
        element.Metadata ??= new Dictionary<string, object>();
        element.Metadata["notebooks_ml"] = new Dictionary<string, object>
        {
            ["duration_seconds"] = Math.Round(stopwatch.Elapsed.TotalSeconds, 3),
            ["succeeded"] = error is null,
        };
        return (element, new CellResult(index, error is null, stopwatch.Elapsed, error));
    }

    private static InteractiveDocumentElement Element(InteractiveDocumentElement cell, IEnumerable<InteractiveDocumentOutputElement> outputs) =>
        new(cell.Contents, cell.KernelName ?? "csharp", outputs) { Metadata = cell.Metadata is null ? null : new Dictionary<string, object>(cell.Metadata) };

    private static DisplayElement Display(DisplayEvent e) => new(Data(e));

    private static Dictionary<string, object> Data(DisplayEvent e) =>
        e.FormattedValues.GroupBy(v => v.MimeType).ToDictionary(g => g.Key, g => (object)g.First().Value);

    private static string PlainText(DisplayEvent e) =>
        e.FormattedValues.FirstOrDefault(v => v.MimeType == "text/plain")?.Value ?? e.FormattedValues.FirstOrDefault()?.Value ?? "";

    /// <summary>
    /// The runner loads Notebooks.ML.Interactive itself; the notebook's own <c>#i</c>/<c>#r "nuget: Notebooks.ML.Interactive…"</c>
    /// lines, which make it work under Jupyter and VS Code, are turned into comments.
    /// </summary>
    internal static string WithoutExtensionReferences(string code)
    {
        if (!ExtensionReference().IsMatch(code))
        {
            return code;
        }

        return string.Join('\n', code.Split('\n').Select(line =>
            ExtensionReference().IsMatch(line) || NugetSource().IsMatch(line) ? "// (loaded by the runner) " + line : line));
    }

    [GeneratedRegex("""^\s*#r\s+"nuget:\s*Notebooks\.ML\.Interactive\b""", RegexOptions.Multiline | RegexOptions.IgnoreCase)]
    private static partial Regex ExtensionReference();

    [GeneratedRegex("""^\s*#i\s+"nuget:""", RegexOptions.IgnoreCase)]
    private static partial Regex NugetSource();

    private static string FirstLine(string code)
    {
        var line = code.Split('\n').Select(l => l.Trim()).FirstOrDefault(l => l.Length > 0) ?? "";
        return line.Length > 60 ? line[..57] + "..." : line;
    }
}
