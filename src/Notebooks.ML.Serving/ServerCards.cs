using System.Globalization;
using System.Text;
using Notebooks.ML.Tracking;
using static Notebooks.ML.Display.Html;

namespace Notebooks.ML.Serving;

/// <summary>The HTML cards of <c>#!serve</c> and <c>#!export</c>.</summary>
public static class ServerCards
{
    /// <summary>
    /// A server just started or swapped: its URL, the endpoints, the OpenAPI document, a curl command that works
    /// when pasted into a shell, the null policy, the prediction log, and a warning when it listens beyond this machine.
    /// </summary>
    public static string Serving(ModelServer server, bool swapped = false)
    {
        ArgumentNullException.ThrowIfNull(server);
        var host = server.Host;
        var model = host.Model;
        var keyed = host.Options.EffectiveApiKey is not null;
        var html = new StringBuilder();
        html.Append($"<h3>{(swapped ? "Swapped the model of" : "Serving")} <code>{E(server.Name)}</code> at <a href=\"{E(server.Url)}/openapi/v1.json\" data-nbml-volatile>{E(server.Url)}</a></h3>");
        html.Append($"<p class=\"nbml-sub\">{E(host.ModelName ?? "model")}: {E(model.Info.Trainer)} {E(model.Task.ToString().ToLowerInvariant())} of <code>{E(model.Label)}</code> · version {host.Version}")
            .Append(ModelRuns.RunOf(model) is { } run ? $" · run <span data-nbml-volatile>#{run.Id}</span>" : "")
            .Append($" · {model.Inputs.Count} input columns · {(swapped ? "in-flight requests finished on the previous model" : "stops with the kernel; #!serve stop " + E(server.Name))}</p>");
        if (server.Exposed)
        {
            html.Append($"<div class=\"nbml-warn\">⚠ Listening on <b>{E(server.ListenAddress)}</b>: anyone who can reach this machine on port <span data-nbml-volatile>{server.Port}</span> can call this model{(keyed ? " (with the API key)" : ", and there is no API key: add --api-key or set NOTEBOOKS_ML_API_KEY")}.</div>");
        }

        html.Append("<table><thead><tr><th>endpoint</th><th>does</th></tr></thead><tbody>");
        foreach (var (method, path, does) in Endpoints)
        {
            html.Append($"<tr><td><code>{method} <span data-nbml-volatile>{E(server.Url)}</span>{E(path)}</code></td><td>{E(does)}</td></tr>");
        }

        html.Append("</tbody></table>");
        html.Append($"<p>Try it with one real row of the training data{(keyed ? " (after <code>export NOTEBOOKS_ML_API_KEY=…</code>)" : "")}:</p>");
        html.Append($"<pre data-nbml-curl data-nbml-volatile style=\"white-space:pre-wrap;background:#f3f4f6;padding:6px 8px;border-radius:4px;font-size:12px\">{E(ExampleRows.Curl(model, server.Url, keyed))}</pre>");
        html.Append($"<p class=\"nbml-sub\"><b>Nulls:</b> {E(ServiceDocuments.NullPolicy)} May be null here: {E(string.Join(", ", model.Inputs.Where(i => i.HasMissing).Select(i => i.Name).DefaultIfEmpty("no column")))}.</p>");
        html.Append($"<p class=\"nbml-sub\">{Log(host)}{(keyed ? " · every endpoint but /ping and /health needs the API key" : "")}</p>");
        return Card(html.ToString());
    }

    /// <summary><c>#!serve list</c>: every server of this kernel with its traffic since it started.</summary>
    public static string List(IReadOnlyCollection<ModelServer> servers)
    {
        ArgumentNullException.ThrowIfNull(servers);
        var html = new StringBuilder($"<h3>Servers</h3><p class=\"nbml-sub\">{servers.Count} running in this kernel</p>");
        if (servers.Count == 0)
        {
            return Card(html.Append("<p>None: start one with <code>#!serve MODEL</code>.</p>").ToString());
        }

        html.Append("<table><thead><tr><th>name</th><th>URL</th><th>model</th><th>version</th><th>run</th><th>requests</th><th>errors</th><th>rows</th><th>p50</th><th>p99</th><th>since</th></tr></thead><tbody>");
        foreach (var server in servers)
        {
            var stats = server.Host.Stats;
            html.Append($"<tr><td><b>{E(server.Name)}</b></td><td data-nbml-volatile>{E(server.Url)}</td><td>{E(server.Host.ModelName ?? server.Host.Model.Info.Trainer)}</td>")
                .Append($"<td class=\"num\">{server.Host.Version}</td><td data-nbml-volatile>{(ModelRuns.RunOf(server.Host.Model) is { } run ? "#" + run.Id : "")}</td>")
                .Append($"<td class=\"num\" data-nbml-volatile>{stats.Requests:N0}</td><td class=\"num\" data-nbml-volatile>{stats.Errors:N0}</td><td class=\"num\" data-nbml-volatile>{stats.Rows:N0}</td>")
                .Append($"<td class=\"num\" data-nbml-volatile>{Milliseconds(stats.P50)}</td><td class=\"num\" data-nbml-volatile>{Milliseconds(stats.P99)}</td>")
                .Append($"<td data-nbml-volatile>{E(server.Host.ServedSince.ToString("HH:mm:ss", CultureInfo.InvariantCulture))} UTC</td></tr>");
        }

        return Card(html.Append("</tbody></table>").ToString());
    }

    /// <summary>A server stopped: what it answered, and what its prediction log holds.</summary>
    public static string Stopped(ModelServer server)
    {
        ArgumentNullException.ThrowIfNull(server);
        var stats = server.Host.Stats;
        var log = server.Host.Log;
        return Card($"<h3>Stopped <code>{E(server.Name)}</code></h3><p class=\"nbml-sub\"><span data-nbml-volatile>{stats.Requests:N0}</span> requests ({stats.Errors:N0} refused), <span data-nbml-volatile>{stats.Rows:N0}</span> rows predicted. "
            + (log is null ? "No prediction log." : $"The prediction log in <code data-nbml-volatile>{E(log.Location)}</code> holds all of them: <span data-nbml-volatile>{log.Logged:N0}</span> requests, <span data-nbml-volatile>{log.LoggedRows:N0}</span> rows{(log.Lost > 0 ? $"; {log.Lost:N0} could not be written ({E(log.LastError)})" : "")}.")
            + "</p>");
    }

    /// <summary>An exported project: where it is, what it holds, and how to build and run it.</summary>
    public static string Exported(ExportedProject project)
    {
        ArgumentNullException.ThrowIfNull(project);
        var html = new StringBuilder($"<h3>Exported <code>{E(project.Name)}</code> to <code data-nbml-volatile>{E(project.Folder)}</code></h3>");
        html.Append($"<p class=\"nbml-sub\">A standalone ASP.NET Core project with the same API; it builds offline from the folder ({project.Packages:N0} packages in <code>packages/</code>) · {E(Size(project.Bytes))}</p>");
        html.Append("<pre style=\"white-space:pre-wrap;background:#f3f4f6;padding:6px 8px;border-radius:4px;font-size:12px\">")
            .Append(E($"cd {project.Folder}\ndotnet publish -c Release -o out\nASPNETCORE_URLS=http://127.0.0.1:8080 dotnet out/{project.Name}.dll\n\n# or in a container\ndocker build -t {project.Name.ToLowerInvariant()} . && docker run -p 8080:8080 {project.Name.ToLowerInvariant()}"))
            .Append("</pre>");
        html.Append("<table><thead><tr><th>file</th><th>size</th></tr></thead><tbody>");
        foreach (var (file, bytes) in project.Files)
        {
            html.Append($"<tr><td><code>{E(file)}</code></td><td class=\"num\" data-nbml-volatile>{E(Size(bytes))}</td></tr>");
        }

        return Card(html.Append("</tbody></table>").ToString());
    }

    private static readonly (string Method, string Path, string Does)[] Endpoints =
    [
        ("POST", "/invocations", "MLflow scoring protocol: dataframe_split, dataframe_records, instances or inputs; or text/csv"),
        ("POST", "/predict", "one JSON object in, one prediction out"),
        ("GET", "/openapi/v1.json", "OpenAPI 3: the input columns, which may be null, an example row, the outputs"),
        ("GET", "/ping", "200 once the model is loaded (also /health)"),
        ("GET", "/version", "model name, version, run, data fingerprint, trainer, package versions"),
        ("GET", "/metrics", "Prometheus: requests, errors, rows, latency histogram"),
    ];

    private static string Log(ModelHost host) =>
        host.Log is { } log ? $"Prediction log: <code data-nbml-volatile>{E(log.Location)}</code> (every answered row, read back with <code>RunStore.ReadTraffic(\"{E(host.Options.Name)}\")</code> or <code>#!drift … served:{E(host.Options.Name)}</code>)" : "No prediction log (--no-log).";

    private static string Milliseconds(double value) => double.IsNaN(value) ? "" : value < 1 ? $"{value * 1000:F0} µs" : $"{value:F1} ms";

    internal static string Size(long bytes) =>
        bytes >= 1024 * 1024 ? $"{bytes / (1024.0 * 1024):F1} MB" : bytes >= 1024 ? $"{bytes / 1024.0:F1} KB" : $"{bytes} bytes";
}
