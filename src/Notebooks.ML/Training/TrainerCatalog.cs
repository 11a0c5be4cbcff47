using System.Globalization;
using System.Reflection;
using Microsoft.ML;
using Microsoft.ML.Trainers;
using Microsoft.ML.Trainers.FastTree;
using Microsoft.ML.Trainers.LightGbm;

namespace Notebooks.ML.Training;

/// <summary>Trainers by name, with their ML.NET options objects, so that <c>--set</c> is checked against the real options.</summary>
internal static class TrainerCatalog
{
    private static readonly string[] _names = ["lightgbm", "fasttree", "fastforest", "gam", "sdca", "lbfgs", "averaged-perceptron", "ols", "kmeans"];

    public static IReadOnlyList<string> Names => _names;

    /// <summary>The trainers that can learn <paramref name="task"/>.</summary>
    public static IReadOnlyList<string> For(MLTask task) => _names.Where(n => Supports(n, task)).ToArray();

    public static bool Supports(string trainer, MLTask task) => (trainer, task) switch
    {
        ("kmeans", MLTask.Clustering) => true,
        ("kmeans", _) or (_, MLTask.Clustering) => false,
        ("ols", MLTask.Regression) => true,
        ("ols", _) => false,
        ("averaged-perceptron", MLTask.Binary) => true,
        ("averaged-perceptron", _) => false,
        ("lbfgs", MLTask.Regression) => false,
        _ => true,
    };

    /// <summary>The trainer for <paramref name="requested"/> (<c>auto</c> is the default for the task: lightgbm, or kmeans for clustering).</summary>
    public static string Resolve(string requested, MLTask task)
    {
        var name = requested.Trim().ToLowerInvariant();
        if (name == "auto")
        {
            return task == MLTask.Clustering ? "kmeans" : "lightgbm";
        }

        if (!_names.Contains(name))
        {
            var near = Errors.ClosestMatch(name, _names.Append("auto")) is { } n ? $" (did you mean '{n}'?)" : "";
            throw Errors.BadOption("--trainer", requested, $"one of auto, {string.Join(", ", _names)}{near}");
        }

        if (!Supports(name, task))
        {
            var taskName = task.ToString().ToLowerInvariant();
            throw Errors.Fail($"The trainer '{name}' cannot learn a {taskName} task. For {taskName} use one of: {string.Join(", ", For(task))}.");
        }

        return name;
    }

    /// <summary>Whether the trainer wants normalized features (linear models and k-means do; trees do not).</summary>
    public static bool Normalizes(string trainer) => trainer is "sdca" or "lbfgs" or "averaged-perceptron" or "kmeans";

    /// <summary>
    /// Whether the trainer copes with missing numbers itself (LightGBM: HandleMissingValue), so that on training data
    /// without any its pipeline can skip the mean-replacement pass, which the benchmark showed costing time. Data
    /// with missing values always gets mean replacement and indicators, as the result card says.
    /// </summary>
    public static bool HandlesMissing(string trainer) => trainer is "lightgbm";

    /// <summary>Whether the trainer makes several passes over the data, so that caching the features pays.</summary>
    public static bool WantsCache(string trainer) => trainer is "sdca" or "lbfgs" or "averaged-perceptron" or "kmeans";

    /// <summary>Whether the trainer's threads are OpenMP threads in native code (LightGBM); the others are .NET threads.</summary>
    public static bool UsesOpenMP(string trainer) => trainer is "lightgbm";

    /// <summary>Whether the trainer is a boosted or bagged tree ensemble whose trees can be replayed one by one.</summary>
    public static bool IsTreeEnsemble(string trainer) => trainer is "lightgbm" or "fasttree" or "fastforest";

    /// <summary>
    /// The trainers whose model depends on how many threads train it, with the reason. Every other trainer gives the
    /// same model, prediction for prediction, on one thread and on many (tests/Notebooks.ML.Tests/Training/ThreadTests
    /// proves it per trainer), so it uses every core by default.
    /// </summary>
    private static readonly Dictionary<string, string> _threadDependent = new(StringComparer.Ordinal)
    {
        ["sdca"] = "SDCA's threads update the weights lock-free, so its model depends on the thread count and on timing",
        ["lbfgs"] = "L-BFGS adds up its gradient over one block of rows per thread, so another thread count rounds differently and gives another model",
    };

