using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Data.Analysis;
using Notebooks.ML.Data;
using Notebooks.ML.Drift;
using Notebooks.Tests;
using Xunit.Abstractions;

namespace Notebooks.ML.Tests.Drift;

/// <summary>
/// Every drift statistic against Debian's scipy (python3-scipy), computed the way Evidently computes it
/// (scipy_reference.py: its stattests' few lines over pandas and scipy), on data from notebooks/data and on
/// synthetic shifts: statistics within 1e-9 relative, p-values within 1e-6 relative. One Python run answers
/// every case (<see cref="ScipyReference"/>).
/// </summary>
public sealed class ScipyAgreementTests(ScipyReference scipy, ITestOutputHelper output) : IClassFixture<ScipyReference>
{
    private const double StatisticTolerance = 1e-9;
    private const double PValueTolerance = 1e-6;

    public static TheoryData<string> Ids(string test) => [.. ScipyReference.Cases.Where(c => c.Test == test).Select(c => c.Id)];

    public static TheoryData<string> KsCases => Ids("ks");

    public static TheoryData<string> ChiSquareCases => Ids("chi2");

    public static TheoryData<string> ZCases => Ids("z");

    public static TheoryData<string> WassersteinCases => Ids("wasserstein");

    public static TheoryData<string> JensenShannonCases => Ids("jensen-shannon");

    public static TheoryData<string> PsiCases => Ids("psi");

    [SkippableTheory]
    [MemberData(nameof(KsCases))]
    public void Kolmogorov_Smirnov_matches_ks_2samp_with_its_default_method(string id) => Check(id, DriftTests.Ks);

    [SkippableTheory]
    [MemberData(nameof(ChiSquareCases))]
    public void Chi_squared_matches_scipy_chisquare(string id) => Check(id, DriftTests.ChiSquare);

    [SkippableTheory]
    [MemberData(nameof(ZCases))]
    public void Z_test_matches_the_two_proportion_z_statistic_and_its_normal_tail(string id) => Check(id, DriftTests.Z);

    [SkippableTheory]
    [MemberData(nameof(WassersteinCases))]
    public void Normed_Wasserstein_matches_scipy_wasserstein_distance_over_the_reference_std(string id) => Check(id, DriftTests.Wasserstein);

    [SkippableTheory]
    [MemberData(nameof(JensenShannonCases))]
    public void Jensen_Shannon_matches_scipy_jensenshannon_on_Evidently_bins(string id) => Check(id, DriftTests.JensenShannon);

    [SkippableTheory]
    [MemberData(nameof(PsiCases))]
    public void Psi_matches_Evidently_on_its_bins(string id) => Check(id, DriftTests.Psi);

    private void Check(string id, DriftTest test)
    {
        scipy.RequireAvailable();
        var c = ScipyReference.Cases.Single(x => x.Id == id);
        var (expectedStatistic, expectedP) = scipy.Results[id];
        var outcome = test.Run(c.Pair());
        output.WriteLine($"{id}: ours statistic {outcome.Statistic:R} p {outcome.PValue:R}; scipy statistic {expectedStatistic:R} p {expectedP:R}");
        var statisticError = Relative(outcome.Statistic, expectedStatistic);
        output.WriteLine($"relative error: statistic {statisticError:E2}" + (expectedP is { } ep ? $", p-value {Relative(outcome.PValue!.Value, ep):E2}" : ""));
        Assert.True(statisticError <= StatisticTolerance, $"{id}: statistic {outcome.Statistic:R} against scipy's {expectedStatistic:R} (relative error {statisticError:E2}).");
        if (expectedP is { } p)
        {
            Assert.NotNull(outcome.PValue);
            var pError = Relative(outcome.PValue.Value, p);
            Assert.True(pError <= PValueTolerance, $"{id}: p-value {outcome.PValue:R} against scipy's {p:R} (relative error {pError:E2}).");
        }
        else
        {
            Assert.Null(outcome.PValue);
        }
    }

