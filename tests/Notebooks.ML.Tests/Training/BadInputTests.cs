using Microsoft.Data.Analysis;
using Notebooks.ML.Data;
using Notebooks.ML.Training;
using Notebooks.Tests;

namespace Notebooks.ML.Tests.Training;

public sealed class BadInputTests
{
    private static readonly DataFrame _iris = DataLoader.Load(Repo.Data("iris.csv")).Data;

    private static string Fails(DataFrame data, TrainOptions options) =>
        Assert.Throws<NotebookException>(() => ModelTrainer.Train(data, options)).Message;

    [Fact]
    public void A_missing_label_column_lists_the_columns()
    {
        var message = Fails(_iris, new TrainOptions { Label = "Specis" });
        Assert.Equal("Could not find the label column 'Specis' in 'iris.csv'. Did you mean 'Species'? Columns: Sepal.Length, Sepal.Width, Petal.Length, Petal.Width, Species.", message);
    }

    [Fact]
    public void No_label_says_how_to_cluster_instead()
    {
        Assert.Contains("#!train needs --label", Fails(_iris, new TrainOptions()), StringComparison.Ordinal);
    }

    [Fact]
    public void A_label_with_one_class_is_named()
    {
        var only = _iris.Filter(_iris["Species"].ElementwiseEquals("setosa"));
        Assert.Contains("has only one class ('setosa')", Fails(only, new TrainOptions { Label = "Species" }), StringComparison.Ordinal);
    }

    [Fact]
    public void An_all_missing_label_says_every_row_is_missing()
    {
        var frame = new DataFrame(new DoubleDataFrameColumn("x", [1, 2, 3]), new StringDataFrameColumn("y", [null, null, null]));
        Assert.Equal("The label column 'y' in the DataFrame has no values: every row is missing.", Fails(frame, new TrainOptions { Label = "y" }));
    }

    [Theory]
    [InlineData("regression", "--task regression needs a numeric label, but 'Species' holds string values (setosa, versicolor, virginica). Use --task multiclass.")]
    [InlineData("binary", "--task binary needs a label with two classes, but 'Species' has 3 (setosa, versicolor, virginica). Use --task multiclass.")]
    [InlineData("forecast", "The option --task got 'forecast', but expected one of auto, binary, multiclass, regression, clustering.")]
    public void A_label_that_does_not_fit_the_task_says_which_task_fits(string task, string expected)
    {
        Assert.Equal(expected, Fails(_iris, new TrainOptions { Label = "Species", Task = task }));
    }

    [Fact]
    public void An_unknown_trainer_lists_the_valid_ones()
    {
        Assert.Equal(
            "The option --trainer got 'lightgmb', but expected one of auto, lightgbm, fasttree, fastforest, gam, sdca, lbfgs, averaged-perceptron, ols, kmeans (did you mean 'lightgbm'?).",
            Fails(_iris, new TrainOptions { Label = "Species", Trainer = "lightgmb" }));
    }

    [Theory]
    [InlineData("ols", "The trainer 'ols' cannot learn a multiclass task. For multiclass use one of: lightgbm, fasttree, fastforest, gam, sdca, lbfgs.")]
    [InlineData("averaged-perceptron", "The trainer 'averaged-perceptron' cannot learn a multiclass task.")]
    [InlineData("kmeans", "The trainer 'kmeans' cannot learn a multiclass task.")]
    public void A_trainer_that_cannot_learn_the_task_says_which_can(string trainer, string expected)
    {
        Assert.StartsWith(expected, Fails(_iris, new TrainOptions { Label = "Species", Trainer = trainer }), StringComparison.Ordinal);
    }

    [Fact]
    public void An_unknown_hyperparameter_lists_the_valid_names()
    {
        var message = Fails(_iris, new TrainOptions { Label = "Species", Hyperparameters = new Dictionary<string, string> { ["Leaves"] = "3" } });
        Assert.StartsWith("--set: 'Leaves' is not a hyperparameter of lightgbm. Valid names: ", message, StringComparison.Ordinal);
        Assert.Contains("NumberOfLeaves", message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_hyperparameter_of_the_wrong_type_says_what_it_expects()
    {
        var message = Fails(_iris, new TrainOptions { Label = "Species", Hyperparameters = new Dictionary<string, string> { ["NumberOfLeaves"] = "many" } });
        Assert.Equal("The option --set NumberOfLeaves got 'many', but expected a Int32 value.", message);
    }

    [Theory]
    [InlineData(0.0)]
    [InlineData(1.0)]
    [InlineData(-0.2)]
    [InlineData(1.5)]
    public void A_test_fraction_outside_zero_to_one_is_refused(double fraction)
    {
        Assert.StartsWith($"The option --test-fraction got '{Errors.Format(fraction)}', but expected a fraction between 0 and 1 (exclusive)",
            Fails(_iris, new TrainOptions { Label = "Species", TestFraction = fraction }), StringComparison.Ordinal);
    }

    [Fact]
    public void Fewer_rows_than_folds_is_refused()
    {
        var small = new DataFrame(new DoubleDataFrameColumn("x", [1, 2, 3, 4]), new StringDataFrameColumn("y", ["a", "b", "a", "b"]));
        Assert.Equal("The DataFrame has 4 rows with a label, fewer than --folds 5: each fold needs at least one row. Use fewer folds.",
            Fails(small, new TrainOptions { Label = "y", Folds = 5 }));
    }

    [Theory]
    [InlineData("mod1")]
    [InlineData("every5")]
    public void An_unknown_split_says_what_is_accepted(string split)
    {
        Assert.StartsWith($"The option --split got '{split}', but expected random", Fails(_iris, new TrainOptions { Label = "Species", Split = split }), StringComparison.Ordinal);
    }

    [Fact]
    public void A_search_with_folds_is_refused()
    {
        Assert.Contains("use --test-fraction or --split, not --folds", Fails(_iris, new TrainOptions { Label = "Species", Folds = 3, MaxTrials = 3 }), StringComparison.Ordinal);
    }
}
