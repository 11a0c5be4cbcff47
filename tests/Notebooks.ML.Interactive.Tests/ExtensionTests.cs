using Microsoft.Data.Analysis;
using Notebooks.ML.Training;

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

[Collection("kernel")]
public sealed class PlotMagicTests : IDisposable
{
    private readonly KernelHarness _kernel = new();

    public void Dispose() => _kernel.Dispose();

    [Fact]
    public async Task Plot_draws_a_scatter_with_one_trace_per_colour_group()
    {
        (await _kernel.SubmitAsync("#!load data/iris.csv")).ShouldSucceed();
        var html = (await _kernel.SubmitAsync("#!plot iris --kind scatter --x Petal.Length --y Petal.Width --color Species")).ShouldSucceed().Html;

        Assert.Contains("Plotly.newPlot", html, StringComparison.Ordinal);
        Assert.Contains("\"name\":\"setosa\"", html, StringComparison.Ordinal);
        Assert.Contains("\"name\":\"virginica\"", html, StringComparison.Ordinal);
        Assert.Contains("Petal.Width vs Petal.Length by Species", html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Plot_draws_a_histogram()
    {
        (await _kernel.SubmitAsync("#!load data/iris.csv")).ShouldSucceed();
        var html = (await _kernel.SubmitAsync("#!plot iris --kind histogram --x Sepal.Length --bins 10")).ShouldSucceed().Html;
        Assert.Contains("\"type\":\"bar\"", html, StringComparison.Ordinal);
        Assert.Contains("Distribution of Sepal.Length", html, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("#!plot iris --kind scatter --x Petal.Lenght --y Petal.Width", "Could not find the --x column 'Petal.Lenght'")]
    [InlineData("#!plot iris --kind pie --x Species", "The option --kind got 'pie'")]
    [InlineData("#!plot iris --kind histogram --x Species", "For counts per category use a bar chart")]
    [InlineData("#!plot nothing --kind scatter --x a --y b", "There is no DataFrame variable named 'nothing'")]
    [InlineData("#!plot iris --kind scatter --x Petal.Length", "needs --y")]
    public async Task Plot_explains_bad_input_and_the_kernel_stays_usable(string magic, string expected)
    {
        (await _kernel.SubmitAsync("#!load data/iris.csv")).ShouldSucceed();
        Assert.Contains(expected, (await _kernel.SubmitAsync(magic)).ShouldFail(), StringComparison.Ordinal);
        (await _kernel.SubmitAsync("iris.Rows.Count")).ShouldSucceed();
    }
}

[Collection("kernel")]
public sealed class TrainMagicTests : IDisposable
{
    private readonly KernelHarness _kernel = new();

    public void Dispose() => _kernel.Dispose();

    [Fact]
    public async Task Train_infers_multiclass_and_exposes_metrics_on_the_model_variable()
    {
        (await _kernel.SubmitAsync("#!load data/iris.csv")).ShouldSucceed();
        var result = (await _kernel.SubmitAsync("#!train --data iris --label Species --as m")).ShouldSucceed();

        var model = _kernel.Variable<TrainedModel>("m");
        Assert.NotNull(model);
        Assert.Equal(MLTask.Multiclass, model!.Task);
        Assert.InRange(model.Metrics["MicroAccuracy"], 0.85, 1.0);
        Assert.Contains("MicroAccuracy", result.Html, StringComparison.Ordinal);
        Assert.Contains("Confusion matrix", result.Html, StringComparison.Ordinal);
        Assert.Contains("inferred", result.Html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Train_is_deterministic_for_the_same_seed()
    {
        (await _kernel.SubmitAsync("#!load data/breast_cancer.csv --as bc")).ShouldSucceed();
        (await _kernel.SubmitAsync("#!train --data bc --label diagnosis --seed 7 --as a")).ShouldSucceed();
        (await _kernel.SubmitAsync("#!train --data bc --label diagnosis --seed 7 --as b")).ShouldSucceed();
        Assert.Equal(_kernel.Variable<TrainedModel>("a")!.Metrics, _kernel.Variable<TrainedModel>("b")!.Metrics);
    }

    [Fact]
    public async Task Train_passes_repeated_set_options_to_the_trainer()
    {
        (await _kernel.SubmitAsync("#!load data/iris.csv")).ShouldSucceed();
        (await _kernel.SubmitAsync("#!train --data iris --label Species --set NumberOfLeaves=4 --set LearningRate=0.3")).ShouldSucceed();
        var model = _kernel.Variable<TrainedModel>("model")!;
        Assert.Equal("4", model.Info.Hyperparameters["NumberOfLeaves"]);
        Assert.Equal("0.3", model.Info.Hyperparameters["LearningRate"]);
    }

    [Theory]
    [InlineData("#!train --data iris --label Specis", "Could not find the label column 'Specis' in 'iris'. Did you mean 'Species'?")]
    [InlineData("#!train --data iris --label Species --trainer xgboost", "The option --trainer got 'xgboost'")]
    [InlineData("#!train --data iris --label Species --test-fraction 1.5", "The option --test-fraction got '1.5'")]
    [InlineData("#!train --data iris --label Species --task regression", "--task regression needs a numeric label")]
    [InlineData("#!train --data iris --label Species --set Leaves=3", "'Leaves' is not a hyperparameter of lightgbm")]
    [InlineData("#!train --data iris --label Species --seed abc", "The option --seed got 'abc'")]
    public async Task Train_explains_bad_input_and_the_kernel_stays_usable(string magic, string expected)
    {
        (await _kernel.SubmitAsync("#!load data/iris.csv")).ShouldSucceed();
        Assert.Contains(expected, (await _kernel.SubmitAsync(magic)).ShouldFail(), StringComparison.Ordinal);
        (await _kernel.SubmitAsync("iris.Rows.Count")).ShouldSucceed();
    }

    [Fact]
    public async Task Train_fails_clearly_on_a_label_with_one_class()
    {
        (await _kernel.SubmitAsync("#!load data/iris.csv")).ShouldSucceed();
        (await _kernel.SubmitAsync("#!load data/iris.csv --as setosa")).ShouldSucceed();
        (await _kernel.SubmitAsync("""var only = setosa.Filter(setosa["Species"].ElementwiseEquals("setosa"));""")).ShouldSucceed();
        Assert.Contains("has only one class ('setosa')", (await _kernel.SubmitAsync("#!train --data only --label Species")).ShouldFail(), StringComparison.Ordinal);
    }
}

[CollectionDefinition("kernel", DisableParallelization = true)]
public sealed class KernelCollection;
