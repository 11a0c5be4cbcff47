using Microsoft.Data.Analysis;

namespace Notebooks.ML.Interactive.Tests;

[Collection("kernel")]
public sealed class LoadMagicTests : IDisposable
{
    private readonly KernelHarness _kernel = new();

    public void Dispose() => _kernel.Dispose();

    [Fact]
    public async Task Load_creates_a_DataFrame_variable_named_after_the_file_and_shows_its_schema()
    {
        var result = (await _kernel.SubmitAsync("#!load data/iris.csv")).ShouldSucceed();

        var iris = _kernel.Variable<DataFrame>("iris");
        Assert.NotNull(iris);
        Assert.Equal(150, iris!.Rows.Count);
        Assert.Equal(5, iris.Columns.Count);
        Assert.Contains("150 rows × 5 columns", result.Html, StringComparison.Ordinal);
        Assert.Contains("Sepal.Length", result.Html, StringComparison.Ordinal);
        Assert.Contains("fingerprint", result.Html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Load_fails_with_the_path_when_the_file_is_missing()
    {
        var message = (await _kernel.SubmitAsync("#!load data/nope.csv")).ShouldFail();
        Assert.Contains("Could not find the file 'data/nope.csv'", message, StringComparison.Ordinal);
        (await _kernel.SubmitAsync("var two = 1 + 1;")).ShouldSucceed();
    }

    [Fact]
    public async Task A_failed_load_keeps_the_variables_previous_value()
    {
        (await _kernel.SubmitAsync("#!load data/iris.csv --as df")).ShouldSucceed();
        var before = _kernel.Variable<DataFrame>("df");

        var message = (await _kernel.SubmitAsync("#!load data/iris.csv --as df --types Species:int")).ShouldFail();

        Assert.Contains("'setosa' is not a valid Int32", message, StringComparison.Ordinal);
        Assert.Contains("line 2", message, StringComparison.OrdinalIgnoreCase);
        Assert.Same(before, _kernel.Variable<DataFrame>("df"));
    }

    [Fact]
    public async Task Load_names_the_columns_when_types_names_an_unknown_one()
    {
        var message = (await _kernel.SubmitAsync("#!load data/iris.csv --types Specis:string")).ShouldFail();
        Assert.Contains("Could not find the --types column 'Specis'", message, StringComparison.Ordinal);
        Assert.Contains("Did you mean 'Species'?", message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Load_rejects_a_folder_and_a_bad_variable_name()
    {
        Assert.Contains("is a folder", (await _kernel.SubmitAsync("#!load data")).ShouldFail(), StringComparison.Ordinal);
        Assert.Contains("not a valid C# variable name", (await _kernel.SubmitAsync("#!load data/iris.csv --as 2fast")).ShouldFail(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Load_takes_the_path_from_a_csharp_variable()
    {
        (await _kernel.SubmitAsync("var file = \"data/mtcars.csv\";")).ShouldSucceed();
        (await _kernel.SubmitAsync("#!load @csharp:file --as cars")).ShouldSucceed();
        Assert.Equal(32, _kernel.Variable<DataFrame>("cars")!.Rows.Count);
    }

    [Fact]
    public async Task Load_shows_help_with_every_option()
    {
        var help = (await _kernel.SubmitAsync("#!load -h")).ShouldSucceed().Html;
        foreach (var option in new[] { "--as", "--format", "--separator", "--no-header", "--types" })
        {
            Assert.Contains(option, help, StringComparison.Ordinal);
        }
    }
}
