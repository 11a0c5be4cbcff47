using System.Globalization;

namespace Notebooks.ML.Drift;

/// <summary>How often each value occurs on each side, over the values of both sides in ascending order.</summary>
/// <param name="Labels">The values as text (numbers in invariant round-trip form).</param>
/// <param name="Reference">Rows holding each value in the reference.</param>
/// <param name="Current">Rows holding each value in the current data.</param>
internal sealed record CategoryCounts(string[] Labels, long[] Reference, long[] Current);

/// <summary>Counts per bin on each side, for bins with these edges (each bin closed on the left, the last one on both sides).</summary>
internal sealed record HistogramCounts(double[] Edges, long[] Reference, long[] Current);

/// <summary>One column on both sides, with what several tests share (distinct values, counts, bins) computed once.</summary>
internal sealed class ColumnPair(string name, DriftColumnKind kind, ColumnSample reference, ColumnSample current)
{
    private int? _distinct;
    private int? _referenceDistinct;
    private CategoryCounts? _categories;
    private HistogramCounts? _sturges;

    public string Name { get; } = name;

    public DriftColumnKind Kind { get; } = kind;

    public ColumnSample Reference { get; } = reference;

    public ColumnSample Current { get; } = current;

    /// <summary>Every rule compares distinct counts with 2, 5 or 20: numbers are counted up to this and no further.</summary>
    public const int DistinctCap = 21;

    /// <summary>
    /// Distinct values on both sides together (pandas' <c>nunique</c> of the two concatenated); for numbers counted
    /// up to <see cref="DistinctCap"/>, which then means "more than 20".
    /// </summary>
    public int Distinct => _distinct ??= Kind == DriftColumnKind.Numeric
        ? MergedDistinct(Reference.Sorted, Current.Sorted)
        : Reference.Counts!.Keys.Union(Current.Counts!.Keys).Count();

    /// <summary>Distinct values in the reference (for numbers counted up to <see cref="DistinctCap"/>).</summary>
    public int ReferenceDistinct => _referenceDistinct ??= Kind == DriftColumnKind.Numeric ? MergedDistinct(Reference.Sorted, []) : Reference.Counts!.Count;

    /// <summary>Each value's count on both sides (numbers with few distinct values are treated as categories).</summary>
    public CategoryCounts Categories => _categories ??= Kind == DriftColumnKind.Numeric ? NumberCounts() : TextCounts();

    /// <summary>
    /// Counts in the bins numpy makes with <c>np.histogram_bin_edges(reference + current, bins="sturges")</c>: as many
    /// equal bins as ceil(range / (range / (log₂ n + 1))), edges from <c>np.linspace</c>.
    /// </summary>
    public HistogramCounts Sturges => _sturges ??= MakeSturges();

    private static int MergedDistinct(double[] a, double[] b)
    {
        int i = 0, j = 0, distinct = 0, total = a.Length + b.Length;
        var last = double.NaN;
        for (var k = 0; k < total; k++)
        {
            var value = j >= b.Length || (i < a.Length && a[i] <= b[j]) ? a[i++] : b[j++];
            if (value != last)
            {
                if (++distinct == DistinctCap)
                {
                    break;
                }

                last = value;
            }
        }

        return distinct;
    }

    private CategoryCounts NumberCounts()
    {
        var (a, b) = (Reference.Sorted, Current.Sorted);
        var labels = new List<string>();
        var left = new List<long>();
        var right = new List<long>();
        int i = 0, j = 0;
        while (i < a.Length || j < b.Length)
        {
            var value = j >= b.Length || (i < a.Length && a[i] <= b[j]) ? a[i] : b[j];
            var (i0, j0) = (i, j);
            while (i < a.Length && a[i] <= value)
            {
                i++;
            }

            while (j < b.Length && b[j] <= value)
            {
                j++;
            }

            labels.Add(value.ToString("R", CultureInfo.InvariantCulture));
            left.Add(i - i0);
            right.Add(j - j0);
        }

        return new CategoryCounts([.. labels], [.. left], [.. right]);
    }

    private CategoryCounts TextCounts()
    {
        var labels = Reference.Counts!.Keys.Union(Current.Counts!.Keys).ToArray();
        Array.Sort(labels, StringComparer.Ordinal);
        return new CategoryCounts(
            labels,
            labels.Select(l => Reference.Counts.GetValueOrDefault(l)).ToArray(),
            labels.Select(l => Current.Counts.GetValueOrDefault(l)).ToArray());
    }

    private HistogramCounts MakeSturges()
    {
        var (a, b) = (Reference.Sorted, Current.Sorted);
        var first = Math.Min(a[0], b[0]);
        var last = Math.Max(a[^1], b[^1]);
        var size = (double)(a.Length + b.Length);
        var width = (last - first) / (Math.Log2(size) + 1.0);
        if (first == last)
        {
            (first, last) = (first - 0.5, last + 0.5);
        }

        var bins = width != 0 ? (int)Math.Ceiling((last - first) / width) : 1;
        var edges = Linspace(first, last, bins + 1);
        return new HistogramCounts(edges, Count(a, edges), Count(b, edges));
    }

    /// <summary><c>np.linspace(start, stop, count)</c>: i·step + start, the last edge exactly <paramref name="stop"/>.</summary>
    internal static double[] Linspace(double start, double stop, int count)
    {
        var edges = new double[count];
        var step = (stop - start) / (count - 1);
        for (var i = 0; i < count; i++)
        {
            edges[i] = (i * step) + start;
        }

        edges[^1] = stop;
        return edges;
    }

    /// <summary>Counts per bin of sorted values, as <c>np.histogram</c> counts with explicit edges (searchsorted on each edge).</summary>
    internal static long[] Count(double[] sorted, double[] edges)
    {
        var counts = new long[edges.Length - 1];
        var previous = LowerBound(sorted, edges[0]);
        for (var k = 0; k < counts.Length; k++)
        {
            var next = k == counts.Length - 1 ? UpperBound(sorted, edges[k + 1]) : LowerBound(sorted, edges[k + 1]);
            counts[k] = next - previous;
            previous = next;
        }

        return counts;
    }

    /// <summary>The first index whose value is not below <paramref name="value"/>.</summary>
    internal static int LowerBound(double[] sorted, double value)
    {
        int low = 0, high = sorted.Length;
        while (low < high)
        {
            var mid = (int)((uint)(low + high) >> 1);
            if (sorted[mid] < value)
            {
                low = mid + 1;
            }
            else
            {
                high = mid;
            }
        }

        return low;
    }

    /// <summary>The first index whose value is above <paramref name="value"/>.</summary>
    internal static int UpperBound(double[] sorted, double value)
    {
        int low = 0, high = sorted.Length;
        while (low < high)
        {
            var mid = (int)((uint)(low + high) >> 1);
            if (sorted[mid] <= value)
            {
                low = mid + 1;
            }
            else
            {
                high = mid;
            }
        }

        return low;
    }
}
