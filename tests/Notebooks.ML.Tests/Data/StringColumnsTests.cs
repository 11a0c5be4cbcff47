using Microsoft.Data.Analysis;
using Notebooks.ML.Data;

namespace Notebooks.ML.Tests.Data;

public sealed class StringColumnsTests
{
    [Fact]
    public void Text_columns_are_filled_directly_with_the_pinned_Microsoft_Data_Analysis()
    {
        // If this fails after a package update, loading still works (value by value) but text columns got slower:
        // look at how StringDataFrameColumn stores its strings now and update StringColumns.
        Assert.True(StringColumns.IsDirect);
    }

    [Fact]
    public void A_column_filled_directly_behaves_like_one_built_value_by_value()
    {
        string?[] values = ["b", null, "a", "c", null, "a"];
        var direct = StringColumns.Create("s", new ArraySegment<string?>([.. values, "ignored"], 0, values.Length));
        var appended = new StringDataFrameColumn("s", values);

        Assert.Equal(appended.Length, direct.Length);
        Assert.Equal(2, direct.NullCount);
        Assert.Equal(appended.ToArray(), direct.ToArray());
        Assert.Equal(appended.Sort().ToArray(), direct.Sort().ToArray());
        Assert.Equal(appended.Clone().ToArray(), direct.Clone().ToArray());
        Assert.Equal(appended.ElementwiseEquals("a").ToArray(), direct.ElementwiseEquals("a").ToArray());
        Assert.Equal(appended.ValueCounts().Rows.Count, direct.ValueCounts().Rows.Count);

        direct[1] = "x";
        direct.Append(null);
        Assert.Equal(2, direct.NullCount);
        Assert.Equal(7, direct.Length);
        Assert.Equal(new string?[] { "b", "x", "a", "c", null, "a", null }, direct.ToArray());

        var frame = new DataFrame(direct, new Int32DataFrameColumn("n", Enumerable.Range(0, 7)));
        Assert.Equal(3, frame.Filter(frame["n"].ElementwiseGreaterThan(3)).Rows.Count);
    }

    [Fact]
    public void An_empty_column_is_empty()
    {
        var column = StringColumns.Create("s", ArraySegment<string?>.Empty);
        Assert.Equal(0, column.Length);
        Assert.Equal(0, column.NullCount);
        column.Append("a");
        Assert.Equal(new[] { "a" }, column.ToArray());
    }
}
