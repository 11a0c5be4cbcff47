using Microsoft.ML;
using Microsoft.ML.Data;

namespace Notebooks.ML.Training;

/// <summary>The prediction for one row, with the values <see cref="TrainedModel.Predict"/> adds (those of the model's task are set).</summary>
/// <param name="PredictedLabel">Classification: the predicted class.</param>
/// <param name="Probability">Classification: the probability of the positive class (binary) or of the predicted class (multiclass).</param>
/// <param name="Score">Regression: the predicted value.</param>
/// <param name="Cluster">Clustering: the nearest cluster, from 1.</param>
/// <param name="Distance">Clustering: the distance to that cluster.</param>
public readonly record struct ModelPrediction(string? PredictedLabel, float Probability, float Score, int Cluster, float Distance);

/// <summary>
/// Predicts one row at a time without building a data view per call, as ML.NET's <c>PredictionEngine</c> does: the
/// model's row-to-row mapper reads from buffers that are refilled for each row. Gives exactly what
/// <see cref="TrainedModel.Predict"/> gives for the same values. Not thread-safe: one per thread, or pooled (the
/// serving API pools them). Create with <see cref="TrainedModel.CreateScorer"/>.
/// </summary>
public sealed class ModelScorer
{
    private readonly TrainedModel _model;
    private readonly float[] _numbers;
    private readonly ReadOnlyMemory<char>[] _texts;
    private readonly int[] _slots;
    private readonly int[] _indicators;
    private readonly InputRow _row;
    private readonly ValueGetter<bool>? _binaryLabel;
    private readonly ValueGetter<ReadOnlyMemory<char>>? _classLabel;
    private readonly ValueGetter<uint>? _cluster;
    private readonly ValueGetter<float>? _probability;
    private readonly ValueGetter<float>? _score;
    private readonly ValueGetter<VBuffer<float>>? _scores;
    private readonly OneVersusAll? _oneVersusAll;
    private readonly ValueGetter<VBuffer<float>>? _features;
    private readonly float[] _classScores = [];
    private VBuffer<float> _scoreBuffer;

    internal ModelScorer(TrainedModel model, ITransformer transformer, DataViewSchema inputSchema, FeaturePlan features, LabelPlan label)
    {
        _model = model;
        var slotNames = features.NumericSlots;
        _numbers = new float[slotNames.Count];
        _texts = new ReadOnlyMemory<char>[features.Features.Count];
        _slots = new int[features.Features.Count];
        _indicators = new int[features.Features.Count];
        for (var i = 0; i < features.Features.Count; i++)
        {
            var names = features.InternalNames(i);
            _slots[i] = IndexOf(slotNames, names[0]);
            _indicators[i] = features.Features[i].MissingIndicator ? IndexOf(slotNames, names[1]) : -1;
        }

        _row = new InputRow(this, inputSchema, features, label);
        if (label.Task == MLTask.Multiclass && OneVersusAll.TryCreate(transformer, inputSchema) is { } oneVersusAll)
        {
            // One class after the other on this thread, instead of ML.NET's Parallel.For per row (see OneVersusAll).
            _oneVersusAll = oneVersusAll;
            _classScores = new float[oneVersusAll.Count];
            var featureMapper = oneVersusAll.Features.GetRowToRowMapper(inputSchema);
            var column = featureMapper.OutputSchema[oneVersusAll.FeatureColumn];
            _features = featureMapper.GetRow(_row, [column]).GetGetter<VBuffer<float>>(column);
            return;
        }

        var mapper = transformer.GetRowToRowMapper(inputSchema);
        var outputs = mapper.OutputSchema;
        var wanted = label.Task switch
        {
            MLTask.Binary => new[] { "PredictedLabel", "Probability" },
            MLTask.Regression => ["Score"],
            _ => ["PredictedLabel", "Score"],
        };
        var columns = wanted.Select(name => outputs.GetColumnOrNull(name) ?? throw new InvalidOperationException($"The model has no '{name}' output.")).ToArray();
        var output = mapper.GetRow(_row, columns);
        switch (label.Task)
        {
            case MLTask.Binary:
                _binaryLabel = output.GetGetter<bool>(columns[0]);
                _probability = output.GetGetter<float>(columns[1]);
                break;
            case MLTask.Multiclass:
                _classLabel = output.GetGetter<ReadOnlyMemory<char>>(columns[0]);
                _scores = output.GetGetter<VBuffer<float>>(columns[1]);
                break;
            case MLTask.Regression:
                _score = output.GetGetter<float>(columns[0]);
                break;
            default:
                _cluster = output.GetGetter<uint>(columns[0]);
                _scores = output.GetGetter<VBuffer<float>>(columns[1]);
                break;
        }
    }

