using System.Diagnostics;
using System.Runtime.CompilerServices;
using Microsoft.Data.Analysis;

namespace Notebooks.ML.Data;

/// <summary>
/// Loads data files into <see cref="DataFrame"/>s: the engine behind <c>#!load</c>. CSV and TSV (Sep), JSON arrays
/// and JSON lines (System.Text.Json), Parquet and SQL queries over any of them (DuckDB); gzip-compressed text is
/// decompressed on the fly. Then, in order: <c>--derive</c>, <c>--where</c>, <c>--sample</c>.
/// </summary>
public static class DataLoader
{
    private static readonly string[] _formats = ["csv", "tsv", "json", "jsonl", "parquet"];

    /// <summary>The formats <see cref="LoadOptions.Format"/> accepts.</summary>
    public static IReadOnlyList<string> Formats => _formats;

    /// <summary>
    /// Loads <paramref name="path"/> and returns the data with its provenance: the data fingerprint (the file's
    /// SHA-256 for a plain load; with options that change rows or values, a hash over both, see
    /// <see cref="Fingerprint.OfLoad"/>), the file's own fingerprint, shape and timing.
    /// </summary>
    /// <exception cref="NotebookException">The file is missing, empty or malformed, or an option does not fit it; the message says where.</exception>
    public static LoadedData Load(string path, LoadOptions? options = null)
    {
        options ??= new LoadOptions();
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        CheckFile(path);
        var stopwatch = Stopwatch.StartNew();
        var format = ResolveFormat(path, options.Format, options.Encoding);

        // The fingerprint (SHA-256 of the stored bytes) is computed on another core while the file is parsed.
        var fingerprint = Task.Run(() => Fingerprint.OfFile(path));
        DataFrame frame;
        var steps = new List<string>();
        var summaries = new StrongBox<IReadOnlyList<ColumnSummary>?>();
        try
        {
            frame = options.Sql is not null
                ? DuckDbLoader.Query(path, format, options)
                : format switch
                {
                    "json" or "jsonl" => JsonLoader.Load(path, format == "jsonl", options),
                    "parquet" => DuckDbLoader.Parquet(path, options),
                    _ => CsvLoader.Load(path, options, steps, summaries),
                };
        }
        catch (Exception e) when (e is InvalidDataException or IOException)
        {
            // Damaged gzip data or a read error part-way through: the file's name and the reason, not a stack trace.
            throw Errors.Fail($"Could not read '{Path.GetFileName(path)}' to its end: {e.Message}");
        }

        var sourceRows = frame.Rows.Count;
        frame = RowExpressions.Apply(frame, options, steps);
        var filteredRows = frame.Rows.Count;
        frame = Sampling.Apply(frame, options.Sample, options.Seed ?? 1, steps);
        var hash = fingerprint.GetAwaiter().GetResult();
        // The data fingerprint: the file's hash, plus every option that changed rows or values (Fingerprint.OfLoad).
        var changes = Fingerprint.LoadChanges(path, format, options, filtered: filteredRows < sourceRows, sampled: frame.Rows.Count < filteredRows);
        stopwatch.Stop();

        var loaded = new LoadedData(frame, Path.GetFullPath(path), options.Sql is null ? format : "sql", Fingerprint.OfLoad(hash, changes), stopwatch.Elapsed, sourceRows, steps)
        {
            SourceFingerprint = hash,
            Changes = changes,
            // Taken while the file was parsed; only for the data as read (--derive, --where and --sample change it).
            KnownSchema = options.Derive.Count == 0 && options.Where is null && options.Sample is null && summaries.Value?.Count == frame.Columns.Count ? summaries.Value : null,
        };
        DataProvenance.Record(frame, loaded);
        return loaded;
    }

    private static void CheckFile(string path)
    {
        if (Directory.Exists(path))
        {
            throw Errors.IsDirectory(path);
        }

        if (!File.Exists(path))
        {
            throw Errors.FileNotFound(path);
        }

        if (new FileInfo(path).Length == 0)
        {
            throw Errors.Fail($"The file '{path}' is empty (0 bytes).");
        }

        try
        {
            using var _ = File.OpenRead(path);
        }
        catch (UnauthorizedAccessException)
        {
            throw Errors.Fail($"The file '{path}' cannot be read: permission denied. Check its permissions (ls -l) or copy it somewhere readable.");
        }
    }

    /// <summary>The format named by <paramref name="format"/>, else by the extension, else by the first bytes.</summary>
    internal static string ResolveFormat(string path, string? format, string? encoding = null)
    {
        var sniffed = SourceFile.Sniff(path);
        string resolved;
        if (format is not null)
        {
            var normalized = format.Trim().ToLowerInvariant() switch
            {
                "ndjson" or "json-lines" or "jsonlines" => "jsonl",
                "txt" or "text" => "csv",
                "pq" => "parquet",
                var f => f,
            };
            resolved = _formats.Contains(normalized)
                ? normalized
                : throw Errors.BadOption("--format", format, $"one of {string.Join(", ", _formats)}");
        }
        else
        {
            var extension = Path.GetExtension(StripCompression(path)).TrimStart('.').ToLowerInvariant();
            resolved = extension switch
            {
                _ when sniffed.Parquet => "parquet",
                "parquet" or "pq" => "parquet",
                "tsv" or "tab" => "tsv",
                "jsonl" or "ndjson" => "jsonl",
                // A .json file that starts with an object (not an array) is JSON lines, as many tools write it.
                "json" => sniffed.FirstChar == '{' ? "jsonl" : "json",
                "csv" or "txt" or "dat" => "csv",
                _ => sniffed.FirstChar switch
                {
                    '[' => "json",
                    '{' => "jsonl",
                    _ => "csv",
                },
            };
        }

        // Zero bytes are binary data, unless an encoding that writes them (UTF-16, UTF-32) was named.
        if (resolved != "parquet" && sniffed.BinaryAt is { } offset && TextEncodings.Resolve(encoding) is not { IsSingleByte: false, CodePage: not 65001 })
        {
            throw Errors.Fail($"'{Path.GetFileName(path)}' is not a text file: byte {offset} is zero, as in binary data. #!load reads {string.Join(", ", _formats)} (by extension or --format); gzip-compressed text is fine.");
        }

        return resolved;
    }

    /// <summary>The file's name without folder, extension or compression suffix: <c>data/iris.csv.gz</c> → <c>iris</c>.</summary>
    public static string FileStem(string path) => Path.GetFileNameWithoutExtension(StripCompression(path));

    internal static string StripCompression(string path) =>
        path.EndsWith(".gz", StringComparison.OrdinalIgnoreCase) ? path[..^3] : path;
}
