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
}
