using System.Globalization;
using Microsoft.AspNetCore.Html;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.Data.Analysis;
using Microsoft.DotNet.Interactive;
using Microsoft.DotNet.Interactive.Directives;
using Microsoft.DotNet.Interactive.Formatting;
using Notebooks.ML.Charts;
using Notebooks.ML.Display;
using Notebooks.ML.Drift;
using Notebooks.ML.Tracking;
using Notebooks.ML.Training;

namespace Notebooks.ML.Interactive.Magics;

/// <summary>The command <c>#!drift</c> sends; REFERENCE and CURRENT are read from the magic's text.</summary>
public sealed class CheckDrift : MagicCommand
{
    /// <summary>The reference (the kernel binds one value; both positional values are read from the text).</summary>
    public string? Reference { get; set; }

    /// <summary>The current data, when given by name.</summary>
    public string? Current { get; set; }

    /// <summary>Columns to compare, comma-separated.</summary>
    public string? Columns { get; set; }

    /// <summary>auto or a test name.</summary>
    public string? Method { get; set; }

    /// <summary>One threshold for every column.</summary>
    public string? Threshold { get; set; }

    /// <summary>The share of drifted columns at which the dataset drifts.</summary>
    public string? DriftShare { get; set; }

    /// <summary>The variable for the report.</summary>
    public string? As { get; set; }

    /// <summary>With served:NAME, only traffic since this time.</summary>
    public string? Since { get; set; }

    /// <summary>With served:NAME, only the newest N requests.</summary>
    public string? Last { get; set; }

    /// <summary>The run store to read runs and served traffic from.</summary>
    public string? Store { get; set; }
}

/// <summary>
/// <c>#!drift REFERENCE CURRENT</c>: per-column drift tests picked as Evidently's DataDriftPreset picks them, a
/// dataset verdict, and for a model its prediction drift and current metrics (<see cref="DataDrift"/> is the C# twin).
/// </summary>
internal static class DriftMagic
{
    public const string Usage = "#!drift REFERENCE CURRENT [--columns a,b] [--method auto|ks|chi2|z|wasserstein|jensen-shannon|psi] [--threshold X] [--drift-share S] [--as NAME] [--since TIME] [--last N] [--store LOCATION]";

    private const string ServedPrefix = "served:";

    /// <summary>Options that take a value (the rest of the text are REFERENCE and CURRENT).</summary>
    private static readonly string[] _valued = ["--reference", "--current", "--columns", "--method", "--threshold", "--drift-share", "--as", "--since", "--last", "--store"];

    public static void Register(Kernel kernel)
    {
        // A report returned by a cell shows its card; #!drift adds the charts (DriftCharts draws them from C#).
        Formatter.Register<DriftReport>((report, writer) => writer.Write(Cards.Drift(report)), HtmlFormatter.MimeType);
        var directive = new KernelActionDirective("#!drift")
        {
            Description = "Tests whether data moved: each column of CURRENT against REFERENCE with the test Evidently's DataDriftPreset picks (KS, chi-squared or Z for a reference of up to 1,000 values; normed Wasserstein or Jensen–Shannon above), PSI beside each, and a dataset verdict. REFERENCE is a DataFrame, a model (its training reference sample; adds prediction drift and current metrics) or a run; CURRENT a DataFrame or served:NAME.",
            Parameters =
            [
                new("--reference", "REFERENCE then CURRENT, without option names: REFERENCE a DataFrame variable, a model variable (its reference sample from #!train) or a run (12, #12, last); CURRENT a DataFrame variable or served:NAME (what #!serve --name NAME answered).") { AllowImplicitName = true, MaxOccurrences = 2, TypeHint = "reference current" },
                new("--current", "CURRENT by name, instead of as the second value: a DataFrame variable or served:NAME."),
                new("--columns", "Columns to compare, comma-separated (default: every column of the reference; for a model, its input columns and the label when CURRENT has it)."),
                new KernelDirectiveParameter("--method", "auto (default: Evidently's DataDriftPreset choice per column) or one test for every column it applies to: ks, chi2, z, wasserstein (normed), jensen-shannon, psi.").AddCompletions(() => DataDrift.Methods),
                new("--threshold", "One threshold for every column's test instead of its default (p-value tests 0.05: drift below it; distances 0.1: drift at or above it)."),
                new("--drift-share", "The dataset drifts when at least this share of its columns drift (default 0.5)."),
                new("--as", "A variable for the report (a DriftReport: DatasetDrift, DriftShare, Columns with Name, Kind, Method, Statistic, PValue, Threshold, Drifted, Psi)."),
                new("--since", "With served:NAME: only traffic since this time, an ISO date/time (UTC unless it says) or a duration ago such as 30m, 2h, 1d."),
                new("--last", "With served:NAME: only the newest N requests."),
                new("--store", "The run store to read runs and served traffic from (default: the session's, see #!runs store)."),
            ],
        };

        Magic.Add<CheckDrift>(kernel, directive, Usage,
            [
                "#!drift train test",
                "#!drift model served:penguins --since 1h",
                "#!drift model newData --as report",
                "#!drift 12 served:penguins --last 500",
                "#!drift train test --columns price,carat --method ks --threshold 0.01",
            ],
            HandleAsync);
    }