    /// <summary>Whether a one-versus-all model is scored one class after the other here (see <see cref="OneVersusAll"/>).</summary>
    internal bool ScoresClassesInline => _oneVersusAll is not null;

    /// <summary>The columns the model takes, in order: the index of each is what the setters take.</summary>
    public IReadOnlyList<ModelInputColumn> Inputs => _model.Inputs;

    /// <summary>Sets a number (or true/false as 1/0) input; NaN means missing.</summary>
    public void SetNumber(int input, double value)
    {
        var slot = _slots[input];
        if (_model.Features[input].Kind == FeatureKind.DateTime)
        {
            throw new ArgumentException($"The input '{Inputs[input].Name}' is a date-time: use SetDateTime.", nameof(input));
        }

        if (slot < 0)
        {
            throw new ArgumentException($"The input '{Inputs[input].Name}' is text: use SetText.", nameof(input));
        }

        var number = (float)value;
        _numbers[slot] = number;
        if (_indicators[input] >= 0)
        {
            _numbers[_indicators[input]] = float.IsNaN(number) ? 1f : 0f;
        }
    }

    /// <summary>Sets a text input (a category or free text); null means missing.</summary>
    public void SetText(int input, string? value) => _texts[input] = (value ?? "").AsMemory();

    /// <summary>Sets a date-time input (used as year, month, day, day of week and hour); null means missing.</summary>
    public void SetDateTime(int input, DateTime? value)
    {
        var slot = _slots[input];
        _numbers[slot] = value is { } d ? d.Year : float.NaN;
        _numbers[slot + 1] = value is { } m ? m.Month : float.NaN;
        _numbers[slot + 2] = value is { } a ? a.Day : float.NaN;
        _numbers[slot + 3] = value is { } w ? (float)w.DayOfWeek : float.NaN;
        _numbers[slot + 4] = value is { } h ? h.Hour : float.NaN;
    }

    /// <summary>Predicts on the values set so far.</summary>
    public ModelPrediction Predict()
    {
        _row.Advance();
        switch (_model.Task)
        {
            case MLTask.Binary:
                {
                    var predicted = false;
                    var probability = 0f;
                    _binaryLabel!(ref predicted);
                    _probability!(ref probability);
                    return new ModelPrediction(predicted ? _model.Classes[1] : _model.Classes[0], probability, 0, 0, 0);
                }

            case MLTask.Multiclass when _oneVersusAll is not null:
                {
                    _features!(ref _scoreBuffer);
                    _oneVersusAll.Score(in _scoreBuffer, _classScores);
                    return new ModelPrediction(_oneVersusAll.Predicted(_classScores), Max(_classScores), 0, 0, 0);
                }

            case MLTask.Multiclass:
                {
                    var label = default(ReadOnlyMemory<char>);
                    _classLabel!(ref label);
                    _scores!(ref _scoreBuffer);
                    return new ModelPrediction(ClassName(label.Span), Max(_scoreBuffer.DenseValues()), 0, 0, 0);
                }

            case MLTask.Regression:
                {
                    var score = 0f;
                    _score!(ref score);
                    return new ModelPrediction(null, 0, score, 0, 0);
                }

            default:
                {
                    var cluster = 0u;
                    _cluster!(ref cluster);
                    _scores!(ref _scoreBuffer);
                    var distance = _scoreBuffer.GetItemOrDefault((int)cluster - 1);
                    return new ModelPrediction(null, 0, 0, (int)cluster, distance);
                }
        }
    }

    /// <summary>Predicts on row <paramref name="row"/> of <paramref name="rows"/>.</summary>
    public ModelPrediction Predict(InputRows rows, int row)
    {
        ArgumentNullException.ThrowIfNull(rows);
        for (var i = 0; i < _slots.Length; i++)
        {
            switch (rows.Inputs[i].Type)
            {
                case ModelInputs.String:
                    SetText(i, rows.Texts(i)[row]);
                    break;
                case ModelInputs.DateTime:
                    SetDateTime(i, rows.Dates(i)[row]);
                    break;
                default:
                    SetNumber(i, rows.Numbers(i)[row]);
                    break;
            }
        }

        return Predict();
    }

