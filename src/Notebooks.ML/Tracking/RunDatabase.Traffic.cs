using System.Data.Common;
using System.Globalization;
using System.Text.Json;
using Notebooks.ML.Training;

namespace Notebooks.ML.Tracking;

/// <summary>The prediction log's SQL: served model versions, and one row per request (its rows as JSON arrays).</summary>
internal abstract partial class RunDatabase
{
    private const string RequestColumns = "server, model_id, at, latency_ms, status, error_code, row_count, inputs, outputs";

    /// <summary>A request ready to be written: its rows already encoded.</summary>
    internal sealed record TrafficRow(string Server, long ModelId, DateTimeOffset At, double LatencyMs, int Status, string? ErrorCode, int Rows, string? Inputs, string? Outputs);

    /// <summary>
    /// The version <paramref name="candidate"/> gets under its server name: the newest version when that is the same
    /// model (same <paramref name="modelKey"/>), else a new one numbered one more.
    /// </summary>
    public ServedModelVersion RegisterServed(ServedModelVersion candidate, string modelKey, string task, string label)
    {
        using var connection = Open();
        using var transaction = BeginSchemaTransaction(connection);
        ServedModelVersion? newest;
        string? newestKey;
        using (var query = Command(connection, transaction,
            $"SELECT {VersionColumns}, model_key FROM nbml_served_models WHERE server = @server ORDER BY version DESC LIMIT 1"))
        {
            Add(query, "@server", candidate.Server);
            using var reader = query.ExecuteReader();
            newest = reader.Read() ? ReadVersion(reader) : null;
            newestKey = newest is null ? null : reader.GetString(10);
        }

        if (newest is not null && newestKey == modelKey)
        {
            transaction.Commit();
            return newest;
        }

        var version = (newest?.Version ?? 0) + 1;
        using var insert = Command(connection, transaction,
            "INSERT INTO nbml_served_models (server, version, model_key, served_at, model_name, run_id, task, label, trainer, data_fingerprint, inputs, outputs) " +
            $"VALUES (@server, @version, @key, @served_at, @model_name, @run_id, @task, @label, @trainer, @fingerprint, {JsonParameter("inputs")}, {JsonParameter("outputs")}) RETURNING id");
        Add(insert, "@server", candidate.Server);
        Add(insert, "@version", version);
        Add(insert, "@key", modelKey);
        Add(insert, "@served_at", TimeValue(candidate.ServedAt));
        Add(insert, "@model_name", candidate.ModelName);
        var run = insert.CreateParameter();
        run.ParameterName = "@run_id";
        run.DbType = System.Data.DbType.Int64;
        run.Value = candidate.RunId is { } id ? id : DBNull.Value;
        insert.Parameters.Add(run);
        Add(insert, "@task", task);
        Add(insert, "@label", label);
        Add(insert, "@trainer", candidate.Trainer);
        Add(insert, "@fingerprint", candidate.DataFingerprint);
        Add(insert, "@inputs", JsonSerializer.Serialize(candidate.Inputs, Json));
        Add(insert, "@outputs", JsonSerializer.Serialize(candidate.Outputs, Json));
        var inserted = Convert.ToInt64(insert.ExecuteScalar(), CultureInfo.InvariantCulture);
        transaction.Commit();
        return candidate with { Version = version, Id = inserted };
    }

    /// <summary>Writes a batch of requests in one transaction: all of them or, on failure, none.</summary>
    public virtual void AppendTraffic(IReadOnlyList<TrafficRow> rows)
    {
        using var connection = Open();
        using var transaction = connection.BeginTransaction();
        using var command = Command(connection, transaction,
            $"INSERT INTO nbml_served_requests ({RequestColumns}) VALUES (@server, @model_id, @at, @latency_ms, @status, @error_code, @row_count, {JsonParameter("inputs")}, {JsonParameter("outputs")})");
        var parameters = new[] { "@server", "@model_id", "@at", "@latency_ms", "@status", "@error_code", "@row_count", "@inputs", "@outputs" }
            .Select(name =>
            {
                var parameter = command.CreateParameter();
                parameter.ParameterName = name;
                command.Parameters.Add(parameter);
                return parameter;
            }).ToArray();
        foreach (var row in rows)
        {
            parameters[0].Value = row.Server;
            parameters[1].Value = row.ModelId;
            parameters[2].Value = TimeValue(row.At);
            parameters[3].Value = row.LatencyMs;
            parameters[4].Value = row.Status;
            parameters[5].Value = (object?)row.ErrorCode ?? DBNull.Value;
            parameters[6].Value = row.Rows;
            parameters[7].Value = (object?)row.Inputs ?? DBNull.Value;
            parameters[8].Value = (object?)row.Outputs ?? DBNull.Value;
            command.ExecuteNonQuery();
        }

        transaction.Commit();
    }

