using Microsoft.DotNet.Interactive;
using Microsoft.DotNet.Interactive.CSharp;
using Microsoft.DotNet.Interactive.Events;
using Microsoft.DotNet.Interactive.Formatting;
using Notebooks.ML.Interactive;
using Notebooks.Tests;

namespace Notebooks.ML.Interactive.Tests;

/// <summary>An in-process kernel (composite + C#) with the extension loaded, as a notebook has it.</summary>
public sealed class KernelHarness : IDisposable
{
    public KernelHarness()
    {
        Kernel = new CompositeKernel { new CSharpKernel().UseValueSharing() };
        Kernel.DefaultKernelName = "csharp";
        NotebooksMLExtension.Load(Kernel);
        // Relative paths in magics resolve against the notebook's folder, as in Jupyter.
        Environment.CurrentDirectory = Repo.Path_("notebooks");
    }

    public CompositeKernel Kernel { get; }

    public async Task<Submission> SubmitAsync(string code)
    {
        var result = await Kernel.SubmitCodeAsync(code);
        return new Submission(code, result.Events.ToArray());
    }

    public T? Variable<T>(string name)
    {
        var csharp = (CSharpKernel)Kernel.FindKernelByName("csharp");
        return csharp.TryGetValue<T>(name, out var value) ? value : default;
    }

    public void Dispose() => Kernel.Dispose();
}

/// <summary>The events of one submission, with the questions tests ask of them.</summary>
public sealed record Submission(string Code, KernelEvent[] Events)
{
    public bool Succeeded => Events.OfType<CommandSucceeded>().Any(e => e.Command.Parent is null || e.Command is Microsoft.DotNet.Interactive.Commands.SubmitCode);

    public CommandFailed? Failure => Events.OfType<CommandFailed>().FirstOrDefault();

    public IEnumerable<FormattedValue> Outputs => Events.OfType<DisplayEvent>().SelectMany(e => e.FormattedValues);

    public string Html => string.Join("\n", Outputs.Where(v => v.MimeType == "text/html").Select(v => v.Value));

    public string Text => string.Join("\n", Outputs.Select(v => v.Value));

    /// <summary>What the cell shows in the end: every display at its last value (an update replaces what it updates).</summary>
    public IReadOnlyList<string> Shown
    {
        get
        {
            var shown = new List<string>();
            var at = new Dictionary<string, int>(StringComparer.Ordinal);
            foreach (var e in Events.OfType<DisplayEvent>())
            {
                var value = string.Join("\n", e.FormattedValues.Select(v => v.Value));
                if (e is DisplayedValueUpdated { ValueId: { } updated } && at.TryGetValue(updated, out var index))
                {
                    shown[index] = value;
                    continue;
                }

                if (e is DisplayedValueProduced { ValueId: { } id })
                {
                    at[id] = shown.Count;
                }

                shown.Add(value);
            }

            return shown;
        }
    }

    public Submission ShouldSucceed()
    {
        Assert.True(Failure is null, $"'{Code}' failed: {Failure?.Message}");
        return this;
    }

    public string ShouldFail()
    {
        Assert.True(Failure is not null, $"'{Code}' should have failed but succeeded. Output: {Text}");
        var message = Failure!.Message;
        Assert.DoesNotContain("   at ", message, StringComparison.Ordinal);
        return message;
    }
}
