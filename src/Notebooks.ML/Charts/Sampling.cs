namespace Notebooks.ML.Charts;

/// <summary>
/// Down-sampling for charts of large data: a seeded random sample stratified by group for points, and
/// Largest-Triangle-Three-Buckets (Steinarsson, 2013) for lines, which keeps peaks and troughs that a random sample
/// would lose. Both are deterministic: the same rows, budget and seed give the same picture.
/// </summary>
internal static class Sampling
{
    /// <summary>
    /// Picks at most <paramref name="budget"/> rows. <paramref name="groupOf"/> gives each row's group (-1: leave the
    /// row out). Every group gets a share in proportion to its size, but at least a small floor so that a rare group
    /// stays visible; within a group every row is equally likely. Rows keep their original order.
    /// </summary>
    public static int[][] Stratified(int[] groupOf, int groupCount, int budget, int seed)
    {
        var sizes = new long[groupCount];
        foreach (var group in groupOf)
        {
            if (group >= 0)
            {
                sizes[group]++;
            }
        }

        var quotas = Allocate(sizes, budget);
        var picked = new int[groupCount][];
        var filled = new int[groupCount];
        var remaining = (long[])sizes.Clone();
        var needed = (long[])quotas.Clone();
        for (var g = 0; g < groupCount; g++)
        {
            picked[g] = new int[quotas[g]];
        }

        // Selection sampling (Knuth's Algorithm S), run for every group in one pass over the rows.
        var random = new Random(seed);
        for (var row = 0; row < groupOf.Length; row++)
        {
            var group = groupOf[row];
            if (group < 0 || needed[group] == 0)
            {
                continue;
            }

            if (needed[group] == remaining[group] || random.NextDouble() * remaining[group] < needed[group])
            {
                picked[group][filled[group]++] = row;
                needed[group]--;
            }

            remaining[group]--;
        }

        return picked;
    }

    /// <summary>
    /// Shares of <paramref name="budget"/> in proportion to group size; a group whose share would fall below a small
    /// floor gets the floor (or all its rows), and the other groups share the rest. The shares add up to the budget.
    /// </summary>
    internal static long[] Allocate(long[] sizes, int budget)
    {
        var total = sizes.Sum();
        if (total <= budget)
        {
            return (long[])sizes.Clone();
        }

        var floor = Math.Max(1, Math.Min(1_000, budget / (4 * Math.Max(1, sizes.Length))));
        var quotas = new long[sizes.Length];
        var small = new bool[sizes.Length];
        for (var g = 0; g < sizes.Length; g++)
        {
            var share = (double)budget * sizes[g] / total;
            if (share < Math.Min(sizes[g], floor))
            {
                small[g] = true;
                quotas[g] = Math.Min(sizes[g], floor);
            }
        }

        var rest = budget - quotas.Sum();
        var restSize = sizes.Where((_, g) => !small[g]).Sum();
        var shares = sizes.Select((s, g) => small[g] || restSize == 0 ? 0 : (double)rest * s / restSize).ToArray();
        for (var g = 0; g < sizes.Length; g++)
        {
            if (!small[g])
            {
                quotas[g] = Math.Min(sizes[g], (long)shares[g]);
            }
        }

        // Largest remainder for what flooring left over, ties to the first group.
        var left = budget - quotas.Sum();
        foreach (var g in Enumerable.Range(0, sizes.Length).OrderByDescending(g => shares[g] - Math.Floor(shares[g])).ThenBy(g => g))
        {
            if (left <= 0)
            {
                break;
            }

            if (quotas[g] < sizes[g])
            {
                quotas[g]++;
                left--;
            }
        }

        return quotas;
    }

    /// <summary>
    /// The indices of at most <paramref name="threshold"/> points of a line (x ascending) that keep its shape: the
    /// first and last point, and from each of the buckets between them the point spanning the largest triangle with
    /// the point chosen before and the mean of the next bucket.
    /// </summary>
    public static int[] LargestTriangleThreeBuckets(double[] x, double[] y, int threshold)
    {
        var n = x.Length;
        if (threshold >= n || threshold < 3)
        {
            return threshold >= n ? Enumerable.Range(0, n).ToArray() : [0, n - 1];
        }

        var kept = new int[threshold];
        var every = (double)(n - 2) / (threshold - 2);
        var a = 0;
        kept[0] = 0;
        for (var i = 0; i < threshold - 2; i++)
        {
            var nextStart = (int)Math.Floor((i + 1) * every) + 1;
            var nextEnd = Math.Min((int)Math.Floor((i + 2) * every) + 1, n);
            double meanX = 0, meanY = 0;
            for (var j = nextStart; j < nextEnd; j++)
            {
                meanX += x[j];
                meanY += y[j];
            }

            var count = Math.Max(1, nextEnd - nextStart);
            meanX /= count;
            meanY /= count;

            var start = (int)Math.Floor(i * every) + 1;
            var end = (int)Math.Floor((i + 1) * every) + 1;
            double bestArea = -1;
            var best = start;
            for (var j = start; j < end; j++)
            {
                var area = Math.Abs(((x[a] - meanX) * (y[j] - y[a])) - ((x[a] - x[j]) * (meanY - y[a])));
                if (area > bestArea)
                {
                    bestArea = area;
                    best = j;
                }
            }

            kept[i + 1] = best;
            a = best;
        }

        kept[threshold - 1] = n - 1;
        return kept;
    }
}
