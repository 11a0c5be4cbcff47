using System.Runtime.CompilerServices;
using Microsoft.AspNetCore.Html;
using Microsoft.DotNet.Interactive;
using Microsoft.DotNet.Interactive.CSharp;
using Microsoft.DotNet.Interactive.Formatting;
using Notebooks.ML.Data;
using Notebooks.ML.Display;
using Notebooks.ML.Interactive.Magics;
using Notebooks.ML.Training;

namespace Notebooks.ML.Interactive;

/// <summary>
/// Loads the Notebooks.ML magics into a kernel. <c>extension.dib</c> calls <see cref="Load"/> when a notebook runs
/// <c>#r "nuget: Notebooks.ML.Interactive"</c>; the runner and tests call it directly.
/// </summary>
public static class NotebooksMLExtension
{
    private static readonly ConditionalWeakTable<Kernel, object> _loaded = [];

    /// <summary>The magics this extension adds, with a one-line description each.</summary>
    public static IReadOnlyList<(string Name, string Usage)> Magics { get; } =
    [
        ("#!load", LoadMagic.Usage),
        ("#!profile", ProfileMagic.Usage),
        ("#!plot", PlotMagic.Usage),
        ("#!train", TrainMagic.Usage),
        ("#!evaluate", EvaluateMagic.Usage),
        ("#!predict", PredictMagic.Usage),
        ("#!seed", SeedMagic.Usage),
        ("#!runs", RunsMagic.Usage),
        ("#!threads", ThreadsMagic.Usage),
        ("#!cluster", ClusterMagic.Usage),
        ("#!serve", ServeMagic.Usage),
        ("#!export", ExportMagic.Usage),
        ("#!drift", DriftMagic.Usage),
        ("#!monitor", MonitorMagic.Usage),
    ];

    /// <summary>Adds the magics and formatters to <paramref name="kernel"/> (once) and shows a card listing them.</summary>
    public static void Load(Kernel kernel)
    {
        ArgumentNullException.ThrowIfNull(kernel);
        // First, before anything touches a Plotly type.
        FSharpCoreRedirect.Install();
        var root = kernel.RootKernel;
        if (_loaded.TryGetValue(root, out _))
        {
            return;
        }

        _loaded.Add(root, new object());
        ReferenceEngineAssemblies(root);
        RegisterChartFormatter(root);
        RegisterFormatters();
        LoadMagic.Register(root);
        ProfileMagic.Register(root);
        PlotMagic.Register(root);
        TrainMagic.Register(root);
        EvaluateMagic.Register(root);
        PredictMagic.Register(root);
        SeedMagic.Register(root);
        RunsMagic.Register(root);
        ThreadsMagic.Register(root);
        ClusterMagic.Register(root);
        ServeMagic.Register(root);
        ExportMagic.Register(root);
        DriftMagic.Register(root);
        MonitorMagic.Register(root);

        KernelInvocationContext.Current?.Display(new HtmlString(LoadedCard()), "text/html");
        WarmUpLoading();
    }

    /// <summary>
    /// The first <c>#!load</c> of a session is the one users feel, and a fifth of it was compiling the reader, the
    /// fingerprint and the card (bench/LoadBenchmark, <c>first</c>). While the user reads the card above and writes
    /// the next cell, another core loads a small file of every column kind through the same path, so that code is
    /// compiled by then. It touches no kernel state, and whatever goes wrong in it is ignored: it is only a warm-up.
    /// </summary>
    private static void WarmUpLoading() => Task.Run(() =>
    {
        var path = Path.Combine(Path.GetTempPath(), $"notebooks-ml-warmup-{Environment.ProcessId}-{Guid.NewGuid():N}.csv");
        try
        {
            var text = new System.Text.StringBuilder("x,y,n,big,flag,when,name\n");
            for (var i = 0; i < 300; i++)
            {
                text.Append(System.Globalization.CultureInfo.InvariantCulture, $"{i * 0.37:F3},{(i % 7 == 0 ? "" : (i * -1.5e-3).ToString(System.Globalization.CultureInfo.InvariantCulture))},{i},{i * 3_000_000_000L},{(i % 2 == 0 ? "true" : "false")},2026-01-{1 + (i % 28):D2},\"name {i % 11}\"\n");
            }

            File.WriteAllText(path, text.ToString());
            var loaded = DataLoader.Load(path);
            _ = Cards.Loaded(loaded, "warmup");
        }
        catch (Exception)
        {
            // Only a warm-up: the user's own #!load reports its own errors.
        }
        finally
        {
            try
            {
                File.Delete(path);
            }
            catch (IOException)
            {
            }
            catch (UnauthorizedAccessException)
            {
            }
        }
    });

    // Kept out of Load so that the JIT does not resolve Plotly types before the FSharp.Core redirect is installed.
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void RegisterChartFormatter(Kernel kernel) =>
        ((IKernelExtension)new Plotly.NET.Interactive.FormatterKernelExtension()).OnLoadAsync(kernel).GetAwaiter().GetResult();

    /// <summary>
    /// Lets notebook code use what the magics create (<c>df.Rows.Count</c>, <c>model.Metrics</c>). Under
    /// <c>#r "nuget: …"</c> the kernel already references these; an in-process host (the runner, tests) does not.
    /// </summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void ReferenceEngineAssemblies(Kernel root)
    {
        if (root.FindKernelByName("csharp") is not CSharpKernel csharp)
        {
            return;
        }

        var assemblies = new[]
        {
            typeof(TrainedModel).Assembly, typeof(Microsoft.Data.Analysis.DataFrame).Assembly, typeof(Microsoft.ML.MLContext).Assembly,
            typeof(Microsoft.ML.IDataView).Assembly, typeof(Apache.Arrow.RecordBatch).Assembly,
            typeof(Plotly.NET.GenericChart).Assembly, typeof(Microsoft.FSharp.Core.FSharpOption<>).Assembly, typeof(DynamicObj.DynamicObj).Assembly,
        };
        csharp.AddAssemblyReferences(assemblies.Select(a => a.Location).Where(l => l.Length > 0).Distinct());
    }

    private static void RegisterFormatters()
    {
        Formatter.Register<LoadedData>((data, writer) => writer.Write(Cards.Loaded(data)), "text/html");
        Formatter.Register<TrainedModel>((model, writer) => writer.Write(Cards.Model(model)), "text/html");
    }

    private static string LoadedCard()
    {
        var rows = string.Concat(Magics.Select(m => $"<tr><td style=\"padding:1px 12px 1px 0\"><code>{System.Net.WebUtility.HtmlEncode(m.Name)}</code></td><td><code style=\"color:#6b7280\">{System.Net.WebUtility.HtmlEncode(m.Usage)}</code></td></tr>"));
        return $"<div style=\"font-family:Inter,Segoe UI,Helvetica,Arial,sans-serif;font-size:13px\"><b>Notebooks.ML {System.Net.WebUtility.HtmlEncode(Versions.Of(typeof(NotebooksMLExtension).Assembly))}</b> is loaded. Magic commands (add <code>-h</code> to any for help):<table style=\"margin-top:4px\">{rows}</table></div>";
    }
}
