using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Notebooks.Tests;
using Xunit.Abstractions;

namespace Notebooks.EndToEnd.Tests;

/// <summary>
/// #!serve and #!export in the real dotnet-interactive kernel over stdio (what VS Code speaks), with HTTP from the
/// test: every request format, every client mistake, served = model.Predict, a swap under load, the prediction log,
/// and an exported project published offline and run.
/// </summary>
[Collection("real kernel")]
public sealed partial class ServeStdioTests(KernelEnvironment environment, ITestOutputHelper log) : IDisposable
{
    private static readonly string[] _columns = ["island", "bill_length_mm", "bill_depth_mm", "flipper_length_mm", "body_mass_g", "sex", "year"];
    private readonly string _folder = Directory.CreateTempSubdirectory("nbml-e2e-serve-").FullName;
    private readonly HttpClient _client = new();

    public void Dispose()
    {
        _client.Dispose();
        try
        {
            Directory.Delete(_folder, recursive: true);
        }
        catch (IOException)
        {
            // A process may still hold a file for a moment.
        }
    }

    [Fact]
    public async Task Serve_answers_every_format_refuses_bad_input_swaps_under_load_and_logs_every_acknowledged_row()
    {
        await using var kernel = await TrainedKernelAsync();
        var card = await kernel.SubmitAsync("#!serve model --name penguins");
        Assert.True(card.Succeeded, card.Describe());
        var url = UrlOnCard().Match(card.Html).Groups[1].Value;
        Assert.StartsWith("http://127.0.0.1:", url, StringComparison.Ordinal);
        var expected = await ExpectedAsync(kernel);
        var penguins = Penguins();
        long acknowledgedRows = 0;

        // The curl line on the card, pasted into a shell.
        var curl = WebUtility.HtmlDecode(CurlOnCard().Match(card.Html).Groups[1].Value);
        var pasted = await Processes.RunAsync("bash", ["-c", curl], _folder);
        Assert.True(pasted.ExitCode == 0, pasted.All);
        Assert.Equal(expected[0], Prediction(JsonDocument.Parse(pasted.Output).RootElement));
        acknowledgedRows++;

        // Every request format: the served predictions are model.Predict's, to the last digit.
        int[] rows = [0, 1, 3, 100, 200, 300, 343];
        foreach (var (path, body, type, asked) in Formats(penguins, rows))
        {
            var (status, answer) = await PostAsync(url + path, body, type);
            Assert.True(status == 200, $"{path} {type} {body[..40]}: {status} {answer}");
            var predictions = Predictions(answer);
            Assert.Equal(asked.Select(r => expected[r]), predictions);
            acknowledgedRows += predictions.Count;
        }

        // Every client mistake: its status, its code, a message that names what and where, never a stack trace.
        foreach (var (body, type, status, code, message) in Mistakes(penguins))
        {
            var (actual, answer) = await PostAsync(url + (type == "predict" ? "/predict" : "/invocations"), body, type == "predict" ? "application/json" : type);
            Assert.True(actual == status, $"{message}: {actual} {answer}");
            var error = JsonDocument.Parse(answer).RootElement;
            Assert.Equal(code, error.GetProperty("error_code").GetString());
            Assert.Contains(message, error.GetProperty("message").GetString(), StringComparison.Ordinal);
            Assert.DoesNotContain("   at ", answer, StringComparison.Ordinal);
        }

        // A swap under load: clients keep predicting while another model is trained and served under the same name.
        var failures = new ConcurrentBag<string>();
        long loadRows = 0;
        using var stop = new CancellationTokenSource();
        var body3 = Split(penguins, [0, 1, 2]);
        var clients = Enumerable.Range(0, 4).Select(_ => Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
            {
                var (status, answer) = await PostAsync(url + "/invocations", body3, "application/json");
                if (status == 200)
                {
                    Interlocked.Add(ref loadRows, Predictions(answer).Count);
                }
                else
                {
                    failures.Add($"{status} {answer}");
                }
            }
        })).ToArray();
        var retrain = await kernel.SubmitAsync("#!train --data penguins --label species --trainer sdca --no-explain --as other");
        Assert.True(retrain.Succeeded, retrain.Describe());
        var swap = await kernel.SubmitAsync("#!serve other --name penguins");
        Assert.True(swap.Succeeded, swap.Describe());
        Assert.Contains("Swapped the model of <code>penguins</code>", swap.Html, StringComparison.Ordinal);
        await Task.Delay(500);
        await stop.CancelAsync();
        await Task.WhenAll(clients);
        Assert.Empty(failures);
        Assert.True(loadRows > 0);
        acknowledgedRows += loadRows;
        Assert.Contains("\"version\": 2", await _client.GetStringAsync(new Uri(url + "/version")), StringComparison.Ordinal);

        // After a stop, the log holds every acknowledged row; the kernel reads it with the engine's API.
        var stopped = await kernel.SubmitAsync("#!serve stop penguins");
        Assert.True(stopped.Succeeded, stopped.Describe());
        var logged = await kernel.SubmitAsync($"Console.WriteLine(\"LOGGED:\" + Notebooks.ML.Tracking.RunStore.Open(@\"{Store}\").ReadTraffic(\"penguins\").Inputs.Rows.Count);");
        Assert.True(logged.Succeeded, logged.Describe());
        Assert.Equal(acknowledgedRows.ToString(CultureInfo.InvariantCulture), Regex.Match(logged.Text, @"LOGGED:(\d+)").Groups[1].Value);
        await Assert.ThrowsAsync<HttpRequestException>(() => _client.GetAsync(new Uri(url + "/ping")));
        log.WriteLine($"{acknowledgedRows} rows acknowledged and logged; {loadRows} of them during the swap");
    }

    [Fact]
    public async Task Export_writes_a_project_that_publishes_offline_and_serves_the_same_predictions()
    {
        await using var kernel = await TrainedKernelAsync();
        var expected = await ExpectedAsync(kernel);
        var folder = Path.Combine(_folder, "export");
        var export = await kernel.SubmitAsync($"#!export model --out {folder} --name PenguinsService");
        Assert.True(export.Succeeded, export.Describe());
        Assert.Contains("builds offline from the folder", export.Html, StringComparison.Ordinal);
        var bytes = Directory.EnumerateFiles(folder, "*", SearchOption.AllDirectories).Sum(f => new FileInfo(f).Length);
        log.WriteLine($"exported folder: {bytes / 1e6:F1} MB, {Directory.GetFiles(Path.Combine(folder, "packages")).Length} packages");

        var dockerfile = File.ReadAllText(Path.Combine(folder, "Dockerfile"));
        Assert.Matches(@"(?m)^FROM mcr\.microsoft\.com/dotnet/sdk:10\.0 AS build$", dockerfile);
        Assert.Matches(@"(?m)^RUN dotnet publish PenguinsService\.csproj -c Release -o /app$", dockerfile);
        Assert.Matches(@"(?m)^FROM mcr\.microsoft\.com/dotnet/aspnet:10\.0$", dockerfile);
        Assert.Matches(@"(?m)^COPY --from=build /app \.$", dockerfile);
        Assert.Matches(@"(?m)^USER \$APP_UID$", dockerfile);
        Assert.Matches(@"(?m)^HEALTHCHECK .*CMD \[""dotnet"", ""PenguinsService\.dll"", ""--health""\]$", dockerfile);
        Assert.True(dockerfile.IndexOf("USER", StringComparison.Ordinal) > dockerfile.IndexOf("FROM mcr.microsoft.com/dotnet/aspnet", StringComparison.Ordinal));
        Assert.Contains("<clear />", File.ReadAllText(Path.Combine(folder, "nuget.config")), StringComparison.Ordinal);
        Assert.Contains("curl -s http://127.0.0.1:8080/predict", File.ReadAllText(Path.Combine(folder, "README.md")), StringComparison.Ordinal);
        Assert.DoesNotContain(Directory.GetFiles(Path.Combine(folder, "packages")), p => p.Contains("duckdb", StringComparison.OrdinalIgnoreCase));

        // Publish with an empty NuGet cache and only the folder's own packages as a source: offline from the folder.
        var publish = await Processes.RunAsync("dotnet", ["publish", "-c", "Release", "-o", "out"], folder,
            new Dictionary<string, string> { ["NUGET_PACKAGES"] = Path.Combine(_folder, "empty-cache"), ["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1" }, TimeSpan.FromMinutes(8));
        Assert.True(publish.ExitCode == 0, publish.All);

        var port = FreePort();
        using var app = Process.Start(new ProcessStartInfo("dotnet", [Path.Combine(folder, "out", "PenguinsService.dll")])
        {
            WorkingDirectory = Path.Combine(folder, "out"),
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            Environment = { ["ASPNETCORE_URLS"] = $"http://127.0.0.1:{port}" },
        })!;
        try
        {
            var url = $"http://127.0.0.1:{port}";
            await WaitForAsync(url + "/health");
            var penguins = Penguins();
            var all = Enumerable.Range(0, penguins.Count).ToArray();
            var (status, answer) = await PostAsync(url + "/invocations", Split(penguins, all), "application/json");
            Assert.True(status == 200, answer);
            Assert.Equal(expected, Predictions(answer));
            var health = await Processes.RunAsync("dotnet", [Path.Combine(folder, "out", "PenguinsService.dll"), "--health"], folder, new Dictionary<string, string> { ["ASPNETCORE_URLS"] = url });
            Assert.Equal(0, health.ExitCode);
        }
        finally
        {
            app.Kill();
            await app.WaitForExitAsync();
        }
    }

    private string Store => Path.Combine(_folder, "runs.db");

    /// <summary>A kernel with the extension, penguins loaded and a LightGBM model trained as 'model'.</summary>
    private async Task<StdioKernel> TrainedKernelAsync()
    {
        Assert.True(environment.PackError is null, environment.PackError);
        var kernel = await StdioKernel.StartAsync(environment);
        foreach (var code in new[]
        {
            $"#i \"nuget: {environment.Packages}\"\n#r \"nuget: Notebooks.ML.Interactive, 0.1.0\"",
            $"#!runs store {Store}",
            $"#!load {Repo.Data("penguins.csv")}",
            "#!train --data penguins --label species --no-explain --as model",
        })
        {
            var result = await kernel.SubmitAsync(code);
            Assert.True(result.Succeeded, code + ": " + result.Describe());
        }

        return kernel;
    }

    /// <summary>model.Predict on every row of penguins, in the kernel: "label|probability" per row.</summary>
    private static async Task<List<string>> ExpectedAsync(StdioKernel kernel)
    {
        var result = await kernel.SubmitAsync("""
            var scored = model.Predict(penguins);
            Console.WriteLine("EXPECTED:" + string.Join(";", Enumerable.Range(0, (int)scored.Rows.Count).Select(i => scored["PredictedLabel"][i] + "|" + ((float)scored["Probability"][i]).ToString("R", System.Globalization.CultureInfo.InvariantCulture))));
            """);
        Assert.True(result.Succeeded, result.Describe());
        return Regex.Match(result.Text, "EXPECTED:([^\n]+)").Groups[1].Value.Split(';').ToList();
    }

    private static string Prediction(JsonElement element) =>
        element.GetProperty("PredictedLabel").GetString() + "|" + element.GetProperty("Probability").GetSingle().ToString("R", CultureInfo.InvariantCulture);

    private static List<string> Predictions(string json)
    {
        var root = JsonDocument.Parse(json).RootElement;
        return root.TryGetProperty("predictions", out var list) ? list.EnumerateArray().Select(Prediction).ToList() : [Prediction(root)];
    }

    private async Task<(int Status, string Body)> PostAsync(string url, string body, string type)
    {
        using var content = new ByteArrayContent(Encoding.UTF8.GetBytes(body));
        content.Headers.ContentType = System.Net.Http.Headers.MediaTypeHeaderValue.Parse(type);
        using var response = await _client.PostAsync(new Uri(url), content);
        return ((int)response.StatusCode, await response.Content.ReadAsStringAsync());
    }

    private async Task WaitForAsync(string url)
    {
        for (var i = 0; i < 300; i++)
        {
            try
            {
                if ((await _client.GetAsync(new Uri(url))).IsSuccessStatusCode)
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
            }

            await Task.Delay(100);
        }

        Assert.Fail($"{url} did not answer within 30 s");
    }

    private static int FreePort()
    {
        using var listener = new System.Net.Sockets.TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    /// <summary>penguins.csv's input columns, typed: text, numbers, null for NA.</summary>
    private static List<JsonNode?[]> Penguins() =>
        File.ReadAllLines(Repo.Data("penguins.csv")).Skip(1).Select(line =>
        {
            var fields = line.Split(',').Select(f => f.Trim('"')).ToArray();
            return new JsonNode?[]
            {
                fields[1], Number(fields[2], false), Number(fields[3], false), Number(fields[4], true), Number(fields[5], true), fields[6] == "NA" ? null : fields[6], Number(fields[7], true),
            };
        }).ToList();

    private static JsonNode? Number(string text, bool whole) =>
        text == "NA" ? null : whole ? JsonValue.Create(long.Parse(text, CultureInfo.InvariantCulture)) : JsonValue.Create(double.Parse(text, CultureInfo.InvariantCulture));

    private static JsonObject Record(JsonNode?[] row) => new(_columns.Select((c, i) => KeyValuePair.Create(c, row[i]?.DeepClone())));

    private static string Split(List<JsonNode?[]> data, int[] rows) => new JsonObject
    {
        ["dataframe_split"] = new JsonObject
        {
            ["columns"] = new JsonArray(_columns.Select(c => (JsonNode?)c).ToArray()),
            ["data"] = new JsonArray(rows.Select(r => (JsonNode?)new JsonArray(data[r].Select(v => v?.DeepClone()).ToArray())).ToArray()),
        },
    }.ToJsonString();

    private static IEnumerable<(string Path, string Body, string Type, int[] Rows)> Formats(List<JsonNode?[]> data, int[] rows)
    {
        yield return ("/invocations", Split(data, rows), "application/json", rows);
        foreach (var key in new[] { "dataframe_records", "instances", "inputs" })
        {
            yield return ("/invocations", new JsonObject { [key] = new JsonArray(rows.Select(r => (JsonNode?)Record(data[r])).ToArray()) }.ToJsonString(), "application/json", rows);
        }

        yield return ("/invocations", new JsonObject
        {
            ["inputs"] = new JsonObject(_columns.Select((c, i) => KeyValuePair.Create(c, (JsonNode?)new JsonArray(rows.Select(r => data[r][i]?.DeepClone()).ToArray())))),
        }.ToJsonString(), "application/json", rows);
        var csv = new StringBuilder(string.Join(",", _columns)).Append('\n');
        foreach (var r in rows)
        {
            csv.Append(string.Join(",", data[r].Select(v => v is null ? "" : v.GetValueKind() == JsonValueKind.String ? v.GetValue<string>() : v.ToJsonString()))).Append('\n');
        }

        yield return ("/invocations", csv.ToString(), "text/csv", rows);
        foreach (var r in rows)
        {
            yield return ("/predict", Record(data[r]).ToJsonString(), "application/json", [r]);
        }
    }

    private static IEnumerable<(string Body, string Type, int Status, string Code, string Message)> Mistakes(List<JsonNode?[]> data)
    {
        string Row(Action<JsonObject> change)
        {
            var row = Record(data[0]);
            change(row);
            return row.ToJsonString();
        }

        yield return (Row(r => { r["bill_lenght_mm"] = 1; r.Remove("bill_length_mm"); }), "predict", 400, "BAD_REQUEST", "Unknown column 'bill_lenght_mm'; missing column 'bill_length_mm'.");
        yield return ($"{{\"dataframe_records\": [{Row(r => r.Remove("year"))}]}}", "application/json", 400, "BAD_REQUEST", "Row 1: missing column 'year'.");
        yield return ($"{{\"dataframe_records\": [{Row(_ => { })}, {Row(r => r["bill_length_mm"] = "abc")}]}}", "application/json", 400, "BAD_REQUEST", "Row 2, column 'bill_length_mm': expected a number (double), but got the text 'abc'.");
        yield return (Row(r => r["year"] = null), "predict", 400, "BAD_REQUEST", "Row 1, column 'year': the value is missing, but the model saw no missing values in 'year' when it was trained, so it cannot impute one.");
        yield return ("{\"island\": ", "predict", 400, "BAD_REQUEST", "The request body is not valid JSON (line 1, byte 12).");
        yield return ("{\"dataframe_records\": []}", "application/json", 400, "BAD_REQUEST", "The request holds no rows: send at least one.");
        yield return ($"{{\"dataframe_records\": [{string.Join(",", Enumerable.Repeat(Row(_ => { }), 100_001))}]}}", "application/json", 400, "BAD_REQUEST", "The request holds 100,001 rows; the limit is 100,000 per request.");
        yield return ("{\"rows\": []}", "application/json", 400, "BAD_REQUEST", "The JSON body needs exactly one of the keys dataframe_split, dataframe_records, instances or inputs");
        yield return ("island=Dream", "text/plain", 415, "UNSUPPORTED_MEDIA_TYPE", "The content type 'text/plain' is not supported");
        yield return ("{\"inputs\": [\"" + new string('x', 17 * 1024 * 1024) + "\"]}", "application/json", 413, "PAYLOAD_TOO_LARGE", "The request body is larger than the limit of 16 MB.");
    }

    [GeneratedRegex(@"at <a href=""[^""]*"" data-nbml-volatile>(http://[^<]+)</a>")]
    private static partial Regex UrlOnCard();

    [GeneratedRegex(@"<pre data-nbml-curl[^>]*>([^<]+)</pre>")]
    private static partial Regex CurlOnCard();
}
