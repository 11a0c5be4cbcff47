using Microsoft.Data.Analysis;

namespace Notebooks.ML.Data;

/// <summary>A loaded <see cref="DataFrame"/> and where it came from.</summary>
public sealed class LoadedData
{
    internal LoadedData(DataFrame data, string source, string format, string fingerprint, TimeSpan duration)
    {
        Data = data;
        Source = source;
        Format = format;
        Fingerprint = fingerprint;
        Duration = duration;
    }

    /// <summary>The rows and typed columns.</summary>
    public DataFrame Data { get; }

    /// <summary>The full path of the file that was read.</summary>
    public string Source { get; }

    /// <summary>The format the file was read as (<c>csv</c>, <c>tsv</c>, …).</summary>
    public string Format { get; }

    /// <summary>
    /// <c>sha256:</c> and the hex SHA-256 of the file's bytes: the same on every machine for the same bytes,
    /// different when one byte changes (check it with <c>sha256sum</c>).
    /// </summary>
    public string Fingerprint { get; }

    /// <summary>How long loading took.</summary>
    public TimeSpan Duration { get; }

    /// <summary>Per-column type, missing and distinct counts.</summary>
    public IReadOnlyList<ColumnSummary> Schema => _schema ??= ColumnSummary.Describe(Data);

    private IReadOnlyList<ColumnSummary>? _schema;
}
