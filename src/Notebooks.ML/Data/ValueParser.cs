using System.Numerics;
using System.Globalization;
using System.Runtime.CompilerServices;

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

    /// <summary>A typed value as invariant text that <see cref="Fits"/> reads back: ISO dates, <c>true</c>/<c>false</c>, invariant numbers.</summary>
    public static string Format(object value) => value switch
    {
        string s => s,
        DateTime d => d.ToString(d.TimeOfDay == TimeSpan.Zero ? "yyyy-MM-dd" : "yyyy-MM-dd HH:mm:ss.FFFFFFF", CultureInfo.InvariantCulture),
        DateOnly d => d.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
        bool b => b ? "true" : "false",
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        _ => value.ToString() ?? "",
    };

    /// <summary>Empty, <c>NA</c>, <c>N/A</c>, <c>null</c>, <c>NaN</c> and <c>None</c> (any case) are missing.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static bool IsMissing(ReadOnlySpan<char> value)
    {
        // Most values are longer than any marker and start with a letter, digit or sign: decide those at once.
        if (value.Length > 6 && value[0] > ' ' && value[^1] > ' ')
        {
            return false;
        }

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

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static bool TryInt32(ReadOnlySpan<char> value, out int result)
    {
        // Fast path: an optional '-' and up to 9 ASCII digits cannot overflow; anything else goes to int.TryParse.
        var negative = value.Length > 0 && value[0] == '-';
        var digits = negative ? value[1..] : value;
        if (digits.Length is > 0 and <= 9)
        {
            var total = 0;
            var i = 0;
            for (; i < digits.Length; i++)
            {
                var d = (uint)(digits[i] - '0');
                if (d > 9)
                {
                    break;
                }

                total = (total * 10) + (int)d;
            }

            if (i == digits.Length)
            {
                result = negative ? -total : total;
                return true;
            }
        }

        return int.TryParse(value.Trim(), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out result);
    }

    public static bool TryInt64(ReadOnlySpan<char> value, out long result) =>
        long.TryParse(value.Trim(), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out result);

    public static bool TryDouble(ReadOnlySpan<char> value, out double result) =>
        TryDecimalFast(value, out result) || double.TryParse(value.Trim(), NumberStyles.Float, CultureInfo.InvariantCulture, out result);

    private static readonly double[] _powersOf10 =
    [
        1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22,
    ];

    /// <summary>
    /// Clinger's fast path for plain decimals (<c>-12.345678</c>): when the digits without the point form an integer
    /// below 2^53 and there are at most 22 decimals, both the integer and the power of ten are exact doubles, so one
    /// IEEE division gives the correctly rounded result, the same double <see cref="double.Parse(string)"/> gives.
    /// Anything else (exponents, spaces, long mantissas) returns false and takes the general parser.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static bool TryDecimalFast(ReadOnlySpan<char> value, out double result) => TryDecimalFast<char>(value, out result);

    /// <summary><see cref="TryDecimalFast(ReadOnlySpan{char}, out double)"/> over UTF-8 bytes (JSON numbers).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static bool TryDecimalFast(ReadOnlySpan<byte> value, out double result) => TryDecimalFast<byte>(value, out result);

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static bool TryDecimalFast<T>(ReadOnlySpan<T> value, out double result)
        where T : unmanaged, IBinaryInteger<T>
    {
        result = 0;
        var i = 0;
        var negative = false;
        var first = value.Length > 0 ? uint.CreateTruncating(value[0]) : 0;
        if (first is '-' or '+')
        {
            negative = first == '-';
            i = 1;
        }

        ulong mantissa = 0;
        var digits = 0;
        var decimals = -1;
        for (; i < value.Length; i++)
        {
            var c = uint.CreateTruncating(value[i]);
            var d = c - '0';
            if (d <= 9)
            {
                if (++digits > 18)
                {
                    return false;
                }

                mantissa = (mantissa * 10) + d;
                if (decimals >= 0)
                {
                    decimals++;
                }
            }
            else if (c == '.' && decimals < 0)
            {
                decimals = 0;
            }
            else
            {
                return false;
            }
        }

        if (digits == 0 || mantissa > (1UL << 53) || decimals > 22)
        {
            return false;
        }

        var magnitude = decimals > 0 ? mantissa / _powersOf10[decimals] : mantissa;
        result = negative ? -magnitude : magnitude;
        return true;
    }

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
