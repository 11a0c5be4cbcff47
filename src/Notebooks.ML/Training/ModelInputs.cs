using System.Globalization;
using Microsoft.Data.Analysis;

namespace Notebooks.ML.Training;

/// <summary>
/// One column a model takes: what serving checks requests against and documents (OpenAPI, the <c>#!serve</c> card).
/// </summary>
/// <param name="Name">The column's name, as in the training data.</param>
/// <param name="Type">
/// The training column's type: <c>double</c>, <c>float</c>, <c>int</c>, <c>long</c> (numbers), <c>bool</c>,
/// <c>datetime</c> or <c>string</c>.
/// </param>
/// <param name="Kind">How the model featurizes it.</param>
/// <param name="HasMissing">
/// Whether the training data had missing values in this column. Only then does the model know what a missing value
/// means there (numbers: the training mean plus an indicator; categories: their own category), so serving accepts
/// null only in these columns.
/// </param>
/// <param name="Example">
/// The value of one real training row (the first with every input present), in invariant text (<c>39.1</c>,
/// <c>true</c>, <c>2024-01-31T08:00:00</c>), or <see langword="null"/> for a model saved before inputs were recorded.
/// </param>
public sealed record ModelInputColumn(string Name, string Type, FeatureKind Kind, bool HasMissing, string? Example)
{
    /// <summary>Whether values are numbers (<c>double</c>, <c>float</c>, <c>int</c>, <c>long</c>).</summary>
    public bool IsNumber => Type is ModelInputs.Double or ModelInputs.Float or ModelInputs.Int or ModelInputs.Long;

    /// <summary>Whether values must be whole numbers (<c>int</c>, <c>long</c>).</summary>
    public bool IsWholeNumber => Type is ModelInputs.Int or ModelInputs.Long;
}

/// <summary>One column a model's predictions hold, named as <see cref="TrainedModel.Predict"/> adds it.</summary>
/// <param name="Name"><c>PredictedLabel</c>, <c>Probability</c>, <c>Score</c>, <c>Cluster</c> or <c>Distance</c>.</param>
/// <param name="Type"><c>string</c>, <c>float</c> or <c>int</c>.</param>
/// <param name="Description">What the value means, in words (for the OpenAPI document).</param>
public sealed record ModelOutputColumn(string Name, string Type, string Description);

/// <summary>The type names of <see cref="ModelInputColumn.Type"/> and <see cref="ModelOutputColumn.Type"/>.</summary>
public static class ModelInputTypes
{
    /// <summary>A number stored as <see cref="double"/> (or <see cref="decimal"/>).</summary>
    public const string Double = "double";

    /// <summary>A number stored as <see cref="float"/>.</summary>
    public const string Float = "float";

    /// <summary>A whole number of 32 bits or fewer.</summary>
    public const string Int = "int";

    /// <summary>A whole number of 64 bits.</summary>
    public const string Long = "long";

    /// <summary>true or false.</summary>
    public const string Bool = "bool";

    /// <summary>A date and time (UTC).</summary>
    public const string DateTime = "datetime";

    /// <summary>Text: a category or free text.</summary>
    public const string String = "string";
}

/// <summary>Builds a model's input and output description from its training data and task.</summary>
internal static class ModelInputs
{
    public const string Double = ModelInputTypes.Double;
    public const string Float = ModelInputTypes.Float;
    public const string Int = ModelInputTypes.Int;
    public const string Long = ModelInputTypes.Long;
    public const string Bool = ModelInputTypes.Bool;
    public const string DateTime = ModelInputTypes.DateTime;
    public const string String = ModelInputTypes.String;

    /// <summary>The format of a date-time example: ISO 8601 without a zone (read back as UTC, as files are loaded).</summary>
    public const string DateTimeFormat = "yyyy-MM-dd'T'HH:mm:ss.FFFFFFF";

