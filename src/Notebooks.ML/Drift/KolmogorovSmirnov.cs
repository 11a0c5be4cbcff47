using MathNet.Numerics;

namespace Notebooks.ML.Drift;

/// <summary>
/// The two-sample Kolmogorov–Smirnov test exactly as <c>scipy.stats.ks_2samp</c> (two-sided, <c>method='auto'</c>,
/// scipy 1.10) computes it, so that p-values agree with what Evidently shows: the exact distribution when both
/// samples have at most 10,000 values (Hodges' lattice-path count, with Viehmann's recursion for 1 − p), else
/// the one-sample two-sided distribution of <c>kstwo</c> at n = round(n₁n₂ / (n₁ + n₂)) (Simard and L'Ecuyer's
/// choice between Durbin's matrix, Pomeranz's recursion, Pelz–Good and the exact one-sided Smirnov sum).
/// Written here because no .NET library has these distributions (MathNet has none for Kolmogorov–Smirnov); each
/// function follows the scipy function named in its summary, step for step.
/// </summary>
internal static class KolmogorovSmirnov
{
    /// <summary>scipy's MAX_AUTO_N: up to this many values on both sides, the exact distribution.</summary>
    private const int MaxExactN = 10_000;

    /// <summary>log(2⁻¹⁰⁷⁵), cephes' MINLOG: e raised to less is zero.</summary>
    private const double MinLog = -745.1332191019412076235;

    /// <summary>DBL_EPSILON.</summary>
    private const double MachineEpsilon = 2.220446049250313e-16;

    private static readonly double _scaleUp = Math.ScaleB(1.0, 128);
    private static readonly double _scaleDown = Math.ScaleB(1.0, -128);
    private static readonly double _logTwoPi = Math.Log(2 * Math.PI);
    private static readonly double _sqrtTwoPi = Math.Sqrt(2 * Math.PI);
    private static readonly double _sqrt3 = Math.Sqrt(3);
    private static readonly double _piSquared = Math.Pow(Math.PI, 2);
    private static readonly double _piFour = Math.Pow(Math.PI, 4);
    private static readonly double _piSix = Math.Pow(Math.PI, 6);

    private static readonly double[] _stirling =
    [
        -2.955065359477124183e-2, 6.4102564102564102564e-3, -1.9175269175269175269e-3, 8.4175084175084175084e-4,
        -5.952380952380952381e-4, 7.9365079365079365079e-4, -2.7777777777777777778e-3, 8.3333333333333333333e-2,
    ];

    /// <summary>The statistic D and its two-sided p-value for two sorted samples without missing values (<c>ks_2samp</c>).</summary>
    public static (double Statistic, double PValue) TwoSample(ReadOnlySpan<double> sorted1, ReadOnlySpan<double> sorted2)
    {
        int n1 = sorted1.Length, n2 = sorted2.Length;
        if (n1 == 0 || n2 == 0)
        {
            throw new ArgumentException("Both samples need values.");
        }

        // The largest gaps between the two empirical CDFs, evaluated after every distinct value (searchsorted 'right').
        double maxDiff = double.NegativeInfinity, minDiff = double.PositiveInfinity;
        int i = 0, j = 0;
        while (i < n1 || j < n2)
        {
            var value = j >= n2 || (i < n1 && sorted1[i] <= sorted2[j]) ? sorted1[i] : sorted2[j];
            while (i < n1 && sorted1[i] <= value)
            {
                i++;
            }

            while (j < n2 && sorted2[j] <= value)
            {
                j++;
            }

            var diff = (i / (double)n1) - (j / (double)n2);
            maxDiff = Math.Max(maxDiff, diff);
            minDiff = Math.Min(minDiff, diff);
        }

        var minS = Math.Clamp(-minDiff, 0, 1);
        var d = minS > maxDiff ? minS : maxDiff;
        var g = Gcd(n1, n2);
        double probability;
        var exact = Math.Max(n1, n2) <= MaxExactN;
        var success = false;
        if (exact)
        {
            (success, d, probability) = AttemptExact(n1, n2, g, d);
        }
        else
        {
            probability = double.NaN;
        }

        if (!success)
        {
            // Smirnov's asymptotic: the one-sample distribution at the effective size.
            double m = Math.Max(n1, n2), n = Math.Min(n1, n2);
            var en = m * n / (m + n);
            probability = KolmogorovSf((long)Math.Round(en, MidpointRounding.ToEven), d);
        }

        return (d, Math.Clamp(probability, 0, 1));
    }

