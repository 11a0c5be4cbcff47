using System.Data.Common;
using System.Numerics;
using DuckDB.NET.Data;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.Data.Analysis;

namespace Notebooks.ML.Data;

/// <summary>
/// <c>--sql</c> queries, and Parquet files with nested columns, read by an in-process DuckDB. DuckDB streams the
/// file (Parquet row groups, CSV, JSON), so a query can aggregate or filter a file larger than memory: only its result
/// lands in the DataFrame. The result travels column by column: DuckDB writes it as a temporary Parquet file, which
/// <see cref="ParquetLoader"/> reads straight into typed columns. Each load gets its own in-memory database, gone when
/// the load ends.
/// </summary>
internal static class DuckDbLoader
{
    /// <summary>A Parquet file: column by column with Parquet.Net, or through DuckDB when it has nested columns.</summary>
    public static DataFrame Parquet(string path, LoadOptions options)
    {
        var fileName = Path.GetFileName(path);
        if (ParquetLoader.TryLoad(path, options, fileName) is { } frame)
        {
            return frame;
        }

        using var connection = Connect();
        return Run(connection, $"SELECT * FROM read_parquet({Literal(Path.GetFullPath(path))})", path, options, error => $"Could not read '{fileName}' as Parquet: {FirstLine(error)}");
    }

    /// <summary>Runs <see cref="LoadOptions.Sql"/> with the file as the view <c>data</c> (and as its stem, when that is a plain name).</summary>
    public static DataFrame Query(string path, string format, LoadOptions options)
    {
        using var connection = Connect();
        var source = Reader(path, format, options);
        var views = new List<string> { "data" };
        var stem = DataLoader.FileStem(path);
        if (SyntaxFacts.IsValidIdentifier(stem) && !string.Equals(stem, "data", StringComparison.OrdinalIgnoreCase))
        {
            views.Add(stem);
        }

        var tables = string.Join(" or ", views);
        string? unreadable = null;
        foreach (var view in views)
        {
            using var create = connection.CreateCommand();
            create.CommandText = $"CREATE VIEW \"{view}\" AS SELECT * FROM {source}";
            try
            {
                create.ExecuteNonQuery();
            }
            catch (DuckDBException e)
            {
                // DuckDB reads the file's head to make the view: a file it cannot read as its format fails here. A
                // query that reads the file itself (read_csv(…, max_line_size = …)) does not need the view.
                unreadable = $"DuckDB could not read '{Path.GetFileName(path)}' as {format} for --sql (the table {tables}): {FirstLine(e.Message)}";
                break;
            }
        }

        string Describe(string error) => unreadable ?? $"The --sql query over '{Path.GetFileName(path)}' (table {tables}) failed: {error}";
        var result = Path.Combine(Path.GetTempPath(), $"nbml-sql-{Guid.NewGuid():N}.parquet");
        try
        {
            using (var copy = connection.CreateCommand())
            {
                copy.CommandText = $"COPY (\n{options.Sql!.Trim().TrimEnd(';')}\n) TO {Literal(result)} (FORMAT parquet, COMPRESSION uncompressed)";
                try
                {
                    copy.ExecuteNonQuery();
                }
                catch (DuckDBException)
                {
                    // A bad query fails again below with DuckDB's own message; a result that COPY cannot write as
                    // Parquet (a statement that is not a query, a type Parquet lacks) is read row by row instead.
                    return Run(connection, options.Sql!, path, options, Describe);
                }
            }

            return ParquetLoader.TryLoad(result, options, Path.GetFileName(path))
                ?? Run(connection, $"SELECT * FROM read_parquet({Literal(result)})", path, options, Describe);
        }
        finally
        {
            File.Delete(result);
        }
    }

    private static DuckDBConnection Connect()
    {
        var connection = new DuckDBConnection("DataSource=:memory:");
        connection.Open();
        return connection;
    }

    private static string Reader(string path, string format, LoadOptions options)
    {
        switch (format)
        {
            case "parquet":
                return $"read_parquet({Literal(Path.GetFullPath(path))})";
            case "json":
                return $"read_json_auto({Literal(Path.GetFullPath(path))})";
            case "jsonl":
                return $"read_json_auto({Literal(Path.GetFullPath(path))}, format = 'newline_delimited')";
            default:
                var arguments = new List<string> { Literal(Path.GetFullPath(path)), $"header = {(options.NoHeader ? "false" : "true")}" };
                char? separator = options.Separator ?? (format == "tsv" ? '\t' : null);
                if (separator is { } s)
                {
                    arguments.Add($"delim = {Literal(s.ToString())}");
                }

                return $"read_csv({string.Join(", ", arguments)})";
        }
    }

    private static DataFrame Run(DuckDBConnection connection, string sql, string path, LoadOptions options, Func<string, string> describe)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        DbDataReader reader;
        try
        {
            reader = command.ExecuteReader();
        }
        catch (DuckDBException e)
        {
            throw Errors.Fail(describe(e.Message.Trim()));
        }

        using (reader)
        {
            return Read(reader, Path.GetFileName(path), options);
        }
    }

    private static DataFrame Read(DbDataReader reader, string fileName, LoadOptions options)
    {
        var names = CsvLoader.UniqueNames(Enumerable.Range(0, reader.FieldCount).Select(reader.GetName).ToArray());
        var overrides = TypeOverrides.Resolve(fileName, names, options.Types);
        var natural = Enumerable.Range(0, names.Length).Select(i => KindOf(reader.GetFieldType(i))).ToArray();
        var builders = natural.Select((k, i) => ColumnBuilder.Create(overrides[i] ?? k)).ToArray();
        var rows = 0;
        while (reader.Read())
        {
            var row = rows++;
            foreach (var builder in builders)
            {
                builder.Reserve(row + 1);
            }

            for (var c = 0; c < builders.Length; c++)
            {
                if (reader.IsDBNull(c))
                {
                    builders[c].SetMissing(row);
                    continue;
                }

                var value = reader.GetValue(c);
                if (builders[c].Kind == natural[c])
                {
                    builders[c].SetObject(row, value);
                }
                else if (!builders[c].TrySet(row, ValueParser.Format(value)))
                {
                    throw Errors.Fail($"Row {row + 1} of '{fileName}', column '{names[c]}': '{ValueParser.Format(value)}' is not a valid {CsvLoader.KindName(builders[c].Kind)} (set by --types).");
                }
            }
        }

        return new DataFrame(builders.Select((b, i) => b.Build(names[i], rows)));
    }

    private static ColumnKind KindOf(Type type) => type switch
    {
        _ when type == typeof(bool) => ColumnKind.Boolean,
        _ when type == typeof(sbyte) || type == typeof(byte) || type == typeof(short) || type == typeof(ushort) || type == typeof(int) => ColumnKind.Int32,
        _ when type == typeof(uint) || type == typeof(long) => ColumnKind.Int64,
        _ when type == typeof(ulong) || type == typeof(float) || type == typeof(double) || type == typeof(decimal) || type == typeof(BigInteger) => ColumnKind.Double,
        _ when type == typeof(DateTime) || type == typeof(DateOnly) || type == typeof(DateTimeOffset) => ColumnKind.DateTime,
        _ => ColumnKind.String,
    };

    private static string Literal(string text) => "'" + text.Replace("'", "''", StringComparison.Ordinal) + "'";

    private static string FirstLine(string text)
    {
        var end = text.IndexOf('\n', StringComparison.Ordinal);
        return (end < 0 ? text : text[..end]).Trim();
    }
}
