using System.Globalization;
using System.Text;

namespace Notebooks.ML.Data;

/// <summary>
/// Sep keeps one row in one buffer of at most 16 MB (16,777,216 characters) and stops with a bare
/// <see cref="NotSupportedException"/> past it. This finds the row that was too long, and in it the biggest field,
/// or the quote that was never closed, by scanning the text once more; the message says where and what to do.
/// </summary>
internal static class LongRows
{
    /// <summary>Sep's limit on a row's length, in characters.</summary>
    public const int MaxRowChars = 1 << 24;

    public static NotebookException Diagnose(string path, Encoding encoding, char separator, bool noHeader)
    {
        var header = new List<System.Text.StringBuilder>();
        var inHeader = !noHeader;
        var fileName = Path.GetFileName(path);
        using var reader = new StreamReader(SourceFile.Open(path), encoding, detectEncodingFromByteOrderMarks: true, 1 << 16);
        var buffer = new char[1 << 16];
        long line = 1;
        long rowLine = 1;
        long rowChars = 0;
        var field = 0;
        long fieldChars = 0;
        var fieldLine = 1L;
        (int Field, long Chars, long Line) biggest = (0, 0, 1);
        var inQuotes = false;
        (long Line, long Character, int Field) opened = default;
        long lineStart = 0;
        long position = 0;
        int read;
        while ((read = reader.Read(buffer)) > 0)
        {
            for (var i = 0; i < read; i++, position++)
            {
                var ch = buffer[i];
                rowChars++;
                fieldChars++;
                if (inHeader && header.Count <= field && !char.IsWhiteSpace(ch))
                {
                    header.Add(new System.Text.StringBuilder());
                }

                if (inHeader && header.Count > field && ch is not ('"' or '\r' or '\n') && (inQuotes || ch != separator) && header[field].Length < 200)
                {
                    header[field].Append(ch);
                }

                if (ch == '"')
                {
                    inQuotes = !inQuotes;
                    if (inQuotes)
                    {
                        opened = (line, position - lineStart + 1, field);
                    }
                }
                else if (!inQuotes && (ch == separator || ch == '\n'))
                {
                    if (fieldChars > biggest.Chars)
                    {
                        biggest = (field, fieldChars - 1, fieldLine);
                    }

                    field++;
                    fieldChars = 0;
                    fieldLine = ch == '\n' ? line + 1 : line;
                    if (ch == '\n')
                    {
                        if (rowChars > MaxRowChars)
                        {
                            return TooLong(fileName, rowLine, rowChars, biggest, CsvLoader.UniqueNames(header.Select(h => h.ToString()).ToArray()));
                        }

                        inHeader &= header.Count == 0;
                        rowLine = line + 1;
                        rowChars = 0;
                        field = 0;
                        biggest = (0, 0, rowLine);
                    }
                }

                if (ch == '\n')
                {
                    line++;
                    lineStart = position + 1;
                }
            }
        }

        var names = CsvLoader.UniqueNames(header.Select(h => h.ToString()).ToArray());
        if (inQuotes)
        {
            var lastLine = position > 0 && position == lineStart ? line - 1 : line;
            var column = opened.Field < names.Length ? $" (column '{names[opened.Field]}')" : "";
            return Errors.Fail($"Line {opened.Line}, character {opened.Character} of '{fileName}': a quoted field{column} is opened but never closed, so the rest of the file ({lastLine - opened.Line + 1:N0} lines, {Megabytes(rowChars)}) would be read as one value. Close the quote, or write a quote inside a quoted field as \"\".");
        }

        if (fieldChars > biggest.Chars)
        {
            biggest = (field, fieldChars, fieldLine);
        }

        return TooLong(fileName, rowLine, rowChars, biggest, names);
    }

    private static NotebookException TooLong(string fileName, long line, long rowChars, (int Field, long Chars, long Line) biggest, string[] names)
    {
        var column = biggest.Field < names.Length ? $"column '{names[biggest.Field]}'" : $"field {biggest.Field + 1}";
        var field = biggest.Chars > MaxRowChars / 2
            ? $"its {column} (line {biggest.Line:N0}) alone holds {biggest.Chars:N0} characters ({Megabytes(biggest.Chars)})"
            : $"its biggest field, {column}, holds {biggest.Chars:N0} characters";
        return Errors.Fail(
            $"Line {line:N0} of '{fileName}' starts a row of {rowChars:N0} characters ({Megabytes(rowChars)}): {field}. #!load reads rows of up to " +
            $"{MaxRowChars:N0} characters (16 MB). Load such a file through DuckDB, which takes a longer limit: " +
            $"--sql \"SELECT * FROM read_csv('{fileName}', max_line_size = {Math.Max(rowChars * 4, 1 << 26).ToString(CultureInfo.InvariantCulture)})\" (with the file's path), or drop the column from the file.");
    }

    private static string Megabytes(long chars) => (chars / (1024.0 * 1024.0)).ToString("0.0", CultureInfo.InvariantCulture) + " MB";
}
