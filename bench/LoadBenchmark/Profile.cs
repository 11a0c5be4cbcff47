using System.Diagnostics;
using nietras.SeparatedValues;
using Notebooks.ML.Data;

namespace Notebooks.ML.Bench;

/// <summary>Where the time goes: Sep alone, Sep with number parsing, and the whole load, on one file in one process.</summary>
internal static class Profile
{
    public static int Run(string path)
    {
        for (var round = 0; round < 2; round++)
        {
            Time("read bytes", () =>
            {
                using var stream = File.OpenRead(path);
                var buffer = new byte[1 << 16];
                long total = 0;
                int n;
                while ((n = stream.Read(buffer)) > 0)
                {
                    total += n;
                }

                return total;
            });
            Time("Sep rows only", () =>
            {
                using var reader = Sep.Reader(o => o with { Unescape = true, DisableColCountCheck = true }).FromFile(path);
                long cols = 0;
                foreach (var row in reader)
                {
                    cols += row.ColCount;
                }

                return cols;
            });
            Time("Sep + col spans", () =>
            {
                using var reader = Sep.Reader(o => o with { Unescape = true, DisableColCountCheck = true }).FromFile(path);
                long chars = 0;
                foreach (var row in reader)
                {
                    for (var c = 0; c < row.ColCount; c++)
                    {
                        chars += row[c].Span.Length;
                    }
                }

                return chars;
            });
            Time("Sep + TryParse<double> x7", () =>
            {
                using var reader = Sep.Reader(o => o with { Unescape = true, DisableColCountCheck = true }).FromFile(path);
                double sum = 0;
                foreach (var row in reader)
                {
                    for (var c = 0; c < 7; c++)
                    {
                        sum += row[c].Parse<double>();
                    }
                }

                return (long)sum;
            });
            Time("Fingerprint.OfFile", () => Fingerprint.OfFile(path).Length);
            LoadedData? loaded = null;
            Time("DataLoader.Load", () => (loaded = DataLoader.Load(path)).Data.Rows.Count);
            Time("DataLoader.Load, parallel", () => DataLoader.Load(path, new LoadOptions { Parallelism = Math.Max(2, Environment.ProcessorCount) }).Data.Rows.Count);
            Time("schema card", () => loaded!.Schema.Count);
            foreach (var column in loaded!.Data.Columns)
            {
                Time($"  summary {column.Name}", () => ColumnSummary.Describe(column).Distinct);
            }
        }

        return 0;
    }

    private static void Time(string what, Func<long> action)
    {
        var stopwatch = Stopwatch.StartNew();
        var result = action();
        Console.WriteLine($"{what,-28} {stopwatch.Elapsed.TotalSeconds,7:F3} s  ({result})");
    }
}
