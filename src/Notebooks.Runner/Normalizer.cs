using System.Text.RegularExpressions;

namespace Notebooks.Runner;

/// <summary>
/// Blanks the parts of outputs that change from run to run without meaning anything (element ids, timings, clock
/// times, temporary paths), for <c>--verify</c> and for snapshot tests.
/// </summary>
internal static partial class Normalizer
{
    public static string Normalize(string text)
    {
        // Cards mark what legitimately changes between runs (run numbers, store paths) with data-nbml-volatile.
        text = Volatile().Replace(text, "$1<volatile>$3");
        text = Guid().Replace(text, "<id>");
        text = HexId().Replace(text, "$1<id>");
        text = Timestamp().Replace(text, "<time>");
        text = Duration().Replace(text, "<duration>");
        text = TempPath().Replace(text, "<temp>");
        return text;
    }

    [GeneratedRegex(@"(<(\w+)[^>]*\bdata-nbml-volatile\b[^>]*>)[^<]*(</\2>)")]
    private static partial Regex Volatile();

    [GeneratedRegex(@"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}")]
    private static partial Regex Guid();

    [GeneratedRegex(@"(renderPlotly_|chart-|display-)[0-9a-fA-F]{6,}")]
    private static partial Regex HexId();

    [GeneratedRegex(@"\d{4}-\d{2}-\d{2}[ T]\d{2}:\d{2}(:\d{2}(\.\d+)?)?( ?(UTC|Z|[+-]\d{2}:?\d{2}))?")]
    private static partial Regex Timestamp();

    [GeneratedRegex(@"\b\d+(\.\d+)?\s?(ms|s|sec|seconds|min)\b")]
    private static partial Regex Duration();

    [GeneratedRegex(@"/tmp/[^\s""'<>]+")]
    private static partial Regex TempPath();
}
