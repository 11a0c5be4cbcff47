using System.Diagnostics;

namespace Notebooks.Tests;

/// <summary>What headless Chromium made of a page: the DOM after scripts ran, and a screenshot.</summary>
internal sealed record ChromiumPage(string Dom, string ScreenshotPath, string Log);

/// <summary>
/// Debian's Chromium, headless and offline, for tests that must see what a browser draws: it opens a local HTML
/// file with the network cut off (a dead proxy and a resolver that resolves nothing), lets the page's scripts run
/// for a virtual time budget, and returns the DOM and a screenshot. A missing Chromium fails the test with the
/// command that installs it (CI installs it in .ci/run).
/// </summary>
internal static class Chromium
{
    public const string InstallHint = "install chromium (apt-get install chromium)";

    private static readonly string[] _candidates = ["/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome"];

    /// <summary>The browser to run: $CHROMIUM, else the first of the usual paths that exists; null when none does.</summary>
    public static string? Find() =>
        Environment.GetEnvironmentVariable("CHROMIUM") is { Length: > 0 } configured && File.Exists(configured)
            ? configured
            : _candidates.FirstOrDefault(File.Exists);

    /// <summary>
    /// Opens <paramref name="htmlPath"/>, waits <paramref name="budgetMilliseconds"/> of virtual time, and returns the
    /// DOM and a <paramref name="width"/>×<paramref name="height"/> screenshot saved at <paramref name="screenshotPath"/>.
    /// </summary>
    public static ChromiumPage Render(string htmlPath, string screenshotPath, int width = 1000, int height = 650, int budgetMilliseconds = 10_000)
    {
        var browser = Find();
        if (browser is null)
        {
            var ci = string.Equals(Environment.GetEnvironmentVariable("CI"), "true", StringComparison.OrdinalIgnoreCase) ? " (CI=true: .ci/run must install it)" : "";
            Assert.Fail($"This test draws charts in a real browser, but no Chromium was found at {string.Join(", ", _candidates)}: {InstallHint}{ci}.");
        }

        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(screenshotPath))!);
        File.Delete(screenshotPath);
        var url = new Uri(Path.GetFullPath(htmlPath)).AbsoluteUri;
        // One run does both: the screenshot is taken and the DOM printed once the virtual time budget has run out.
        var (dom, log) = Run(browser!, ["--dump-dom", $"--screenshot={Path.GetFullPath(screenshotPath)}", url], budgetMilliseconds, width, height);
        if (!File.Exists(screenshotPath) || dom.Length == 0)
        {
            Assert.Fail($"Chromium wrote no {(dom.Length == 0 ? "DOM" : "screenshot")} for {url}. Its log:\n{log}");
        }

        return new ChromiumPage(dom, screenshotPath, log);
    }

    private static (string Output, string Log) Run(string browser, IEnumerable<string> command, int budgetMilliseconds, int width, int height)
    {
        var profile = Directory.CreateTempSubdirectory("chromium-profile-");
        try
        {
            var start = new ProcessStartInfo(browser)
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                UseShellExecute = false,
            };
            string[] flags =
            [
                // WebGL (Plotly's scattergl, splom) without a GPU: software rendering, which Chromium wants asked for.
                "--headless", "--no-sandbox", "--disable-gpu", "--enable-unsafe-swiftshader", "--disable-dev-shm-usage",
                "--disable-background-networking", "--disable-component-update", "--disable-sync", "--disable-extensions",
                "--disable-default-apps", "--no-first-run", "--no-default-browser-check", "--mute-audio", "--hide-scrollbars",
                $"--user-data-dir={profile.FullName}",
                "--proxy-server=127.0.0.1:9", "--proxy-bypass-list=<-loopback>", "--host-resolver-rules=MAP * ~NOTFOUND",
                $"--window-size={width},{height}", $"--virtual-time-budget={budgetMilliseconds}",
                "--run-all-compositor-stages-before-draw",
            ];
            foreach (var argument in flags.Concat(command))
            {
                start.ArgumentList.Add(argument);
            }

            using var process = Process.Start(start)!;
            var output = process.StandardOutput.ReadToEndAsync();
            var log = process.StandardError.ReadToEndAsync();
            if (!process.WaitForExit(TimeSpan.FromSeconds(90)))
            {
                process.Kill(entireProcessTree: true);
                Assert.Fail($"Chromium did not finish within 90 s: {browser} {string.Join(' ', start.ArgumentList)}");
            }

            return (output.Result, log.Result);
        }
        finally
        {
            try
            {
                profile.Delete(recursive: true);
            }
            catch (IOException)
            {
                // A helper process may still hold a file for a moment; the temp folder is cleaned up eventually.
            }
        }
    }
}
