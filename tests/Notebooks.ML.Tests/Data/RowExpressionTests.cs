using Microsoft.Data.Analysis;
using Notebooks.ML.Data;
using Notebooks.Tests;

namespace Notebooks.ML.Tests.Data;

public sealed class RowExpressionTests : IDisposable
{
    private readonly TestFiles _files = new();

    public void Dispose() => _files.Dispose();

    [Fact]
    public void Where_keeps_the_rows_for_which_the_predicate_is_true()
    {
        var loaded = DataLoader.Load(Repo.Data("iris.csv"), new LoadOptions { Where = "Species == \"setosa\" && Sepal_Length > 5" });

        Assert.Equal(22, loaded.Data.Rows.Count);
        Assert.Equal(150, loaded.SourceRows);
        Assert.Contains("kept 22 of 150 rows", loaded.Steps.Single(), StringComparison.Ordinal);
    }

    [Fact]
    public void Columns_that_are_not_identifiers_are_read_by_their_underscored_name_or_by_row_indexer()
    {
        var wine = Repo.Data("wine.csv");
        var byName = DataLoader.Load(wine, new LoadOptions { Where = "od280_od315_of_diluted_wines > 3" }).Data;
        var byIndexer = DataLoader.Load(wine, new LoadOptions { Where = "(double)row[\"od280/od315_of_diluted_wines\"] > 3" }).Data;
        var all = DataLoader.Load(wine).Data;
        var expected = Enumerable.Range(0, (int)all.Rows.Count).Count(i => (double)all.Columns["od280/od315_of_diluted_wines"][i]! > 3);

        Assert.Equal(expected, byName.Rows.Count);
        Assert.Equal(expected, byIndexer.Rows.Count);
        Assert.True(expected is > 0 and < 178);
    }

    [Fact]
    public void Identifiers_replace_what_cannot_be_in_a_CSharp_name()
    {
        Assert.Equal("first_name", RowExpressions.Identifier("first name"));
        Assert.Equal("od280_od315_of_diluted_wines", RowExpressions.Identifier("od280/od315_of_diluted_wines"));
        Assert.Equal("_2nd", RowExpressions.Identifier("2nd"));
        Assert.Equal("@class", RowExpressions.Identifier("class"));
        Assert.Equal("Sepal_Length", RowExpressions.Identifier("Sepal.Length"));
    }

    [Fact]
    public void Derive_adds_typed_columns_in_order_and_a_later_one_may_use_an_earlier_one()
    {
        var path = _files.Write("d.csv", "first name,price,carat,n\nAnn,10,2.5,1\nBob,30,3,\nCy,5,,3\n");

        var frame = DataLoader.Load(path, new LoadOptions
        {
            Derive = ["per_carat = price / carat", "expensive = per_carat > 6", "initial = first_name.Substring(0, 1)", "next = n + 1", "price = price * 2"],
        }).Data;

        Assert.Equal(["first name", "price", "carat", "n", "per_carat", "expensive", "initial", "next"], frame.Columns.Select(c => c.Name));
        Assert.IsType<DoubleDataFrameColumn>(frame.Columns["per_carat"]);
        Assert.Equal(10.0, frame.Columns["per_carat"][1]);
        Assert.Null(frame.Columns["per_carat"][2]);
        Assert.IsType<BooleanDataFrameColumn>(frame.Columns["expensive"]);
        Assert.Equal(true, frame.Columns["expensive"][1]);
        Assert.Equal("A", frame.Columns["initial"][0]);
        Assert.IsType<Int32DataFrameColumn>(frame.Columns["next"]);
        Assert.Null(frame.Columns["next"][1]);
        Assert.Equal(4, frame.Columns["next"][2]);
        Assert.Equal(20, frame.Columns["price"][0]);
    }

    [Fact]
    public void Derived_columns_can_be_filtered_on()
    {
        var frame = DataLoader.Load(Repo.Data("iris.csv"), new LoadOptions { Derive = ["area = Petal_Length * Petal_Width"], Where = "area > 10" }).Data;
        Assert.All(Enumerable.Range(0, (int)frame.Rows.Count), i => Assert.True((double)frame.Columns["area"][i]! > 10));
        Assert.True(frame.Rows.Count > 10);
    }

