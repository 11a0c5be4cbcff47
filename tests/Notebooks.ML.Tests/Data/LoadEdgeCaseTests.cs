using System.Text;
using DuckDB.NET.Data;
using Microsoft.Data.Analysis;
using Notebooks.ML.Data;
using Notebooks.Tests;

namespace Notebooks.ML.Tests.Data;

/// <summary>
/// Data the first tests never saw (issue 11): blank lines, whitespace-only files, a field over Sep's 16 MB row
/// limit, Windows-1252 text, and Parquet read column by column compared value for value with DuckDB's own reading.
/// </summary>
public sealed class LoadEdgeCaseTests : IDisposable
{
    private readonly TestFiles _files = new();

    public void Dispose() => _files.Dispose();

    private static string Corpus(string name) => BadInputCorpusTests.Corpus(name);

    private static string Fails(string path, LoadOptions? options = null) =>
        Assert.Throws<NotebookException>(() => DataLoader.Load(path, options)).Message;

    [Fact]
    public void Blank_lines_are_skipped_and_counted_on_the_card()
    {
        foreach (var parallel in new[] { false, true })
        {
            var steps = new List<string>();
            var frame = CsvLoader.Load(Corpus("blank_lines.csv"), new LoadOptions(), steps, parallel);
            Assert.Equal(3, frame.Rows.Count);
            Assert.Equal(["Ann", "Bob", "Cid"], Enumerable.Range(0, 3).Select(i => (string)frame.Columns["name"][i]!));
            Assert.IsType<Int32DataFrameColumn>(frame.Columns["age"]);
            Assert.Equal(["skipped 3 blank lines"], steps);
        }

        var loaded = DataLoader.Load(Corpus("blank_lines.csv"));
        Assert.Contains("skipped 3 blank lines", loaded.Steps);
        Assert.Contains("skipped 3 blank lines", Notebooks.ML.Display.Cards.Loaded(loaded), StringComparison.Ordinal);
    }

    [Fact]
    public void Blank_lines_before_the_header_are_skipped_too()
    {
        var path = _files.Write("lead.csv", "\n\na,b\n1,2\n");
        var loaded = DataLoader.Load(path);
        Assert.Equal(["a", "b"], loaded.Data.Columns.Select(c => c.Name));
        Assert.Equal(1, loaded.Data.Rows.Count);
    }

    [Fact]
    public void A_file_of_whitespace_only_fails_and_says_so()
    {
        Assert.Equal(
            "The file 'whitespace_only.csv' holds only blank lines and spaces (9 bytes): expected a header line with column names.",
            Fails(Corpus("whitespace_only.csv")));
        var json = _files.Write("blank.json", "  \n \n");
        Assert.Equal(
            "The file 'blank.json' holds only blank lines and spaces (5 bytes): expected an array of objects such as [{\"a\": 1}, {\"a\": 2}].",
            Fails(json, new LoadOptions { Format = "json" }));
    }

    [Fact]
    public void Windows_1252_text_is_detected_read_as_such_and_noted()
    {
        var loaded = DataLoader.Load(Corpus("windows1252.csv"));
        var frame = loaded.Data;
        Assert.Equal(["José", "Ann", "Renée"], Enumerable.Range(0, 3).Select(i => (string)frame.Columns["name"][i]!));
        Assert.Equal("São Paulo", frame.Columns["city"][0]);
        Assert.Equal("Zürich", frame.Columns["city"][1]);
        Assert.IsType<DoubleDataFrameColumn>(frame.Columns["score"]);
        var note = Assert.Single(loaded.Steps);
        Assert.Equal("read as Windows-1252 (as Excel writes CSV): the file is not valid UTF-8 (line 2 has the byte 0xE9, 'é' in Windows-1252); --encoding names another encoding", note);
    }

    [Fact]
    public void A_text_that_is_not_UTF8_far_into_a_big_file_is_still_noticed_on_its_line()
    {
        var text = new StringBuilder("id,name\n");
        for (var i = 0; i < 200_000; i++)
        {
            text.Append(i).Append(",plain\n");
        }

        var bytes = Encoding.UTF8.GetBytes(text.ToString()).Concat(new byte[] { (byte)'9', (byte)',', (byte)'J', (byte)'o', (byte)'s', 0xE9, (byte)'\n' }).ToArray();
        var path = Path.Combine(_files.Folder, "late.csv");
        File.WriteAllBytes(path, bytes);

        var loaded = DataLoader.Load(path);
        Assert.Equal("José", loaded.Data.Columns["name"][200_000]);
        Assert.Contains("line 200,002 has the byte 0xE9", Assert.Single(loaded.Steps), StringComparison.Ordinal);
    }

