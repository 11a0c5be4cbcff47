using System.Text.RegularExpressions;
using Microsoft.Data.Analysis;
using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.Transforms;
using Notebooks.ML.Data;

namespace Notebooks.ML.Training;

/// <summary>How one source column becomes features.</summary>
public enum FeatureKind
{
    /// <summary>A number; missing values are replaced by the training mean, and an indicator column marks them.</summary>
    Numeric,

    /// <summary>true / false, as 1 / 0.</summary>
    Boolean,

    /// <summary>A category with few values, one-hot encoded.</summary>
    Categorical,

    /// <summary>A category with many values, hashed into a fixed number of slots.</summary>
    Hashed,

    /// <summary>Free text, turned into word and character n-grams (ML.NET's <c>FeaturizeText</c>).</summary>
    Text,

    /// <summary>A date and time, split into parts: year, month, day, day of week, hour.</summary>
    DateTime,
}

/// <summary>One source column used as a feature, and how.</summary>
/// <param name="Column">The column's name in the DataFrame.</param>
/// <param name="Kind">How it is featurized.</param>
/// <param name="Detail">A short explanation for the result card.</param>
/// <param name="MissingIndicator">Whether a 0/1 column marking missing values is added beside it (numbers with missing values).</param>
public sealed record FeatureColumn(string Column, FeatureKind Kind, string Detail, bool MissingIndicator = false);

/// <summary>A column left out of the features, and why.</summary>
/// <param name="Column">The column's name.</param>
/// <param name="Reason">Why it was left out.</param>
public sealed record SkippedColumn(string Column, string Reason);

/// <summary>Decides how each column of a DataFrame is featurized, and builds the matching ML.NET pipeline.</summary>
internal sealed partial class FeaturePlan
{
    private const int OneHotMaxCategories = 50;
    private const int HashBits = 10;
    private static readonly string[] _dateParts = ["year", "month", "day", "dayofweek", "hour"];

    internal FeaturePlan(IReadOnlyList<FeatureColumn> features, IReadOnlyList<SkippedColumn> skipped, bool hasMissing = true)
    {
        Features = features;
        Skipped = skipped;
        HasMissingNumbers = hasMissing;
    }

    /// <summary>Whether any number, true/false or date column of the training data has missing values.</summary>
    public bool HasMissingNumbers { get; }

    public IReadOnlyList<FeatureColumn> Features { get; }

    public IReadOnlyList<SkippedColumn> Skipped { get; }

