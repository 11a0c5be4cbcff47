using System.Runtime.InteropServices;
using System.Text.Json;
using System.Text.Json.Nodes;
using Notebooks.ML.Tracking;
using Notebooks.ML.Training;

namespace Notebooks.ML.Serving;

/// <summary>The documents the server describes itself with: <c>/version</c> and <c>/openapi/v1.json</c>.</summary>
internal static class ServiceDocuments
{
    /// <summary>How the API treats null, said the same way on the card, in the OpenAPI document and in the README.</summary>
    public const string NullPolicy =
        "A column where the training data had missing values takes null, and the model imputes it as in training (a number gets the training mean and its missing-value indicator, a category its own 'missing' category). " +
        "A column where training saw no missing values refuses null with 400: the model never learnt what a missing value means there.";

    private static readonly JsonSerializerOptions _indented = new() { WriteIndented = true };

    /// <summary><c>/version</c>: the server and model names, version, run, data fingerprint, trainer, metrics and package versions.</summary>
    public static byte[] Version(TrainedModel model, string name, string? modelName, int version)
    {
        var document = new JsonObject
        {
            ["name"] = name,
            ["model"] = modelName,
            ["version"] = version,
            ["run"] = ModelRuns.RunOf(model)?.Id,
            ["task"] = model.Task.ToString().ToLowerInvariant(),
            ["label"] = model.Label,
            ["trainer"] = model.Info.Trainer,
            ["data_fingerprint"] = model.Info.DataFingerprint,
            ["trained_at"] = model.Info.TrainedAt.ToString("o", System.Globalization.CultureInfo.InvariantCulture),
            ["metrics"] = new JsonObject(model.Metrics.Select(m => KeyValuePair.Create(m.Key, double.IsFinite(m.Value) ? (JsonNode?)m.Value : null))),
            ["packages"] = new JsonObject(model.Versions.Select(v => KeyValuePair.Create(v.Key, (JsonNode?)v.Value))),
            ["server"] = new JsonObject
            {
                ["Notebooks.ML.Serving"] = ML.Versions.Of(typeof(ServiceDocuments).Assembly),
                [".NET"] = RuntimeInformation.FrameworkDescription,
            },
        };
        return JsonSerializer.SerializeToUtf8Bytes(document, _indented);
    }
}