    /// <summary><c>_attempt_exact_2kssamp</c> (two-sided): the statistic rounded to the lattice and its exact p-value.</summary>
    private static (bool Success, double D, double Probability) AttemptExact(int n1, int n2, int g, double d)
    {
        var lcm = (long)(n1 / g) * n2;
        var h = (long)Math.Round(d * lcm, MidpointRounding.ToEven);
        d = h * 1.0 / lcm;
        if (h == 0)
        {
            return (true, d, 1.0);
        }

        var probability = n1 == n2 ? ProbOutsideSquare(n1, h) : OuterProbInsideMethod(n1, n2, g, h);
        return probability is >= 0 and <= 1 ? (true, d, probability) : (false, d, probability);
    }

    /// <summary><c>_compute_prob_outside_square</c>: Pr(D ≥ h/n) for two samples of n, by a Horner-like alternating sum.</summary>
    private static double ProbOutsideSquare(long n, long h)
    {
        var p = 0.0;
        var k = (long)Math.Floor(n / (double)h);
        while (k >= 0)
        {
            var p1 = 1.0;
            for (long j = 0; j < h; j++)
            {
                p1 = (n - (k * h) - j) * p1 / (n + (k * h) + j + 1);
            }

            p = p1 * (1.0 - p);
            k--;
        }

        return 2 * p;
    }

    /// <summary>
    /// <c>_compute_outer_prob_inside_method</c>: the share of lattice paths from (0, 0) to (m, n) that leave the band
    /// |x/m − y/n| &lt; h/lcm(m, n), one column at a time over a sliding window (Viehmann's recursion for 1 − p).
    /// </summary>
    private static double OuterProbInsideMethod(long m, long n, long g, long h)
    {
        if (m < n)
        {
            (m, n) = (n, m);
        }

        var mg = m / g;
        var ng = n / g;
        var minj = 0L;
        var maxj = (long)Math.Min(Math.Ceiling(h / (double)mg), n + 1);
        var curlen = maxj - minj;
        var lenA = (int)Math.Min((2 * maxj) + 2, n + 1);
        var a = new double[lenA];
        Array.Fill(a, 1.0);
        for (var k = minj; k < Math.Min(maxj, lenA); k++)
        {
            a[k] = 0.0;
        }

        for (long i = 1; i <= m; i++)
        {
            var (lastminj, lastlen) = (minj, curlen);
            minj = Math.Max((long)Math.Floor(((ng * i) - h) / (double)mg) + 1, 0);
            minj = Math.Min(minj, n);
            maxj = (long)Math.Min(Math.Ceiling(((ng * i) + h) / (double)mg), n + 1);
            if (maxj <= minj)
            {
                return 1.0;
            }

            var value = minj == 0 ? 0.0 : 1.0;
            for (long jj = 0; jj < maxj - minj; jj++)
            {
                var j = jj + minj;
                value = ((a[jj + minj - lastminj] * i) + (value * j)) / (i + j);
                a[jj] = value;
            }

            curlen = maxj - minj;
            if (lastlen > curlen)
            {
                for (var k = maxj - minj; k < Math.Min(maxj - minj + (lastlen - curlen), lenA); k++)
                {
                    a[k] = 1;
                }
            }
        }

        return a[maxj - minj - 1];
    }

