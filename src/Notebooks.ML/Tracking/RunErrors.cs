namespace Notebooks.ML.Tracking;

/// <summary>The messages of the run store, worded like those of <see cref="Errors"/>: the value in quotes, what was expected, where.</summary>
internal static class RunErrors
{
    public static NotebookException BadLocation(string location) =>
        new($"The run store '{location}' is neither a file path nor a PostgreSQL connection string (such as Host=localhost;Database=runs;Username=me).");

    public static NotebookException CannotOpen(string display, Exception inner) =>
        new($"Could not open the run store '{display}': {inner.Message}", inner);

    public static NotebookException CannotSaveModel(string folder, Exception inner) =>
        new($"Could not save the model in '{folder}': {inner.Message}", inner);

    public static NotebookException NewerSchema(string display, int found, int known) =>
        new($"The run store '{display}' has schema version {found}, written by a newer Notebooks.ML; this version knows up to {known}. Update Notebooks.ML, or use another store with --store.");

    public static NotebookException BadRunId(string value) =>
        new($"'{value}' is not a run. Expected a run number such as 12 or #12 (see #!runs list), or 'last'.");

    public static NotebookException UnknownRun(string value, string display, long? newest) =>
        new(newest is null
            ? $"There is no run {value} in '{display}': it holds no runs yet. Every #!train records one."
            : $"There is no run {value} in '{display}'. Runs are numbered #1 to #{newest}; see #!runs list.");

    public static NotebookException NoRuns(string display) =>
        new($"There are no runs in '{display}' yet. Every #!train records one.");

    public static NotebookException UnknownMetric(string metric, IReadOnlyCollection<string> recorded)
    {
        var suggestion = Errors.ClosestMatch(metric, recorded) is { } near ? $" Did you mean '{near}'?" : "";
        var list = recorded.Count == 0 ? "none" : string.Join(", ", recorded);
        return new($"No run recorded the metric '{metric}'.{suggestion} Recorded metrics: {list}.");
    }

    public static NotebookException NoMatchingRuns(string display) =>
        new($"No run in '{display}' matches the filter; see #!runs list without filters.");
}