/// <summary><c>/openapi/v1.json</c>: an OpenAPI 3 document built from the model's input schema and outputs.</summary>
internal static class OpenApiDocument
{
    public static byte[] Write(TrainedModel model, string name, int version, ServeOptions options)
    {
        var row = new JsonObject
        {
            ["type"] = "object",
            ["description"] = "One row: every input column of the model, and no other. " + ServiceDocuments.NullPolicy,
            ["required"] = new JsonArray(model.Inputs.Select(i => (JsonNode?)i.Name).ToArray()),
            ["additionalProperties"] = false,
            ["properties"] = new JsonObject(model.Inputs.Select(i => KeyValuePair.Create(i.Name, (JsonNode?)Column(i)))),
            ["example"] = JsonNode.Parse(ExampleRows.Json(model)),
        };
        var prediction = new JsonObject
        {
            ["type"] = "object",
            ["description"] = "The columns #!predict adds, named the same.",
            ["properties"] = new JsonObject(model.Outputs.Select(o => KeyValuePair.Create(o.Name, (JsonNode?)Output(o, model)))),
        };
        var error = new JsonObject
        {
            ["type"] = "object",
            ["required"] = new JsonArray("error_code", "message"),
            ["properties"] = new JsonObject
            {
                ["error_code"] = new JsonObject { ["type"] = "string", ["example"] = RequestErrors.BadRequest },
                ["message"] = new JsonObject { ["type"] = "string", ["description"] = "What is wrong, with the row, column and value; never the request's data beyond that value." },
            },
        };
        var rows = new JsonObject { ["type"] = "array", ["minItems"] = 1, ["maxItems"] = options.MaxRows, ["items"] = Ref("Row") };
        var invocation = new JsonObject
        {
            ["description"] = "The MLflow scoring protocol: exactly one of these keys.",
            ["oneOf"] = new JsonArray(
                Format("dataframe_split", new JsonObject
                {
                    ["type"] = "object",
                    ["required"] = new JsonArray("columns", "data"),
                    ["properties"] = new JsonObject
                    {
                        ["columns"] = new JsonObject { ["type"] = "array", ["items"] = new JsonObject { ["type"] = "string" } },
                        ["data"] = new JsonObject { ["type"] = "array", ["minItems"] = 1, ["maxItems"] = options.MaxRows, ["items"] = new JsonObject { ["type"] = "array", ["items"] = new JsonObject() } },
                    },
                }),
                Format("dataframe_records", rows.DeepClone()),
                Format("instances", rows.DeepClone()),
                Format("inputs", new JsonObject
                {
                    ["description"] = "Columns (column → list of values) or records (a list of rows).",
                    ["oneOf"] = new JsonArray(new JsonObject { ["type"] = "object", ["additionalProperties"] = new JsonObject { ["type"] = "array", ["items"] = new JsonObject() } }, rows.DeepClone()),
                })),
            ["example"] = JsonNode.Parse(ExampleRows.Invocation(model)),
        };

        var errors = new JsonObject
        {
            ["400"] = Response("A client mistake: malformed JSON, unknown or missing columns, a value of the wrong type, a null where the column takes none, no rows, or too many rows.", Ref("Error")),
            ["413"] = Response($"The body is larger than {options.MaxBodyBytes:N0} bytes.", Ref("Error")),
            ["415"] = Response("Another content type than application/json (or text/csv for /invocations).", Ref("Error")),
        };
        var secured = options.EffectiveApiKey is not null;
        if (secured)
        {
            errors["401"] = Response("The API key is missing or not valid.", Ref("Error"));
        }

        var document = new JsonObject
        {
            ["openapi"] = "3.0.3",
            ["info"] = new JsonObject
            {
                ["title"] = $"{name}: a Notebooks.ML model",
                ["version"] = version.ToString(System.Globalization.CultureInfo.InvariantCulture),
                ["description"] = $"{model.Info.Trainer} {model.Task.ToString().ToLowerInvariant()} model of '{model.Label}', trained on data {model.Info.DataFingerprint}. Null policy: {ServiceDocuments.NullPolicy}",
            },
            ["paths"] = new JsonObject
            {
                ["/invocations"] = new JsonObject
                {
                    ["post"] = Operation("Predicts a batch of rows (MLflow scoring protocol).", new JsonObject
                    {
                        ["required"] = true,
                        ["content"] = new JsonObject
                        {
                            ["application/json"] = new JsonObject { ["schema"] = invocation },
                            ["text/csv"] = new JsonObject { ["schema"] = new JsonObject { ["type"] = "string", ["description"] = "CSV with a header row; empty fields, NA, null and NaN are missing values." } },
                        },
                    }, Response("One prediction per row, in order.", new JsonObject
                    {
                        ["type"] = "object",
                        ["required"] = new JsonArray("predictions"),
                        ["properties"] = new JsonObject { ["predictions"] = new JsonObject { ["type"] = "array", ["items"] = Ref("Prediction") } },
                    }), errors, secured),
                },
                ["/predict"] = new JsonObject
                {
                    ["post"] = Operation("Predicts one row.", new JsonObject
                    {
                        ["required"] = true,
                        ["content"] = new JsonObject { ["application/json"] = new JsonObject { ["schema"] = Ref("Row") } },
                    }, Response("The prediction.", Ref("Prediction")), errors, secured),
                },
                ["/ping"] = Get("200 once the model is loaded.", null, false),
                ["/health"] = Get("200 once the model is loaded, with the model's name and version.", new JsonObject { ["type"] = "object" }, false),
                ["/version"] = Get("The model's name, version, run, data fingerprint, trainer, metrics and package versions.", new JsonObject { ["type"] = "object" }, secured),
                ["/metrics"] = Get("Prometheus metrics: requests, errors, rows, a latency histogram.", null, secured, "text/plain"),
                ["/openapi/v1.json"] = Get("This document.", new JsonObject { ["type"] = "object" }, secured),
            },
            ["components"] = new JsonObject
            {
                ["schemas"] = new JsonObject { ["Row"] = row, ["Prediction"] = prediction, ["Error"] = error },
            },
        };
        if (secured)
        {
            document["components"]!["securitySchemes"] = new JsonObject
            {
                ["bearer"] = new JsonObject { ["type"] = "http", ["scheme"] = "bearer" },
                ["apiKey"] = new JsonObject { ["type"] = "apiKey", ["in"] = "header", ["name"] = "X-API-Key" },
            };
        }

        return JsonSerializer.SerializeToUtf8Bytes(document, new JsonSerializerOptions { WriteIndented = true });
    }

