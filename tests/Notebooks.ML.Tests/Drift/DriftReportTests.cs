using System.IO.Compression;
using Microsoft.Data.Analysis;
using Notebooks.ML.Data;
using Notebooks.ML.Drift;
using Notebooks.ML.Training;
using Notebooks.Tests;

namespace Notebooks.ML.Tests.Drift;

/// <summary>
/// Verdicts both ways on real data (no drift between random halves; drift after a mean shift, a new category, a
/// change of scale), the preset's choice of test, missing values, bad input, determinism, and a model's
/// reference sample through save, load and a run.
/// </summary>
public sealed class DriftReportTests : IDisposable
{
    private static readonly Lazy<DataFrame> _diamonds = new(() => DataLoader.Load(Repo.Data("diamonds.csv")).Data);
    private static readonly Lazy<DataFrame> _penguins = new(() => DataLoader.Load(Repo.Data("penguins.csv")).Data);
    private static readonly Lazy<TrainedModel> _penguinModel = new(() =>
        ModelTrainer.Train(Penguins, new TrainOptions { Label = "species", Seed = 3, Explain = false, DataName = "penguins" }));

    private readonly string _folder = Directory.CreateTempSubdirectory("nbml-drift-").FullName;

    private static DataFrame Diamonds => _diamonds.Value;

    private static DataFrame Penguins => _penguins.Value;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    /// <summary>The rows of <paramref name="frame"/> split at random (seeded) into two halves.</summary>
    private static (DataFrame First, DataFrame Second) Halves(DataFrame frame, int seed)
    {
        var rows = Enumerable.Range(0, (int)frame.Rows.Count).ToArray();
        new Random(seed).Shuffle(rows);
        var half = rows.Length / 2;
        return (frame[rows[..half].Order().Select(i => (long)i)], frame[rows[half..].Order().Select(i => (long)i)]);
    }

    private static DataFrame With(DataFrame frame, string column, Func<object?, long, object?> change)
    {
        var copy = frame.Clone();
        var source = copy.Columns[column];
        for (long i = 0; i < source.Length; i++)
        {
            source[i] = change(source[i], i);
        }

        return copy;
    }

    [Fact]
    public void Random_halves_of_the_same_data_do_not_drift_large_and_small()
    {
        var (a, b) = Halves(Diamonds, 7);
        var large = DataDrift.Compare(a, b);
        Assert.False(large.DatasetDrift);
        Assert.Equal(0, large.DriftedColumns);
        Assert.Equal(10, large.Columns.Count);
        Assert.All(large.Columns, c => Assert.Contains(c.Method, new[] { "wasserstein", "jensen-shannon" }));
        Assert.All(large.Columns, c => Assert.Equal("none", c.PsiBand));

        var (p, q) = Halves(Penguins, 7);
        var small = DataDrift.Compare(p, q);
        Assert.False(small.DatasetDrift);
        Assert.True(small.DriftedColumns <= 1, small.ToString());
        Assert.Equal("chi2", small["species"].Method);
        Assert.Equal("ks", small["body_mass_g"].Method);
        Assert.Equal("z", small["sex"].Method);
    }

    [Fact]
    public void A_mean_shift_a_new_category_and_a_change_of_scale_each_drift()
    {
        var (a, b) = Halves(Diamonds, 11);
        var shifted = With(b, "carat", (v, _) => (double)v! + 0.2);
        shifted = With(shifted, "cut", (v, i) => i % 5 == 0 ? "Terrible" : v);
        shifted = With(shifted, "price", (v, _) => (int)((int)v! * 1.5));
        var report = DataDrift.Compare(a, shifted);
        Assert.True(report["carat"].Drifted, report["carat"].ToString());
        Assert.True(report["cut"].Drifted, report["cut"].ToString());
        Assert.True(report["price"].Drifted, report["price"].ToString());
        Assert.Equal(["carat", "cut", "price"], report.Columns.Take(3).Select(c => c.Name).Order());
        Assert.Equal(3, report.DriftedColumns);
        Assert.False(report.DatasetDrift);
        Assert.Equal(0.3, report.DriftShare, 12);
        Assert.Equal("major", report["cut"].PsiBand);

        // The dataset verdict follows --drift-share.
        Assert.True(DataDrift.Compare(a, shifted, new DriftOptions { DriftShare = 0.3 }).DatasetDrift);

        // Small reference (≤ 1,000 values): the same shifts caught by KS and chi-squared.
        var (p, q) = Halves(Penguins, 5);
        var smallShift = With(q, "body_mass_g", (v, _) => v is null ? null : (int)v + 400);
        smallShift = With(smallShift, "island", (v, i) => i % 4 == 0 ? "Anvers" : v);
        var small = DataDrift.Compare(p, smallShift);
        Assert.True(small["body_mass_g"].Drifted);
        Assert.True(small["body_mass_g"].PValue < 1e-6);
        Assert.True(small["island"].Drifted);
        Assert.Equal("chi2", small["island"].Method);
    }

