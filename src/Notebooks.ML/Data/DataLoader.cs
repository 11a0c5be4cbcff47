using System.Diagnostics;
using System.IO.Compression;
using Microsoft.Data.Analysis;

namespace Notebooks.ML.Data;

/// <summary>
/// Loads data files into <see cref="DataFrame"/>s: the engine behind <c>#!load</c>.
/// </summary>
public static class DataLoader
{
    private static readonly string[] _formats = ["csv", "tsv"];

    /// <summary>Loads <paramref name="path"/> and returns the data with its provenance (fingerprint, shape, timing).</summary>
    /// <exception cref="NotebookException">The file is missing, empty or malformed; the message says where.</exception>
    public static LoadedData Load(string path, LoadOptions? options = null)
    {
        options ??= new LoadOptions();
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        CheckFile(path);
        var format = ResolveFormat(path, options.Format);

        var stopwatch = Stopwatch.StartNew();
        var frame = CsvLoader.Load(path, options);
        stopwatch.Stop();

        var loaded = new LoadedData(frame, Path.GetFullPath(path), format, Fingerprint.OfFile(path), stopwatch.Elapsed);
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
    }

    private static string ResolveFormat(string path, string? format)
    {
        if (format is not null)
        {
            var normalized = format.Trim().ToLowerInvariant();
            return _formats.Contains(normalized)
                ? normalized
                : throw Errors.BadOption("--format", format, $"one of {string.Join(", ", _formats)}");
        }

        var extension = Path.GetExtension(StripCompression(path)).TrimStart('.').ToLowerInvariant();
        return extension switch
        {
            "tsv" or "tab" => "tsv",
            _ => "csv",
        };
    }

    /// <summary>The file's name without folder, extension or compression suffix: <c>data/iris.csv.gz</c> → <c>iris</c>.</summary>
    public static string FileStem(string path) => Path.GetFileNameWithoutExtension(StripCompression(path));

    internal static string StripCompression(string path) =>
        path.EndsWith(".gz", StringComparison.OrdinalIgnoreCase) ? path[..^3] : path;

    /// <summary>Opens a file for reading, decompressing <c>.gz</c> on the fly.</summary>
    internal static Stream OpenRead(string path)
    {
        var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, FileOptions.SequentialScan);
        return path.EndsWith(".gz", StringComparison.OrdinalIgnoreCase)
            ? new GZipStream(stream, CompressionMode.Decompress)
            : stream;
    }
}
