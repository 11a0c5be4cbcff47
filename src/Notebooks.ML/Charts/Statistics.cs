namespace Notebooks.ML.Charts;

/// <summary>Numeric helpers for charts and profiles; missing values (NaN) are skipped pairwise.</summary>
internal static class Statistics
{
    /// <summary>Pearson correlation of every pair of columns, over the rows where both are present.</summary>
    public static double[][] CorrelationMatrix(double[][] columns)
    {
        var n = columns.Length;
        var matrix = new double[n][];
        for (var i = 0; i < n; i++)
        {
            matrix[i] = new double[n];
        }

        for (var i = 0; i < n; i++)
        {
            matrix[i][i] = 1;
            for (var j = i + 1; j < n; j++)
            {
                matrix[i][j] = matrix[j][i] = Pearson(columns[i], columns[j]);
            }
        }

        return matrix;
    }

    public static double Pearson(double[] a, double[] b)
    {
        double sumA = 0, sumB = 0, count = 0;
        for (var k = 0; k < a.Length; k++)
        {
            if (!double.IsNaN(a[k]) && !double.IsNaN(b[k]))
            {
                sumA += a[k];
                sumB += b[k];
                count++;
            }
        }

        if (count < 2)
        {
            return double.NaN;
        }

        double meanA = sumA / count, meanB = sumB / count, cov = 0, varA = 0, varB = 0;
        for (var k = 0; k < a.Length; k++)
        {
            if (!double.IsNaN(a[k]) && !double.IsNaN(b[k]))
            {
                var da = a[k] - meanA;
                var db = b[k] - meanB;
                cov += da * db;
                varA += da * da;
                varB += db * db;
            }
        }

        return varA == 0 || varB == 0 ? double.NaN : cov / Math.Sqrt(varA * varB);
    }

    /// <summary>The <paramref name="p"/>-quantile of ascending values, interpolating linearly between ranks (NumPy's default, and Plotly's).</summary>
    public static double Quantile(ReadOnlySpan<double> sorted, double p)
    {
        if (sorted.Length == 0)
        {
            return double.NaN;
        }

        var position = p * (sorted.Length - 1);
        var below = (int)Math.Floor(position);
        var above = Math.Min(below + 1, sorted.Length - 1);
        return sorted[below] + ((position - below) * (sorted[above] - sorted[below]));
    }

    /// <summary>Box-plot statistics of ascending values: quartiles, Tukey's whiskers (the furthest values within 1.5 IQR of the box) and the mean.</summary>
    public static BoxStatistics Box(ReadOnlySpan<double> sorted)
    {
        var q1 = Quantile(sorted, 0.25);
        var median = Quantile(sorted, 0.5);
        var q3 = Quantile(sorted, 0.75);
        var iqr = q3 - q1;
        var low = 0;
        while (low < sorted.Length - 1 && sorted[low] < q1 - (1.5 * iqr))
        {
            low++;
        }

        var high = sorted.Length - 1;
        while (high > 0 && sorted[high] > q3 + (1.5 * iqr))
        {
            high--;
        }

        double sum = 0;
        foreach (var value in sorted)
        {
            sum += value;
        }

        return new BoxStatistics(q1, median, q3, sorted[low], sorted[high], sum / sorted.Length, low, sorted.Length - 1 - high);
    }

    /// <summary><paramref name="count"/> evenly spaced quantiles of ascending values, from the minimum to the maximum.</summary>
    public static double[] Sketch(ReadOnlySpan<double> sorted, int count)
    {
        if (sorted.Length <= count)
        {
            return sorted.ToArray();
        }

        var sketch = new double[count];
        for (var i = 0; i < count; i++)
        {
            sketch[i] = Quantile(sorted, (double)i / (count - 1));
        }

        return sketch;
    }

    /// <summary>Sorts a copy of the present (non-NaN) values.</summary>
    public static double[] SortedPresent(IEnumerable<double> values)
    {
        var sorted = values.Where(v => !double.IsNaN(v)).ToArray();
        Array.Sort(sorted);
        return sorted;
    }
}

/// <summary>The numbers a box plot draws for one box.</summary>
/// <param name="Q1">The first quartile: the bottom of the box.</param>
/// <param name="Median">The median: the line inside the box.</param>
/// <param name="Q3">The third quartile: the top of the box.</param>
/// <param name="LowerFence">The end of the lower whisker: the smallest value within 1.5 IQR below the box.</param>
/// <param name="UpperFence">The end of the upper whisker: the largest value within 1.5 IQR above the box.</param>
/// <param name="Mean">The mean.</param>
/// <param name="LowOutliers">How many of the smallest values lie below the lower whisker.</param>
/// <param name="HighOutliers">How many of the largest values lie above the upper whisker.</param>
internal readonly record struct BoxStatistics(double Q1, double Median, double Q3, double LowerFence, double UpperFence, double Mean, int LowOutliers, int HighOutliers);