    /// <summary>
    /// Shows a report as three outputs: the card (verdict first), the scores chart, and the distributions of the
    /// featured columns side by side. Separate, because a report page redraws an output that holds charts as charts only.
    /// </summary>
    internal static void Show(KernelInvocationContext context, DriftReport report, string? variableName)
    {
        context.Display(new HtmlString(Cards.Drift(report, variableName)), HtmlFormatter.MimeType);
        context.Display(DriftCharts.Scores(report));
        var featured = DriftCharts.Featured(report);
        if (featured.Count > 0)
        {
            var grid = string.Concat(featured.Select(c => $"<div>{DriftCharts.Distribution(c).ToDisplayString(HtmlFormatter.MimeType)}</div>"));
            context.Display(new HtmlString($"<div class=\"nbml-charts\" style=\"display:flex;flex-wrap:wrap;gap:4px 12px\">{grid}</div>"), HtmlFormatter.MimeType);
        }
    }

    private static async Task HandleAsync(CheckDrift command, KernelInvocationContext context)
    {
        var session = NotebookSession.For(context.HandlingKernel);
        var (referenceText, currentText) = Positional(command);
        (referenceText, currentText) = (Resolve(session, referenceText), Resolve(session, currentText));
        var name = command.As is null ? null : NotebookSession.VariableName(command.As, "--as");
        var options = new DriftOptions
        {
            Columns = Options.List(command.Columns),
            Method = command.Method ?? "auto",
            Threshold = command.Threshold is null ? null : Options.Double("--threshold", command.Threshold),
            DriftShare = command.DriftShare is null ? 0.5 : Options.Double("--drift-share", command.DriftShare),
        };
        var since = command.Since is null ? (DateTimeOffset?)null : Options.Since("--since", command.Since, DateTimeOffset.UtcNow);
        var last = Options.Int("--last", command.Last, null);
        if (last is < 1)
        {
            throw new NotebookException($"The option --last got '{command.Last}', but expected a whole number of requests of at least 1.");
        }

        var served = currentText.StartsWith(ServedPrefix, StringComparison.OrdinalIgnoreCase) ? currentText[ServedPrefix.Length..].Trim() : null;
        if (served is null && (since is not null || last is not null))
        {
            throw new NotebookException($"--since and --last choose served traffic; CURRENT '{currentText}' is not served:NAME.");
        }

        if (served is { Length: 0 })
        {
            throw new NotebookException("served: needs the server's name, for example: #!drift model served:penguins (the --name given to #!serve).");
        }

        // Variables are read on the kernel's thread; the store and the tests run off it.
        var reference = Reference(session, referenceText);
        var current = served is null ? session.GetDataFrame(Variable(currentText), "CURRENT") : null;
        options = options with { ReferenceName = reference.Name, CurrentName = served is null ? currentText : $"{ServedPrefix}{served}" };
        var report = await Task.Run(async () =>
        {
            ServedTraffic? traffic = null;
            TrainedModel? model = reference.Model;
            if (served is not null || reference.Run is not null)
            {
                await ServedLogs.FlushAsync(context.HandlingKernel, served).ConfigureAwait(false);
                (traffic, model) = await RunsMagic.UseStoreAsync(context, command.Store, store => (
                    served is null ? null : store.ReadTraffic(served, since, last),
                    reference.Run is { } run ? DataDrift.ModelOfRun(store, run) : model)).ConfigureAwait(false);
            }

            if (traffic is not null && traffic.Inputs.Rows.Count == 0)
            {
                throw new NotebookException($"'{served}' answered no rows{(since is null ? "" : $" since {since:yyyy-MM-dd HH:mm:ss} UTC")}: there is no current data to compare yet.");
            }

            var currentFrame = current ?? traffic!.Inputs;
            if (model is not null)
            {
                return traffic is null ? DataDrift.Compare(model, currentFrame, options) : DataDrift.Compare(model, currentFrame, traffic.Outputs, options);
            }

            if (traffic is not null && options.Columns.Count == 0)
            {
                // A DataFrame against served traffic: the columns the model took.
                options = options with { Columns = traffic.Inputs.Columns.Select(c => c.Name).ToList() };
            }

            return DataDrift.Compare(reference.Frame!, currentFrame, options);
        }, context.CancellationToken).ConfigureAwait(false);

        if (name is not null)
        {
            await session.SetAsync(name, report).ConfigureAwait(false);
        }

        Show(context, report, name);
    }