    /// <summary>The feature columns of <paramref name="frame"/> with their types, missing values and one example row.</summary>
    public static IReadOnlyList<ModelInputColumn> Describe(DataFrame frame, FeaturePlan features, IReadOnlyList<int> rows)
    {
        var columns = features.Features.Select(f => frame.Columns[f.Column]).ToArray();
        // The first row (of those trained on) with every input present: a curl line built from it works under any null policy.
        var example = rows.Cast<int?>().FirstOrDefault(r => columns.All(c => c[r!.Value] is not null))
                      ?? (rows.Count > 0 ? rows[0] : (int?)null);
        return features.Features.Select((feature, i) => new ModelInputColumn(
            feature.Column,
            TypeOf(columns[i].DataType),
            feature.Kind,
            columns[i].NullCount > 0,
            example is { } row ? Text(columns[i][row]) : null)).ToArray();
    }

    /// <summary>For a model saved before inputs were recorded: types from how each column was featurized, no example.</summary>
    public static IReadOnlyList<ModelInputColumn> Guess(IReadOnlyList<FeatureColumn> features) =>
        features.Select(f => new ModelInputColumn(
            f.Column,
            f.Kind switch
            {
                FeatureKind.Numeric => Double,
                FeatureKind.Boolean => Bool,
                FeatureKind.DateTime => DateTime,
                _ => String,
            },
            f.Kind,
            f.MissingIndicator || f.Kind is not (FeatureKind.Numeric or FeatureKind.Boolean),
            null)).ToArray();

    /// <summary>The prediction columns of a task, as <see cref="TrainedModel.Predict"/> adds them.</summary>
    public static IReadOnlyList<ModelOutputColumn> Outputs(MLTask task) => task switch
    {
        MLTask.Binary =>
        [
            new("PredictedLabel", String, "The predicted class."),
            new("Probability", Float, "The probability of the positive class (the second class)."),
        ],
        MLTask.Multiclass =>
        [
            new("PredictedLabel", String, "The predicted class."),
            new("Probability", Float, "The probability of the predicted class."),
        ],
        MLTask.Regression => [new("Score", Float, "The predicted value.")],
        _ =>
        [
            new("Cluster", Int, "The nearest cluster, counting from 1."),
            new("Distance", Float, "The squared distance to that cluster's centre (in the normalised feature space)."),
        ],
    };

    public static string TypeOf(Type type) =>
        type == typeof(double) || type == typeof(decimal) ? Double
        : type == typeof(float) ? Float
        : type == typeof(int) || type == typeof(short) || type == typeof(byte) || type == typeof(sbyte) || type == typeof(ushort) ? Int
        : type == typeof(long) || type == typeof(uint) || type == typeof(ulong) ? Long
        : type == typeof(bool) ? Bool
        : type == typeof(System.DateTime) ? DateTime
        : String;

    /// <summary>A value in invariant text: how examples are stored.</summary>
    public static string? Text(object? value) => value switch
    {
        null => null,
        bool b => b ? "true" : "false",
        System.DateTime d => d.ToString(DateTimeFormat, CultureInfo.InvariantCulture),
        double d => d.ToString("R", CultureInfo.InvariantCulture),
        float f => f.ToString("R", CultureInfo.InvariantCulture),
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        var v => v.ToString(),
    };

    /// <summary>An empty DataFrame column of an input's type.</summary>
    public static DataFrameColumn EmptyColumn(ModelInputColumn input, long length) => input.Type switch
    {
        Double => new DoubleDataFrameColumn(input.Name, length),
        Float => new SingleDataFrameColumn(input.Name, length),
        Int => new Int32DataFrameColumn(input.Name, length),
        Long => new Int64DataFrameColumn(input.Name, length),
        Bool => new BooleanDataFrameColumn(input.Name, length),
        DateTime => new PrimitiveDataFrameColumn<System.DateTime>(input.Name, length),
        _ => new StringDataFrameColumn(input.Name, length),
    };

}
