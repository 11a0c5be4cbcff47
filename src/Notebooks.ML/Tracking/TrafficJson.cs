using System.Buffers;
using System.Globalization;
using System.Text;
using System.Text.Json;
using Notebooks.ML.Training;

namespace Notebooks.ML.Tracking;

/// <summary>
/// How the prediction log stores a request's rows: JSON arrays of rows, each an array of values in the model's
/// input (or output) order, typed as the column is (numbers, true/false, text, date-times as ISO text, null where
/// missing). Compact, and readable with SQLite's <c>json_each</c> or PostgreSQL's <c>json_array_elements</c>.
/// </summary>
internal sealed class TrafficJson
{
    private readonly ArrayBufferWriter<byte> _buffer = new(4096);
    private readonly Utf8JsonWriter _writer;

    public TrafficJson() => _writer = new Utf8JsonWriter(_buffer);

    public string Inputs(InputRows rows)
    {
        Reset();
        _writer.WriteStartArray();
        for (var r = 0; r < rows.Count; r++)
        {
            _writer.WriteStartArray();
            for (var c = 0; c < rows.Inputs.Count; c++)
            {
                WriteInput(rows, c, r);
            }

            _writer.WriteEndArray();
        }

        _writer.WriteEndArray();
        return Text();
    }

    public string Outputs(IReadOnlyList<ModelOutputColumn> outputs, IReadOnlyList<ModelPrediction> predictions)
    {
        Reset();
        _writer.WriteStartArray();
        foreach (var prediction in predictions)
        {
            _writer.WriteStartArray();
            foreach (var output in outputs)
            {
                switch (output.Name)
                {
                    case "PredictedLabel":
                        _writer.WriteStringValue(prediction.PredictedLabel);
                        break;
                    case "Probability":
                        WriteFloat(prediction.Probability);
                        break;
                    case "Score":
                        WriteFloat(prediction.Score);
                        break;
                    case "Cluster":
                        _writer.WriteNumberValue(prediction.Cluster);
                        break;
                    default:
                        WriteFloat(prediction.Distance);
                        break;
                }
            }

            _writer.WriteEndArray();
        }

        _writer.WriteEndArray();
        return Text();
    }

    private void WriteInput(InputRows rows, int column, int row)
    {
        if (rows.IsMissing(column, row))
        {
            _writer.WriteNullValue();
            return;
        }

        switch (rows.Inputs[column].Type)
        {
            case ModelInputs.String:
                _writer.WriteStringValue(rows.Texts(column)[row]);
                break;
            case ModelInputs.DateTime:
                _writer.WriteStringValue(rows.Dates(column)[row]!.Value.ToString(ModelInputs.DateTimeFormat, CultureInfo.InvariantCulture));
                break;
            case ModelInputs.Bool:
                _writer.WriteBooleanValue(rows.Numbers(column)[row] != 0);
                break;
            case ModelInputs.Int or ModelInputs.Long:
                _writer.WriteNumberValue((long)rows.Numbers(column)[row]);
                break;
            case ModelInputs.Float:
                WriteFloat((float)rows.Numbers(column)[row]);
                break;
            default:
                var value = rows.Numbers(column)[row];
                if (double.IsFinite(value))
                {
                    _writer.WriteNumberValue(value);
                }
                else
                {
                    _writer.WriteStringValue(value.ToString(CultureInfo.InvariantCulture));
                }

                break;
        }
    }

    private void WriteFloat(float value)
    {
        if (float.IsFinite(value))
        {
            _writer.WriteNumberValue(value);
        }
        else
        {
            _writer.WriteStringValue(value.ToString(CultureInfo.InvariantCulture));
        }
    }

    private void Reset()
    {
        _buffer.ResetWrittenCount();
        _writer.Reset();
    }

    private string Text()
    {
        _writer.Flush();
        return Encoding.UTF8.GetString(_buffer.WrittenSpan);
    }

    /// <summary>
    /// Reads the stored rows of one request into <paramref name="target"/> from row <paramref name="start"/>:
    /// stored column <c>i</c> goes to target column <c>map[i]</c> (-1: not kept).
    /// </summary>
    public static void ReadInputs(string json, int[] map, InputRows target, int start)
    {
        var reader = new Utf8JsonReader(Encoding.UTF8.GetBytes(json));
        reader.Read(); // [
        var row = start;
        while (reader.Read() && reader.TokenType == JsonTokenType.StartArray)
        {
            var column = 0;
            while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
            {
                var to = column < map.Length ? map[column] : -1;
                if (to >= 0 && reader.TokenType != JsonTokenType.Null)
                {
                    switch (target.Inputs[to].Type)
                    {
                        case ModelInputs.String:
                            target.Texts(to)[row] = reader.TokenType == JsonTokenType.String ? reader.GetString() : Encoding.UTF8.GetString(reader.ValueSpan);
                            break;
                        case ModelInputs.DateTime:
                            target.Dates(to)[row] = DateTime.TryParse(reader.GetString(), CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal, out var date) ? date : null;
                            break;
                        default:
                            target.Numbers(to)[row] = reader.TokenType switch
                            {
                                JsonTokenType.True => 1,
                                JsonTokenType.False => 0,
                                JsonTokenType.Number => reader.GetDouble(),
                                _ => double.TryParse(reader.GetString(), NumberStyles.Float, CultureInfo.InvariantCulture, out var number) ? number : double.NaN,
                            };
                            break;
                    }
                }

                column++;
            }

            row++;
        }
    }

    /// <summary>Reads the stored predictions of one request into the output arrays from row <paramref name="start"/>.</summary>
    public static void ReadOutputs(string json, int[] map, object[] columns, int start)
    {
        var reader = new Utf8JsonReader(Encoding.UTF8.GetBytes(json));
        reader.Read();
        var row = start;
        while (reader.Read() && reader.TokenType == JsonTokenType.StartArray)
        {
            var column = 0;
            while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
            {
                var to = column < map.Length ? map[column] : -1;
                if (to >= 0 && reader.TokenType != JsonTokenType.Null)
                {
                    switch (columns[to])
                    {
                        case string?[] texts:
                            texts[row] = reader.GetString();
                            break;
                        case int?[] ints:
                            ints[row] = reader.GetInt32();
                            break;
                        case float?[] floats:
                            floats[row] = reader.TokenType == JsonTokenType.Number ? reader.GetSingle() : float.Parse(reader.GetString()!, CultureInfo.InvariantCulture);
                            break;
                    }
                }

                column++;
            }

            row++;
        }
    }
}
