namespace Notebooks.ML.Charts;

/// <summary>Equal-width bins computed in .NET, so that a histogram of millions of values ships only its counts.</summary>
internal sealed class Binning
{
    private Binning(double start, double width, int count)
    {
        Start = start;
        Width = width;
        Centers = Enumerable.Range(0, count).Select(i => start + ((i + 0.5) * width)).ToArray();
    }

    public double Start { get; }

    public double Width { get; }

    public double[] Centers { get; }

    /// <summary>Freedman–Diaconis bin width, clamped to 5–100 bins, unless a count is asked for.</summary>
    public static Binning Create(double[] values, int? requested)
    {
        var min = values.Min();
        var max = values.Max();
        if (min == max)
        {
            return new Binning(min - 0.5, 1, 1);
        }

        int count;
        if (requested is > 0)
        {
            count = requested.Value;
        }
        else
        {
            var sorted = values.Order().ToArray();
            var iqr = sorted[(int)(0.75 * (sorted.Length - 1))] - sorted[(int)(0.25 * (sorted.Length - 1))];
            var width = iqr > 0 ? 2 * iqr / Math.Cbrt(sorted.Length) : (max - min) / Math.Sqrt(sorted.Length);
            count = Math.Clamp((int)Math.Ceiling((max - min) / width), 5, 100);
        }

        return new Binning(min, (max - min) / count, count);
    }

    public long[] Count(IEnumerable<double> values)
    {
        var counts = new long[Centers.Length];
        foreach (var value in values)
        {
            var index = (int)((value - Start) / Width);
            counts[Math.Clamp(index, 0, counts.Length - 1)]++;
        }

        return counts;
    }
}
