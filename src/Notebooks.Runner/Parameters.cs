using System.Globalization;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.DotNet.Interactive.Documents;
using Notebooks.Runner.Reports;

namespace Notebooks.Runner;

/// <summary>
/// Papermill-style parameters. The parameters cell is the cell tagged <c>parameters</c> (.ipynb) or the C# cell whose
/// first line is <c>// parameters</c> (.dib). Its top-level assignments (<c>var seed = 1;</c>, <c>string data = "x.csv";</c>)
/// are the parameters; <c>-p NAME=VALUE</c> values are checked against each one's type and injected as a new cell
/// right after it (tagged <c>injected-parameters</c>), so the notebook shows both the defaults and what ran.
/// </summary>
internal static class Parameters
{
    public const string Tag = "parameters";
    public const string InjectedTag = "injected-parameters";
    private const string DibMarker = "// parameters";

    /// <summary>A parameter declared in the parameters cell: its name, C# type keyword and default value as written.</summary>
    public sealed record Declared(string Name, string Type, string Default);

    public static IReadOnlyDictionary<string, string> Parse(IEnumerable<string> pairs)
    {
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var pair in pairs)
        {
            var equals = pair.IndexOf('=', StringComparison.Ordinal);
            if (equals <= 0)
            {
                throw new RunnerException($"-p expects NAME=VALUE, got '{pair}'. For example: -p seed=7");
            }

            values[pair[..equals].Trim()] = pair[(equals + 1)..];
        }

        return values;
    }

    public static int? FindCell(InteractiveDocument document)
    {
        for (var i = 0; i < document.Elements.Count; i++)
        {
            var cell = document.Elements[i];
            if (NotebookDocument.IsMarkdown(cell))
            {
                continue;
            }

            if (ReportWriter.Tags(cell).Contains(Tag) ||
                cell.Contents.TrimStart().StartsWith(DibMarker, StringComparison.OrdinalIgnoreCase))
            {
                return i;
            }
        }

        return null;
    }

    public static IReadOnlyList<Declared> Declarations(string code)
    {
        var tree = CSharpSyntaxTree.ParseText(code, new CSharpParseOptions(kind: SourceCodeKind.Script));
        var declared = new List<Declared>();
        foreach (var declaration in tree.GetRoot().DescendantNodes().OfType<VariableDeclarationSyntax>())
        {
            if (declaration.Parent is not (LocalDeclarationStatementSyntax or FieldDeclarationSyntax))
            {
                continue;
            }

            foreach (var variable in declaration.Variables)
            {
                if (variable.Initializer?.Value is { } value)
                {
                    declared.Add(new Declared(variable.Identifier.Text, TypeOf(declaration.Type, value), value.ToString()));
                }
            }
        }

        return declared;
    }

    private static string TypeOf(TypeSyntax type, ExpressionSyntax value)
    {
        if (!type.IsVar)
        {
            return type.ToString();
        }

        return value switch
        {
            LiteralExpressionSyntax literal when literal.IsKind(SyntaxKind.StringLiteralExpression) => "string",
            LiteralExpressionSyntax literal when literal.IsKind(SyntaxKind.TrueLiteralExpression) || literal.IsKind(SyntaxKind.FalseLiteralExpression) => "bool",
            LiteralExpressionSyntax { Token.Value: int } => "int",
            LiteralExpressionSyntax { Token.Value: long } => "long",
            LiteralExpressionSyntax { Token.Value: double } => "double",
            LiteralExpressionSyntax { Token.Value: float } => "float",
            LiteralExpressionSyntax { Token.Value: decimal } => "decimal",
            PrefixUnaryExpressionSyntax { Operand: LiteralExpressionSyntax operand } prefix when prefix.IsKind(SyntaxKind.UnaryMinusExpression) => TypeOf(type, operand),
            _ => "string",
        };
    }

    /// <summary>
    /// Adds the injected-parameters cell; returns every parameter as the notebook will see it, those not given with
    /// <c>-p</c> marked "(default)" (the report and the terminal list them all).
    /// </summary>
    public static IReadOnlyDictionary<string, string> Inject(InteractiveDocument document, IReadOnlyDictionary<string, string> values)
    {
        if (values.Count == 0)
        {
            return FindCell(document) is { } cell
                ? Declarations(document.Elements[cell].Contents).ToDictionary(d => d.Name, d => $"{d.Default} (default)", StringComparer.Ordinal)
                : values;
        }

        if (FindCell(document) is not { } index)
        {
            throw new RunnerException($"-p {values.Keys.First()}=…: this notebook has no parameters cell. Tag one cell 'parameters' (.ipynb) or start it with '{DibMarker}' (.dib).");
        }

        var declared = Declarations(document.Elements[index].Contents).ToDictionary(d => d.Name, StringComparer.Ordinal);
        var cellNumber = CellNames.Numbers(document)[index];
        var lines = new List<string> { "// Parameters injected by notebooks run -p" };
        foreach (var (name, value) in values)
        {
            if (!declared.TryGetValue(name, out var parameter))
            {
                var known = declared.Count == 0 ? "none" : string.Join(", ", declared.Keys);
                throw new RunnerException($"Unknown parameter '{name}'. The parameters cell (cell {cellNumber}) defines: {known}.");
            }

            lines.Add($"{name} = {Literal(parameter, value)};");
        }

        var injected = new InteractiveDocumentElement(string.Join('\n', lines), document.Elements[index].KernelName ?? "csharp", [])
        {
            Metadata = new Dictionary<string, object> { ["tags"] = new List<object> { InjectedTag } },
        };
        document.Elements.Insert(index + 1, injected);
        var seen = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var parameter in declared.Values)
        {
            seen[parameter.Name] = values.TryGetValue(parameter.Name, out var given) ? given : $"{parameter.Default} (default)";
        }

        return seen;
    }

    private static string Literal(Declared parameter, string value)
    {
        string Fail(string expected) => throw new RunnerException(
            $"-p {parameter.Name}={value}: '{value}' is not {expected} (the parameters cell has {parameter.Type} {parameter.Name} = {parameter.Default}).");

        var invariant = CultureInfo.InvariantCulture;
        return parameter.Type switch
        {
            "int" => int.TryParse(value, NumberStyles.Integer, invariant, out var i) ? i.ToString(invariant) : Fail("a whole number"),
            "long" => long.TryParse(value, NumberStyles.Integer, invariant, out var l) ? l.ToString(invariant) + "L" : Fail("a whole number"),
            "double" => double.TryParse(value, NumberStyles.Float, invariant, out var d) ? d.ToString("R", invariant) + "d" : Fail("a number"),
            "float" => float.TryParse(value, NumberStyles.Float, invariant, out var f) ? f.ToString("R", invariant) + "f" : Fail("a number"),
            "decimal" => decimal.TryParse(value, NumberStyles.Float, invariant, out var m) ? m.ToString(invariant) + "m" : Fail("a number"),
            "bool" => bool.TryParse(value, out var b) ? (b ? "true" : "false") : Fail("true or false"),
            _ => SymbolDisplay.FormatLiteral(value, quote: true),
        };
    }
}
