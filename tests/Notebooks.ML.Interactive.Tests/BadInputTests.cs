using Microsoft.Data.Analysis;
using Notebooks.ML.Training;

namespace Notebooks.ML.Interactive.Tests;

/// <summary>
/// Bad input to the magics whose own test classes cover mostly the good path (#!predict, #!profile, #!seed): each
/// gets one short message, the kernel stays usable, and variables that held data still hold it.
/// </summary>
[Collection("kernel")]
public sealed class BadInputTests : IDisposable
{
    private readonly KernelHarness _kernel = new();

    public void Dispose() => _kernel.Dispose();

    private async Task PrepareAsync()
    {
        (await _kernel.SubmitAsync("#!load data/iris.csv")).ShouldSucceed();
        (await _kernel.SubmitAsync("#!train --data iris --label Species --trainer lbfgs --as m --no-explain")).ShouldSucceed();
        (await _kernel.SubmitAsync("var number = 3; var predictions = iris.Head(2);")).ShouldSucceed();
    }

    [Theory]
    [InlineData("#!predict nothing --data iris", "There is no model variable named 'nothing' in the C# kernel.")]
    [InlineData("#!predict number --data iris", "The variable 'number' holds an Int32, but #!predict expects a model made by #!train")]
    [InlineData("#!predict m --data nowhere", "There is no DataFrame variable named 'nowhere' in the C# kernel.")]
    [InlineData("#!predict m --data iris --as 2nd", "--as '2nd' is not a valid C# variable name.")]
    [InlineData("#!predict --data iris", "#!predict needs the model variable first, for example: #!predict model --data test")]
    [InlineData("#!profile nothing", "There is no DataFrame variable named 'nothing' in the C# kernel.")]
    [InlineData("#!profile number", "The variable 'number' holds an Int32, but #!profile expects a DataFrame.")]
    [InlineData("#!profile", "Name the DataFrame to use with #!profile")]
    [InlineData("#!seed many", "The option --seed got 'many', but expected a whole number.")]
    [InlineData("#!seed 1.5", "The option --seed got '1.5', but expected a whole number.")]
    [InlineData("#!seed 99999999999", "The option --seed got '99999999999'")]
    public async Task Bad_input_gets_one_message_and_leaves_the_session_as_it_was(string magic, string expected)
    {
        await PrepareAsync();
        var before = _kernel.Variable<DataFrame>("predictions")!;

        var message = (await _kernel.SubmitAsync(magic)).ShouldFail();

        Assert.Contains(expected, message, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", message, StringComparison.Ordinal);
        Assert.Same(before, _kernel.Variable<DataFrame>("predictions"));
        Assert.NotNull(_kernel.Variable<TrainedModel>("m"));
        (await _kernel.SubmitAsync("#!predict m --data iris --as scored")).ShouldSucceed();
        Assert.Equal(150, _kernel.Variable<DataFrame>("scored")!.Rows.Count);
    }

    [Fact]
    public async Task A_bad_seed_keeps_the_seed_set_before()
    {
        (await _kernel.SubmitAsync("#!seed 7")).ShouldSucceed();
        (await _kernel.SubmitAsync("#!seed seven")).ShouldFail();
        (await _kernel.SubmitAsync("#!load data/iris.csv")).ShouldSucceed();
        (await _kernel.SubmitAsync("#!train --data iris --label Species --trainer lbfgs --as m --no-explain")).ShouldSucceed();
        Assert.Equal(7, _kernel.Variable<TrainedModel>("m")!.Info.Seed);
    }
}
