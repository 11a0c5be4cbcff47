using Microsoft.Data.Analysis;

namespace Notebooks.ML.Data;

/// <summary>A loaded <see cref="DataFrame"/> and where it came from.</summary>
public sealed class LoadedData
{
    internal LoadedData(DataFrame data, string source, string format, string fingerprint, TimeSpan duration, long sourceRows, IReadOnlyList<string> steps)
    {
        Data = data;
        Source = source;
        Format = format;
        Fingerprint = fingerprint;
        Duration = duration;
        SourceRows = sourceRows;
        Steps = steps;
    }

    /// <summary>The rows and typed columns.</summary>
    public DataFrame Data { get; }

    /// <summary>The full path of the file that was read.</summary>
    public string Source { get; }

    /// <summary>The format the file was read as (<c>csv</c>, <c>tsv</c>, <c>json</c>, <c>jsonl</c>, <c>parquet</c>, <c>sql</c>).</summary>
    public string Format { get; }

    /// <summary>
    /// <c>sha256:</c> and the hex SHA-256 of the file's bytes: the same on every machine for the same bytes,
    /// different when one byte changes (check it with <c>sha256sum</c>).
    /// </summary>
    public string Fingerprint { get; }

    /// <summary>How long loading took, including <c>--derive</c>, <c>--where</c> and <c>--sample</c>.</summary>
    public TimeSpan Duration { get; }

    /// <summary>How many rows the file (or the SQL query) gave, before <c>--where</c> and <c>--sample</c>.</summary>
    public long SourceRows { get; }

    /// <summary>What was done while and after reading, in order, one line each (blank lines skipped, the encoding guessed, derived columns, filters, samples).</summary>
    public IReadOnlyList<string> Steps { get; }

    /// <summary>Per-column type, missing and distinct counts, and min / max / mean.</summary>
    public IReadOnlyList<ColumnSummary> Schema => _schema ??= ColumnSummary.Describe(Data);

    private IReadOnlyList<ColumnSummary>? _schema;
}
