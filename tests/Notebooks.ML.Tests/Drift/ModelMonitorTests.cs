using Microsoft.Data.Analysis;
using Notebooks.ML.Data;
using Notebooks.ML.Drift;
using Notebooks.ML.Tracking;
using Notebooks.ML.Training;
using Notebooks.Tests;

namespace Notebooks.ML.Tests.Drift;

/// <summary>
/// A served model's week, from its prediction log: four quiet days of ordinary penguins, then three days of only
/// Gentoo (heavier, longer-flippered birds), some refused requests, known latencies.
/// </summary>
public sealed class ModelMonitorTests : IDisposable
{
    private static readonly DateTimeOffset _monday = new(2026, 11, 23, 0, 0, 0, TimeSpan.Zero);
    private readonly string _folder = Directory.CreateTempSubdirectory("nbml-monitor-").FullName;

    private string Store => Path.Combine(_folder, "runs.db");

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private static DataFrame Penguins() => DataLoader.Load(Repo.Data("penguins.csv")).Data;

    /// <summary>Trains, records the run (so the served model's reference is found through it) and logs the week.</summary>
    private async Task<(TrainedModel Model, DataFrame Week)> WeekAsync(string label = "species")
    {
        var penguins = Penguins();
        var model = ModelTrainer.Train(penguins, new TrainOptions { Label = label, Seed = 2, Explain = false, DataName = "penguins" });
        using (var runs = RunStore.Open(Store))
        {
            runs.Record(model, new RunContext { Data = penguins });
        }

        var gentoo = penguins.Filter(penguins["species"].ElementwiseEquals("Gentoo"));
        var days = Enumerable.Range(0, 7).Select(day => day < 4 ? penguins[Enumerable.Range(0, 120).Select(i => (long)((i * 7) + day) % penguins.Rows.Count)] : gentoo.Head(110)).ToList();
        var week = days[0].Clone();
        foreach (var day in days.Skip(1))
        {
            week.Append(day.Rows, inPlace: true);
        }

        // Requests of 10 rows, 20 minutes apart from 08:00 each day; latency grows through the week.
        var times = new List<DateTimeOffset>();
        var latencies = new List<double>();
        for (var d = 0; d < 7; d++)
        {
            for (var r = 0; r < days[d].Rows.Count; r++)
            {
                times.Add(_monday.AddDays(d).AddHours(8).AddMinutes(20 * (r / 10)));
                latencies.Add(2 + d + (r / 10 % 3));
            }
        }

        Assert.Equal((4 * 12) + (3 * 11), await ServedHistory.ImportAsync(Store, "penguins", model, week, times, latencies, "model"));
        await using (var log = PredictionLog.Open(Store, "penguins"))
        {
            var version = log.Register(model, "model");
            await log.AppendAsync(version, _monday.AddDays(5).AddHours(9), 1, 400, "BAD_REQUEST");
            await log.AppendAsync(version, _monday.AddDays(5).AddHours(10), 1, 415, "UNSUPPORTED_MEDIA_TYPE");
        }

        return (model, week);
    }

