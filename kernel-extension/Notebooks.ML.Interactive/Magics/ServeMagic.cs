using System.Runtime.CompilerServices;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Html;
using Microsoft.DotNet.Interactive;
using Microsoft.DotNet.Interactive.Directives;
using Notebooks.ML.Serving;

namespace Notebooks.ML.Interactive.Magics;

/// <summary>The command <c>#!serve MODEL</c> sends.</summary>
public sealed class ServeModel : MagicCommand
{
    /// <summary>The model variable.</summary>
    public string? Model { get; set; }

    /// <summary>The server's name.</summary>
    public string? Name { get; set; }

    /// <summary>The port.</summary>
    public string? Port { get; set; }

    /// <summary>The address to listen on.</summary>
    public string? Host { get; set; }

    /// <summary>The API key.</summary>
    public string? ApiKey { get; set; }

    /// <summary>Serve without a prediction log.</summary>
    public bool NoLog { get; set; }
}

/// <summary>The command <c>#!serve list</c> sends.</summary>
public sealed class ListServers : MagicCommand;

/// <summary>The command <c>#!serve stop NAME</c> sends.</summary>
public sealed class StopServer : MagicCommand
{
    /// <summary>The server to stop.</summary>
    public string? Name { get; set; }
}

/// <summary>
/// <c>#!serve</c>: serves a model variable over HTTP from inside the kernel (Kestrel, in process), swaps it in place
/// when served again under the same name, lists and stops servers. Every server stops with the kernel.
/// </summary>
internal static partial class ServeMagic
{
    public const string Usage = "#!serve MODEL [--name NAME] [--port N] [--host ADDRESS] [--api-key KEY] [--no-log] | #!serve list | #!serve stop NAME";
    private const string ServeUsage = "#!serve MODEL [--name NAME] [--port N] [--host ADDRESS] [--api-key KEY] [--no-log]";
    private const string StopUsage = "#!serve stop NAME";

    public static void Register(Kernel kernel)
    {
        var list = new KernelActionDirective("list")
        {
            Description = "Lists this kernel's servers: name, URL, model, version, run, requests, errors, rows and p50/p99 latency since start.",
        };
        var stop = new KernelActionDirective("stop")
        {
            Description = "Stops a server gracefully: requests in flight finish, then every answered row is in the prediction log.",
            Parameters = [new("--name", "The server to stop (see #!serve list).") { AllowImplicitName = true, TypeHint = "server" }],
        };
        var serve = new KernelActionDirective("#!serve")
        {
            Description = "Serves a model trained by #!train over HTTP from this kernel: POST /invocations (MLflow scoring protocol), POST /predict, /ping, /health, /version, /openapi/v1.json, /metrics. Serving again under the same name swaps the model atomically. Subcommands: list, stop.",
            Parameters =
            [
                new("--model", "The model variable (what #!train --as created).") { AllowImplicitName = true, TypeHint = "variable" },
                new("--name", "The server's name (default: the model variable's): shown by #!serve list and /version, and the name of its prediction log (#!drift … served:NAME)."),
                new("--port", "The port to listen on (default: a free one)."),
                new("--host", "The address to listen on (default 127.0.0.1: this machine only; 0.0.0.0 listens on every interface, and the card warns)."),
                new("--api-key", $"A key every endpoint but /ping and /health requires (as 'Authorization: Bearer KEY' or 'X-API-Key: KEY'); default ${ServeOptions.ApiKeyVariable}, else none."),
                new("--no-log", "Do not write answered requests to the prediction log in the run store.") { Flag = true },
            ],
        };
        serve.Subcommands.Add(list);
        serve.Subcommands.Add(stop);

        Magic.Add<ServeModel>(kernel, serve, Usage,
            ["#!serve model", "#!serve model --name penguins --port 8080", "#!serve model --host 0.0.0.0 --api-key s3cret", "#!serve list", "#!serve stop penguins"],
            HandleServeAsync);
        Magic.Add<ListServers>(kernel, list, "#!serve list", ["#!serve list"], HandleListAsync);
        Magic.Add<StopServer>(kernel, stop, StopUsage, ["#!serve stop penguins"], HandleStopAsync);
    }

