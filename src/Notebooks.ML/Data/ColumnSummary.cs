using Microsoft.Data.Analysis;

namespace Notebooks.ML.Data;

/// <summary>One column's name, type and counts, as shown in the schema table after <c>#!load</c>.</summary>
public sealed class ColumnSummary
{
    private ColumnSummary(string name, string type, long missing, long distinct)
    {
        Name = name;
        Type = type;
        Missing = missing;
        Distinct = distinct;
    }

    /// <summary>The column name.</summary>
    public string Name { get; }

    /// <summary>The short type name: <c>int</c>, <c>long</c>, <c>double</c>, <c>bool</c>, <c>datetime</c>, <c>string</c>.</summary>
    public string Type { get; }

    /// <summary>How many values are missing.</summary>
    public long Missing { get; }

    /// <summary>How many distinct present values there are.</summary>
    public long Distinct { get; }

    /// <summary>Describes every column of <paramref name="frame"/>.</summary>
    public static IReadOnlyList<ColumnSummary> Describe(DataFrame frame)
    {
        ArgumentNullException.ThrowIfNull(frame);
        return frame.Columns.Select(c => new ColumnSummary(c.Name, TypeName(c.DataType), c.NullCount, CountDistinct(c))).ToArray();
    }

    internal static string TypeName(Type type) => type switch
    {
        _ when type == typeof(int) => "int",
        _ when type == typeof(long) => "long",
        _ when type == typeof(double) => "double",
        _ when type == typeof(float) => "float",
        _ when type == typeof(bool) => "bool",
        _ when type == typeof(DateTime) => "datetime",
        _ when type == typeof(string) => "string",
        _ => type.Name,
    };

    private static long CountDistinct(DataFrameColumn column)
    {
        var seen = new HashSet<object>();
        for (long i = 0; i < column.Length; i++)
        {
            if (column[i] is { } value)
            {
                seen.Add(value);
            }
        }

        return seen.Count;
    }
}
