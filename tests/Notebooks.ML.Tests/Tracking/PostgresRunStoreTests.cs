using Notebooks.Tests;
using Npgsql;

namespace Notebooks.ML.Tests.Tracking;

/// <summary>
/// The run store contract on PostgreSQL. The database comes from <c>NOTEBOOKS_ML_TEST_POSTGRES</c> (a connection
/// string); each test gets a schema of its own, dropped afterwards. Without the variable these tests fail under CI
/// and skip elsewhere.
/// </summary>
[Collection("run store")]
public sealed class PostgresRunStoreTests : RunStoreContract
{
    public const string Variable = "NOTEBOOKS_ML_TEST_POSTGRES";

    private readonly string _schema = "nbml_test_" + Guid.NewGuid().ToString("N")[..12];
    private string? _location;

    private static string? Server => Environment.GetEnvironmentVariable(Variable) is { Length: > 0 } value ? value : null;

    protected override string Location
    {
        get
        {
            if (_location is not null)
            {
                return _location;
            }

            Requirements.Require(Server is not null, $"PostgreSQL ({Variable} is not set)", "start PostgreSQL: see .ci/run");
            using (var connection = new NpgsqlConnection(Server))
            {
                connection.Open();
                using var command = new NpgsqlCommand($"CREATE SCHEMA {_schema}", connection);
                command.ExecuteNonQuery();
            }

            _location = new NpgsqlConnectionStringBuilder(Server) { SearchPath = _schema }.ConnectionString;
            return _location;
        }
    }

    protected override void Execute(string sql)
    {
        using var connection = new NpgsqlConnection(Location);
        connection.Open();
        using var command = new NpgsqlCommand(sql, connection);
        command.ExecuteNonQuery();
    }

    protected override void Cleanup()
    {
        if (_location is null)
        {
            return;
        }

        NpgsqlConnection.ClearAllPools();
        using var connection = new NpgsqlConnection(Server);
        connection.Open();
        using var command = new NpgsqlCommand($"DROP SCHEMA IF EXISTS {_schema} CASCADE", connection);
        command.ExecuteNonQuery();
    }
}
