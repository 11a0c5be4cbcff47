using System.Globalization;

namespace Notebooks.Runner;

/// <summary>Where the runner tells what it is doing.</summary>
internal interface IProgressReporter
{
    void CellStarted(int index, int count, string firstLine);

    void CellFinished(int index, int count, CellResult result);
}

/// <summary>
/// Progress on the terminal: one line per cell with its time and outcome. On an interactive terminal the line is
/// rewritten in place while the cell runs; redirected output gets plain lines only.
/// </summary>
internal sealed class ConsoleProgressReporter(TextWriter output, bool interactive) : IProgressReporter
{
    public void CellStarted(int index, int count, string firstLine)
    {
        if (interactive)
        {
            output.Write(string.Create(CultureInfo.InvariantCulture, $"\r  cell {index,2} of {count}  …  {firstLine}"));
        }
    }

    public void CellFinished(int index, int count, CellResult result)
    {
        var mark = result.Succeeded ? "ok" : "FAILED";
        var line = string.Create(CultureInfo.InvariantCulture, $"  cell {index,2} of {count}  {mark,-6} {result.Duration.TotalSeconds,6:0.00} s");
        if (interactive)
        {
            output.Write("\r\u001b[2K");
        }

        output.WriteLine(line);
        if (result.Error is not null)
        {
            foreach (var errorLine in result.Error.Split('\n').Take(12))
            {
                output.WriteLine("      " + errorLine.TrimEnd());
            }
        }
    }
}
