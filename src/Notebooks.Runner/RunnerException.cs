namespace Notebooks.Runner;

/// <summary>A usage or I/O problem that stops the runner before or after running cells (exit code 1).</summary>
internal sealed class RunnerException(string message) : Exception(message);
