using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json;
using DuckDB.NET.Data;
using Notebooks.ML.Data;
using Parquet;

namespace Notebooks.ML.Bench;

/// <summary>
/// Parquet and JSON: our load against the peers on the same generated files. Each reader runs in a process of its
/// own, loads the file once to warm up (a warm load, as in a session), then times <c>runs</c> loads in a row and
/// reports the fastest and the median.
/// </summary>
internal static class Formats
{
    /// <summary>One reader's timings: fastest and median wall seconds of the timed loads, and what it read.</summary>
    internal sealed record Timing(double Best, double Median, double CpuBest, long Rows, int Columns);

    public static void Parquet(string data, int rows, int runs)
    {
        var parquet = Path.Combine(data, $"parquet-{rows}.parquet");
        var csv = Path.Combine(data, $"parquet-{rows}.csv");
        if (!File.Exists(parquet) || !File.Exists(csv))
        {
            Console.WriteLine($"generating {Path.GetFileName(parquet)} and the same data as CSV ({rows:N0} rows)…");
            WriteParquetAndCsv(parquet, csv, rows);
        }

        var groups = RowGroups(parquet).GetAwaiter().GetResult();
        {
            Console.WriteLine($"Parquet: {rows:N0} rows × 5 (a timestamp, two int64, two short strings), {groups} row groups, {new FileInfo(parquet).Length / 1e6:F1} MB (Snappy, as DuckDB writes it); the same data as CSV {new FileInfo(csv).Length / 1e6:F1} MB");
        }

        var ours = Child("parquet-ours", parquet, runs);
        var raw = Child("parquet-raw", parquet, runs);
        var kept = Child("parquet-raw-kept", parquet, runs);
        var strings = Child("parquet-net-strings", parquet, runs);
        var duck = Child("parquet-duckdb", parquet, runs);
        var ourCsv = Child("csv-ours", csv, runs);
        var pandas = PandasAvailable("pyarrow") ? Python(PandasParquet, parquet, runs) : null;

        Header("reader");
        Line("ours: DataLoader.Load (#!load)", ours, ours);
        Line("Parquet.Net raw, into arrays it keeps", kept, ours);
        Line("Parquet.Net raw, pooled (disposed) bufs", raw, ours);
        Line("Parquet.Net, text as string[]", strings, ours);
        Line("DuckDB: CREATE TABLE AS read_parquet", duck, ours);
        Line("ours: the same data as CSV", ourCsv, ours);
        if (pandas is not null)
        {
            Line("pandas read_parquet (pyarrow)", pandas, ours);
        }
        else
        {
            Console.WriteLine($"{"pandas read_parquet",-40} not run: Debian 12 packages neither pyarrow nor fastparquet (apt-cache search finds none), and PyPI is not reachable here");
        }

        Console.WriteLine($"→ ours takes {ours.Best / kept.Best:F2}× the time of a raw Parquet.Net read of the same columns into arrays it keeps (target ≤ 1.3×; CPU {ours.CpuBest / kept.CpuBest:F2}×), {ours.Best / raw.Best:F2}× one into pooled buffers handed back after each read (CPU {ours.CpuBest / raw.CpuBest:F2}×), {ours.Best / strings.Best:F2}× Parquet.Net with .NET strings; our load of the same data as CSV takes {ourCsv.Best / ours.Best:F1}× as long (target ≥ 3×; CPU {ourCsv.CpuBest / ours.CpuBest:F1}×)");
        Console.WriteLine();
    }

    public static void Json(string data, int rows, int runs)
    {
        var json = Path.Combine(data, $"json-{rows}.json");
        var lines = Path.Combine(data, $"json-{rows}.jsonl");
        if (!File.Exists(json) || !File.Exists(lines))
        {
            Console.WriteLine($"generating {Path.GetFileName(json)} and {Path.GetFileName(lines)} ({rows:N0} rows × 3 numbers)…");
            WriteJson(json, lines, rows);
        }

        Console.WriteLine($"JSON: {rows:N0} objects × 3 numbers (an int, two doubles): array {new FileInfo(json).Length / 1e6:F1} MB, lines {new FileInfo(lines).Length / 1e6:F1} MB");
        Header("reader");
        var ratios = new List<string>();
        foreach (var (path, name, lined) in new[] { (json, "JSON array", false), (lines, "JSON lines", true) })
        {
            var ours = Child("json-ours", path, runs);
            var pandas = Python(lined ? PandasJsonLines : PandasJson, path, runs);
            Line($"ours, {name}", ours, ours);
            Line($"pandas read_json, {name}", pandas, ours);
            ratios.Add($"{name} {pandas.Best / ours.Best:F2}× (CPU {pandas.CpuBest / ours.CpuBest:F2}×)");
        }

        Console.WriteLine($"→ ours is faster than pandas by: {string.Join(", ", ratios)} (target ≥ 1.5×)");
        Console.WriteLine();
    }

    private static async Task<int> RowGroups(string path)
    {
        await using var reader = await ParquetReader.CreateAsync(path);
        return reader.RowGroupCount;
    }

