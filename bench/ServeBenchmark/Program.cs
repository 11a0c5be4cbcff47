using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Notebooks.ML.Data;
using Notebooks.ML.Serving;
using Notebooks.ML.Training;

// bench/ServeBenchmark: one run, Debian's wrk on loopback, single-row JSON predictions at 16 connections, for a
// LightGBM model of penguins (species from island and sex, categorical, and five numbers):
//   ours      ModelServer (what #!serve and `notebooks serve` run), POST /predict, prediction log on and off,
//             and a 1,000-row dataframe_split batch to /invocations;
//   ceiling   a bare Kestrel endpoint that reads the same JSON body with Utf8JsonReader and answers a constant;
//   Flask     Flask behind gunicorn (2 workers, OMP_NUM_THREADS=1), pandas and scikit-learn's
//             HistGradientBoostingClassifier on the same data, answering like MLflow's scoring server.
// Usage: dotnet run -c Release --project bench/ServeBenchmark [-- --seconds 10]
var seconds = args.Length >= 2 && args[0] == "--seconds" ? int.Parse(args[1], CultureInfo.InvariantCulture) : 10;
const int Connections = 16;
var data = FindData("penguins.csv");
var work = Directory.CreateTempSubdirectory("nbml-serve-bench-").FullName;

Console.WriteLine($"machine: {Environment.ProcessorCount} cores, .NET {Environment.Version}, server GC {System.Runtime.GCSettings.IsServerGC}, load average {File.ReadAllText("/proc/loadavg").Split(' ')[0]} at start");
Console.WriteLine($"load: wrk -t2 -c{Connections} -d{seconds}s on loopback; data {data}");
var frame = DataLoader.Load(data).Data;
var model = ModelTrainer.Train(frame, new TrainOptions { DataName = "penguins", Label = "species", Trainer = "lightgbm", Seed = 1, Explain = false });
Console.WriteLine($"model: {model}");
var single = ExampleRows.Json(model);
var batch = Batch(model, frame, 1000);

var results = new List<(string Name, Wrk Result, int RowsPerRequest)>();

// (a) The ceiling: Kestrel, the same body parsed, a constant answer.
await using (var ceiling = await Ceiling.StartAsync())
{
    results.Add(("ceiling: bare Kestrel, parse + constant", await Wrk.RunAsync(ceiling.Url + "/predict", single, seconds, work), 1));
}

// Ours, with the prediction log (the default) and without it, alternated twice on the shared machine (the better
// run of each counts), then a 1,000-row batch with the log on.
var on = new List<Wrk>();
var off = new List<Wrk>();
foreach (var log in new[] { true, false, true, false })
{
    await using var server = await ModelServer.StartAsync(model, new ServeOptions { Name = "bench", Store = Path.Combine(work, "runs.db"), Log = log, ApiKey = "" });
    (log ? on : off).Add(await Wrk.RunAsync(server.Url + "/predict", single, seconds, work));
    if (log && on.Count == 2)
    {
        results.Add(("ours: /invocations, 1,000-row dataframe_split", await Wrk.RunAsync(server.Url + "/invocations", batch, seconds, work), 1000));
        await server.StopAsync();
        Console.WriteLine($"prediction log: {server.Host.Log!.Logged:N0} requests and {server.Host.Log.LoggedRows:N0} rows written, {server.Host.Log.Lost} lost");
    }
}

var oursOn = on.MaxBy(r => r.RequestsPerSecond)!;
var oursOff = off.MaxBy(r => r.RequestsPerSecond)!;
results.Insert(1, ("ours: /predict, log on", oursOn, 1));
results.Insert(2, ("ours: /predict, log off", oursOff, 1));

// (b) Flask behind gunicorn.
await using (var flask = await Flask.StartAsync(data))
{
    results.Add(("Flask + gunicorn: /predict", await Wrk.RunAsync(flask.Url + "/predict", single, seconds, work), 1));
    results.Add(("Flask + gunicorn: 1,000-row batch", await Wrk.RunAsync(flask.Url + "/invocations", batch, seconds, work), 1000));
}

Console.WriteLine();
Console.WriteLine($"| server | req/s | rows/s | p50 | p99 | non-2xx |");
Console.WriteLine($"|---|---:|---:|---:|---:|---:|");
foreach (var (name, result, rows) in results)
{
    Console.WriteLine($"| {name} | {result.RequestsPerSecond:N0} | {result.RequestsPerSecond * rows:N0} | {Ms(result.P50)} | {Ms(result.P99)} | {result.Non2xx} |");
}

