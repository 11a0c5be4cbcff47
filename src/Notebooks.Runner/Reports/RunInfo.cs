namespace Notebooks.Runner.Reports;

/// <summary>What the report's provenance footer says about a run.</summary>
internal sealed record RunInfo(
    string Notebook,
    DateTimeOffset? Started,
    DateTimeOffset? Finished,
    IReadOnlyDictionary<string, string> Parameters,
    IReadOnlyDictionary<string, string> Versions,
    bool ExecutedHere);
