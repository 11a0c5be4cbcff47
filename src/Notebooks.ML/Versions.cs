using System.Reflection;
using System.Runtime.InteropServices;

namespace Notebooks.ML;

/// <summary>The versions that results depend on, stamped on every result card and report.</summary>
public static class Versions
{
    /// <summary>Notebooks.ML, ML.NET, Microsoft.Data.Analysis, Plotly.NET and the .NET runtime, by name.</summary>
    public static IReadOnlyDictionary<string, string> All { get; } = new SortedDictionary<string, string>(StringComparer.Ordinal)
    {
        ["Notebooks.ML"] = Of(typeof(Versions).Assembly),
        ["Microsoft.ML"] = Of(typeof(Microsoft.ML.MLContext).Assembly),
        ["Microsoft.Data.Analysis"] = Of(typeof(Microsoft.Data.Analysis.DataFrame).Assembly),
        ["Plotly.NET"] = Of(typeof(Plotly.NET.GenericChart).Assembly),
        [".NET"] = RuntimeInformation.FrameworkDescription.Replace(".NET ", "", StringComparison.Ordinal),
    };

    /// <summary>The informational version of an assembly, without the source-revision suffix.</summary>
    public static string Of(Assembly assembly)
    {
        ArgumentNullException.ThrowIfNull(assembly);
        var version = assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion
                      ?? assembly.GetName().Version?.ToString() ?? "unknown";
        var plus = version.IndexOf('+', StringComparison.Ordinal);
        return plus > 0 ? version[..plus] : version;
    }
}
