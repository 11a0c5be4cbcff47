using System.Diagnostics;
using System.Text.RegularExpressions;

namespace Notebooks.ML.Tests.Tracking;

/// <summary>
/// The child process of the reliability tests (tests/Notebooks.RunStore.Crasher): it records runs into a store and
/// prints <c>saved ID KEY</c> after each commit. A test reads those lines, and may kill it with SIGKILL at any point.
/// </summary>
internal sealed partial class Crasher : IDisposable
{
    private readonly Process _process;
    private readonly List<string> _saved = [];
    private readonly System.Text.StringBuilder _errors = new();
    private readonly SemaphoreSlim _lines = new(0);

    private Crasher(Process process) => _process = process;

    /// <summary>Keys of the runs the child reported as saved.</summary>
    public IReadOnlyList<string> Saved
    {
        get
        {
            lock (_saved)
            {
                return [.. _saved];
            }
        }
    }

    public string Errors
    {
        get
        {
            lock (_errors)
            {
                return _errors.ToString();
            }
        }
    }

    public static Crasher Start(string store, int count, string tag, string modelsFolder)
    {
        var program = Path.Combine(AppContext.BaseDirectory, "Notebooks.RunStore.Crasher.dll");
        Assert.True(File.Exists(program), $"The crasher was not built beside the tests: {program}");
        var info = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var argument in new[] { program, store, count.ToString(System.Globalization.CultureInfo.InvariantCulture), tag })
        {
            info.ArgumentList.Add(argument);
        }

        info.Environment[Notebooks.ML.Tracking.RunStore.ModelsVariable] = modelsFolder;
        var crasher = new Crasher(Process.Start(info)!);
        crasher._process.OutputDataReceived += (_, e) =>
        {
            if (e.Data is not null && SavedLine().Match(e.Data) is { Success: true } match)
            {
                lock (crasher._saved)
                {
                    crasher._saved.Add(match.Groups[2].Value);
                }

                crasher._lines.Release();
            }
        };
        crasher._process.ErrorDataReceived += (_, e) =>
        {
            lock (crasher._errors)
            {
                crasher._errors.AppendLine(e.Data);
            }
        };
        crasher._process.BeginOutputReadLine();
        crasher._process.BeginErrorReadLine();
        return crasher;
    }

    /// <summary>Waits until the child has reported <paramref name="count"/> saved runs.</summary>
    public async Task WaitForSavedAsync(int count, TimeSpan timeout)
    {
        using var cts = new CancellationTokenSource(timeout);
        while (Saved.Count < count)
        {
            if (_process.HasExited && Saved.Count < count)
            {
                await _process.WaitForExitAsync();
                Assert.Fail($"The crasher exited ({_process.ExitCode}) after {Saved.Count} runs: {Errors}");
            }

            try
            {
                await _lines.WaitAsync(TimeSpan.FromMilliseconds(200), cts.Token);
            }
            catch (OperationCanceledException)
            {
                Assert.Fail($"The crasher reported {Saved.Count} of {count} runs within {timeout}: {Errors}");
            }
        }
    }

    /// <summary>SIGKILL: no handler, no flush, no finally block runs in the child.</summary>
    public void Kill()
    {
        _process.Kill();
        _process.WaitForExit();
    }

    public async Task<int> WaitForExitAsync(TimeSpan timeout)
    {
        using var cts = new CancellationTokenSource(timeout);
        await _process.WaitForExitAsync(cts.Token);
        _process.WaitForExit();
        return _process.ExitCode;
    }

    public void Dispose()
    {
        if (!_process.HasExited)
        {
            _process.Kill();
        }

        _process.Dispose();
        _lines.Dispose();
    }

    [GeneratedRegex(@"^saved (\d+) ([0-9a-f]{32})$")]
    private static partial Regex SavedLine();
}
