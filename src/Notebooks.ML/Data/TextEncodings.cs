using System.Text;

namespace Notebooks.ML.Data;

/// <summary>The encodings <c>--encoding</c> names, and the fallback for text that is not valid UTF-8.</summary>
public static class TextEncodings
{
    private static readonly string[] _names = ["utf-8", "windows-1252", "latin1", "utf-16", "utf-16be", "ascii"];

    /// <summary>The names offered for <see cref="LoadOptions.Encoding"/> (any name .NET knows is accepted too).</summary>
    public static IReadOnlyList<string> Names => _names;

    /// <summary>Windows-1252, the Western European code page that Excel and older Windows programs write text in.</summary>
    internal static Encoding Windows1252 { get; } = CodePagesEncodingProvider.Instance.GetEncoding(1252)!;

    /// <summary>UTF-8 that throws on bytes that are not UTF-8, so that a file in another encoding is noticed instead of read with '�'.</summary>
    internal static Encoding StrictUtf8 { get; } = new UTF8Encoding(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    /// <summary>The encoding <paramref name="name"/> names; <see langword="null"/> when it is <see langword="null"/> (detect).</summary>
    internal static Encoding? Resolve(string? name)
    {
        if (name is null)
        {
            return null;
        }

        var key = name.Trim().ToLowerInvariant().Replace("_", "-", StringComparison.Ordinal);
        switch (key)
        {
            case "utf-8" or "utf8":
                return new UTF8Encoding(encoderShouldEmitUTF8Identifier: false);
            case "windows-1252" or "cp1252" or "1252" or "ansi":
                return Windows1252;
            case "latin1" or "latin-1" or "iso-8859-1" or "iso8859-1":
                return Encoding.Latin1;
            case "utf-16" or "utf16" or "utf-16le" or "unicode":
                return Encoding.Unicode;
            case "utf-16be" or "utf16be":
                return Encoding.BigEndianUnicode;
            case "ascii" or "us-ascii":
                return Encoding.ASCII;
        }

        try
        {
            return int.TryParse(key, out var page)
                ? CodePagesEncodingProvider.Instance.GetEncoding(page) ?? Encoding.GetEncoding(page)
                : CodePagesEncodingProvider.Instance.GetEncoding(key) ?? Encoding.GetEncoding(key);
        }
        catch (Exception e) when (e is ArgumentException or NotSupportedException)
        {
            throw Errors.BadOption("--encoding", name, $"an encoding name such as {string.Join(", ", _names)}");
        }
    }

    /// <summary>The card's note for a file read as Windows-1252 because it is not UTF-8: where the first byte that is not UTF-8 is.</summary>
    internal static string NotUtf8Note(string path)
    {
        var (line, value) = FirstInvalidUtf8(path);
        var shown = Windows1252.GetString([value]);
        return $"read as Windows-1252 (as Excel writes CSV): the file is not valid UTF-8 (line {line:N0} has the byte 0x{value:X2}, '{shown}' in Windows-1252); --encoding names another encoding";
    }

    /// <summary>The line and value of the first byte that is not UTF-8, read in blocks.</summary>
    private static (long Line, byte Value) FirstInvalidUtf8(string path)
    {
        using var stream = SourceFile.Open(path);
        var buffer = new byte[1 << 16];
        var chars = new char[buffer.Length];
        var kept = 0;
        long line = 1;
        int read;
        while ((read = stream.Read(buffer, kept, buffer.Length - kept)) > 0 || kept > 0)
        {
            var length = kept + read;
            var status = System.Text.Unicode.Utf8.ToUtf16(buffer.AsSpan(0, length), chars, out var used, out _, replaceInvalidSequences: false, isFinalBlock: read == 0);
            line += buffer.AsSpan(0, used).Count((byte)'\n');
            if (status == System.Buffers.OperationStatus.InvalidData)
            {
                return (line, buffer[used]);
            }

            // A character cut by the block's end is finished in the next block.
            kept = length - used;
            buffer.AsSpan(used, kept).CopyTo(buffer);
            if (read == 0)
            {
                break;
            }
        }

        return (line, 0);
    }
}
