using Microsoft.Data.Analysis;
using Notebooks.ML.Data;
using Notebooks.Tests;

namespace Notebooks.ML.Tests.Data;

public sealed class DataLoaderTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("nbml-load-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private string Write(string name, string text)
    {
        var path = Path.Combine(_folder, name);
        File.WriteAllText(path, text);
        return path;
    }

    [Fact]
    public void Iris_loads_with_typed_columns()
    {
        var loaded = DataLoader.Load(Repo.Data("iris.csv"));
        Assert.Equal(150, loaded.Data.Rows.Count);
        Assert.Equal(["Sepal.Length", "Sepal.Width", "Petal.Length", "Petal.Width", "Species"], loaded.Data.Columns.Select(c => c.Name));
        Assert.IsType<DoubleDataFrameColumn>(loaded.Data.Columns["Sepal.Length"]);
        Assert.IsType<StringDataFrameColumn>(loaded.Data.Columns["Species"]);
        Assert.Equal(3, loaded.Schema.Single(c => c.Name == "Species").Distinct);
    }

    [Fact]
    public void NA_strings_are_missing_values()
    {
        var loaded = DataLoader.Load(Repo.Data("penguins.csv"));
        var bill = loaded.Data.Columns["bill_length_mm"];
        Assert.IsType<DoubleDataFrameColumn>(bill);
        Assert.Equal(2, bill.NullCount);
        Assert.Equal(11, loaded.Data.Columns["sex"].NullCount);
    }

    [Fact]
    public void A_value_that_breaks_the_guess_late_in_the_file_widens_the_column()
    {
        var rows = Enumerable.Range(0, 5000).Select(i => $"{i},{i}").ToList();
        rows[4500] = "4500,4500.5";
        rows[4900] = "4900,abc";
        var path = Write("late.csv", "a,b\n" + string.Join("\n", rows) + "\n");

        var frame = DataLoader.Load(path).Data;

        Assert.IsType<Int32DataFrameColumn>(frame.Columns["a"]);
        Assert.IsType<StringDataFrameColumn>(frame.Columns["b"]);
        Assert.Equal("4500.5", frame.Columns["b"][4500]);
        Assert.Equal("abc", frame.Columns["b"][4900]);
        Assert.Equal(5000, frame.Rows.Count);
    }

    [Fact]
    public void Ragged_rows_fail_with_the_line_number()
    {
        var path = Write("ragged.csv", "a,b,c\n1,2,3\n4,5\n");
        var error = Assert.Throws<NotebookException>(() => DataLoader.Load(path));
        Assert.Contains("Line 3 of 'ragged.csv' has 2 fields, but the header has 3", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void The_fingerprint_is_the_sha256_of_the_bytes_and_changes_with_one_byte()
    {
        var a = Write("a.csv", "x,y\n1,2\n");
        var b = Write("b.csv", "x,y\n1,3\n");
        var fa = DataLoader.Load(a).Fingerprint;
        Assert.Equal("sha256:" + Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(File.ReadAllBytes(a))), fa);
        Assert.NotEqual(fa, DataLoader.Load(b).Fingerprint);
        Assert.Equal(fa, DataLoader.Load(a).Fingerprint);
    }
}
