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
        var segments = Guarded(() => Database.ReadSegments(server, since, last));
        var requests = segments.Select(TrafficJson.ReadRequests).ToList();

        // Which requests are in the window: after 'since', then the newest 'last'.
        var kept = requests.Select(list => list.Select(r => since is null || r.At >= since).ToArray()).ToList();
        if (last is { } count)
        {
            var remaining = count;
            for (var s = requests.Count - 1; s >= 0; s--)
            {
                for (var r = requests[s].Count - 1; r >= 0; r--)
                {
                    kept[s][r] = kept[s][r] && remaining-- > 0;
                }
            }
        }

        var window = requests.SelectMany((list, s) => list.Where((_, r) => kept[s][r])).ToList();
        var used = window.Select(r => r.ModelId).Distinct().Where(byId.ContainsKey).Select(id => byId[id]).OrderBy(v => v.Version).ToList();
        var schema = used.Count > 0 ? used[^1] : versions[^1];
        var total = window.Where(r => r.Status < 400).Sum(r => r.Rows);
        var inputs = new InputRows(schema.Inputs, total);
        var outputs = schema.Outputs.Select(o => o.Type switch
        {
            ModelInputs.String => (object)new string?[total],
            ModelInputs.Int => new int?[total],
            _ => new float?[total],
        }).ToArray();
        var maps = new Dictionary<long, (int[] Inputs, int[] Outputs)>();
        (int[] Inputs, int[] Outputs) Map(long modelId)
        {
            if (!maps.TryGetValue(modelId, out var map))
            {
                var version = byId.TryGetValue(modelId, out var v) ? v : schema;
                map = (version.Inputs.Select(c => IndexOf(schema.Inputs, c.Name)).ToArray(), version.Outputs.Select(c => schema.Outputs.ToList().FindIndex(o => o.Name == c.Name)).ToArray());
                maps[modelId] = map;
            }

            return map;
        }

        var times = new List<DateTimeOffset>(total);
        var target = 0;
        for (var s = 0; s < segments.Count; s++)
        {
            var plan = new List<RowPlan>();
            for (var r = 0; r < requests[s].Count; r++)
            {
                var request = requests[s][r];
                if (request.Status >= 400)
                {
                    continue;
                }

                var (inputMap, outputMap) = Map(request.ModelId);
                for (var k = 0; k < request.Rows; k++)
                {
                    plan.Add(new RowPlan(inputMap, outputMap, kept[s][r] ? target++ : -1));
                    if (kept[s][r])
                    {
                        times.Add(request.At);
                    }
                }
            }

            if (plan.Exists(p => p.Target >= 0))
            {
                TrafficJson.ReadRows(segments[s], [.. plan], inputs, outputs);
            }
        }

        var served = window.Select(r => new ServedRequest(server, byId.TryGetValue(r.ModelId, out var v) ? v.Version : 0, r.At, r.LatencyMs, r.Status, r.ErrorCode, r.Status >= 400 ? 0 : r.Rows)).ToList();
        var outputFrame = new DataFrame(schema.Outputs.Select((o, i) => outputs[i] switch
        {
            string?[] texts => (DataFrameColumn)new StringDataFrameColumn(o.Name, texts),
            int?[] ints => new Int32DataFrameColumn(o.Name, ints),
            float?[] floats => new SingleDataFrameColumn(o.Name, floats),
            _ => throw new InvalidOperationException(o.Type),
        }));
        return new ServedTraffic(server, used, served, inputs.ToDataFrame(), outputFrame, times);
    }

    private static int IndexOf(IReadOnlyList<ModelInputColumn> columns, string name)
    {
        for (var i = 0; i < columns.Count; i++)
        {
            if (columns[i].Name == name)
            {
                return i;
            }
        }

        return -1;
    }

    /// <summary>The names models have been served under with a prediction log in this store.</summary>
    public IReadOnlyList<string> ServedNames() => Guarded(Database.ServedNames);
}
