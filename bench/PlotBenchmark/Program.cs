using System.Diagnostics;
using System.Globalization;
using System.Text;
using Microsoft.Data.Analysis;
using Notebooks.ML.Charts;
using Plotly.NET;

// #!plot on 10^4 … 3·10^6 rows: time to build the chart and write it as the HTML a notebook shows, and its size,
// against Plotly Express (Python) on the same kind of data in the same run.
// Usage: dotnet run -c Release --project bench/PlotBenchmark [-- --no-peer] [--rows 10000,100000]
var culture = CultureInfo.InvariantCulture;
var sizes = args.SkipWhile(a => a != "--rows").Skip(1).FirstOrDefault()?.Split(',').Select(s => int.Parse(s, culture)).ToArray()
    ?? [10_000, 100_000, 1_000_000, 3_000_000];
var peer = !args.Contains("--no-peer");
var peerScript = Path.Combine(AppContext.BaseDirectory, "peer.py");

Console.WriteLine($"PlotBenchmark: {Environment.ProcessorCount} cores, .NET {Environment.Version}; best of 3 runs after a warm-up; peer: Plotly Express via /usr/bin/python3, one run after a warm-up");
Console.WriteLine();
Console.WriteLine("| kind | rows | ours (s) | ours (KB) | traces / points shipped | peer (s) | peer (KB) | time ratio | size ratio |");
Console.WriteLine("|---|---:|---:|---:|---|---:|---:|---:|---:|");
foreach (var rows in sizes)
{
    var frame = Synthetic(rows);
    foreach (var kind in new[] { "scatter", "histogram" })
    {
        var options = new ChartOptions { Kind = kind, X = "x", Y = kind == "scatter" ? "y" : null, Color = kind == "scatter" ? "group" : null };
        _ = Render(frame, options); // warm-up (JIT)
        var best = double.MaxValue;
        var html = "";
        GenericChart? chart = null;
        for (var run = 0; run < 3; run++)
        {
            var watch = Stopwatch.StartNew();
            (chart, html) = Render(frame, options);
            best = Math.Min(best, watch.Elapsed.TotalSeconds);
        }

        var kilobytes = Encoding.UTF8.GetByteCount(html) / 1e3;
        var traces = GenericChart.getTraces(chart!);
        var shipped = string.Create(culture, $"{traces.Length} / {Shipped(html):N0}");
        var (peerSeconds, peerBytes, why) = peer ? Peer(peerScript, rows, kind) : (double.NaN, double.NaN, "skipped (--no-peer)");
        var peerText = why ?? string.Create(culture, $"{peerSeconds:F3} | {peerBytes / 1e3:N0} | {best / peerSeconds:F3} | {kilobytes / (peerBytes / 1e3):F4}");
        if (why is not null)
        {
            peerText = $"{why} | | | ";
        }

        Console.WriteLine(string.Create(culture, $"| {kind} | {rows:N0} | {best:F3} | {kilobytes:N1} | {shipped} | {peerText} |"));
    }
}

Console.WriteLine();
Console.WriteLine("ours: Plot.Create + GenericChart.toChartHTML (what the notebook formatter writes), DataFrame already in memory.");
Console.WriteLine("peer: px.scatter(render_mode='webgl', color=group) / px.histogram + fig.to_html(include_plotlyjs=False), DataFrame already in memory.");
Console.WriteLine("ratios: ours / peer (below 1: we are faster or smaller).");

static (GenericChart Chart, string Html) Render(DataFrame frame, ChartOptions options)
{
    var chart = Plot.Create(frame, options);
    return (chart, GenericChart.toChartHTML(chart));
}

// Points shipped: numbers in the data arrays, approximated by counting commas inside "x":[…] arrays.
static long Shipped(string html)
{
    long count = 0;
    var at = 0;
    while ((at = html.IndexOf("\"x\":[", at, StringComparison.Ordinal)) >= 0)
    {
        var end = html.IndexOf(']', at);
        count += html.AsSpan(at, end - at).Count(',') + 1;
        at = end;
    }

    return count;
}

static DataFrame Synthetic(int rows)
{
    var random = new Random(1);
    var names = new[] { "alpha", "beta", "gamma", "delta", "epsilon" };
    var x = new double[rows];
    var y = new double[rows];
    var group = new string[rows];
    for (var i = 0; i < rows; i++)
    {
        x[i] = Normal(random);
        y[i] = (2 * x[i]) + (0.5 * Normal(random));
        group[i] = names[random.Next(names.Length)];
    }

    return new DataFrame(new DoubleDataFrameColumn("x", x), new DoubleDataFrameColumn("y", y), new StringDataFrameColumn("group", group));
}

static double Normal(Random random) => Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble());

static (double Seconds, double Bytes, string? Why) Peer(string script, int rows, string kind)
{
    if (!File.Exists("/usr/bin/python3"))
    {
        return (double.NaN, double.NaN, "unavailable: no /usr/bin/python3");
    }

    var start = new ProcessStartInfo("/usr/bin/python3", [script, rows.ToString(CultureInfo.InvariantCulture), kind]) { RedirectStandardOutput = true, RedirectStandardError = true };
    using var process = Process.Start(start)!;
    var output = process.StandardOutput.ReadToEnd().Trim();
    _ = process.StandardError.ReadToEnd();
    if (!process.WaitForExit(TimeSpan.FromMinutes(5)))
    {
        process.Kill();
        return (double.NaN, double.NaN, "timed out");
    }

    var parts = output.Split(' ');
    return parts.Length == 2 && double.TryParse(parts[0], CultureInfo.InvariantCulture, out var seconds) && double.TryParse(parts[1], CultureInfo.InvariantCulture, out var bytes)
        ? (seconds, bytes, null)
        : (double.NaN, double.NaN, output.Length == 0 ? "failed" : output);
}
