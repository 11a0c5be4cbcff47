using Microsoft.Data.Analysis;
using Notebooks.ML.Data;
using Notebooks.Tests;

namespace Notebooks.ML.Tests.Data;

public sealed class FormatTests : IDisposable
{
    private readonly TestFiles _files = new();

    public void Dispose() => _files.Dispose();

    [Fact]
    public void A_JSON_array_of_objects_loads_with_typed_columns_and_missing_keys_as_missing()
    {
        var path = _files.Write("people.json", """
            [
              {"name": "Ann", "age": 31, "score": 1.5, "member": true, "joined": "2024-01-02", "tags": ["a", "b"]},
              {"name": "Bob", "age": 42, "score": 2, "member": false, "joined": "2024-02-03"},
              {"name": null, "score": "NA", "member": true, "joined": "2024-03-04", "extra": {"x": 1}}
            ]
            """);

        var loaded = DataLoader.Load(path);
        var frame = loaded.Data;

        Assert.Equal("json", loaded.Format);
        Assert.Equal(3, frame.Rows.Count);
        Assert.Equal(["name", "age", "score", "member", "joined", "tags", "extra"], frame.Columns.Select(c => c.Name));
        Assert.IsType<StringDataFrameColumn>(frame.Columns["name"]);
        Assert.IsType<Int32DataFrameColumn>(frame.Columns["age"]);
        Assert.IsType<DoubleDataFrameColumn>(frame.Columns["score"]);
        Assert.IsType<BooleanDataFrameColumn>(frame.Columns["member"]);
        Assert.IsType<DateTimeDataFrameColumn>(frame.Columns["joined"]);
        Assert.Null(frame.Columns["name"][2]);
        Assert.Null(frame.Columns["age"][2]);
        Assert.Null(frame.Columns["score"][2]);
        Assert.Equal("[\"a\", \"b\"]", frame.Columns["tags"][0]);
        Assert.Null(frame.Columns["tags"][1]);
        Assert.Equal("{\"x\": 1}", frame.Columns["extra"][2]);
    }

    [Fact]
    public void JSON_lines_load_one_object_per_line_and_skip_blank_lines()
    {
        var path = _files.Write("events.jsonl", "{\"id\": 1, \"kind\": \"click\", \"value\": 3000000000}\n\n{\"id\": 2, \"kind\": \"view\", \"value\": 1}\r\n{\"id\": 3, \"value\": 2.5}\n");

        var loaded = DataLoader.Load(path);

        Assert.Equal("jsonl", loaded.Format);
        Assert.Equal(3, loaded.Data.Rows.Count);
        Assert.IsType<DoubleDataFrameColumn>(loaded.Data.Columns["value"]);
        Assert.Equal(3e9, loaded.Data.Columns["value"][0]);
        Assert.Null(loaded.Data.Columns["kind"][2]);
    }

    [Fact]
    public void A_json_file_that_starts_with_an_object_is_read_as_JSON_lines()
    {
        var path = _files.Write("lines.json", "{\"a\": 1}\n{\"a\": 2}\n");
        var loaded = DataLoader.Load(path);
        Assert.Equal("jsonl", loaded.Format);
        Assert.Equal(2, loaded.Data.Rows.Count);
    }

    [Fact]
    public void Types_override_JSON_values_too()
    {
        var path = _files.Write("codes.jsonl", "{\"code\": 1}\n{\"code\": 2}\n");
        var frame = DataLoader.Load(path, new LoadOptions { Types = new Dictionary<string, string> { ["code"] = "string" } }).Data;
        Assert.Equal("1", frame.Columns["code"][0]);
    }

    [Fact]
    public void Parquet_loads_with_its_own_types_and_nulls()
    {
        var path = _files.Parquet("t.parquet", """
            SELECT i::INTEGER AS i, (i * 10000000000)::BIGINT AS big, i / 4 AS ratio, i % 2 = 0 AS even,
                   DATE '2024-01-01' + i::INTEGER AS day, CASE WHEN i = 3 THEN NULL ELSE 'v' || i END AS label,
                   (i * 1.5)::DECIMAL(10, 2) AS price, i::SMALLINT AS small
            FROM range(0, 5) t(i)
            """);

        var loaded = DataLoader.Load(path);
        var frame = loaded.Data;

        Assert.Equal("parquet", loaded.Format);
        Assert.Equal(5, frame.Rows.Count);
        Assert.IsType<Int32DataFrameColumn>(frame.Columns["i"]);
        Assert.IsType<Int64DataFrameColumn>(frame.Columns["big"]);
        Assert.IsType<DoubleDataFrameColumn>(frame.Columns["ratio"]);
        Assert.IsType<BooleanDataFrameColumn>(frame.Columns["even"]);
        Assert.IsType<DateTimeDataFrameColumn>(frame.Columns["day"]);
        Assert.IsType<StringDataFrameColumn>(frame.Columns["label"]);
        Assert.IsType<DoubleDataFrameColumn>(frame.Columns["price"]);
        Assert.IsType<Int32DataFrameColumn>(frame.Columns["small"]);
        Assert.Equal(40000000000L, frame.Columns["big"][4]);
        Assert.Equal(new DateTime(2024, 1, 3, 0, 0, 0, DateTimeKind.Utc), frame.Columns["day"][2]);
        Assert.Null(frame.Columns["label"][3]);
        Assert.Equal(6.0, frame.Columns["price"][4]);
        Assert.Equal(Fingerprint.OfFile(path), loaded.Fingerprint);
    }