    internal static double Relative(double ours, double theirs) =>
        ours == theirs || (double.IsNaN(ours) && double.IsNaN(theirs)) ? 0
        : Math.Abs(ours - theirs) / Math.Max(Math.Abs(theirs), double.Epsilon);
}

/// <summary>The cases, and scipy's answers to all of them from one run of <c>/usr/bin/python3 scipy_reference.py</c>.</summary>
public sealed class ScipyReference
{
    private const string Python = "/usr/bin/python3";
    private readonly Lazy<IReadOnlyDictionary<string, (double Statistic, double? PValue)>> _results;
    private readonly Lazy<bool> _available = new(() =>
        File.Exists(Python) && Processes.RunAsync(Python, ["-c", "import scipy, pandas"], Repo.Root).GetAwaiter().GetResult().ExitCode == 0);

    public ScipyReference() => _results = new(Run);

    /// <summary>One comparison: a test on a reference and a current column.</summary>
    public sealed record Case(string Id, string Test, DriftColumnKind Kind, DataFrameColumn Reference, DataFrameColumn Current)
    {
        internal ColumnPair Pair() => new(Id, Kind, ColumnSample.Of(Reference, Kind), ColumnSample.Of(Current, Kind));
    }

    public static IReadOnlyList<Case> Cases { get; } = MakeCases();

    public IReadOnlyDictionary<string, (double Statistic, double? PValue)> Results => _results.Value;

    public void RequireAvailable() =>
        Requirements.Require(_available.Value, "scipy and pandas under /usr/bin/python3", "apt-get install python3-scipy python3-pandas");

    private IReadOnlyDictionary<string, (double, double?)> Run()
    {
        var cases = new JsonArray(Cases.Select(c => (JsonNode)new JsonObject
        {
            ["id"] = c.Id,
            ["test"] = c.Test,
            ["kind"] = c.Kind == DriftColumnKind.Numeric ? "num" : "cat",
            ["ref"] = Values(c.Reference),
            ["cur"] = Values(c.Current),
        }).ToArray());
        var input = Path.Combine(Path.GetTempPath(), $"drift-scipy-{Environment.ProcessId}-{Guid.NewGuid():N}.json");
        File.WriteAllText(input, cases.ToJsonString());
        try
        {
            var script = Repo.Path_("tests", "Notebooks.ML.Tests", "Drift", "scipy_reference.py");
            var result = Processes.RunAsync("/bin/sh", ["-c", $"'{Python}' '{script}' < '{input}'"], Repo.Root).GetAwaiter().GetResult();
            Assert.True(result.ExitCode == 0, "scipy_reference.py failed:\n" + result.All);
            var answers = JsonNode.Parse(result.Output)!.AsArray();
            return answers.ToDictionary(
                a => a!["id"]!.GetValue<string>(),
                a => (Parse(a!["statistic"]!.GetValue<string>()), a["pvalue"] is { } p ? Parse(p.GetValue<string>()) : (double?)null));
        }
        finally
        {
            File.Delete(input);
        }
    }

    private static double Parse(string text) => double.Parse(text, NumberStyles.Float, CultureInfo.InvariantCulture);

    private static JsonArray Values(DataFrameColumn column)
    {
        var values = new JsonArray();
        for (long i = 0; i < column.Length; i++)
        {
            values.Add(column[i] switch
            {
                null => null,
                double d when double.IsNaN(d) => null,
                double d => JsonValue.Create(d),
                float f => JsonValue.Create((double)f),
                int n => JsonValue.Create(n),
                long l => JsonValue.Create(l),
                bool b => JsonValue.Create(b ? "True" : "False"),
                var v => JsonValue.Create(Convert.ToString(v, CultureInfo.InvariantCulture)),
            });
        }

        return values;
    }