    [Fact]
    public void Encoding_names_the_encoding_and_an_unknown_one_lists_the_known()
    {
        var latin1 = DataLoader.Load(Corpus("windows1252.csv"), new LoadOptions { Encoding = "latin1" });
        Assert.Equal("José", latin1.Data.Columns["name"][0]);
        Assert.Empty(latin1.Steps);

        var utf16 = Path.Combine(_files.Folder, "utf16.csv");
        File.WriteAllText(utf16, "a,b\n1,Ünïcode\n", Encoding.Unicode);
        Assert.Equal("Ünïcode", DataLoader.Load(utf16).Data.Columns["b"][0]);
        var noBom = Path.Combine(_files.Folder, "utf16-no-bom.csv");
        File.WriteAllBytes(noBom, new UnicodeEncoding(bigEndian: false, byteOrderMark: false).GetBytes("a,b\n1,x\n"));
        Assert.Equal("x", DataLoader.Load(noBom, new LoadOptions { Encoding = "utf-16" }).Data.Columns["b"][0]);

        Assert.Equal(
            "The option --encoding got 'klingon', but expected an encoding name such as utf-8, windows-1252, latin1, utf-16, utf-16be, ascii.",
            Fails(Corpus("windows1252.csv"), new LoadOptions { Encoding = "klingon" }));
    }

    [Fact]
    public void A_field_longer_than_16_MB_is_named_with_its_line_column_and_size()
    {
        var path = Path.Combine(_files.Folder, "huge.csv");
        using (var writer = new StreamWriter(path))
        {
            writer.Write("id,text,n\n1,short,2\n2,");
            writer.Write(new string('x', 17 << 20));
            writer.Write(",3\n3,end,4\n");
        }

        var message = Fails(path);
        Assert.StartsWith("Line 3 of 'huge.csv' starts a row of 17,825,797 characters (17.0 MB): its column 'text' (line 3) alone holds 17,825,792 characters (17.0 MB). #!load reads rows of up to 16,777,216 characters (16 MB).", message, StringComparison.Ordinal);
        Assert.Contains("--sql \"SELECT * FROM read_csv('huge.csv', max_line_size = ", message, StringComparison.Ordinal);

        // The advice works: DuckDB reads the row when the query names the file with a longer limit.
        var limit = message[(message.IndexOf("max_line_size = ", StringComparison.Ordinal) + 16)..].Split(')')[0];
        var frame = DataLoader.Load(path, new LoadOptions { Sql = $"SELECT id, length(text) AS length FROM read_csv('{path}', max_line_size = {limit})" }).Data;
        Assert.Equal(3, frame.Rows.Count);
        Assert.Equal(17L << 20, Convert.ToInt64(frame.Columns["length"][1], System.Globalization.CultureInfo.InvariantCulture));
    }

    [Fact]
    public void A_quote_left_open_before_16_MB_of_text_names_where_it_opens()
    {
        var path = Path.Combine(_files.Folder, "open.csv");
        using (var writer = new StreamWriter(path))
        {
            writer.Write("id,text\n1,ok\n2,\"starts here\n");
            for (var i = 0; i < 300_000; i++)
            {
                writer.Write("3,just another row of plain text that will be swallowed by the quote\n");
            }
        }

        Assert.StartsWith(
            "Line 3, character 3 of 'open.csv': a quoted field (column 'text') is opened but never closed, so the rest of the file (300,001 lines, ",
            Fails(path), StringComparison.Ordinal);
    }

