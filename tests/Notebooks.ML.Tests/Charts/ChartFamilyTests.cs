using Notebooks.ML.Data;
using Notebooks.ML.Tests.Tracking;
using Notebooks.Tests;

namespace Notebooks.ML.Tests.Charts;

/// <summary>Rules every chart of the product keeps, whichever module drew it.</summary>
public sealed class ChartFamilyTests
{
    [Fact]
    public void Every_titled_axis_makes_room_for_its_tick_labels()
    {
        // Without automargin a rotated axis title sits on top of long tick labels ("actual" over "Chinstrap").
        var charts = TrainedModels.IrisLbfgs.Charts
            .Concat(TrainedModels.Cancer.Charts)
            .Concat(DataProfile.Create(DataLoader.Load(Repo.Data("penguins.csv")).Data).DistributionCharts())
            .Select(ChartJson.Of)
            .ToList();
        Assert.True(charts.Count > 8, $"{charts.Count} charts");
        foreach (var chart in charts)
        {
            foreach (var axis in chart.Layout.EnumerateObject().Where(p => p.Name.StartsWith("xaxis", StringComparison.Ordinal) || p.Name.StartsWith("yaxis", StringComparison.Ordinal)))
            {
                var titled = axis.Value.TryGetProperty("title", out var title) && title.TryGetProperty("text", out var text) && text.GetString() is { Length: > 0 };
                if (titled)
                {
                    Assert.True(axis.Value.TryGetProperty("automargin", out var margin) && margin.GetBoolean(), $"{chart.Title}: {axis.Name} has no automargin");
                }
            }
        }
    }
}
