using Microsoft.AspNetCore.Html;
using Microsoft.Data.Analysis;
using Microsoft.DotNet.Interactive;
using Microsoft.DotNet.Interactive.Directives;
using Notebooks.ML.Display;

namespace Notebooks.ML.Interactive.Magics;

/// <summary>The command <c>#!predict</c> sends.</summary>
public sealed class PredictWithModel : MagicCommand
{
    /// <summary>The model variable.</summary>
    public string? Model { get; set; }

    /// <summary>The DataFrame variable to predict on.</summary>
    public string? Data { get; set; }

    /// <summary>The DataFrame variable to create.</summary>
    public string? As { get; set; }
}

/// <summary><c>#!predict MODEL --data NAME [--as NAME]</c>: a DataFrame with prediction columns added.</summary>
internal static class PredictMagic
{
    public const string Usage = "#!predict MODEL --data NAME [--as NAME]";
    private const int PreviewRows = 5;

    public static void Register(Kernel kernel)
    {
        var directive = new KernelActionDirective("#!predict")
        {
            Description = "Predicts with a model trained by #!train: a copy of the DataFrame with PredictedLabel and Probability (classification), Score (regression) or Cluster and Distance (clustering) added.",
            Parameters =
            [
                new("--model", "The model variable (what #!train --as created).") { AllowImplicitName = true, TypeHint = "variable" },
                new("--data", "The DataFrame variable to predict on; it needs the feature columns (the label is not needed)."),
                new("--as", "The DataFrame variable to create (default: predictions)."),
            ],
        };

        Magic.Add<PredictWithModel>(kernel, directive, Usage, ["#!predict model --data newRows", "#!predict model --data test --as scored"], HandleAsync);
    }

    private static async Task HandleAsync(PredictWithModel command, KernelInvocationContext context)
    {
        var session = NotebookSession.For(context.HandlingKernel);
        var model = ModelVariable.Get(session, command.Model, "#!predict");
        var frame = session.GetDataFrame(command.Data, "--data");
        var name = NotebookSession.VariableName(command.As ?? "predictions", "--as");
        var predicted = await Task.Run(() => model.Predict(frame), context.CancellationToken).ConfigureAwait(false);
        await session.SetAsync<DataFrame>(name, predicted).ConfigureAwait(false);
        var added = predicted.Columns.Skip((int)frame.Columns.Count).Select(c => c.Name).Concat(predicted.Columns.Take((int)frame.Columns.Count).Select(c => c.Name).Where(n => n is "PredictedLabel" or "Probability" or "Score" or "Cluster" or "Distance")).Distinct();
        var html = $"<h3>Predicted with <code>{System.Net.WebUtility.HtmlEncode(command.Model)}</code> on <code>{System.Net.WebUtility.HtmlEncode(command.Data)}</code> → <code>{System.Net.WebUtility.HtmlEncode(name)}</code></h3>"
            + $"<p class=\"nbml-sub\">{predicted.Rows.Count:N0} rows · added {System.Net.WebUtility.HtmlEncode(string.Join(", ", added))}</p>";
        context.Display(new HtmlString($"<div class=\"nbml\">{html}</div>" + Cards.Preview(predicted, PreviewRows)), "text/html");
    }
}
