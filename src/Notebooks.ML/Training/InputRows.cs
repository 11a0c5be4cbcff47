using Microsoft.Data.Analysis;

namespace Notebooks.ML.Training;

/// <summary>
/// Rows of a model's inputs held column by column, in the order of <see cref="TrainedModel.Inputs"/>: what the
/// serving API reads a request into, what <see cref="ModelScorer"/> predicts on and what the prediction log keeps.
/// Number and true/false columns are <see cref="double"/> arrays (true = 1, false = 0, missing = NaN), date-time
/// columns <see cref="DateTime"/>? arrays and text columns <see cref="string"/>? arrays (missing = null).
/// </summary>
public sealed class InputRows
{
    private readonly Array[] _values;

    /// <summary>Room for <paramref name="count"/> rows of <paramref name="inputs"/>, every value missing.</summary>
    public InputRows(IReadOnlyList<ModelInputColumn> inputs, int count)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        Inputs = inputs;
        Count = count;
        _values = new Array[inputs.Count];
        for (var i = 0; i < inputs.Count; i++)
        {
            _values[i] = inputs[i].Type switch
            {
                ModelInputs.String => new string?[count],
                ModelInputs.DateTime => new DateTime?[count],
                _ => NaNs(count),
            };
        }
    }

    /// <summary>The columns, in the model's input order.</summary>
    public IReadOnlyList<ModelInputColumn> Inputs { get; }

    /// <summary>The number of rows.</summary>
    public int Count { get; }

    /// <summary>The values of a number or true/false column (NaN where missing).</summary>
    public double[] Numbers(int column) => (double[])_values[column];

    /// <summary>The values of a text column (null where missing).</summary>
    public string?[] Texts(int column) => (string?[])_values[column];

    /// <summary>The values of a date-time column (null where missing).</summary>
    public DateTime?[] Dates(int column) => (DateTime?[])_values[column];

    /// <summary>Whether the value at <paramref name="row"/> of <paramref name="column"/> is missing.</summary>
    public bool IsMissing(int column, int row) => _values[column] switch
    {
        double[] numbers => double.IsNaN(numbers[row]),
        string?[] texts => texts[row] is null,
        DateTime?[] dates => dates[row] is null,
        _ => true,
    };

    /// <summary>The rows as a DataFrame with the training data's column types (what <see cref="TrainedModel.Predict"/> takes).</summary>
    public DataFrame ToDataFrame()
    {
        var columns = new List<DataFrameColumn>(Inputs.Count);
        for (var i = 0; i < Inputs.Count; i++)
        {
            var column = ModelInputs.EmptyColumn(Inputs[i], Count);
            for (var r = 0; r < Count; r++)
            {
                column[r] = Value(i, r);
            }

            columns.Add(column);
        }

        return new DataFrame(columns);
    }

    /// <summary>The value at <paramref name="row"/> of <paramref name="column"/>, typed as the training column was, or null.</summary>
    public object? Value(int column, int row)
    {
        if (IsMissing(column, row))
        {
            return null;
        }

        return _values[column] switch
        {
            double[] numbers => Inputs[column].Type switch
            {
                ModelInputs.Float => (float)numbers[row],
                ModelInputs.Int => (int)numbers[row],
                ModelInputs.Long => (long)numbers[row],
                ModelInputs.Bool => numbers[row] != 0,
                _ => numbers[row],
            },
            string?[] texts => texts[row],
            DateTime?[] dates => dates[row],
            _ => null,
        };
    }

    private static double[] NaNs(int count)
    {
        var values = new double[count];
        values.AsSpan().Fill(double.NaN);
        return values;
    }
}
