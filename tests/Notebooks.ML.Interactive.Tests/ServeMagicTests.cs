using System.Net;
using System.Text;
using System.Text.RegularExpressions;
using Notebooks.ML.Tracking;

namespace Notebooks.ML.Interactive.Tests;

/// <summary><c>#!serve</c> and <c>#!export</c> in an in-process kernel: options, help, messages, swaps and stops.</summary>
[Collection("kernel")]
public sealed partial class ServeMagicTests : IAsyncLifetime
{
    private readonly KernelHarness _kernel = new();
    private readonly string _folder = Directory.CreateTempSubdirectory("nbml-serve-magic-").FullName;
    private readonly HttpClient _client = new();

    private string Store => Path.Combine(_folder, "runs.db");

    public async Task InitializeAsync()
    {
        (await _kernel.SubmitAsync($"#!runs store {Store}")).ShouldSucceed();
        (await _kernel.SubmitAsync("#!load data/penguins.csv")).ShouldSucceed();
        (await _kernel.SubmitAsync("#!train --data penguins --label species --no-explain --as model")).ShouldSucceed();
    }

    public Task DisposeAsync()
    {
        _kernel.Dispose();
        _client.Dispose();
        Directory.Delete(_folder, recursive: true);
        return Task.CompletedTask;
    }

