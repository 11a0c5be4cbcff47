using System.IO.Compression;
using System.Text;
using DuckDB.NET.Data;
using Microsoft.Data.Analysis;
using Microsoft.DotNet.Interactive;
using Notebooks.ML.Data;
using Notebooks.Tests;

namespace Notebooks.ML.Interactive.Tests;

[Collection("kernel")]
public sealed class LoadMagicTests : IDisposable
{
    private readonly KernelHarness _kernel = new();
    private readonly string _folder = Directory.CreateTempSubdirectory("nbml-load-magic-").FullName;

    public void Dispose()
    {
        _kernel.Dispose();
        Directory.Delete(_folder, recursive: true);
    }

    private string Write(string name, string text)
    {
        var path = Path.Combine(_folder, name);
        File.WriteAllText(path, text);
        return path;
    }

    private string Corpus(string name) => Repo.Path_("tests", "Notebooks.ML.Tests", "Data", "Corpus", name);

    [Fact]
    public async Task Load_creates_a_DataFrame_variable_named_after_the_file_and_shows_its_schema()
    {
        var result = (await _kernel.SubmitAsync("#!load data/iris.csv")).ShouldSucceed();

        var iris = _kernel.Variable<DataFrame>("iris");
        Assert.NotNull(iris);
        Assert.Equal(150, iris!.Rows.Count);
        Assert.Equal(5, iris.Columns.Count);
        Assert.Contains("150 rows × 5 columns", result.Html, StringComparison.Ordinal);
        Assert.Contains("Sepal.Length", result.Html, StringComparison.Ordinal);
        Assert.Contains("fingerprint", result.Html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Load_fails_with_the_path_when_the_file_is_missing()
    {
        var message = (await _kernel.SubmitAsync("#!load data/nope.csv")).ShouldFail();
        Assert.Contains("Could not find the file 'data/nope.csv'", message, StringComparison.Ordinal);
        (await _kernel.SubmitAsync("var two = 1 + 1;")).ShouldSucceed();
    }

    [Fact]
    public async Task A_failed_load_keeps_the_variables_previous_value()
    {
        (await _kernel.SubmitAsync("#!load data/iris.csv --as df")).ShouldSucceed();
        var before = _kernel.Variable<DataFrame>("df");

        var message = (await _kernel.SubmitAsync("#!load data/iris.csv --as df --types Species:int")).ShouldFail();

        Assert.Contains("'setosa' is not a valid int", message, StringComparison.Ordinal);
        Assert.Contains("line 2", message, StringComparison.OrdinalIgnoreCase);
        Assert.Same(before, _kernel.Variable<DataFrame>("df"));
    }

    [Fact]
    public async Task The_warm_up_after_loading_the_extension_leaves_no_file_and_no_variable()
    {
        // Loading the extension loads a small file on another core to compile the #!load path early (issue 11's first
        // load). It must leave nothing behind: no temporary file, no variable in the user's kernel.
        var pattern = $"notebooks-ml-warmup-{Environment.ProcessId}-*.csv";
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (Directory.GetFiles(Path.GetTempPath(), pattern).Length > 0 && DateTime.UtcNow < deadline)
        {
            await Task.Delay(100);
        }

        Assert.Empty(Directory.GetFiles(Path.GetTempPath(), pattern));
        var names = (Microsoft.DotNet.Interactive.CSharp.CSharpKernel)_kernel.Kernel.FindKernelByName("csharp")!;
        Assert.Empty(names.ScriptState?.Variables.Select(v => v.Name) ?? []);
        (await _kernel.SubmitAsync("#!load data/iris.csv --as iris")).ShouldSucceed();
        Assert.Equal(["iris"], names.ScriptState!.Variables.Select(v => v.Name).Distinct());
    }

    [Fact]
    public async Task Loading_again_into_a_name_replaces_its_value_whatever_the_name_held_before()
    {
        // A DataFrame name loaded again is assigned in place (no new declaration is compiled); any other type is
        // declared anew as a DataFrame. Code in later cells sees the new value either way.
        var small = Write("small.csv", "a,b\n1,x\n2,y\n");
        var large = Write("large.csv", "a,b\n1,x\n2,y\n3,z\n");
        (await _kernel.SubmitAsync("var df = \"some text\";")).ShouldSucceed();
        (await _kernel.SubmitAsync($"#!load {small} --as df")).ShouldSucceed();
        Assert.Equal(2, _kernel.Variable<DataFrame>("df")!.Rows.Count);

        (await _kernel.SubmitAsync($"#!load {large} --as df")).ShouldSucceed();
        Assert.Equal(3, _kernel.Variable<DataFrame>("df")!.Rows.Count);
        var count = (await _kernel.SubmitAsync("df.Rows.Count")).ShouldSucceed();
        Assert.Contains("3", count.Text, StringComparison.Ordinal);

        (await _kernel.SubmitAsync($"#!load {small} --as df")).ShouldSucceed();
        (await _kernel.SubmitAsync("if (df.Rows.Count != 2) throw new Exception($\"df has {df.Rows.Count} rows\");")).ShouldSucceed();
    }

    [Fact]
    public async Task Load_names_the_columns_when_types_names_an_unknown_one()
    {
        var message = (await _kernel.SubmitAsync("#!load data/iris.csv --types Specis:string")).ShouldFail();
        Assert.Contains("Could not find the --types column 'Specis'", message, StringComparison.Ordinal);
        Assert.Contains("Did you mean 'Species'?", message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Load_rejects_a_folder_and_a_bad_variable_name()
    {
        Assert.Contains("is a folder", (await _kernel.SubmitAsync("#!load data")).ShouldFail(), StringComparison.Ordinal);
        Assert.Contains("not a valid C# variable name", (await _kernel.SubmitAsync("#!load data/iris.csv --as 2fast")).ShouldFail(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Load_takes_the_path_from_a_csharp_variable()
    {
        (await _kernel.SubmitAsync("var file = \"data/mtcars.csv\";")).ShouldSucceed();
        (await _kernel.SubmitAsync("#!load @csharp:file --as cars")).ShouldSucceed();
        Assert.Equal(32, _kernel.Variable<DataFrame>("cars")!.Rows.Count);
    }

    [Fact]
    public async Task Load_shows_help_with_every_option()
    {
        var help = (await _kernel.SubmitAsync("#!load -h")).ShouldSucceed().Html;
        foreach (var option in new[] { "--as", "--format", "--encoding", "--separator", "--no-header", "--types", "--sql", "--derive", "--where", "--sample", "--seed" })
        {
            Assert.Contains(option, help, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task Help_says_how_an_expression_names_a_column_that_is_not_an_identifier()
    {
        var help = (await _kernel.SubmitAsync("#!load -h")).ShouldSucceed().Html;
        Assert.Contains("first name → first_name", help, StringComparison.Ordinal);
        Assert.Contains("od280/od315_of_diluted_wines → od280_od315_of_diluted_wines", help, StringComparison.Ordinal);
        Assert.Contains("row[&quot;exact name&quot;]", help, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Every_format_loads_in_the_kernel_with_its_rows_columns_and_types()
    {
        var tsv = Write("t.tsv", "a\tb\n1\tx\n2\ty\n");
        var json = Write("j.json", "[{\"a\": 1, \"b\": \"x\"}, {\"a\": 2, \"b\": \"y\"}]");
        var jsonl = Write("j.jsonl", "{\"a\": 1, \"b\": \"x\"}\n{\"a\": 2, \"b\": \"y\"}\n");
        var gz = Path.Combine(_folder, "g.csv.gz");
        using (var gzip = new GZipStream(File.Create(gz), CompressionLevel.Fastest))
        {
            gzip.Write(Encoding.UTF8.GetBytes("a,b\n1,x\n2,y\n"));
        }

        var parquet = Path.Combine(_folder, "p.parquet");
        using (var connection = new DuckDBConnection("DataSource=:memory:"))
        {
            connection.Open();
            using var command = connection.CreateCommand();
            command.CommandText = $"COPY (SELECT * FROM (VALUES (1, 'x'), (2, 'y')) t(a, b)) TO '{parquet}' (FORMAT parquet)";
            command.ExecuteNonQuery();
        }

        foreach (var (path, format) in new[] { (tsv, "tsv"), (json, "json"), (jsonl, "jsonl"), (gz, "csv"), (parquet, "parquet") })
        {
            var html = (await _kernel.SubmitAsync($"#!load {path} --as frame")).ShouldSucceed().Html;
            var frame = _kernel.Variable<DataFrame>("frame")!;
            Assert.Equal(2, frame.Rows.Count);
            Assert.Equal(["a", "b"], frame.Columns.Select(c => c.Name));
            Assert.IsType<Int32DataFrameColumn>(frame.Columns["a"]);
            Assert.Equal("y", frame.Columns["b"][1]);
            Assert.Contains($"2 rows × 2 columns · {format}", html, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task Sql_runs_over_the_file_with_quotes_inside_the_query()
    {
        (await _kernel.SubmitAsync("#!load data/iris.csv --sql \"SELECT Species, count(*) AS n, avg(\\\"Petal.Length\\\") AS petal FROM data GROUP BY Species ORDER BY Species\" --as bySpecies")).ShouldSucceed();

        var frame = _kernel.Variable<DataFrame>("bySpecies")!;
        Assert.Equal(3, frame.Rows.Count);
        Assert.Equal(["Species", "n", "petal"], frame.Columns.Select(c => c.Name));
    }

    [Fact]
    public async Task Repeated_derive_and_a_where_run_in_order()
    {
        var result = (await _kernel.SubmitAsync("#!load data/diamonds.csv --derive \"ppc = price / carat\" --derive \"big = carat > 2\" --where \"cut == \\\"Ideal\\\" && big && ppc > 5000\" --as ideal")).ShouldSucceed();

        var frame = _kernel.Variable<DataFrame>("ideal")!;
        Assert.Contains("ppc", frame.Columns.Select(c => c.Name));
        Assert.Contains("big", frame.Columns.Select(c => c.Name));
        Assert.InRange(frame.Rows.Count, 1, 2000);
        Assert.All(Enumerable.Range(0, (int)frame.Rows.Count), i =>
        {
            Assert.Equal("Ideal", frame.Columns["cut"][i]);
            Assert.True((double)frame.Columns["carat"][i]! > 2);
        });
        Assert.Contains("--derive ppc = price / carat (double)", result.Html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_column_that_is_not_an_identifier_is_filtered_by_its_underscored_name()
    {
        (await _kernel.SubmitAsync("#!load data/wine.csv --where \"od280_od315_of_diluted_wines > 3\" --as wine")).ShouldSucceed();
        var frame = _kernel.Variable<DataFrame>("wine")!;
        Assert.InRange(frame.Rows.Count, 1, 177);
    }

    [Fact]
    public async Task Sample_takes_its_seed_from_seed_magic_unless_given()
    {
        (await _kernel.SubmitAsync("#!seed 5")).ShouldSucceed();
        (await _kernel.SubmitAsync("#!load data/diamonds.csv --sample 100 --as a")).ShouldSucceed();
        (await _kernel.SubmitAsync("#!load data/diamonds.csv --sample 100 --seed 5 --as b")).ShouldSucceed();
        (await _kernel.SubmitAsync("#!load data/diamonds.csv --sample 100 --seed 6 --as c")).ShouldSucceed();

        var a = Fingerprint.OfFrame(_kernel.Variable<DataFrame>("a")!);
        Assert.Equal(100, _kernel.Variable<DataFrame>("a")!.Rows.Count);
        Assert.Equal(a, Fingerprint.OfFrame(_kernel.Variable<DataFrame>("b")!));
        Assert.NotEqual(a, Fingerprint.OfFrame(_kernel.Variable<DataFrame>("c")!));
    }

    public static TheoryData<string, string> BadInputs => new()
    {
        { "empty.csv", "is empty (0 bytes)" },
        { "ragged.csv", "Line 3 of 'ragged.csv' has 2 fields, but the header has 3" },
        { "unclosed_quote.csv", "Line 3, character 3 of 'unclosed_quote.csv': a quoted field (column 'name') is opened but never closed" },
        { "invalid_line.jsonl", "Line 3, character 15 of 'invalid_line.jsonl' is not valid JSON" },
        { "invalid.json", "Line 2, character 9 of 'invalid.json' is not valid JSON" },
        { "broken.parquet", "Could not read 'broken.parquet' as Parquet" },
        { "nope.csv", "Could not find the file" },
        { "whitespace_only.csv", "The file 'whitespace_only.csv' holds only blank lines and spaces (9 bytes): expected a header line with column names." },
    };

    [Theory]
    [MemberData(nameof(BadInputs))]
    public async Task Bad_input_fails_with_a_message_keeps_the_variable_and_the_kernel(string file, string expected)
    {
        (await _kernel.SubmitAsync("#!load data/iris.csv --as df")).ShouldSucceed();
        var before = _kernel.Variable<DataFrame>("df");

        var message = (await _kernel.SubmitAsync($"#!load {Corpus(file)} --as df")).ShouldFail();

        Assert.Contains(expected, message, StringComparison.Ordinal);
        Assert.Same(before, _kernel.Variable<DataFrame>("df"));
        (await _kernel.SubmitAsync("var two = 1 + 1;")).ShouldSucceed();
    }

    [Fact]
    public async Task Binary_garbage_and_a_where_that_does_not_compile_fail_cleanly()
    {
        var garbage = Path.Combine(_folder, "garbage.csv");
        File.WriteAllBytes(garbage, [0x50, 0x4B, 0x03, 0x04, 0, 0, 1, 2, 3]);
        (await _kernel.SubmitAsync("#!load data/iris.csv --as df")).ShouldSucceed();
        var before = _kernel.Variable<DataFrame>("df");

        Assert.Contains("is not a text file", (await _kernel.SubmitAsync($"#!load {garbage} --as df")).ShouldFail(), StringComparison.Ordinal);
        var compile = (await _kernel.SubmitAsync("#!load data/iris.csv --as df --where \"Sepal_Length >\"")).ShouldFail();

        Assert.Contains("does not compile", compile, StringComparison.Ordinal);
        Assert.Contains("    ^", compile, StringComparison.Ordinal);
        Assert.Same(before, _kernel.Variable<DataFrame>("df"));
        (await _kernel.SubmitAsync("df.Rows.Count")).ShouldSucceed();
    }

    [Fact]
    public async Task Blank_lines_and_a_guessed_encoding_are_said_on_the_card()
    {
        var blank = (await _kernel.SubmitAsync($"#!load {Corpus("blank_lines.csv")} --as people")).ShouldSucceed().Html;
        Assert.Contains("skipped 3 blank lines", blank, StringComparison.Ordinal);
        Assert.Equal(3, _kernel.Variable<DataFrame>("people")!.Rows.Count);

        var latin = (await _kernel.SubmitAsync($"#!load {Corpus("windows1252.csv")} --as towns")).ShouldSucceed().Html;
        Assert.Contains("read as Windows-1252", latin, StringComparison.Ordinal);
        Assert.Equal("José", _kernel.Variable<DataFrame>("towns")!.Columns["name"][0]);

        (await _kernel.SubmitAsync($"#!load {Corpus("windows1252.csv")} --encoding latin1 --as towns")).ShouldSucceed();
        Assert.Equal("São Paulo", _kernel.Variable<DataFrame>("towns")!.Columns["city"][0]);
        var bad = (await _kernel.SubmitAsync($"#!load {Corpus("windows1252.csv")} --encoding klingon --as towns")).ShouldFail();
        Assert.Contains("The option --encoding got 'klingon'", bad, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_row_over_16_MB_fails_with_where_and_what_to_do_never_unexpectedly()
    {
        var path = Path.Combine(_folder, "huge.csv");
        using (var writer = new StreamWriter(path))
        {
            writer.Write("id,text\n1,");
            writer.Write(new string('y', 17 << 20));
            writer.Write("\n");
        }

        (await _kernel.SubmitAsync("#!load data/iris.csv --as df")).ShouldSucceed();
        var before = _kernel.Variable<DataFrame>("df");

        var message = (await _kernel.SubmitAsync($"#!load {path} --as df")).ShouldFail();

        Assert.DoesNotContain("unexpectedly", message, StringComparison.Ordinal);
        Assert.Contains("Line 2 of 'huge.csv' starts a row of", message, StringComparison.Ordinal);
        Assert.Contains("column 'text'", message, StringComparison.Ordinal);
        Assert.Same(before, _kernel.Variable<DataFrame>("df"));
    }

    public static TheoryData<string> CorpusFiles()
    {
        var data = new TheoryData<string>();
        foreach (var file in Directory.GetFiles(Repo.Path_("tests", "Notebooks.ML.Tests", "Data", "Corpus")).Where(f => !f.EndsWith(".md", StringComparison.Ordinal)).Order(StringComparer.Ordinal))
        {
            data.Add(Path.GetFileName(file));
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(CorpusFiles))]
    public async Task No_corpus_file_reaches_the_unexpected_failure_message(string file)
    {
        var result = await _kernel.SubmitAsync($"#!load {Corpus(file)} --as corpus");
        var text = result.Failure?.Message ?? "";
        Assert.DoesNotContain("unexpectedly", text, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", text, StringComparison.Ordinal);
    }
}
