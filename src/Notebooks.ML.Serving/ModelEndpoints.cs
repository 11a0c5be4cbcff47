using System.Buffers;
using System.IO.Pipelines;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Notebooks.ML.Training;
using Prometheus;

namespace Notebooks.ML.Serving;

/// <summary>
/// The serving API, mapped in one place and identical wherever a model is served: <c>POST /invocations</c> (MLflow
/// scoring protocol), <c>POST /predict</c>, <c>GET /ping</c>, <c>/health</c>, <c>/version</c>,
/// <c>/openapi/v1.json</c> and <c>/metrics</c>. A client's mistake gets its 4xx with
/// <c>{"error_code": …, "message": …}</c>; nothing on the prediction path allocates a DataFrame.
/// </summary>
public static class ModelEndpoints
{
    [ThreadStatic]
    private static ResponseBuffer? _response;

    /// <summary>Maps the serving API for <paramref name="host"/>, with the API key check when one is set.</summary>
    public static IEndpointRouteBuilder MapModelEndpoints(this IEndpointRouteBuilder endpoints, ModelHost host)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        ArgumentNullException.ThrowIfNull(host);
        if (host.Options.EffectiveApiKey is { } key && endpoints is IApplicationBuilder app)
        {
            var expected = Encoding.UTF8.GetBytes(key);
            app.Use(next => context => Authorized(context, expected) ? next(context) : RefuseAsync(context, host));
        }

