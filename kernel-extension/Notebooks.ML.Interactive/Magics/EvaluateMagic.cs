using Microsoft.AspNetCore.Html;
using Microsoft.DotNet.Interactive;
using Microsoft.DotNet.Interactive.Directives;
using Notebooks.ML.Display;
using Notebooks.ML.Training;

namespace Notebooks.ML.Interactive.Magics;

/// <summary>The command <c>#!evaluate</c> sends.</summary>
public sealed class EvaluateModel : MagicCommand
{
    /// <summary>The model variable.</summary>
    public string? Model { get; set; }

    /// <summary>The DataFrame variable to evaluate on.</summary>
    public string? Data { get; set; }
}

/// <summary><c>#!evaluate MODEL --data NAME</c>: a trained model's metrics and charts on other labelled data.</summary>
internal static class EvaluateMagic
{
    public const string Usage = "#!evaluate MODEL --data NAME";

    public static void Register(Kernel kernel)
    {
        var directive = new KernelActionDirective("#!evaluate")
        {
            Description = "Evaluates a model trained with #!train on another DataFrame that has the label column: metrics (beside those at training) and the task's charts.",
            Parameters =
            [
                new("--model", "The model variable (what #!train --as created).") { AllowImplicitName = true, TypeHint = "variable" },
                new("--data", "The DataFrame variable to evaluate on; it needs the label column and the feature columns."),
            ],
        };

        Magic.Add<EvaluateModel>(kernel, directive, Usage, ["#!evaluate model --data test", "#!evaluate sdcaModel --data penguins2008"], HandleAsync);
    }

    private static async Task HandleAsync(EvaluateModel command, KernelInvocationContext context)
    {
        var session = NotebookSession.For(context.HandlingKernel);
        var model = ModelVariable.Get(session, command.Model, "#!evaluate");
        var frame = session.GetDataFrame(command.Data, "--data");
        var evaluation = await Task.Run(() => model.EvaluateWithCharts(frame), context.CancellationToken).ConfigureAwait(false);
        context.Display(new HtmlString(Cards.Evaluated(model, evaluation, command.Model!, command.Data!)), "text/html");
        foreach (var chart in evaluation.Charts)
        {
            context.Display(chart);
        }
    }
}

/// <summary>Finds the <see cref="TrainedModel"/> a magic names, with messages that say what to do.</summary>
internal static class ModelVariable
{
    public static TrainedModel Get(NotebookSession session, string? name, string magic)
    {
        if (string.IsNullOrWhiteSpace(name))
        {
            throw new NotebookException($"{magic} needs the model variable first, for example: {magic} model --data test");
        }

        if (!session.CSharp.TryGetValue<object>(name, out var value) || value is null)
        {
            throw new NotebookException($"There is no model variable named '{name}' in the C# kernel. Train one first, for example: #!train --data df --label y --as {name}");
        }

        return value as TrainedModel
               ?? throw new NotebookException($"The variable '{name}' holds {NotebookSession.Describe(value)}, but {magic} expects a model made by #!train (a TrainedModel).");
    }
}
