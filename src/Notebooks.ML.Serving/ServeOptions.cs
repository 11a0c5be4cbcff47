namespace Notebooks.ML.Serving;

/// <summary>
/// How a model is served: where it listens, what it accepts, and where its prediction log goes. The same options
/// drive <c>#!serve</c>, <c>notebooks serve</c> and an exported app (section <c>Serving</c> of its appsettings.json).
/// </summary>
public sealed class ServeOptions
{
    /// <summary>The environment variable that holds the API key when none is given.</summary>
    public const string ApiKeyVariable = "NOTEBOOKS_ML_API_KEY";

    /// <summary>The default body limit: 16 MB.</summary>
    public const long DefaultMaxBodyBytes = 16L * 1024 * 1024;

    /// <summary>The default row limit of one request.</summary>
    public const int DefaultMaxRows = 100_000;

    /// <summary>The server's name: in <c>#!serve list</c>, <c>/version</c>, and the prediction log (<c>served:NAME</c>).</summary>
    public string Name { get; set; } = "model";

    /// <summary>The address to listen on (default 127.0.0.1: this machine only). <c>0.0.0.0</c> or <c>*</c> listens on every interface.</summary>
    public string Host { get; set; } = "127.0.0.1";

    /// <summary>The port (0, the default: a free one).</summary>
    public int Port { get; set; }

    /// <summary>The key every endpoint but <c>/ping</c> and <c>/health</c> requires; without one, <see cref="ApiKeyVariable"/>; empty: none.</summary>
    public string? ApiKey { get; set; }

    /// <summary>The largest request body, in bytes; a larger one gets 413.</summary>
    public long MaxBodyBytes { get; set; } = DefaultMaxBodyBytes;

    /// <summary>The most rows one request may hold; more get 400.</summary>
    public int MaxRows { get; set; } = DefaultMaxRows;

    /// <summary>Whether answered and refused requests go to the prediction log.</summary>
    public bool Log { get; set; } = true;

    /// <summary>The run store that holds the prediction log: a SQLite file or a PostgreSQL connection string (default: the notebook's store).</summary>
    public string? Store { get; set; }

    /// <summary>What the model is called where it came from (a variable, a file, a run), for <c>/version</c> and the log.</summary>
    public string? ModelName { get; set; }

    /// <summary>The API key in force: <see cref="ApiKey"/>, else <see cref="ApiKeyVariable"/>; null when neither is set.</summary>
    public string? EffectiveApiKey =>
        ApiKey is { Length: > 0 } key ? key
        : ApiKey is null && Environment.GetEnvironmentVariable(ApiKeyVariable) is { Length: > 0 } fromEnvironment ? fromEnvironment
        : null;

    /// <summary>A copy, so that a running server never sees later changes.</summary>
    public ServeOptions Clone() => (ServeOptions)MemberwiseClone();
}