    /// <summary>REFERENCE and CURRENT: the values given without an option name (or CURRENT with --current).</summary>
    private static (string Reference, string Current) Positional(CheckDrift command)
    {
        var values = new List<string>();
        if (DirectiveText.Of(command) is { } text)
        {
            var tokens = DirectiveText.Tokenize(text);
            for (var i = 1; i < tokens.Count; i++)
            {
                var token = tokens[i];
                if (token is "-h" or "--help")
                {
                    continue;
                }

                if (token.StartsWith("--", StringComparison.Ordinal))
                {
                    if (!_valued.Contains(token))
                    {
                        throw new NotebookException($"#!drift has no option '{token}'. Options: {string.Join(", ", _valued.Skip(1))}. Usage: {Usage}");
                    }

                    if (token == "--reference" && i + 1 < tokens.Count)
                    {
                        values.Add(tokens[++i]);
                    }
                    else
                    {
                        i++;
                    }

                    continue;
                }

                values.Add(token);
            }
        }
        else if (command.Reference is not null)
        {
            values.Add(command.Reference);
        }

        if (command.Current is not null)
        {
            values.Add(command.Current);
        }

        return values.Count switch
        {
            2 => (values[0], values[1]),
            < 2 => throw new NotebookException($"#!drift needs a REFERENCE and a CURRENT, {(values.Count == 0 ? "but got neither" : $"but got only '{values[0]}'")}, for example: #!drift train test, or #!drift model served:penguins. Usage: {Usage}"),
            _ => throw new NotebookException($"#!drift takes one REFERENCE and one CURRENT, but got {string.Join(", ", values.Select(v => $"'{v}'"))}. Usage: {Usage}"),
        };
    }

    /// <summary>
    /// REFERENCE and CURRENT are read from the magic's text, so <c>@csharp:name</c> is resolved here: a string
    /// variable gives its value (<c>served:@csharp:server</c> too), any other variable stands for itself by name.
    /// </summary>
    private static string Resolve(NotebookSession session, string text)
    {
        var served = text.StartsWith(ServedPrefix, StringComparison.OrdinalIgnoreCase);
        var token = served ? text[ServedPrefix.Length..] : text;
        if (token.StartsWith("@csharp:", StringComparison.Ordinal) && session.CSharp.TryGetValue<object>(token["@csharp:".Length..], out var value) && value is string resolved)
        {
            token = resolved;
        }

        return served ? ServedPrefix + token : token;
    }

    /// <summary><c>@csharp:name</c> stands for the variable <c>name</c>.</summary>
    private static string Variable(string text) => text.StartsWith("@csharp:", StringComparison.Ordinal) ? text["@csharp:".Length..] : text;

    /// <summary>What REFERENCE names: a DataFrame, a model, or a run of the store.</summary>
    private static (string Name, DataFrame? Frame, TrainedModel? Model, string? Run) Reference(NotebookSession session, string text)
    {
        var name = Variable(text.Trim());
        if (SyntaxFacts.IsValidIdentifier(name) && !name.Equals("last", StringComparison.OrdinalIgnoreCase) && !name.Equals("latest", StringComparison.OrdinalIgnoreCase))
        {
            if (!session.CSharp.TryGetValue<object>(name, out var value) || value is null)
            {
                throw new NotebookException($"There is no variable named '{name}' in the C# kernel. REFERENCE is a DataFrame variable, a model variable (from #!train --as) or a run number such as 12 (see #!runs list).");
            }

            return value switch
            {
                DataFrame frame => (name, frame, null, null),
                TrainedModel model => ($"{name}'s reference sample", null, model, null),
                _ => throw new NotebookException($"The variable '{name}' holds {NotebookSession.Describe(value)}, but REFERENCE is a DataFrame, a model (from #!train --as) or a run number."),
            };
        }

        var run = name.TrimStart('#');
        if (run.Equals("last", StringComparison.OrdinalIgnoreCase) || run.Equals("latest", StringComparison.OrdinalIgnoreCase)
            || long.TryParse(run, NumberStyles.None, CultureInfo.InvariantCulture, out _))
        {
            return ($"run {(char.IsDigit(run[0]) ? "#" + run : run)}'s reference sample", null, null, run);
        }

        throw new NotebookException($"REFERENCE '{text}' is not a DataFrame variable, a model variable or a run number (such as 12, #12 or last).");
    }
}
