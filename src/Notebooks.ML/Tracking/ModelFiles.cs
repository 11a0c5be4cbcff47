using System.Security.Cryptography;
using Notebooks.ML.Training;

namespace Notebooks.ML.Tracking;

/// <summary>Saves a run's model beside the store: written under a temporary name, flushed to disk, then renamed.</summary>
internal static class ModelFiles
{
    /// <summary>Saves <paramref name="model"/> as <c>FOLDER/KEY.zip</c> and returns the path and its fingerprint.</summary>
    public static (string Path, string Hash) Save(TrainedModel model, string folder, string key)
    {
        Directory.CreateDirectory(folder);
        var path = System.IO.Path.Combine(folder, key + ".zip");
        var partial = path + ".partial";
        model.Save(partial);
        string hash;
        using (var stream = new FileStream(partial, FileMode.Open, FileAccess.ReadWrite, FileShare.None))
        {
            hash = "sha256:" + Convert.ToHexStringLower(SHA256.HashData(stream));
            // The bytes reach the disk before the run that names them is committed.
            stream.Flush(flushToDisk: true);
        }

        // A killed process leaves at most a .partial file, never a half-written model under the recorded name.
        File.Move(partial, path, overwrite: true);
        RemoveAbandoned(folder);
        return (path, hash);
    }

    /// <summary>
    /// Deletes <c>.partial</c> files that a killed process left behind. Only old ones: a younger one may be another
    /// kernel's model being written right now.
    /// </summary>
    internal static void RemoveAbandoned(string folder, TimeSpan? age = null)
    {
        var before = DateTime.UtcNow - (age ?? TimeSpan.FromHours(1));
        foreach (var file in Directory.EnumerateFiles(folder, "*.zip.partial"))
        {
            try
            {
                if (File.GetLastWriteTimeUtc(file) < before)
                {
                    File.Delete(file);
                }
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                // Another process is cleaning up too, or the file is in use: it goes next time.
            }
        }
    }

    /// <summary>The fingerprint of a saved model, or <see langword="null"/> when the file is gone.</summary>
    public static string? Hash(string path)
    {
        if (!File.Exists(path))
        {
            return null;
        }

        using var stream = File.OpenRead(path);
        return "sha256:" + Convert.ToHexStringLower(SHA256.HashData(stream));
    }
}
