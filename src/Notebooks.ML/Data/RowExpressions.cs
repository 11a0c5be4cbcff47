using System.ComponentModel;
using System.Globalization;
using System.Text;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Scripting;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Scripting;
using Microsoft.Data.Analysis;

namespace Notebooks.ML.Data;

/// <summary>
/// <c>--derive "NAME = expression"</c> and <c>--where "predicate"</c>: C# expressions compiled once with Roslyn
/// scripting into a delegate over the row index, which then runs over every row as ordinary compiled code.
/// Each column the expression mentions is copied once into a typed array and read as a local variable named like
/// the column (see <see cref="Identifier"/>); <c>row["exact name"]</c> reads any column as an object.
/// </summary>
internal static class RowExpressions
{
    private static readonly ScriptOptions _scriptOptions = ScriptOptions.Default
        .AddReferences(typeof(DataFrame).Assembly, typeof(ExpressionContext).Assembly, typeof(Enumerable).Assembly)
        .AddImports("System", "System.Linq")
        .WithOptimizationLevel(OptimizationLevel.Release);

    public static DataFrame Apply(DataFrame frame, LoadOptions options, List<string> steps)
    {
        foreach (var derive in options.Derive)
        {
            var (name, expression) = SplitDerive(derive);
            var values = Compile<object>(frame, expression, "--derive", derive, isPredicate: false);
            var column = ((IDerivedValues)values.Run()).Build(name, frame.Rows.Count, values.Fail);
            var existing = frame.Columns.IndexOf(name);
            if (existing >= 0)
            {
                frame.Columns[existing] = column;
            }
            else
            {
                frame.Columns.Add(column);
            }

            steps.Add($"--derive {name} = {expression.Trim()} ({ColumnSummary.TypeName(column.DataType)})");
        }

        if (options.Where is { } where)
        {
            var compiled = Compile<Func<int, bool>>(frame, where, "--where", where, isPredicate: true);
            var predicate = compiled.Run();
            var rows = (int)frame.Rows.Count;
            var kept = new List<long>();
            for (var i = 0; i < rows; i++)
            {
                bool keep;
                try
                {
                    keep = predicate(i);
                }
#pragma warning disable CA1031 // The user's code may throw anything; the message says which row and why.
                catch (Exception e)
#pragma warning restore CA1031
                {
                    throw compiled.Fail(i, e);
                }

                if (keep)
                {
                    kept.Add(i);
                }
            }

            steps.Add($"--where {where.Trim()}: kept {kept.Count:N0} of {rows:N0} rows");
            frame = kept.Count == rows ? frame : frame[kept];
        }

        return frame;
    }

    private static (string Name, string Expression) SplitDerive(string derive)
    {
        for (var i = 0; i < derive.Length; i++)
        {
            if (derive[i] != '=')
            {
                continue;
            }

            var doubled = i + 1 < derive.Length && derive[i + 1] == '=';
            var comparison = i > 0 && derive[i - 1] is '!' or '<' or '>' or '=';
            if (doubled || comparison)
            {
                break;
            }

            var name = derive[..i].Trim();
            if (name.Length > 0 && derive[(i + 1)..].Trim().Length > 0)
            {
                return (name, derive[(i + 1)..]);
            }

            break;
        }

        throw Errors.BadOption("--derive", derive, "NAME = C# expression, for example: --derive \"ratio = price / carat\"");
    }

    /// <summary>The C# name a column is read by in an expression: <c>first name</c> → <c>first_name</c>, <c>2nd</c> → <c>_2nd</c>, <c>class</c> → <c>@class</c>.</summary>
    internal static string Identifier(string name)
    {
        var text = new StringBuilder(name.Length + 1);
        foreach (var c in name)
        {
            text.Append(char.IsLetterOrDigit(c) || c == '_' ? c : '_');
        }

        if (text.Length == 0 || char.IsDigit(text[0]))
        {
            text.Insert(0, '_');
        }

        var identifier = text.ToString();
        return SyntaxFacts.GetKeywordKind(identifier) != SyntaxKind.None ? "@" + identifier : identifier;
    }

    /// <summary>Every column's expression name, unique (a clash gets <c>_2</c>, <c>_3</c>), by column index.</summary>
    internal static string[] Identifiers(DataFrame frame)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var result = new string[frame.Columns.Count];
        for (var c = 0; c < result.Length; c++)
        {
            var identifier = Identifier(frame.Columns[c].Name);
            var candidate = identifier;
            for (var n = 2; !seen.Add(candidate.TrimStart('@')); n++)
            {
                candidate = $"{identifier}_{n}";
            }

            result[c] = candidate;
        }

