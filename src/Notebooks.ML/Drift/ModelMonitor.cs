using System.Collections.Concurrent;
using System.Globalization;
using Microsoft.Data.Analysis;
using Notebooks.ML.Tracking;
using Notebooks.ML.Training;

namespace Notebooks.ML.Drift;

/// <summary>Options of <see cref="ModelMonitor.Read"/>: <c>#!monitor</c>'s <c>--window</c> and <c>--since</c>.</summary>
public sealed record MonitorOptions
{
    /// <summary>The length of each window (default one hour). Windows start at multiples of it since the Unix epoch (hours on the hour, days at midnight UTC).</summary>
    public TimeSpan Window { get; init; } = TimeSpan.FromHours(1);

    /// <summary>Only traffic answered at or after this time; default all of it.</summary>
    public DateTimeOffset? Since { get; init; }

    /// <summary>Windows with fewer predicted rows get no drift verdict: a distance on a handful of rows is mostly noise.</summary>
    public int MinimumDriftRows { get; init; } = 50;

    /// <summary>The per-window drift check's method, thresholds and drift share (default: as <c>#!drift</c>).</summary>
    public DriftOptions Drift { get; init; } = new();
}

/// <summary>One window of a served model's life.</summary>
public sealed record MonitorWindow
{
    /// <summary>The window's start (UTC).</summary>
    public required DateTimeOffset Start { get; init; }

    /// <summary>The window's end (UTC, exclusive).</summary>
    public required DateTimeOffset End { get; init; }

    /// <summary>Requests answered or refused.</summary>
    public required int Requests { get; init; }

    /// <summary>Rows predicted.</summary>
    public required int Rows { get; init; }

    /// <summary>Requests refused (4xx) or failed (5xx).</summary>
    public required int Errors { get; init; }

    /// <summary>The median latency in milliseconds, or null without requests.</summary>
    public double? LatencyP50 { get; init; }

    /// <summary>The 99th-percentile latency in milliseconds, or null without requests.</summary>
    public double? LatencyP99 { get; init; }

    /// <summary>Classification and clustering: each predicted class's share of the window's rows (classes in the model's order).</summary>
    public IReadOnlyDictionary<string, double> PredictionShares { get; init; } = new Dictionary<string, double>();

    /// <summary>Regression: the 10th, 50th and 90th percentiles of the predicted value, or null without rows.</summary>
    public (double P10, double P50, double P90)? PredictionQuantiles { get; init; }

    /// <summary>The share of input columns that drifted against the model's reference sample, or null (no reference, or too few rows).</summary>
    public double? DriftShare { get; init; }

    /// <summary>The input columns that drifted in this window.</summary>
    public IReadOnlyList<string> DriftedColumns { get; init; } = [];

    /// <summary>Whether the window's inputs drifted as a dataset (share at or above the drift share), or null when not tested.</summary>
    public bool? DatasetDrift { get; init; }
}

/// <summary>A served model's life, window by window (<c>#!monitor NAME</c>, <see cref="ModelMonitor.Read"/>).</summary>
public sealed class MonitorReport
{
    /// <summary>The server's name.</summary>
    public required string Server { get; init; }

    /// <summary>The length of each window.</summary>
    public required TimeSpan Window { get; init; }

    /// <summary>The windows, oldest first, empty ones included so that gaps show.</summary>
    public required IReadOnlyList<MonitorWindow> Windows { get; init; }

    /// <summary>The model versions that answered, oldest first.</summary>
    public required IReadOnlyList<ServedModelVersion> Versions { get; init; }

    /// <summary>The task of the served model (what its predictions are).</summary>
    public required MLTask Task { get; init; }

    /// <summary>What the inputs were compared with (a model's reference sample), or null when drift was not checked.</summary>
    public string? ReferenceName { get; init; }

    /// <summary>The share of drifted columns at which a window's inputs drift as a dataset.</summary>
    public double DriftShareThreshold { get; init; } = 0.5;

    /// <summary>What the card should say besides the table.</summary>
    public IReadOnlyList<string> Notes { get; init; } = [];

    /// <summary>Requests over every window.</summary>
    public int Requests => Windows.Sum(w => w.Requests);

    /// <summary>Rows predicted over every window.</summary>
    public int Rows => Windows.Sum(w => w.Rows);

    /// <summary>Errors over every window.</summary>
    public int Errors => Windows.Sum(w => w.Errors);

    /// <inheritdoc/>
    public override string ToString() =>
        $"'{Server}': {Requests:N0} requests, {Rows:N0} rows, {Errors:N0} errors over {Windows.Count} windows of {ModelMonitor.Describe(Window)}"
        + (Windows.LastOrDefault(w => w.DatasetDrift is not null) is { } last ? $"; latest tested window: {(last.DatasetDrift == true ? "drift" : "no drift")} ({last.DriftedColumns.Count} columns)" : "");
}

