using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Microsoft.Data.Analysis;
using Notebooks.ML.Data;

namespace Notebooks.ML.Tests.Data;

/// <summary>
/// A frame built in code is fingerprinted by its content. The hashing writes numbers, dates and text straight as
/// UTF-8; the fingerprint it gives must stay exactly the one of the rule (each value's invariant text and a separator),
/// or runs logged before would look like other data.
/// </summary>
public sealed class FrameFingerprintTests
{
    [Theory]
    [InlineData(3)]
    [InlineData(40_000)] // more than one 64 KiB block of text
    public void Every_column_type_gives_the_fingerprint_of_the_rule(int rows)
    {
        var frame = Frame(rows);

        Assert.Equal(Rule(frame), Fingerprint.OfFrame(frame));
    }

    [Fact]
    public void One_changed_value_or_a_missing_one_changes_the_fingerprint()
    {
        var frame = Frame(1000);
        var before = Fingerprint.OfFrame(frame);
        ((PrimitiveDataFrameColumn<float>)frame.Columns["single"])[500] = 1.0000001f;
        var changed = Fingerprint.OfFrame(frame);
        ((PrimitiveDataFrameColumn<float>)frame.Columns["single"])[500] = null;
        var missing = Fingerprint.OfFrame(frame);

        Assert.Equal(3, new[] { before, changed, missing }.Distinct().Count());
    }

    /// <summary>The rule as it was first written: every value boxed, formatted and hashed as one UTF-8 text.</summary>
    private static string Rule(DataFrame frame)
    {
        var text = new StringBuilder();
        foreach (var column in frame.Columns)
        {
            text.Append(column.Name).Append('\u001f').Append(column.DataType.Name).Append('\u001e');
            for (long i = 0; i < column.Length; i++)
            {
                text.Append(column[i] switch
                {
                    null => "\u0000",
                    IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
                    var v => v.ToString(),
                }).Append('\u001f');
            }
        }

        return "sha256:" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text.ToString())));
    }

    private static DataFrame Frame(int rows)
    {
        var random = new Random(7);
        float[] specialSingles = [float.NaN, float.PositiveInfinity, float.NegativeInfinity, -0f, float.Epsilon, float.MaxValue, 1e-7f, 123456789f];
        double[] specialDoubles = [double.NaN, double.NegativeInfinity, -0d, double.Epsilon, double.MaxValue, 0.1 + 0.2, 1e21];
        string[] words = ["plain", "", "naïve café", "日本語", "emoji 🙂", "tab\tand\nnewline", "\u001f"];
        T? Maybe<T>(int i, Func<T> value) where T : struct => i % 11 == 3 ? null : value();
        return new DataFrame(
            new SingleDataFrameColumn("single", Enumerable.Range(0, rows).Select(i => Maybe(i, () => i % 7 == 0 ? specialSingles[i % specialSingles.Length] : (float)(random.NextDouble() * 2000 - 1000)))),
            new DoubleDataFrameColumn("double", Enumerable.Range(0, rows).Select(i => Maybe(i, () => i % 5 == 0 ? specialDoubles[i % specialDoubles.Length] : random.NextDouble() * 1e6))),
            new Int32DataFrameColumn("int", Enumerable.Range(0, rows).Select(i => Maybe(i, () => random.Next(int.MinValue, int.MaxValue)))),
            new Int64DataFrameColumn("long", Enumerable.Range(0, rows).Select(i => Maybe(i, () => i == 1 ? long.MinValue : random.NextInt64()))),
            new ByteDataFrameColumn("byte", Enumerable.Range(0, rows).Select(i => Maybe(i, () => (byte)random.Next(256)))),
            new Int16DataFrameColumn("short", Enumerable.Range(0, rows).Select(i => Maybe(i, () => (short)random.Next(short.MinValue, short.MaxValue)))),
            new UInt64DataFrameColumn("ulong", Enumerable.Range(0, rows).Select(i => Maybe(i, () => ulong.MaxValue - (ulong)i))),
            new DecimalDataFrameColumn("decimal", Enumerable.Range(0, rows).Select(i => Maybe(i, () => (decimal)random.NextDouble() * 1000m / 3m))),
            new BooleanDataFrameColumn("bool", Enumerable.Range(0, rows).Select(i => Maybe(i, () => random.Next(2) == 1))),
            new DateTimeDataFrameColumn("when", Enumerable.Range(0, rows).Select(i => Maybe(i, () => new DateTime(2020, 1, 1).AddSeconds(random.Next(100_000_000))))),
            new CharDataFrameColumn("char", Enumerable.Range(0, rows).Select(i => Maybe(i, () => (char)('a' + (i % 26))))),
            new StringDataFrameColumn("text", Enumerable.Range(0, rows).Select(i => i % 13 == 4 ? null : words[i % words.Length] + i.ToString(CultureInfo.InvariantCulture))));
    }
}