    /// <summary>
    /// <c>kstwo.sf(x, n)</c> (scipy's <c>_kolmogn</c> with <c>cdf=False</c>): Pr(Dₙ ≥ x) of the two-sided one-sample
    /// statistic, choosing the method by n and n·x² as Simard and L'Ecuyer recommend.
    /// </summary>
    internal static double KolmogorovSf(long n, double x)
    {
        if (x >= 1.0)
        {
            return 0.0;
        }

        if (x <= 0.0)
        {
            return 1.0;
        }

        var t = n * x;
        if (t <= 1.0)
        {
            // Ruben–Gambino: 1/2n <= x <= 1/n.
            if (t <= 0.5)
            {
                return 1.0;
            }

            double probability;
            if (n <= 140)
            {
                probability = 1.0;
                for (long i = 1; i <= n; i++)
                {
                    probability *= i * (1.0 / n) * ((2 * t) - 1);
                }
            }
            else
            {
                probability = Math.Exp(LogFactorialOverPower(n) + (n * Math.Log((2 * t) - 1)));
            }

            return Clip(1.0 - probability);
        }

        if (t >= n - 1)
        {
            return Clip(2 * Math.Pow(1.0 - x, n));
        }

        if (x >= 0.5)
        {
            return Clip(2 * SmirnovSf(n, x));
        }

        var nxSquared = t * x;
        if (n <= 140)
        {
            if (nxSquared <= 0.754693)
            {
                return Clip(1.0 - Clip(Durbin(n, x)));
            }

            if (nxSquared <= 4)
            {
                return Clip(1.0 - Clip(Pomeranz(n, x)));
            }

            return Clip(2 * SmirnovSf(n, x));
        }

        if (nxSquared >= 370.0)
        {
            return 0.0;
        }

        if (nxSquared >= 2.2)
        {
            return Clip(2 * SmirnovSf(n, x));
        }

        var cdf = n <= 100_000 && n * Math.Pow(x, 1.5) <= 1.4 ? Clip(Durbin(n, x)) : PelzGood(n, x);
        return Clip(1.0 - cdf);
    }

    /// <summary><c>_log_nfactorial_div_n_pow_n</c>: log(n! / nⁿ) by Stirling's series.</summary>
    private static double LogFactorialOverPower(long n)
    {
        var rn = 1.0 / n;
        var polynomial = 0.0;
        foreach (var c in _stirling)
        {
            polynomial = (polynomial * (rn / n)) + c;
        }

        return (Math.Log(n) / 2) - n + (_logTwoPi / 2) + (rn * polynomial);
    }

    /// <summary><c>_kolmogn_DMTW</c>: Pr(Dₙ ≤ d) by Durbin's matrix, as Marsaglia, Tsang and Wang evaluate it.</summary>
    private static double Durbin(long n, double d)
    {
        if (d >= 1.0)
        {
            return 1.0;
        }

        var nd = n * d;
        if (nd <= 0.5)
        {
            return 0.0;
        }

        var k = (int)Math.Ceiling(nd);
        var h = k - nd;
        var m = (2 * k) - 1;
        var matrix = new double[m, m];
        var v = new double[m];
        var w = new double[m];
        for (var j = 1; j <= m; j++)
        {
            v[j - 1] = 1.0 - Math.Pow(h, j);
        }

        var factorial = 1.0;
        for (var j = 1; j <= m; j++)
        {
            w[j - 1] = factorial;
            factorial /= j;
            v[j - 1] *= factorial;
        }

        var tt = Math.Pow(Math.Max((2 * h) - 1.0, 0), m) - (2 * Math.Pow(h, m));
        v[m - 1] = (1.0 + tt) * factorial;
        for (var i = 1; i < m; i++)
        {
            for (var r = i - 1; r < m; r++)
            {
                matrix[r, i] = w[r - (i - 1)];
            }
        }

        for (var r = 0; r < m; r++)
        {
            matrix[r, 0] = v[r];
        }

        for (var c = 0; c < m; c++)
        {
            matrix[m - 1, c] = v[m - 1 - c];
        }

        var power = new double[m, m];
        for (var i = 0; i < m; i++)
        {
            power[i, i] = 1.0;
        }

        var nn = n;
        var exponent = 0;
        var matrixExponent = 0;
        while (nn > 0)
        {
            if (nn % 2 == 1)
            {
                power = Multiply(power, matrix);
                exponent += matrixExponent;
            }

            matrix = Multiply(matrix, matrix);
            matrixExponent *= 2;
            if (Math.Abs(matrix[k - 1, k - 1]) > _scaleUp)
            {
                for (var r = 0; r < m; r++)
                {
                    for (var c = 0; c < m; c++)
                    {
                        matrix[r, c] /= _scaleUp;
                    }
                }

                matrixExponent += 128;
            }

            nn /= 2;
        }

        var p = power[k - 1, k - 1];
        for (long i = 1; i <= n; i++)
        {
            p = i * p / n;
            if (Math.Abs(p) < _scaleDown)
            {
                p *= _scaleUp;
                exponent -= 128;
            }
        }

        return exponent != 0 ? Math.ScaleB(p, exponent) : p;
    }

