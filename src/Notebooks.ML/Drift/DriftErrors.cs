using System.Globalization;

namespace Notebooks.ML.Drift;

/// <summary>The messages of the drift checks, worded like those of <see cref="Errors"/>: the value in quotes, what was expected, where.</summary>
internal static class DriftErrors
{
    /// <summary>"the current data 'cur'", or the name as it is when it already reads as words ("the reference").</summary>
    public static string Where(string side, string name) =>
        name.StartsWith("the ", StringComparison.Ordinal) ? name : name.Contains(' ', StringComparison.Ordinal) ? $"the {side} {name}" : $"the {side} '{name}'";

    public static NotebookException MissingColumn(string column, string side, string name, IEnumerable<string> available, bool defaulted)
    {
        var list = available.ToList();
        var suggestion = Errors.ClosestMatch(column, list) is { } near ? $" Did you mean '{near}'?" : "";
        var how = defaulted ? " Every column of the reference is compared unless --columns names some: name the ones both sides have." : "";
        return new($"Could not find the column '{column}' in {Where(side, name)}.{suggestion} Columns there: {string.Join(", ", list)}.{how}");
    }

    public static NotebookException TypeMismatch(string column, string referenceType, string currentType, string referenceName, string currentName) =>
        new($"The column '{column}' holds {referenceType} values in {Where("reference", referenceName)} but {currentType} values in {Where("current data", currentName)}: a drift test compares like with like. Convert one side, or leave the column out with --columns.");

    public static NotebookException UntestableType(string column, string type) =>
        new($"The column '{column}' holds {type} values, which no drift test takes (they take numbers and categories). Leave it out of --columns, or derive a number from it.");

    public static NotebookException NoValues(string column, string side, string name, long missing) =>
        new($"The column '{column}' has no values in {Where(side, name)} (all {missing.ToString("N0", CultureInfo.InvariantCulture)} rows are missing), so it cannot be tested. Leave it out with --columns.");

    public static NotebookException NoRows(string side, string name)
    {
        var where = Where(side, name);
        return new($"{char.ToUpperInvariant(where[0])}{where[1..]} has no rows to compare.");
    }

    public static NotebookException NoColumns(string referenceName) =>
        new($"There are no columns to compare in {Where("reference", referenceName)}: drift tests take numeric and categorical columns. Name some with --columns.");

    public static NotebookException UnknownMethod(string method) =>
        Errors.BadOption("--method", method, $"auto (Evidently's DataDriftPreset choice per column) or one of {string.Join(", ", DriftTests.All.Select(t => t.Name))}");

    public static NotebookException BadThreshold(double threshold, string? pValueTest) =>
        Errors.BadOption("--threshold", Errors.Format(threshold), pValueTest is null
            ? "a number above 0, such as 0.1 for a distance or 0.05 for a p-value"
            : $"a p-value level between 0 and 1 for the {pValueTest} test, such as 0.05");

    public static NotebookException BadDriftShare(double share) =>
        Errors.BadOption("--drift-share", Errors.Format(share), "a share of columns above 0 and at most 1, such as 0.5 (the dataset drifts when at least this share of its columns drift)");

    public static NotebookException NoReferenceSample() =>
        new($"The model has no reference sample: it was saved by a Notebooks.ML older than #!drift. Retrain it, or pass its training DataFrame as the reference.");

    public static NotebookException RunWithoutModel(string run) =>
        new($"The run {run} has no saved model, so it has no reference sample to compare with. Pass the training DataFrame as REFERENCE instead.");
}
