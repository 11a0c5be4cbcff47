using Microsoft.AspNetCore.Html;
using Microsoft.DotNet.Interactive;
using Microsoft.DotNet.Interactive.Directives;
using Microsoft.DotNet.Interactive.Formatting;
using Notebooks.ML.Data;
using Notebooks.ML.Display;

namespace Notebooks.ML.Interactive.Magics;

/// <summary>The command <c>#!profile</c> sends.</summary>
public sealed class ProfileData : MagicCommand
{
    /// <summary>The DataFrame variable to profile.</summary>
    public string? Data { get; set; }
}

/// <summary><c>#!profile</c>: per-column statistics, a small distribution per column and a correlation heatmap.</summary>
internal static class ProfileMagic
{
    public const string Usage = "#!profile NAME";

    public static void Register(Kernel kernel)
    {
        var directive = new KernelActionDirective("#!profile")
        {
            Description = "Profiles a DataFrame variable: per-column statistics (count, missing, distinct, mean, std, quartiles, most frequent values), a small distribution chart per column and a correlation heatmap of the numeric columns.",
            Parameters =
            [
                new("--data", "The DataFrame variable to profile.") { AllowImplicitName = true, TypeHint = "variable" },
            ],
        };

        Magic.Add<ProfileData>(kernel, directive, Usage, ["#!profile iris", "#!load data/penguins.csv\n#!profile penguins"], HandleAsync);
    }

    private static async Task HandleAsync(ProfileData command, KernelInvocationContext context)
    {
        var session = NotebookSession.For(context.HandlingKernel);
        var frame = session.GetDataFrame(command.Data, "#!profile");
        var (profile, distributions, correlation) = await Task.Run(() =>
        {
            var p = DataProfile.Create(frame);
            return (p, p.DistributionCharts().ToList(), p.CorrelationChart());
        }, context.CancellationToken).ConfigureAwait(false);

        context.Display(new HtmlString(Cards.Profile(profile, command.Data)), "text/html");
        if (distributions.Count > 0)
        {
            // One output holding every column's small chart side by side (as the kernel's formatter writes each one),
            // rather than a tall stack of outputs.
            var grid = string.Concat(distributions.Select(chart => $"<div>{chart.ToDisplayString(HtmlFormatter.MimeType)}</div>"));
            context.Display(new HtmlString($"<div class=\"nbml-charts\" style=\"display:flex;flex-wrap:wrap;gap:4px 12px\">{grid}</div>"), HtmlFormatter.MimeType);
        }

        if (correlation is not null)
        {
            context.Display(correlation);
        }
    }
}