    /// <summary>Every version served under <paramref name="server"/>, oldest first.</summary>
    public IReadOnlyList<ServedModelVersion> ServedVersions(string server)
    {
        using var connection = Open();
        using var command = Command(connection, null, $"SELECT {VersionColumns} FROM nbml_served_models WHERE server = @server ORDER BY version");
        Add(command, "@server", server);
        using var reader = command.ExecuteReader();
        var versions = new List<ServedModelVersion>();
        while (reader.Read())
        {
            versions.Add(ReadVersion(reader));
        }

        return versions;
    }

    /// <summary>The names models have been served under in this store.</summary>
    public IReadOnlyList<string> ServedNames()
    {
        using var connection = Open();
        using var command = Command(connection, null, "SELECT DISTINCT server FROM nbml_served_models ORDER BY server");
        using var reader = command.ExecuteReader();
        var names = new List<string>();
        while (reader.Read())
        {
            names.Add(reader.GetString(0));
        }

        return names;
    }

    /// <summary>The requests to <paramref name="server"/> since <paramref name="since"/> (the newest <paramref name="last"/>), oldest first.</summary>
    public IReadOnlyList<(long ModelId, ServedRequest Request, string? Inputs, string? Outputs)> ReadRequests(string server, IReadOnlyDictionary<long, int> versions, DateTimeOffset? since, int? last)
    {
        using var connection = Open();
        using var command = Command(connection, null, "");
        var where = "server = @server";
        Add(command, "@server", server);
        if (since is { } from)
        {
            where += " AND at >= @since";
            Add(command, "@since", TimeValue(from));
        }

        var order = last is null ? "at, id" : "at DESC, id DESC";
        command.CommandText = $"SELECT model_id, at, latency_ms, status, error_code, row_count, inputs, outputs FROM nbml_served_requests WHERE {where} ORDER BY {order}";
        if (last is { } count)
        {
            command.CommandText += " LIMIT @last";
            Add(command, "@last", count);
        }

        var requests = new List<(long, ServedRequest, string?, string?)>();
        using var reader = command.ExecuteReader();
        while (reader.Read())
        {
            var modelId = Convert.ToInt64(reader.GetValue(0), CultureInfo.InvariantCulture);
            var request = new ServedRequest(
                server,
                versions.TryGetValue(modelId, out var version) ? version : 0,
                ReadTime(reader, 1),
                Convert.ToDouble(reader.GetValue(2), CultureInfo.InvariantCulture),
                Convert.ToInt32(reader.GetValue(3), CultureInfo.InvariantCulture),
                reader.IsDBNull(4) ? null : reader.GetString(4),
                Convert.ToInt32(reader.GetValue(5), CultureInfo.InvariantCulture));
            requests.Add((modelId, request, reader.IsDBNull(6) ? null : reader.GetString(6), reader.IsDBNull(7) ? null : reader.GetString(7)));
        }

        if (last is not null)
        {
            requests.Reverse();
        }

        return requests;
    }

    private const string VersionColumns = "id, server, version, served_at, model_name, run_id, trainer, data_fingerprint, inputs, outputs";

    private ServedModelVersion ReadVersion(DbDataReader reader) => new(
        reader.GetString(1),
        Convert.ToInt32(reader.GetValue(2), CultureInfo.InvariantCulture),
        ReadTime(reader, 3),
        reader.IsDBNull(4) ? null : reader.GetString(4),
        reader.IsDBNull(5) ? null : Convert.ToInt64(reader.GetValue(5), CultureInfo.InvariantCulture),
        reader.GetString(6),
        reader.GetString(7),
        JsonSerializer.Deserialize<List<ModelInputColumn>>(reader.GetString(8), Json) ?? [],
        JsonSerializer.Deserialize<List<ModelOutputColumn>>(reader.GetString(9), Json) ?? [])
    {
        Id = Convert.ToInt64(reader.GetValue(0), CultureInfo.InvariantCulture),
    };
}