/// <summary>
/// Reads a served model's prediction log and sums it up per window: traffic, errors, latency, what it predicted and
/// whether its inputs drifted from the model's reference sample. The C# twin of <c>#!monitor</c>; a scheduled
/// <c>notebooks run … --report</c> of a notebook that calls it is a monitoring report.
/// <code>
/// using var runs = RunStore.Open();
/// var life = ModelMonitor.Read(runs, "penguins", new MonitorOptions { Window = TimeSpan.FromHours(1) });
/// </code>
/// </summary>
public static class ModelMonitor
{
    /// <summary>More windows than this is a mistake in --window or --since, not a chart.</summary>
    public const int MaxWindows = 1_000;

    /// <summary>
    /// The life of the server named <paramref name="server"/> in <paramref name="runs"/>, per window. Drift is checked
    /// against <paramref name="reference"/>'s reference sample, or else against that of the model the newest version
    /// was trained as (its run in this store), when there is one.
    /// </summary>
    /// <exception cref="NotebookException">No such server, no traffic, or a window that makes too many windows.</exception>
    public static MonitorReport Read(RunStore runs, string server, MonitorOptions? options = null, TrainedModel? reference = null)
    {
        ArgumentNullException.ThrowIfNull(runs);
        options ??= new MonitorOptions();
        if (options.Window < TimeSpan.FromSeconds(1))
        {
            throw Errors.BadOption("--window", Describe(options.Window), "a window of at least a second, such as 1m, 1h or 1d");
        }

        var traffic = runs.ReadTraffic(server, options.Since);
        if (traffic.Requests.Count == 0)
        {
            throw Errors.Fail($"'{server}' has answered no requests{(options.Since is { } since ? $" since {since.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture)} UTC" : "")}: there is nothing to monitor yet.");
        }

        var notes = new List<string>();
        var referenceName = reference is null ? null : "the model's reference sample";
        if (reference is null && traffic.Versions.LastOrDefault() is { RunId: { } run })
        {
            var recorded = runs.Show(run);
            if (recorded.ModelPath is { } path && File.Exists(path))
            {
                reference = TrainedModel.Load(path);
                referenceName = $"run {recorded.Name}'s reference sample";
            }
        }

        if (reference?.ReferenceSample is null)
        {
            notes.Add(reference is null
                ? "No drift: the served model's run is not in this store. Pass the model (#!monitor NAME --reference MODEL) to compare its inputs with its reference sample."
                : "No drift: the model has no reference sample (saved before Notebooks.ML kept one).");
            referenceName = null;
        }

        var task = reference?.Task ?? TaskOf(traffic);
        // The log need not be in time order (servers commit in batches, imports come later): take the extremes.
        var first = Floor(options.Since ?? traffic.Requests.Min(q => q.At), options.Window);
        var end = traffic.Requests.Max(q => q.At);
        var count = (int)Math.Min(int.MaxValue, ((end - first).Ticks / options.Window.Ticks) + 1);
        if (count > MaxWindows)
        {
            throw Errors.BadOption("--window", Describe(options.Window), $"a longer window, or a later --since: from {first.UtcDateTime:yyyy-MM-dd HH:mm} to {end.UtcDateTime:yyyy-MM-dd HH:mm} UTC it makes {count:N0} windows, more than {MaxWindows:N0}");
        }

        // Rows and requests fall in windows by their time; rows arrive in request order, oldest first.
        var rowIndex = Enumerable.Range(0, count).Select(_ => new List<long>()).ToArray();
        for (var r = 0; r < traffic.RowTimes.Count; r++)
        {
            rowIndex[Index(traffic.RowTimes[r], first, options.Window)].Add(r);
        }

        var requestsBy = traffic.Requests.GroupBy(q => Index(q.At, first, options.Window)).ToDictionary(g => g.Key, g => g.ToList());
        var prepared = new ConcurrentDictionary<string, ColumnSample>();
        var sample = reference?.ReferenceSample;
        var inputs = sample is null ? [] : traffic.Inputs.Columns.Select(c => c.Name).Where(n => sample.Columns.IndexOf(n) >= 0 && ColumnSample.KindOf(sample.Columns[n]) is not null).ToList();
        var windows = new List<MonitorWindow>(count);
        var failures = new SortedSet<string>(StringComparer.Ordinal);
        for (var w = 0; w < count; w++)
        {
            var requests = requestsBy.GetValueOrDefault(w) ?? [];
            var latencies = requests.Select(q => q.LatencyMs).Order().ToArray();
            var rows = rowIndex[w];
            var window = new MonitorWindow
            {
                Start = first + (options.Window * w),
                End = first + (options.Window * (w + 1)),
                Requests = requests.Count,
                Rows = requests.Sum(q => q.Rows),
                Errors = requests.Count(q => q.Status >= 400),
                LatencyP50 = latencies.Length == 0 ? null : Percentile(latencies, 0.5),
                LatencyP99 = latencies.Length == 0 ? null : Percentile(latencies, 0.99),
            };
            window = Predictions(window, traffic.Outputs, rows, task, reference);
            if (sample is not null && inputs.Count > 0 && rows.Count >= options.MinimumDriftRows)
            {
                var current = traffic.Inputs[rows];
                try
                {
                    var drift = DataDrift.Compare(sample, current, options.Drift with { Columns = inputs, ReferenceName = referenceName, CurrentName = $"served:{server}" }, prepared);
                    window = window with
                    {
                        DriftShare = drift.DriftShare,
                        DriftedColumns = drift.Columns.Where(c => c.Drifted).Select(c => c.Name).ToList(),
                        DatasetDrift = drift.DatasetDrift,
                    };
                }
                catch (NotebookException e)
                {
                    failures.Add(e.Message);
                }
            }

            windows.Add(window);
        }