var ceilingResult = results[0].Result;
var flaskResult = results[4].Result;
var batchRows = results[3].Result.RequestsPerSecond * 1000;
var ours = on.Concat(off).Append(results[3].Result).ToList();
Console.WriteLine();
Check($"ours / ceiling = {oursOn.RequestsPerSecond / ceilingResult.RequestsPerSecond:F2} (target ≥ 0.40)", oursOn.RequestsPerSecond >= 0.4 * ceilingResult.RequestsPerSecond);
Check($"ours / Flask = {oursOn.RequestsPerSecond / flaskResult.RequestsPerSecond:F0}× (target ≥ 30×)", oursOn.RequestsPerSecond >= 30 * flaskResult.RequestsPerSecond);
Check($"ours p99 = {Ms(oursOn.P99)} (target ≤ 5 ms)", oursOn.P99 <= 5);
Check($"1,000-row batch = {batchRows:N0} rows/s (target ≥ 200,000)", batchRows >= 200_000);
Check($"non-2xx answers from ours = {ours.Sum(r => r.Non2xx)} (target 0)", ours.All(r => r.Non2xx == 0));
Check($"the log costs {1 - (oursOn.RequestsPerSecond / oursOff.RequestsPerSecond):P1} of throughput (target ≤ 10%)", oursOn.RequestsPerSecond >= 0.9 * oursOff.RequestsPerSecond);
Directory.Delete(work, recursive: true);
return 0;

static void Check(string text, bool met) => Console.WriteLine($"{(met ? "met   " : "MISSED")}  {text}");

static string Ms(double milliseconds) => milliseconds < 1 ? $"{milliseconds * 1000:F0} µs" : $"{milliseconds:F2} ms";

static string FindData(string name)
{
    for (var folder = new DirectoryInfo(AppContext.BaseDirectory); folder is not null; folder = folder.Parent)
    {
        foreach (var candidate in new[] { Path.Combine(folder.FullName, "notebooks", "data", name), Path.Combine(folder.FullName, "shared", "data", name) })
        {
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }
    }

    throw new FileNotFoundException($"Could not find {name} under notebooks/data above {AppContext.BaseDirectory}.");
}

// The first rows of the data (with their missing values) as one dataframe_split body.
static string Batch(TrainedModel model, Microsoft.Data.Analysis.DataFrame frame, int rows)
{
    using var stream = new MemoryStream();
    using (var writer = new Utf8JsonWriter(stream))
    {
        writer.WriteStartObject();
        writer.WriteStartObject("dataframe_split");
        writer.WriteStartArray("columns");
        foreach (var input in model.Inputs)
        {
            writer.WriteStringValue(input.Name);
        }

        writer.WriteEndArray();
        writer.WriteStartArray("data");
        for (var r = 0; r < rows; r++)
        {
            writer.WriteStartArray();
            foreach (var input in model.Inputs)
            {
                var value = frame[input.Name][r % frame.Rows.Count];
                switch (value)
                {
                    case null:
                        writer.WriteNullValue();
                        break;
                    case string text:
                        writer.WriteStringValue(text);
                        break;
                    default:
                        writer.WriteNumberValue(Convert.ToDouble(value, CultureInfo.InvariantCulture));
                        break;
                }
            }

            writer.WriteEndArray();
        }

        writer.WriteEndArray();
        writer.WriteEndObject();
        writer.WriteEndObject();
    }

    return System.Text.Encoding.UTF8.GetString(stream.ToArray());
}

/// <summary>One wrk run: requests per second, latency percentiles (ms) and non-2xx answers.</summary>
internal sealed partial record Wrk(double RequestsPerSecond, double P50, double P99, long Non2xx)
{
    public static async Task<Wrk> RunAsync(string url, string body, int seconds, string work)
    {
        var script = Path.Combine(work, "post.lua");
        await File.WriteAllTextAsync(script, $"wrk.method = \"POST\"\nwrk.headers[\"Content-Type\"] = \"application/json\"\nwrk.body = [==[{body}]==]\n");
        // A warm-up (JIT and tiered compilation, pools, Python imports), then the measured run.
        await Run(["-t2", $"-c{16}", "-d3s", "-s", script, url]);
        var output = await Run(["-t2", $"-c{16}", $"-d{seconds}s", "--latency", "-s", script, url]);
        var result = new Wrk(
            double.Parse(Rps().Match(output).Groups[1].Value, CultureInfo.InvariantCulture),
            Duration(Percentile(50).Match(output)),
            Duration(Percentile(99).Match(output)),
            NonOk().Match(output) is { Success: true } m ? long.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture) : 0);
        Console.WriteLine($"{url}: {result.RequestsPerSecond:N0} req/s, p50 {result.P50:F3} ms, p99 {result.P99:F3} ms, non-2xx {result.Non2xx}");
        return result;
    }

    private static async Task<string> Run(string[] arguments)
    {
        var info = new ProcessStartInfo("wrk") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }

        using var process = Process.Start(info) ?? throw new InvalidOperationException("wrk did not start: apt-get install wrk");
        var output = await process.StandardOutput.ReadToEndAsync();
        await process.WaitForExitAsync();
        return process.ExitCode == 0 ? output : throw new InvalidOperationException($"wrk failed: {output} {await process.StandardError.ReadToEndAsync()}");
    }

    private static double Duration(Match match)
    {
        var value = double.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture);
        return match.Groups[2].Value switch { "us" => value / 1000, "ms" => value, "s" => value * 1000, _ => value * 60_000 };
    }

    private static Regex Percentile(int p) => new($@"^\s+{p}%\s+([\d.]+)(us|ms|s|m)\s*$", RegexOptions.Multiline);

    [GeneratedRegex(@"Requests/sec:\s+([\d.]+)")]
    private static partial Regex Rps();

    [GeneratedRegex(@"Non-2xx or 3xx responses:\s+(\d+)")]
    private static partial Regex NonOk();
}

