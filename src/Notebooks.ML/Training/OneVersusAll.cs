using System.Reflection;
using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.Trainers;

namespace Notebooks.ML.Training;

/// <summary>
/// Scores a one-versus-all multiclass model (LightGBM, FastTree, FastForest and GAM multiclass) one class after the
/// other on the calling thread. ML.NET's own mapper runs the classes in a <c>Parallel.For</c> for every row, whose
/// hand-off to the thread pool cost about 10 µs of CPU per row here (four times the trees' own work), which is what
/// a server predicting single rows pays on every request. The class predictors and the way their outputs are
/// combined (raw, normalised probabilities or softmax) are ML.NET's, reached by reflection into ML.NET 5's
/// internals; when they are not found as expected, <see cref="TryCreate"/> gives null and the ordinary mapper is used.
/// Tests check the result against <see cref="TrainedModel.Predict"/> to the last digit.
/// </summary>
internal sealed class OneVersusAll
{
    private delegate void Raw(in VBuffer<float> features, ref float score);

    private delegate void Dist(in VBuffer<float> features, ref float score, ref float probability);

    private enum Formula
    {
        Raw,
        Dist,
        Softmax,
    }

    private readonly Raw[] _raw;
    private readonly Dist[] _dist;
    private readonly Formula _formula;

    private OneVersusAll(ITransformer features, string featureColumn, Raw[] raw, Dist[] dist, Formula formula, string[] classes)
    {
        Features = features;
        FeatureColumn = featureColumn;
        _raw = raw;
        _dist = dist;
        _formula = formula;
        Classes = classes;
    }

    /// <summary>The transformers before the predictor: they make the feature vector.</summary>
    public ITransformer Features { get; }

    /// <summary>The feature vector's column.</summary>
    public string FeatureColumn { get; }

    /// <summary>The class names, in key order.</summary>
    public string[] Classes { get; }

    public int Count => Math.Max(_raw.Length, _dist.Length);

    /// <summary>The one-versus-all part of <paramref name="model"/>, or null when it has none or its internals are not as expected.</summary>
    public static OneVersusAll? TryCreate(ITransformer model, DataViewSchema inputSchema)
    {
        try
        {
            var flat = Flatten(model).ToList();
            var index = flat.FindIndex(t => t is MulticlassPredictionTransformer<OneVersusAllModelParameters>);
            if (index < 0)
            {
                return null;
            }

            var predictor = (MulticlassPredictionTransformer<OneVersusAllModelParameters>)flat[index];
            var features = new TransformerChain<ITransformer>([.. flat.Take(index)]);
            var featureSchema = features.GetOutputSchema(inputSchema);
            var keys = default(VBuffer<ReadOnlyMemory<char>>);
            predictor.GetOutputSchema(featureSchema)["PredictedLabel"].GetKeyValues(ref keys);
            var classes = keys.DenseValues().Select(k => k.ToString()).ToArray();

            var impl = typeof(OneVersusAllModelParameters).GetField("_impl", BindingFlags.Instance | BindingFlags.NonPublic)?.GetValue(predictor.Model);
            var formula = impl?.GetType().Name switch
            {
                "ImplRaw" => Formula.Raw,
                "ImplDist" => Formula.Dist,
                "ImplSoftmax" => Formula.Softmax,
                _ => (Formula?)null,
            };
            if (impl is null || formula is null || impl.GetType().GetProperty("Predictors")?.GetValue(impl) is not Array predictors || predictors.Length != classes.Length)
            {
                return null;
            }

            var raw = new List<Raw>();
            var dist = new List<Dist>();
            foreach (var mapper in predictors)
            {
                if (formula == Formula.Dist)
                {
                    dist.Add(Bind<Dist>(mapper!, "IValueMapperDist", typeof(VBuffer<float>), typeof(float), typeof(float)));
                }
                else
                {
                    raw.Add(Bind<Raw>(mapper!, "IValueMapper", typeof(VBuffer<float>), typeof(float)));
                }
            }

            return new OneVersusAll(features, predictor.FeatureColumnName, [.. raw], [.. dist], formula.Value, classes);
        }
#pragma warning disable CA1031 // Any surprise in ML.NET's internals means: use its ordinary mapper.
        catch (Exception)
#pragma warning restore CA1031
        {
            return null;
        }
    }

    /// <summary>The class scores of one feature vector, combined as ML.NET combines them.</summary>
    public void Score(in VBuffer<float> features, float[] scores)
    {
        switch (_formula)
        {
            case Formula.Dist:
                for (var i = 0; i < _dist.Length; i++)
                {
                    var score = 0f;
                    _dist[i](in features, ref score, ref scores[i]);
                }

                // Clamp to zero and normalise, as OneVersusAllModelParameters.ImplDist does.
                double sum = 0;
                for (var i = 0; i < scores.Length; i++)
                {
                    var value = scores[i];
                    if (float.IsNaN(value))
                    {
                        continue;
                    }

                    if (value >= 0)
                    {
                        sum += value;
                    }
                    else
                    {
                        scores[i] = 0;
                    }
                }

                if (sum > 0)
                {
                    for (var i = 0; i < scores.Length; i++)
                    {
                        scores[i] = (float)(scores[i] / sum);
                    }
                }

                break;
            case Formula.Softmax:
                for (var i = 0; i < _raw.Length; i++)
                {
                    _raw[i](in features, ref scores[i]);
                }

                var total = 0f;
                for (var i = 0; i < scores.Length; i++)
                {
                    scores[i] = (float)Math.Exp(scores[i]);
                    total += scores[i];
                }

                for (var i = 0; i < scores.Length; i++)
                {
                    scores[i] = scores[i] / total;
                }

                break;
            default:
                for (var i = 0; i < _raw.Length; i++)
                {
                    _raw[i](in features, ref scores[i]);
                }

                break;
        }
    }

    /// <summary>The predicted class: the first largest score (NaN never wins), as ML.NET's multiclass scorer picks its key.</summary>
    public string Predicted(float[] scores)
    {
        var best = -1;
        for (var i = 0; i < scores.Length; i++)
        {
            if (!float.IsNaN(scores[i]) && (best < 0 || scores[i] > scores[best]))
            {
                best = i;
            }
        }

        return best < 0 ? "" : Classes[best];
    }

    private static IEnumerable<ITransformer> Flatten(ITransformer transformer) =>
        transformer is IEnumerable<ITransformer> chain ? chain.SelectMany(Flatten) : [transformer];

    /// <summary>The mapper ML.NET's <c>GetMapper</c> gives, as a delegate of ours with the same signature.</summary>
    private static T Bind<T>(object mapper, string interfaceName, params Type[] types)
        where T : Delegate
    {
        var face = mapper.GetType().GetInterfaces().Single(i => i.Name == interfaceName);
        var method = face.GetMethods().Single(m => m.Name == "GetMapper" && m.GetGenericArguments().Length == types.Length).MakeGenericMethod(types);
        var bound = (Delegate)method.Invoke(mapper, null)!;
        return (T)(bound.Target is null ? Delegate.CreateDelegate(typeof(T), bound.Method) : Delegate.CreateDelegate(typeof(T), bound.Target, bound.Method));
    }
}
