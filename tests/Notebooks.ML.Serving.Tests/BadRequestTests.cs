using System.Text.Json;
using System.Text.Json.Nodes;
using Notebooks.ML.Tracking;

namespace Notebooks.ML.Serving.Tests;

/// <summary>Every client mistake gets its 4xx and a message that names the row, column and value, never a 500, a stack trace or the request's data.</summary>
public sealed class BadRequestTests
{
    private static string Row(Action<JsonObject>? change = null)
    {
        var row = Bodies.Record(Models.PenguinsLightGbm, Models.Penguins, 0);
        change?.Invoke(row);
        return row.ToJsonString();
    }

    private static string Records(params string[] rows) => $"{{\"dataframe_records\": [{string.Join(",", rows)}]}}";

    public static TheoryData<string, string, string, int, string, string> Cases => new()
    {
        {
            "misspelt column", "/predict", Row(r => { r["bill_lenght_mm"] = r["bill_length_mm"]!.DeepClone(); r.Remove("bill_length_mm"); }), 400, "BAD_REQUEST",
            "Unknown column 'bill_lenght_mm'; missing column 'bill_length_mm'. Every row needs each of the model's inputs, and no other column: island (string), bill_length_mm (double, may be null)"
        },
        { "missing columns", "/invocations", Records(Row(r => { r.Remove("year"); r.Remove("sex"); })), 400, "BAD_REQUEST", "Row 1: missing columns 'sex', 'year'. Every row needs" },
        { "text for a number", "/invocations", Records(Row(), Row(r => r["bill_length_mm"] = "abc")), 400, "BAD_REQUEST", "Row 2, column 'bill_length_mm': expected a number (double), but got the text 'abc'." },
        { "a fraction for a whole number", "/predict", Row(r => r["flipper_length_mm"] = 181.5), 400, "BAD_REQUEST", "Row 1, column 'flipper_length_mm': expected a whole number (int), but got the number '181.5'." },
        { "a number for text", "/predict", Row(r => r["island"] = 3), 400, "BAD_REQUEST", "Row 1, column 'island': expected text (string), but got the number '3'." },
        { "an object for a value", "/predict", Row(r => r["island"] = new JsonObject { ["a"] = 1 }), 400, "BAD_REQUEST", "Row 1, column 'island': expected text (string), but got an object." },
        {
            "null where training saw none", "/predict", Row(r => r["year"] = null), 400, "BAD_REQUEST",
            "Row 1, column 'year': the value is missing, but the model saw no missing values in 'year' when it was trained, so it cannot impute one. Send a whole number (int)."
        },
        { "null in CSV where training saw none", "/invocations", "island,bill_length_mm,bill_depth_mm,flipper_length_mm,body_mass_g,sex,year\n,39.1,18.7,181,3750,male,2007\n", 400, "BAD_REQUEST", "Row 1, column 'island': the value is missing" },
        { "malformed JSON", "/predict", "{\"island\": \"Torgersen\", ", 400, "BAD_REQUEST", "The request body is not valid JSON (line 1, byte 25)." },
        { "trailing garbage", "/predict", Row() + "}", 400, "BAD_REQUEST", "The request body is not valid JSON" },
        { "not an object", "/predict", "[1, 2]", 400, "BAD_REQUEST", "The body of /predict must be a JSON object." },
        { "an empty batch", "/invocations", "{\"dataframe_records\": []}", 400, "BAD_REQUEST", "The request holds no rows: send at least one." },
        { "empty columns", "/invocations", "{\"inputs\": {\"island\": []}}", 400, "BAD_REQUEST", "The request holds no rows" },
        { "no format key", "/invocations", "{\"rows\": []}", 400, "BAD_REQUEST", "The JSON body needs exactly one of the keys dataframe_split, dataframe_records, instances or inputs (the MLflow scoring protocol), but it has 'rows'." },
        { "two format keys", "/invocations", "{\"instances\": [], \"inputs\": []}", 400, "BAD_REQUEST", "but it has 'instances', 'inputs'." },
        { "a short row in dataframe_split", "/invocations", "{\"dataframe_split\": {\"columns\": [\"island\",\"bill_length_mm\",\"bill_depth_mm\",\"flipper_length_mm\",\"body_mass_g\",\"sex\",\"year\"], \"data\": [[\"Dream\", 1, 2, 3, 4, \"male\"]]}}", 400, "BAD_REQUEST", "Row 1 has 6 values, but 'columns' names 7." },
        { "columns of different lengths", "/invocations", "{\"inputs\": {\"island\": [\"Dream\"], \"year\": [2007, 2008]}}", 400, "BAD_REQUEST", "The column 'year' in 'inputs' has 2 values, but the first column has 1" },
        { "a column given twice", "/invocations", "{\"dataframe_split\": {\"columns\": [\"island\",\"island\"], \"data\": [[\"a\",\"b\"]]}}", 400, "BAD_REQUEST", "The column 'island' is given twice." },
        { "a ragged CSV line", "/invocations", "island,bill_length_mm,bill_depth_mm,flipper_length_mm,body_mass_g,sex,year\nDream,1,2\n", 400, "BAD_REQUEST", "Line 2 of the CSV body: 3 fields, but the header names 7." },
        { "another content type", "/invocations", "island=Dream", 415, "UNSUPPORTED_MEDIA_TYPE", "The content type 'text/plain' is not supported: send application/json, or text/csv with a header row (to /invocations)." },
        { "CSV to /predict", "/predict", "a,b\n1,2\n", 415, "UNSUPPORTED_MEDIA_TYPE", "/predict takes one JSON object (application/json); send CSV to /invocations." },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task A_client_mistake_gets_its_status_and_a_message_that_says_what_and_where(string name, string path, string body, int status, string code, string message)
    {
        await using var served = await Served.StartAsync(Models.PenguinsLightGbm);
        var type = name.Contains("CSV", StringComparison.Ordinal) ? "text/csv" : status == 415 && path == "/invocations" ? "text/plain" : "application/json";
        var (actualStatus, answer) = await served.PostAsync(path, body, type);
        Assert.True(actualStatus == status, $"{name}: {actualStatus} {answer}");
        var error = JsonDocument.Parse(answer).RootElement;
        Assert.Equal(code, error.GetProperty("error_code").GetString());
        Assert.Contains(message, error.GetProperty("message").GetString(), StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", answer, StringComparison.Ordinal);
        Assert.DoesNotContain("Exception", answer, StringComparison.Ordinal);

        // The refusal is logged with its status and code, without data; the server keeps answering.
        Assert.Equal(200, (await served.PostAsync("/predict", Row())).Status);
        await served.Server.StopAsync();
        using var store = RunStore.Open(served.Store);
        var traffic = store.ReadTraffic("penguins");
        Assert.Equal([status, 200], traffic.Requests.Select(r => r.Status));
        Assert.Equal([code, null], traffic.Requests.Select(r => r.ErrorCode));
        Assert.Equal(1, traffic.Inputs.Rows.Count);
    }

    [Fact]
    public async Task Limits_give_413_for_a_large_body_and_400_for_too_many_rows_and_values_are_never_echoed_in_full()
    {
        await using var served = await Served.StartAsync(Models.PenguinsLightGbm, o => { o.MaxBodyBytes = 4096; o.MaxRows = 5; });
        var six = Records(Enumerable.Repeat(Row(), 6).ToArray());
        var (status, answer) = await served.PostAsync("/invocations", six);
        Assert.Equal(400, status);
        Assert.Contains("The request holds 6 rows; the limit is 5 per request. Send smaller batches.", answer, StringComparison.Ordinal);

        var large = Records(Enumerable.Repeat(Row(), 40).ToArray());
        (status, answer) = await served.PostAsync("/invocations", large);
        Assert.Equal(413, status);
        Assert.Contains("\"error_code\":\"PAYLOAD_TOO_LARGE\"", answer, StringComparison.Ordinal);
        Assert.Contains("The request body is larger than the limit of 4 KB.", answer, StringComparison.Ordinal);

        var secret = "s3cr3t-" + new string('x', 200);
        (status, answer) = await served.PostAsync("/predict", Row(r => r["bill_length_mm"] = secret));
        Assert.Equal(400, status);
        Assert.DoesNotContain(secret, answer, StringComparison.Ordinal);
        Assert.Contains("(207 characters)", answer, StringComparison.Ordinal);
        (status, answer) = await served.PostAsync("/predict", Row(r => r["unknown"] = "s3cr3t-value"));
        Assert.Equal(400, status);
        Assert.DoesNotContain("s3cr3t-value", answer, StringComparison.Ordinal);

        (status, answer) = await served.GetAsync("/nothing/here");
        Assert.Equal(404, status);
        Assert.Contains("No endpoint answers GET /nothing/here. Endpoints: POST /invocations, POST /predict", answer, StringComparison.Ordinal);
    }
}
