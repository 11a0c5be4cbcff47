using Microsoft.Data.Sqlite;
using Notebooks.ML.Tracking;

namespace Notebooks.ML.Tests.Tracking;

/// <summary>The run store contract on SQLite, and what only a SQLite file has: its place, WAL, integrity after a kill.</summary>
[Collection("run store")]
public sealed class SqliteRunStoreTests : RunStoreContract
{
    private readonly string _folder = Directory.CreateTempSubdirectory("nbml-runs-").FullName;

    protected override string Location => Path.Combine(_folder, "runs.db");

    protected override void Execute(string sql)
    {
        using var connection = new SqliteConnection($"Data Source={Location};Pooling=False");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }

    protected override void AfterKill(RunStore store) =>
        Assert.Equal("ok", ((SqliteRunDatabase)store.Database).IntegrityCheck());

    [Fact]
    public void The_store_writes_ahead_to_a_log()
    {
        using var store = Open();
        Assert.Equal("sqlite", store.Kind);
        Assert.Equal("wal", ((SqliteRunDatabase)store.Database).JournalMode());
    }

    [Fact]
    public void Models_are_saved_in_a_folder_beside_the_store_and_named_relative_to_it()
    {
        using var store = RunStore.Open(Location);
        Assert.Equal(Path.Combine(_folder, "runs", "models"), store.ModelsFolder);
        var run = store.Record(TrainedModels.IrisLbfgs);
        Assert.Equal(Path.Combine(_folder, "runs", "models", run.Key + ".zip"), run.ModelPath);
        Assert.Empty(Directory.GetFiles(store.ModelsFolder, "*.partial"));

        using var connection = new SqliteConnection($"Data Source={Location};Pooling=False");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT model_path FROM nbml_runs";
        Assert.Equal($"runs/models/{run.Key}.zip", command.ExecuteScalar());
    }

    [Fact]
    public void Model_files_abandoned_by_a_killed_writer_are_removed_once_they_are_old()
    {
        using var store = RunStore.Open(Location);
        Directory.CreateDirectory(store.ModelsFolder);
        var old = Path.Combine(store.ModelsFolder, "old.zip.partial");
        var young = Path.Combine(store.ModelsFolder, "young.zip.partial");
        File.WriteAllText(old, "half a model");
        File.WriteAllText(young, "half a model, still being written");
        File.SetLastWriteTimeUtc(old, DateTime.UtcNow.AddHours(-2));

        store.Record(TrainedModels.IrisLbfgs);
        Assert.False(File.Exists(old));
        Assert.True(File.Exists(young));
    }

    [Fact]
    public void Without_a_location_the_store_is_the_environment_variable_or_a_file_in_the_current_folder()
    {
        var before = Environment.GetEnvironmentVariable(RunStore.LocationVariable);
        try
        {
            Environment.SetEnvironmentVariable(RunStore.LocationVariable, null);
            Assert.Equal(Path.Combine(Environment.CurrentDirectory, "notebooks-ml-runs.db"), StoreLocation.Resolve(null).Target);
            Assert.Equal(Path.Combine(Environment.CurrentDirectory, "notebooks-ml-runs", "models"), StoreLocation.Resolve(null).ModelsFolder);

            Environment.SetEnvironmentVariable(RunStore.LocationVariable, _folder);
            using var store = RunStore.Open();
            Assert.Equal(Path.Combine(_folder, "notebooks-ml-runs.db"), store.Location);
            Assert.True(File.Exists(store.Location));
        }
        finally
        {
            Environment.SetEnvironmentVariable(RunStore.LocationVariable, before);
        }
    }

    [Fact]
    public void A_store_that_cannot_be_created_says_where_and_why()
    {
        var blocker = Path.Combine(_folder, "a-file");
        File.WriteAllText(blocker, "not a folder");
        var message = Assert.Throws<NotebookException>(() => RunStore.Open(Path.Combine(blocker, "runs.db"))).Message;
        Assert.StartsWith($"Could not open the run store '{Path.Combine(blocker, "runs.db")}': ", message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_file_that_is_not_a_store_is_refused_with_its_path()
    {
        File.WriteAllText(Location, "this is not a database, just some text that happens to be long enough to look like a header");
        var message = Assert.Throws<NotebookException>(() => RunStore.Open(Location)).Message;
        Assert.StartsWith($"Could not open the run store '{Location}': ", message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("postgresql://ann:secret@db.example:5433/experiments", "postgresql://ann@db.example:5433/experiments")]
    [InlineData("Host=localhost;Database=runs;Username=bob;Password=pw;Search Path=team", "postgresql://bob@localhost:5432/runs (schema team)")]
    public void A_connection_string_chooses_postgresql_and_its_password_is_never_shown(string location, string display)
    {
        var resolved = StoreLocation.Resolve(location);
        Assert.Equal(StoreKind.Postgres, resolved.Kind);
        Assert.Equal(display, resolved.Display);
    }

    protected override void Cleanup()
    {
        try
        {
            Directory.Delete(_folder, recursive: true);
        }
        catch (IOException)
        {
            // See RunStoreContract.Dispose.
        }
    }
}