    private static void Header(string first) =>
        Console.WriteLine($"{first,-40} {"best s",8} {"median s",9} {"cpu s",7} {"vs ours",8}  shape");

    private static void Line(string reader, Timing m, Timing ours) =>
        Console.WriteLine($"{reader,-40} {m.Best,8:F3} {m.Median,9:F3} {m.CpuBest,7:F2} {(m == ours ? "1.00×" : $"{m.Best / ours.Best:F2}×"),8}  {m.Rows:N0}×{m.Columns}");

    private static void WriteParquetAndCsv(string parquet, string csv, int rows)
    {
        using var connection = new DuckDBConnection("DataSource=:memory:");
        connection.Open();
        using var command = connection.CreateCommand();
        // Deterministic: DuckDB's hash() of the row number. 275,000-row groups give 11 groups for 3,000,000 rows.
        command.CommandText = $"""
            CREATE TABLE t AS SELECT TIMESTAMP '2024-01-01' + INTERVAL (i * 7) SECOND AS ts,
                   (hash(i) % 100000)::BIGINT AS customer, (i * 3 + hash(i) % 3)::BIGINT AS amount_cents,
                   'region_' || (hash(i + 1) % 12) AS region, 'sku_' || (hash(i + 2) % 500) AS sku
            FROM range({rows}) r(i);
            COPY t TO '{parquet}' (FORMAT parquet, ROW_GROUP_SIZE 275000);
            COPY t TO '{csv}' (FORMAT csv, HEADER, TIMESTAMPFORMAT '%Y-%m-%d %H:%M:%S');
            """;
        command.ExecuteNonQuery();
    }

    private static void WriteJson(string json, string lines, int rows)
    {
        var state = 7UL;
        using var array = new StreamWriter(json, append: false, new UTF8Encoding(false), 1 << 20);
        using var perLine = new StreamWriter(lines, append: false, new UTF8Encoding(false), 1 << 20);
        array.Write('[');
        for (var r = 0; r < rows; r++)
        {
            var id = (int)(Generator.Next(ref state) % 1_000_000);
            var x = (Generator.Next(ref state) % 2_000_000_000) / 1e6 - 1000;
            var y = (Generator.Next(ref state) % 100_000) / 100.0;
            var record = string.Create(CultureInfo.InvariantCulture, $"{{\"id\": {id}, \"x\": {x:0.######}, \"y\": {y:0.##}}}");
            array.Write(r == 0 ? "\n" : ",\n");
            array.Write(record);
            perLine.Write(record);
            perLine.Write('\n');
        }

        array.Write("\n]\n");
    }

    private static Timing Child(string tool, string path, int runs)
    {
        var output = Runner.CaptureSelf(["format-child", tool, path, runs.ToString(CultureInfo.InvariantCulture)]);
        return JsonSerializer.Deserialize<Timing>(output.Trim().Split('\n')[^1])!;
    }

    /// <summary>In the child process: warm up with one load, then time <paramref name="runs"/> loads.</summary>
    public static int RunChild(string tool, string path, int runs)
    {
        var (rows, columns) = Load(tool, path);
        var seconds = new List<double>();
        var cpu = new List<double>();
        for (var i = 0; i < runs; i++)
        {
            GC.Collect();
            GC.WaitForPendingFinalizers();
            var before = Process.GetCurrentProcess().TotalProcessorTime;
            var stopwatch = Stopwatch.StartNew();
            (rows, columns) = Load(tool, path);
            seconds.Add(stopwatch.Elapsed.TotalSeconds);
            cpu.Add((Process.GetCurrentProcess().TotalProcessorTime - before).TotalSeconds);
        }

        seconds.Sort();
        Console.WriteLine(JsonSerializer.Serialize(new Timing(seconds[0], seconds[seconds.Count / 2], cpu.Min(), rows, columns)));
        return 0;
    }

    private static (long Rows, int Columns) Load(string tool, string path)
    {
        switch (tool)
        {
            case "parquet-ours" or "csv-ours" or "json-ours":
                var frame = DataLoader.Load(path).Data;
                return (frame.Rows.Count, frame.Columns.Count);
            case "parquet-raw":
                return ParquetNet(path, strings: false).GetAwaiter().GetResult();
            case "parquet-raw-kept":
                return ParquetNetKept(path).GetAwaiter().GetResult();
            case "parquet-net-strings":
                return ParquetNet(path, strings: true).GetAwaiter().GetResult();
            case "parquet-duckdb":
                using (var connection = new DuckDBConnection("DataSource=:memory:"))
                {
                    connection.Open();
                    using var command = connection.CreateCommand();
                    command.CommandText = $"CREATE TABLE t AS SELECT * FROM read_parquet('{path}')";
                    command.ExecuteNonQuery();
                    command.CommandText = "SELECT count(*) FROM t";
                    var count = Convert.ToInt64(command.ExecuteScalar(), CultureInfo.InvariantCulture);
                    command.CommandText = "SELECT count(*) FROM (DESCRIBE t)";
                    return (count, Convert.ToInt32(command.ExecuteScalar(), CultureInfo.InvariantCulture));
                }

            default:
                throw new ArgumentException($"unknown tool {tool}");
        }
    }