        if (sample is not null && windows.All(w => w.DriftShare is null))
        {
            notes.Add($"No window had {options.MinimumDriftRows} predicted rows, the fewest a window's drift is checked on.");
        }

        notes.AddRange(failures.Select(f => $"Drift left out of some windows: {f}"));
        return new MonitorReport
        {
            Server = server,
            Window = options.Window,
            Windows = windows,
            Versions = traffic.Versions,
            Task = task,
            ReferenceName = referenceName,
            DriftShareThreshold = options.Drift.DriftShare,
            Notes = notes,
        };
    }

    /// <summary>A window's length as <c>--window</c> writes it: 30s, 5m, 1h, 1d.</summary>
    public static string Describe(TimeSpan window) =>
        window.TotalDays >= 1 && window.TotalDays % 1 == 0 ? $"{window.TotalDays:0}d"
        : window.TotalHours >= 1 && window.TotalHours % 1 == 0 ? $"{window.TotalHours:0}h"
        : window.TotalMinutes >= 1 && window.TotalMinutes % 1 == 0 ? $"{window.TotalMinutes:0}m"
        : $"{window.TotalSeconds:0.###}s";

    private static MLTask TaskOf(ServedTraffic traffic) =>
        traffic.Outputs.Columns.IndexOf("Score") >= 0 ? MLTask.Regression
        : traffic.Outputs.Columns.IndexOf("Cluster") >= 0 ? MLTask.Clustering
        : MLTask.Multiclass;

    private static MonitorWindow Predictions(MonitorWindow window, DataFrame outputs, List<long> rows, MLTask task, TrainedModel? model)
    {
        if (task == MLTask.Regression && outputs.Columns.IndexOf("Score") >= 0)
        {
            var scores = rows.Select(r => outputs.Columns["Score"][r]).OfType<float>().Select(f => (double)f).Where(double.IsFinite).Order().ToArray();
            return scores.Length == 0 ? window : window with { PredictionQuantiles = (Percentile(scores, 0.1), Percentile(scores, 0.5), Percentile(scores, 0.9)) };
        }

        var column = outputs.Columns.IndexOf("PredictedLabel") >= 0 ? outputs.Columns["PredictedLabel"]
            : outputs.Columns.IndexOf("Cluster") >= 0 ? outputs.Columns["Cluster"] : null;
        if (column is null)
        {
            return window;
        }

        var values = rows.Select(r => Convert.ToString(column[r], CultureInfo.InvariantCulture)).OfType<string>().ToList();
        var classes = model?.Classes.Count > 0 ? model.Classes.ToList() : [];
        classes.AddRange(values.Distinct().Where(v => !classes.Contains(v)).Order(StringComparer.Ordinal));
        return values.Count == 0
            ? window
            : window with { PredictionShares = classes.ToDictionary(c => c, c => values.Count(v => v == c) / (double)values.Count) };
    }

    /// <summary>The window a time falls in.</summary>
    private static int Index(DateTimeOffset at, DateTimeOffset first, TimeSpan window) => (int)((at - first).Ticks / window.Ticks);

    /// <summary>The start of the window holding <paramref name="at"/>: a multiple of the window since the Unix epoch.</summary>
    private static DateTimeOffset Floor(DateTimeOffset at, TimeSpan window)
    {
        var ticks = (at.UtcTicks - DateTimeOffset.UnixEpoch.UtcTicks) / window.Ticks * window.Ticks;
        return DateTimeOffset.UnixEpoch.AddTicks(ticks);
    }

    /// <summary>numpy's default (linear) percentile of sorted values.</summary>
    private static double Percentile(double[] sorted, double q)
    {
        var position = q * (sorted.Length - 1);
        var low = (int)Math.Floor(position);
        var high = Math.Min(low + 1, sorted.Length - 1);
        return sorted[low] + ((position - low) * (sorted[high] - sorted[low]));
    }
}
