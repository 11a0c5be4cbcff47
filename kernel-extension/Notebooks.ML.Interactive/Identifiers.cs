using System.Text;
using Microsoft.CodeAnalysis.CSharp;

namespace Notebooks.ML.Interactive;

/// <summary>Turns file stems like <c>breast-cancer 2024</c> into C# variable names like <c>breast_cancer_2024</c>.</summary>
internal static class Identifiers
{
    public static string From(string text)
    {
        var name = new StringBuilder();
        foreach (var c in text)
        {
            name.Append(char.IsLetterOrDigit(c) || c == '_' ? c : '_');
        }

        var result = name.ToString().Trim('_');
        while (result.Contains("__", StringComparison.Ordinal))
        {
            result = result.Replace("__", "_", StringComparison.Ordinal);
        }

        if (result.Length == 0)
        {
            return "data";
        }

        if (char.IsDigit(result[0]))
        {
            result = "_" + result;
        }

        return SyntaxFacts.GetKeywordKind(result) != SyntaxKind.None ? result + "_data" : result;
    }
}
