using System.Runtime.CompilerServices;
using Microsoft.Data.Analysis;

namespace Notebooks.ML.Data;

/// <summary>Remembers where each loaded <see cref="DataFrame"/> came from, without keeping it alive.</summary>
public static class DataProvenance
{
    private static readonly ConditionalWeakTable<DataFrame, LoadedData> _origins = [];

    internal static void Record(DataFrame frame, LoadedData origin) => _origins.AddOrUpdate(frame, origin);

    /// <summary>Where <paramref name="frame"/> was loaded from, or <see langword="null"/> when it was built in code.</summary>
    public static LoadedData? Of(DataFrame frame) => _origins.TryGetValue(frame, out var origin) ? origin : null;
}