    public static FeaturePlan Create(DataFrame frame, string? label, TrainOptions options, string source)
    {
        var names = frame.Columns.Select(c => c.Name).ToArray();
        foreach (var name in options.Features.Concat(options.Exclude))
        {
            if (!names.Contains(name))
            {
                throw Errors.UnknownColumn(name, options.Features.Contains(name) ? "the --features" : "the --exclude", names, source);
            }
        }

        if (label is not null && options.Features.Contains(label))
        {
            throw Errors.Fail($"The label '{label}' cannot also be a feature: remove it from --features.");
        }

        var explicitFeatures = options.Features.Count > 0;
        var features = new List<FeatureColumn>();
        var skipped = new List<SkippedColumn>();
        foreach (var column in frame.Columns)
        {
            if (column.Name == label || options.Exclude.Contains(column.Name))
            {
                continue;
            }

            if (explicitFeatures && !options.Features.Contains(column.Name))
            {
                continue;
            }

            var rows = column.Length;
            var missing = column.NullCount;
            if (missing == rows)
            {
                skipped.Add(new(column.Name, "every value is missing"));
                continue;
            }

            if (column.DataType == typeof(bool))
            {
                features.Add(new(column.Name, FeatureKind.Boolean, missing > 0 ? $"true = 1, false = 0; {missing:N0} missing → mean, with indicator" : "true = 1, false = 0", missing > 0));
                continue;
            }

            if (column.DataType == typeof(DateTime))
            {
                features.Add(new(column.Name, FeatureKind.DateTime, "parts: " + string.Join(", ", _dateParts) + (missing > 0 ? $"; {missing:N0} missing → mean" : "")));
                continue;
            }

            if (Columns.IsNumeric(column))
            {
                if (!explicitFeatures && LooksLikeRowId(column))
                {
                    skipped.Add(new(column.Name, "whole numbers unique per row, counting up: looks like a row identifier (add it with --features to use it)"));
                    continue;
                }

                features.Add(new(column.Name, FeatureKind.Numeric, missing > 0 ? $"number; {missing:N0} missing → training mean, with an indicator column" : "number", missing > 0));
                continue;
            }

            if (column.DataType != typeof(string) && column.DataType != typeof(char))
            {
                skipped.Add(new(column.Name, $"{ColumnSummary.TypeName(column.DataType)} columns are not used as features"));
                continue;
            }

            var values = Columns.AsText(column);
            var present = values.Where(v => v is not null).ToArray();
            var distinct = present.Distinct(StringComparer.Ordinal).Count();
            var meanLength = present.Length == 0 ? 0 : present.Average(v => v!.Length);
            var words = present.Length == 0 ? 0 : present.Average(v => v!.Count(c => c == ' ') + 1.0);
            if (!explicitFeatures && distinct == present.Length && rows > 20 && words < 3)
            {
                skipped.Add(new(column.Name, "unique per row: looks like an identifier (add it with --features to use it)"));
            }
            else if (distinct > OneHotMaxCategories && (meanLength >= 30 || words >= 3))
            {
                features.Add(new(column.Name, FeatureKind.Text, $"free text (mean length {meanLength:F0}): word and character n-grams"));
            }
            else if (distinct <= OneHotMaxCategories)
            {
                features.Add(new(column.Name, FeatureKind.Categorical, $"one-hot, {distinct} categories" + (missing > 0 ? $" (+ missing as its own)" : "")));
            }
            else
            {
                features.Add(new(column.Name, FeatureKind.Hashed, $"hashed into {1 << HashBits} slots, {distinct:N0} categories"));
            }
        }

        if (features.Count == 0)
        {
            var left = skipped.Count > 0 ? $"; left out: {string.Join(", ", skipped.Select(s => $"{s.Column} ({s.Reason})"))}" : "";
            throw Errors.Fail($"No feature columns are left to train on{(label is null ? "" : $" (label '{label}'")}{left}{(label is null ? "" : ")")}. Check --features and --exclude.");
        }

        var hasMissing = features.Any(f => f.Kind is FeatureKind.Numeric or FeatureKind.Boolean or FeatureKind.DateTime && frame[f.Column].NullCount > 0);
        return new FeaturePlan(features, skipped, hasMissing);
    }

    private static bool LooksLikeRowId(DataFrameColumn column)
    {
        if (column.DataType != typeof(int) && column.DataType != typeof(long) || column.NullCount > 0 || column.Length < 20)
        {
            return false;
        }

        var values = Columns.AsDoubles(column);
        var increasing = true;
        for (var i = 1; i < values.Length && increasing; i++)
        {
            increasing = values[i] == values[i - 1] + 1;
        }

        return increasing || (IdName().IsMatch(column.Name) && values.Distinct().Count() == values.Length);
    }

