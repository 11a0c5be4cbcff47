using System.Globalization;

namespace Notebooks.ML.Data;

/// <summary>Recognises missing values and parses one field as a given <see cref="ColumnKind"/>, invariant culture.</summary>
internal static class ValueParser
{
    private static readonly string[] _dateFormats =
    [
        "yyyy-MM-dd", "yyyy-MM-dd HH:mm", "yyyy-MM-dd HH:mm:ss", "yyyy-MM-ddTHH:mm", "yyyy-MM-ddTHH:mm:ss",
        "yyyy-MM-dd HH:mm:ss.FFFFFFF", "yyyy-MM-ddTHH:mm:ss.FFFFFFF", "yyyy-MM-ddTHH:mm:ssK", "yyyy-MM-ddTHH:mm:ss.FFFFFFFK",
        "yyyy/MM/dd", "yyyy/MM/dd HH:mm:ss", "MM/dd/yyyy", "MM/dd/yyyy HH:mm:ss",
    ];

    /// <summary>Empty, <c>NA</c>, <c>N/A</c>, <c>null</c>, <c>NaN</c> and <c>None</c> (any case) are missing.</summary>
    public static bool IsMissing(ReadOnlySpan<char> value)
    {
        value = value.Trim();
        return value.Length switch
        {
            0 => true,
            2 => value.Equals("NA", StringComparison.OrdinalIgnoreCase),
            3 => value.Equals("NaN", StringComparison.OrdinalIgnoreCase) || value.Equals("N/A", StringComparison.OrdinalIgnoreCase),
            4 => value.Equals("null", StringComparison.OrdinalIgnoreCase) || value.Equals("None", StringComparison.OrdinalIgnoreCase),
            _ => false,
        };
    }

    public static bool TryBoolean(ReadOnlySpan<char> value, out bool result)
    {
        value = value.Trim();
        if (value.Equals("true", StringComparison.OrdinalIgnoreCase))
        {
            result = true;
            return true;
        }

        if (value.Equals("false", StringComparison.OrdinalIgnoreCase))
        {
            result = false;
            return true;
        }

        result = false;
        return false;
    }

    public static bool TryInt32(ReadOnlySpan<char> value, out int result) =>
        int.TryParse(value.Trim(), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out result);

    public static bool TryInt64(ReadOnlySpan<char> value, out long result) =>
        long.TryParse(value.Trim(), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out result);

    public static bool TryDouble(ReadOnlySpan<char> value, out double result) =>
        double.TryParse(value.Trim(), NumberStyles.Float, CultureInfo.InvariantCulture, out result);

    public static bool TryDateTime(ReadOnlySpan<char> value, out DateTime result)
    {
        value = value.Trim();
        // Dates start with a digit and contain a date separator; this keeps "1.5" or "3" from becoming dates.
        if (value.Length < 8 || !char.IsAsciiDigit(value[0]) || (value.IndexOf('-') < 0 && value.IndexOf('/') < 0))
        {
            result = default;
            return false;
        }

        return DateTime.TryParseExact(value, _dateFormats, CultureInfo.InvariantCulture,
            DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal, out result);
    }

    /// <summary>Whether a present (non-missing) value can be stored in a column of <paramref name="kind"/>.</summary>
    public static bool Fits(ReadOnlySpan<char> value, ColumnKind kind) => kind switch
    {
        ColumnKind.Boolean => TryBoolean(value, out _),
        ColumnKind.Int32 => TryInt32(value, out _),
        ColumnKind.Int64 => TryInt64(value, out _),
        ColumnKind.Double => TryDouble(value, out _),
        ColumnKind.DateTime => TryDateTime(value, out _),
        _ => true,
    };

    /// <summary>The narrowest kind that holds a present value.</summary>
    public static ColumnKind Narrowest(ReadOnlySpan<char> value)
    {
        if (TryInt32(value, out _))
        {
            return ColumnKind.Int32;
        }

        if (TryInt64(value, out _))
        {
            return ColumnKind.Int64;
        }

        if (TryDouble(value, out _))
        {
            return ColumnKind.Double;
        }

        if (TryBoolean(value, out _))
        {
            return ColumnKind.Boolean;
        }

        return TryDateTime(value, out _) ? ColumnKind.DateTime : ColumnKind.String;
    }

    /// <summary>The narrowest kind that holds values of both kinds.</summary>
    public static ColumnKind Widen(ColumnKind a, ColumnKind b)
    {
        if (a == b)
        {
            return a;
        }

        var numeric = IsNumeric(a) && IsNumeric(b);
        return numeric ? (ColumnKind)Math.Max((int)a, (int)b) : ColumnKind.String;
    }

    private static bool IsNumeric(ColumnKind kind) => kind is ColumnKind.Int32 or ColumnKind.Int64 or ColumnKind.Double;

    public static bool TryParseKindName(string name, out ColumnKind kind)
    {
        switch (name.Trim().ToUpperInvariant())
        {
            case "BOOL" or "BOOLEAN":
                kind = ColumnKind.Boolean;
                return true;
            case "INT" or "INT32" or "INTEGER":
                kind = ColumnKind.Int32;
                return true;
            case "LONG" or "INT64":
                kind = ColumnKind.Int64;
                return true;
            case "DOUBLE" or "FLOAT" or "NUMBER" or "FLOAT64":
                kind = ColumnKind.Double;
                return true;
            case "DATETIME" or "DATE":
                kind = ColumnKind.DateTime;
                return true;
            case "STRING" or "TEXT" or "CATEGORY" or "STR":
                kind = ColumnKind.String;
                return true;
            default:
                kind = ColumnKind.String;
                return false;
        }
    }
}
