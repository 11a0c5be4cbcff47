using DuckDB.NET.Data;

namespace Notebooks.ML.Tests.Data;

/// <summary>A temporary folder for files a test writes, deleted afterwards.</summary>
public sealed class TestFiles : IDisposable
{
    public string Folder { get; } = Directory.CreateTempSubdirectory("nbml-data-").FullName;

    public string Write(string name, string text)
    {
        var path = Path.Combine(Folder, name);
        File.WriteAllText(path, text);
        return path;
    }

    /// <summary>Writes a Parquet file from a DuckDB query (DuckDB writes real, spec-following Parquet).</summary>
    public string Parquet(string name, string query)
    {
        var path = Path.Combine(Folder, name);
        using var connection = new DuckDBConnection("DataSource=:memory:");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = $"COPY ({query}) TO '{path.Replace("'", "''", StringComparison.Ordinal)}' (FORMAT parquet)";
        command.ExecuteNonQuery();
        return path;
    }

    public void Dispose() => Directory.Delete(Folder, recursive: true);
}
