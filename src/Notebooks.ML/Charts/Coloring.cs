using Microsoft.Data.Analysis;

namespace Notebooks.ML.Charts;

/// <summary>
/// What <c>--color</c> means for a column: groups with a legend when it holds categories (text, booleans, dates, or
/// at most 12 distinct whole numbers such as a 0/1 label), a colour scale when it holds other numbers.
/// </summary>
internal sealed class Coloring
{
    /// <summary>Whole-number columns with at most this many distinct values are read as classes.</summary>
    public const int MaxWholeNumberClasses = 12;

    private Coloring(PlotColumn column, Categories? groups)
    {
        Column = column;
        Groups = groups;
    }

    public PlotColumn Column { get; }

    public string Name => Column.Name;

    /// <summary>The groups, or null for a colour scale.</summary>
    public Categories? Groups { get; }

    /// <summary>The values of a colour scale (NaN where missing), or null for groups.</summary>
    public double[]? Scale => Groups is null ? Column.Numbers : null;

    public int GroupCount => Groups?.Count ?? 1;

    /// <summary>The colour group of each row (all 0 without groups).</summary>
    public int GroupOf(int row) => Groups?.Codes[row] ?? 0;

    /// <summary>
    /// Reads <paramref name="name"/>; null when no colour is asked for. Charts that can only colour groups pass
    /// <paramref name="chart"/> so a continuous column gets a clear message.
    /// </summary>
    public static Coloring? Resolve(DataFrame frame, string? name, string? chart = null)
    {
        if (string.IsNullOrWhiteSpace(name))
        {
            return null;
        }

        var column = PlotColumn.Find(frame, name, "the --color");
        if (column.Kind == AxisKind.Number && !Categories.IsFewWholeNumbers(column, MaxWholeNumberClasses))
        {
            if (chart is not null)
            {
                throw Errors.Fail($"A {chart} colours groups, but --color '{name}' holds {column.TypeName} values with many distinct numbers. Colour by a column of categories, or draw a scatter chart to colour points on a scale.");
            }

            return new Coloring(column, null);
        }

        return new Coloring(column, Categories.Of(column).KeepLargest(Plot.MaxColorGroups, mergeRest: true));
    }

    /// <summary>The colour of group <paramref name="group"/>: muted grey for "other" and "(missing)".</summary>
    public string ColorOf(int group)
    {
        if (Groups is null)
        {
            return ChartStyle.ColorAt(0);
        }

        var merged = Groups.Truncated && group == Groups.Count - 1;
        return merged || Groups.Names[group] == Categories.Missing ? ChartStyle.MutedColor : ChartStyle.ColorAt(group);
    }

    public string? NameOf(int group) => Groups?.Names[group];
}
