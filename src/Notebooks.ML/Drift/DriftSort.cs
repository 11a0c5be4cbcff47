namespace Notebooks.ML.Drift;

/// <summary>
/// Sorts doubles (no NaN) with a least-significant-digit radix sort on their bits: every numeric test starts from
/// sorted values, and on a million rows this is several times faster than <see cref="Array.Sort{T}(T[])"/>.
/// Passes whose digit is the same in every value (common in whole numbers and narrow ranges) are skipped.
/// </summary>
internal static class DriftSort
{
    private const int Bits = 11;
    private const int Buckets = 1 << Bits;
    private const int Passes = (64 + Bits - 1) / Bits;
    private const ulong SignBit = 0x8000_0000_0000_0000UL;

    public static void Sort(double[] values)
    {
        var n = values.Length;
        if (n < 2048)
        {
            Array.Sort(values);
            return;
        }

        // Order-preserving keys: flip every bit of negatives, only the sign bit of the rest.
        var pool = System.Buffers.ArrayPool<ulong>.Shared;
        var keys = pool.Rent(n);
        var temp = pool.Rent(n);
        var counts = new int[Passes * Buckets];
        for (var i = 0; i < n; i++)
        {
            var bits = BitConverter.DoubleToUInt64Bits(values[i]);
            var key = (bits & SignBit) != 0 ? ~bits : bits | SignBit;
            keys[i] = key;
            for (var pass = 0; pass < Passes; pass++)
            {
                counts[(pass * Buckets) + (int)((key >> (pass * Bits)) & (Buckets - 1))]++;
            }
        }

        for (var pass = 0; pass < Passes; pass++)
        {
            var histogram = counts.AsSpan(pass * Buckets, Buckets);
            if (histogram.IndexOf(n) >= 0)
            {
                continue;
            }

            var offset = 0;
            for (var b = 0; b < Buckets; b++)
            {
                (histogram[b], offset) = (offset, offset + histogram[b]);
            }

            var shift = pass * Bits;
            for (var i = 0; i < n; i++)
            {
                var key = keys[i];
                temp[histogram[(int)((key >> shift) & (Buckets - 1))]++] = key;
            }

            (keys, temp) = (temp, keys);
        }

        for (var i = 0; i < n; i++)
        {
            var key = keys[i];
            values[i] = BitConverter.UInt64BitsToDouble((key & SignBit) != 0 ? key ^ SignBit : ~key);
        }

        pool.Return(keys);
        pool.Return(temp);
    }
}