    /// <summary>
    /// How long one fit of <paramref name="trainer"/> takes, relative to the others on the same rows: seconds measured
    /// for a one-thread fit on 2,700 rows × 20 numbers (bench/TrainBenchmark). Searches start the longest trials of a
    /// rung first, so that the rung does not end with one of them running alone.
    /// </summary>
    public static double ExpectedCost(string trainer) => trainer switch
    {
        "gam" => 0.84,
        "fasttree" => 0.79,
        "fastforest" => 0.68,
        "lightgbm" => 0.30,
        "sdca" => 0.12,
        _ => 0.03,
    };

    /// <summary>Why <paramref name="trainer"/>'s model depends on its thread count, or null when it does not.</summary>
    public static string? ThreadDependence(string trainer) => _threadDependent.GetValueOrDefault(trainer);

    /// <summary>
    /// How many threads one fit of <paramref name="trainer"/> uses, and why: <paramref name="requested"/> (<c>--threads</c>
    /// or the session's default) when given; otherwise every core (<paramref name="cores"/>), except for trainers whose
    /// model would change with the thread count, which keep one so that results stay reproducible anywhere.
    /// </summary>
    public static (int Threads, string Reason) Threads(string trainer, int? requested, int cores)
    {
        if (trainer is "averaged-perceptron" or "ols")
        {
            return (1, $"{trainer} trains on one thread");
        }

        var dependence = ThreadDependence(trainer);
        if (requested is { } n)
        {
            return (n, dependence is null ? "asked for" : $"asked for; note: {dependence}");
        }

        return dependence is null
            ? (Math.Max(1, cores), "every core (the model does not depend on the thread count)")
            : (1, $"one, the default for {trainer}: {dependence}");
    }

    /// <summary>Creates the trainer with sensible, deterministic defaults and the user's hyperparameters applied.</summary>
    public static (IEstimator<ITransformer> Estimator, IReadOnlyDictionary<string, string> Settings) Create(
        MLContext ml, string trainer, MLTask task, int seed, IReadOnlyDictionary<string, string> hyperparameters, int? clusters = null, int threads = 1)
    {
        object options = (trainer, task) switch
        {
            ("lightgbm", MLTask.Binary) => new LightGbmBinaryTrainer.Options(),
            ("lightgbm", MLTask.Multiclass) => new LightGbmMulticlassTrainer.Options(),
            ("lightgbm", _) => new LightGbmRegressionTrainer.Options(),
            ("fasttree", MLTask.Binary or MLTask.Multiclass) => new FastTreeBinaryTrainer.Options(),
            ("fasttree", _) => new FastTreeRegressionTrainer.Options(),
            ("fastforest", MLTask.Binary or MLTask.Multiclass) => new FastForestBinaryTrainer.Options(),
            ("fastforest", _) => new FastForestRegressionTrainer.Options(),
            ("gam", MLTask.Binary or MLTask.Multiclass) => new GamBinaryTrainer.Options(),
            ("gam", _) => new GamRegressionTrainer.Options(),
            ("sdca", MLTask.Binary) => new SdcaLogisticRegressionBinaryTrainer.Options(),
            ("sdca", MLTask.Multiclass) => new SdcaMaximumEntropyMulticlassTrainer.Options(),
            ("sdca", _) => new SdcaRegressionTrainer.Options(),
            ("lbfgs", MLTask.Binary) => new LbfgsLogisticRegressionBinaryTrainer.Options(),
            ("lbfgs", _) => new LbfgsMaximumEntropyMulticlassTrainer.Options(),
            ("averaged-perceptron", _) => new AveragedPerceptronTrainer.Options(),
            ("ols", _) => new OlsOptions(),
            ("kmeans", _) => new KMeansTrainer.Options(),
            _ => throw new InvalidOperationException($"No trainer {trainer} for {task}"),
        };

        ApplyDefaults(options, seed, threads);
        if (options is KMeansTrainer.Options kmeans && clusters is { } k)
        {
            kmeans.NumberOfClusters = k;
        }

        var settings = new SortedDictionary<string, string>(StringComparer.Ordinal);
        foreach (var (name, value) in hyperparameters)
        {
            var member = Set(options, trainer, name, value);
            settings[member] = value;
        }

        foreach (var member in Tracked(options))
        {
            settings.TryAdd(member.Name, Format(Get(options, member)));
        }

        IEstimator<ITransformer> estimator = options switch
        {
            LightGbmBinaryTrainer.Options o => ml.BinaryClassification.Trainers.LightGbm(o),
            LightGbmMulticlassTrainer.Options o => ml.MulticlassClassification.Trainers.LightGbm(o),
            LightGbmRegressionTrainer.Options o => ml.Regression.Trainers.LightGbm(o),
            FastTreeBinaryTrainer.Options o when task == MLTask.Multiclass =>
                ml.MulticlassClassification.Trainers.OneVersusAll(ml.BinaryClassification.Trainers.FastTree(o)),
            FastTreeBinaryTrainer.Options o => ml.BinaryClassification.Trainers.FastTree(o),
            FastTreeRegressionTrainer.Options o => ml.Regression.Trainers.FastTree(o),
            FastForestBinaryTrainer.Options o when task == MLTask.Multiclass =>
                ml.MulticlassClassification.Trainers.OneVersusAll(ml.BinaryClassification.Trainers.FastForest(o)),
            FastForestBinaryTrainer.Options o => ml.BinaryClassification.Trainers.FastForest(o),
            FastForestRegressionTrainer.Options o => ml.Regression.Trainers.FastForest(o),
            GamBinaryTrainer.Options o when task == MLTask.Multiclass =>
                ml.MulticlassClassification.Trainers.OneVersusAll(ml.BinaryClassification.Trainers.Gam(o)),
            GamBinaryTrainer.Options o => ml.BinaryClassification.Trainers.Gam(o),
            GamRegressionTrainer.Options o => ml.Regression.Trainers.Gam(o),
            SdcaLogisticRegressionBinaryTrainer.Options o => ml.BinaryClassification.Trainers.SdcaLogisticRegression(o),
            SdcaMaximumEntropyMulticlassTrainer.Options o => ml.MulticlassClassification.Trainers.SdcaMaximumEntropy(o),
            SdcaRegressionTrainer.Options o => ml.Regression.Trainers.Sdca(o),
            LbfgsLogisticRegressionBinaryTrainer.Options o => ml.BinaryClassification.Trainers.LbfgsLogisticRegression(o),
            LbfgsMaximumEntropyMulticlassTrainer.Options o => ml.MulticlassClassification.Trainers.LbfgsMaximumEntropy(o),
            AveragedPerceptronTrainer.Options o => ml.BinaryClassification.Trainers.AveragedPerceptron(o),
            OlsOptions o => new OlsTrainer(ml, o),
            KMeansTrainer.Options o => ml.Clustering.Trainers.KMeans(o),
            _ => throw new InvalidOperationException($"No trainer for {options.GetType()}"),
        };

        return (estimator, settings);
    }