    [GeneratedRegex("(^|[_ .-])(id|key|uuid|guid)$|^(id|index|rowid|row)$|[a-z]Id$", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex IdName();

    /// <summary>
    /// The vector column that holds every number, true/false and date part: <c>Features</c> itself when there are
    /// no text or category columns (then no Concatenate or copy pass is needed), else <c>Numeric</c>.
    /// </summary>
    public string NumericColumn => Features.All(f => f.Kind is FeatureKind.Numeric or FeatureKind.Boolean or FeatureKind.DateTime) ? "Features" : "Numeric";

    /// <summary>The internal names of the slots of <see cref="NumericColumn"/>, in order.</summary>
    public IReadOnlyList<string> NumericSlots => Enumerable.Range(0, Features.Count)
        .Where(i => Features[i].Kind is FeatureKind.Numeric or FeatureKind.Boolean or FeatureKind.DateTime)
        .SelectMany(InternalNames)
        .ToArray();

    /// <summary>The internal ML.NET column names of feature <paramref name="index"/>: the value, its parts or its indicator.</summary>
    public IReadOnlyList<string> InternalNames(int index)
    {
        var feature = Features[index];
        var name = $"f{index}";
        if (feature.Kind == FeatureKind.DateTime)
        {
            return _dateParts.Select(p => $"{name}_{p}").ToArray();
        }

        return feature.MissingIndicator ? [name, name + "_missing"] : [name];
    }

    /// <summary>
    /// Copies the feature columns of the given rows into ML.NET-friendly arrays (float for numbers, text for
    /// categories), named <c>f0</c>, <c>f1</c>, … so that any column name works; date-times become their parts and
    /// numbers with missing values get a 0/1 indicator.
    /// </summary>
    public List<(string Name, Array Values)> ToMLColumns(DataFrame frame, int[] rows, string source)
    {
        var columns = new List<(string, Array)>(Features.Count + 1);
        for (var i = 0; i < Features.Count; i++)
        {
            var feature = Features[i];
            var column = Columns.Find(frame, feature.Column, "the feature", source);
            var names = InternalNames(i);
            switch (feature.Kind)
            {
                case FeatureKind.Numeric or FeatureKind.Boolean:
                    if (!Columns.IsNumeric(column) && column.DataType != typeof(bool))
                    {
                        throw Errors.Fail($"The feature column '{column.Name}' in {source} holds {ColumnSummary.TypeName(column.DataType)} values, but the model was trained on {(feature.Kind == FeatureKind.Boolean ? "true/false values" : "numbers")} there.");
                    }

                    var floats = FastColumns.Floats(column, rows);
                    columns.Add((names[0], floats));
                    if (feature.MissingIndicator)
                    {
                        columns.Add((names[1], floats.Select(v => float.IsNaN(v) ? 1f : 0f).ToArray()));
                    }

                    break;
                case FeatureKind.DateTime:
                    if (column.DataType != typeof(DateTime))
                    {
                        throw Errors.Fail($"The feature column '{column.Name}' in {source} holds {ColumnSummary.TypeName(column.DataType)} values, but the model was trained on date-times there.");
                    }

                    var dates = rows.Select(r => (DateTime?)column[r]).ToArray();
                    columns.Add((names[0], dates.Select(d => d is { } v ? v.Year : float.NaN).ToArray()));
                    columns.Add((names[1], dates.Select(d => d is { } v ? v.Month : float.NaN).ToArray()));
                    columns.Add((names[2], dates.Select(d => d is { } v ? v.Day : float.NaN).ToArray()));
                    columns.Add((names[3], dates.Select(d => d is { } v ? (float)v.DayOfWeek : float.NaN).ToArray()));
                    columns.Add((names[4], dates.Select(d => d is { } v ? v.Hour : float.NaN).ToArray()));
                    break;
                default:
                    var text = Columns.AsText(column);
                    columns.Add((names[0], rows.Select(r => (text[r] ?? "").AsMemory()).ToArray()));
                    break;
            }
        }

        return columns;
    }

    /// <summary>The featurization pipeline that produces the <c>Features</c> vector.</summary>
    /// <param name="ml">The context.</param>
    /// <param name="normalize">Scale features to [0, 1] (linear models, k-means).</param>
    /// <param name="replaceMissing">Replace missing numbers by the training mean (always, but for a trainer that handles them itself on data without any).</param>
    public IEstimator<ITransformer> Pipeline(MLContext ml, bool normalize, bool replaceMissing = true)
    {
        var parts = new List<string>();
        IEstimator<ITransformer>? chain = null;
        void Append(IEstimator<ITransformer> next) => chain = chain is null ? next : chain.Append(next);

        if (NumericSlots.Count > 0)
        {
            // The numbers arrive as one vector column (see ColumnTable): no Concatenate pass is needed for them.
            if (replaceMissing)
            {
                Append(ml.Transforms.ReplaceMissingValues(NumericColumn, replacementMode: MissingValueReplacingEstimator.ReplacementMode.Mean));
            }

            parts.Add(NumericColumn);
        }

        for (var i = 0; i < Features.Count; i++)
        {
            var name = InternalNames(i)[0];
            switch (Features[i].Kind)
            {
                case FeatureKind.Categorical:
                    Append(ml.Transforms.Categorical.OneHotEncoding(name + "_oh", name));
                    parts.Add(name + "_oh");
                    break;
                case FeatureKind.Hashed:
                    Append(ml.Transforms.Categorical.OneHotHashEncoding(name + "_hash", name, numberOfBits: HashBits));
                    parts.Add(name + "_hash");
                    break;
                case FeatureKind.Text:
                    Append(ml.Transforms.Text.FeaturizeText(name + "_text", name));
                    parts.Add(name + "_text");
                    break;
            }
        }

        if (parts.Count > 1 || parts[0] != "Features")
        {
            Append(parts.Count == 1 ? ml.Transforms.CopyColumns("Features", parts[0]) : ml.Transforms.Concatenate("Features", parts.ToArray()));
        }

        if (normalize)
        {
            Append(ml.Transforms.NormalizeMinMax("Features"));
        }

        return chain ?? new EstimatorChain<ITransformer>();
    }
}
