namespace Notebooks.ML.Charts;

/// <summary>
/// Rounds the numbers a chart ships to the browser. A double prints with up to 17 digits; a chart needs about six
/// significant digits of its axis range (a millionth of the range is far below a pixel), and rounding there makes
/// the JSON two to three times smaller without moving any mark.
/// </summary>
internal static class Compact
{
    private const double Resolution = 1e-6;

    /// <summary>How many decimals keep a millionth of the range from <paramref name="min"/> to <paramref name="max"/> (negative: round to tens, hundreds…).</summary>
    public static int Decimals(double min, double max)
    {
        if (double.IsNaN(min) || double.IsNaN(max) || double.IsInfinity(min) || double.IsInfinity(max))
        {
            return 15;
        }

        var span = max - min;
        var scale = span > 0 ? span : Math.Max(Math.Abs(min), Math.Abs(max));
        return scale > 0 ? (int)Math.Clamp(Math.Ceiling(-Math.Log10(scale * Resolution)), -300, 15) : 0;
    }

    /// <summary>The decimals for the present (non-NaN) values of <paramref name="values"/>.</summary>
    public static int Decimals(ReadOnlySpan<double> values)
    {
        double min = double.PositiveInfinity, max = double.NegativeInfinity;
        foreach (var value in values)
        {
            if (!double.IsNaN(value))
            {
                min = Math.Min(min, value);
                max = Math.Max(max, value);
            }
        }

        return min > max ? 0 : Decimals(min, max);
    }

    public static double Round(double value, int decimals)
    {
        if (decimals >= 15 || double.IsNaN(value) || double.IsInfinity(value))
        {
            return value;
        }

        if (decimals >= 0)
        {
            return Math.Round(value, decimals, MidpointRounding.AwayFromZero);
        }

        var step = Math.Pow(10, -decimals);
        return Math.Round(value / step, MidpointRounding.AwayFromZero) * step;
    }

    /// <summary>The values at <paramref name="rows"/>, rounded and <see cref="Packed(double[])"/>.</summary>
    public static Array Pick(double[] values, IReadOnlyList<int> rows, int decimals)
    {
        var picked = new double[rows.Count];
        for (var i = 0; i < picked.Length; i++)
        {
            picked[i] = Round(values[rows[i]], decimals);
        }

        return Packed(picked);
    }

    /// <summary>Every value, rounded and <see cref="Packed(double[])"/>.</summary>
    public static Array All(IReadOnlyList<double> values, int decimals)
    {
        var rounded = new double[values.Count];
        for (var i = 0; i < rounded.Length; i++)
        {
            rounded[i] = Round(values[i], decimals);
        }

        return Packed(rounded);
    }

    /// <summary>
    /// The array to ship: whole numbers as <c>long</c> (JSON writes a whole double as <c>326.0</c>, a long as
    /// <c>326</c>), anything else as is.
    /// </summary>
    public static Array Packed(double[] values)
    {
        foreach (var value in values)
        {
            if (value != Math.Floor(value) || Math.Abs(value) > 9e15)
            {
                return values;
            }
        }

        var whole = new long[values.Length];
        for (var i = 0; i < whole.Length; i++)
        {
            whole[i] = (long)values[i];
        }

        return whole;
    }

    /// <summary>A row of values with gaps (null), whole numbers as <c>long</c> when every present value is whole.</summary>
    public static Array Packed(double?[] values)
    {
        foreach (var value in values)
        {
            if (value is { } v && (v != Math.Floor(v) || Math.Abs(v) > 9e15))
            {
                return values;
            }
        }

        return values.Select(v => v is { } present ? (long?)present : null).ToArray();
    }
}