    private static List<Case> MakeCases()
    {
        var cases = new List<Case>();
        var random = new Random(20261201);
        DoubleDataFrameColumn Normal(int n, double mean, double sd, double missingShare = 0)
        {
            var values = new double?[n];
            for (var i = 0; i < n; i++)
            {
                var u1 = 1.0 - random.NextDouble();
                var u2 = random.NextDouble();
                values[i] = random.NextDouble() < missingShare ? null : mean + (sd * Math.Sqrt(-2 * Math.Log(u1)) * Math.Cos(2 * Math.PI * u2));
            }

            return new DoubleDataFrameColumn("x", values);
        }

        Int32DataFrameColumn Integers(int n, int max, double skew = 1) =>
            new("x", Enumerable.Range(0, n).Select(_ => (int)Math.Floor(Math.Pow(random.NextDouble(), skew) * (max + 1))));

        StringDataFrameColumn Categories(int n, string[] names, double[] weights, double missingShare = 0)
        {
            var total = weights.Sum();
            return new StringDataFrameColumn("x", Enumerable.Range(0, n).Select(_ =>
            {
                if (random.NextDouble() < missingShare)
                {
                    return null;
                }

                var u = random.NextDouble() * total;
                for (var k = 0; k < names.Length; k++)
                {
                    u -= weights[k];
                    if (u < 0)
                    {
                        return names[k];
                    }
                }

                return names[^1];
            }));
        }

        void Add(string id, string test, DataFrameColumn reference, DataFrameColumn current) =>
            cases.Add(new Case(id, test, ML.Data.Columns.IsNumeric(reference) ? DriftColumnKind.Numeric : DriftColumnKind.Categorical, reference, current));

        var diamonds = DataLoader.Load(Repo.Data("diamonds.csv")).Data;
        var iris = DataLoader.Load(Repo.Data("iris.csv")).Data;
        var penguins = DataLoader.Load(Repo.Data("penguins.csv")).Data;
        var cancer = DataLoader.Load(Repo.Data("breast_cancer.csv")).Data;
        var airquality = DataLoader.Load(Repo.Data("airquality.csv")).Data;
        (DataFrameColumn, DataFrameColumn) Halves(DataFrame frame, string column, int? limit = null)
        {
            var rows = (int)frame.Rows.Count;
            var n = Math.Min(rows / 2, limit ?? int.MaxValue);
            var c = frame.Columns[column];
            return (c.Clone(new Int64DataFrameColumn("i", Enumerable.Range(0, n).Select(i => (long)(2 * i)))),
                    c.Clone(new Int64DataFrameColumn("i", Enumerable.Range(0, n).Select(i => (long)((2 * i) + 1)))));
        }

        // Kolmogorov–Smirnov: every branch of scipy's auto method.
        Add("ks exact, 50 vs 70, shifted", "ks", Normal(50, 0, 1), Normal(70, 0.6, 1));
        Add("ks exact, 300 vs 430, same", "ks", Normal(300, 0, 1), Normal(430, 0, 1));
        Add("ks exact, equal sizes 400, shifted", "ks", Normal(400, 0, 1), Normal(400, 0.25, 1));
        Add("ks exact, equal sizes 1000, same", "ks", Normal(1000, 0, 1), Normal(1000, 0, 1));
        Add("ks exact, ties (whole numbers 0-20)", "ks", Integers(300, 20), Integers(500, 20, 1.3));
        Add("ks exact, tiny p (large shift)", "ks", Normal(900, 0, 1), Normal(1000, 1.5, 1));
        Add("ks exact, with missing values", "ks", Normal(600, 0, 1, 0.1), Normal(800, 0.1, 1.2, 0.2));
        Add("ks asymptotic, 800 vs 20000, same (Pelz-Good)", "ks", Normal(800, 0, 1), Normal(20_000, 0, 1));
        var near = Normal(152, 0, 1);
        var copies = new DoubleDataFrameColumn("x", Enumerable.Range(0, 12_000).Select(i => i % 25 == 0 ? 5.0 + (i / 1e5) : near[i % 152]));
        Add("ks asymptotic, 152 vs copies with 4% outliers (Durbin, n > 140)", "ks", near, copies);
        Add("ks asymptotic, 800 vs 20000, small shift (Pelz-Good)", "ks", Normal(800, 0, 1), Normal(20_000, 0.07, 1));
        Add("ks asymptotic, 800 vs 20000, shifted (Smirnov)", "ks", Normal(800, 0, 1), Normal(20_000, 0.3, 1));
        Add("ks asymptotic, 100 vs 15000, same (n<=140)", "ks", Normal(100, 0, 1), Normal(15_000, 0, 1));
        Add("ks asymptotic, 100 vs 15000, shifted (n<=140)", "ks", Normal(100, 0, 1), Normal(15_000, 0.35, 1));
        Add("ks asymptotic, 100 vs 15000, scale (n<=140)", "ks", Normal(100, 0, 1), Normal(15_000, 0, 1.25));
        Add("ks asymptotic, 30 vs 12000, far shift (x >= 0.5)", "ks", Normal(30, 0, 1), Normal(12_000, 2, 1));
        Add("ks asymptotic, ties, 1000 vs 30000", "ks", Integers(1000, 50), Integers(30_000, 50, 1.05));
        var (carat1, carat2) = Halves(diamonds, "carat");
        Add("ks diamonds carat, halves (26970 each)", "ks", carat1, carat2);
        var (price1, price2) = Halves(diamonds, "price");
        Add("ks diamonds price, halves", "ks", price1, price2);
        var (sepal1, sepal2) = Halves(iris, "Sepal.Length");
        Add("ks iris sepal length, halves", "ks", sepal1, sepal2);
        Add("ks iris sepal length, one half shifted by 0.3", "ks", sepal1, Shift(sepal2, 0.3));
        var (ozone1, ozone2) = Halves(airquality, "Ozone");
        Add("ks airquality ozone with missing values", "ks", ozone1, ozone2);

        // Chi-squared and Z on categories.
        var (cut1, cut2) = Halves(diamonds, "cut");
        Add("chi2 diamonds cut, halves", "chi2", cut1, cut2);
        Add("chi2 diamonds cut against a reweighted sample", "chi2", cut1, Categories(3000, ["Fair", "Good", "Very Good", "Premium", "Ideal"], [1, 1, 2, 2, 3]));
        var island = penguins.Columns["island"];
        Add("chi2 penguins island, first half against second", "chi2",
            island.Clone(new Int64DataFrameColumn("i", Enumerable.Range(0, 172).Select(i => (long)i))),
            island.Clone(new Int64DataFrameColumn("i", Enumerable.Range(172, 172).Select(i => (long)i))));
        Add("chi2 a new category in current", "chi2", Categories(500, ["a", "b", "c"], [1, 1, 1]), Categories(400, ["a", "b", "c", "d"], [1, 1, 1, 0.2]));
        Add("chi2 with missing values", "chi2", Categories(700, ["x", "y", "z"], [3, 2, 1], 0.1), Categories(650, ["x", "y", "z"], [3, 2, 1.3], 0.05));
        Add("chi2 numeric with 4 values", "chi2", Integers(800, 3), Integers(900, 3, 1.2));
        var (diagnosis1, diagnosis2) = Halves(cancer, "diagnosis");
        Add("z breast cancer diagnosis, halves", "z", diagnosis1, diagnosis2);
        Add("z proportions 0.3 vs 0.4", "z", Categories(1000, ["no", "yes"], [0.7, 0.3]), Categories(1200, ["no", "yes"], [0.6, 0.4]));
        Add("z proportions 0.5 vs 0.5", "z", Categories(900, ["no", "yes"], [1, 1]), Categories(900, ["no", "yes"], [1, 1]));
        Add("z numeric 0/1", "z", Integers(600, 1), Integers(700, 1, 1.4));
        Add("z bools", "z", new BooleanDataFrameColumn("x", Enumerable.Range(0, 500).Select(i => i % 3 == 0)), new BooleanDataFrameColumn("x", Enumerable.Range(0, 450).Select(i => i % 4 == 0)));

        // Normed Wasserstein.
        Add("wasserstein diamonds carat, halves", "wasserstein", carat1, carat2);
        Add("wasserstein diamonds price, halves", "wasserstein", price1, price2);
        Add("wasserstein normal, mean shift 0.2 (100k vs 80k)", "wasserstein", Normal(100_000, 0, 1), Normal(80_000, 0.2, 1));
        Add("wasserstein normal, scale x1.5", "wasserstein", Normal(20_000, 5, 2), Normal(30_000, 5, 3));
        Add("wasserstein ties and missing values", "wasserstein", Integers(5000, 30), Integers(4000, 30, 1.2));
        Add("wasserstein constant reference (floor 0.001)", "wasserstein", new DoubleDataFrameColumn("x", Enumerable.Repeat(3.0, 2000)), Normal(2000, 3, 0.01));

        // Jensen–Shannon and PSI: Sturges bins (numeric, > 20 reference values) and per-value shares.
        Add("jensen-shannon diamonds price, halves", "jensen-shannon", price1, price2);
        Add("jensen-shannon diamonds price against +10%", "jensen-shannon", price1, Scale(price2, 1.1));
        Add("jensen-shannon normal, scale x1.5", "jensen-shannon", Normal(20_000, 5, 2), Normal(30_000, 5, 3));
        Add("jensen-shannon diamonds cut, halves", "jensen-shannon", cut1, cut2);
        Add("jensen-shannon a new category", "jensen-shannon", Categories(5000, ["a", "b", "c"], [1, 1, 1]), Categories(4000, ["a", "b", "c", "d"], [1, 1, 1, 0.5]));
        Add("jensen-shannon numeric with few values", "jensen-shannon", Integers(5000, 4), Integers(3000, 4, 1.3));
        Add("psi diamonds price, halves", "psi", price1, price2);
        Add("psi diamonds price against +10%", "psi", price1, Scale(price2, 1.1));
        Add("psi normal, mean shift", "psi", Normal(50_000, 0, 1), Normal(40_000, 0.3, 1));
        Add("psi diamonds cut, halves", "psi", cut1, cut2);
        Add("psi a new category (zero shares filled)", "psi", Categories(5000, ["a", "b", "c"], [1, 1, 1]), Categories(4000, ["a", "b", "c", "d"], [1, 1, 1, 0.5]));
        Add("psi whole numbers 0-15", "psi", Integers(3000, 15), Integers(3000, 15, 1.2));
        Add("psi iris sepal length, halves", "psi", sepal1, sepal2);
        Add("psi whole numbers 0-60 (Sturges bins on integers)", "psi", Integers(4000, 60), Integers(3500, 60, 1.1));
        Add("jensen-shannon whole numbers 0-60", "jensen-shannon", Integers(4000, 60), Integers(3500, 60, 1.1));
        return cases;
    }

    private static DataFrameColumn Shift(DataFrameColumn column, double by) =>
        new DoubleDataFrameColumn(column.Name, Enumerable.Range(0, (int)column.Length).Select(i => column[i] is { } v ? Convert.ToDouble(v, CultureInfo.InvariantCulture) + by : (double?)null));

    private static DataFrameColumn Scale(DataFrameColumn column, double by) =>
        new DoubleDataFrameColumn(column.Name, Enumerable.Range(0, (int)column.Length).Select(i => column[i] is { } v ? Convert.ToDouble(v, CultureInfo.InvariantCulture) * by : (double?)null));
}
