using Microsoft.Data.Analysis;
using Notebooks.ML.Interactive.Magics;

namespace Notebooks.ML.Interactive.Tests;

/// <summary>What every magic line shares, whichever magic it is.</summary>
[Collection("kernel")]
public sealed class MagicLineTests : IDisposable
{
    private readonly KernelHarness _kernel = new();

    public void Dispose() => _kernel.Dispose();

    [Theory]
    [InlineData("#!load data/penguins.csv   // the sample data", "#!load: a magic line cannot end with a comment; the kernel would read '// the sample data' as more arguments. Put the comment on a line of its own.")]
    [InlineData("#!seed 42 // the default seed", "#!seed: a magic line cannot end with a comment; the kernel would read '// the default seed' as more arguments.")]
    public async Task A_comment_at_the_end_of_a_magic_line_is_named_instead_of_misread(string magic, string expected)
    {
        Assert.Contains(expected, (await _kernel.SubmitAsync(magic)).ShouldFail(), StringComparison.Ordinal);
        Assert.Null(_kernel.Variable<DataFrame>("penguins"));
        (await _kernel.SubmitAsync("// a comment on its own line\n#!load data/penguins.csv")).ShouldSucceed();
        Assert.NotNull(_kernel.Variable<DataFrame>("penguins"));
    }

    [Theory]
    [InlineData("#!load data/iris.csv --where \"Species == \\\"a // b\\\"\"", null)]
    [InlineData("#!load //mnt/data/iris.csv", null)]
    [InlineData("#!load data/iris.csv //", "//")]
    [InlineData("#!plot iris --kind corr   // all numeric columns", "// all numeric columns")]
    public void Only_an_unquoted_double_slash_and_a_space_start_a_comment(string text, string? comment)
    {
        Assert.Equal(comment, DirectiveText.TrailingComment(text));
    }
}