    /// <summary>
    /// Defaults that match the peers in notebooks/data/SOURCES.md for the boosted trees (100 iterations, learning
    /// rate 0.1, 31 leaves, 20 rows per leaf), and <paramref name="threads"/> threads (see <see cref="Threads"/>).
    /// </summary>
    private static void ApplyDefaults(object options, int seed, int threads)
    {
        switch (options)
        {
            case LightGbmBinaryTrainer.Options o:
                (o.NumberOfIterations, o.LearningRate, o.NumberOfLeaves, o.MinimumExampleCountPerLeaf) = (100, 0.1, 31, 20);
                (o.Seed, o.Deterministic, o.Silent, o.NumberOfThreads) = (seed, true, true, threads);
                break;
            case LightGbmMulticlassTrainer.Options o:
                (o.NumberOfIterations, o.LearningRate, o.NumberOfLeaves, o.MinimumExampleCountPerLeaf) = (100, 0.1, 31, 20);
                (o.Seed, o.Deterministic, o.Silent, o.NumberOfThreads) = (seed, true, true, threads);
                break;
            case LightGbmRegressionTrainer.Options o:
                (o.NumberOfIterations, o.LearningRate, o.NumberOfLeaves, o.MinimumExampleCountPerLeaf) = (100, 0.1, 31, 20);
                (o.Seed, o.Deterministic, o.Silent, o.NumberOfThreads) = (seed, true, true, threads);
                break;
            // FastTree (binary and regression) share BoostedTreeOptions; FastForest's share FastForestOptionsBase.
            case BoostedTreeOptions o:
                (o.NumberOfTrees, o.LearningRate, o.NumberOfLeaves, o.MinimumExampleCountPerLeaf, o.Seed, o.NumberOfThreads) = (100, 0.1, 31, 20, seed, threads);
                break;
            case FastForestOptionsBase o:
                (o.NumberOfTrees, o.NumberOfLeaves, o.Seed, o.FeatureSelectionSeed, o.NumberOfThreads) = (100, 31, seed, seed, threads);
                break;
            case GamBinaryTrainer.Options o:
                (o.NumberOfIterations, o.LearningRate, o.Seed, o.NumberOfThreads) = (1000, 0.02, seed, threads);
                break;
            case GamRegressionTrainer.Options o:
                (o.NumberOfIterations, o.LearningRate, o.Seed, o.NumberOfThreads) = (1000, 0.02, seed, threads);
                break;
            case SdcaLogisticRegressionBinaryTrainer.Options o:
                o.NumberOfThreads = threads;
                break;
            case SdcaMaximumEntropyMulticlassTrainer.Options o:
                o.NumberOfThreads = threads;
                break;
            case SdcaRegressionTrainer.Options o:
                o.NumberOfThreads = threads;
                break;
            case LbfgsLogisticRegressionBinaryTrainer.Options o:
                o.NumberOfThreads = threads;
                break;
            case LbfgsMaximumEntropyMulticlassTrainer.Options o:
                o.NumberOfThreads = threads;
                break;
            case KMeansTrainer.Options o:
                (o.NumberOfThreads, o.InitializationAlgorithm) = (threads, KMeansTrainer.InitializationAlgorithm.KMeansPlusPlus);
                break;
        }
    }


