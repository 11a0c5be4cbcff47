using Microsoft.DotNet.Interactive;
using Microsoft.DotNet.Interactive.Directives;

namespace Notebooks.ML.Interactive.Magics;

/// <summary>The command <c>#!seed</c> sends.</summary>
public sealed class SetSeed : MagicCommand
{
    /// <summary>The seed.</summary>
    public string? Value { get; set; }
}

/// <summary><c>#!seed N</c>: the default seed for every later magic in the session.</summary>
internal static class SeedMagic
{
    public const string Usage = "#!seed N";

    public static void Register(Kernel kernel)
    {
        var directive = new KernelActionDirective("#!seed")
        {
            Description = "Sets the default seed for every later magic in this session (#!train splits and trainers, chart sampling). Without a value, shows the current one.",
            Parameters = [new("--value", "The seed, a whole number.") { AllowImplicitName = true, TypeHint = "number" }],
        };

        Magic.Add<SetSeed>(kernel, directive, Usage, ["#!seed 42"], (command, context) =>
        {
            var session = NotebookSession.For(context.HandlingKernel);
            if (command.Value is not null)
            {
                session.DefaultSeed = Options.Int("--seed", command.Value);
            }

            context.DisplayAs($"Seed: {session.Seed(null)}{(session.DefaultSeed is null ? " (the default; set one with #!seed N)" : "")}", "text/plain");
            return Task.CompletedTask;
        });
    }
}
