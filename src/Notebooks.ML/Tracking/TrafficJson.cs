using System.Buffers;
using System.Globalization;
using System.Text;
using System.Text.Json;
using Notebooks.ML.Training;

namespace Notebooks.ML.Tracking;

/// <summary>One request as a segment holds it.</summary>
internal sealed record SegmentRequest(long ModelId, DateTimeOffset At, double LatencyMs, int Status, string? ErrorCode, int Rows);

/// <summary>Where one stored row goes when a segment is read: its columns' places in the result, and its row there (-1: skipped).</summary>
internal readonly record struct RowPlan(int[] Inputs, int[] Outputs, int Target);

/// <summary>
/// How the prediction log stores a commit: one JSON document per segment,
/// <c>{"requests": [[model id, microseconds since 1970 UTC, latency ms, status, error code, rows], …],
/// "inputs": [[value, …], …], "outputs": [[value, …], …]}</c>, where inputs and outputs hold the answered requests'
/// rows in order, each value in its model version's column order and typed as the column is (numbers, true/false,
/// text, date-times as ISO text, null where missing). Readable with SQLite's <c>json_each</c> or PostgreSQL's
/// <c>json_array_elements</c>.
/// </summary>
internal sealed class TrafficJson
{
    private readonly ArrayBufferWriter<byte> _requestBuffer = new(256);
    private readonly ArrayBufferWriter<byte> _inputBuffer = new(1024);
    private readonly ArrayBufferWriter<byte> _outputBuffer = new(256);
    private readonly Utf8JsonWriter _requests;
    private readonly Utf8JsonWriter _inputs;
    private readonly Utf8JsonWriter _outputs;
    private Utf8JsonWriter _writer;

    public TrafficJson()
    {
        _requests = new Utf8JsonWriter(_requestBuffer);
        _inputs = new Utf8JsonWriter(_inputBuffer);
        _outputs = new Utf8JsonWriter(_outputBuffer);
        _writer = _inputs;
    }

    /// <summary>The last request encoded: <c>[model id, time, latency, status, code, rows]</c>.</summary>
    public ReadOnlySpan<byte> Request => _requestBuffer.WrittenSpan;

    /// <summary>The last request's rows, as a JSON array of rows (<c>[]</c> when refused).</summary>
    public ReadOnlySpan<byte> Inputs => _inputBuffer.WrittenSpan;

    /// <summary>The last request's predictions, as a JSON array of rows (<c>[]</c> when refused).</summary>
    public ReadOnlySpan<byte> Outputs => _outputBuffer.WrittenSpan;

    /// <summary>Encodes one request (and its rows, when answered): outside any lock, on the thread that answered it.</summary>
    public void Encode(ServedModelVersion model, DateTimeOffset at, double latencyMs, int status, string? errorCode, InputRows? inputs, IReadOnlyList<ModelPrediction>? outputs)
    {
        foreach (var (buffer, writer) in new[] { (_requestBuffer, _requests), (_inputBuffer, _inputs), (_outputBuffer, _outputs) })
        {
            buffer.ResetWrittenCount();
            writer.Reset();
        }

        var rows = inputs?.Count ?? 0;
        _requests.WriteStartArray();
        _requests.WriteNumberValue(model.Id);
        _requests.WriteNumberValue((at.UtcTicks - DateTime.UnixEpoch.Ticks) / 10);
        _requests.WriteNumberValue(Math.Round(latencyMs, 4));
        _requests.WriteNumberValue(status);
        _requests.WriteStringValue(errorCode);
        _requests.WriteNumberValue(rows);
        _requests.WriteEndArray();
        _inputs.WriteStartArray();
        _outputs.WriteStartArray();
        if (inputs is not null)
        {
            _writer = _inputs;
            for (var r = 0; r < rows; r++)
            {
                _inputs.WriteStartArray();
                for (var c = 0; c < inputs.Inputs.Count; c++)
                {
                    WriteInput(inputs, c, r);
                }

                _inputs.WriteEndArray();
            }

            _writer = _outputs;
            for (var r = 0; r < rows && outputs is not null; r++)
            {
                WriteOutputs(model.Outputs, outputs[r]);
            }
        }

        _inputs.WriteEndArray();
        _outputs.WriteEndArray();
        _requests.Flush();
        _inputs.Flush();
        _outputs.Flush();
    }

    private void WriteOutputs(IReadOnlyList<ModelOutputColumn> outputs, ModelPrediction prediction)
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

    /// <summary>The requests of a segment, in order.</summary>
    public static List<SegmentRequest> ReadRequests(byte[] segment)
    {
        var requests = new List<SegmentRequest>();
        var reader = new Utf8JsonReader(segment);
        reader.Read();
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            var isRequests = reader.ValueTextEquals("requests"u8);
            reader.Read();
            if (!isRequests)
            {
                reader.Skip();
                continue;
            }

            while (reader.Read() && reader.TokenType == JsonTokenType.StartArray)
            {
                reader.Read();
                var model = reader.GetInt64();
                reader.Read();
                var at = new DateTimeOffset(DateTime.UnixEpoch.Ticks + (reader.GetInt64() * 10), TimeSpan.Zero);
                reader.Read();
                var latency = reader.GetDouble();
                reader.Read();
                var status = reader.GetInt32();
                reader.Read();
                var code = reader.TokenType == JsonTokenType.Null ? null : reader.GetString();
                reader.Read();
                var rows = reader.GetInt32();
                reader.Read();
                requests.Add(new SegmentRequest(model, at, latency, status, code, rows));
            }
        }