    /// <summary>
    /// Parquet.Net alone, every column of every row group: typed arrays of values and definition levels (text as
    /// <see cref="ReadOnlyMemory{T}"/> slices of the decoded pages), or with text made into .NET strings.
    /// </summary>
    private static async Task<(long Rows, int Columns)> ParquetNet(string path, bool strings)
    {
        await using var reader = await ParquetReader.CreateAsync(path);
        var fields = reader.Schema.GetDataFields();
        long rows = 0;
        var keep = new List<object>();
        for (var g = 0; g < reader.RowGroupCount; g++)
        {
            var group = reader.OpenRowGroupReader(g);
            rows += group.RowCount;
            foreach (var field in fields)
            {
                if (strings && field.ClrType == typeof(ReadOnlyMemory<char>))
                {
                    var values = new string?[group.RowCount];
                    await group.ReadAsync(field, values.AsMemory());
                    keep.Add(values);
                }
                else
                {
                    var raw = await group.ReadRawColumnDataBaseAsync(field);
                    keep.Add(raw);
                }
            }
        }

        GC.KeepAlive(keep);
        foreach (var item in keep.OfType<IDisposable>())
        {
            item.Dispose();
        }

        return (rows, fields.Length);
    }

    /// <summary>
    /// Parquet.Net alone into arrays that are kept, as a DataFrame keeps its columns: per column one array of values
    /// for the whole file (text as <see cref="ReadOnlyMemory{T}"/>) and one of definition levels, each row group read
    /// into its slice. Fresh memory every load, as ours needs.
    /// </summary>
    private static async Task<(long Rows, int Columns)> ParquetNetKept(string path)
    {
        await using var reader = await ParquetReader.CreateAsync(path);
        var fields = reader.Schema.GetDataFields();
        var rows = 0;
        for (var g = 0; g < reader.RowGroupCount; g++)
        {
            rows += (int)reader.OpenRowGroupReader(g).RowCount;
        }

        var columns = new List<Array>();
        foreach (var field in fields)
        {
            var levels = new int[rows];
            Array values = field.ClrType == typeof(DateTime) ? new DateTime[rows]
                : field.ClrType == typeof(long) ? new long[rows]
                : field.ClrType == typeof(ReadOnlyMemory<char>) ? new ReadOnlyMemory<char>[rows]
                : throw new NotSupportedException($"the bench file has no {field.ClrType} column");
            var offset = 0;
            for (var g = 0; g < reader.RowGroupCount; g++)
            {
                var group = reader.OpenRowGroupReader(g);
                var count = (int)group.RowCount;
                var slice = levels.AsMemory(offset, count);
                switch (values)
                {
                    case DateTime[] dates:
                        await group.ReadRawAsync(field, dates.AsMemory(offset, count), slice, null);
                        break;
                    case long[] longs:
                        await group.ReadRawAsync(field, longs.AsMemory(offset, count), slice, null);
                        break;
                    case ReadOnlyMemory<char>[] texts:
                        await group.ReadRawAsync(field, texts.AsMemory(offset, count), slice, null);
                        break;
                }

                offset += count;
            }

            columns.Add(values);
            columns.Add(levels);
        }

        GC.KeepAlive(columns);
        return (rows, fields.Length);
    }

    private const string PandasParquet = """
        import pandas as pd
        def load(path):
            return pd.read_parquet(path)
        """;

    private const string PandasJson = """
        import pandas as pd
        def load(path):
            return pd.read_json(path)
        """;

    private const string PandasJsonLines = """
        import pandas as pd
        def load(path):
            return pd.read_json(path, lines=True)
        """;

    private const string PythonHarness = """
        import gc, json, sys, time
        path, runs = sys.argv[1], int(sys.argv[2])
        df = load(path)
        seconds, cpus = [], []
        for _ in range(runs):
            gc.collect()
            start, cpu = time.perf_counter(), time.process_time()
            df = load(path)
            seconds.append(time.perf_counter() - start)
            cpus.append(time.process_time() - cpu)
        seconds.sort()
        print(json.dumps({'Best': seconds[0], 'Median': seconds[len(seconds) // 2], 'CpuBest': min(cpus), 'Rows': len(df), 'Columns': len(df.columns)}))
        """;

    private static Timing Python(string loader, string path, int runs)
    {
        var output = Runner.CapturePython([loader + "\n" + PythonHarness, path, runs.ToString(CultureInfo.InvariantCulture)]);
        return JsonSerializer.Deserialize<Timing>(output.Trim().Split('\n')[^1])!;
    }

    private static bool PandasAvailable(string module)
    {
        try
        {
            Runner.CapturePython([$"import {module}"]);
            return true;
        }
        catch (InvalidOperationException)
        {
            return false;
        }
    }
}
