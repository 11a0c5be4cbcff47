using System.Diagnostics;

namespace Notebooks.ML.Serving;

/// <summary>
/// Counts since the server started, for <c>#!serve list</c>: requests, refusals, rows, and latency percentiles from
/// a lock-free log-scale histogram (buckets 1/16 of a power of two wide: a percentile is within 4.4%).
/// </summary>
public sealed class ServerStats
{
    private const int BucketsPerDoubling = 16;
    private const int Buckets = BucketsPerDoubling * 40;
    private readonly long[] _buckets = new long[Buckets];
    private long _requests;
    private long _errors;
    private long _rows;

    /// <summary>Prediction requests answered or refused.</summary>
    public long Requests => Interlocked.Read(ref _requests);

    /// <summary>Requests refused (4xx).</summary>
    public long Errors => Interlocked.Read(ref _errors);

    /// <summary>Rows predicted.</summary>
    public long Rows => Interlocked.Read(ref _rows);

    /// <summary>The median latency in milliseconds (NaN before the first request).</summary>
    public double P50 => Percentile(0.5);

    /// <summary>The 99th-percentile latency in milliseconds (NaN before the first request).</summary>
    public double P99 => Percentile(0.99);

    internal void Record(long startTimestamp, int rows, bool error)
    {
        Interlocked.Increment(ref _requests);
        if (error)
        {
            Interlocked.Increment(ref _errors);
        }

        Interlocked.Add(ref _rows, rows);
        var microseconds = Math.Max(1, Stopwatch.GetElapsedTime(startTimestamp).Ticks / 10.0);
        var bucket = Math.Min(Buckets - 1, (int)(Math.Log2(microseconds) * BucketsPerDoubling));
        Interlocked.Increment(ref _buckets[bucket]);
    }

    /// <summary>The latency at quantile <paramref name="q"/> (0 to 1), in milliseconds: the middle of its bucket.</summary>
    public double Percentile(double q)
    {
        var counts = new long[Buckets];
        for (var i = 0; i < counts.Length; i++)
        {
            counts[i] = Interlocked.Read(ref _buckets[i]);
        }

        var total = counts.Sum();
        if (total == 0)
        {
            return double.NaN;
        }

        var rank = Math.Max(1, (long)Math.Ceiling(q * total));
        long seen = 0;
        for (var i = 0; i < counts.Length; i++)
        {
            seen += counts[i];
            if (seen >= rank)
            {
                return Math.Pow(2, (i + 0.5) / BucketsPerDoubling) / 1000;
            }
        }

        return double.NaN;
    }
}
