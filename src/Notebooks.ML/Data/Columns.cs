using System.Globalization;
using Microsoft.Data.Analysis;

namespace Notebooks.ML.Data;

/// <summary>Typed access to DataFrame columns for charts and training: numbers as doubles (NaN when missing), everything else as text.</summary>
internal static class Columns
{
    public static bool IsNumeric(DataFrameColumn column) =>
        column.DataType == typeof(double) || column.DataType == typeof(float) || column.DataType == typeof(int) ||
        column.DataType == typeof(long) || column.DataType == typeof(short) || column.DataType == typeof(byte) ||
        column.DataType == typeof(decimal) || column.DataType == typeof(uint) || column.DataType == typeof(ulong);

    public static DataFrameColumn Find(DataFrame frame, string name, string role) =>
        Find(frame, name, role, DataProvenance.Of(frame) is { } origin ? $"'{Path.GetFileName(origin.Source)}'" : null);

    public static DataFrameColumn Find(DataFrame frame, string name, string role, string? source)
    {
        foreach (var column in frame.Columns)
        {
            if (column.Name == name)
            {
                return column;
            }
        }

        throw Errors.UnknownColumn(name, role, frame.Columns.Select(c => c.Name), source);
    }

    public static double[] AsDoubles(DataFrameColumn column)
    {
        var values = new double[column.Length];
        switch (column)
        {
            case DoubleDataFrameColumn d:
                for (var i = 0; i < values.Length; i++)
                {
                    values[i] = d[i] ?? double.NaN;
                }

                break;
            case SingleDataFrameColumn f:
                for (var i = 0; i < values.Length; i++)
                {
                    values[i] = f[i] ?? double.NaN;
                }

                break;
            case Int32DataFrameColumn n:
                for (var i = 0; i < values.Length; i++)
                {
                    values[i] = n[i] ?? double.NaN;
                }

                break;
            case Int64DataFrameColumn l:
                for (var i = 0; i < values.Length; i++)
                {
                    values[i] = l[i] ?? double.NaN;
                }

                break;
            case BooleanDataFrameColumn b:
                for (var i = 0; i < values.Length; i++)
                {
                    values[i] = b[i] is { } v ? (v ? 1 : 0) : double.NaN;
                }

                break;
            default:
                for (var i = 0; i < values.Length; i++)
                {
                    values[i] = column[i] is { } v ? Convert.ToDouble(v, CultureInfo.InvariantCulture) : double.NaN;
                }

                break;
        }

        return values;
    }

    public static string?[] AsText(DataFrameColumn column)
    {
        var values = new string?[column.Length];
        for (long i = 0; i < column.Length; i++)
        {
            values[i] = column[i] switch
            {
                null => null,
                string s => s,
                DateTime d => d.ToString(d.TimeOfDay == TimeSpan.Zero ? "yyyy-MM-dd" : "yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture),
                IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
                var v => v.ToString(),
            };
        }

        return values;
    }
}
