using Microsoft.DotNet.Interactive.Commands;

namespace Notebooks.ML.Interactive.Magics;

/// <summary>The base of every magic's command: the <c>-h</c> / <c>--help</c> flags that all magics share.</summary>
public abstract class MagicCommand : KernelDirectiveCommand
{
    /// <summary><c>-h</c>: show help instead of running.</summary>
    public bool H { get; set; }

    /// <summary><c>--help</c>: show help instead of running.</summary>
    public bool Help { get; set; }
}
