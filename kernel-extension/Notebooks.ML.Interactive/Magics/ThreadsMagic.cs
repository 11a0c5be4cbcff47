using Microsoft.DotNet.Interactive;
using Microsoft.DotNet.Interactive.Directives;
using Notebooks.ML.Training;

namespace Notebooks.ML.Interactive.Magics;

/// <summary>The command <c>#!threads</c> sends.</summary>
public sealed class SetThreads : MagicCommand
{
    /// <summary>A number of threads, or <c>auto</c>.</summary>
    public string? Value { get; set; }
}

/// <summary><c>#!threads N|auto</c>: the session's default threads per training (the C# twin is <see cref="TrainOptions.Threads"/>).</summary>
internal static class ThreadsMagic
{
    public const string Usage = "#!threads N|auto";

    public static void Register(Kernel kernel)
    {
        var directive = new KernelActionDirective("#!threads")
        {
            Description = "Sets how many threads each later #!train uses (unless it says --threads). auto, the default: every core for trainers whose model does not depend on the thread count, one for those whose model does (sdca, lbfgs). Searches and folds run one trial per core instead. Without a value, shows the current setting.",
            Parameters = [new("--value", "A number of threads of at least 1, or auto.") { AllowImplicitName = true, TypeHint = "number" }],
        };

        Magic.Add<SetThreads>(kernel, directive, Usage, ["#!threads 1", "#!threads auto"], (command, context) =>
        {
            var session = NotebookSession.For(context.HandlingKernel);
            if (command.Value is { } value)
            {
                session.DefaultThreads = value.Trim().Equals("auto", StringComparison.OrdinalIgnoreCase) ? null : Options.Int("--threads", value);
                if (session.DefaultThreads is < 1)
                {
                    throw new NotebookException($"#!threads '{value}' is not a number of threads: expected a whole number of at least 1, or auto.");
                }
            }

            context.DisplayAs(session.DefaultThreads is { } n
                ? $"Threads per training: {n}."
                : $"Threads per training: auto (every one of the {Environment.ProcessorCount} cores where the model does not depend on it; one for sdca and lbfgs).", "text/plain");
            return Task.CompletedTask;
        });
    }
}