        return result;
    }

    private static Compiled<T> Compile<T>(DataFrame frame, string expression, string option, string given, bool isPredicate)
    {
        if (string.IsNullOrWhiteSpace(expression))
        {
            throw Errors.BadOption(option, given, isPredicate ? "a C# condition such as price > 1000" : "NAME = C# expression");
        }

        var identifiers = Identifiers(frame);
        var mentioned = Mentioned(expression);
        var code = new StringBuilder("using static System.Math;\n");
        var locals = new StringBuilder();
        var bound = new List<object>();
        for (var c = 0; c < identifiers.Length; c++)
        {
            if (!mentioned.Contains(identifiers[c].TrimStart('@')))
            {
                continue;
            }

            var (type, values) = Bind(frame.Columns[c]);
            code.Append(CultureInfo.InvariantCulture, $"var __c{bound.Count} = ({type}[])ColumnData[{bound.Count}];\n");
            locals.Append(CultureInfo.InvariantCulture, $"    var {identifiers[c]} = __c{bound.Count}[__i];\n");
            bound.Add(values);
        }

        if (mentioned.Contains("row") && !identifiers.Any(i => i.TrimStart('@') == "row"))
        {
            locals.Append("    var row = new Notebooks.ML.Data.ExpressionRow(SourceFrame, __i);\n");
        }

        var helper = isPredicate ? "Predicate" : "Derive";
        code.Append(CultureInfo.InvariantCulture, $"return Notebooks.ML.Data.ExpressionContext.{helper}(__i =>\n{{\n").Append(locals);
        code.Append(isPredicate ? "    bool __result = (\n" : "    return (\n");
        var start = code.Length;
        code.Append(expression).Append("\n);\n");
        if (isPredicate)
        {
            code.Append("    return __result;\n");
        }

        code.Append("});\n");

        var script = CSharpScript.Create<object>(code.ToString(), _scriptOptions, typeof(ExpressionContext));
        var errors = script.Compile().Where(d => d.Severity == DiagnosticSeverity.Error).ToArray();
        if (errors.Length > 0)
        {
            throw CompileError(errors[0], start, expression, option, given, frame, identifiers);
        }

        var context = new ExpressionContext(frame, bound.ToArray());
        return new Compiled<T>(() => (T)script.RunAsync(context).GetAwaiter().GetResult().ReturnValue, option, given);
    }

    private static HashSet<string> Mentioned(string expression)
    {
        var syntax = SyntaxFactory.ParseExpression(expression);
        return syntax.DescendantNodesAndSelf().OfType<IdentifierNameSyntax>().Select(i => i.Identifier.ValueText).ToHashSet(StringComparer.Ordinal);
    }

    private static (string Type, object Values) Bind(DataFrameColumn column)
    {
        var length = (int)column.Length;
        var nullable = column.NullCount > 0;
        switch (column)
        {
            case DoubleDataFrameColumn or SingleDataFrameColumn:
                return ("double", Columns.AsDoubles(column));
            case Int32DataFrameColumn ints:
                return nullable ? ("int?", Copy(ints, length)) : ("int", Copy(ints, length).Select(v => v ?? 0).ToArray());
            case Int64DataFrameColumn longs:
                return nullable ? ("long?", Copy(longs, length)) : ("long", Copy(longs, length).Select(v => v ?? 0).ToArray());
            case BooleanDataFrameColumn bools:
                return nullable ? ("bool?", Copy(bools, length)) : ("bool", Copy(bools, length).Select(v => v ?? false).ToArray());
            case DateTimeDataFrameColumn dates:
                return nullable ? ("System.DateTime?", Copy(dates, length)) : ("System.DateTime", Copy(dates, length).Select(v => v ?? default).ToArray());
            case StringDataFrameColumn strings:
                var text = new string?[length];
                for (var i = 0; i < length; i++)
                {
                    text[i] = strings[i];
                }

                return ("string", text);
            default:
                if (Columns.IsNumeric(column))
                {
                    return ("double", Columns.AsDoubles(column));
                }

                var objects = new object?[length];
                for (var i = 0; i < length; i++)
                {
                    objects[i] = column[i];
                }

                return ("object", objects);
        }
    }

    private static T?[] Copy<T>(PrimitiveDataFrameColumn<T> column, int length)
        where T : unmanaged
    {
        var values = new T?[length];
        var offset = 0;
        var buffers = column.GetReadOnlyDataBuffers();
        var validity = column.GetReadOnlyNullBitMapBuffers();
        using var data = buffers.GetEnumerator();
        using var bits = validity.GetEnumerator();
        while (data.MoveNext() && bits.MoveNext())
        {
            var span = data.Current.Span;
            var map = bits.Current.Span;
            for (var i = 0; i < span.Length; i++)
            {
                values[offset + i] = (map[i >> 3] & (1 << (i & 7))) != 0 ? span[i] : null;
            }

            offset += span.Length;
        }

        return values;
    }

    private static NotebookException CompileError(Diagnostic error, int start, string expression, string option, string given, DataFrame frame, string[] identifiers)
    {
        var position = error.Location.IsInSource ? error.Location.SourceSpan.Start - start : 0;
        if (position < 0 || position > expression.Length)
        {
            position = 0;
        }

        var message = new StringBuilder();
        message.Append(CultureInfo.InvariantCulture, $"{option} \"{given.Trim()}\" does not compile: {error.Id} {error.GetMessage(CultureInfo.InvariantCulture)} (at character {position + 1} of the expression)\n");
        message.Append("    ").Append(expression.ReplaceLineEndings(" ")).Append('\n');
        message.Append("    ").Append(' ', position).Append('^').Append('\n');
        if (error.Id == "CS0103")
        {
            var missing = error.GetMessage(CultureInfo.InvariantCulture).Split('\'') is [_, var name, ..] ? name : "";
            if (Errors.ClosestMatch(missing, identifiers.Select(i => i.TrimStart('@'))) is { } near)
            {
                message.Append(CultureInfo.InvariantCulture, $"Did you mean '{near}'? ");
            }
        }

        var names = identifiers.Select((id, c) => id.TrimStart('@') == frame.Columns[c].Name ? id : $"{id} ({frame.Columns[c].Name})");
        message.Append("Columns as C# names: ").Append(string.Join(", ", names)).Append(". Any column also reads as row[\"exact name\"].");
        return Errors.Fail(message.ToString());
    }

    private sealed class Compiled<T>(Func<T> run, string option, string given)
    {
        public T Run() => run();

        public NotebookException Fail(int row, Exception error) =>
            Errors.Fail($"{option} \"{given.Trim()}\" failed on row {row + 1}: {error.GetType().Name}: {error.Message}{(error is NullReferenceException ? " Missing text is null: test it first, e.g. name != null && name.Length > 3." : "")}");
    }
}