    [Fact]
    public void A_Parquet_file_is_recognised_by_its_magic_number_whatever_its_extension()
    {
        var path = _files.Parquet("data.bin", "SELECT 1 AS a");
        Assert.Equal("parquet", DataLoader.Load(path).Format);
    }

    [Fact]
    public void Types_convert_Parquet_columns_and_name_the_row_that_does_not_fit()
    {
        var path = _files.Parquet("codes.parquet", "SELECT * FROM (VALUES ('1', 10), ('2', 20), ('x', 30)) t(code, n)");

        var asText = DataLoader.Load(path, new LoadOptions { Types = new Dictionary<string, string> { ["n"] = "string" } }).Data;
        Assert.Equal("20", asText.Columns["n"][1]);

        var error = Assert.Throws<NotebookException>(() => DataLoader.Load(path, new LoadOptions { Types = new Dictionary<string, string> { ["code"] = "int" } }));
        Assert.Equal("Row 3 of 'codes.parquet', column 'code': 'x' is not a valid int (set by --types).", error.Message);
    }

    [Fact]
    public void Sql_queries_the_file_as_the_table_data_and_as_its_own_name()
    {
        var byData = DataLoader.Load(Repo.Data("iris.csv"), new LoadOptions { Sql = "SELECT Species, count(*) AS n, avg(\"Petal.Length\") AS petal FROM data GROUP BY Species ORDER BY Species" });
        var byName = DataLoader.Load(Repo.Data("iris.csv"), new LoadOptions { Sql = "SELECT * FROM iris WHERE \"Sepal.Length\" > 7" });

        Assert.Equal("sql", byData.Format);
        Assert.Equal(3, byData.Data.Rows.Count);
        Assert.Equal(["Species", "n", "petal"], byData.Data.Columns.Select(c => c.Name));
        Assert.Equal("setosa", byData.Data.Columns["Species"][0]);
        Assert.Equal(50L, byData.Data.Columns["n"][0]);
        Assert.Equal(1.462, (double)byData.Data.Columns["petal"][0]!, 6);
        Assert.Equal(12, byName.Data.Rows.Count);
    }

    [Fact]
    public void Sql_reads_Parquet_JSON_lines_and_TSV_sources_too()
    {
        var parquet = _files.Parquet("p.parquet", "SELECT i AS x FROM range(0, 10) t(i)");
        var jsonl = _files.Write("j.jsonl", "{\"x\": 1}\n{\"x\": 5}\n");
        var tsv = _files.Write("t.tsv", "x\ty\n1\ta\n2\tb\n3\tc\n");

        Assert.Equal(45.0, Convert.ToDouble(DataLoader.Load(parquet, new LoadOptions { Sql = "SELECT sum(x) AS s FROM data" }).Data.Columns["s"][0], System.Globalization.CultureInfo.InvariantCulture));
        Assert.Equal(5L, Convert.ToInt64(DataLoader.Load(jsonl, new LoadOptions { Sql = "SELECT max(x) AS m FROM j" }).Data.Columns["m"][0], System.Globalization.CultureInfo.InvariantCulture));
        Assert.Equal(2, DataLoader.Load(tsv, new LoadOptions { Sql = "SELECT * FROM data WHERE x > 1" }).Data.Rows.Count);
    }

    [Fact]
    public void A_query_that_fails_shows_DuckDBs_message_with_the_tables_it_could_use()
    {
        var error = Assert.Throws<NotebookException>(() => DataLoader.Load(Repo.Data("iris.csv"), new LoadOptions { Sql = "SELEC * FROM data" }));
        Assert.StartsWith("The --sql query over 'iris.csv' (table data or iris) failed: Parser Error: syntax error at or near \"SELEC\"", error.Message, StringComparison.Ordinal);
    }
}