    /// <summary>Predicts on every row of <paramref name="rows"/>.</summary>
    public ModelPrediction[] Predict(InputRows rows)
    {
        ArgumentNullException.ThrowIfNull(rows);
        var predictions = new ModelPrediction[rows.Count];
        for (var r = 0; r < predictions.Length; r++)
        {
            predictions[r] = Predict(rows, r);
        }

        return predictions;
    }

    private string ClassName(ReadOnlySpan<char> label)
    {
        foreach (var name in _model.Classes)
        {
            if (label.SequenceEqual(name))
            {
                return name;
            }
        }

        return label.ToString();
    }

    /// <summary>The largest value, NaN skipped unless all are NaN: what LINQ's Max gives <see cref="TrainedModel.Predict"/>.</summary>
    private static float Max(IEnumerable<float> values)
    {
        var max = float.NaN;
        foreach (var value in values)
        {
            if (float.IsNaN(max) || value > max)
            {
                max = float.IsNaN(value) ? max : value;
            }
        }

        return max;
    }

    private static int IndexOf(IReadOnlyList<string> names, string name)
    {
        for (var i = 0; i < names.Count; i++)
        {
            if (names[i] == name)
            {
                return i;
            }
        }

        return -1;
    }

    /// <summary>The row the model's mapper reads: getters over the scorer's buffers, laid out as <see cref="ColumnTable"/> lays out a frame.</summary>
    private sealed class InputRow : DataViewRow
    {
        private readonly Delegate[] _getters;

        public InputRow(ModelScorer scorer, DataViewSchema schema, FeaturePlan features, LabelPlan label)
        {
            Schema = schema;
            var textByName = new Dictionary<string, int>(StringComparer.Ordinal);
            for (var i = 0; i < features.Features.Count; i++)
            {
                if (features.Features[i].Kind is FeatureKind.Categorical or FeatureKind.Hashed or FeatureKind.Text)
                {
                    textByName[features.InternalNames(i)[0]] = i;
                }
            }

            var placeholder = label.Classes.Length > 0 ? label.Classes[0].AsMemory() : ReadOnlyMemory<char>.Empty;
            _getters = schema.Select(column => column.Type switch
            {
                VectorDataViewType { ItemType: NumberDataViewType number } when number.RawType == typeof(float) && column.Name == features.NumericColumn =>
                    (ValueGetter<VBuffer<float>>)((ref VBuffer<float> value) =>
                    {
                        var editor = VBufferEditor.Create(ref value, scorer._numbers.Length);
                        scorer._numbers.CopyTo(editor.Values);
                        value = editor.Commit();
                    }),
                TextDataViewType when textByName.TryGetValue(column.Name, out var index) =>
                    (ValueGetter<ReadOnlyMemory<char>>)((ref ReadOnlyMemory<char> value) => value = scorer._texts[index]),
                TextDataViewType => (ValueGetter<ReadOnlyMemory<char>>)((ref ReadOnlyMemory<char> value) => value = placeholder),
                BooleanDataViewType => (ValueGetter<bool>)((ref bool value) => value = false),
                NumberDataViewType number when number.RawType == typeof(float) => (ValueGetter<float>)((ref float value) => value = 0),
                _ => (Delegate)(ValueGetter<object>)((ref object value) => throw new InvalidOperationException($"The model's input column '{column.Name}' ({column.Type}) is not one this version prepares.")),
            }).ToArray();
        }

        private long _position;

        public override long Position => _position;

        public override long Batch => 0;

        public override DataViewSchema Schema { get; }

        public override bool IsColumnActive(DataViewSchema.Column column) => true;

        public override ValueGetter<TValue> GetGetter<TValue>(DataViewSchema.Column column) =>
            _getters[column.Index] as ValueGetter<TValue>
            ?? throw new InvalidOperationException($"The model's input column '{column.Name}' is {column.Type}, not {typeof(TValue).Name}.");

        public override ValueGetter<DataViewRowId> GetIdGetter() =>
            (ref DataViewRowId value) => value = new DataViewRowId((ulong)Position, 0);

        /// <summary>A new row: the mapper's cached values (keyed by position) are stale.</summary>
        public void Advance() => _position++;
    }
}
