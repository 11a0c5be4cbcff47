using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Notebooks.ML.Data;

namespace Notebooks.ML.Tests.Data;

/// <summary>
/// The data fingerprint identifies the data a load gave, not only the file: every option that changes rows or values
/// gives other data and another fingerprint, the same file and options give the same one anywhere, and options that
/// change nothing leave it as the file's own hash.
/// </summary>
public sealed class DataIdentityTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("nbml-identity-").FullName;
    private readonly string _csv;

    public DataIdentityTests()
    {
        // 400 orders: an id, a region, an amount with two decimals and a quantity; nothing here depends on the machine.
        var text = new StringBuilder("order_id,region,amount,quantity\n");
        string[] regions = ["north", "south", "east", "west"];
        for (var i = 1; i <= 400; i++)
        {
            text.Append(CultureInfo.InvariantCulture, $"{i},{regions[i * 7 % 4]},{i * 37 % 1000 + 0.25 * (i % 4)},{i % 9}\n");
        }

        _csv = Path.Combine(_folder, "orders.csv");
        File.WriteAllText(_csv, text.ToString());
    }

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private LoadedData Load(LoadOptions? options = null, string? path = null) => DataLoader.Load(path ?? _csv, options);

    private static string Sha256(byte[] bytes) => "sha256:" + Convert.ToHexStringLower(SHA256.HashData(bytes));

    [Fact]
    public void A_plain_load_is_fingerprinted_by_the_files_bytes()
    {
        var plain = Load();

        Assert.Equal(Sha256(File.ReadAllBytes(_csv)), plain.SourceFingerprint);
        Assert.Equal(plain.SourceFingerprint, plain.Fingerprint);
        Assert.Empty(plain.Changes);
        Assert.Equal(plain.Fingerprint, Fingerprint.Of(plain.Data));
    }

    public static TheoryData<string, LoadOptions> ChangingLoads() => new()
    {
        { "sample", new LoadOptions { Sample = 50 } },
        { "sample, another seed", new LoadOptions { Sample = 50, Seed = 2 } },
        { "sample, more rows", new LoadOptions { Sample = 60 } },
        { "where", new LoadOptions { Where = "amount > 500" } },
        { "where, another condition", new LoadOptions { Where = "amount > 400" } },
        { "derive", new LoadOptions { Derive = ["total = amount * quantity"] } },
        { "two derives", new LoadOptions { Derive = ["total = amount * quantity", "big = total > 1000"] } },
        { "sql", new LoadOptions { Sql = "SELECT region, sum(amount) AS amount FROM data GROUP BY region ORDER BY region" } },
        { "types", new LoadOptions { Types = new Dictionary<string, string> { ["quantity"] = "double" } } },
        { "types, another column", new LoadOptions { Types = new Dictionary<string, string> { ["order_id"] = "string" } } },
        { "no header", new LoadOptions { NoHeader = true } },
        { "separator", new LoadOptions { Separator = ';' } },
        { "format", new LoadOptions { Format = "tsv" } },
        { "where and sample", new LoadOptions { Where = "amount > 500", Sample = 50 } },
    };

    [Fact]
    public void Every_option_that_changes_rows_or_values_gives_another_fingerprint_than_a_plain_load_and_than_each_other()
    {
        var plain = Load();
        var seen = new Dictionary<string, string> { [plain.Fingerprint] = "plain" };
        foreach (var row in ChangingLoads())
        {
            var (name, options) = ((string)row[0], (LoadOptions)row[1]);
            var loaded = Load(options);
            Assert.True(loaded.Changes.Count > 0, $"{name}: no change recorded");
            Assert.Equal(plain.SourceFingerprint, loaded.SourceFingerprint);
            Assert.StartsWith("sha256:", loaded.Fingerprint, StringComparison.Ordinal);
            Assert.True(seen.TryAdd(loaded.Fingerprint, name), $"{name} has the fingerprint of {seen.GetValueOrDefault(loaded.Fingerprint)}");
            // The frame carries its load's fingerprint to training, runs and staleness.
            Assert.Equal(loaded.Fingerprint, Fingerprint.Of(loaded.Data));
        }
    }

    [Theory]
    [MemberData(nameof(ChangingLoads))]
    public void The_same_file_and_options_give_the_same_fingerprint_wherever_the_file_is(string name, LoadOptions options)
    {
        var copy = Path.Combine(Directory.CreateDirectory(Path.Combine(_folder, "elsewhere")).FullName, "orders.csv");
        File.Copy(_csv, copy, overwrite: true);

        var first = Load(options);
        Assert.Equal(first.Fingerprint, Load(options).Fingerprint);
        Assert.True(first.Fingerprint == Load(options, copy).Fingerprint, name);
    }

    [Fact]
    public void The_fingerprint_is_the_documented_hash_of_the_source_and_the_changes()
    {
        var loaded = Load(new LoadOptions { Where = "region == \"north\"", Sample = 20, Seed = 7, Types = new Dictionary<string, string> { ["quantity"] = "float" } });

        Assert.Equal(
            [new("types", "quantity:double"), new("where", "region == \"north\""), new("sample", "20"), new("seed", "7")],
            loaded.Changes);
        var text = $"notebooks-ml data 1\nsource 71:{loaded.SourceFingerprint}\ntypes 15:quantity:double\nwhere 17:region == \"north\"\nsample 2:20\nseed 1:7\n";
        Assert.Equal(Sha256(Encoding.UTF8.GetBytes(text)), loaded.Fingerprint);
        Assert.Equal("--types quantity:double --where \"region == \\\"north\\\"\" --sample 20 --seed 7", Fingerprint.Describe(loaded.Changes));
    }

    [Fact]
    public void Options_that_change_nothing_leave_the_files_fingerprint()
    {
        var plain = Load().Fingerprint;

        Assert.Equal(plain, Load(new LoadOptions { Seed = 9 }).Fingerprint);
        Assert.Equal(plain, Load(new LoadOptions { Sample = 400, Seed = 9 }).Fingerprint);
        Assert.Equal(plain, Load(new LoadOptions { Sample = 100_000 }).Fingerprint);
        Assert.Equal(plain, Load(new LoadOptions { Where = "quantity >= 0" }).Fingerprint);
        Assert.Equal(plain, Load(new LoadOptions { Format = "csv" }).Fingerprint);
        Assert.Equal(plain, Load(new LoadOptions { Parallelism = 1 }).Fingerprint);
        Assert.Equal(plain, Load(new LoadOptions { Sql = null, Derive = [], Types = new Dictionary<string, string>() }).Fingerprint);

        var tsv = Path.Combine(_folder, "orders.tsv");
        File.WriteAllText(tsv, File.ReadAllText(_csv).Replace(',', '\t'));
        Assert.Equal(Load(path: tsv).Fingerprint, Load(new LoadOptions { Separator = '\t', Format = "tsv" }, tsv).Fingerprint);
        Assert.Equal(Fingerprint.OfFile(tsv), Load(path: tsv).Fingerprint);
    }

    [Fact]
    public void Type_names_are_compared_by_meaning_and_expressions_by_their_trimmed_text()
    {
        Assert.Equal(
            Load(new LoadOptions { Types = new Dictionary<string, string> { ["quantity"] = "float" } }).Fingerprint,
            Load(new LoadOptions { Types = new Dictionary<string, string> { ["quantity"] = " DOUBLE " } }).Fingerprint);
        Assert.Equal(
            Load(new LoadOptions { Where = "amount > 500" }).Fingerprint,
            Load(new LoadOptions { Where = "  amount > 500 " }).Fingerprint);
        Assert.NotEqual(
            Load(new LoadOptions { Where = "amount > 500" }).Fingerprint,
            Load(new LoadOptions { Where = "amount>500" }).Fingerprint);
    }

    [Fact]
    public void A_changed_file_changes_both_fingerprints_of_the_same_load()
    {
        var options = new LoadOptions { Sample = 50, Seed = 3 };
        var before = Load(options);
        File.AppendAllText(_csv, "401,north,1.5,2\n");
        var after = Load(options);

        Assert.NotEqual(before.SourceFingerprint, after.SourceFingerprint);
        Assert.NotEqual(before.Fingerprint, after.Fingerprint);
    }

    [Fact]
    public void A_frame_built_in_code_keeps_its_content_hash()
    {
        var loaded = Load(new LoadOptions { Sample = 50 });
        var copy = loaded.Data.Clone();

        Assert.Null(DataProvenance.Of(copy));
        Assert.Equal(Fingerprint.OfFrame(copy), Fingerprint.Of(copy));
        Assert.NotEqual(loaded.Fingerprint, Fingerprint.Of(copy));
    }

    /// <summary>
    /// Every option is either part of the data fingerprint or known to change nothing. A new option fails here until
    /// it is classified: in <c>Fingerprint.LoadChanges</c> (and a line below), or in <c>Fingerprint.UnchangingLoadOptions</c>.
    /// </summary>
    [Fact]
    public void Every_load_option_is_either_fingerprinted_or_known_to_change_nothing()
    {
        var examples = new Dictionary<string, (LoadOptions Options, string Change)>
        {
            [nameof(LoadOptions.Format)] = (new LoadOptions { Format = "tsv" }, "format"),
            [nameof(LoadOptions.Separator)] = (new LoadOptions { Separator = ';' }, "separator"),
            [nameof(LoadOptions.NoHeader)] = (new LoadOptions { NoHeader = true }, "no-header"),
            [nameof(LoadOptions.Encoding)] = (new LoadOptions { Encoding = "latin1" }, "encoding"),
            [nameof(LoadOptions.Types)] = (new LoadOptions { Types = new Dictionary<string, string> { ["a"] = "int" } }, "types"),
            [nameof(LoadOptions.Sql)] = (new LoadOptions { Sql = "SELECT 1" }, "sql"),
            [nameof(LoadOptions.Derive)] = (new LoadOptions { Derive = ["b = a"] }, "derive"),
            [nameof(LoadOptions.Where)] = (new LoadOptions { Where = "a > 1" }, "where"),
            [nameof(LoadOptions.Sample)] = (new LoadOptions { Sample = 5 }, "sample"),
            [nameof(LoadOptions.Seed)] = (new LoadOptions { Sample = 5, Seed = 9 }, "seed"),
        };

        foreach (var property in typeof(LoadOptions).GetProperties().Select(p => p.Name))
        {
            Assert.True(examples.ContainsKey(property) || Fingerprint.UnchangingLoadOptions.Contains(property),
                $"LoadOptions.{property} is not classified: if it can change rows or values, add it to Fingerprint.LoadChanges and to this test; if not, to Fingerprint.UnchangingLoadOptions.");
        }

        foreach (var (property, (options, change)) in examples)
        {
            var format = options.Format ?? "csv";
            Assert.True(Fingerprint.LoadChanges(_csv, format, options, filtered: true, sampled: true).Any(c => c.Key == change), property);
        }
    }
}