        return requests;
    }

    /// <summary>Reads the answered rows of a segment into <paramref name="inputs"/> and <paramref name="outputs"/>, row k as <paramref name="plan"/>[k] says.</summary>
    public static void ReadRows(byte[] segment, RowPlan[] plan, InputRows inputs, object[] outputs)
    {
        var reader = new Utf8JsonReader(segment);
        reader.Read();
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            var isInputs = reader.ValueTextEquals("inputs"u8);
            var isOutputs = reader.ValueTextEquals("outputs"u8);
            reader.Read();
            if (!isInputs && !isOutputs)
            {
                reader.Skip();
                continue;
            }

            for (var k = 0; reader.Read() && reader.TokenType == JsonTokenType.StartArray; k++)
            {
                var row = plan[k];
                if (row.Target < 0)
                {
                    reader.Skip();
                    continue;
                }

                var map = isInputs ? row.Inputs : row.Outputs;
                var column = 0;
                while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
                {
                    var to = column < map.Length ? map[column] : -1;
                    if (to >= 0 && reader.TokenType != JsonTokenType.Null)
                    {
                        if (isInputs)
                        {
                            ReadInput(ref reader, inputs, to, row.Target);
                        }
                        else
                        {
                            ReadOutput(ref reader, outputs[to], row.Target);
                        }
                    }

                    column++;
                }
            }
        }
    }

    private static void ReadInput(ref Utf8JsonReader reader, InputRows target, int column, int row)
    {
        switch (target.Inputs[column].Type)
        {
            case ModelInputs.String:
                target.Texts(column)[row] = reader.TokenType == JsonTokenType.String ? reader.GetString() : Encoding.UTF8.GetString(reader.ValueSpan);
                break;
            case ModelInputs.DateTime:
                target.Dates(column)[row] = DateTime.TryParse(reader.GetString(), CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal, out var date) ? date : null;
                break;
            default:
                target.Numbers(column)[row] = reader.TokenType switch
                {
                    JsonTokenType.True => 1,
                    JsonTokenType.False => 0,
                    JsonTokenType.Number => reader.GetDouble(),
                    _ => double.TryParse(reader.GetString(), NumberStyles.Float, CultureInfo.InvariantCulture, out var number) ? number : double.NaN,
                };
                break;
        }
    }

    private static void ReadOutput(ref Utf8JsonReader reader, object column, int row)
    {
        switch (column)
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
}

/// <summary>
/// A segment being built from encoded requests: three JSON arrays kept as raw bytes, so that adding a request is a
/// copy (done under the log's lock, while the encoding was not).
/// </summary>
internal sealed class TrafficSegment
{
    private readonly ArrayBufferWriter<byte> _requests = new(16 * 1024);
    private readonly ArrayBufferWriter<byte> _inputs = new(32 * 1024);
    private readonly ArrayBufferWriter<byte> _outputs = new(16 * 1024);
    private DateTimeOffset _first = DateTimeOffset.MaxValue;
    private DateTimeOffset _last = DateTimeOffset.MinValue;

    /// <summary>Requests added since the last <see cref="Seal"/>.</summary>
    public int Requests { get; private set; }

    /// <summary>The size so far, in bytes.</summary>
    public long Bytes => _requests.WrittenCount + _inputs.WrittenCount + _outputs.WrittenCount;

    private int Refused { get; set; }

    private int Rows { get; set; }

    /// <summary>Adds the request <paramref name="encoded"/> holds.</summary>
    public void Add(TrafficJson encoded, DateTimeOffset at, int rows, bool refused)
    {
        Append(_requests, encoded.Request);
        Append(_inputs, encoded.Inputs[1..^1]);
        Append(_outputs, encoded.Outputs[1..^1]);
        Requests++;
        Refused += refused ? 1 : 0;
        Rows += rows;
        _first = at < _first ? at : _first;
        _last = at > _last ? at : _last;
    }

    /// <summary>The segment built so far, and a fresh start for the next; null when nothing was added.</summary>
    public RunDatabase.Segment? Seal(string server)
    {
        if (Requests == 0)
        {
            return null;
        }

        var text = new StringBuilder((int)Bytes + 40)
            .Append("{\"requests\":[").Append(Encoding.UTF8.GetString(_requests.WrittenSpan))
            .Append("],\"inputs\":[").Append(Encoding.UTF8.GetString(_inputs.WrittenSpan))
            .Append("],\"outputs\":[").Append(Encoding.UTF8.GetString(_outputs.WrittenSpan))
            .Append("]}").ToString();
        var segment = new RunDatabase.Segment(server, _first, _last, Requests, Refused, Rows, text);
        _requests.ResetWrittenCount();
        _inputs.ResetWrittenCount();
        _outputs.ResetWrittenCount();
        Requests = Refused = Rows = 0;
        _first = DateTimeOffset.MaxValue;
        _last = DateTimeOffset.MinValue;
        return segment;
    }

    private static void Append(ArrayBufferWriter<byte> buffer, ReadOnlySpan<byte> elements)
    {
        if (elements.IsEmpty)
        {
            return;
        }

        if (buffer.WrittenCount > 0)
        {
            buffer.Write(","u8);
        }

        buffer.Write(elements);
    }
}