    [Fact]
    public void Missing_values_are_left_out_and_counted()
    {
        var (a, b) = Halves(Penguins, 1);
        var holes = With(b, "bill_length_mm", (v, i) => i % 3 == 0 ? null : v);
        var report = DataDrift.Compare(a, holes, new DriftOptions { Columns = ["bill_length_mm"] });
        var column = report["bill_length_mm"];
        Assert.Equal(holes.Columns["bill_length_mm"].NullCount, column.CurrentMissing);
        Assert.Equal(a.Columns["bill_length_mm"].NullCount, column.ReferenceMissing);
        Assert.Equal(holes.Rows.Count - column.CurrentMissing, column.CurrentCount);
        Assert.False(column.Drifted);
    }

    [Fact]
    public void The_same_data_and_options_give_identical_reports()
    {
        var (a, b) = Halves(Diamonds, 3);
        var first = DataDrift.Compare(a, b, new DriftOptions { Method = "ks" });
        var second = DataDrift.Compare(a, b, new DriftOptions { Method = "ks" });
        Assert.Equal(first.Columns.Select(c => (c.Name, c.Statistic, c.PValue, c.Psi)), second.Columns.Select(c => (c.Name, c.Statistic, c.PValue, c.Psi)));
    }

    [Fact]
    public void A_forced_method_applies_where_it_can_and_says_where_it_cannot()
    {
        var (a, b) = Halves(Penguins, 2);
        var report = DataDrift.Compare(a, b, new DriftOptions { Method = "ks", Threshold = 0.01 });
        Assert.Equal("ks", report["bill_length_mm"].Method);
        Assert.Equal(0.01, report["bill_length_mm"].Threshold);
        Assert.Equal("chi2", report["species"].Method);
        Assert.Equal(0.05, report["species"].Threshold);
        Assert.Contains(report.Notes, n => n.Contains("--method ks takes numeric columns", StringComparison.Ordinal) && n.Contains("species", StringComparison.Ordinal));

        var psi = DataDrift.Compare(a, b, new DriftOptions { Method = "psi" });
        Assert.All(psi.Columns, c => Assert.Equal(c.Psi, c.Statistic));
    }

