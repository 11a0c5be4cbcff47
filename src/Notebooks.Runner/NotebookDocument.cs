using Microsoft.DotNet.Interactive.Documents;
using Microsoft.DotNet.Interactive.Documents.Jupyter;

namespace Notebooks.Runner;

/// <summary>Reads and writes notebooks (.ipynb, .dib) with Microsoft.DotNet.Interactive.Documents.</summary>
internal static class NotebookDocument
{
    public static KernelInfoCollection Kernels()
    {
        var kernels = new KernelInfoCollection
        {
            new("csharp", "C#", ["c#", "C#", "cs"]),
            new("fsharp", "F#", ["f#", "F#", "fs"]),
            new("pwsh", "PowerShell", ["powershell"]),
            new("markdown", "Markdown", ["md"]),
            new("html", "HTML"),
            new("javascript", "JavaScript", ["js"]),
            new("mermaid", "Mermaid"),
            new("value", "value"),
        };
        kernels.DefaultKernelName = "csharp";
        return kernels;
    }

    public static InteractiveDocument Read(string path)
    {
        var text = File.ReadAllText(path);
        return Path.GetExtension(path).ToLowerInvariant() switch
        {
            ".ipynb" => Notebook.Parse(text, Kernels()),
            ".dib" => CodeSubmission.Parse(text, Kernels()),
            var other => throw new RunnerException($"'{path}' is not a notebook: expected a .ipynb or .dib file, got '{other}'."),
        };
    }

    public static void WriteJupyter(InteractiveDocument document, string path)
    {
        var folder = Path.GetDirectoryName(Path.GetFullPath(path));
        if (folder is not null)
        {
            Directory.CreateDirectory(folder);
        }

        File.WriteAllText(path, Notebook.ToJupyterJson(document, "C#"));
    }

    public static bool IsMarkdown(InteractiveDocumentElement element) =>
        element.KernelName is "markdown" or "md";
}
