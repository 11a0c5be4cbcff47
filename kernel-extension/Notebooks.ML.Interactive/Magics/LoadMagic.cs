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

    /// <summary>The text encoding (utf-8, windows-1252, latin1, utf-16 …).</summary>
    public string? Encoding { get; set; }

    /// <summary>The field separator.</summary>
    public string? Separator { get; set; }

    /// <summary>The first line is data, not a header.</summary>
    public bool NoHeader { get; set; }

    /// <summary>Type overrides, <c>COL:TYPE,…</c>.</summary>
    public string? Types { get; set; }

    /// <summary>A SQL query over the file (table <c>data</c>).</summary>
    public string? Sql { get; set; }

    /// <summary>A C# predicate that keeps rows.</summary>
    public string? Where { get; set; }

    /// <summary>One <c>NAME = C# expression</c> (repeatable; all values are read from the magic's text).</summary>
    public string? Derive { get; set; }

    /// <summary>How many rows to sample.</summary>
    public string? Sample { get; set; }

    /// <summary>The sampling seed.</summary>
    public string? Seed { get; set; }
}

/// <summary><c>#!load</c>: a data file into a DataFrame variable, with a schema card.</summary>
internal static class LoadMagic
{
    public const string Usage = "#!load PATH [--as NAME] [--format csv|tsv|json|jsonl|parquet] [--encoding NAME] [--separator CHAR] [--no-header] [--types COL:TYPE,...] [--sql QUERY] [--derive \"NAME = EXPR\"]... [--where PREDICATE] [--sample N] [--seed N]";

    public static void Register(Kernel kernel)
    {
        var directive = new KernelActionDirective("#!load")
        {
            Description = "Loads a data file (CSV, TSV, JSON, JSON lines, Parquet; .gz text too) into a DataFrame variable in the C# kernel, and shows its shape, schema, first rows and fingerprint. " +
                "In --derive and --where, a column is a C# variable named like the column with every character that cannot be in a C# name replaced by _ " +
                "(first name → first_name, od280/od315_of_diluted_wines → od280_od315_of_diluted_wines, 2nd → _2nd, class → @class); row[\"exact name\"] reads any column as an object. " +
                "Missing numbers are double.NaN (double columns) or null (int, long, bool, datetime columns that have missing values); missing text is null.",
            Parameters =
            [
                new("--path", "The data file to load (relative to the notebook's folder).") { AllowImplicitName = true, TypeHint = "file" },
                new("--as", "The variable to create (default: the file's name made an identifier, e.g. iris.csv → iris)."),
                new KernelDirectiveParameter("--format", "The file format when the extension does not say: csv, tsv, json (an array of objects), jsonl (one object per line) or parquet.").AddCompletions(() => DataLoader.Formats),
                new KernelDirectiveParameter("--encoding", "The text encoding of a CSV, TSV or JSON file: utf-8, windows-1252, latin1, utf-16, utf-16be, ascii (or another .NET encoding name). Default: UTF-8, and Windows-1252 when the bytes are not valid UTF-8 (as Excel writes CSV), said on the card.").AddCompletions(() => TextEncodings.Names),
                new("--separator", "The field separator: a character, or tab; detected from the header when omitted."),
                new("--no-header", "The first line is data; columns are named Column1, Column2, …") { Flag = true },
                new("--types", "Column types that override inference: COL:TYPE,… with TYPE one of int, long, double, bool, datetime, string."),
                new("--sql", "A SQL query over the file, run by DuckDB; the file is the table data (and its name, e.g. iris): \"SELECT Species, avg(\\\"Petal.Length\\\") FROM data GROUP BY Species\"."),
                new("--derive", "A new column, \"NAME = C# expression\", e.g. \"ratio = price / carat\"; repeat for more (each may use the ones before).") { MaxOccurrences = 50 },
                new("--where", "A C# condition that keeps rows, e.g. \"price > 1000 && cut == \\\"Ideal\\\"\" (runs after --derive)."),
                new("--sample", "Keep N rows drawn at random (after --where), in file order."),
                new("--seed", "The seed for --sample (default: #!seed, else 1): the same seed gives the same rows."),
            ],
        };

        Magic.Add<LoadData>(kernel, directive, Usage,
            [
                "#!load data/iris.csv",
                "#!load data/penguins.csv --as penguins --types year:string",
                "#!load measurements.txt --separator ; --no-header",
                "#!load export.csv --encoding windows-1252",
                "#!load data/diamonds.csv --derive \"price_per_carat = price / carat\" --where \"cut == \\\"Ideal\\\" && price_per_carat > 5000\"",
                "#!load data/wine.csv --where \"od280_od315_of_diluted_wines > 3\" --sample 50 --seed 7",
                "#!load data/iris.csv --sql \"SELECT Species, avg(\\\"Petal.Length\\\") AS petal FROM data GROUP BY Species\" --as bySpecies",
                "#!load events.parquet",
            ],
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
            Encoding = command.Encoding,
            Separator = Separator(command.Separator),
            NoHeader = command.NoHeader,
            Types = TypeOverrides(command.Types),
            Sql = Quoted(command, "--sql", command.Sql),
            Where = Quoted(command, "--where", command.Where),
            Derive = DirectiveText.Values(command, "--derive", command.Derive),
            Sample = Options.Int("--sample", command.Sample, null),
            Seed = session.Seed(command.Seed),
        };

        // Loading runs off the kernel's thread; the variable is only set once the whole file has loaded, so a
        // failed load leaves whatever the variable held before.
        var loaded = await Task.Run(() => DataLoader.Load(command.Path, options), context.CancellationToken).ConfigureAwait(false);

        // The card's statistics (a pass over every column) are computed on another core while the kernel sets the variable.
        var schema = Task.Run(() => loaded.Schema);
        await session.SetAsync<DataFrame>(name, loaded.Data).ConfigureAwait(false);
        RunsMagic.DataLoaded(context, name, loaded); // Models trained on what this name held before are now stale (issue 7).
        await schema.ConfigureAwait(false);
        context.Display(new HtmlString(Cards.Loaded(loaded, name)), "text/html");
    }

    /// <summary>
    /// The value of an option that holds code: the kernel's binder keeps <c>\"</c> escapes inside a quoted value, so
    /// it is read from the magic's text as a JSON string, as <c>--derive</c> is (<c>"cut == \"Ideal\""</c> →
    /// <c>cut == "Ideal"</c>). A value given as <c>@csharp:name</c> is taken as the kernel bound it.
    /// </summary>
    private static string? Quoted(LoadData command, string option, string? bound)
    {
        if (bound is null)
        {
            return null;
        }

        var values = DirectiveText.Values(command, option, bound);
        var typed = values.Count > 0 ? values[^1] : bound;
        return typed.StartsWith('@') ? bound : typed;
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