    private static double[,] Multiply(double[,] a, double[,] b)
    {
        var m = a.GetLength(0);
        var result = new double[m, m];
        for (var i = 0; i < m; i++)
        {
            for (var k = 0; k < m; k++)
            {
                var aik = a[i, k];
                if (aik == 0)
                {
                    continue;
                }

                for (var j = 0; j < m; j++)
                {
                    result[i, j] += aik * b[k, j];
                }
            }
        }

        return result;
    }

    /// <summary><c>_kolmogn_Pomeranz</c>: Pr(Dₙ ≤ x) by Pomeranz's recursion (two rows, Poisson-like convolutions).</summary>
    private static double Pomeranz(long n, double x)
    {
        var t = n * x;
        var ll = (long)Math.Floor(t);
        var f = t - ll;
        var g = Math.Min(f, 1.0 - f);
        var ceilf = f > 0 ? 1 : 0;
        var roundf = f > 0.5 ? 1 : 0;
        var powers = (int)(2 * (ll + 1));
        var gPower = new double[powers];
        var twoGPower = new double[powers];
        var oneMinusTwoGPower = new double[powers];
        gPower[0] = twoGPower[0] = oneMinusTwoGPower[0] = 1.0;
        var exponent = 0;
        double gOverN = g / n, twoGOverN = 2 * g / n, oneMinusTwoGOverN = (1 - (2 * g)) / n;
        for (var m = 1; m < powers; m++)
        {
            gPower[m] = gPower[m - 1] * gOverN / m;
            twoGPower[m] = twoGPower[m - 1] * twoGOverN / m;
            oneMinusTwoGPower[m] = oneMinusTwoGPower[m - 1] * oneMinusTwoGOverN / m;
        }

        var v0 = new double[powers];
        var v1 = new double[powers];
        v1[0] = 1;
        long v0s = 0, v1s = 0;
        var (j1, j2) = PomeranzBounds(0, n, ll, ceilf, roundf);
        for (long i = 1; i < (2 * n) + 2; i++)
        {
            var k1 = j1;
            (v0, v1) = (v1, v0);
            (v0s, v1s) = (v1s, v0s);
            Array.Clear(v1);
            (j1, j2) = PomeranzBounds(i, n, ll, ceilf, roundf);
            var weights = i == 1 || i == (2 * n) + 1 ? gPower : (i % 2 == 1 ? twoGPower : oneMinusTwoGPower);
            var length = j2 - k1 + 1;
            if (length > 0)
            {
                var start = k1 - v0s;
                var aLength = (int)Math.Min(length, powers - start);
                var bLength = (int)Math.Min(length, powers);
                var convStart = j1 - k1;
                var convLength = j2 - j1 + 1;
                var max = 0.0;
                for (long c = 0; c < convLength; c++)
                {
                    // Full convolution of v0[start..start+aLength) with weights[0..bLength), entry convStart + c.
                    var index = convStart + c;
                    var sum = 0.0;
                    var from = Math.Max(0, index - (bLength - 1));
                    var to = Math.Min(index, aLength - 1);
                    for (var a = from; a <= to; a++)
                    {
                        sum += v0[start + a] * weights[index - a];
                    }

                    v1[c] = sum;
                    max = Math.Max(max, sum);
                }

                if (max > 0 && max < _scaleDown)
                {
                    for (var c = 0; c < powers; c++)
                    {
                        v1[c] *= _scaleUp;
                    }

                    exponent -= 128;
                }

                v1s = v0s + j1 - k1;
            }
        }

        var answer = v1[n - v1s];
        for (long m = 1; m <= n; m++)
        {
            if (Math.Abs(answer) > _scaleUp)
            {
                answer *= _scaleDown;
                exponent += 128;
            }

            answer *= m;
        }

        return Clip(exponent != 0 ? Math.ScaleB(answer, exponent) : answer);
    }

