using Microsoft.Data.Analysis;
using Notebooks.ML.Training;

namespace Notebooks.ML.Tracking;

/// <summary>The prediction log's read side: what served models saw and answered.</summary>
public sealed partial class RunStore
{
    /// <summary>
    /// What the server named <paramref name="server"/> (<c>#!serve model --name NAME</c>, <c>notebooks serve</c>, an
    /// exported app) answered, from its prediction log in this store: every request (refused ones with their status
    /// and error code, no data) and, row by row, the inputs of the answered requests, typed per the model's input
    /// schema, with their predictions and times.
    /// <code>
    /// using var runs = RunStore.Open();
    /// var traffic = runs.ReadTraffic("penguins", since: DateTimeOffset.UtcNow.AddHours(-1));
    /// traffic.Inputs;    // a DataFrame: one row per predicted row, the model's input columns
    /// traffic.Outputs;   // PredictedLabel, Probability … row-aligned with Inputs
    /// </code>
    /// A server that is still running may hold up to one batch (<see cref="PredictionLog.FlushInterval"/>) not yet
    /// written; <see cref="PredictionLog.FlushAsync"/> writes it.
    /// </summary>
    /// <param name="server">The server's name.</param>
    /// <param name="since">Only requests answered at or after this time.</param>
    /// <param name="last">Only the newest this many requests (after <paramref name="since"/>).</param>
    /// <exception cref="NotebookException">No model was ever served under that name in this store, or <paramref name="last"/> is not positive.</exception>
    public ServedTraffic ReadTraffic(string server, DateTimeOffset? since = null, int? last = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(server);
        if (last is < 1)
        {
            throw Errors.Fail($"'last' must be at least 1 request, but got {last}.");
        }

        var versions = Guarded(() => Database.ServedVersions(server));
        if (versions.Count == 0)
        {
            var names = Guarded(Database.ServedNames);
            throw Errors.Fail(names.Count == 0
                ? $"No model has been served with a prediction log in '{Location}' yet, so there is no traffic named '{server}'. Serve one with #!serve MODEL --name {server}."
                : $"No model has been served as '{server}' in '{Location}'.{(Errors.ClosestMatch(server, names) is { } near ? $" Did you mean '{near}'?" : "")} Served: {string.Join(", ", names)}.");
        }

        var byId = versions.ToDictionary(v => v.Id);
        var requests = Guarded(() => Database.ReadRequests(server, versions.ToDictionary(v => v.Id, v => v.Version), since, last));
        var used = requests.Select(r => r.ModelId).Distinct().Where(byId.ContainsKey).Select(id => byId[id]).OrderBy(v => v.Version).ToList();
        var schema = used.Count > 0 ? used[^1] : versions[^1];

        var answered = requests.Where(r => r.Inputs is not null).ToList();
        var total = answered.Sum(r => r.Request.Rows);
        var inputs = new InputRows(schema.Inputs, total);
        var outputs = schema.Outputs.Select(o => o.Type switch
        {
            ModelInputs.String => (object)new string?[total],
            ModelInputs.Int => new int?[total],
            _ => new float?[total],
        }).ToArray();
        var times = new List<DateTimeOffset>(total);
        var row = 0;
        foreach (var (modelId, request, stored, predictions) in answered)
        {
            var version = byId.TryGetValue(modelId, out var v) ? v : schema;
            var inputMap = version.Inputs.Select(c => schema.Inputs.ToList().FindIndex(s => s.Name == c.Name)).ToArray();
            var outputMap = version.Outputs.Select(c => schema.Outputs.ToList().FindIndex(s => s.Name == c.Name)).ToArray();
            TrafficJson.ReadInputs(stored!, inputMap, inputs, row);
            if (predictions is not null)
            {
                TrafficJson.ReadOutputs(predictions, outputMap, outputs, row);
            }

            times.AddRange(Enumerable.Repeat(request.At, request.Rows));
            row += request.Rows;
        }

        var outputFrame = new DataFrame(schema.Outputs.Select((o, i) => outputs[i] switch
        {
            string?[] texts => (DataFrameColumn)new StringDataFrameColumn(o.Name, texts),
            int?[] ints => new Int32DataFrameColumn(o.Name, ints),
            float?[] floats => new SingleDataFrameColumn(o.Name, floats),
            _ => throw new InvalidOperationException(o.Type),
        }));
        return new ServedTraffic(server, used, requests.Select(r => r.Request).ToList(), inputs.ToDataFrame(), outputFrame, times);
    }

    /// <summary>The names models have been served under with a prediction log in this store.</summary>
    public IReadOnlyList<string> ServedNames() => Guarded(Database.ServedNames);
}
