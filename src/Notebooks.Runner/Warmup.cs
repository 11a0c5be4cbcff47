using Microsoft.CodeAnalysis.CSharp.Scripting;
using Microsoft.CodeAnalysis.Scripting;
using Microsoft.Data.Analysis;
using Notebooks.ML.Charts;
using Plotly.NET;

namespace Notebooks.Runner;

/// <summary>
/// Much of a short notebook's run is the just-in-time compilation of Roslyn (the first C# cells) and Plotly.NET (the
/// first chart), paid one after another as the cells reach them. Compiled methods are shared by the whole process, so
/// compiling them on another core while the kernel starts and the first cells run takes that wait off the cells
/// (penguins.ipynb: 4.7 s → 3.5 s). The warm-up touches nothing a notebook sees (no kernel, no files, no seeds) and
/// its failures are ignored: at worst the cells pay for their own compilation, as without it.
/// </summary>
internal static class Warmup
{
    private static readonly Lazy<Task> _started = new(() => Environment.ProcessorCount < 2 ? Task.CompletedTask : Task.Run(Run));

    /// <summary>Starts the warm-up once per process (the second run of --verify finds everything compiled).</summary>
    public static void Start() => _ = _started.Value;

    // Not ML.NET: a small training here slowed the sample's training cell (measured); its time is work, not compilation.
    private static async Task Run()
    {
        try
        {
            // What #!plot does: build a chart and write the HTML the notebook formatter shows.
            var frame = new DataFrame(
                new DoubleDataFrameColumn("x", [1.0, 2.0, 3.0]),
                new DoubleDataFrameColumn("y", [2.0, 1.0, 3.0]),
                new StringDataFrameColumn("group", ["a", "b", "a"]));
            _ = GenericChart.toChartHTML(Plot.Create(frame, new ChartOptions { Kind = "scatter", X = "x", Y = "y", Color = "group" }));

            // What a C# cell does first: compile a submission and continue the script state with another.
            var state = await CSharpScript.RunAsync("var warm = 1;", ScriptOptions.Default).ConfigureAwait(false);
            await state.ContinueWithAsync("warm + 1").ConfigureAwait(false);
        }
#pragma warning disable CA1031 // A failed warm-up only means the cells compile their own code, as without it.
        catch (Exception)
#pragma warning restore CA1031
        {
        }
    }
}
