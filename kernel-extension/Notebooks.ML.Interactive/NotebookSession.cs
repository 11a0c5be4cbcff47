using System.Runtime.CompilerServices;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.Data.Analysis;
using Microsoft.DotNet.Interactive;
using Microsoft.DotNet.Interactive.CSharp;

namespace Notebooks.ML.Interactive;

/// <summary>Per-kernel state of the magics (the <c>#!seed</c> default) and access to C# variables.</summary>
internal sealed class NotebookSession
{
    private static readonly ConditionalWeakTable<Kernel, NotebookSession> _sessions = [];

    private NotebookSession(Kernel root) => Root = root;

    public Kernel Root { get; }

    /// <summary>The seed set by <c>#!seed</c>; every later magic uses it unless given <c>--seed</c>.</summary>
    public int? DefaultSeed { get; set; }

    public int Seed(string? option) => option is null ? DefaultSeed ?? 1 : Options.Int("--seed", option);

    /// <summary>The threads per training set by <c>#!threads</c> (null: auto).</summary>
    public int? DefaultThreads { get; set; }

    /// <summary>The cluster set by <c>#!cluster</c> (null: trials run on this machine). Typed by the engine's abstraction, so that Orleans loads only with it.</summary>
    public Training.TrialScheduler? Cluster { get; private set; }

    /// <summary>Replaces the session's cluster, disconnecting the one before.</summary>
    public async Task SetClusterAsync(Training.TrialScheduler? cluster)
    {
        var previous = Cluster;
        Cluster = cluster;
        if (previous is IAsyncDisposable disposable && !ReferenceEquals(previous, cluster))
        {
            await disposable.DisposeAsync().ConfigureAwait(false);
        }
    }

    public static NotebookSession For(Kernel kernel) => _sessions.GetValue(kernel.RootKernel, root =>
    {
        var session = new NotebookSession(root);
        // A cluster connection (an Orleans client and its gateway connections) ends with the kernel.
        root.RegisterForDisposal(session.Disconnect);
        return session;
    });

    /// <summary>Leaves the session's cluster, if any; waits at most 10 s (Orleans gives its client 5 s to close).</summary>
    private void Disconnect()
    {
        if (Cluster is IAsyncDisposable)
        {
            Task.Run(() => SetClusterAsync(null)).Wait(TimeSpan.FromSeconds(10));
        }
    }

    public CSharpKernel CSharp =>
        Root.FindKernelByName("csharp") as CSharpKernel ?? Root as CSharpKernel
        ?? throw new NotebookException("The Notebooks.ML magics need a C# kernel, and this session has none.");

    public DataFrame GetDataFrame(string? name, string option)
    {
        if (string.IsNullOrWhiteSpace(name))
        {
            throw new NotebookException($"Name the DataFrame to use with {option}, for example: {option} df");
        }

        if (!CSharp.TryGetValue<object>(name, out var value) || value is null)
        {
            throw new NotebookException($"There is no DataFrame variable named '{name}' in the C# kernel. Load one first, for example: #!load data.csv --as {name}");
        }

        return value as DataFrame
               ?? throw new NotebookException($"The variable '{name}' holds {Describe(value)}, but {option} expects a DataFrame.");
    }

    /// <summary>What a variable holds, for messages: "an Int32", "a String".</summary>
    public static string Describe(object value)
    {
        var type = value.GetType().Name;
        return $"{("AEIOU".Contains(char.ToUpperInvariant(type[0]), StringComparison.Ordinal) ? "an" : "a")} {type}";
    }

    public T? TryGet<T>(string name) where T : class =>
        CSharp.TryGetValue<object>(name, out var value) ? value as T : null;

    /// <summary>
    /// Sets the C# variable <paramref name="name"/>, declared as <typeparamref name="T"/>. The kernel declares it by
    /// compiling a submission (<c>T name = default;</c>, 0.1–0.25 s); when the latest declaration of that name is
    /// already a writable <typeparamref name="T"/> (a cell run again), assigning it is the same and compiles nothing.
    /// </summary>
    public Task SetAsync<T>(string name, T value)
    {
        if (CSharp.ScriptState?.GetVariable(name) is { IsReadOnly: false } variable && variable.Type == typeof(T))
        {
            variable.Value = value;
            return Task.CompletedTask;
        }

        return CSharp.SetValueAsync(name, value, typeof(T));
    }

    /// <summary>Checks a variable name given with <c>--as</c>.</summary>
    public static string VariableName(string name, string option)
    {
        if (!SyntaxFacts.IsValidIdentifier(name) || SyntaxFacts.GetKeywordKind(name) != SyntaxKind.None)
        {
            throw new NotebookException($"{option} '{name}' is not a valid C# variable name. Use letters, digits and _, not starting with a digit, for example: {option} {Identifiers.From(name)}");
        }

        return name;
    }
}
