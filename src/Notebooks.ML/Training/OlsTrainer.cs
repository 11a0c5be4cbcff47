using System.Reflection;
using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.Trainers;

namespace Notebooks.ML.Training;

/// <summary>The hyperparameters of <c>--trainer ols</c>.</summary>
public sealed class OlsOptions
{
    /// <summary>Ridge penalty added to the normal equations (0 = plain least squares; the intercept is never penalized).</summary>
    public double L2Regularization { get; set; }

    /// <summary>The most feature slots the solver accepts (it forms a slots × slots matrix).</summary>
    public int MaximumNumberOfSlots { get; set; } = 2000;
}

/// <summary>
/// Ordinary least squares for <c>--trainer ols</c>. ML.NET's own OLS lives in Microsoft.ML.Mkl.Components, which
/// is not to be had here, so this solves the normal equations itself: features and label are centred, XᵀX w = Xᵀy
/// is solved by Cholesky in double precision (an exactly collinear design, such as a full one-hot block, gets the
/// smallest ridge that makes it solvable, reported as <c>AddedRidge</c>), and the result is wrapped in ML.NET's
/// own <see cref="LinearRegressionModelParameters"/> so that prediction, saving and loading are ML.NET's.
/// </summary>
internal sealed class OlsTrainer(MLContext ml, OlsOptions options, string labelColumn = "Label", string featureColumn = "Features") : IEstimator<ITransformer>
{
    /// <summary>The ridge that was added to make a singular system solvable (0 when none was needed).</summary>
    public double AddedRidge { get; private set; }

    public SchemaShape GetOutputSchema(SchemaShape inputSchema) =>
        ml.Regression.Trainers.Sdca(labelColumn, featureColumn).GetOutputSchema(inputSchema);

    public ITransformer Fit(IDataView input)
    {
        var slots = (input.Schema[featureColumn].Type as VectorDataViewType)?.Size ?? 1;
        if (slots > options.MaximumNumberOfSlots)
        {
            throw Errors.Fail($"--trainer ols solves a {slots:N0} × {slots:N0} system here (text and hashed columns make many feature slots), more than its limit of {options.MaximumNumberOfSlots:N0}. Use --trainer sdca, or --set MaximumNumberOfSlots={slots} if you have the memory.");
        }

        var xtx = new double[slots, slots];
        var xty = new double[slots];
        var sum = new double[slots];
        double sumY = 0, n = 0;
        var rows = new List<(float[] X, float Y)>();
        using (var cursor = input.GetRowCursor(input.Schema.Where(c => c.Name == featureColumn || c.Name == labelColumn)))
        {
            var getX = cursor.GetGetter<VBuffer<float>>(input.Schema[featureColumn]);
            var getY = cursor.GetGetter<float>(input.Schema[labelColumn]);
            VBuffer<float> x = default;
            float y = 0;
            while (cursor.MoveNext())
            {
                getX(ref x);
                getY(ref y);
                var dense = new float[slots];
                x.CopyTo(dense);
                rows.Add((dense, y));
                for (var j = 0; j < slots; j++)
                {
                    sum[j] += dense[j];
                }

                sumY += y;
                n++;
            }
        }

        if (n < 2)
        {
            throw Errors.Fail("--trainer ols needs at least two training rows.");
        }

        var meanX = sum.Select(s => s / n).ToArray();
        var meanY = sumY / n;
        var centred = new double[slots];
        foreach (var (x, y) in rows)
        {
            for (var j = 0; j < slots; j++)
            {
                centred[j] = x[j] - meanX[j];
            }

            var cy = y - meanY;
            for (var j = 0; j < slots; j++)
            {
                var cj = centred[j];
                if (cj == 0)
                {
                    continue;
                }

                xty[j] += cj * cy;
                for (var k = 0; k <= j; k++)
                {
                    xtx[j, k] += cj * centred[k];
                }
            }
        }

        var trace = Enumerable.Range(0, slots).Sum(j => xtx[j, j]);
        var ridge = options.L2Regularization;
        double[]? w = null;
        for (var attempt = 0; attempt < 12 && w is null; attempt++)
        {
            w = SolveCholesky(xtx, xty, ridge);
            if (w is null)
            {
                ridge = ridge == 0 ? Math.Max(1e-12, 1e-12 * trace / Math.Max(1, slots)) : ridge * 100;
                AddedRidge = ridge - options.L2Regularization;
            }
        }

        if (w is null)
        {
            throw Errors.Fail("--trainer ols could not solve the least-squares system (the features are degenerate). Try --trainer sdca.");
        }

        var bias = meanY - Enumerable.Range(0, slots).Sum(j => w[j] * meanX[j]);
        return Create(input.Schema, w.Select(v => (float)v).ToArray(), (float)bias);
    }