    private static JsonObject Column(ModelInputColumn input)
    {
        var (type, format) = input.Type switch
        {
            ModelInputTypes.Double => ("number", "double"),
            ModelInputTypes.Float => ("number", "float"),
            ModelInputTypes.Int => ("integer", "int32"),
            ModelInputTypes.Long => ("integer", "int64"),
            ModelInputTypes.Bool => ("boolean", null),
            ModelInputTypes.DateTime => ("string", "date-time"),
            _ => ("string", null),
        };
        var schema = new JsonObject { ["type"] = type };
        if (format is not null)
        {
            schema["format"] = format;
        }

        schema["nullable"] = input.HasMissing;
        schema["description"] = $"{input.Kind} feature ({input.Type}). " + (input.HasMissing
            ? "May be null: training saw missing values here, and the model imputes them as in training."
            : "Never null: training saw no missing values here.");
        return schema;
    }

    private static JsonObject Output(ModelOutputColumn output, TrainedModel model)
    {
        var schema = output.Type switch
        {
            ModelInputTypes.String => new JsonObject { ["type"] = "string" },
            ModelInputTypes.Int => new JsonObject { ["type"] = "integer", ["format"] = "int32" },
            _ => new JsonObject { ["type"] = "number", ["format"] = "float" },
        };
        if (output.Name == "PredictedLabel" && model.Classes.Count > 0)
        {
            schema["enum"] = new JsonArray(model.Classes.Select(c => (JsonNode?)c).ToArray());
        }

        schema["description"] = output.Description;
        return schema;
    }

    private static JsonObject Format(string key, JsonNode schema) => new()
    {
        ["type"] = "object",
        ["required"] = new JsonArray(key),
        ["properties"] = new JsonObject { [key] = schema },
    };

    private static JsonObject Ref(string name) => new() { ["$ref"] = $"#/components/schemas/{name}" };

    private static JsonObject Response(string description, JsonNode schema, string media = "application/json") => new()
    {
        ["description"] = description,
        ["content"] = new JsonObject { [media] = new JsonObject { ["schema"] = schema } },
    };

    private static JsonObject Operation(string summary, JsonObject body, JsonObject ok, JsonObject errors, bool secured)
    {
        var responses = new JsonObject { ["200"] = ok };
        foreach (var (status, response) in errors)
        {
            responses[status] = response!.DeepClone();
        }

        var operation = new JsonObject { ["summary"] = summary, ["requestBody"] = body, ["responses"] = responses };
        return Secure(operation, secured);
    }

    private static JsonObject Get(string summary, JsonObject? schema, bool secured, string media = "application/json")
    {
        var ok = schema is null && media == "application/json" ? new JsonObject { ["description"] = summary } : Response(summary, schema ?? new JsonObject { ["type"] = "string" }, media);
        return new JsonObject { ["get"] = Secure(new JsonObject { ["summary"] = summary, ["responses"] = new JsonObject { ["200"] = ok } }, secured) };
    }

    private static JsonObject Secure(JsonObject operation, bool secured)
    {
        if (secured)
        {
            operation["security"] = new JsonArray(new JsonObject { ["bearer"] = new JsonArray() }, new JsonObject { ["apiKey"] = new JsonArray() });
        }

        return operation;
    }
}
