using System.Globalization;

namespace Notebooks.ML;

/// <summary>
/// The one place that words user-facing errors: what failed, the offending value in quotes, what was expected or
/// available, and where.
/// </summary>
internal static class Errors
{
    public static NotebookException Fail(string message) => new(message);

    public static NotebookException FileNotFound(string path)
    {
        var full = Path.GetFullPath(path);
        var folder = Path.GetDirectoryName(full);
        var hint = folder is not null && !Directory.Exists(folder)
            ? $" The folder '{folder}' does not exist either."
            : "";
        return new($"Could not find the file '{path}' (looked at '{full}').{hint}");
    }

    public static NotebookException OnlyWhitespace(string fileName, long bytes, string expected) =>
        new($"The file '{fileName}' holds only blank lines and spaces ({bytes:N0} bytes): expected {expected}.");

    public static NotebookException IsDirectory(string path) =>
        new($"'{path}' is a folder, not a file. Give the path of a data file inside it.");

    public static NotebookException UnknownColumn(string column, string role, IEnumerable<string> available, string? source = null)
    {
        var list = string.Join(", ", available);
        var where = source is null ? "" : $" in {source}";
        var suggestion = ClosestMatch(column, available) is { } near ? $" Did you mean '{near}'?" : "";
        return new($"Could not find {role} column '{column}'{where}.{suggestion} Columns: {list}.");
    }

    public static NotebookException BadOption(string option, string? value, string expected) =>
        new($"The option {option} got '{value}', but expected {expected}.");

    public static string Format(double value) => value.ToString("G6", CultureInfo.InvariantCulture);

    /// <summary>The candidate with the smallest edit distance when it is close enough to be a likely typo.</summary>
    public static string? ClosestMatch(string value, IEnumerable<string> candidates)
    {
        string? best = null;
        var bestDistance = int.MaxValue;
        foreach (var candidate in candidates)
        {
            var distance = EditDistance(value.ToUpperInvariant(), candidate.ToUpperInvariant());
            if (distance < bestDistance)
            {
                bestDistance = distance;
                best = candidate;
            }
        }

        return best is not null && bestDistance <= Math.Max(1, value.Length / 3) ? best : null;
    }

    private static int EditDistance(string a, string b)
    {
        var previous = new int[b.Length + 1];
        var current = new int[b.Length + 1];
        for (var j = 0; j <= b.Length; j++)
        {
            previous[j] = j;
        }

        for (var i = 1; i <= a.Length; i++)
        {
            current[0] = i;
            for (var j = 1; j <= b.Length; j++)
            {
                var cost = a[i - 1] == b[j - 1] ? 0 : 1;
                current[j] = Math.Min(Math.Min(current[j - 1] + 1, previous[j] + 1), previous[j - 1] + cost);
            }

            (previous, current) = (current, previous);
        }

        return previous[b.Length];
    }
}
