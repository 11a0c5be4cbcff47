using Notebooks.ML.Data;
using Notebooks.Tests;

namespace Notebooks.ML.Tests.Data;

/// <summary>
/// Every file in Data/Corpus is broken in one way (see its README); each gets one short message that names the file,
/// the line and column where that applies, and what was expected.
/// </summary>
public sealed class BadInputCorpusTests : IDisposable
{
    private readonly TestFiles _files = new();

    public void Dispose() => _files.Dispose();

    internal static string Corpus(string name) => Repo.Path_("tests", "Notebooks.ML.Tests", "Data", "Corpus", name);

    private static string Fails(string path, LoadOptions? options = null) =>
        Assert.Throws<NotebookException>(() => DataLoader.Load(path, options)).Message;

    [Fact]
    public void A_missing_file_names_the_path_it_looked_at()
    {
        var message = Fails(Corpus("nope.csv"));
        Assert.StartsWith($"Could not find the file '{Corpus("nope.csv")}'", message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_folder_is_not_a_file()
    {
        Assert.Equal($"'{_files.Folder}' is a folder, not a file. Give the path of a data file inside it.", Fails(_files.Folder));
    }

    [Fact]
    public void An_empty_file_says_it_is_empty()
    {
        Assert.Equal($"The file '{Corpus("empty.csv")}' is empty (0 bytes).", Fails(Corpus("empty.csv")));
    }

    [Fact]
    public void A_header_without_rows_loads_as_zero_rows()
    {
        var frame = DataLoader.Load(Corpus("header_only.csv")).Data;
        Assert.Equal(0, frame.Rows.Count);
        Assert.Equal(["a", "b"], frame.Columns.Select(c => c.Name));
    }

    [Fact]
    public void A_ragged_row_names_its_line_and_the_header()
    {
        Assert.Equal(
            "Line 3 of 'ragged.csv' has 2 fields, but the header has 3 (a, b, c). Check for a missing or extra separator, or an unclosed quote.",
            Fails(Corpus("ragged.csv")));
    }

    [Fact]
    public void An_unclosed_quote_names_the_line_character_and_column_where_it_opens()
    {
        Assert.Equal(
            "Line 3, character 3 of 'unclosed_quote.csv': a quoted field (column 'name') is opened but never closed, so the rest of the file (2 lines) would be read as one value. Close the quote, or write a quote inside a quoted field as \"\".",
            Fails(Corpus("unclosed_quote.csv")));
    }

    [Fact]
    public void Binary_garbage_is_not_read_as_text()
    {
        var path = Path.Combine(_files.Folder, "garbage.csv");
        var bytes = new byte[4096];
        new Random(3).NextBytes(bytes);
        bytes[0] = (byte)'a';
        bytes[1] = 0;
        File.WriteAllBytes(path, bytes);

        Assert.Equal(
            "'garbage.csv' is not a text file: byte 1 is zero, as in binary data. #!load reads csv, tsv, json, jsonl, parquet (by extension or --format); gzip-compressed text is fine.",
            Fails(path));
    }

    [Fact]
    public void A_file_that_starts_like_gzip_but_is_not_says_so()
    {
        var path = Path.Combine(_files.Folder, "bad.csv.gz");
        File.WriteAllBytes(path, [0x1F, 0x8B, 1, 2, 3, 4, 5, 6, 7, 8]);
        Assert.StartsWith("'bad.csv.gz' starts like a gzip file but could not be decompressed", Fails(path), StringComparison.Ordinal);
    }

    [Fact]
    public void Gzip_data_damaged_after_a_good_start_names_the_file()
    {
        var good = new MemoryStream();
        using (var gzip = new System.IO.Compression.GZipStream(good, System.IO.Compression.CompressionLevel.Optimal, leaveOpen: true))
        {
            gzip.Write(System.Text.Encoding.UTF8.GetBytes("a,b\n" + string.Concat(Enumerable.Range(0, 200_000).Select(i => $"{i},{i * 7 % 1000}\n"))));
        }

        var bytes = good.ToArray();
        for (var i = bytes.Length / 2; i < bytes.Length - 8; i++)
        {
            bytes[i] = 0xFF;
        }

        var path = Path.Combine(_files.Folder, "damaged.csv.gz");
        File.WriteAllBytes(path, bytes);

        Assert.StartsWith("Could not read 'damaged.csv.gz' to its end: ", Fails(path), StringComparison.Ordinal);
    }

    [Fact]
    public void An_invalid_JSON_line_names_the_line_and_character()
    {
        Assert.Equal(
            "Line 3, character 15 of 'invalid_line.jsonl' is not valid JSON: '}' is an invalid start of a value. The line starts: {\"a\": 3, \"b\": }",
            Fails(Corpus("invalid_line.jsonl")));
    }

    [Fact]
    public void An_invalid_JSON_array_names_the_line_and_character()
    {
        Assert.StartsWith("Line 2, character 9 of 'invalid.json' is not valid JSON:", Fails(Corpus("invalid.json")), StringComparison.Ordinal);
    }

    [Fact]
    public void A_JSON_document_that_is_not_an_array_of_objects_says_what_was_expected()
    {
        var path = _files.Write("numbers.json", "[1, 2]");
        Assert.Equal("Item 1 of the array in 'numbers.json' is a JSON number, but every item must be an object such as {\"a\": 1, \"b\": \"x\"}.", Fails(path));
    }

    [Fact]
    public void A_broken_Parquet_file_says_it_could_not_be_read_as_Parquet()
    {
        Assert.StartsWith("Could not read 'broken.parquet' as Parquet: ", Fails(Corpus("broken.parquet")), StringComparison.Ordinal);
    }

    [Fact]
    public void An_unknown_column_in_types_suggests_the_closest_and_lists_the_columns()
    {
        Assert.Equal(
            "Could not find the --types column 'Specis' in 'iris.csv'. Did you mean 'Species'? Columns: Sepal.Length, Sepal.Width, Petal.Length, Petal.Width, Species.",
            Fails(Repo.Data("iris.csv"), new LoadOptions { Types = new Dictionary<string, string> { ["Specis"] = "string" } }));
    }

    [Fact]
    public void An_unknown_type_in_types_lists_the_types()
    {
        Assert.Equal(
            "The option --types got 'Species:category2', but expected a type among int, long, double, bool, datetime, string.",
            Fails(Repo.Data("iris.csv"), new LoadOptions { Types = new Dictionary<string, string> { ["Species"] = "category2" } }));
    }

    [Fact]
    public void A_where_that_does_not_compile_is_a_message_not_a_crash()
    {
        var message = Fails(Repo.Data("iris.csv"), new LoadOptions { Where = "Species ==" });
        Assert.Equal(
            "--where \"Species ==\" does not compile: CS1525 Invalid expression term ')' (at character 11 of the expression)\n    Species ==\n              ^\n",
            message[..message.IndexOf("Columns", StringComparison.Ordinal)]);
    }

    [Fact]
    public void An_unknown_format_lists_the_formats()
    {
        Assert.Equal("The option --format got 'xlsx', but expected one of csv, tsv, json, jsonl, parquet.", Fails(Repo.Data("iris.csv"), new LoadOptions { Format = "xlsx" }));
    }
}
