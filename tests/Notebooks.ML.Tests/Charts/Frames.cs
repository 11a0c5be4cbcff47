using Microsoft.Data.Analysis;

namespace Notebooks.ML.Tests.Charts;

/// <summary>Small and large DataFrames made for chart tests.</summary>
internal static class Frames
{
    /// <summary>x = 0…rows-1, y = x mod 7, g = even/odd, n = x mod 3 (whole numbers), d = a day per row from 2024-01-01, c = x / rows.</summary>
    public static DataFrame Simple(int rows) => new(
        new DoubleDataFrameColumn("x", Enumerable.Range(0, rows).Select(i => (double)i)),
        new DoubleDataFrameColumn("y", Enumerable.Range(0, rows).Select(i => (double)(i % 7))),
        new StringDataFrameColumn("g", Enumerable.Range(0, rows).Select(i => i % 2 == 0 ? "even" : "odd")),
        new Int32DataFrameColumn("n", Enumerable.Range(0, rows).Select(i => i % 3)),
        new PrimitiveDataFrameColumn<DateTime>("d", Enumerable.Range(0, rows).Select(i => new DateTime(2024, 1, 1).AddDays(i))),
        new DoubleDataFrameColumn("c", Enumerable.Range(0, rows).Select(i => (double)i / rows)));

    /// <summary>
    /// Noisy points around y = 2x with a group per row: "big" for most rows, "small" for <paramref name="small"/> rows
    /// spread evenly through the data.
    /// </summary>
    public static DataFrame Large(int rows, int small = 0, int seed = 7)
    {
        var random = new Random(seed);
        var x = new double[rows];
        var y = new double[rows];
        var group = new string[rows];
        var every = small > 0 ? rows / small : int.MaxValue;
        for (var i = 0; i < rows; i++)
        {
            x[i] = random.NextDouble() * 10;
            y[i] = (2 * x[i]) + random.NextDouble();
            group[i] = small > 0 && i % every == 0 && i / every < small ? "small" : "big";
        }

        return new DataFrame(new DoubleDataFrameColumn("x", x), new DoubleDataFrameColumn("y", y), new StringDataFrameColumn("group", group));
    }

    /// <summary>The roles of <see cref="Staff"/>, in the order a chart sorts them; the first has no outliers.</summary>
    public static readonly string[] Roles = ["analyst", "data engineer", "designer", "manager", "sales representative"];

    /// <summary>
    /// People with a job role, department, income, age, hire date, rating and remote flag. Incomes are uniform within
    /// each role, so a role has no outliers unless given some: with <paramref name="outliers"/>, only "data engineer"
    /// (one very high, one very low) and "manager" (one very high) have any. The first role, "analyst", never has
    /// any, which is what broke box plots. <paramref name="roles"/> and <paramref name="departments"/> take the first
    /// few of each.
    /// </summary>
    public static DataFrame Staff(int rows = 600, int seed = 11, bool outliers = true, int roles = 5, int departments = 3)
    {
        var random = new Random(seed);
        string[] departmentNames = ["north", "south", "east"];
        var role = new string[rows];
        var department = new string[rows];
        var income = new double[rows];
        var age = new int[rows];
        var hired = new DateTime[rows];
        var rating = new double[rows];
        var remote = new bool[rows];
        for (var i = 0; i < rows; i++)
        {
            var r = i % roles;
            role[i] = Roles[r];
            department[i] = departmentNames[random.Next(departments)];
            income[i] = Math.Round(40_000 + (r * 12_000) + (random.NextDouble() * 20_000));
            age[i] = 22 + random.Next(43);
            hired[i] = new DateTime(2015, 1, 1).AddDays(random.Next(3_000));
            rating[i] = Math.Round(1 + (random.NextDouble() * 4), 2);
            remote[i] = random.NextDouble() < 0.3;
        }

        if (outliers && rows > 6 && roles == Roles.Length)
        {
            income[1] = 250_000;
            income[6] = 5_000;
            income[3] = 300_000;
        }

        return new DataFrame(
            new StringDataFrameColumn("role", role),
            new StringDataFrameColumn("department", department),
            new DoubleDataFrameColumn("income", income),
            new Int32DataFrameColumn("age", age),
            new PrimitiveDataFrameColumn<DateTime>("hired", hired),
            new DoubleDataFrameColumn("rating", rating),
            new BooleanDataFrameColumn("remote", remote));
    }

    /// <summary>The segments of <see cref="Customers"/>: long class names, as real labels often are.</summary>
    public static readonly string[] Segments = ["Enterprise customer with a support contract", "Individual on a free trial", "Small business on a monthly plan"];

    /// <summary>
    /// Customers with a signal to learn: churn (binary) falls with tenure and rises with support calls; the segment
    /// (multiclass, long names) follows the plan and spend; spend (regression) follows the plan and tenure. Also a
    /// column of notes that are all missing and a constant column, which training must leave out or cope with.
    /// </summary>
    public static DataFrame Customers(int rows, int seed = 5)
    {
        var random = new Random(seed);
        string[] plans = ["basic", "standard", "premium"];
        string[] regions = ["north", "south", "east", "west"];
        var tenure = new int[rows];
        var calls = new int[rows];
        var plan = new string[rows];
        var region = new string[rows];
        var spend = new double[rows];
        var churned = new bool[rows];
        var segment = new string[rows];
        for (var i = 0; i < rows; i++)
        {
            var p = random.Next(plans.Length);
            tenure[i] = 1 + random.Next(72);
            calls[i] = random.Next(8);
            plan[i] = plans[p];
            region[i] = regions[random.Next(regions.Length)];
            spend[i] = Math.Round(20 + (p * 35) + (tenure[i] * 0.8) + (random.NextDouble() * 25), 2);
            var risk = 1 / (1 + Math.Exp(-(-1.0 - (tenure[i] / 20.0) + (calls[i] * 0.6))));
            churned[i] = random.NextDouble() < risk;
            segment[i] = Segments[(p + (random.NextDouble() < 0.15 ? 1 : 0)) % Segments.Length];
        }

        return new DataFrame(
            new Int32DataFrameColumn("tenure", tenure),
            new Int32DataFrameColumn("calls", calls),
            new StringDataFrameColumn("plan", plan),
            new StringDataFrameColumn("region", region),
            new DoubleDataFrameColumn("spend", spend),
            new StringDataFrameColumn("notes", Enumerable.Repeat<string?>(null, rows)),
            new DoubleDataFrameColumn("constant", Enumerable.Repeat(1.0, rows)),
            new BooleanDataFrameColumn("churned", churned),
            new StringDataFrameColumn("segment", segment));
    }
}