    /// <summary>Solves (A + ridge·I) w = b for symmetric A (lower triangle given), or null when it is not positive definite.</summary>
    internal static double[]? SolveCholesky(double[,] a, double[] b, double ridge)
    {
        var p = b.Length;
        var l = new double[p, p];
        for (var j = 0; j < p; j++)
        {
            var d = a[j, j] + ridge;
            for (var k = 0; k < j; k++)
            {
                d -= l[j, k] * l[j, k];
            }

            if (!(d > 1e-12 * Math.Max(1, Math.Abs(a[j, j]))))
            {
                if (a[j, j] == 0 && ridge == 0 && AllZero(a, j))
                {
                    // A constant column: no information, weight 0.
                    l[j, j] = 1;
                    continue;
                }

                return null;
            }

            l[j, j] = Math.Sqrt(d);
            for (var i = j + 1; i < p; i++)
            {
                var s = a[i, j];
                for (var k = 0; k < j; k++)
                {
                    s -= l[i, k] * l[j, k];
                }

                l[i, j] = s / l[j, j];
            }
        }

        var z = new double[p];
        for (var i = 0; i < p; i++)
        {
            var s = b[i];
            for (var k = 0; k < i; k++)
            {
                s -= l[i, k] * z[k];
            }

            z[i] = s / l[i, i];
        }

        var w = new double[p];
        for (var i = p - 1; i >= 0; i--)
        {
            var s = z[i];
            for (var k = i + 1; k < p; k++)
            {
                s -= l[k, i] * w[k];
            }

            w[i] = s / l[i, i];
        }

        return w;
    }

    private static bool AllZero(double[,] a, int j)
    {
        for (var k = 0; k < a.GetLength(0); k++)
        {
            if ((k >= j ? a[k, j] : a[j, k]) != 0)
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>
    /// ML.NET 5 keeps the constructors of <see cref="LinearRegressionModelParameters"/> and its prediction
    /// transformer internal; they are the types its own OLS trainer returns, so the model saves, loads and
    /// predicts exactly as an ML.NET one.
    /// </summary>
    private ITransformer Create(DataViewSchema schema, float[] weights, float bias)
    {
        const BindingFlags flags = BindingFlags.Instance | BindingFlags.NonPublic | BindingFlags.Public;
        var vector = new VBuffer<float>(weights.Length, weights);
        var parametersCtor = typeof(LinearRegressionModelParameters).GetConstructors(flags)
            .Single(c => c.GetParameters().Length == 3 && c.GetParameters()[2].ParameterType == typeof(float));
        var parameters = (LinearRegressionModelParameters)parametersCtor.Invoke([ml, vector, bias]);
        var transformerCtor = typeof(RegressionPredictionTransformer<LinearRegressionModelParameters>).GetConstructors(flags)
            .Single(c => c.GetParameters().Length == 4 && c.GetParameters()[3].ParameterType == typeof(string));
        return (ITransformer)transformerCtor.Invoke([ml, parameters, schema, featureColumn]);
    }
}