        endpoints.MapPost("/invocations", context => PredictAsync(context, host, predict: false));
        endpoints.MapPost("/predict", context => PredictAsync(context, host, predict: true));
        endpoints.MapGet("/ping", context =>
        {
            context.Response.StatusCode = 200;
            return Task.CompletedTask;
        });
        endpoints.MapGet("/health", context => WriteJsonAsync(context, 200, Health(host)));
        endpoints.MapGet("/version", context => WriteJsonAsync(context, 200, host.Current.VersionJson));
        endpoints.MapGet("/openapi/v1.json", context => WriteJsonAsync(context, 200, host.Current.OpenApi));
        endpoints.MapMetrics("/metrics", host.Registry);
        endpoints.MapFallback(context => WriteErrorAsync(context, new RequestException(404, RequestErrors.NotFound,
            $"No endpoint answers {context.Request.Method} {Shorten(context.Request.Path.Value)}. Endpoints: POST /invocations, POST /predict, GET /ping, /health, /version, /openapi/v1.json, /metrics.")));
        return endpoints;
    }

    private static async Task PredictAsync(HttpContext context, ModelHost host, bool predict)
    {
        var start = System.Diagnostics.Stopwatch.GetTimestamp();
        var served = host.Current;
        try
        {
            var csv = IsCsv(context.Request.ContentType);
            if (!csv && !IsJson(context.Request.ContentType))
            {
                throw RequestErrors.UnsupportedContentType(context.Request.ContentType);
            }

            if (csv && predict)
            {
                throw RequestErrors.CsvToPredict();
            }

            var limit = host.Options.MaxBodyBytes;
            if (context.Request.ContentLength > limit)
            {
                await DrainAsync(context, context.Request.ContentLength.Value).ConfigureAwait(false);
                throw RequestErrors.BodyTooLarge(limit);
            }

            var rows = await ReadAsync(context.Request.BodyReader, limit, body => csv ? served.Reader.ReadCsv(body)
                : predict ? served.Reader.ReadObject(body)
                : served.Reader.ReadInvocation(body)).ConfigureAwait(false);
            var predictions = served.Predict(rows);
            var response = _response ??= new ResponseBuffer();
            response.Write(served.Model.Outputs, predictions, predict);
            // Copied out before any await: the buffer belongs to this thread, not to this request.
            var answer = response.Take();
            // Logged (queued) before the answer is sent: a graceful stop never loses an acknowledged row.
            await host.AnsweredAsync(start, served, predict, rows, predictions).ConfigureAwait(false);
            await WriteJsonAsync(context, 200, answer).ConfigureAwait(false);
        }
        catch (RequestException e)
        {
            await host.RefusedAsync(start, served, predict ? "predict" : "invocations", e.Status, e.Code).ConfigureAwait(false);
            await WriteErrorAsync(context, e).ConfigureAwait(false);
        }
        catch (BadHttpRequestException e) when (e.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            var tooLarge = RequestErrors.BodyTooLarge(host.Options.MaxBodyBytes);
            await host.RefusedAsync(start, served, predict ? "predict" : "invocations", tooLarge.Status, tooLarge.Code).ConfigureAwait(false);
            await WriteErrorAsync(context, tooLarge).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// Reads and drops a body that is too large (up to 64 MB), so that the client, still sending, gets the 413 rather
    /// than a reset connection; a larger one is cut off with the connection.
    /// </summary>
    private static async Task DrainAsync(HttpContext context, long length)
    {
        const long Cap = 64L * 1024 * 1024;
        if (length > Cap || context.Features.Get<Microsoft.AspNetCore.Http.Features.IHttpMaxRequestBodySizeFeature>() is not { IsReadOnly: false } size)
        {
            context.Response.Headers.Connection = "close";
            return;
        }

        size.MaxRequestBodySize = Cap;
        try
        {
            await context.Request.Body.CopyToAsync(Stream.Null).ConfigureAwait(false);
        }
        catch (Exception e) when (e is IOException or BadHttpRequestException or OperationCanceledException)
        {
            context.Response.Headers.Connection = "close";
        }
    }

    /// <summary>Reads the whole body (up to <paramref name="limit"/> bytes) and parses it while the pipe still holds it.</summary>
    private static async Task<InputRows> ReadAsync(PipeReader reader, long limit, Func<ReadOnlySpan<byte>, InputRows> parse)
    {
        while (true)
        {
            var result = await reader.ReadAsync().ConfigureAwait(false);
            var buffer = result.Buffer;
            if (buffer.Length > limit)
            {
                reader.AdvanceTo(buffer.End);
                throw RequestErrors.BodyTooLarge(limit);
            }

            if (!result.IsCompleted)
            {
                reader.AdvanceTo(buffer.Start, buffer.End);
                continue;
            }

            try
            {
                if (buffer.IsSingleSegment)
                {
                    return parse(buffer.FirstSpan);
                }

                var length = (int)buffer.Length;
                var rented = ArrayPool<byte>.Shared.Rent(length);
                try
                {
                    buffer.CopyTo(rented);
                    return parse(rented.AsSpan(0, length));
                }
                finally
                {
                    ArrayPool<byte>.Shared.Return(rented);
                }
            }
            finally
            {
                reader.AdvanceTo(buffer.End);
            }
        }
    }

    private static bool IsJson(string? contentType) =>
        contentType is not null && (contentType.StartsWith("application/json", StringComparison.OrdinalIgnoreCase) || Media(contentType).EndsWith("+json", StringComparison.OrdinalIgnoreCase));

    private static bool IsCsv(string? contentType) =>
        contentType is not null && Media(contentType).Equals("text/csv", StringComparison.OrdinalIgnoreCase);

    private static string Media(string contentType) => contentType.Split(';', 2)[0].Trim();

    private static bool Authorized(HttpContext context, byte[] expected)
    {
        var path = context.Request.Path;
        if (path.Equals("/ping", StringComparison.OrdinalIgnoreCase) || path.Equals("/health", StringComparison.OrdinalIgnoreCase))
        {
            return true;
        }

        var given = Key(context.Request);
        return given is not null && CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(given), expected);
    }

    private static string? Key(HttpRequest request)
    {
        var authorization = request.Headers.Authorization.ToString();
        if (authorization.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
        {
            return authorization[7..].Trim();
        }

        var header = request.Headers["X-API-Key"].ToString();
        return header.Length > 0 ? header : null;
    }

    private static async Task RefuseAsync(HttpContext context, ModelHost host)
    {
        var error = Key(context.Request) is null ? RequestErrors.MissingKey() : RequestErrors.WrongKey();
        var path = context.Request.Path;
        var endpoint = path.Equals("/predict", StringComparison.OrdinalIgnoreCase) ? "predict" : path.Equals("/invocations", StringComparison.OrdinalIgnoreCase) ? "invocations" : null;
        if (endpoint is not null && HttpMethods.IsPost(context.Request.Method))
        {
            await host.RefusedAsync(System.Diagnostics.Stopwatch.GetTimestamp(), host.Current, endpoint, error.Status, error.Code).ConfigureAwait(false);
        }

        context.Response.Headers.WWWAuthenticate = "Bearer";
        await WriteErrorAsync(context, error).ConfigureAwait(false);
    }

    private static Task WriteErrorAsync(HttpContext context, RequestException error)
    {
        using var stream = new MemoryStream();
        using (var writer = new Utf8JsonWriter(stream))
        {
            writer.WriteStartObject();
            writer.WriteString("error_code", error.Code);
            writer.WriteString("message", error.Message);
            writer.WriteEndObject();
        }

        return WriteJsonAsync(context, error.Status, stream.ToArray());
    }

    private static byte[] Health(ModelHost host) =>
        JsonSerializer.SerializeToUtf8Bytes(new { status = "ok", name = host.Options.Name, version = host.Current.Version });

    private static Task WriteJsonAsync(HttpContext context, int status, ReadOnlyMemory<byte> body)
    {
        var response = context.Response;
        response.StatusCode = status;
        response.ContentType = "application/json";
        response.ContentLength = body.Length;
        return response.Body.WriteAsync(body).AsTask();
    }

    private static string Shorten(string? path) => path is null ? "/" : path.Length <= 60 ? path : path[..60] + "…";

    /// <summary>One thread's reusable buffer for a prediction answer (written synchronously, then copied out).</summary>
    private sealed class ResponseBuffer
    {
        private readonly ArrayBufferWriter<byte> _buffer = new(1024);
        private readonly Utf8JsonWriter _writer;

        public ResponseBuffer() => _writer = new Utf8JsonWriter(_buffer);

        public void Write(IReadOnlyList<ModelOutputColumn> outputs, ModelPrediction[] predictions, bool single)
        {
            _buffer.ResetWrittenCount();
            _writer.Reset();
            if (single)
            {
                WritePrediction(outputs, predictions[0]);
            }
            else
            {
                _writer.WriteStartObject();
                _writer.WriteStartArray("predictions");
                foreach (var prediction in predictions)
                {
                    WritePrediction(outputs, prediction);
                }

                _writer.WriteEndArray();
                _writer.WriteEndObject();
            }

            _writer.Flush();
        }

        public byte[] Take() => _buffer.WrittenSpan.ToArray();

        private void WritePrediction(IReadOnlyList<ModelOutputColumn> outputs, ModelPrediction prediction)
        {
            _writer.WriteStartObject();
            foreach (var output in outputs)
            {
                switch (output.Name)
                {
                    case "PredictedLabel":
                        _writer.WriteString("PredictedLabel", prediction.PredictedLabel);
                        break;
                    case "Probability":
                        WriteFloat("Probability", prediction.Probability);
                        break;
                    case "Score":
                        WriteFloat("Score", prediction.Score);
                        break;
                    case "Cluster":
                        _writer.WriteNumber("Cluster", prediction.Cluster);
                        break;
                    default:
                        WriteFloat("Distance", prediction.Distance);
                        break;
                }
            }

            _writer.WriteEndObject();
        }

        private void WriteFloat(string name, float value)
        {
            if (float.IsFinite(value))
            {
                _writer.WriteNumber(name, value);
            }
            else
            {
                _writer.WriteNull(name);
            }
        }
    }
}
