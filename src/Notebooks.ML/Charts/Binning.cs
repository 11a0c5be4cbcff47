using System.Runtime.InteropServices;

namespace Notebooks.ML.Charts;

/// <summary>Equal-width bins computed in .NET, so that a histogram of millions of values ships only its counts.</summary>
internal sealed class Binning
{
    /// <summary>The most bins a chart may ask for.</summary>
    public const int MaxBins = 1_000;

    private const int SampleSize = 100_000;

    private Binning(double start, double width, int count)
    {
        Start = start;
        Width = width;
        Centers = Enumerable.Range(0, count).Select(i => start + ((i + 0.5) * width)).ToArray();
    }

    public double Start { get; }

    public double Width { get; }

    public double[] Centers { get; }

    public int Length => Centers.Length;

    /// <summary>
    /// <paramref name="requested"/> equal bins from the minimum to the maximum; otherwise the Freedman–Diaconis
    /// width rounded to a readable step (1, 2 or 5 × 10ⁿ; whole numbers for whole-number data), 5–100 bins.
    /// </summary>
    public static Binning Create(double[] values, int? requested)
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

        if (min > max)
        {
            return new Binning(-0.5, 1, 1);
        }

        if (min == max)
        {
            // One value: a bin around it, a tenth of its size wide (whole numbers: at least 1), not a sliver of width 1e-9.
            var around = min == 0 ? 1 : Nice(Math.Abs(min) / 10);
            around = Math.Abs(min) < 1e15 && min == Math.Floor(min) ? Math.Max(1, Math.Round(around)) : around;
            return new Binning(min - (around / 2), around, requested ?? 1);
        }

        if (requested is > 0)
        {
            return new Binning(min, (max - min) / requested.Value, requested.Value);
        }

        // Quartiles of an evenly strided sample: exact for small data, close enough for a bin width on large data.
        var stride = Math.Max(1, values.Length / SampleSize);
        var sample = new List<double>(Math.Min(values.Length, SampleSize + 1));
        for (var i = 0; i < values.Length; i += stride)
        {
            if (!double.IsNaN(values[i]))
            {
                sample.Add(values[i]);
            }
        }

        sample.Sort();
        var whole = sample.TrueForAll(v => Math.Abs(v) < 1e15 && v == Math.Floor(v));

        var span = CollectionsMarshal.AsSpan(sample);
        var iqr = Statistics.Quantile(span, 0.75) - Statistics.Quantile(span, 0.25);
        var width = iqr > 0 ? 2 * iqr / Math.Cbrt(sample.Count * (double)stride) : (max - min) / Math.Sqrt(sample.Count * (double)stride);
        width = Math.Max(width, (max - min) / 100);
        width = Math.Min(width, (max - min) / 5);
        width = Nice(width);
        if (whole)
        {
            width = Math.Max(1, Math.Round(width));
        }

        var start = whole ? Math.Floor(min) - 0.5 : Math.Floor(min / width) * width;
        var count = (int)Math.Floor((max - start) / width) + 1;
        return new Binning(start, width, Math.Clamp(count, 1, MaxBins));
    }

    /// <summary>The smallest step of 1, 2, 2.5 or 5 × 10ⁿ at least <paramref name="width"/>.</summary>
    internal static double Nice(double width)
    {
        var power = Math.Pow(10, Math.Floor(Math.Log10(width)));
        foreach (var step in new[] { 1, 2, 2.5, 5, 10 })
        {
            if (step * power >= width * (1 - 1e-9))
            {
                return step * power;
            }
        }

        return 10 * power;
    }

    /// <summary>The bin of <paramref name="value"/>; values on the last edge fall in the last bin.</summary>
    public int IndexOf(double value) => Math.Clamp((int)Math.Floor((value - Start) / Width), 0, Centers.Length - 1);

    public long[] Count(IEnumerable<double> values)
    {
        var counts = new long[Centers.Length];
        foreach (var value in values)
        {
            if (!double.IsNaN(value))
            {
                counts[IndexOf(value)]++;
            }
        }

        return counts;
    }
}
