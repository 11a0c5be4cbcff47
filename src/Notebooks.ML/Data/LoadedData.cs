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
    /// The data fingerprint, which identifies the data that was loaded (what cards, runs, staleness and reports use).
    /// For a file read as it is, it is <see cref="SourceFingerprint"/> (check it with <c>sha256sum</c>). When options
    /// changed rows or values (<see cref="Changes"/>: <c>--sample</c>, <c>--where</c>, <c>--derive</c>, <c>--sql</c>,
    /// <c>--types</c> …), it is the SHA-256 over the source fingerprint and those changes (see
    /// <see cref="Data.Fingerprint.OfLoad"/>): the same file and options give the same fingerprint on every machine.
    /// </summary>
    public string Fingerprint { get; }

    /// <summary><c>sha256:</c> and the hex SHA-256 of the file's bytes as stored: the source the data was read from.</summary>
    public string SourceFingerprint { get; internal init; } = "";

    /// <summary>
    /// The options that made the data differ from the file read as it is, as name and value in the order the data
    /// fingerprint hashes them (empty for a plain load). An option that changed nothing is not here: <c>--seed</c>
    /// without <c>--sample</c>, a <c>--sample</c> or <c>--where</c> that kept every row, a <c>--format</c> the file is read as anyway.
    /// </summary>
    public IReadOnlyList<KeyValuePair<string, string>> Changes { get; internal init; } = [];

    /// <summary>How long loading took, including <c>--derive</c>, <c>--where</c> and <c>--sample</c>.</summary>
    public TimeSpan Duration { get; }

    /// <summary>How many rows the file (or the SQL query) gave, before <c>--where</c> and <c>--sample</c>.</summary>
    public long SourceRows { get; }

    /// <summary>What was done while and after reading, in order, one line each (blank lines skipped, the encoding guessed, derived columns, filters, samples).</summary>
    public IReadOnlyList<string> Steps { get; }

    /// <summary>Per-column type, missing and distinct counts, and min / max / mean.</summary>
    public IReadOnlyList<ColumnSummary> Schema => _schema ??= ColumnSummary.Describe(Data);

    private IReadOnlyList<ColumnSummary>? _schema;

    /// <summary>The statistics when the loader took them while reading (the CSV reader does, on another core).</summary>
    internal IReadOnlyList<ColumnSummary>? KnownSchema
    {
        init => _schema = value;
    }
}
