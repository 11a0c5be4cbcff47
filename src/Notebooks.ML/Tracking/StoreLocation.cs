using System.Text;

namespace Notebooks.ML.Tracking;

/// <summary>The two kinds of run store.</summary>
internal enum StoreKind
{
    Sqlite,
    Postgres,
}

/// <summary>
/// Where runs go: a SQLite file (the default, <c>notebooks-ml-runs.db</c> beside the notebook) or a PostgreSQL
/// database named by a connection string, and the folder that holds the saved models.
/// </summary>
internal sealed record StoreLocation(StoreKind Kind, string Target, string Display, string ModelsFolder)
{
    public static StoreLocation Resolve(string? location)
    {
        var given = string.IsNullOrWhiteSpace(location) ? Environment.GetEnvironmentVariable(RunStore.LocationVariable) : location;
        if (string.IsNullOrWhiteSpace(given))
        {
            given = Path.Combine(Environment.CurrentDirectory, RunStore.DefaultFileName);
        }

        given = given.Trim();
        return IsPostgres(given) ? Postgres(given) : Sqlite(given);
    }

    private static bool IsPostgres(string location) =>
        location.StartsWith("postgres://", StringComparison.OrdinalIgnoreCase)
        || location.StartsWith("postgresql://", StringComparison.OrdinalIgnoreCase)
        || (location.Contains('=', StringComparison.Ordinal) && location.Contains("host", StringComparison.OrdinalIgnoreCase));

    private static StoreLocation Sqlite(string location)
    {
        var path = Path.GetFullPath(location);
        if (Directory.Exists(path))
        {
            path = Path.Combine(path, RunStore.DefaultFileName);
        }

        var folder = Path.GetDirectoryName(path) ?? Environment.CurrentDirectory;
        var models = Path.Combine(folder, Path.GetFileNameWithoutExtension(path), "models");
        return new StoreLocation(StoreKind.Sqlite, path, path, models);
    }

    private static StoreLocation Postgres(string location)
    {
        var connection = location.Contains("://", StringComparison.Ordinal) ? FromUri(location) : location;
        var builder = new Npgsql.NpgsqlConnectionStringBuilder(connection);
        var display = $"postgresql://{builder.Username}@{builder.Host}:{builder.Port}/{builder.Database}";
        if (!string.IsNullOrEmpty(builder.SearchPath))
        {
            display += $" (schema {builder.SearchPath})";
        }

        var models = Environment.GetEnvironmentVariable(RunStore.ModelsVariable) is { Length: > 0 } folder
            ? Path.GetFullPath(folder)
            : Path.Combine(Environment.CurrentDirectory, Path.GetFileNameWithoutExtension(RunStore.DefaultFileName), "models");
        return new StoreLocation(StoreKind.Postgres, connection, display, models);
    }

    /// <summary><c>postgresql://user:password@host:port/database?key=value</c> → an Npgsql connection string.</summary>
    private static string FromUri(string uri)
    {
        if (!Uri.TryCreate(uri, UriKind.Absolute, out var parsed))
        {
            throw RunErrors.BadLocation(uri);
        }

        var builder = new StringBuilder($"Host={parsed.Host}");
        if (!parsed.IsDefaultPort && parsed.Port > 0)
        {
            builder.Append($";Port={parsed.Port}");
        }

        var user = parsed.UserInfo.Split(':', 2);
        if (user[0].Length > 0)
        {
            builder.Append($";Username={Uri.UnescapeDataString(user[0])}");
        }

        if (user.Length > 1)
        {
            builder.Append($";Password={Uri.UnescapeDataString(user[1])}");
        }

        var database = parsed.AbsolutePath.Trim('/');
        if (database.Length > 0)
        {
            builder.Append($";Database={Uri.UnescapeDataString(database)}");
        }

        foreach (var pair in parsed.Query.TrimStart('?').Split('&', StringSplitOptions.RemoveEmptyEntries))
        {
            var equals = pair.IndexOf('=', StringComparison.Ordinal);
            if (equals > 0)
            {
                builder.Append($";{Uri.UnescapeDataString(pair[..equals])}={Uri.UnescapeDataString(pair[(equals + 1)..])}");
            }
        }

        return builder.ToString();
    }
}
