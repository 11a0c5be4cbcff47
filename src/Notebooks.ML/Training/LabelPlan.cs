using Microsoft.Data.Analysis;
using Notebooks.ML.Data;

namespace Notebooks.ML.Training;

/// <summary>How the label column becomes ML.NET's <c>Label</c>: the task, and for classification the classes.</summary>
internal sealed class LabelPlan
{
    private const int MaxClasses = 100;

    internal LabelPlan(string column, MLTask task, string[] classes, bool inferred, string reason)
    {
        Column = column;
        Task = task;
        Classes = classes;
        Inferred = inferred;
        Reason = reason;
    }

    public string Column { get; }

    public MLTask Task { get; }

    /// <summary>Class names in order; for binary the second one is the positive class.</summary>
    public string[] Classes { get; }

    public bool Inferred { get; }

    public string Reason { get; }

    public string? PositiveClass => Task == MLTask.Binary ? Classes[1] : null;

    /// <summary>Clustering has no label; <paramref name="column"/> (optional) is only compared with the clusters.</summary>
    public static LabelPlan Clustering(string? column) => new(column ?? "", MLTask.Clustering, [], false, "asked for");

    public static LabelPlan Create(DataFrameColumn label, string requestedTask, string source)
    {
        var task = requestedTask.Trim().ToLowerInvariant();
        var numeric = Columns.IsNumeric(label);
        var isBool = label.DataType == typeof(bool);
        var text = Columns.AsText(label);
        var classes = text.Where(v => v is not null).Distinct().Select(v => v!).ToArray();
        if (classes.Length == 0)
        {
            throw Errors.Fail($"The label column '{label.Name}' in {source} has no values: every row is missing.");
        }

        Array.Sort(classes, CompareClasses);
        var integral = numeric && (label.DataType == typeof(int) || label.DataType == typeof(long) || Columns.AsDoubles(label).All(v => double.IsNaN(v) || v == Math.Floor(v)));

        switch (task)
        {
            case "auto":
                if (classes.Length == 1)
                {
                    throw OneClass(label, classes[0], source);
                }

                if (isBool || classes.Length == 2)
                {
                    return new(label.Name, MLTask.Binary, classes, true, $"'{label.Name}' has two values ({classes[0]}, {classes[1]})");
                }

                if (!numeric || (integral && classes.Length <= 20))
                {
                    if (classes.Length > MaxClasses)
                    {
                        throw Errors.Fail($"The label column '{label.Name}' has {classes.Length:N0} distinct text values: too many classes for classification (at most {MaxClasses}). Pick another label, or --task regression if it holds numbers.");
                    }

                    return new(label.Name, MLTask.Multiclass, classes, true, $"'{label.Name}' has {classes.Length} distinct {(numeric ? "whole numbers" : "values")}");
                }

                return new(label.Name, MLTask.Regression, [], true, $"'{label.Name}' holds numbers with {classes.Length:N0} distinct values");

            case "binary":
                if (classes.Length == 1)
                {
                    throw OneClass(label, classes[0], source);
                }

                if (classes.Length != 2)
                {
                    throw Errors.Fail($"--task binary needs a label with two classes, but '{label.Name}' has {classes.Length:N0} ({Preview(classes)}). Use --task multiclass{(numeric ? " or --task regression" : "")}.");
                }

                return new(label.Name, MLTask.Binary, classes, false, "asked for");

            case "multiclass":
                if (classes.Length == 1)
                {
                    throw OneClass(label, classes[0], source);
                }

                if (classes.Length > MaxClasses)
                {
                    throw Errors.Fail($"--task multiclass: the label '{label.Name}' has {classes.Length:N0} distinct values, more than the {MaxClasses} classes allowed.{(numeric ? " It holds numbers: try --task regression." : "")}");
                }

                return new(label.Name, MLTask.Multiclass, classes, false, "asked for");

            case "regression":
                if (!numeric || isBool)
                {
                    throw Errors.Fail($"--task regression needs a numeric label, but '{label.Name}' holds {ColumnSummary.TypeName(label.DataType)} values ({Preview(classes)}). Use --task {(classes.Length == 2 ? "binary" : "multiclass")}.");
                }

                return new(label.Name, MLTask.Regression, [], false, "asked for");

            default:
                throw Errors.BadOption("--task", requestedTask, "one of auto, binary, multiclass, regression, clustering");
        }
    }

    private static NotebookException OneClass(DataFrameColumn label, string only, string source) =>
        Errors.Fail($"The label column '{label.Name}' in {source} has only one class ('{only}'): a model needs at least two different values to learn from.");

    private static string Preview(string[] classes) =>
        classes.Length <= 5 ? string.Join(", ", classes) : string.Join(", ", classes.Take(5)) + ", …";

    /// <summary>Numbers in numeric order, text in ordinal order, so that 0/1, false/true and no/yes put the positive class second.</summary>
    private static int CompareClasses(string a, string b)
    {
        if (double.TryParse(a, System.Globalization.CultureInfo.InvariantCulture, out var x) &&
            double.TryParse(b, System.Globalization.CultureInfo.InvariantCulture, out var y))
        {
            return x.CompareTo(y);
        }

        return string.Compare(a, b, StringComparison.OrdinalIgnoreCase);
    }
}
