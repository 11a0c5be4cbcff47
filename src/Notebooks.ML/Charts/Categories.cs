using System.Globalization;

namespace Notebooks.ML.Charts;

/// <summary>
/// The distinct values of a column as categories: a code per row, names in a stable order (numbers and dates in
/// value order, text in ordinal order) and a count per category. Missing values form their own category.
/// </summary>
internal sealed class Categories
{
    public const string Missing = "(missing)";

    private Categories(string[] names, int[] codes, long[] counts, int distinct, int shown)
    {
        Names = names;
        Codes = codes;
        Counts = counts;
        Distinct = distinct;
        Shown = shown;
    }

    public string[] Names { get; }

    /// <summary>The category of each row; -1 when the row's category was left out.</summary>
    public int[] Codes { get; }

    public long[] Counts { get; }

    public int Count => Names.Length;

    /// <summary>How many distinct values the column had before <see cref="KeepLargest"/>.</summary>
    public int Distinct { get; }

    /// <summary>How many of the distinct values have a category of their own.</summary>
    public int Shown { get; }

    /// <summary>Whether <see cref="KeepLargest"/> left some values out or merged them into "other".</summary>
    public bool Truncated => Shown < Distinct;

    public static Categories Of(PlotColumn column)
    {
        if (column.Numbers is { } numbers)
        {
            var (codes, values) = FirstSeen(numbers, double.IsNaN, EqualityComparer<double>.Default);
            var order = Enumerable.Range(0, values.Count).OrderBy(c => values[c]).ToArray();
            var names = column.Kind == AxisKind.Date
                ? PlotColumn.FormatDates(order.Select(c => values[c]).ToArray()).Select(n => n!).ToArray()
                : order.Select(c => values[c].ToString("G10", CultureInfo.InvariantCulture)).ToArray();
            return Build(codes, names, order);
        }
        else
        {
            var (codes, values) = FirstSeen(column.Text, v => v is null, StringComparer.Ordinal);
            var order = Enumerable.Range(0, values.Count).OrderBy(c => values[c], StringComparer.Ordinal).ToArray();
            return Build(codes, order.Select(c => values[c]).ToArray(), order);
        }
    }

    /// <summary>Codes each row by the order in which its value was first seen (-2 for missing), and the values in that order.</summary>
    private static (int[] Codes, List<T> Values) FirstSeen<T>(T?[] rows, Func<T?, bool> missing, IEqualityComparer<T> comparer)
        where T : notnull
    {
        var codes = new int[rows.Length];
        var seen = new Dictionary<T, int>(comparer);
        var values = new List<T>();
        for (var i = 0; i < codes.Length; i++)
        {
            var value = rows[i];
            if (missing(value) || value is null)
            {
                codes[i] = -2;
                continue;
            }

            if (!seen.TryGetValue(value, out var code))
            {
                code = seen[value] = values.Count;
                values.Add(value);
            }

            codes[i] = code;
        }

        return (codes, values);
    }

    /// <summary>Recodes provisional codes (first-seen order; -2 for missing) to the sorted order, with missing last.</summary>
    private static Categories Build(int[] codes, string[] sortedNames, int[] order)
    {
        var rank = new int[order.Length];
        for (var i = 0; i < order.Length; i++)
        {
            rank[order[i]] = i;
        }

        var hasMissing = Array.IndexOf(codes, -2) >= 0;
        var names = hasMissing ? [.. sortedNames, Missing] : sortedNames;
        var counts = new long[names.Length];
        for (var i = 0; i < codes.Length; i++)
        {
            codes[i] = codes[i] == -2 ? names.Length - 1 : rank[codes[i]];
            counts[codes[i]]++;
        }

        return new Categories(names, codes, counts, names.Length, names.Length);
    }

    /// <summary>
    /// Keeps the <paramref name="max"/> most frequent categories in their order. The rest are merged into one
    /// "other (N values)" category when <paramref name="mergeRest"/>, or left out (code -1) otherwise.
    /// </summary>
    public Categories KeepLargest(int max, bool mergeRest)
    {
        if (Count <= max)
        {
            return this;
        }

        var keep = mergeRest ? max - 1 : max;
        var kept = Enumerable.Range(0, Count).OrderByDescending(c => Counts[c]).ThenBy(c => c).Take(keep).Order().ToArray();
        var map = Enumerable.Repeat(mergeRest ? kept.Length : -1, Count).ToArray();
        for (var i = 0; i < kept.Length; i++)
        {
            map[kept[i]] = i;
        }

        var names = kept.Select(c => Names[c]).ToList();
        if (mergeRest)
        {
            names.Add($"other ({Count - kept.Length:N0} values)");
        }

        var codes = new int[Codes.Length];
        var counts = new long[names.Count];
        for (var i = 0; i < codes.Length; i++)
        {
            codes[i] = Codes[i] < 0 ? -1 : map[Codes[i]];
            if (codes[i] >= 0)
            {
                counts[codes[i]]++;
            }
        }

        return new Categories([.. names], codes, counts, Distinct, kept.Length);
    }

    /// <summary>Whether the column has at most <paramref name="max"/> distinct present values, all whole numbers (so reads as classes).</summary>
    public static bool IsFewWholeNumbers(PlotColumn column, int max)
    {
        if (column.Numbers is not { } numbers || column.Kind != AxisKind.Number)
        {
            return false;
        }

        var seen = new HashSet<double>();
        foreach (var value in numbers)
        {
            if (double.IsNaN(value))
            {
                continue;
            }

            if (value != Math.Floor(value) || (seen.Add(value) && seen.Count > max))
            {
                return false;
            }
        }

        return true;
    }
}
