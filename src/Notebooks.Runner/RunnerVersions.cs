using System.Runtime.InteropServices;
using Notebooks.ML;

namespace Notebooks.Runner;

/// <summary>The versions a runner-made report names in its provenance footer.</summary>
internal static class RunnerVersions
{
    public static IReadOnlyDictionary<string, string> All { get; } = Build();

    private static SortedDictionary<string, string> Build()
    {
        var versions = new SortedDictionary<string, string>(Versions.All.ToDictionary(), StringComparer.Ordinal)
        {
            ["Notebooks.ML.Interactive"] = Versions.Of(typeof(Notebooks.ML.Interactive.NotebooksMLExtension).Assembly),
            ["Microsoft.DotNet.Interactive"] = Versions.Of(typeof(Microsoft.DotNet.Interactive.Kernel).Assembly),
            ["plotly.js"] = Reports.PlotlyJs.Version,
            ["OS"] = RuntimeInformation.OSDescription,
        };
        return versions;
    }
}
