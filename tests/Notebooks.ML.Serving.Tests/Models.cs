using Microsoft.Data.Analysis;
using Notebooks.ML.Data;
using Notebooks.ML.Training;
using Notebooks.Tests;

namespace Notebooks.ML.Serving.Tests;

/// <summary>Models trained once for every serving test.</summary>
internal static class Models
{
    private static readonly Lazy<DataFrame> _penguins = new(() => DataLoader.Load(Repo.Data("penguins.csv")).Data);
    private static readonly Lazy<TrainedModel> _penguinsLightGbm = new(() =>
        ModelTrainer.Train(Penguins, new TrainOptions { DataName = "penguins", Label = "species", Trainer = "lightgbm", Seed = 1, Explain = false }));
    private static readonly Lazy<TrainedModel> _penguinsSdca = new(() =>
        ModelTrainer.Train(Penguins, new TrainOptions { DataName = "penguins", Label = "species", Trainer = "sdca", Seed = 1, Explain = false }));
    private static readonly Lazy<DataFrame> _typed = new(Typed);
    private static readonly Lazy<TrainedModel> _typedModel = new(() =>
        ModelTrainer.Train(TypedData, new TrainOptions { DataName = "typed", Label = "y", Trainer = "fasttree", Seed = 1, Explain = false }));

    public static DataFrame Penguins => _penguins.Value;

    /// <summary>LightGBM on penguins: categorical and numeric inputs, missing values in some columns, none in island and year.</summary>
    public static TrainedModel PenguinsLightGbm => _penguinsLightGbm.Value;

    /// <summary>Another model of the same data, to swap in.</summary>
    public static TrainedModel PenguinsSdca => _penguinsSdca.Value;

    /// <summary>A frame with every input type: float, long, bool, datetime, and a binary label.</summary>
    public static DataFrame TypedData => _typed.Value;

    public static TrainedModel TypedModel => _typedModel.Value;

    private static DataFrame Typed()
    {
        var random = new Random(3);
        const int n = 400;
        var f = new float?[n];
        var l = new long?[n];
        var b = new bool?[n];
        var d = new DateTime?[n];
        var y = new string[n];
        for (var i = 0; i < n; i++)
        {
            f[i] = i % 17 == 5 ? null : (float)Math.Round(random.NextDouble() * 10, 3);
            l[i] = 1_000_000_000_000L + random.Next(0, 1000);
            b[i] = random.Next(2) == 1;
            d[i] = new DateTime(2024, 1, 1, 0, 0, 0, DateTimeKind.Utc).AddHours(random.Next(0, 24 * 365));
            y[i] = (f[i] ?? 5) + (b[i] == true ? 3 : 0) + (d[i]!.Value.Hour / 6.0) > 8 ? "high" : "low";
        }

        return new DataFrame(
            new SingleDataFrameColumn("f", f),
            new Int64DataFrameColumn("l", l),
            new BooleanDataFrameColumn("b", b),
            new PrimitiveDataFrameColumn<DateTime>("d", d),
            new StringDataFrameColumn("y", y));
    }
}
