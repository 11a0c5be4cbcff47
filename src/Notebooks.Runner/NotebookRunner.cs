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
/// show them, in a new document. Markdown cells are kept as they are. After a failed cell the rest is not run (as in
/// papermill), unless errors are allowed (nbconvert's <c>--allow-errors</c>): then every cell runs and each failure is
/// an error output of its cell.
/// </summary>
internal sealed partial class NotebookRunner(IProgressReporter reporter)
{
    /// <summary>The runner's own metadata on each executed cell: duration, outcome, or that it was not run.</summary>
    public const string MetadataKey = "notebooks_ml";

    public async Task<(InteractiveDocument Document, IReadOnlyList<CellResult> Cells)> RunAsync(
        InteractiveDocument notebook, TimeSpan? cellTimeout, bool allowErrors, CancellationToken cancellationToken)
    {
        using var kernel = KernelFactory.Create();
        var executed = new InteractiveDocument();
        foreach (var (key, value) in notebook.Metadata.Where(m => m.Key is not ("kernelInfo" or "polyglot_notebook" or "dotnet_interactive")))
        {
            // The kernel list is rebuilt by the Jupyter writer; everything else is kept.
            executed.Metadata[key] = value;
        }

        var results = new List<CellResult>();
        var numbers = CellNames.Numbers(notebook);
        var count = CellNames.Count(notebook);
        var failed = false;
        for (var i = 0; i < notebook.Elements.Count; i++)
        {
            var cell = notebook.Elements[i];
            if (NotebookDocument.IsMarkdown(cell) || string.IsNullOrWhiteSpace(cell.Contents))
            {
                executed.Add(new InteractiveDocumentElement(cell.Contents, cell.KernelName, []) { Metadata = cell.Metadata });
                continue;
            }

            if (failed && !allowErrors)
            {
                // After a failure the rest is not run (as in papermill): later cells would only fail confusingly.
                var skipped = Element(cell, []);
                skipped.Metadata![MetadataKey] = new Dictionary<string, object> { ["ran"] = false };
                executed.Add(skipped);
                continue;
            }

            var label = numbers[i] is { } number ? $"cell {number,2} of {count}" : "injected parameters";
            var name = CellNames.Name(numbers[i], cell.Contents);
            reporter.CellStarted(label, CellNames.FirstLine(cell.Contents));
            var (element, result) = await RunCellAsync(kernel, cell, numbers[i], name, cellTimeout, cancellationToken).ConfigureAwait(false);
            executed.Add(element);
            results.Add(result);
            reporter.CellFinished(label, CellNames.FirstLine(cell.Contents), result);
            failed |= !result.Succeeded;
        }

        return (executed, results);
    }

    private static async Task<(InteractiveDocumentElement, CellResult)> RunCellAsync(
        CompositeKernel kernel, InteractiveDocumentElement cell, int? number, string name, TimeSpan? timeout, CancellationToken cancellationToken)
    {
        if (cell.KernelName is not (null or "csharp" or "C#" or "c#"))
        {
            var message = $"{CellNames.Capitalized(name)} is a '{cell.KernelName}' cell; the runner runs C# cells only.";
            var unsupported = Element(cell, [Error(message)]);
            unsupported.Metadata![MetadataKey] = new Dictionary<string, object> { ["duration_seconds"] = 0.0, ["succeeded"] = false };
            return (unsupported, new CellResult(number, name, false, TimeSpan.Zero, message));
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
                    outputs.Add(Error(produced.Message));
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
                ? $"{CellNames.Capitalized(name)} was interrupted."
                : $"{CellNames.Capitalized(name)} did not finish within {timeout!.Value.TotalSeconds:0.#} s (--timeout) and was stopped.";
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
            outputs.Add(Error(error));
        }

        // A display emptied in place (a magic's progress line after a failure) shows nothing, so it is not kept.
        outputs.RemoveAll(o => o is DisplayElement { Data.Count: > 0 } d && d.Data.Values.All(v => v is string { Length: 0 }));
        var element = Element(cell, outputs);
        element.Metadata![MetadataKey] = new Dictionary<string, object>
        {
            ["duration_seconds"] = Math.Round(stopwatch.Elapsed.TotalSeconds, 3),
            ["succeeded"] = error is null,
        };
        return (element, new CellResult(number, name, error is null, stopwatch.Elapsed, error));
    }

    private static InteractiveDocumentElement Element(InteractiveDocumentElement cell, IEnumerable<InteractiveDocumentOutputElement> outputs) =>
        new(cell.Contents, cell.KernelName ?? "csharp", outputs) { Metadata = cell.Metadata is null ? new Dictionary<string, object>() : new Dictionary<string, object>(cell.Metadata) };

    /// <summary>
    /// An error output as nbconvert --allow-errors writes one: name, value, and the message's lines as the traceback
    /// (what Jupyter shows).
    /// </summary>
    private static ErrorElement Error(string message) => new(message, "Error", message.Split('\n'));

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
}
