using System.Net;
using System.Text;
using Microsoft.DotNet.Interactive.Directives;

namespace Notebooks.ML.Interactive.Magics;

/// <summary>The <c>-h</c> text of a magic, made from its directive so that help, hover and completion never disagree.</summary>
internal static class MagicHelp
{
    public static string Html(KernelActionDirective directive, string usage, IReadOnlyList<string> examples)
    {
        static string E(string? text) => WebUtility.HtmlEncode(text ?? "");
        var html = new StringBuilder("<div style=\"font-family:Inter,Segoe UI,Helvetica,Arial,sans-serif;font-size:13px\">");
        html.Append($"<h3 style=\"margin:0 0 4px 0\">{E(directive.Name)}</h3><p style=\"margin:0 0 8px 0\">{E(directive.Description)}</p>");
        html.Append($"<pre style=\"background:#f3f4f6;padding:6px 8px;border-radius:4px\">{E(usage)}</pre>");
        html.Append("<table style=\"border-collapse:collapse\">");
        foreach (var parameter in directive.Parameters.Where(p => p.Name is not "--help"))
        {
            var name = parameter.AllowImplicitName ? $"[{parameter.Name}] {parameter.TypeHint ?? "VALUE"}" : parameter.Name;
            html.Append($"<tr><td style=\"padding:2px 12px 2px 0;white-space:nowrap\"><code>{E(name)}</code></td><td>{E(parameter.Description)}</td></tr>");
        }

        html.Append("</table>");
        if (examples.Count > 0)
        {
            html.Append("<p style=\"margin:8px 0 2px 0\"><b>Examples</b></p><pre style=\"background:#f3f4f6;padding:6px 8px;border-radius:4px\">");
            html.Append(E(string.Join("\n", examples))).Append("</pre>");
        }

        return html.Append("</div>").ToString();
    }
}
