using Microsoft.AspNetCore.Html;
using Microsoft.DotNet.Interactive;
using Microsoft.DotNet.Interactive.Directives;
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
        var (profile, charts) = await Task.Run(() =>
        {
            var p = DataProfile.Create(frame);
            var all = p.DistributionCharts().ToList();
            if (p.CorrelationChart() is { } corr)
            {
                all.Add(corr);
            }

            return (p, all);
        }, context.CancellationToken).ConfigureAwait(false);

        context.Display(new HtmlString(Cards.Profile(profile, command.Data)), "text/html");
        foreach (var chart in charts)
        {
            context.Display(chart);
        }
    }
}
