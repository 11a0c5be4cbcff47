using System.Diagnostics;
using System.Text.Json;
using System.Text.Json.Nodes;
using Notebooks.Tests;
using Xunit.Abstractions;

namespace Notebooks.EndToEnd.Tests;

/// <summary>The real kernel over its stdio protocol: JSON commands in, JSON events out (what VS Code speaks).</summary>
[Collection("real kernel")]
public sealed class StdioTests(KernelEnvironment environment, ITestOutputHelper log)
{
    [Fact]
    public async Task Magics_load_and_train_over_the_stdio_protocol_and_bad_input_leaves_the_kernel_usable()
    {
        Assert.True(environment.PackError is null, environment.PackError);
        await using var kernel = await StdioKernel.StartAsync(environment);

        var reference = await kernel.SubmitAsync($"#i \"nuget: {environment.Packages}\"\n#r \"nuget: Notebooks.ML.Interactive, 0.1.0\"");
        Assert.True(reference.Succeeded, reference.Describe());
        Assert.Contains("is loaded. Magic commands", reference.Html, StringComparison.Ordinal);
        log.WriteLine($"#r to magics ready (cold NuGet cache): {reference.Elapsed.TotalSeconds:F1} s");

        var load = await kernel.SubmitAsync($"#!load {Repo.Data("iris.csv")}");
        Assert.True(load.Succeeded, load.Describe());
        Assert.Contains("150 rows × 5 columns", load.Html, StringComparison.Ordinal);

        var profile = await kernel.SubmitAsync("#!profile iris");
        Assert.True(profile.Succeeded, profile.Describe());
        Assert.Contains("<div class=\"nbml-charts\"", profile.Html, StringComparison.Ordinal);
        Assert.Contains("Correlation of numeric columns", profile.Html, StringComparison.Ordinal);

        var train = await kernel.SubmitAsync("#!train --data iris --label Species --seed 1");
        Assert.True(train.Succeeded, train.Describe());
        Assert.Contains("MicroAccuracy", train.Html, StringComparison.Ordinal);
        Assert.Contains("Confusion matrix", train.Html, StringComparison.Ordinal);

        var bad = await kernel.SubmitAsync("#!train --data iris --label Specis");
        Assert.False(bad.Succeeded);
        Assert.Contains("Could not find the label column 'Specis'", bad.Failure, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", bad.Failure, StringComparison.Ordinal);

        var metric = await kernel.SubmitAsync("model.Metrics[\"MicroAccuracy\"] > 0.9");
        Assert.True(metric.Succeeded, metric.Describe());
        Assert.Contains("True", metric.Text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Loading_the_extension_into_a_warm_kernel_is_quick()
    {
        Assert.True(environment.PackError is null, environment.PackError);
        await using var kernel = await StdioKernel.StartAsync(environment);
        // Warm the NuGet cache and the kernel with the extension's dependencies, then time a fresh #r of the extension.
        var warm = await kernel.SubmitAsync("#r \"nuget: Microsoft.ML, 5.0.1\"\n#r \"nuget: Plotly.NET, 6.0.0\"\n#r \"nuget: Microsoft.Data.Analysis, 0.23.1\"");
        Assert.True(warm.Succeeded, warm.Describe());
        var reference = await kernel.SubmitAsync($"#i \"nuget: {environment.Packages}\"\n#r \"nuget: Notebooks.ML.Interactive, 0.1.0\"");
        Assert.True(reference.Succeeded, reference.Describe());
        log.WriteLine($"#r to magics ready (warm kernel): {reference.Elapsed.TotalSeconds:F1} s");
        var help = await kernel.SubmitAsync("#!train -h");
        Assert.True(help.Succeeded, help.Describe());
        Assert.Contains("--test-fraction", help.Html, StringComparison.Ordinal);
    }
}

/// <summary>A dotnet-interactive process in stdio mode.</summary>
internal sealed class StdioKernel : IAsyncDisposable
{
    private readonly Process _process;
    private int _next;

    private StdioKernel(Process process) => _process = process;

    public static Task<StdioKernel> StartAsync(KernelEnvironment environment)
    {
        var info = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = Repo.Root,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in new[] { "tool", "run", "dotnet-interactive", "--", "stdio", "--default-kernel", "csharp" })
        {
            info.ArgumentList.Add(argument);
        }

        foreach (var (key, value) in environment.Variables)
        {
            info.Environment[key] = value;
        }

        var process = Process.Start(info)!;
        process.ErrorDataReceived += (_, _) => { };
        process.BeginErrorReadLine();
        return Task.FromResult(new StdioKernel(process));
    }

    public async Task<StdioResult> SubmitAsync(string code)
    {
        var token = $"test-{++_next}";
        var envelope = new JsonObject
        {
            ["commandType"] = "SubmitCode",
            ["command"] = new JsonObject { ["code"] = code, ["targetKernelName"] = "csharp" },
            ["token"] = token,
        };
        await _process.StandardInput.WriteLineAsync(envelope.ToJsonString());
        await _process.StandardInput.FlushAsync();

        var stopwatch = Stopwatch.StartNew();
        var events = new List<JsonElement>();
        using var cts = new CancellationTokenSource(TimeSpan.FromMinutes(8));
        while (true)
        {
            var line = await _process.StandardOutput.ReadLineAsync(cts.Token)
                       ?? throw new InvalidOperationException("The kernel exited. Events so far: " + string.Join("\n", events));
            if (!line.StartsWith('{'))
            {
                continue;
            }

            var message = JsonDocument.Parse(line).RootElement;
            if (!message.TryGetProperty("eventType", out var type))
            {
                continue;
            }

            events.Add(message);
            var commandToken = message.TryGetProperty("command", out var command) && command.ValueKind == JsonValueKind.Object && command.TryGetProperty("token", out var t) ? t.GetString() : null;
            if (commandToken == token && type.GetString() is "CommandSucceeded" or "CommandFailed")
            {
                return new StdioResult(events, stopwatch.Elapsed);
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            _process.StandardInput.Close();
            if (!_process.WaitForExit(5000))
            {
                _process.Kill(entireProcessTree: true);
            }
        }
        catch (InvalidOperationException)
        {
            // Already gone.
        }

        _process.Dispose();
        await Task.CompletedTask;
    }
}

/// <summary>The events of one submission.</summary>
internal sealed record StdioResult(IReadOnlyList<JsonElement> Events, TimeSpan Elapsed)
{
    private IEnumerable<(string Mime, string Value)> Values =>
        Events.Where(e => e.GetProperty("event").TryGetProperty("formattedValues", out _))
            .SelectMany(e => e.GetProperty("event").GetProperty("formattedValues").EnumerateArray())
            .Select(v => (v.GetProperty("mimeType").GetString()!, v.GetProperty("value").GetString()!));

    public bool Succeeded => Events[^1].GetProperty("eventType").GetString() == "CommandSucceeded";

    public string Failure => Events.Where(e => e.GetProperty("eventType").GetString() == "CommandFailed")
        .Select(e => e.GetProperty("event").GetProperty("message").GetString()).FirstOrDefault() ?? "";

    public string Html => string.Join("\n", Values.Where(v => v.Mime == "text/html").Select(v => v.Value));

    public string Text => string.Join("\n", Values.Select(v => v.Value));

    public string Describe() => $"failure: {Failure}\nevents: {string.Join("\n", Events.Select(e => e.GetProperty("eventType").GetString()))}";
}