    /// <summary>Hyperparameters that every result card reports, so that two runs can be compared.</summary>
    private static IEnumerable<MemberInfo> Tracked(object options)
    {
        string[] names = ["NumberOfIterations", "NumberOfTrees", "LearningRate", "NumberOfLeaves", "MinimumExampleCountPerLeaf", "L1Regularization", "L2Regularization", "MaximumNumberOfIterations", "NumberOfClusters"];
        return Settable(options).Where(m => names.Contains(m.Name));
    }

    private static IEnumerable<MemberInfo> Settable(object options) =>
        options.GetType().GetFields(BindingFlags.Public | BindingFlags.Instance)
            .Where(f => !f.IsInitOnly && IsSimple(f.FieldType))
            .Cast<MemberInfo>()
            .Concat(options.GetType().GetProperties(BindingFlags.Public | BindingFlags.Instance).Where(p => p.CanWrite && IsSimple(p.PropertyType)))
            .Where(m => !m.Name.EndsWith("ColumnName", StringComparison.Ordinal));

    private static bool IsSimple(Type type)
    {
        type = Nullable.GetUnderlyingType(type) ?? type;
        return type.IsPrimitive || type.IsEnum;
    }

    private static string Set(object options, string trainer, string name, string value)
    {
        var key = name.Replace("-", "", StringComparison.Ordinal).Replace("_", "", StringComparison.Ordinal);
        var members = Settable(options).ToArray();
        var member = members.FirstOrDefault(m => string.Equals(m.Name, key, StringComparison.OrdinalIgnoreCase));
        if (member is null)
        {
            var valid = string.Join(", ", members.Select(m => m.Name).Order(StringComparer.Ordinal));
            var near = Errors.ClosestMatch(key, members.Select(m => m.Name)) is { } n ? $" Did you mean '{n}'?" : "";
            throw Errors.Fail($"--set: '{name}' is not a hyperparameter of {trainer}.{near} Valid names: {valid}.");
        }

        var type = member is FieldInfo f ? f.FieldType : ((PropertyInfo)member).PropertyType;
        var target = Nullable.GetUnderlyingType(type) ?? type;
        object parsed;
        try
        {
            parsed = target.IsEnum
                ? Enum.Parse(target, value, ignoreCase: true)
                : target == typeof(bool)
                    ? bool.Parse(value)
                    : Convert.ChangeType(value, target, CultureInfo.InvariantCulture);
        }
        catch (Exception e) when (e is FormatException or OverflowException or ArgumentException or InvalidCastException)
        {
            var expected = target.IsEnum ? "one of " + string.Join(", ", Enum.GetNames(target)) : $"a {target.Name} value";
            throw Errors.BadOption($"--set {member.Name}", value, expected);
        }

        if (member is FieldInfo field)
        {
            field.SetValue(options, parsed);
        }
        else
        {
            ((PropertyInfo)member).SetValue(options, parsed);
        }

        return member.Name;
    }

    private static object? Get(object options, MemberInfo member) =>
        member is FieldInfo f ? f.GetValue(options) : ((PropertyInfo)member).GetValue(options);

    private static string Format(object? value) => value switch
    {
        null => "default",
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        _ => value.ToString() ?? "",
    };
}