    /// <summary><c>_pomeranz_compute_j1j2</c>: the non-zero stretch of row <paramref name="i"/>.</summary>
    private static (long J1, long J2) PomeranzBounds(long i, long n, long ll, int ceilf, int roundf)
    {
        long j1, j2;
        if (i == 0)
        {
            (j1, j2) = (-ll - ceilf - 1, ll + ceilf - 1);
        }
        else
        {
            var (half, odd) = ((i + 1) / 2, (i + 1) % 2);
            if (odd == 0)
            {
                (j1, j2) = half == n + 1
                    ? (n - ll - ceilf - 1, n + ll + ceilf - 1)
                    : (half - 1 - ll - roundf - 1, half + ll - 1 + ceilf - 1);
            }
            else
            {
                (j1, j2) = (half - 1 - ll - 1, half + ll + roundf - 1);
            }
        }

        return (Math.Max(j1 + 2, 0), Math.Min(j2, n));
    }

    /// <summary><c>_kolmogn_PelzGood</c>: the Pelz–Good approximation of Pr(Dₙ ≤ x) for large n.</summary>
    private static double PelzGood(long n, double x)
    {
        if (x <= 0.0)
        {
            return 0.0;
        }

        if (x >= 1.0)
        {
            return 1.0;
        }

        var z = Math.Sqrt(n) * x;
        double zSquared = Math.Pow(z, 2), zThree = Math.Pow(z, 3), zFour = Math.Pow(z, 4), zSix = Math.Pow(z, 6);
        var qLog = -_piSquared / 8 / zSquared;
        if (qLog < -708)
        {
            return 0.0;
        }

        var q = Math.Exp(qLog);
        var k1a = -zSquared;
        var k1b = _piSquared / 4;
        var k2a = (6 * zSix) + (2 * zFour);
        var k2b = ((2 * zFour) - (5 * zSquared)) * _piSquared / 4;
        var k2c = _piFour * (1 - (2 * zSquared)) / 16;
        var k3d = _piSix * (5 - (30 * zSquared)) / 64;
        var k3c = _piFour * ((-60 * zSquared) + (212 * zFour)) / 16;
        var k3b = _piSquared * ((135 * zFour) - (96 * zSix)) / 4;
        var k3a = (-30 * zSix) - (90 * Math.Pow(z, 8));
        var terms = new double[4];
        var maxK = (int)Math.Ceiling(16 * z / Math.PI);
        for (var k = maxK; k > 0; k--)
        {
            double m = (2 * k) - 1;
            double mSquared = m * m, mFour = mSquared * mSquared, mSix = mFour * mSquared;
            var qPower = Math.Pow(q, 8 * k);
            terms[0] = (terms[0] * qPower) + 1.0;
            terms[1] = (terms[1] * qPower) + (k1a + (k1b * mSquared));
            terms[2] = (terms[2] * qPower) + (k2a + (k2b * mSquared) + (k2c * mFour));
            terms[3] = (terms[3] * qPower) + (k3a + (k3b * mSquared) + (k3c * mFour) + (k3d * mSix));
        }

        double[] divisors = [z, 6 * zFour, 72 * Math.Pow(z, 7), 6480 * Math.Pow(z, 10)];
        for (var i = 0; i < 4; i++)
        {
            terms[i] = terms[i] * q * _sqrtTwoPi / divisors[i];
        }

        q = Math.Exp(-_piSquared / 2 / zSquared);
        var sqrt3z = _sqrt3 * z;
        double k2Extra = 0, k3Extra = 0;
        for (var k = maxK; k > 0; k--)
        {
            double kSquared = (double)k * k;
            var kPi = Math.PI * k;
            var qPower = Math.Pow(q, kSquared);
            k2Extra += kSquared * qPower;
            k3Extra += (sqrt3z + kPi) * (sqrt3z - kPi) * kSquared * qPower;
        }

        terms[2] += k2Extra * _piSquared * _sqrtTwoPi / (-36 * zThree);
        terms[3] += k3Extra * _piSquared * _sqrtTwoPi / (216 * zSix);
        var sum = 0.0;
        for (var i = 0; i < 4; i++)
        {
            sum += terms[i] / Math.Pow(n * 1.0, i / 2.0);
        }

        return sum;
    }