    [Fact]
    public void Parquet_read_column_by_column_matches_DuckDB_value_for_value_across_row_groups_and_nulls()
    {
        var path = Path.Combine(_files.Folder, "groups.parquet");
        const string Query = """
            SELECT (i % 7 = 0)::BOOLEAN AS flag_plain,
                   CASE WHEN i % 5 = 0 THEN NULL ELSE i % 3 = 0 END AS flag,
                   CASE WHEN i % 4 = 0 THEN NULL ELSE (i * 3)::INTEGER END AS n32,
                   CASE WHEN i % 6 = 0 THEN NULL ELSE i * 10000000000 END::BIGINT AS n64,
                   CASE WHEN i % 9 = 0 THEN NULL ELSE i / 7.0 END::DOUBLE AS x,
                   (i % 100)::SMALLINT AS small, (i % 200)::UTINYINT AS tiny, (i * 2)::UINTEGER AS u32,
                   (i / 3.0)::FLOAT AS f, (i * 1.25)::DECIMAL(12, 2) AS price,
                   CASE WHEN i % 8 = 0 THEN NULL ELSE TIMESTAMP '2024-01-01' + INTERVAL (i) MINUTE END AS ts,
                   DATE '2020-01-01' + (i % 1000)::INTEGER AS day,
                   CASE WHEN i % 10 = 0 THEN NULL ELSE 'level_' || (i % 13) END AS category,
                   'unique text ' || i || repeat('é', i % 5) AS text
            FROM range(0, 25000) t(i)
            """;
        using (var connection = new DuckDBConnection("DataSource=:memory:"))
        {
            connection.Open();
            using var command = connection.CreateCommand();
            command.CommandText = $"COPY ({Query}) TO '{path}' (FORMAT parquet, ROW_GROUP_SIZE 4096)";
            command.ExecuteNonQuery();
        }

        var ours = DataLoader.Load(path).Data;
        var duck = DuckDbReference(path);

        Assert.Equal(25_000, ours.Rows.Count);
        Assert.Equal(duck.Select(c => c.Name), ours.Columns.Select(c => c.Name));
        Assert.Equal(
            ["Boolean", "Boolean", "Int32", "Int64", "Double", "Int32", "Int32", "Int64", "Double", "Double", "DateTime", "DateTime", "String", "String"],
            ours.Columns.Select(c => c.DataType.Name));
        foreach (var (name, values) in duck)
        {
            var column = ours.Columns[name];
            for (var i = 0; i < values.Length; i++)
            {
                Assert.True(Same(values[i], column[i]), $"{name}[{i}]: DuckDB {values[i] ?? "null"}, ours {column[i] ?? "null"}");
            }
        }

        Assert.Equal(5_000, ours.Columns["flag"].NullCount);
        Assert.Equal(2_500, ours.Columns["category"].NullCount);
    }

    private static bool Same(object? expected, object? actual) => (expected, actual) switch
    {
        (null, null) => true,
        (null, _) or (_, null) => false,
        (float f, double d) => (double)f == d,
        (decimal m, double d) => (double)m == d,
        (DateTime a, DateTime b) => a.Ticks == b.Ticks,
        (DateOnly a, DateTime b) => a.ToDateTime(TimeOnly.MinValue).Ticks == b.Ticks,
        _ => Convert.ToString(expected, System.Globalization.CultureInfo.InvariantCulture) == Convert.ToString(actual, System.Globalization.CultureInfo.InvariantCulture),
    };

    private static List<(string Name, object?[] Values)> DuckDbReference(string path)
    {
        using var connection = new DuckDBConnection("DataSource=:memory:");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = $"SELECT * FROM read_parquet('{path}')";
        using var reader = command.ExecuteReader();
        var columns = Enumerable.Range(0, reader.FieldCount).Select(i => (reader.GetName(i), new List<object?>())).ToList();
        while (reader.Read())
        {
            for (var c = 0; c < columns.Count; c++)
            {
                columns[c].Item2.Add(reader.IsDBNull(c) ? null : reader.GetValue(c));
            }
        }

        return columns.Select(c => (c.Item1, c.Item2.ToArray())).ToList();
    }

    [Fact]
    public void A_Parquet_file_with_a_nested_column_is_still_read_through_DuckDB()
    {
        var path = _files.Parquet("nested.parquet", "SELECT i AS id, [i, i + 1] AS pair, {'k': i} AS s FROM range(0, 3) t(i)");
        var frame = DataLoader.Load(path).Data;
        Assert.Equal(3, frame.Rows.Count);
        Assert.Equal(["id", "pair", "s"], frame.Columns.Select(c => c.Name));
        Assert.IsType<Int64DataFrameColumn>(frame.Columns["id"]);
        Assert.IsType<StringDataFrameColumn>(frame.Columns["pair"]);
    }

    [Fact]
    public void Sql_results_keep_their_types_and_nulls()
    {
        var path = _files.Write("people.csv", "name,age,score,joined\nAnn,31,1.5,2024-01-02\nBob,,2.5,2024-02-03\nCid,28,,\n");
        var frame = DataLoader.Load(path, new LoadOptions { Sql = "SELECT name, age::INTEGER AS age, score, joined, age > 30 AS senior, sum(score) OVER () AS total FROM data ORDER BY name" }).Data;
        Assert.Equal(["String", "Int32", "Double", "DateTime", "Boolean", "Double"], frame.Columns.Select(c => c.DataType.Name));
        Assert.Null(frame.Columns["age"][1]);
        Assert.Null(frame.Columns["senior"][1]);
        Assert.Null(frame.Columns["score"][2]);
        Assert.Equal(new DateTime(2024, 2, 3), frame.Columns["joined"][1]);
        Assert.Equal(4.0, frame.Columns["total"][0]);
    }

