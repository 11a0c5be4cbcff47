using Microsoft.Data.Analysis;
using Microsoft.ML;
using Microsoft.ML.Transforms;
using Notebooks.ML.Data;

namespace Notebooks.ML.Training;

/// <summary>How one source column becomes features.</summary>
public enum FeatureKind
{
    /// <summary>A number; missing values are replaced by the column mean.</summary>
    Numeric,

    /// <summary>A category with few values, one-hot encoded.</summary>
    Categorical,

    /// <summary>A category with many values, hashed into a fixed number of slots.</summary>
    Hashed,

    /// <summary>Free text, turned into word and character n-grams.</summary>
    Text,
}

/// <summary>One source column used as a feature, and how.</summary>
/// <param name="Column">The column's name in the DataFrame.</param>
/// <param name="Kind">How it is featurized.</param>
/// <param name="Detail">A short explanation for the result card.</param>
public sealed record FeatureColumn(string Column, FeatureKind Kind, string Detail);

/// <summary>Decides how each column of a DataFrame is featurized, and builds the matching ML.NET pipeline.</summary>
internal sealed class FeaturePlan
{
    private const int OneHotMaxCategories = 50;

    private FeaturePlan(IReadOnlyList<FeatureColumn> features, IReadOnlyList<(string Column, string Reason)> skipped)
    {
        Features = features;
        Skipped = skipped;
    }

    public IReadOnlyList<FeatureColumn> Features { get; }

    public IReadOnlyList<(string Column, string Reason)> Skipped { get; }

    public static FeaturePlan Create(DataFrame frame, string label, TrainOptions options, string source)
    {
        var names = frame.Columns.Select(c => c.Name).ToArray();
        foreach (var name in options.Features.Concat(options.Exclude))
        {
            if (!names.Contains(name))
            {
                throw Errors.UnknownColumn(name, options.Features.Contains(name) ? "the --features" : "the --exclude", names, source);
            }
        }

        if (options.Features.Contains(label))
        {
            throw Errors.Fail($"The label '{label}' cannot also be a feature: remove it from --features.");
        }

        var explicitFeatures = options.Features.Count > 0;
        var features = new List<FeatureColumn>();
        var skipped = new List<(string, string)>();
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
            if (Columns.IsNumeric(column) || column.DataType == typeof(bool))
            {
                var missing = column.NullCount;
                features.Add(new(column.Name, FeatureKind.Numeric, missing > 0 ? $"{missing:N0} missing → mean" : "number"));
                continue;
            }

            if (column.DataType != typeof(string))
            {
                skipped.Add((column.Name, $"{ColumnSummary.TypeName(column.DataType)} columns are not used as features yet"));
                continue;
            }

            var values = Columns.AsText(column);
            var distinct = values.Where(v => v is not null).Distinct().Count();
            var present = values.Count(v => v is not null);
            var meanLength = present == 0 ? 0 : values.Where(v => v is not null).Average(v => v!.Length);
            if (!explicitFeatures && distinct == present && rows > 20 && meanLength < 30)
            {
                skipped.Add((column.Name, "unique per row: looks like an identifier"));
            }
            else if (meanLength >= 30 && distinct > OneHotMaxCategories)
            {
                features.Add(new(column.Name, FeatureKind.Text, $"free text (mean length {meanLength:F0})"));
            }
            else if (distinct <= OneHotMaxCategories)
            {
                features.Add(new(column.Name, FeatureKind.Categorical, $"one-hot, {distinct} categories"));
            }
            else
            {
                features.Add(new(column.Name, FeatureKind.Hashed, $"hashed, {distinct:N0} categories"));
            }
        }

        if (features.Count == 0)
        {
            throw Errors.Fail($"No feature columns are left to train on (label '{label}'{(skipped.Count > 0 ? $"; left out: {string.Join(", ", skipped.Select(s => s.Item1))}" : "")}). Check --features and --exclude.");
        }

        return new FeaturePlan(features, skipped);
    }

    /// <summary>The internal name of feature <paramref name="index"/> in the ML.NET data view.</summary>
    private static string InternalName(int index) => $"f{index}";

    /// <summary>
    /// Copies the feature columns of the given rows into ML.NET-friendly types (float for numbers, text for
    /// categories), named <c>f0</c>, <c>f1</c>, … so that any column name works.
    /// </summary>
    public List<DataFrameColumn> ToMLColumns(DataFrame frame, int[] rows, string source)
    {
        var columns = new List<DataFrameColumn>(Features.Count + 1);
        for (var i = 0; i < Features.Count; i++)
        {
            var column = Columns.Find(frame, Features[i].Column, "the feature", source);
            if (Features[i].Kind == FeatureKind.Numeric)
            {
                if (!Columns.IsNumeric(column) && column.DataType != typeof(bool))
                {
                    throw Errors.Fail($"The feature column '{column.Name}' in {source} holds {ColumnSummary.TypeName(column.DataType)} values, but the model was trained on numbers there.");
                }

                var values = Columns.AsDoubles(column);
                columns.Add(new SingleDataFrameColumn(InternalName(i), rows.Select(r => (float)values[r])));
            }
            else
            {
                var values = Columns.AsText(column);
                columns.Add(new StringDataFrameColumn(InternalName(i), rows.Select(r => values[r] ?? "")));
            }
        }

        return columns;
    }

    /// <summary>The featurization pipeline that produces the <c>Features</c> vector.</summary>
    public IEstimator<ITransformer> Pipeline(MLContext ml, bool normalize)
    {
        var parts = new List<string>();
        IEstimator<ITransformer>? chain = null;
        void Append(IEstimator<ITransformer> next) => chain = chain is null ? next : chain.Append(next);

        var numeric = Enumerable.Range(0, Features.Count).Where(i => Features[i].Kind == FeatureKind.Numeric).Select(InternalName).ToArray();
        if (numeric.Length > 0)
        {
            Append(ml.Transforms.Concatenate("Numeric", numeric));
            Append(ml.Transforms.ReplaceMissingValues("Numeric", replacementMode: MissingValueReplacingEstimator.ReplacementMode.Mean));
            parts.Add("Numeric");
        }

        for (var i = 0; i < Features.Count; i++)
        {
            var name = InternalName(i);
            switch (Features[i].Kind)
            {
                case FeatureKind.Categorical:
                    Append(ml.Transforms.Categorical.OneHotEncoding(name + "_oh", name));
                    parts.Add(name + "_oh");
                    break;
                case FeatureKind.Hashed:
                    Append(ml.Transforms.Categorical.OneHotHashEncoding(name + "_hash", name, numberOfBits: 10));
                    parts.Add(name + "_hash");
                    break;
                case FeatureKind.Text:
                    Append(ml.Transforms.Text.FeaturizeText(name + "_text", name));
                    parts.Add(name + "_text");
                    break;
            }
        }

        Append(ml.Transforms.Concatenate("Features", parts.ToArray()));
        if (normalize)
        {
            Append(ml.Transforms.NormalizeMinMax("Features"));
        }

        return chain!;
    }
}
