using System.Diagnostics;
using System.Globalization;

namespace Notebooks.Runner;

/// <summary>Where the runner tells what it is doing.</summary>
internal interface IProgressReporter
{
    /// <summary>A cell starts: <paramref name="label"/> is <c>cell 16 of 20</c> (see <see cref="CellNames"/>).</summary>
    void CellStarted(string label, string firstLine);

    /// <summary>A cell has finished, well or not.</summary>
    void CellFinished(string label, string firstLine, CellResult result);
}

/// <summary>
/// Progress on the terminal: one line per cell with its number (as the editor shows it), outcome, time and first
/// line. On an interactive terminal the running cell's line is rewritten in place every half second with the elapsed
/// time; redirected output (CI logs, pipes) gets plain lines only.
/// </summary>
internal sealed class ConsoleProgressReporter : IProgressReporter, IDisposable
{
    private readonly TextWriter _output;
    private readonly bool _interactive;
    private readonly Timer? _timer;
    private readonly Lock _lock = new();
    private readonly Stopwatch _cell = new();
    private string? _running;

    public ConsoleProgressReporter(TextWriter output, bool interactive)
    {
        _output = output;
        _interactive = interactive;
        _timer = interactive ? new Timer(_ => Redraw(), null, TimeSpan.FromMilliseconds(500), TimeSpan.FromMilliseconds(500)) : null;
    }

    public void CellStarted(string label, string firstLine)
    {
        lock (_lock)
        {
            _running = string.Create(CultureInfo.InvariantCulture, $"  {label}  running {{0,6:0.0}} s  {firstLine.Replace("{", "{{", StringComparison.Ordinal).Replace("}", "}}", StringComparison.Ordinal)}");
            _cell.Restart();
        }

        Redraw();
    }

    private void Redraw()
    {
        if (!_interactive)
        {
            return;
        }

        lock (_lock)
        {
            if (_running is not null)
            {
                _output.Write("\r\u001b[2K" + string.Format(CultureInfo.InvariantCulture, _running, _cell.Elapsed.TotalSeconds));
                _output.Flush();
            }
        }
    }

    public void CellFinished(string label, string firstLine, CellResult result)
    {
        lock (_lock)
        {
            _running = null;
            var mark = result.Succeeded ? "ok" : "FAILED";
            if (_interactive)
            {
                _output.Write("\r\u001b[2K");
            }

            _output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  {label}  {mark,-7} {result.Duration.TotalSeconds,6:0.00} s  {firstLine}"));
            foreach (var line in (result.Error ?? "").Split('\n', StringSplitOptions.RemoveEmptyEntries).Take(12))
            {
                _output.WriteLine("      " + line.TrimEnd());
            }
        }
    }

    public void Dispose() => _timer?.Dispose();
}
