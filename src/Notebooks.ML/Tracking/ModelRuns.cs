using System.Runtime.CompilerServices;
using Notebooks.ML.Training;

namespace Notebooks.ML.Tracking;

/// <summary>
/// What the experiment log knows about a model object: its run, the store it is in, and the data watch of the
/// notebook that trained it. Cards ask here, so that every display of a model shows its run and whether it is stale.
/// </summary>
public static class ModelRuns
{
    private static readonly ConditionalWeakTable<TrainedModel, Entry> _entries = [];

    private sealed record Entry(Run? Run, string? Store, DataWatch? Watch, string? Problem);

    /// <summary>Links <paramref name="model"/> to its recorded <paramref name="run"/> in the store shown as <paramref name="store"/>.</summary>
    public static void Attach(TrainedModel model, Run run, string store, DataWatch? watch = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        _entries.AddOrUpdate(model, new Entry(run, store, watch ?? Of(model).Watch, null));
    }

    /// <summary>Links <paramref name="model"/> to the data watch of the notebook that trained it.</summary>
    public static void Watch(TrainedModel model, DataWatch watch)
    {
        ArgumentNullException.ThrowIfNull(model);
        var entry = Of(model);
        _entries.AddOrUpdate(model, entry with { Watch = watch });
    }

    /// <summary>Says that <paramref name="model"/> could not be recorded, and why (shown on its card).</summary>
    public static void NotRecorded(TrainedModel model, string problem)
    {
        ArgumentNullException.ThrowIfNull(model);
        _entries.AddOrUpdate(model, Of(model) with { Problem = problem });
    }

    /// <summary>The run recorded for <paramref name="model"/>, or <see langword="null"/>.</summary>
    public static Run? RunOf(TrainedModel model) => model is null ? null : Of(model).Run;

    /// <summary>The store that holds the run of <paramref name="model"/>, as cards name it.</summary>
    public static string? StoreOf(TrainedModel model) => model is null ? null : Of(model).Store;

    /// <summary>Why <paramref name="model"/> was not recorded, or <see langword="null"/>.</summary>
    public static string? ProblemOf(TrainedModel model) => model is null ? null : Of(model).Problem;

    /// <summary>
    /// Why the results of <paramref name="model"/> are out of date (its data has been reloaded with other content
    /// since it was trained), or <see langword="null"/>.
    /// </summary>
    public static string? Staleness(TrainedModel model)
    {
        ArgumentNullException.ThrowIfNull(model);
        return Of(model).Watch?.StalenessOf(model.Info.DataName, model.Info.DataFingerprint);
    }

    private static Entry Of(TrainedModel model) => _entries.TryGetValue(model, out var entry) ? entry : new Entry(null, null, null, null);
}
