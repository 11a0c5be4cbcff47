using System.Net.Http.Headers;
using System.Text;
using Notebooks.ML.Training;

namespace Notebooks.ML.Serving.Tests;

/// <summary>A model served by the real Kestrel on a free loopback port, with its own SQLite store, and a client for it.</summary>
internal sealed class Served : IAsyncDisposable
{
    private readonly string _folder;

    private Served(ModelServer server, string folder)
    {
        Server = server;
        _folder = folder;
        Client = new HttpClient { BaseAddress = new Uri(server.Url) };
    }

    public ModelServer Server { get; }

    public HttpClient Client { get; }

    public string Store => Path.Combine(_folder, "runs.db");

    public static async Task<Served> StartAsync(TrainedModel model, Action<ServeOptions>? configure = null)
    {
        var folder = Directory.CreateTempSubdirectory("nbml-serving-").FullName;
        var options = new ServeOptions { Name = "penguins", Store = Path.Combine(folder, "runs.db"), ApiKey = "" };
        configure?.Invoke(options);
        return new Served(await ModelServer.StartAsync(model, options), folder);
    }

    public async Task<(int Status, string Body)> PostAsync(string path, string body, string contentType = "application/json", string? key = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = new ByteArrayContent(Encoding.UTF8.GetBytes(body)) };
        request.Content.Headers.ContentType = contentType.Length == 0 ? null : MediaTypeHeaderValue.Parse(contentType);
        if (key is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", key);
        }

        using var response = await Client.SendAsync(request);
        return ((int)response.StatusCode, await response.Content.ReadAsStringAsync());
    }

    public async Task<(int Status, string Body)> GetAsync(string path, string? key = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        if (key is not null)
        {
            request.Headers.Add("X-API-Key", key);
        }

        using var response = await Client.SendAsync(request);
        return ((int)response.StatusCode, await response.Content.ReadAsStringAsync());
    }

    public async ValueTask DisposeAsync()
    {
        await Server.StopAsync();
        Client.Dispose();
        try
        {
            Directory.Delete(_folder, recursive: true);
        }
        catch (IOException)
        {
            // The OS cleans temp folders.
        }
    }
}