/// <summary>The ceiling: Kestrel reads the body, walks it with Utf8JsonReader, answers a constant prediction.</summary>
internal sealed class Ceiling(WebApplication app, string url) : IAsyncDisposable
{
    private static readonly byte[] _answer = """{"PredictedLabel":"Adelie","Probability":0.99}"""u8.ToArray();

    public string Url { get; } = url;

    public static async Task<Ceiling> StartAsync()
    {
        var builder = WebApplication.CreateEmptyBuilder(new WebApplicationOptions());
        var port = FreePort();
        builder.WebHost.UseKestrelCore().ConfigureKestrel(k => { k.AddServerHeader = false; k.Listen(IPAddress.Loopback, port); });
        builder.Services.AddRoutingCore();
        var app = builder.Build();
        app.UseRouting();
        app.MapPost("/predict", async context =>
        {
            var reader = context.Request.BodyReader;
            while (true)
            {
                var read = await reader.ReadAsync();
                if (!read.IsCompleted)
                {
                    reader.AdvanceTo(read.Buffer.Start, read.Buffer.End);
                    continue;
                }

                var json = new Utf8JsonReader(read.Buffer);
                while (json.Read())
                {
                }

                reader.AdvanceTo(read.Buffer.End);
                break;
            }

            context.Response.ContentType = "application/json";
            context.Response.ContentLength = _answer.Length;
            await context.Response.Body.WriteAsync(_answer);
        });
        await app.StartAsync();
        return new Ceiling(app, $"http://127.0.0.1:{port}");
    }

    public async ValueTask DisposeAsync()
    {
        await app.StopAsync();
        await app.DisposeAsync();
    }

    internal static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}

/// <summary>Flask behind gunicorn: 2 sync workers, one OpenMP thread each.</summary>
internal sealed class Flask(Process process, string url) : IAsyncDisposable
{
    public string Url { get; } = url;

    public static async Task<Flask> StartAsync(string data)
    {
        var port = Ceiling.FreePort();
        var info = new ProcessStartInfo("gunicorn") { RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = AppContext.BaseDirectory };
        foreach (var argument in new[] { "-w", "2", "-b", $"127.0.0.1:{port}", "--log-level", "warning", "flask_peer:app" })
        {
            info.ArgumentList.Add(argument);
        }

        info.Environment["OMP_NUM_THREADS"] = "1";
        info.Environment["PEER_DATA"] = data;
        var process = Process.Start(info) ?? throw new InvalidOperationException("gunicorn did not start: apt-get install gunicorn python3-flask python3-sklearn python3-pandas");
        process.ErrorDataReceived += (_, _) => { };
        process.BeginErrorReadLine();
        using var client = new HttpClient();
        for (var i = 0; i < 600; i++)
        {
            try
            {
                using var content = new StringContent(ExampleBody(), System.Text.Encoding.UTF8, "application/json");
                using var response = await client.PostAsync(new Uri($"http://127.0.0.1:{port}/predict"), content);
                if (response.IsSuccessStatusCode)
                {
                    Console.WriteLine($"Flask peer answers: {await response.Content.ReadAsStringAsync()}".Trim());
                    return new Flask(process, $"http://127.0.0.1:{port}");
                }
            }
            catch (HttpRequestException)
            {
            }

            await Task.Delay(100);
        }

        process.Kill(entireProcessTree: true);
        throw new InvalidOperationException("The Flask peer did not start within a minute.");
    }

    private static string ExampleBody() => """{"island":"Torgersen","bill_length_mm":39.1,"bill_depth_mm":18.7,"flipper_length_mm":181,"body_mass_g":3750,"sex":"male","year":2007}""";

    public async ValueTask DisposeAsync()
    {
        process.Kill(entireProcessTree: true);
        await process.WaitForExitAsync();
        process.Dispose();
    }
}
