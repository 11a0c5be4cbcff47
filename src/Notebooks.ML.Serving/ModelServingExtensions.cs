using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Notebooks.ML.Training;

namespace Notebooks.ML.Serving;

/// <summary>
/// Serving in an ordinary ASP.NET Core app (what <c>#!export</c> writes): the model and options come from
/// configuration (section <c>Serving</c>), and the app listens where ASP.NET Core is told to (<c>ASPNETCORE_URLS</c>).
/// <code>
/// var builder = WebApplication.CreateSlimBuilder(args);
/// builder.AddModelServing();
/// var app = builder.Build();
/// app.MapModelServing();
/// app.Run();
/// </code>
/// </summary>
public static class ModelServingExtensions
{
    /// <summary>The configuration section that holds the <see cref="ServeOptions"/> and <c>Model</c> (the zip's path).</summary>
    public const string Section = "Serving";

    /// <summary>Loads the model named by <c>Serving:Model</c> (default <c>model.zip</c> in the content root) and registers its <see cref="ModelHost"/>.</summary>
    /// <exception cref="NotebookException">The model file is missing or not a Notebooks.ML model.</exception>
    public static WebApplicationBuilder AddModelServing(this WebApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var section = builder.Configuration.GetSection(Section);
        var options = new ServeOptions
        {
            Name = section["Name"] is { Length: > 0 } name ? name : "model",
            ApiKey = section["ApiKey"],
            Store = section["Store"] is { Length: > 0 } store ? Path.GetFullPath(store, builder.Environment.ContentRootPath) : null,
            Log = !bool.TryParse(section["Log"], out var log) || log,
            MaxBodyBytes = long.TryParse(section["MaxBodyBytes"], out var body) && body > 0 ? body : ServeOptions.DefaultMaxBodyBytes,
            MaxRows = int.TryParse(section["MaxRows"], out var rows) && rows > 0 ? rows : ServeOptions.DefaultMaxRows,
        };
        var path = Path.GetFullPath(section["Model"] is { Length: > 0 } model ? model : "model.zip", builder.Environment.ContentRootPath);
        options.ModelName = Path.GetFileName(path);
        var host = new ModelHost(TrainedModel.Load(path), options);
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.AddServerHeader = false;
            kestrel.Limits.MaxRequestBodySize = options.MaxBodyBytes;
        });
        // Disposed by the host after the server stopped: the prediction log is flushed on a graceful stop.
        builder.Services.AddSingleton(host);
        return builder;
    }

    /// <summary>Maps the serving API (see <see cref="ModelEndpoints"/>) for the model <see cref="AddModelServing"/> registered.</summary>
    public static WebApplication MapModelServing(this WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        app.MapModelEndpoints(app.Services.GetRequiredService<ModelHost>());
        return app;
    }

    /// <summary>
    /// For a container's HEALTHCHECK (the aspnet image has no curl): with <c>--health</c> among
    /// <paramref name="args"/>, asks this app's <c>/health</c> on the port ASP.NET Core listens on and returns the exit
    /// code (0 healthy, 1 not); otherwise returns <see langword="null"/> and the app starts as usual.
    /// </summary>
    public static async Task<int?> HealthCheckAsync(string[] args)
    {
        ArgumentNullException.ThrowIfNull(args);
        if (!args.Contains("--health"))
        {
            return null;
        }

        var port = Environment.GetEnvironmentVariable("ASPNETCORE_HTTP_PORTS")?.Split(';', ',')[0]
                   ?? (Environment.GetEnvironmentVariable("ASPNETCORE_URLS") is { Length: > 0 } urls && Uri.TryCreate(urls.Split(';')[0].Replace("*", "localhost", StringComparison.Ordinal).Replace("+", "localhost", StringComparison.Ordinal), UriKind.Absolute, out var uri) ? uri.Port.ToString(System.Globalization.CultureInfo.InvariantCulture) : "8080");
        using var client = new HttpClient { Timeout = TimeSpan.FromSeconds(3) };
        try
        {
            using var response = await client.GetAsync(new Uri($"http://127.0.0.1:{port}/health")).ConfigureAwait(false);
            return response.IsSuccessStatusCode ? 0 : 1;
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
        {
            return 1;
        }
    }
}
