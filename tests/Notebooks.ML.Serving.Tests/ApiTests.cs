using System.Text.Json;
using Microsoft.OpenApi;
using Microsoft.OpenApi.Readers;
using Notebooks.ML.Tracking;

namespace Notebooks.ML.Serving.Tests;

/// <summary>The endpoints around predictions: health, version, OpenAPI, metrics, the API key, where the server listens, and swaps.</summary>
public sealed class ApiTests
{
    [Fact]
    public async Task Ping_health_and_version_describe_the_served_model()
    {
        var model = Models.PenguinsLightGbm;
        await using var served = await Served.StartAsync(model, o => o.ModelName = "model");
        Assert.Equal((200, ""), await served.GetAsync("/ping"));
        var (status, health) = await served.GetAsync("/health");
        Assert.Equal(200, status);
        Assert.Equal("{\"status\":\"ok\",\"name\":\"penguins\",\"version\":1}", health);

        var version = JsonDocument.Parse((await served.GetAsync("/version")).Body).RootElement;
        Assert.Equal("penguins", version.GetProperty("name").GetString());
        Assert.Equal("model", version.GetProperty("model").GetString());
        Assert.Equal(1, version.GetProperty("version").GetInt32());
        Assert.Equal("lightgbm", version.GetProperty("trainer").GetString());
        Assert.Equal(model.Info.DataFingerprint, version.GetProperty("data_fingerprint").GetString());
        Assert.Equal("multiclass", version.GetProperty("task").GetString());
        Assert.True(version.GetProperty("packages").TryGetProperty("Microsoft.ML", out _));
        Assert.Equal(model.Metrics["MicroAccuracy"], version.GetProperty("metrics").GetProperty("MicroAccuracy").GetDouble());
    }

    [Fact]
    public async Task The_OpenAPI_document_parses_as_OpenAPI_3_with_the_input_schema_null_policy_and_outputs()
    {
        var model = Models.PenguinsLightGbm;
        await using var served = await Served.StartAsync(model, o => o.ApiKey = "k3y");
        var (status, json) = await served.GetAsync("/openapi/v1.json", "k3y");
        Assert.Equal(200, status);

        var document = new OpenApiStringReader().Read(json, out var diagnostic);
        Assert.Empty(diagnostic.Errors);
        Assert.Equal(OpenApiSpecVersion.OpenApi3_0, diagnostic.SpecificationVersion);
        Assert.Equal(["/health", "/invocations", "/metrics", "/openapi/v1.json", "/ping", "/predict", "/version"], document.Paths.Keys.Order(StringComparer.Ordinal));
        var row = document.Components.Schemas["Row"];
        Assert.Equal(model.Inputs.Select(i => i.Name), row.Properties.Keys);
        Assert.Equal(model.Inputs.Select(i => i.Name).Order(StringComparer.Ordinal), row.Required.Order(StringComparer.Ordinal));
        Assert.False(row.AdditionalPropertiesAllowed);
        Assert.Equal(("number", "double", true), (row.Properties["bill_length_mm"].Type, row.Properties["bill_length_mm"].Format, row.Properties["bill_length_mm"].Nullable));
        Assert.Equal(("integer", "int32", false), (row.Properties["year"].Type, row.Properties["year"].Format, row.Properties["year"].Nullable));
        Assert.Equal(("string", false), (row.Properties["island"].Type, row.Properties["island"].Nullable));
        Assert.Contains("refuses null with 400", document.Info.Description, StringComparison.Ordinal);
        Assert.Contains("\"island\": \"Torgersen\"", json, StringComparison.Ordinal);
        var prediction = document.Components.Schemas["Prediction"];
        Assert.Equal(["PredictedLabel", "Probability"], prediction.Properties.Keys);
        Assert.Equal(model.Classes, prediction.Properties["PredictedLabel"].Enum.Select(e => ((Microsoft.OpenApi.Any.OpenApiString)e).Value));
        Assert.Contains("401", document.Paths["/predict"].Operations[Microsoft.OpenApi.Models.OperationType.Post].Responses.Keys);
        Assert.Equal(2, document.Components.SecuritySchemes.Count);
    }

    [Fact]
    public async Task The_API_key_guards_every_endpoint_but_ping_and_health()
    {
        await using var served = await Served.StartAsync(Models.PenguinsLightGbm, o => o.ApiKey = "k3y");
        var body = Bodies.Record(Models.PenguinsLightGbm, Models.Penguins, 0).ToJsonString();
        var (status, answer) = await served.PostAsync("/predict", body);
        Assert.Equal(401, status);
        Assert.Equal("{\"error_code\":\"UNAUTHORIZED\",\"message\":\"This server needs an API key: send it as \\u0027Authorization: Bearer KEY\\u0027 or \\u0027X-API-Key: KEY\\u0027.\"}", answer);
        Assert.Equal(401, (await served.PostAsync("/predict", body, key: "wrong")).Status);
        Assert.Contains("The API key is not valid.", (await served.PostAsync("/invocations", body, key: "wrong")).Body, StringComparison.Ordinal);
        foreach (var path in new[] { "/version", "/metrics", "/openapi/v1.json" })
        {
            Assert.Equal(401, (await served.GetAsync(path)).Status);
            Assert.Equal(200, (await served.GetAsync(path, "k3y")).Status);
        }

        Assert.Equal(200, (await served.GetAsync("/ping")).Status);
        Assert.Equal(200, (await served.GetAsync("/health")).Status);
        Assert.Equal(200, (await served.PostAsync("/predict", body, key: "k3y")).Status);

        // The key may come from the environment too; an empty --api-key turns it off.
        Assert.Null(new ServeOptions { ApiKey = "" }.EffectiveApiKey);
        Assert.Equal("k3y", new ServeOptions { ApiKey = "k3y" }.EffectiveApiKey);
    }

