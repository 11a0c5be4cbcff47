namespace Notebooks.ML.Data;

/// <summary>Resolves <c>--types COL:TYPE,…</c> against a file's column names, with messages that name both.</summary>
internal static class TypeOverrides
{
    public const string TypeNames = "int, long, double, bool, datetime, string";

    public static ColumnKind?[] Resolve(string fileName, IReadOnlyList<string> names, IReadOnlyDictionary<string, string> types)
    {
        var overrides = new ColumnKind?[names.Count];
        foreach (var (column, typeName) in types)
        {
            var index = IndexOf(names, column);
            if (index < 0)
            {
                throw Errors.UnknownColumn(column, "the --types", names, $"'{fileName}'");
            }

            if (!ValueParser.TryParseKindName(typeName, out var kind))
            {
                throw Errors.BadOption("--types", $"{column}:{typeName}", $"a type among {TypeNames}");
            }

            overrides[index] = kind;
        }

        return overrides;
    }

    private static int IndexOf(IReadOnlyList<string> names, string name)
    {
        for (var i = 0; i < names.Count; i++)
        {
            if (names[i] == name)
            {
                return i;
            }
        }

        return -1;
    }
}
