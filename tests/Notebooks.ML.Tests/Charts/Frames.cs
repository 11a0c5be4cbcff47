using Microsoft.Data.Analysis;

namespace Notebooks.ML.Tests.Charts;

/// <summary>Small and large DataFrames made for chart tests.</summary>
internal static class Frames
{
    /// <summary>x = 0…rows-1, y = x mod 7, g = even/odd, n = x mod 3 (whole numbers), d = a day per row from 2024-01-01, c = x / rows.</summary>
    public static DataFrame Simple(int rows) => new(
        new DoubleDataFrameColumn("x", Enumerable.Range(0, rows).Select(i => (double)i)),
        new DoubleDataFrameColumn("y", Enumerable.Range(0, rows).Select(i => (double)(i % 7))),
        new StringDataFrameColumn("g", Enumerable.Range(0, rows).Select(i => i % 2 == 0 ? "even" : "odd")),
        new Int32DataFrameColumn("n", Enumerable.Range(0, rows).Select(i => i % 3)),
        new PrimitiveDataFrameColumn<DateTime>("d", Enumerable.Range(0, rows).Select(i => new DateTime(2024, 1, 1).AddDays(i))),
        new DoubleDataFrameColumn("c", Enumerable.Range(0, rows).Select(i => (double)i / rows)));

    /// <summary>
    /// Noisy points around y = 2x with a group per row: "big" for most rows, "small" for <paramref name="small"/> rows
    /// spread evenly through the data.
    /// </summary>
    public static DataFrame Large(int rows, int small = 0, int seed = 7)
    {
        var random = new Random(seed);
        var x = new double[rows];
        var y = new double[rows];
        var group = new string[rows];
        var every = small > 0 ? rows / small : int.MaxValue;
        for (var i = 0; i < rows; i++)
        {
            x[i] = random.NextDouble() * 10;
            y[i] = (2 * x[i]) + random.NextDouble();
            group[i] = small > 0 && i % every == 0 && i / every < small ? "small" : "big";
        }

        return new DataFrame(new DoubleDataFrameColumn("x", x), new DoubleDataFrameColumn("y", y), new StringDataFrameColumn("group", group));
    }
}
