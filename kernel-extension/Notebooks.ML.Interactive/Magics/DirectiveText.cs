using System.Reflection;
using System.Text;
using System.Text.Json;
using Microsoft.DotNet.Interactive.Commands;

namespace Notebooks.ML.Interactive.Magics;

/// <summary>
/// Reads options that may be given more than once (<c>--set a=1 --set b=2</c>). The kernel's directive binder keeps
/// only single values, so these are read from the directive's own text, which the kernel keeps on the command.
/// </summary>
internal static class DirectiveText
{
    private static readonly PropertyInfo? _directiveNode =
        typeof(KernelDirectiveCommand).GetProperty("DirectiveNode", BindingFlags.Instance | BindingFlags.NonPublic | BindingFlags.Public);

    /// <summary>The magic's text as the user typed it, e.g. <c>#!train --data df --label y --set A=1</c>.</summary>
    public static string? Of(KernelDirectiveCommand command)
    {
        var node = _directiveNode?.GetValue(command);
        return node?.GetType().GetProperty("Text", BindingFlags.Instance | BindingFlags.Public | BindingFlags.NonPublic)?.GetValue(node) as string;
    }

    /// <summary>Every value given for <paramref name="option"/>, in order.</summary>
    public static IReadOnlyList<string> Values(KernelDirectiveCommand command, string option, string? bound)
    {
        var text = Of(command);
        if (text is null)
        {
            return bound is null ? [] : [bound];
        }

        var tokens = Tokenize(text);
        var values = new List<string>();
        for (var i = 0; i < tokens.Count - 1; i++)
        {
            if (tokens[i] == option)
            {
                values.Add(tokens[i + 1]);
            }
        }

        return values;
    }

    /// <summary>
    /// A <c>// comment</c> at the end of a magic line (outside quotes, <c>//</c> then a space), or <see langword="null"/>.
    /// The kernel has no comments in magic lines: it reads the words as more arguments, so a magic says so instead of
    /// misreading them. A path such as <c>//mnt/data.csv</c> is not a comment.
    /// </summary>
    public static string? TrailingComment(string text)
    {
        var quoted = false;
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (quoted && c == '\\')
            {
                i++;
            }
            else if (c == '"')
            {
                quoted = !quoted;
            }
            else if (!quoted && c == '/' && i + 1 < text.Length && text[i + 1] == '/' && (i == 0 || char.IsWhiteSpace(text[i - 1]))
                     && (i + 2 == text.Length || char.IsWhiteSpace(text[i + 2])))
            {
                return text[i..].TrimEnd();
            }
        }

        return null;
    }

    /// <summary>Splits on whitespace; a double-quoted token is read as a JSON string, as the kernel reads it.</summary>
    internal static List<string> Tokenize(string text)
    {
        var tokens = new List<string>();
        var i = 0;
        while (i < text.Length)
        {
            if (char.IsWhiteSpace(text[i]))
            {
                i++;
                continue;
            }

            if (text[i] == '"')
            {
                var start = i++;
                while (i < text.Length && text[i] != '"')
                {
                    i += text[i] == '\\' ? 2 : 1;
                }

                var quoted = text[start..Math.Min(text.Length, i + 1)];
                i++;
                try
                {
                    tokens.Add(JsonSerializer.Deserialize<string>(quoted) ?? "");
                }
                catch (JsonException)
                {
                    tokens.Add(quoted.Trim('"'));
                }

                continue;
            }

            var token = new StringBuilder();
            while (i < text.Length && !char.IsWhiteSpace(text[i]))
            {
                token.Append(text[i++]);
            }

            tokens.Add(token.ToString());
        }

        return tokens;
    }
}
