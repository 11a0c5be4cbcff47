using Microsoft.AspNetCore.Html;
using Microsoft.DotNet.Interactive;
using Microsoft.DotNet.Interactive.Directives;
using Notebooks.ML.Serving;

namespace Notebooks.ML.Interactive.Magics;

/// <summary>The command <c>#!export</c> sends.</summary>
public sealed class ExportModel : MagicCommand
{
    /// <summary>The model variable.</summary>
    public string? Model { get; set; }

    /// <summary>The folder to write.</summary>
    public string? Out { get; set; }

    /// <summary>The project's name.</summary>
    public string? Name { get; set; }
}

/// <summary><c>#!export MODEL --out DIR [--name NAME]</c>: a standalone ASP.NET Core project that serves the model.</summary>
internal static class ExportMagic
{
    public const string Usage = "#!export MODEL --out DIR [--name NAME]";

    public static void Register(Kernel kernel)
    {
        var directive = new KernelActionDirective("#!export")
        {
            Description = "Writes a standalone ASP.NET Core project that serves the model with the same API as #!serve: csproj, Program.cs, the model zip, appsettings.json, a README with a curl line, a multi-stage Dockerfile, and the NuGet packages it needs (it builds offline).",
            Parameters =
            [
                new("--model", "The model variable (what #!train --as created).") { AllowImplicitName = true, TypeHint = "variable" },
                new("--out", "The folder to write: new or empty (or an earlier export, which is replaced). Relative to the notebook's folder."),
                new("--name", "The project's name, and so its assembly's (default: the model variable's, as PascalCase + Service)."),
            ],
        };
        Magic.Add<ExportModel>(kernel, directive, Usage, ["#!export model --out exported", "#!export model --out ../deploy/penguins --name PenguinsService"], HandleAsync);
    }

    private static async Task HandleAsync(ExportModel command, KernelInvocationContext context)
    {
        var session = NotebookSession.For(context.HandlingKernel);
        var model = ModelVariable.Get(session, command.Model, "#!export");
        if (string.IsNullOrWhiteSpace(command.Out))
        {
            throw new NotebookException($"#!export needs --out, the folder to write the project to, for example: #!export {command.Model} --out exported. Usage: {Usage}");
        }

        var name = command.Name ?? DefaultName(command.Model!);
        var project = await ProjectExporter.ExportAsync(model, command.Out, name, context.CancellationToken).ConfigureAwait(false);
        context.Display(new HtmlString(ServerCards.Exported(project)), "text/html");
    }

    /// <summary><c>model</c> → <c>ModelService</c>, <c>penguins_lgbm</c> → <c>PenguinsLgbmService</c>.</summary>
    internal static string DefaultName(string variable) =>
        string.Concat(variable.Split(['_', '-', '.'], StringSplitOptions.RemoveEmptyEntries).Select(p => char.ToUpperInvariant(p[0]) + p[1..])) is { Length: > 0 } pascal && char.IsLetter(pascal[0])
            ? pascal + "Service"
            : "ModelService";
}