/// <summary>What a compiled <c>--derive</c> returns: values of one C# type, turned into a column of the matching kind.</summary>
internal interface IDerivedValues
{
    DataFrameColumn Build(string name, long length, Func<int, Exception, NotebookException> fail);
}

/// <summary>
/// The globals that <c>--where</c> and <c>--derive</c> expressions compile against. Infrastructure for the Roslyn
/// scripts <see cref="DataLoader"/> generates; notebooks do not use it directly.
/// </summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public sealed class ExpressionContext
{
    internal ExpressionContext(DataFrame frame, object[] columns)
    {
        SourceFrame = frame;
        ColumnData = columns;
    }

    /// <summary>The DataFrame the expression runs over.</summary>
    public DataFrame SourceFrame { get; }

    /// <summary>The typed values of the columns the expression mentions, in the order the script binds them.</summary>
    public IReadOnlyList<object> ColumnData { get; }

    /// <summary>Hands a compiled predicate back to the loader.</summary>
    public static object Predicate(Func<int, bool> predicate) => predicate;

    /// <summary>Hands a compiled derived-column function back to the loader, with its value type inferred by C#.</summary>
    public static object Derive<T>(Func<int, T> values) => new DerivedValues<T>(values);

    private sealed class DerivedValues<T>(Func<int, T> values) : IDerivedValues
    {
        public DataFrameColumn Build(string name, long length, Func<int, Exception, NotebookException> fail)
        {
            var rows = (int)length;
            var builder = ColumnBuilder.Create(KindOf(Nullable.GetUnderlyingType(typeof(T)) ?? typeof(T)));
            builder.Reserve(rows);
            for (var i = 0; i < rows; i++)
            {
                T value;
                try
                {
                    value = values(i);
                }
#pragma warning disable CA1031 // The user's code may throw anything; the message says which row and why.
                catch (Exception e)
#pragma warning restore CA1031
                {
                    throw fail(i, e);
                }

                switch (value)
                {
                    case null:
                    case double d when double.IsNaN(d):
                    case float f when float.IsNaN(f):
                        builder.SetMissing(i);
                        break;
                    default:
                        builder.SetObject(i, value);
                        break;
                }
            }

            return builder.Build(name, rows);
        }

        private static ColumnKind KindOf(Type type) => type switch
        {
            _ when type == typeof(bool) => ColumnKind.Boolean,
            _ when type == typeof(int) || type == typeof(short) || type == typeof(byte) || type == typeof(sbyte) || type == typeof(ushort) || type == typeof(char) => ColumnKind.Int32,
            _ when type == typeof(long) || type == typeof(uint) => ColumnKind.Int64,
            _ when type == typeof(double) || type == typeof(float) || type == typeof(decimal) || type == typeof(ulong) => ColumnKind.Double,
            _ when type == typeof(DateTime) || type == typeof(DateOnly) || type == typeof(DateTimeOffset) => ColumnKind.DateTime,
            _ => ColumnKind.String,
        };
    }
}

/// <summary>
/// <c>row</c> in a <c>--where</c> or <c>--derive</c> expression: reads any column of the current row by its exact
/// name, e.g. <c>row["first name"]</c>, as an object (<see langword="null"/> when missing).
/// </summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public readonly struct ExpressionRow
{
    private readonly DataFrame _frame;
    private readonly int _index;

    /// <summary>The row <paramref name="index"/> of <paramref name="frame"/>.</summary>
    public ExpressionRow(DataFrame frame, int index)
    {
        _frame = frame;
        _index = index;
    }

    /// <summary>The value of the column named exactly <paramref name="column"/> in this row.</summary>
    public object? this[string column] => Columns.Find(_frame, column, "the row[…]")[_index];
}
