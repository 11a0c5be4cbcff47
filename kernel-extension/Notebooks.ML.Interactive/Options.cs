using System.Globalization;

namespace Notebooks.ML.Interactive;

/// <summary>Parses option values (which the kernel hands over as text) with messages that name the option.</summary>
internal static class Options
{
    public static int Int(string option, string value) =>
        int.TryParse(value, NumberStyles.Integer, CultureInfo.InvariantCulture, out var result)
            ? result
            : throw new NotebookException($"The option {option} got '{value}', but expected a whole number.");

    public static int? Int(string option, string? value, int? fallback) => value is null ? fallback : Int(option, value);

    public static double Double(string option, string value) =>
        double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out var result)
            ? result
            : throw new NotebookException($"The option {option} got '{value}', but expected a number such as 0.2.");

    /// <summary>A comma-separated list: <c>a,b, c</c>.</summary>
    public static IReadOnlyList<string> List(string? value) =>
        value is null ? [] : value.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    /// <summary><c>name=value</c> pairs, each given once.</summary>
    public static IReadOnlyDictionary<string, string> Pairs(string option, IEnumerable<string> values)
    {
        var pairs = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var item in values)
        {
            var equals = item.IndexOf('=', StringComparison.Ordinal);
            if (equals <= 0)
            {
                throw new NotebookException($"The option {option} got '{item}', but expected name=value, for example: {option} NumberOfLeaves=31");
            }

            pairs[item[..equals].Trim()] = item[(equals + 1)..].Trim();
        }

        return pairs;
    }

    /// <summary>
    /// A point in time: an ISO 8601 date or date and time (UTC unless it gives an offset), or a duration before
    /// <paramref name="now"/> such as <c>30m</c>, <c>2h</c>, <c>1d</c> or <c>1w</c>.
    /// </summary>
    public static DateTimeOffset Since(string option, string value, DateTimeOffset now)
    {
        var text = value.Trim();
        if (Duration(text) is { } ago)
        {
            return now - ago;
        }

        return DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var at)
            ? at
            : throw new NotebookException($"The option {option} got '{value}', but expected a time such as 2026-12-01T09:00 (UTC unless it says) or a duration ago such as 30m, 2h or 1d.");
    }

    /// <summary>A duration written as a number and s, m, h, d or w (<c>30m</c>, <c>1.5h</c>, <c>1w</c>), or null.</summary>
    public static TimeSpan? Duration(string text)
    {
        var value = text.Trim();
        if (value.Length < 2 || !double.TryParse(value[..^1], NumberStyles.Float, CultureInfo.InvariantCulture, out var amount) || amount < 0 || !double.IsFinite(amount))
        {
            return null;
        }

        return char.ToLowerInvariant(value[^1]) switch
        {
            's' => TimeSpan.FromSeconds(amount),
            'm' => TimeSpan.FromMinutes(amount),
            'h' => TimeSpan.FromHours(amount),
            'd' => TimeSpan.FromDays(amount),
            'w' => TimeSpan.FromDays(7 * amount),
            _ => null,
        };
    }
}
