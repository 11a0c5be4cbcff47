namespace Notebooks.ML.Drift;

/// <summary>
/// Evidently's <c>get_binned_data</c>: each side's share per bin. Numeric columns with more than 20 distinct
/// reference values are cut into Sturges bins over both sides together; everything else is counted per value.
/// </summary>
internal static class Binned
{
    public static (double[] Reference, double[] Current) Percents(ColumnPair pair, bool fillZeroes)
    {
        long[] reference, current;
        if (pair.Kind == DriftColumnKind.Numeric && pair.ReferenceDistinct > 20)
        {
            (reference, current) = (pair.Sturges.Reference, pair.Sturges.Current);
        }
        else
        {
            (reference, current) = (pair.Categories.Reference, pair.Categories.Current);
        }

        var r = reference.Select(c => c / (double)pair.Reference.Count).ToArray();
        var c = current.Select(c => c / (double)pair.Current.Count).ToArray();
        if (fillZeroes)
        {
            FillZeroes(r);
            FillZeroes(c);
        }

        return (r, c);
    }

    /// <summary>Empty bins get the smallest non-zero share / 10⁶ when that is at most 0.0001, else 0.0001.</summary>
    private static void FillZeroes(double[] shares)
    {
        var smallest = shares.Where(s => s != 0).DefaultIfEmpty(1).Min();
        var fill = smallest <= 0.0001 ? smallest / 1e6 : 0.0001;
        for (var i = 0; i < shares.Length; i++)
        {
            if (shares[i] == 0)
            {
                shares[i] = fill;
            }
        }
    }
}
