using System.Net;
using System.Net.Sockets;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Notebooks.ML.Training;

namespace Notebooks.ML.Serving;

/// <summary>
/// A model served over HTTP by Kestrel inside this process: what <c>#!serve</c> starts in the kernel and
/// <c>notebooks serve</c> runs from the shell. The C# twin:
/// <code>
/// await using var server = await ModelServer.StartAsync(model, new ServeOptions { Name = "penguins" });
/// Console.WriteLine(server.Url);            // http://127.0.0.1:41234
/// server.Swap(retrained);                   // atomic: no request fails or sees a half-loaded model
/// await server.StopAsync();                 // graceful: in-flight requests finish, the log is flushed
/// </code>
/// </summary>
public sealed class ModelServer : IAsyncDisposable
{
    private readonly WebApplication _app;
    private int _stopped;

    private ModelServer(WebApplication app, ModelHost host, string url)
    {
        _app = app;
        Host = host;
        Url = url;
    }

    /// <summary>The server's name.</summary>
    public string Name => Host.Options.Name;

    /// <summary>The base URL to call, e.g. <c>http://127.0.0.1:41234</c> (a loopback address when listening on every interface).</summary>
    public string Url { get; }

    /// <summary>The address it listens on.</summary>
    public string ListenAddress => Host.Options.Host;

    /// <summary>The port it listens on.</summary>
    public int Port => new Uri(Url).Port;

    /// <summary>Whether it listens beyond this machine (not on a loopback address).</summary>
    public bool Exposed => !IsLoopback(Host.Options.Host);

    /// <summary>The model, its counters and its prediction log.</summary>
    public ModelHost Host { get; }

    /// <summary>Whether the server has been stopped.</summary>
    public bool Stopped => Volatile.Read(ref _stopped) != 0;

    /// <summary>Starts serving <paramref name="model"/> as <paramref name="options"/> say (default: 127.0.0.1 on a free port, with a prediction log).</summary>
    /// <exception cref="NotebookException">The address is not valid, the port is taken, or the log's store does not open.</exception>
    public static async Task<ModelServer> StartAsync(TrainedModel model, ServeOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(model);
        options ??= new ServeOptions();
        var address = Address(options.Host);
        if (options.Port is < 0 or > 65535)
        {
            throw new NotebookException($"The port {options.Port} is not valid: give one from 1 to 65535, or leave it out for a free one.");
        }

        var host = new ModelHost(model, options);
        WebApplication? app = null;
        try
        {
            var builder = WebApplication.CreateEmptyBuilder(new WebApplicationOptions { ApplicationName = typeof(ModelServer).Assembly.GetName().Name });
            builder.WebHost.UseKestrelCore().ConfigureKestrel(kestrel =>
            {
                kestrel.AddServerHeader = false;
                kestrel.Limits.MaxRequestBodySize = host.Options.MaxBodyBytes;
                kestrel.Listen(address, options.Port);
            });
            builder.Services.AddRoutingCore();
            builder.Services.Configure<HostOptions>(o => o.ShutdownTimeout = TimeSpan.FromSeconds(30));
            app = builder.Build();
            app.UseRouting();
            app.MapModelEndpoints(host);
            await app.StartAsync(cancellationToken).ConfigureAwait(false);
            var bound = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()?.Addresses.FirstOrDefault()
                        ?? throw new InvalidOperationException("Kestrel reported no address.");
            var port = new Uri(bound.Replace("*", "localhost", StringComparison.Ordinal).Replace("+", "localhost", StringComparison.Ordinal)).Port;
            var callable = IsLoopback(options.Host) && address.AddressFamily == AddressFamily.InterNetworkV6 ? $"http://[::1]:{port}" : address.Equals(IPAddress.Any) || address.Equals(IPAddress.IPv6Any) ? $"http://127.0.0.1:{port}" : $"http://{Format(address)}:{port}";
            return new ModelServer(app, host, callable);
        }
        catch (IOException e)
        {
            await Discard(app, host).ConfigureAwait(false);
            throw new NotebookException(options.Port == 0
                ? $"Could not listen on {options.Host}: {e.Message}"
                : $"Could not listen on {options.Host} port {options.Port}: it is taken or not allowed ({e.Message}). Choose another with --port, or leave --port out for a free one.", e);
        }
        catch
        {
            await Discard(app, host).ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>Serves <paramref name="model"/> from now on (see <see cref="ModelHost.Swap"/>).</summary>
    public void Swap(TrainedModel model, string? modelName = null) => Host.Swap(model, modelName);

    /// <summary>
    /// Stops gracefully: stops accepting connections, lets in-flight requests finish (up to 30 seconds), then writes
    /// every queued request to the prediction log. Safe to call twice.
    /// </summary>
    public async Task StopAsync()
    {
        if (Interlocked.Exchange(ref _stopped, 1) != 0)
        {
            return;
        }

        try
        {
            await _app.StopAsync().ConfigureAwait(false);
            await _app.DisposeAsync().ConfigureAwait(false);
        }
        finally
        {
            await Host.DisposeAsync().ConfigureAwait(false);
        }
    }

    /// <inheritdoc/>
    public async ValueTask DisposeAsync() => await StopAsync().ConfigureAwait(false);

    /// <summary>Whether <paramref name="host"/> is this machine only (127.x, ::1, localhost).</summary>
    public static bool IsLoopback(string host) =>
        host.Equals("localhost", StringComparison.OrdinalIgnoreCase) || (IPAddress.TryParse(host.Trim('[', ']'), out var ip) && IPAddress.IsLoopback(ip));

    private static IPAddress Address(string host)
    {
        var text = host.Trim().Trim('[', ']');
        if (text.Equals("localhost", StringComparison.OrdinalIgnoreCase))
        {
            return IPAddress.Loopback;
        }

        if (text is "*" or "+")
        {
            return IPAddress.Any;
        }

        return IPAddress.TryParse(text, out var address)
            ? address
            : throw new NotebookException($"The host '{host}' is not an IP address. Use 127.0.0.1 (this machine only, the default), 0.0.0.0 (every interface) or one of this machine's addresses.");
    }

    private static string Format(IPAddress address) => address.AddressFamily == AddressFamily.InterNetworkV6 ? $"[{address}]" : address.ToString();

    private static async Task Discard(WebApplication? app, ModelHost host)
    {
        if (app is not null)
        {
            await app.DisposeAsync().ConfigureAwait(false);
        }

        await host.DisposeAsync().ConfigureAwait(false);
    }
}
