using Notebooks.ML.Tracking;

namespace Notebooks.ML.Interactive.Magics;

/// <summary>Lets a server running in this kernel commit what it answered before #!drift or #!monitor reads its log.</summary>
internal static class ServedLogs
{
    /// <summary>
    /// A running prediction log commits every <see cref="PredictionLog.FlushInterval"/>; waiting two intervals lets a
    /// server in this kernel commit the requests it answered before the cell started.
    /// </summary>
    public static Task FlushAsync(string? server) =>
        server is null ? Task.CompletedTask : Task.Delay(2 * PredictionLog.FlushInterval);
}
