using System.Runtime.CompilerServices;

namespace Notebooks.Tests;

/// <summary>
/// Approval testing without a library: compares text with <c>Snapshots/NAME.approved.EXT</c> beside the test
/// source. On a difference it writes <c>NAME.received.EXT</c> next to it and fails; approve a change by renaming the
/// received file (review the diff first).
/// </summary>
internal static class Snapshot
{
    public static void Match(string actual, string name, string extension, [CallerFilePath] string testFile = "")
    {
        var folder = Path.Combine(Path.GetDirectoryName(testFile)!, "Snapshots");
        Directory.CreateDirectory(folder);
        var approved = Path.Combine(folder, $"{name}.approved.{extension}");
        var received = Path.Combine(folder, $"{name}.received.{extension}");
        actual = actual.Replace("\r\n", "\n", StringComparison.Ordinal);
        if (File.Exists(approved) && File.ReadAllText(approved).Replace("\r\n", "\n", StringComparison.Ordinal) == actual)
        {
            File.Delete(received);
            return;
        }

        File.WriteAllText(received, actual);
        if (!File.Exists(approved))
        {
            Assert.Fail($"No approved snapshot yet. Review {received} and rename it to {Path.GetFileName(approved)}.");
        }

        var expectedLines = File.ReadAllLines(approved);
        var actualLines = actual.Split('\n');
        var first = Enumerable.Range(0, Math.Min(expectedLines.Length, actualLines.Length)).FirstOrDefault(i => expectedLines[i] != actualLines[i], Math.Min(expectedLines.Length, actualLines.Length));
        Assert.Fail($"{name} differs from its approved snapshot at line {first + 1}:\n  approved: {Line(expectedLines, first)}\n  received: {Line(actualLines, first)}\nReview {received}; if it is right, rename it to {Path.GetFileName(approved)}.");
    }

    private static string Line(string[] lines, int index) => index < lines.Length ? lines[index] : "(end of file)";
}
