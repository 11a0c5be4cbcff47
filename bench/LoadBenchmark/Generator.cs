using System.Globalization;
using System.Text;

namespace Notebooks.ML.Bench;

/// <summary>
/// Writes the benchmark file deterministically (SplitMix64, no System.Random, so every machine and .NET version
/// writes the same bytes): 7 normal floats, a 10-level and a 1000-level string column and a 0/1 label.
/// </summary>
internal static class Generator
{
    public static string Header => "x1,x2,x3,x4,x5,x6,x7,color,item,label";

    public static void Write(string path, int rows, ulong seed = 42)
    {
        var state = seed;
        var buffer = new StringBuilder(128);
        using var writer = new StreamWriter(path, append: false, new UTF8Encoding(false), 1 << 20);
        writer.Write(Header);
        writer.Write('\n');
        for (var r = 0; r < rows; r++)
        {
            buffer.Clear();
            var score = 0.0;
            for (var c = 0; c < 7; c++)
            {
                var value = Normal(ref state) * (c + 1);
                score += value / (c + 1);
                buffer.Append(value.ToString("F6", CultureInfo.InvariantCulture)).Append(',');
            }

            var color = (int)(Next(ref state) % 10);
            var item = (int)(Next(ref state) % 1000);
            buffer.Append("color_").Append(color).Append(',');
            buffer.Append("item_").Append(item).Append(',');
            buffer.Append(score + (color * 0.1) > 0.5 ? '1' : '0');
            buffer.Append('\n');
            writer.Write(buffer);
        }
    }

    internal static ulong Next(ref ulong state)
    {
        var z = state += 0x9E3779B97F4A7C15UL;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }

    private static double Uniform(ref ulong state) => ((Next(ref state) >> 11) + 0.5) / (1UL << 53);

    private static double Normal(ref ulong state)
    {
        var u1 = Uniform(ref state);
        var u2 = Uniform(ref state);
        return Math.Sqrt(-2 * Math.Log(u1)) * Math.Cos(2 * Math.PI * u2);
    }
}
