namespace Notebooks.ML.Interactive.Tests;

/// <summary>The formatter registry and current directory are process-wide: kernel tests run one at a time.</summary>
[CollectionDefinition("kernel", DisableParallelization = true)]
public sealed class KernelCollection;
