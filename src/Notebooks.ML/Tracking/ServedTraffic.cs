using Microsoft.Data.Analysis;
using Notebooks.ML.Training;

namespace Notebooks.ML.Tracking;

/// <summary>One request a served model answered (or refused), as the prediction log keeps it.</summary>
/// <param name="Server">The server's name (<c>#!serve model --name NAME</c>).</param>
/// <param name="ModelVersion">The version of the model that answered: 1 for the first model served under this name in the store, then one more for each different model swapped in.</param>
/// <param name="At">When the answer was ready (UTC).</param>
/// <param name="LatencyMs">Milliseconds from the request reaching the handler to its answer being ready.</param>
/// <param name="Status">The HTTP status: 200, or the 4xx of a refused request.</param>
/// <param name="ErrorCode">For a refused request, the <c>error_code</c> it got (<c>BAD_REQUEST</c> …); otherwise <see langword="null"/>.</param>
/// <param name="Rows">The rows predicted (0 for a refused request, whose data is never logged).</param>
public sealed record ServedRequest(string Server, int ModelVersion, DateTimeOffset At, double LatencyMs, int Status, string? ErrorCode, int Rows);

/// <summary>A model as served under a name: what the log's requests point to.</summary>
/// <param name="Server">The server's name.</param>
/// <param name="Version">The version under that name, from 1.</param>
/// <param name="ServedAt">When this version was first served (UTC).</param>
/// <param name="ModelName">The model variable or file it came from, when known.</param>
/// <param name="RunId">The run that trained it, when it is in this store's experiment log.</param>
/// <param name="Trainer">The trainer.</param>
/// <param name="DataFingerprint">The fingerprint of its training data.</param>
/// <param name="Inputs">The columns it takes.</param>
/// <param name="Outputs">The prediction columns it gives.</param>
public sealed record ServedModelVersion(
    string Server,
    int Version,
    DateTimeOffset ServedAt,
    string? ModelName,
    long? RunId,
    string Trainer,
    string DataFingerprint,
    IReadOnlyList<ModelInputColumn> Inputs,
    IReadOnlyList<ModelOutputColumn> Outputs)
{
    /// <summary>The version's number in the store (what log records point to).</summary>
    internal long Id { get; init; }
}

/// <summary>
/// What a served model saw and answered, read back from the prediction log with <see cref="RunStore.ReadTraffic"/>:
/// every request (refused ones too, without data) and, row by row, the inputs of the answered requests with their
/// predictions. This is the "current" data of a drift check (<c>#!drift model served:NAME</c>).
/// </summary>
public sealed class ServedTraffic
{
    internal ServedTraffic(string server, IReadOnlyList<ServedModelVersion> versions, IReadOnlyList<ServedRequest> requests, DataFrame inputs, DataFrame outputs, IReadOnlyList<DateTimeOffset> rowTimes)
    {
        Server = server;
        Versions = versions;
        Requests = requests;
        Inputs = inputs;
        Outputs = outputs;
        RowTimes = rowTimes;
    }

    /// <summary>The server's name.</summary>
    public string Server { get; }

    /// <summary>The model versions the requests were answered by, oldest first.</summary>
    public IReadOnlyList<ServedModelVersion> Versions { get; }

    /// <summary>Every request in the window, oldest first, refused ones included (with no rows).</summary>
    public IReadOnlyList<ServedRequest> Requests { get; }

    /// <summary>
    /// One row per predicted row, oldest first, with a column per model input typed as in the training data
    /// (<c>double</c>, <c>int</c>, <c>string</c> …) and null where a value was missing. When versions with other
    /// inputs answered in the window, the columns are the newest version's; a column an older version did not take
    /// is null in its rows.
    /// </summary>
    public DataFrame Inputs { get; }

    /// <summary>The predictions, row-aligned with <see cref="Inputs"/>: the columns <see cref="TrainedModel.Predict"/> adds, named the same.</summary>
    public DataFrame Outputs { get; }

    /// <summary>When each row of <see cref="Inputs"/> was answered (its request's time).</summary>
    public IReadOnlyList<DateTimeOffset> RowTimes { get; }

    /// <summary>A one-line summary.</summary>
    public override string ToString() =>
        $"'{Server}': {Requests.Count:N0} requests ({Requests.Count(r => r.Status >= 400):N0} refused), {RowTimes.Count:N0} rows predicted";
}