    [Fact]
    public void Bad_input_gets_a_message_that_names_it()
    {
        var (a, b) = Halves(Penguins, 2);
        var noSex = b.Clone();
        noSex.Columns.Remove("sex");
        Assert.Equal(
            "Could not find the column 'sex' in the current data. Columns there: species, island, bill_length_mm, bill_depth_mm, flipper_length_mm, body_mass_g, year. Every column of the reference is compared unless --columns names some: name the ones both sides have.",
            Assert.Throws<NotebookException>(() => DataDrift.Compare(a, noSex)).Message);
        Assert.Contains("Did you mean 'island'?", Assert.Throws<NotebookException>(() => DataDrift.Compare(a, b, new DriftOptions { Columns = ["islnd"] })).Message, StringComparison.Ordinal);

        var text = b.Clone();
        text.Columns.Remove("year");
        text.Columns.Add(new StringDataFrameColumn("year", Enumerable.Range(0, (int)b.Rows.Count).Select(i => "y" + i)));
        Assert.StartsWith("The column 'year' holds int values in the reference", Assert.Throws<NotebookException>(() => DataDrift.Compare(a, text)).Message, StringComparison.Ordinal);

        Assert.StartsWith("The option --method got 'kss', but expected auto", Assert.Throws<NotebookException>(() => DataDrift.Compare(a, b, new DriftOptions { Method = "kss" })).Message, StringComparison.Ordinal);
        Assert.StartsWith("The option --threshold got '-1'", Assert.Throws<NotebookException>(() => DataDrift.Compare(a, b, new DriftOptions { Threshold = -1 })).Message, StringComparison.Ordinal);
        Assert.Contains("p-value level between 0 and 1 for the ks test", Assert.Throws<NotebookException>(() => DataDrift.Compare(a, b, new DriftOptions { Method = "ks", Threshold = 5 })).Message, StringComparison.Ordinal);
        Assert.StartsWith("The option --drift-share got '1.5'", Assert.Throws<NotebookException>(() => DataDrift.Compare(a, b, new DriftOptions { DriftShare = 1.5 })).Message, StringComparison.Ordinal);

        var empty = With(b, "bill_depth_mm", (_, _) => null);
        Assert.StartsWith("The column 'bill_depth_mm' has no values in the current data", Assert.Throws<NotebookException>(() => DataDrift.Compare(a, empty)).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_model_keeps_a_seeded_reference_sample_that_survives_save_and_load()
    {
        var model = _penguinModel.Value;
        var sample = model.ReferenceSample;
        Assert.NotNull(sample);
        Assert.Equal(Penguins.Rows.Count, sample.Rows.Count);
        Assert.Equal(model.Features.Select(f => f.Column).Append("species").Order(), sample.Columns.Select(c => c.Name).Order());

        var path = Path.Combine(_folder, "penguins.zip");
        model.Save(path);
        var loaded = TrainedModel.Load(path);
        Assert.NotNull(loaded.ReferenceSample);
        Assert.Equal(sample.Rows.Count, loaded.ReferenceSample.Rows.Count);
        Assert.Equal(sample.Columns["body_mass_g"].Cast<object>(), loaded.ReferenceSample.Columns["body_mass_g"].Cast<object>());

        // A zip from before the sample existed still loads, without one.
        using (var zip = ZipFile.Open(path, ZipArchiveMode.Update))
        {
            zip.GetEntry("NotebooksML/reference.arrow")!.Delete();
        }

        var old = TrainedModel.Load(path);
        Assert.Null(old.ReferenceSample);
        Assert.StartsWith("The model has no reference sample", Assert.Throws<NotebookException>(() => DataDrift.Compare(old, Penguins)).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void The_reference_sample_is_bounded_and_drawn_with_the_seed()
    {
        var frame = new DataFrame(new Int32DataFrameColumn("x", Enumerable.Range(0, 150_000)), new Int32DataFrameColumn("y", Enumerable.Range(0, 150_000)));
        var first = ReferenceSamples.Draw(frame, ["x"], 4);
        Assert.Equal(ReferenceSamples.MaxRows, first.Rows.Count);
        Assert.Equal(["x"], first.Columns.Select(c => c.Name));
        Assert.Equal(first.Columns["x"].Cast<int?>(), ReferenceSamples.Draw(frame, ["x"], 4).Columns["x"].Cast<int?>());
        Assert.NotEqual(first.Columns["x"].Cast<int?>(), ReferenceSamples.Draw(frame, ["x"], 5).Columns["x"].Cast<int?>());
        var values = first.Columns["x"].Cast<int?>().ToList();
        Assert.Equal(values.Order(), values);
    }

    [Fact]
    public void A_model_reference_adds_prediction_drift_and_metrics_on_labelled_current_data()
    {
        var model = _penguinModel.Value;
        var same = DataDrift.Compare(model, Penguins);
        Assert.Equal(["PredictedLabel", "Probability"], same.Predictions.Select(p => p.Name).Order());
        Assert.All(same.Predictions, p => Assert.False(p.Drifted));
        Assert.Contains("species", same.Columns.Select(c => c.Name));
        Assert.NotNull(same.CurrentMetrics);
        Assert.Equal(model.Metrics.Keys.Order(), same.CurrentMetrics.Keys.Order());
        Assert.Same(model.Metrics, same.TrainingMetrics);

        // Only Gentoo-sized birds: the inputs move, and so do the predictions.
        var big = Penguins.Filter(Penguins.Columns["body_mass_g"].ElementwiseGreaterThan(4700));
        big.Columns.Remove("species");
        var shifted = DataDrift.Compare(model, big);
        Assert.True(shifted.DatasetDrift, shifted.ToString());
        Assert.True(shifted["PredictedLabel"].Drifted);
        Assert.Null(shifted.CurrentMetrics);
        Assert.DoesNotContain("species", shifted.Columns.Select(c => c.Name));
    }
}