    [Fact]
    public void Sql_that_is_not_a_query_still_answers_and_a_file_DuckDB_cannot_read_is_a_message()
    {
        var path = _files.Write("tiny.csv", "a\n1\n2\n");
        var frame = DataLoader.Load(path, new LoadOptions { Sql = "PRAGMA version" }).Data;
        Assert.Equal(1, frame.Rows.Count);

        var json = _files.Write("broken.json", "[{\"a\": 1}, {\"a\": ");
        Assert.StartsWith("DuckDB could not read 'broken.json' as json for --sql (the table data or broken): ", Fails(json, new LoadOptions { Sql = "SELECT * FROM data" }), StringComparison.Ordinal);
    }

    [Fact]
    public void JSON_values_widen_keep_escapes_and_nested_text_and_obey_types()
    {
        var path = _files.Write("mixed.json", """
            [{"n": 1, "big": 1, "s": "a\"b\u00e9", "nested": {"k": [1, 2]}, "when": "2024-01-02T03:04:05"},
             {"n": 2, "big": 3000000000, "s": "NA", "nested": null, "when": null},
             {"n": 2.5, "big": 4, "s": "plain", "extra": true}]
            """);
        var frame = DataLoader.Load(path).Data;
        Assert.Equal(["n", "big", "s", "nested", "when", "extra"], frame.Columns.Select(c => c.Name));
        Assert.Equal(["Double", "Int64", "String", "String", "DateTime", "Boolean"], frame.Columns.Select(c => c.DataType.Name));
        Assert.Equal(2.5, frame.Columns["n"][2]);
        Assert.Equal(3000000000L, frame.Columns["big"][1]);
        Assert.Equal("a\"bé", frame.Columns["s"][0]);
        Assert.Null(frame.Columns["s"][1]);
        Assert.Equal("{\"k\": [1, 2]}", frame.Columns["nested"][0]);
        Assert.Null(frame.Columns["nested"][1]);
        Assert.Equal(new DateTime(2024, 1, 2, 3, 4, 5), frame.Columns["when"][0]);
        Assert.Null(frame.Columns["extra"][0]);
        Assert.Equal(true, frame.Columns["extra"][2]);

        var typed = DataLoader.Load(path, new LoadOptions { Types = new Dictionary<string, string> { ["big"] = "string", ["n"] = "string" } }).Data;
        Assert.Equal("3000000000", typed.Columns["big"][1]);
        Assert.Equal("2.5", typed.Columns["n"][2]);
        Assert.Equal(
            "Item 1 of 'mixed.json', field 's': 'a\"bé' is not a valid int (set by --types). Use --types with string to keep such values as text.",
            Fails(path, new LoadOptions { Types = new Dictionary<string, string> { ["s"] = "int" } }));
    }

    [Fact]
    public void JSON_lines_with_keys_in_changing_order_land_in_the_right_columns()
    {
        var path = _files.Write("order.jsonl", "{\"a\": 1, \"b\": \"x\"}\n{\"b\": \"y\", \"a\": 2}\n{\"c\": 3}\n{\"a\": 4, \"c\": 5, \"b\": \"z\"}\n");
        var frame = DataLoader.Load(path).Data;
        Assert.Equal(["a", "b", "c"], frame.Columns.Select(c => c.Name));
        Assert.Equal(new object?[] { 1, 2, null, 4 }, Enumerable.Range(0, 4).Select(i => frame.Columns["a"][i]));
        Assert.Equal(new object?[] { "x", "y", null, "z" }, Enumerable.Range(0, 4).Select(i => frame.Columns["b"][i]));
        Assert.Equal(new object?[] { null, null, 3, 5 }, Enumerable.Range(0, 4).Select(i => frame.Columns["c"][i]));
    }

    [Fact]
    public void Trailing_text_after_the_JSON_array_and_a_second_value_on_a_line_are_errors()
    {
        Assert.StartsWith("Line 1, character 12 of 'trail.json' is not valid JSON: ", Fails(_files.Write("trail.json", "[{\"a\": 1}] x")), StringComparison.Ordinal);
        Assert.StartsWith("Line 1, character 10 of 'two.jsonl' is not valid JSON: ", Fails(_files.Write("two.jsonl", "{\"a\": 1} {\"a\": 2}\n")), StringComparison.Ordinal);
    }
}
