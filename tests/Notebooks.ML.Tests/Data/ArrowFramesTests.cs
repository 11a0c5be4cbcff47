using Microsoft.Data.Analysis;
using Notebooks.ML.Data;
using Notebooks.Tests;

namespace Notebooks.ML.Tests.Data;

public sealed class ArrowFramesTests
{
    [Fact]
    public void Every_column_type_round_trips_with_its_values_nulls_and_datetime_ticks()
    {
        var when = new DateTime(2024, 3, 5, 6, 7, 8, DateTimeKind.Utc).AddTicks(1234567);
        var frame = new DataFrame(
            new BooleanDataFrameColumn("flag", [true, null, false]),
            new ByteDataFrameColumn("small", [1, 2, null]),
            new Int32DataFrameColumn("count", [1, null, -3]),
            new Int64DataFrameColumn("big", [long.MaxValue, 0, null]),
            new SingleDataFrameColumn("ratio", [0.5f, float.NaN, null]),
            new DoubleDataFrameColumn("price", [Math.PI, null, double.NegativeInfinity]),
            new DateTimeDataFrameColumn("at", [when, null, DateTime.MinValue]),
            new StringDataFrameColumn("name", ["Ann", null, "Zoë, \"quoted\""]));

        var back = ArrowFrames.FromBytes(ArrowFrames.ToBytes(frame));

        Assert.Equal(frame.Columns.Select(c => (c.Name, c.DataType)), back.Columns.Select(c => (c.Name, c.DataType)));
        Assert.Equal(frame.Rows.Count, back.Rows.Count);
        for (var c = 0; c < frame.Columns.Count; c++)
        {
            for (long r = 0; r < frame.Rows.Count; r++)
            {
                Assert.Equal(frame.Columns[c][r], back.Columns[c][r]);
            }
        }

        Assert.Equal(DateTimeKind.Utc, ((DateTime)back.Columns["at"][0]).Kind);
        Assert.Equal(Fingerprint.OfFrame(frame), Fingerprint.OfFrame(back));
    }

    [Fact]
    public void A_real_dataset_round_trips_smaller_than_its_csv()
    {
        var path = Repo.Data("diamonds.csv");
        var frame = DataLoader.Load(path).Data;

        var bytes = ArrowFrames.ToBytes(frame);
        var back = ArrowFrames.FromBytes(bytes);

        Assert.Equal(Fingerprint.OfFrame(frame), Fingerprint.OfFrame(back));
        Assert.True(bytes.Length < new FileInfo(path).Length, $"{bytes.Length:N0} bytes compressed vs {new FileInfo(path).Length:N0} in the CSV");
    }

    [Fact]
    public void Bytes_that_are_not_a_frame_fail_with_invalid_data()
    {
        Assert.ThrowsAny<Exception>(() => ArrowFrames.FromBytes([1, 2, 3, 4, 5]));
    }
}
