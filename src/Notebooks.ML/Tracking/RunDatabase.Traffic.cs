using System.Data.Common;
using System.Globalization;
using System.Text.Json;
using Notebooks.ML.Training;

namespace Notebooks.ML.Tracking;

/// <summary>The prediction log's SQL: served model versions, and one row per request (its rows as JSON arrays).</summary>
internal abstract partial class RunDatabase
{
    /// <summary>A commit of the log, ready to be written: its requests already encoded (see <see cref="TrafficJson"/>).</summary>
    internal sealed record Segment(string Server, DateTimeOffset FirstAt, DateTimeOffset LastAt, int Requests, int Refused, int Rows, string Entries);

    /// <summary>
    /// The version <paramref name="candidate"/> gets under its server name: the version it had when this model (same
    /// <paramref name="modelKey"/>) was served under that name before, else a new one numbered one more than the newest.
    /// </summary>
    public ServedModelVersion RegisterServed(ServedModelVersion candidate, string modelKey, string task, string label)
    {
        using var connection = Open();
        using var transaction = BeginSchemaTransaction(connection);
        using (var same = Command(connection, transaction, $"SELECT {VersionColumns} FROM nbml_served_models WHERE server = @server AND model_key = @key ORDER BY version DESC LIMIT 1"))
        {
            Add(same, "@server", candidate.Server);
            Add(same, "@key", modelKey);
            using var reader = same.ExecuteReader();
            if (reader.Read())
            {
                var known = ReadVersion(reader);
                reader.Close();
                transaction.Commit();
                return known;
            }
        }

        int? newest;
        using (var query = Command(connection, transaction, "SELECT MAX(version) FROM nbml_served_models WHERE server = @server"))
        {
            Add(query, "@server", candidate.Server);
            newest = query.ExecuteScalar() is { } value and not DBNull ? Convert.ToInt32(value, CultureInfo.InvariantCulture) : null;
        }

        var version = (newest ?? 0) + 1;
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

    /// <summary>Writes segments of the log in one transaction: all of them or, on failure, none.</summary>
    public void AppendSegments(IReadOnlyList<Segment> segments)
    {
        using var connection = Open();
        using var transaction = connection.BeginTransaction();
        using var command = Command(connection, transaction,
            $"INSERT INTO nbml_served_log (server, first_at, last_at, requests, refused, row_count, entries) VALUES (@server, @first, @last, @requests, @refused, @rows, {JsonParameter("entries")})");
        var parameters = new[] { "@server", "@first", "@last", "@requests", "@refused", "@rows", "@entries" }.Select(name =>
        {
            var parameter = command.CreateParameter();
            parameter.ParameterName = name;
            command.Parameters.Add(parameter);
            return parameter;
        }).ToArray();
        foreach (var segment in segments)
        {
            parameters[0].Value = segment.Server;
            parameters[1].Value = TimeValue(segment.FirstAt);
            parameters[2].Value = TimeValue(segment.LastAt);
            parameters[3].Value = segment.Requests;
            parameters[4].Value = segment.Refused;
            parameters[5].Value = segment.Rows;
            parameters[6].Value = segment.Entries;
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

    /// <summary>
    /// The segments of <paramref name="server"/>'s log that may hold requests answered at or after
    /// <paramref name="since"/>, oldest first; with <paramref name="last"/>, only the newest segments that hold that
    /// many requests.
    /// </summary>
    public IReadOnlyList<byte[]> ReadSegments(string server, DateTimeOffset? since, int? last)
    {
        using var connection = Open();
        using var command = Command(connection, null, "");
        var where = "server = @server";
        Add(command, "@server", server);
        if (since is { } from)
        {
            where += " AND last_at >= @since";
            Add(command, "@since", TimeValue(from));
        }

        command.CommandText = $"SELECT requests, entries FROM nbml_served_log WHERE {where} ORDER BY id{(last is null ? "" : " DESC")}";
        var segments = new List<byte[]>();
        long requests = 0;
        using var reader = command.ExecuteReader();
        while ((last is null || requests < last) && reader.Read())
        {
            requests += Convert.ToInt64(reader.GetValue(0), CultureInfo.InvariantCulture);
            segments.Add(System.Text.Encoding.UTF8.GetBytes(reader.GetString(1)));
        }

        if (last is not null)
        {
            segments.Reverse();
        }

        return segments;
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