    [Fact]
    public async Task Serve_shows_the_url_endpoints_openapi_and_a_curl_line_and_answers_until_stopped()
    {
        var card = (await _kernel.SubmitAsync("#!serve model --name penguins")).ShouldSucceed().Html;
        var url = Url(card);
        Assert.StartsWith("http://127.0.0.1:", url, StringComparison.Ordinal);
        Assert.Contains("POST <span data-nbml-volatile>" + url + "</span>/invocations", card, StringComparison.Ordinal);
        Assert.Contains("/openapi/v1.json", card, StringComparison.Ordinal);
        Assert.Contains("curl -s " + url + "/predict -H &#39;Content-Type: application/json&#39; -d &#39;{&quot;island&quot;:&quot;Torgersen&quot;", card, StringComparison.Ordinal);
        Assert.Contains("refuses null with 400", card, StringComparison.Ordinal);
        Assert.Contains("May be null here: bill_length_mm, bill_depth_mm, flipper_length_mm, body_mass_g, sex.", card, StringComparison.Ordinal);
        Assert.DoesNotContain("class=\"nbml-warn\"", card, StringComparison.Ordinal);

        using var response = await _client.PostAsync(new Uri(url + "/predict"), new StringContent("""{"island":"Biscoe","bill_length_mm":50.0,"bill_depth_mm":15.0,"flipper_length_mm":220,"body_mass_g":5500,"sex":"male","year":2008}""", Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("\"PredictedLabel\":\"Gentoo\"", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);

        var list = (await _kernel.SubmitAsync("#!serve list")).ShouldSucceed().Html;
        Assert.Contains("1 running in this kernel", list, StringComparison.Ordinal);
        Assert.Contains("<b>penguins</b>", list, StringComparison.Ordinal);
        Assert.Matches(@"data-nbml-volatile>1</td><td class=""num"" data-nbml-volatile>0</td><td class=""num"" data-nbml-volatile>1</td>", list);

        var stopped = (await _kernel.SubmitAsync("#!serve stop penguins")).ShouldSucceed().Html;
        Assert.Contains("Stopped <code>penguins</code>", stopped, StringComparison.Ordinal);
        Assert.Contains("holds all of them: <span data-nbml-volatile>1</span> requests, <span data-nbml-volatile>1</span> rows", stopped, StringComparison.Ordinal);
        await Assert.ThrowsAsync<HttpRequestException>(() => _client.GetAsync(new Uri(url + "/ping")));
        Assert.Contains("None: start one with", (await _kernel.SubmitAsync("#!serve list")).ShouldSucceed().Html, StringComparison.Ordinal);

        // The log went to the session's run store.
        using var store = RunStore.Open(Store);
        Assert.Equal(1, store.ReadTraffic("penguins").Inputs.Rows.Count);
    }

    [Fact]
    public async Task Serving_again_under_the_same_name_swaps_the_model_and_keeps_the_address()
    {
        var first = Url((await _kernel.SubmitAsync("#!serve model")).ShouldSucceed().Html);
        (await _kernel.SubmitAsync("#!train --data penguins --label species --trainer sdca --no-explain --as other")).ShouldSucceed();
        var swap = (await _kernel.SubmitAsync("#!serve other --name model")).ShouldSucceed().Html;
        Assert.Contains("Swapped the model of <code>model</code>", swap, StringComparison.Ordinal);
        Assert.Equal(first, Url(swap));
        Assert.Contains("\"version\": 2", await _client.GetStringAsync(new Uri(first + "/version")), StringComparison.Ordinal);

        var moved = (await _kernel.SubmitAsync("#!serve model --port 1")).ShouldFail();
        Assert.Equal($"'model' is already served at {first}; serving it again swaps the model in place and keeps its address, key and log. To change those, #!serve stop model first.", moved);
    }

    [Fact]
    public async Task Listening_beyond_the_machine_warns_and_the_api_key_is_required()
    {
        var card = (await _kernel.SubmitAsync("#!serve model --host 0.0.0.0 --api-key k3y --no-log")).ShouldSucceed().Html;
        Assert.Contains("⚠ Listening on <b>0.0.0.0</b>: anyone who can reach this machine", card, StringComparison.Ordinal);
        Assert.Contains("(with the API key)", card, StringComparison.Ordinal);
        Assert.Contains("-H &quot;Authorization: Bearer $NOTEBOOKS_ML_API_KEY&quot;", card, StringComparison.Ordinal);
        Assert.DoesNotContain("k3y", card, StringComparison.Ordinal);
        Assert.Contains("No prediction log (--no-log).", card, StringComparison.Ordinal);
        var url = Url(card);
        Assert.Equal(HttpStatusCode.Unauthorized, (await _client.GetAsync(new Uri(url + "/version"))).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await _client.GetAsync(new Uri(url + "/health"))).StatusCode);
    }

    [Theory]
    [InlineData("#!serve", "#!serve needs the model variable, for example: #!serve model.")]
    [InlineData("#!serve nothing", "There is no model variable named 'nothing' in the C# kernel.")]
    [InlineData("#!serve penguins", "The variable 'penguins' holds a DataFrame, but #!serve expects a model made by #!train (a TrainedModel).")]
    [InlineData("#!serve model --port 70000", "The option --port got '70000', but expected a port from 1 to 65535 (or leave it out for a free one).")]
    [InlineData("#!serve model --port eighty", "The option --port got 'eighty'")]
    [InlineData("#!serve model --host example.com", "The host 'example.com' is not an IP address.")]
    [InlineData("#!serve model --name \"my server\"", "--name 'my server' is not a valid server name.")]
    [InlineData("#!serve stop", "#!serve stop needs the server's name, for example: #!serve stop penguins. Running: none.")]
    [InlineData("#!serve stop ghost", "There is no server named 'ghost' in this kernel. Running: none.")]
    [InlineData("#!export model", "#!export needs --out, the folder to write the project to, for example: #!export model --out exported.")]
    [InlineData("#!export model --out . --name 9lives", "--name '9lives' is not a valid project name.")]
    public async Task Bad_input_gets_a_message_and_the_kernel_stays_usable(string magic, string message)
    {
        Assert.Contains(message, (await _kernel.SubmitAsync(magic)).ShouldFail(), StringComparison.Ordinal);
        Assert.Contains("None: start one with", (await _kernel.SubmitAsync("#!serve list")).ShouldSucceed().Html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Export_refuses_a_folder_it_did_not_write()
    {
        File.WriteAllText(Path.Combine(_folder, "keep.txt"), "mine");
        var message = (await _kernel.SubmitAsync($"#!export model --out {_folder}")).ShouldFail();
        Assert.Equal($"The folder '{_folder}' is not empty, and #!export did not make it: give a new or empty folder with --out.", message);
        Assert.True(File.Exists(Path.Combine(_folder, "keep.txt")));
    }

    [Fact]
    public async Task Help_describes_every_option_and_the_subcommands()
    {
        var help = (await _kernel.SubmitAsync("#!serve -h")).ShouldSucceed().Html;
        foreach (var option in new[] { "--name", "--port", "--host", "--api-key", "--no-log", "#!serve list", "#!serve stop penguins" })
        {
            Assert.Contains(option, help, StringComparison.Ordinal);
        }

        var export = (await _kernel.SubmitAsync("#!export -h")).ShouldSucceed().Html;
        Assert.Contains("--out", export, StringComparison.Ordinal);
        Assert.Contains("builds offline", export, StringComparison.Ordinal);
        Assert.Contains("#!serve", (await _kernel.SubmitAsync("#!serve list -h")).ShouldSucceed().Html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Every_server_stops_with_the_kernel()
    {
        var url = Url((await _kernel.SubmitAsync("#!serve model")).ShouldSucceed().Html);
        Assert.Equal(HttpStatusCode.OK, (await _client.GetAsync(new Uri(url + "/ping"))).StatusCode);
        _kernel.Kernel.Dispose();
        await Assert.ThrowsAsync<HttpRequestException>(() => _client.GetAsync(new Uri(url + "/ping")));
    }

    private static string Url(string card) => UrlPattern().Match(card) is { Success: true } match ? match.Groups[1].Value : throw new Xunit.Sdk.XunitException("No URL on the card: " + card);

    [GeneratedRegex(@"data-nbml-volatile>(http://[^<]+)</a>")]
    private static partial Regex UrlPattern();
}
