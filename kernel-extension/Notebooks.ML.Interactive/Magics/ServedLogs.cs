using Microsoft.DotNet.Interactive;

namespace Notebooks.ML.Interactive.Magics;

/// <summary>Lets a server running in this kernel commit what it answered before #!drift or #!monitor reads its log.</summary>
internal static class ServedLogs
{
    /// <summary>
    /// Commits everything the server named <paramref name="server"/> has answered, when it runs in this kernel (a
    /// running prediction log commits every 100 ms; a cell that reads it right after sending traffic must see all of it).
    /// </summary>
    public static Task FlushAsync(Kernel kernel, string? server) =>
        server is not null && ServeMagic.Servers.For(kernel).Find(server)?.Host.Log is { } log ? log.FlushAsync() : Task.CompletedTask;
}
