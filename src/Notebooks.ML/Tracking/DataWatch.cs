namespace Notebooks.ML.Tracking;

/// <summary>
/// Which data each name in a notebook holds now, by data fingerprint. A model or run trained on data under a name
/// that has since been reloaded with other content is stale: its metrics describe data the notebook no longer has.
/// Other content includes the same file loaded with another <c>--sample</c>, <c>--where</c>, <c>--sql</c> … (see
/// <see cref="Data.LoadedData.Fingerprint"/>). The kernel extension keeps one per session and tells it about every
/// <c>#!load</c> and <c>#!train</c>.
/// </summary>
public sealed class DataWatch
{
    private readonly Dictionary<string, (string Fingerprint, string? Source, string? How, DateTimeOffset At)> _current = new(StringComparer.Ordinal);
    private readonly Lock _lock = new();

    /// <summary>Says that <paramref name="name"/> now holds the data with <paramref name="fingerprint"/>.</summary>
    public void Observe(string name, string fingerprint, string? source = null) => Observe(name, fingerprint, source, null);

    /// <summary>Says that <paramref name="name"/> now holds <paramref name="data"/> (its data fingerprint, file and options).</summary>
    public void Observe(string name, Data.LoadedData data)
    {
        ArgumentNullException.ThrowIfNull(data);
        Observe(name, data.Fingerprint, data.Source, data.Changes.Count == 0 ? null : Data.Fingerprint.Describe(data.Changes));
    }

    private void Observe(string name, string fingerprint, string? source, string? how)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        ArgumentException.ThrowIfNullOrWhiteSpace(fingerprint);
        lock (_lock)
        {
            // #!train observes the data it trained on: the same data keeps what its load said about it.
            if (how is null && _current.TryGetValue(name, out var known) && known.Fingerprint == fingerprint)
            {
                how = known.How;
            }

            _current[name] = (fingerprint, source, how, DateTimeOffset.UtcNow);
        }
    }

    /// <summary>The fingerprint of the data <paramref name="name"/> holds now, or <see langword="null"/> when unknown.</summary>
    public string? Current(string name)
    {
        lock (_lock)
        {
            return _current.TryGetValue(name, out var entry) ? entry.Fingerprint : null;
        }
    }

    /// <summary>
    /// Why results trained on <paramref name="dataName"/> with <paramref name="fingerprint"/> are out of date, or
    /// <see langword="null"/> when that is still the data the name holds (or the name is unknown).
    /// </summary>
    public string? StalenessOf(string? dataName, string fingerprint)
    {
        if (string.IsNullOrEmpty(dataName))
        {
            return null;
        }

        lock (_lock)
        {
            if (!_current.TryGetValue(dataName, out var now) || string.Equals(now.Fingerprint, fingerprint, StringComparison.Ordinal))
            {
                return null;
            }

            var from = (now.Source is null ? "" : $" from {Path.GetFileName(now.Source)}") + (now.How is null ? "" : $" with {now.How}");
            return $"'{dataName}' has been reloaded{from} since: it now holds data {Data.Fingerprint.Short(now.Fingerprint)}, not {Data.Fingerprint.Short(fingerprint)}. Retrain to get results for the current data.";
        }
    }
}
