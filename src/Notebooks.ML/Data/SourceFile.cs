using System.IO.Compression;

namespace Notebooks.ML.Data;

/// <summary>
/// Opens data files for reading, decompressing gzip on the fly (by content, not only by the <c>.gz</c> name), and
/// looks at the first bytes to tell text from binary and one format from another.
/// </summary>
internal static class SourceFile
{
    private const int SniffBytes = 64 * 1024;

    /// <summary>Opens <paramref name="path"/> for one sequential read of its (decompressed) content.</summary>
    public static Stream Open(string path)
    {
        var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, FileOptions.SequentialScan);
        return IsGzip(path) ? new GZipStream(stream, CompressionMode.Decompress) : stream;
    }

    public static bool IsGzip(string path)
    {
        Span<byte> magic = stackalloc byte[2];
        using var file = File.OpenRead(path);
        return file.ReadAtLeast(magic, 2, throwOnEndOfStream: false) == 2 && magic[0] == 0x1F && magic[1] == 0x8B;
    }

    /// <summary>What the first bytes of a file say about it.</summary>
    public static Sniffed Sniff(string path)
    {
        var raw = new byte[4];
        using (var file = File.OpenRead(path))
        {
            _ = file.ReadAtLeast(raw, 4, throwOnEndOfStream: false);
        }

        if (raw.AsSpan().SequenceEqual("PAR1"u8))
        {
            return new Sniffed(Parquet: true, FirstChar: null, BinaryAt: null);
        }

        var buffer = new byte[SniffBytes];
        int read;
        try
        {
            using var stream = Open(path);
            read = stream.ReadAtLeast(buffer, buffer.Length, throwOnEndOfStream: false);
        }
        catch (InvalidDataException e)
        {
            throw Errors.Fail($"'{Path.GetFileName(path)}' starts like a gzip file but could not be decompressed: {e.Message}");
        }

        var bytes = buffer.AsSpan(0, read);
        var utf16 = bytes.StartsWith(new byte[] { 0xFF, 0xFE }) || bytes.StartsWith(new byte[] { 0xFE, 0xFF });
        if (!utf16)
        {
            var nul = bytes.IndexOf((byte)0);
            if (nul >= 0)
            {
                return new Sniffed(Parquet: false, FirstChar: null, BinaryAt: nul);
            }
        }

        var text = bytes.StartsWith(new byte[] { 0xEF, 0xBB, 0xBF }) ? bytes[3..] : bytes;
        char? first = null;
        foreach (var b in text)
        {
            if (b is not ((byte)' ' or (byte)'\t' or (byte)'\r' or (byte)'\n'))
            {
                first = (char)b;
                break;
            }
        }

        return new Sniffed(Parquet: false, FirstChar: first, BinaryAt: null);
    }

    /// <summary>The result of <see cref="Sniff"/>: a Parquet magic number, the first visible character, or where binary content starts.</summary>
    public sealed record Sniffed(bool Parquet, char? FirstChar, int? BinaryAt);
}
