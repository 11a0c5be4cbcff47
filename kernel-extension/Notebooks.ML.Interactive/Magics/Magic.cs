using Microsoft.AspNetCore.Html;
using Microsoft.DotNet.Interactive;
using Microsoft.DotNet.Interactive.Directives;

namespace Notebooks.ML.Interactive.Magics;

/// <summary>
/// Registers a magic with the behaviour every magic shares: <c>-h</c> help, and expected failures shown as one
/// short message in the cell (never a stack trace), leaving the kernel usable.
/// </summary>
internal static class Magic
{
    public static IEnumerable<KernelDirectiveParameter> HelpParameters =>
    [
        new("-h", "Show help for this magic command.") { Flag = true },
        new("--help", "Show help for this magic command.") { Flag = true },
    ];

    public static void Add<TCommand>(
        Kernel kernel,
        KernelActionDirective directive,
        string usage,
        IReadOnlyList<string> examples,
        Func<TCommand, KernelInvocationContext, Task> handler)
        where TCommand : MagicCommand
    {
        foreach (var parameter in HelpParameters)
        {
            directive.Parameters.Add(parameter);
        }

        kernel.AddDirective<TCommand>(directive, async (command, context) =>
        {
            if (command.H || command.Help)
            {
                context.Display(new HtmlString(MagicHelp.Html(directive, usage, examples)), "text/html");
                return;
            }

            if (DirectiveText.Of(command) is { } text && DirectiveText.TrailingComment(text) is { } comment)
            {
                context.Fail(command, null, $"{directive.Name}: a magic line cannot end with a comment; the kernel would read '{comment}' as more arguments. Put the comment on a line of its own.");
                return;
            }

            try
            {
                await handler(command, context).ConfigureAwait(false);
            }
            catch (NotebookException e)
            {
                context.Fail(command, null, e.Message);
            }
            catch (OperationCanceledException)
            {
                context.Fail(command, null, $"{directive.Name} was interrupted; nothing was changed.");
            }
#pragma warning disable CA1031 // A magic must never take the kernel down or print a stack trace.
            catch (Exception e)
#pragma warning restore CA1031
            {
                context.Fail(command, null, $"{directive.Name} failed unexpectedly ({e.GetType().Name}): {e.Message}");
            }
        });
    }
}