    [Fact]
    public void A_where_that_does_not_compile_shows_the_diagnostic_pointing_into_the_expression()
    {
        var error = Assert.Throws<NotebookException>(() => DataLoader.Load(Repo.Data("iris.csv"), new LoadOptions { Where = "Sepal_Length > \"wide\"" }));

        var lines = error.Message.Split('\n');
        Assert.StartsWith("--where \"Sepal_Length > \"wide\"\" does not compile: CS0019 Operator '>' cannot be applied to operands of type 'double' and 'string' (at character 1 of the expression)", lines[0], StringComparison.Ordinal);
        Assert.Equal("    Sepal_Length > \"wide\"", lines[1]);
        Assert.Equal("    ^", lines[2]);
    }

    [Fact]
    public void A_misspelt_column_gets_a_suggestion_and_the_list_of_names()
    {
        var error = Assert.Throws<NotebookException>(() => DataLoader.Load(Repo.Data("iris.csv"), new LoadOptions { Where = "Sepal_Lenght > 5" }));

        Assert.Contains("CS0103 The name 'Sepal_Lenght' does not exist in the current context (at character 1 of the expression)", error.Message, StringComparison.Ordinal);
        Assert.Contains("Did you mean 'Sepal_Length'?", error.Message, StringComparison.Ordinal);
        Assert.Contains("Sepal_Length (Sepal.Length)", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void The_caret_points_at_the_part_of_the_expression_that_is_wrong()
    {
        var error = Assert.Throws<NotebookException>(() => DataLoader.Load(Repo.Data("iris.csv"), new LoadOptions { Derive = ["x = Petal_Width + nope"] }));
        var lines = error.Message.Split('\n');
        Assert.Contains("CS0103", lines[0], StringComparison.Ordinal);
        Assert.Equal("     Petal_Width + nope", lines[1]);
        Assert.Equal("    " + new string(' ', 15) + "^", lines[2]);
    }

    [Fact]
    public void A_predicate_that_is_not_a_condition_says_so()
    {
        var error = Assert.Throws<NotebookException>(() => DataLoader.Load(Repo.Data("iris.csv"), new LoadOptions { Where = "Sepal_Length + 1" }));
        Assert.Contains("CS0029 Cannot implicitly convert type 'double' to 'bool'", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void An_expression_that_throws_names_the_row()
    {
        var path = _files.Write("n.csv", "name,n\nAnn,1\n,2\n");
        var error = Assert.Throws<NotebookException>(() => DataLoader.Load(path, new LoadOptions { Where = "name.Length > 2" }));
        Assert.StartsWith("--where \"name.Length > 2\" failed on row 2: NullReferenceException", error.Message, StringComparison.Ordinal);
        Assert.Contains("Missing text is null", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_derive_without_a_name_is_rejected_with_an_example()
    {
        var error = Assert.Throws<NotebookException>(() => DataLoader.Load(Repo.Data("iris.csv"), new LoadOptions { Derive = ["Petal_Width == 1"] }));
        Assert.Equal("The option --derive got 'Petal_Width == 1', but expected NAME = C# expression, for example: --derive \"ratio = price / carat\".", error.Message);
    }

    [Fact]
    public void Sample_is_deterministic_for_a_seed_and_keeps_file_order()
    {
        var a = DataLoader.Load(Repo.Data("diamonds.csv"), new LoadOptions { Sample = 500, Seed = 7 }).Data;
        var b = DataLoader.Load(Repo.Data("diamonds.csv"), new LoadOptions { Sample = 500, Seed = 7 }).Data;
        var c = DataLoader.Load(Repo.Data("diamonds.csv"), new LoadOptions { Sample = 500, Seed = 8 }).Data;

        Assert.Equal(500, a.Rows.Count);
        Assert.Equal(Fingerprint.OfFrame(a), Fingerprint.OfFrame(b));
        Assert.NotEqual(Fingerprint.OfFrame(a), Fingerprint.OfFrame(c));
        // Pinned: SplitMix64 is written out in Sampling, so these indices are the same on every machine and runtime.
        Assert.Equal(PinnedPick, Sampling.Pick(20, 9, 1));
        Assert.Equal(Sampling.Pick(53_940, 500, 7), Sampling.Pick(53_940, 500, 7));
    }

    private static readonly int[] PinnedPick = [0, 4, 5, 8, 9, 13, 14, 15, 18];

    [Fact]
    public void Sample_runs_after_where()
    {
        var loaded = DataLoader.Load(Repo.Data("diamonds.csv"), new LoadOptions { Where = "cut == \"Ideal\"", Sample = 100, Seed = 1 });
        var cut = loaded.Data.Columns["cut"];
        Assert.Equal(100, loaded.Data.Rows.Count);
        Assert.All(Enumerable.Range(0, 100), i => Assert.Equal("Ideal", cut[i]));
        Assert.Equal(2, loaded.Steps.Count);
    }
}
