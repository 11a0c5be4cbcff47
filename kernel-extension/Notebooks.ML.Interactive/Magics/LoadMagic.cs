using Microsoft.AspNetCore.Html;
using Microsoft.Data.Analysis;
using Microsoft.DotNet.Interactive;
using Microsoft.DotNet.Interactive.Directives;
using Notebooks.ML.Data;
using Notebooks.ML.Display;

namespace Notebooks.ML.Interactive.Magics;

/// <summary>The command <c>#!load</c> sends; its properties bind the options (<c>--no-header</c> → <see cref="NoHeader"/>).</summary>
public sealed class LoadData : MagicCommand
{
    /// <summary>The file to load.</summary>
    public string? Path { get; set; }

    /// <summary>The variable to create.</summary>
    public string? As { get; set; }

    /// <summary>The format, when the extension does not tell.</summary>
    public string? Format { get; set; }

    /// <summary>The field separator.</summary>
    public string? Separator { get; set; }

    /// <summary>The first line is data, not a header.</summary>
    public bool NoHeader { get; set; }

    /// <summary>Type overrides, <c>COL:TYPE,…</c>.</summary>
    public string? Types { get; set; }
}

/// <summary><c>#!load</c>: a data file into a DataFrame variable, with a schema card.</summary>
internal static class LoadMagic
{
    public const string Usage = "#!load PATH [--as NAME] [--format csv|tsv] [--separator CHAR] [--no-header] [--types COL:TYPE,...]";

    public static void Register(Kernel kernel)
    {
        var directive = new KernelActionDirective("#!load")
        {
            Description = "Loads a data file (CSV, TSV, optionally .gz) into a DataFrame variable in the C# kernel, and shows its shape, schema, first rows and fingerprint.",
            Parameters =
            [
                new("--path", "The data file to load (relative to the notebook's folder).") { AllowImplicitName = true, TypeHint = "file" },
                new("--as", "The variable to create (default: the file's name made an identifier, e.g. iris.csv → iris)."),
                new("--format", "The file format when the extension does not say: csv or tsv."),
                new("--separator", "The field separator: a character, or tab; detected from the header when omitted."),
                new("--no-header", "The first line is data; columns are named Column1, Column2, …") { Flag = true },
                new("--types", "Column types that override inference: COL:TYPE,… with TYPE one of int, long, double, bool, datetime, string."),
            ],
        };

        Magic.Add<LoadData>(kernel, directive, Usage,
            ["#!load data/iris.csv", "#!load data/penguins.csv --as penguins --types year:string", "#!load measurements.txt --separator ; --no-header"],
            HandleAsync);
    }

    private static async Task HandleAsync(LoadData command, KernelInvocationContext context)
    {
        if (string.IsNullOrWhiteSpace(command.Path))
        {
            throw new NotebookException($"#!load needs a file to load, for example: #!load data/iris.csv. Usage: {Usage}");
        }

        var session = NotebookSession.For(context.HandlingKernel);
        var name = NotebookSession.VariableName(command.As ?? Identifiers.From(DataLoader.FileStem(command.Path)), "--as");
        var options = new LoadOptions
        {
            Format = command.Format,
            Separator = Separator(command.Separator),
            NoHeader = command.NoHeader,
            Types = TypeOverrides(command.Types),
        };

        // Loading runs off the kernel's thread; the variable is only set once the whole file has loaded, so a
        // failed load leaves whatever the variable held before.
        var loaded = await Task.Run(() => DataLoader.Load(command.Path, options), context.CancellationToken).ConfigureAwait(false);
        await session.SetAsync<DataFrame>(name, loaded.Data).ConfigureAwait(false);
        RunsMagic.DataLoaded(context, name, loaded); // Models trained on what this name held before are now stale (issue 7).
        context.Display(new HtmlString(Cards.Loaded(loaded, name)), "text/html");
    }

    private static char? Separator(string? value) => value switch
    {
        null => null,
        "tab" or "\\t" or "\t" => '\t',
        "space" or " " => ' ',
        { Length: 1 } => value[0],
        _ => throw new NotebookException($"The option --separator got '{value}', but expected one character (such as ; or |) or the word tab."),
    };

    private static Dictionary<string, string> TypeOverrides(string? value)
    {
        var types = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var item in Options.List(value))
        {
            var colon = item.LastIndexOf(':');
            if (colon <= 0 || colon == item.Length - 1)
            {
                throw new NotebookException($"The option --types got '{item}', but expected COLUMN:TYPE, for example: --types year:string,price:double");
            }

            types[item[..colon]] = item[(colon + 1)..];
        }

        return types;
    }
}