    [Fact]
    public async Task A_week_per_day_shows_traffic_errors_latency_predictions_and_the_drift_after_the_shift()
    {
        var (model, week) = await WeekAsync();
        using var runs = RunStore.Open(Store);
        var report = ModelMonitor.Read(runs, "penguins", new MonitorOptions { Window = TimeSpan.FromDays(1) });

        Assert.Equal(7, report.Windows.Count);
        Assert.Equal(_monday, report.Windows[0].Start);
        Assert.Equal("run #1's reference sample", report.ReferenceName);
        Assert.Equal([120, 120, 120, 120, 110, 110, 110], report.Windows.Select(w => w.Rows));
        Assert.Equal([12, 12, 12, 12, 11, 13, 11], report.Windows.Select(w => w.Requests));
        Assert.Equal([0, 0, 0, 0, 0, 2, 0], report.Windows.Select(w => w.Errors));
        Assert.Equal(week.Rows.Count, report.Rows);

        // Latency percentiles as numpy computes them (linear), over every request of the day, refused ones included.
        var tuesday = Enumerable.Range(0, 12).Select(q => 2.0 + 1 + (q % 3)).Order().ToArray();
        Assert.Equal(Percentile(tuesday, 0.5), report.Windows[1].LatencyP50);
        Assert.Equal(Percentile(tuesday, 0.99), report.Windows[1].LatencyP99);

        // Predictions: shares of each class summing to one; only Gentoo after the shift.
        Assert.All(report.Windows, w => Assert.Equal(1.0, w.PredictionShares.Values.Sum(), 12));
        Assert.Equal(model.Classes, report.Windows[0].PredictionShares.Keys);
        Assert.True(report.Windows[5].PredictionShares["Gentoo"] > 0.95);

        // Drift: none on the ordinary days, most columns after the shift.
        Assert.All(report.Windows.Take(4), w => Assert.False(w.DatasetDrift, $"{w.Start}: {string.Join(", ", w.DriftedColumns)}"));
        Assert.All(report.Windows.Skip(4), w => Assert.True(w.DatasetDrift, $"{w.Start}: {w.DriftShare}"));
        Assert.Contains("body_mass_g", report.Windows[6].DriftedColumns);

        // The same log gives the same report.
        var again = ModelMonitor.Read(runs, "penguins", new MonitorOptions { Window = TimeSpan.FromDays(1) });
        Assert.Equal(report.Windows, again.Windows, (a, b) => a.Start == b.Start && a.DriftShare == b.DriftShare && a.LatencyP99 == b.LatencyP99 && a.PredictionShares.SequenceEqual(b.PredictionShares));

        // Hourly windows keep the gaps between days, and small windows get no drift verdict.
        var hourly = ModelMonitor.Read(runs, "penguins", new MonitorOptions { Window = TimeSpan.FromHours(1), Since = _monday.AddDays(6) });
        Assert.Equal(_monday.AddDays(6).AddHours(0), hourly.Windows[0].Start);
        Assert.Equal(0, hourly.Windows[0].Requests);
        Assert.All(hourly.Windows, w => Assert.Null(w.DriftShare));
        Assert.Contains(hourly.Notes, n => n.StartsWith("No window had 50 predicted rows", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_regression_model_shows_the_band_of_its_predictions()
    {
        await WeekAsync("body_mass_g");
        using var runs = RunStore.Open(Store);
        var report = ModelMonitor.Read(runs, "penguins", new MonitorOptions { Window = TimeSpan.FromDays(1) });
        Assert.Equal(MLTask.Regression, report.Task);
        Assert.All(report.Windows, w => Assert.True(w.PredictionQuantiles is { } q && q.P10 <= q.P50 && q.P50 <= q.P90));
        Assert.True(report.Windows[6].PredictionQuantiles!.Value.P50 > report.Windows[0].PredictionQuantiles!.Value.P50);
    }

    [Fact]
    public async Task Bad_windows_and_unknown_servers_get_messages()
    {
        await WeekAsync();
        using var runs = RunStore.Open(Store);
        Assert.Contains("more than 1,000", Assert.Throws<NotebookException>(() => ModelMonitor.Read(runs, "penguins", new MonitorOptions { Window = TimeSpan.FromMinutes(1) })).Message, StringComparison.Ordinal);
        Assert.StartsWith("The option --window got '0.5s'", Assert.Throws<NotebookException>(() => ModelMonitor.Read(runs, "penguins", new MonitorOptions { Window = TimeSpan.FromMilliseconds(500) })).Message, StringComparison.Ordinal);
        Assert.Contains("Did you mean 'penguins'?", Assert.Throws<NotebookException>(() => ModelMonitor.Read(runs, "penguin")).Message, StringComparison.Ordinal);
        Assert.Contains("has answered no requests since 2027-01-01", Assert.Throws<NotebookException>(() => ModelMonitor.Read(runs, "penguins", new MonitorOptions { Since = new DateTimeOffset(2027, 1, 1, 0, 0, 0, TimeSpan.Zero) })).Message, StringComparison.Ordinal);
    }

    private static double Percentile(double[] sorted, double q)
    {
        var position = q * (sorted.Length - 1);
        var low = (int)Math.Floor(position);
        var high = Math.Min(low + 1, sorted.Length - 1);
        return sorted[low] + ((position - low) * (sorted[high] - sorted[low]));
    }
}
