using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Microsoft.Data.Analysis;

namespace Notebooks.ML.Data;

/// <summary>Content fingerprints: <c>sha256:</c> + lowercase hex, so that <c>sha256sum</c> can confirm them.</summary>
public static class Fingerprint
{
    /// <summary>The fingerprint of a file's bytes (as stored, before any decompression).</summary>
    public static string OfFile(string path)
    {
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 20, FileOptions.SequentialScan);
        return "sha256:" + Convert.ToHexStringLower(SHA256.HashData(stream));
    }

    /// <summary>
    /// The fingerprint of a DataFrame's content: column names, types and every value in invariant form. A frame
    /// loaded from a file has the file's fingerprint instead (see <see cref="Of"/>).
    /// </summary>
    public static string OfFrame(DataFrame frame)
    {
        ArgumentNullException.ThrowIfNull(frame);
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        var buffer = new StringBuilder();
        foreach (var column in frame.Columns)
        {
            buffer.Append(column.Name).Append('\u001f').Append(column.DataType.Name).Append('\u001e');
            for (long i = 0; i < column.Length; i++)
            {
                buffer.Append(column[i] switch
                {
                    null => "\u0000",
                    IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
                    var v => v.ToString(),
                }).Append('\u001f');
                if (buffer.Length > 1 << 16)
                {
                    hash.AppendData(Encoding.UTF8.GetBytes(buffer.ToString()));
                    buffer.Clear();
                }
            }
        }

        hash.AppendData(Encoding.UTF8.GetBytes(buffer.ToString()));
        return "sha256:" + Convert.ToHexStringLower(hash.GetHashAndReset());
    }

    /// <summary>The fingerprint recorded when <paramref name="frame"/> was loaded, or that of its content.</summary>
    public static string Of(DataFrame frame) => DataProvenance.Of(frame)?.Fingerprint ?? OfFrame(frame);

    /// <summary>The short form shown on cards: the first 12 hex digits.</summary>
    public static string Short(string fingerprint)
    {
        var colon = fingerprint.IndexOf(':', StringComparison.Ordinal);
        var hex = colon >= 0 ? fingerprint[(colon + 1)..] : fingerprint;
        return hex.Length > 12 ? hex[..12] : hex;
    }
}
