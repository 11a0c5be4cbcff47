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
    public void A_guess_broken_at_row_900000_of_a_million_widens_without_losing_a_value()
    {
        // As the issue puts it: the first 2,000 rows say int, row 900,000 says otherwise.
        var path = Path.Combine(_folder, "million.csv");
        using (var writer = new StreamWriter(path))
        {
            writer.Write("id,amount,code\n");
            for (var i = 0; i < 1_000_000; i++)
            {
                writer.Write(i == 900_000 ? $"{i},12.5,x7\n" : $"{i},{i % 1000},{i % 97}\n");
            }
        }

        var frame = DataLoader.Load(path).Data;

        Assert.Equal(1_000_000, frame.Rows.Count);
        Assert.IsType<Int32DataFrameColumn>(frame.Columns["id"]);
        Assert.IsType<DoubleDataFrameColumn>(frame.Columns["amount"]);
        Assert.IsType<StringDataFrameColumn>(frame.Columns["code"]);
        Assert.Equal(12.5, frame.Columns["amount"][900_000]);
        Assert.Equal("x7", frame.Columns["code"][900_000]);
        foreach (var row in new[] { 0, 1, 899_999, 900_001, 999_999 })
        {
            Assert.Equal(row, frame.Columns["id"][row]);
            Assert.Equal((double)(row % 1000), frame.Columns["amount"][row]);
            Assert.Equal((row % 97).ToString(System.Globalization.CultureInfo.InvariantCulture), frame.Columns["code"][row]);
        }

        Assert.Equal(0, frame.Columns["amount"].NullCount + frame.Columns["code"].NullCount);
    }

    [Fact]
    public void Ragged_rows_fail_with_the_line_number()
    {
        var path = Write("ragged.csv", "a,b,c\n1,2,3\n4,5\n");
        var error = Assert.Throws<NotebookException>(() => DataLoader.Load(path));
        Assert.Contains("Line 3 of 'ragged.csv' has 2 fields, but the header has 3", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Quoted_fields_keep_separators_newlines_and_doubled_quotes()
    {
        var path = Write("quoted.csv", "id,text,n\n1,\"a, b\",1\n2,\"two\nlines\",2\n3,\"say \"\"hi\"\"\",3\n");

        var frame = DataLoader.Load(path).Data;

        Assert.Equal(3, frame.Rows.Count);
        Assert.Equal("a, b", frame.Columns["text"][0]);
        Assert.Equal("two\nlines", frame.Columns["text"][1]);
        Assert.Equal("say \"hi\"", frame.Columns["text"][2]);
        Assert.Equal(3, frame.Columns["n"][2]);
    }

    [Fact]
    public void A_UTF8_BOM_and_CRLF_line_ends_are_invisible()
    {
        var path = Path.Combine(_folder, "bom.csv");
        File.WriteAllBytes(path, [0xEF, 0xBB, 0xBF, .. System.Text.Encoding.UTF8.GetBytes("name,value\r\nx,1\r\ny,2\r\n")]);

        var frame = DataLoader.Load(path).Data;

        Assert.Equal(["name", "value"], frame.Columns.Select(c => c.Name));
        Assert.Equal("y", frame.Columns["name"][1]);
        Assert.IsType<Int32DataFrameColumn>(frame.Columns["value"]);
    }

    [Fact]
    public void Headers_that_are_not_identifiers_are_kept_and_duplicates_and_blanks_get_names()
    {
        var path = Write("names.csv", "first name,od280/od315,x,x,\nAnn,1.5,1,2,3\n");

        var frame = DataLoader.Load(path).Data;

        Assert.Equal(["first name", "od280/od315", "x", "x_2", "Column5"], frame.Columns.Select(c => c.Name));
    }

    [Fact]
    public void No_header_names_the_columns_Column1_and_on_and_reads_the_first_line_as_data()
    {
        var path = Write("raw.txt", "1;2.5;a\n3;4.5;b\n");

        var frame = DataLoader.Load(path, new LoadOptions { NoHeader = true }).Data;

        Assert.Equal(["Column1", "Column2", "Column3"], frame.Columns.Select(c => c.Name));
        Assert.Equal(2, frame.Rows.Count);
        Assert.Equal(1, frame.Columns["Column1"][0]);
        Assert.Equal(4.5, frame.Columns["Column2"][1]);
    }

    [Fact]
    public void The_separator_is_detected_from_the_header_or_given()
    {
        var semicolons = Write("semi.csv", "a;b\n1;2\n");
        Assert.Equal(["a", "b"], DataLoader.Load(semicolons).Data.Columns.Select(c => c.Name));

        var pipes = Write("pipes.txt", "a|b\n1|2\n");
        Assert.Equal(2, DataLoader.Load(pipes, new LoadOptions { Separator = '|' }).Data.Columns.Count);

        var tabs = Write("tabs.tsv", "a,x\tb\n1,5\t2\n");
        var frame = DataLoader.Load(tabs).Data;
        Assert.Equal(["a,x", "b"], frame.Columns.Select(c => c.Name));
        Assert.Equal("tsv", DataLoader.Load(tabs).Format);
    }

    [Fact]
    public void Every_missing_marker_is_missing_and_types_are_inferred()
    {
        var path = Write("types.csv", "i,l,d,b,t,s\n1,5000000000,1.5,true,2024-01-02,x\n,NA,NaN,null,N/A,\n3,7,2,False,2024-03-04 05:06:07,None\n");

        var frame = DataLoader.Load(path).Data;

        Assert.IsType<Int32DataFrameColumn>(frame.Columns["i"]);
        Assert.IsType<Int64DataFrameColumn>(frame.Columns["l"]);
        Assert.IsType<DoubleDataFrameColumn>(frame.Columns["d"]);
        Assert.IsType<BooleanDataFrameColumn>(frame.Columns["b"]);
        Assert.IsType<DateTimeDataFrameColumn>(frame.Columns["t"]);
        Assert.IsType<StringDataFrameColumn>(frame.Columns["s"]);
        Assert.All(frame.Columns, c => Assert.Null(c[1]));
        Assert.Null(frame.Columns["s"][2]);
        Assert.Equal(new DateTime(2024, 3, 4, 5, 6, 7, DateTimeKind.Utc), frame.Columns["t"][2]);
        Assert.Equal(false, frame.Columns["b"][2]);
    }

    [Fact]
    public void Types_overrides_inference_and_names_the_line_when_a_value_does_not_fit()
    {
        var path = Write("override.csv", "zip,n\n01234,1\n02345,2\nabc,3\n");

        var asText = DataLoader.Load(path, new LoadOptions { Types = new Dictionary<string, string> { ["zip"] = "string" } }).Data;
        Assert.Equal("01234", asText.Columns["zip"][0]);

        var error = Assert.Throws<NotebookException>(() => DataLoader.Load(path, new LoadOptions { Types = new Dictionary<string, string> { ["zip"] = "int" } }));
        Assert.Equal("Line 4 of 'override.csv', column 'zip': 'abc' is not a valid int (set by --types). Use --types zip:string to keep such values as text.", error.Message);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Late_values_widen_the_same_way_on_one_core_and_on_many(bool parallel)
    {
        var rows = Enumerable.Range(0, 200_000).Select(i => $"{i},{i},{i % 2 == 0},x{i % 7}").ToList();
        rows[150_000] = "150000,3000000000,true,x1";
        rows[180_000] = "180000,2.5,maybe,x2";
        rows[190_000] = "190000,,false,";
        var path = Write("wide.csv", "a,b,c,d\n" + string.Join("\n", rows) + "\n");

        var frame = CsvLoader.Load(path, new LoadOptions(), parallel);

        Assert.Equal(200_000, frame.Rows.Count);
        Assert.IsType<Int32DataFrameColumn>(frame.Columns["a"]);
        Assert.IsType<DoubleDataFrameColumn>(frame.Columns["b"]);
        Assert.IsType<StringDataFrameColumn>(frame.Columns["c"]);
        Assert.Equal(3e9, frame.Columns["b"][150_000]);
        Assert.Equal(2.5, frame.Columns["b"][180_000]);
        Assert.Null(frame.Columns["b"][190_000]);
        Assert.Equal(199_999.0, frame.Columns["b"][199_999]);
        Assert.Equal("maybe", frame.Columns["c"][180_000]);
        Assert.Equal("True", frame.Columns["c"][0]);
        Assert.Null(frame.Columns["d"][190_000]);
        Assert.Equal(1, frame.Columns["b"].NullCount);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Every_value_survives_the_pages_being_mapped_in_on_another_core_while_the_parser_stores(bool parallel)
    {
        // Large enough that another core touches the columns' fresh pages while this one parses (CsvLoader.TouchAhead):
        // every value is non-zero, so a touch that wrote over a stored value would show as a zero.
        const int Rows = 300_000;
        var lines = Enumerable.Range(1, Rows).Select(i => string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{i * 0.5},{i},{i * 10_000_000_000L},t{i % 97},{(i % 2 == 0 ? "true" : "false")}"));
        var path = Write("touched.csv", "x,n,big,label,flag\n" + string.Join("\n", lines) + "\n");

        var frame = CsvLoader.Load(path, new LoadOptions(), parallel);

        Assert.Equal(Rows, frame.Rows.Count);
        var x = (DoubleDataFrameColumn)frame.Columns["x"];
        var n = (Int32DataFrameColumn)frame.Columns["n"];
        var big = (Int64DataFrameColumn)frame.Columns["big"];
        var label = (StringDataFrameColumn)frame.Columns["label"];
        var flag = (BooleanDataFrameColumn)frame.Columns["flag"];
        for (var r = 0; r < Rows; r++)
        {
            var i = r + 1;
            if (x[r] != i * 0.5 || n[r] != i || big[r] != i * 10_000_000_000L || label[r] != $"t{i % 97}" || flag[r] != (i % 2 == 0))
            {
                Assert.Fail($"Row {r}: {x[r]}, {n[r]}, {big[r]}, {label[r]}, {flag[r]}");
            }
        }

        Assert.All(frame.Columns, c => Assert.Equal(0, c.NullCount));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void The_statistics_taken_while_parsing_equal_those_of_the_finished_frame(bool widen)
    {
        // 200,000 rows: the CSV reader takes the card's statistics on another core, run by run behind the parser.
        // They must be exactly those computed afterwards (same code, same order): missing values, NaN, more distinct
        // values than are counted exactly, dates, booleans. A value that breaks a guess late sends them back to after.
        const int Rows = 200_000;
        var lines = Enumerable.Range(0, Rows).Select(i => string.Create(System.Globalization.CultureInfo.InvariantCulture,
            $"{(i % 17 == 0 ? "" : (i * 0.37 % 1000).ToString(System.Globalization.CultureInfo.InvariantCulture))},{(i % 1001 == 0 ? "NaN" : i.ToString(System.Globalization.CultureInfo.InvariantCulture))},{i * 7_000_000_000L},{(i % 9 == 0 ? "" : $"w{i % 300}")},{(i % 3 == 0 ? "true" : "false")},2026-{1 + (i % 12):D2}-{1 + (i % 28):D2},{(i % 5 == 0 ? "NA" : $"u{i}")}")).ToList();
        if (widen)
        {
            lines[150_000] = "1,2,3,w,true,2026-01-01,x";
            lines[160_000] = "oops,2,3,w,true,2026-01-01,x";
        }

        var path = Write("stats.csv", "a,b,big,word,flag,day,unique\n" + string.Join("\n", lines) + "\n");

        var loaded = DataLoader.Load(path);
        var taken = loaded.Schema;
        var after = ColumnSummary.Describe(loaded.Data);

        Assert.Equal(widen ? "string" : "double", taken[0].Type);
        Assert.Equal(after.Count, taken.Count);
        for (var c = 0; c < after.Count; c++)
        {
            var (x, y) = (taken[c], after[c]);
            Assert.Equal((y.Name, y.Type, y.Missing, y.Distinct, y.DistinctIsEstimate, y.Min, y.Max, y.Mean), (x.Name, x.Type, x.Missing, x.Distinct, x.DistinctIsEstimate, x.Min, x.Max, x.Mean));
        }

        Assert.True(taken[6].DistinctIsEstimate);
        Assert.Equal((Rows / 5) - (widen ? 2 : 0), taken[6].Missing);
    }

    [Fact]
    public void The_parallel_and_the_sequential_reader_give_identical_frames()
    {
        var lines = Enumerable.Range(0, 100_000).Select(i => $"{i * 0.25},{(i % 13 == 0 ? "" : (i % 5).ToString(System.Globalization.CultureInfo.InvariantCulture))},\"n{i % 100}, q\",{i % 3 == 0}");
        var path = Write("same.csv", "x,y,z,w\n" + string.Join("\r\n", lines) + "\r\n");

        var one = CsvLoader.Load(path, new LoadOptions(), parallel: false);
        var many = CsvLoader.Load(path, new LoadOptions(), parallel: true);

        Assert.Equal(Fingerprint.OfFrame(one), Fingerprint.OfFrame(many));
        Assert.Equal(100_000, many.Rows.Count);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void The_first_bad_row_in_file_order_is_reported_whichever_thread_meets_it(bool parallel)
    {
        var rows = Enumerable.Range(0, 50_000).Select(i => $"{i},{i}").ToList();
        rows[30_000] = "x,30000";
        rows[40_000] = "40000";
        var path = Write("first.csv", "a,b\n" + string.Join("\n", rows) + "\n");

        var error = Assert.Throws<NotebookException>(() => CsvLoader.Load(path, new LoadOptions { Types = new Dictionary<string, string> { ["a"] = "int" } }, parallel));

        Assert.StartsWith("Line 30002 of 'first.csv', column 'a': 'x' is not a valid int", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Gzip_compressed_text_is_read_and_fingerprinted_as_stored()
    {
        var path = Path.Combine(_folder, "small.csv.gz");
        using (var file = File.Create(path))
        using (var gzip = new System.IO.Compression.GZipStream(file, System.IO.Compression.CompressionLevel.Fastest))
        {
            gzip.Write(System.Text.Encoding.UTF8.GetBytes("a,b\n1,x\n2,y\n"));
        }

        var loaded = DataLoader.Load(path);

        Assert.Equal(2, loaded.Data.Rows.Count);
        Assert.Equal("csv", loaded.Format);
        Assert.Equal(Fingerprint.OfFile(path), loaded.Fingerprint);
        Assert.Equal("small", DataLoader.FileStem(path));
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
