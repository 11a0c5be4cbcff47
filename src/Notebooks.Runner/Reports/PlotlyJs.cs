namespace Notebooks.Runner.Reports;

/// <summary>plotly.js as Plotly.NET ships it (an embedded resource), so reports draw charts offline.</summary>
internal static class PlotlyJs
{
    private static readonly Lazy<(string Version, string Script)> _script = new(Load);

    public static string Version => _script.Value.Version;

    public static string Script => _script.Value.Script;

    private static (string, string) Load()
    {
        var assembly = typeof(Plotly.NET.GenericChart).Assembly;
        var name = assembly.GetManifestResourceNames()
                       .FirstOrDefault(n => n.StartsWith("Plotly.NET.plotly-", StringComparison.Ordinal) && n.EndsWith(".min.js", StringComparison.Ordinal))
                   ?? throw new InvalidOperationException("Plotly.NET does not carry plotly.js as a resource.");
        using var stream = assembly.GetManifestResourceStream(name)!;
        using var reader = new StreamReader(stream);
        var version = name["Plotly.NET.plotly-".Length..^".min.js".Length];
        return (version, reader.ReadToEnd());
    }
}
