using System.Net;
using System.Text;
using Plotly.NET;

namespace Notebooks.ML.Tests.Charts;

/// <summary>
/// A standalone HTML page of charts with plotly.js embedded from the Plotly.NET assembly (never a CDN), so that it
/// opens offline. Each chart marks its div with data-drawn="yes" once Plotly has drawn it; script errors are
/// written into the page, where a test can read them from the DOM.
/// </summary>
internal static class ChartPage
{
    private const string PlotlyResource = "Plotly.NET.plotly-2.28.0.min.js";

    public static string PlotlyJs()
    {
        using var stream = typeof(GenericChart).Assembly.GetManifestResourceStream(PlotlyResource)
            ?? throw new InvalidOperationException($"Plotly.NET carries no resource {PlotlyResource}; resources: {string.Join(", ", typeof(GenericChart).Assembly.GetManifestResourceNames())}");
        using var reader = new StreamReader(stream, Encoding.UTF8);
        return reader.ReadToEnd();
    }

    public static string Html(IEnumerable<(string Id, GenericChart Chart)> charts, int width = 900)
    {
        var html = new StringBuilder();
        html.Append("<!DOCTYPE html><html><head><meta charset=\"utf-8\"><title>charts</title>");
        html.Append("<style>body{margin:0;background:#fff;font-family:sans-serif}.chart{width:").Append(width).Append("px;margin:0 0 8px 0}</style>");
        html.Append("<script>window.chartErrors=[];window.addEventListener('error',function(e){window.chartErrors.push(String(e.message));report();});")
            .Append("function report(){var p=document.getElementById('errors');if(p){p.textContent=window.chartErrors.join('\\n');}}</script>");
        html.Append("<script>").Append(PlotlyJs().Replace("</script>", "<\\/script>", StringComparison.Ordinal)).Append("</script>");
        html.Append("</head><body><pre id=\"errors\"></pre>");
        foreach (var (id, chart) in charts)
        {
            var json = GenericChart.toJson(chart).Replace("</", "<\\/", StringComparison.Ordinal);
            var name = WebUtility.HtmlEncode(id);
            html.Append($"<div class=\"chart\" id=\"chart-{name}\" data-drawn=\"no\"></div>");
            html.Append("<script>(function(){var f=").Append(json).Append($";var d=document.getElementById('chart-{name}');")
                .Append("Plotly.newPlot(d,f.data,f.layout,f.config).then(function(){d.setAttribute('data-drawn','yes');},")
                .Append($"function(e){{window.chartErrors.push('{name}: '+e);report();}});}})();</script>");
        }

        html.Append("<div id=\"end\"></div></body></html>");
        return html.ToString();
    }
}