    /// <summary>
    /// <c>scipy.special.smirnov(n, x)</c>: Pr(Dₙ⁺ ≥ x) of the one-sided statistic, by the Birnbaum–Tingey sum
    /// x·Σ C(n,v)(x + v/n)^(v−1)(1 − x − v/n)^(n−v) over v ≤ n(1 − x). cephes adds in double-double; every term here
    /// is positive and added in log space with n·x split exactly into its whole and fractional parts, which keeps
    /// the relative error near 1e-12 for the p-values a drift test meets.
    /// </summary>
    internal static double SmirnovSf(long n, double x)
    {
        if (!(n > 0 && x >= 0.0 && x <= 1.0))
        {
            return double.NaN;
        }

        if (n == 1)
        {
            return 1 - x;
        }

        if (x == 0.0)
        {
            return 1.0;
        }

        if (x == 1.0)
        {
            return 0.0;
        }

        // n·x = whole + fraction, exactly (the product's rounding error comes from a fused multiply-add).
        var high = n * x;
        var low = Math.FusedMultiplyAdd(n, x, -high);
        var whole = Math.Floor(high);
        var fraction = (high - whole) + low;
        if (fraction < 0)
        {
            whole -= 1;
            fraction += 1;
        }

        if (fraction >= 1)
        {
            whole += 1;
            fraction -= 1;
        }

        var nxFloor = (long)whole;
        if (nxFloor == 0 || (nxFloor == 1 && fraction == 0))
        {
            return Clip(1 - (x * Math.Pow(1 + x, n - 1)));
        }

        if (-2 * n * x * x < MinLog)
        {
            return 0.0;
        }

        if (nxFloor >= n - 1)
        {
            return Clip(Math.Pow(1 - x, n));
        }

        if (n > 1_000_000)
        {
            var logp = -Math.Pow((6.0 * n * x) + 1, 2) / 18.0 / n;
            return logp < -Math.Log(2) ? Math.Exp(logp) : 1 - (-SpecialFunctions.Expm1(logp));
        }

        var terms = n - nxFloor;
        var logBinomial = 0.0;
        var maxLog = double.NegativeInfinity;
        var sum = 0.0;
        var middle = n / 2;
        for (long v = 0; v < terms; v++)
        {
            var up = (nxFloor + v + fraction) / n;
            var down = (n - v - nxFloor - fraction) / n;
            var logTerm = logBinomial + ((v - 1) * Math.Log(up)) + ((n - v) * Math.Log(down));
            double term;
            if (logTerm > maxLog)
            {
                sum = (sum * Math.Exp(maxLog - logTerm)) + 1.0;
                maxLog = logTerm;
                term = 1.0;
            }
            else
            {
                term = Math.Exp(logTerm - maxLog);
                sum += term;
            }

            // cephes' early stop: the terms left cannot move the sum, or they have all underflowed past the middle.
            if (term != 0 ? 4.0 * (terms - v) * term < MachineEpsilon * sum && v != terms - 1 : v > middle)
            {
                break;
            }

            logBinomial += Math.Log(n - v) - Math.Log(v + 1);
        }

        return Clip(Math.Exp(Math.Log(x) + maxLog + Math.Log(sum)));
    }

    private static double Clip(double p) => Math.Clamp(p, 0.0, 1.0);

    private static int Gcd(int a, int b)
    {
        while (b != 0)
        {
            (a, b) = (b, a % b);
        }

        return a;
    }
}
