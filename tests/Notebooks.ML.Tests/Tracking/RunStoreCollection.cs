namespace Notebooks.ML.Tests.Tracking;

/// <summary>
/// The tracking tests share trained model objects, whose run links (<see cref="ML.Tracking.ModelRuns"/>) are
/// process-wide: they run one at a time.
/// </summary>
[CollectionDefinition("run store", DisableParallelization = true)]
public sealed class RunStoreCollection;