    private static async Task HandleServeAsync(ServeModel command, KernelInvocationContext context)
    {
        if (string.IsNullOrWhiteSpace(command.Model))
        {
            throw new NotebookException($"#!serve needs the model variable, for example: #!serve model. Usage: {ServeUsage}");
        }

        var session = NotebookSession.For(context.HandlingKernel);
        var model = ModelVariable.Get(session, command.Model, "#!serve");
        var name = command.Name ?? command.Model;
        if (!ServerName().IsMatch(name))
        {
            throw new NotebookException($"--name '{name}' is not a valid server name. Use letters, digits, '.', '_' and '-', for example: --name penguins");
        }

        var port = Options.Int("--port", command.Port, null);
        if (port is < 1 or > 65535)
        {
            throw new NotebookException($"The option --port got '{command.Port}', but expected a port from 1 to 65535 (or leave it out for a free one).");
        }

        var servers = Servers.For(context.HandlingKernel);
        if (servers.Find(name) is { } running)
        {
            if ((port is not null && port != running.Port) || (command.Host is not null && command.Host != running.ListenAddress) || command.ApiKey is not null || command.NoLog)
            {
                throw new NotebookException($"'{name}' is already served at {running.Url}; serving it again swaps the model in place and keeps its address, key and log. To change those, #!serve stop {name} first.");
            }

            await Task.Run(() => running.Swap(model, command.Model), context.CancellationToken).ConfigureAwait(false);
            context.Display(new HtmlString(ServerCards.Serving(running, swapped: true)), "text/html");
            return;
        }

        var options = new ServeOptions
        {
            Name = name,
            Host = command.Host ?? "127.0.0.1",
            Port = port ?? 0,
            ApiKey = command.ApiKey,
            Log = !command.NoLog,
            Store = RunsMagic.StoreLocation(context.HandlingKernel),
            ModelName = command.Model,
        };
        var server = await ModelServer.StartAsync(model, options, context.CancellationToken).ConfigureAwait(false);
        servers.Add(server);
        context.Display(new HtmlString(ServerCards.Serving(server)), "text/html");
    }

    private static Task HandleListAsync(ListServers command, KernelInvocationContext context)
    {
        context.Display(new HtmlString(ServerCards.List(Servers.For(context.HandlingKernel).All)), "text/html");
        return Task.CompletedTask;
    }

    private static async Task HandleStopAsync(StopServer command, KernelInvocationContext context)
    {
        var servers = Servers.For(context.HandlingKernel);
        if (string.IsNullOrWhiteSpace(command.Name))
        {
            throw new NotebookException($"#!serve stop needs the server's name, for example: #!serve stop penguins. Running: {servers.Names()}. Usage: {StopUsage}");
        }

        var server = servers.Find(command.Name)
                     ?? throw new NotebookException($"There is no server named '{command.Name}' in this kernel. Running: {servers.Names()}.");
        await server.StopAsync().ConfigureAwait(false);
        servers.Remove(server);
        context.Display(new HtmlString(ServerCards.Stopped(server)), "text/html");
    }

    [GeneratedRegex(@"^[A-Za-z0-9][A-Za-z0-9_.\-]{0,63}$")]
    private static partial Regex ServerName();

    /// <summary>
    /// The servers of one kernel. They stop (gracefully, flushing their logs) when the kernel is disposed, and when
    /// the process exits.
    /// </summary>
    internal sealed class Servers
    {
        private static readonly ConditionalWeakTable<Kernel, Servers> _kernels = [];
        private static readonly List<Servers> _all = [];
        private static int _exitHooked;
        private readonly Dictionary<string, ModelServer> _servers = new(StringComparer.Ordinal);

        public IReadOnlyCollection<ModelServer> All
        {
            get
            {
                lock (_servers)
                {
                    return [.. _servers.Values];
                }
            }
        }

        public static Servers For(Kernel kernel) => _kernels.GetValue(kernel.RootKernel, root =>
        {
            var servers = new Servers();
            root.RegisterForDisposal(servers.StopAll);
            lock (_all)
            {
                _all.Add(servers);
            }

            if (Interlocked.Exchange(ref _exitHooked, 1) == 0)
            {
                AppDomain.CurrentDomain.ProcessExit += (_, _) =>
                {
                    lock (_all)
                    {
                        foreach (var each in _all)
                        {
                            each.StopAll();
                        }
                    }
                };
            }

            return servers;
        });

        public ModelServer? Find(string name)
        {
            lock (_servers)
            {
                return _servers.TryGetValue(name, out var server) ? server : null;
            }
        }

        public void Add(ModelServer server)
        {
            lock (_servers)
            {
                _servers[server.Name] = server;
            }
        }

        public void Remove(ModelServer server)
        {
            lock (_servers)
            {
                _servers.Remove(server.Name);
            }
        }

        public string Names() => All.Count == 0 ? "none" : string.Join(", ", All.Select(s => s.Name));

        /// <summary>Stops every server (each waits for its requests in flight and flushes its log), within 40 seconds.</summary>
        public void StopAll()
        {
            var servers = All;
            lock (_servers)
            {
                _servers.Clear();
            }

            Task.WaitAll([.. servers.Select(s => Task.Run(s.StopAsync))], TimeSpan.FromSeconds(40));
        }
    }
}
