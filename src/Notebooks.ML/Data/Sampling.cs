using Microsoft.Data.Analysis;

namespace Notebooks.ML.Data;

/// <summary>
/// <c>--sample N --seed S</c>: N rows drawn without replacement, kept in file order. The generator is SplitMix64,
/// written out here rather than <see cref="Random"/>, so the same seed picks the same rows on every machine and
/// every .NET version.
/// </summary>
internal static class Sampling
{
    public static DataFrame Apply(DataFrame frame, int? sample, int seed, List<string> steps)
    {
        if (sample is not { } count)
        {
            return frame;
        }

        if (count <= 0)
        {
            throw Errors.BadOption("--sample", count.ToString(System.Globalization.CultureInfo.InvariantCulture), "a positive number of rows, for example: --sample 10000");
        }

        var rows = (int)frame.Rows.Count;
        if (count >= rows)
        {
            steps.Add($"--sample {count:N0}: kept all {rows:N0} rows (there are no more)");
            return frame;
        }

        var picked = Pick(rows, count, seed);
        steps.Add($"--sample {count:N0} --seed {seed}: kept {count:N0} of {rows:N0} rows");
        return frame[picked.Select(i => (long)i)];
    }

    /// <summary><paramref name="count"/> distinct indices below <paramref name="rows"/>, ascending (a partial Fisher–Yates shuffle).</summary>
    internal static int[] Pick(int rows, int count, int seed)
    {
        var indices = new int[rows];
        for (var i = 0; i < rows; i++)
        {
            indices[i] = i;
        }

        var state = (ulong)(uint)seed;
        for (var i = 0; i < count; i++)
        {
            var j = i + (int)(Next(ref state) % (ulong)(rows - i));
            (indices[i], indices[j]) = (indices[j], indices[i]);
        }

        var picked = indices.AsSpan(0, count).ToArray();
        Array.Sort(picked);
        return picked;
    }

    private static ulong Next(ref ulong state)
    {
        var z = state += 0x9E3779B97F4A7C15UL;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }
}