    [Fact]
    public async Task Metrics_are_Prometheus_text_with_requests_errors_rows_and_a_latency_histogram()
    {
        await using var served = await Served.StartAsync(Models.PenguinsLightGbm);
        var body = Bodies.Split(Models.PenguinsLightGbm, Models.Penguins, [0, 1, 2]);
        Assert.Equal(200, (await served.PostAsync("/invocations", body)).Status);
        Assert.Equal(400, (await served.PostAsync("/invocations", "{}")).Status);
        var (status, metrics) = await served.GetAsync("/metrics");
        Assert.Equal(200, status);
        Assert.Contains("nbml_requests_total{endpoint=\"invocations\",status=\"200\"} 1", metrics, StringComparison.Ordinal);
        Assert.Contains("nbml_requests_total{endpoint=\"invocations\",status=\"400\"} 1", metrics, StringComparison.Ordinal);
        Assert.Contains("nbml_errors_total{code=\"BAD_REQUEST\"} 1", metrics, StringComparison.Ordinal);
        Assert.Contains("nbml_rows_total 3", metrics, StringComparison.Ordinal);
        Assert.Contains("nbml_request_duration_seconds_count 2", metrics, StringComparison.Ordinal);
        Assert.Contains("nbml_model_info{name=\"penguins\",version=\"1\",trainer=\"lightgbm\"} 1", metrics, StringComparison.Ordinal);
        Assert.Equal(2, served.Server.Host.Stats.Requests);
        Assert.Equal(1, served.Server.Host.Stats.Errors);
        Assert.True(served.Server.Host.Stats.P99 >= served.Server.Host.Stats.P50);
    }

    [Fact]
    public async Task It_listens_on_loopback_by_default_and_says_when_it_listens_beyond_the_machine()
    {
        await using (var local = await Served.StartAsync(Models.PenguinsLightGbm))
        {
            Assert.StartsWith("http://127.0.0.1:", local.Server.Url, StringComparison.Ordinal);
            Assert.False(local.Server.Exposed);
            Assert.NotEqual(0, local.Server.Port);

            // The same port again is taken: a message, not a crash.
            var taken = await Assert.ThrowsAsync<NotebookException>(() => ModelServer.StartAsync(Models.PenguinsLightGbm, new ServeOptions { Port = local.Server.Port, Log = false }));
            Assert.StartsWith($"Could not listen on 127.0.0.1 port {local.Server.Port}: it is taken or not allowed", taken.Message, StringComparison.Ordinal);
        }

        await using (var everywhere = await Served.StartAsync(Models.PenguinsLightGbm, o => o.Host = "0.0.0.0"))
        {
            Assert.True(everywhere.Server.Exposed);
            Assert.Equal(200, (await everywhere.GetAsync("/ping")).Status);
        }

        var bad = await Assert.ThrowsAsync<NotebookException>(() => ModelServer.StartAsync(Models.PenguinsLightGbm, new ServeOptions { Host = "example.com", Log = false }));
        Assert.StartsWith("The host 'example.com' is not an IP address.", bad.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_swap_under_load_fails_no_request_and_every_answered_row_is_logged_with_its_version()
    {
        var first = Models.PenguinsLightGbm;
        var second = Models.PenguinsSdca;
        await using var served = await Served.StartAsync(first);
        var body = Bodies.Split(first, Models.Penguins, [0, 3, 100]);
        using var stop = new CancellationTokenSource();
        long answered = 0, failed = 0;
        var clients = Enumerable.Range(0, 4).Select(_ => Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
            {
                var (status, _) = await served.PostAsync("/invocations", body);
                Interlocked.Increment(ref status == 200 ? ref answered : ref failed);
            }
        })).ToArray();

        for (var swap = 0; swap < 6; swap++)
        {
            await Task.Delay(150);
            served.Server.Swap(swap % 2 == 0 ? second : first, swap % 2 == 0 ? "sdca" : "lightgbm");
        }

        await Task.Delay(150);
        await stop.CancelAsync();
        await Task.WhenAll(clients);
        Assert.Equal(0, failed);
        Assert.True(answered > 20, $"only {answered} requests were answered");

        // Back on the first model: its version again, and its predictions.
        Assert.Equal(1, served.Server.Host.Version);
        var expected = first.Predict(Models.Penguins);
        PredictionTests.AssertSame(expected, [0, 3, 100], Bodies.Predictions((await served.PostAsync("/invocations", body)).Body), first);
        answered++;

        await served.Server.StopAsync();
        using var store = RunStore.Open(served.Store);
        var traffic = store.ReadTraffic("penguins");
        Assert.Equal(answered, traffic.Requests.Count);
        Assert.Equal(answered * 3, traffic.Inputs.Rows.Count);
        Assert.Equal([1, 2], traffic.Versions.Select(v => v.Version));
        Assert.Contains(traffic.Requests, r => r.ModelVersion == 2);
    }
}
