using System.Globalization;
using System.Reflection;
using System.Text.RegularExpressions;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Notebooks.Tests;

namespace Notebooks.ML.Tests;

/// <summary>
/// The README's plain-C# example compiles as a program with top-level statements (as a file-based app or a console
/// project has it) against the library as it is, runs, and prints what the README says.
/// </summary>
public sealed partial class ReadmeExampleTests
{
    [Fact]
    public void The_readme_example_compiles_and_runs()
    {
        var readme = File.ReadAllText(Repo.Path_("README.md"));
        var match = Example().Match(readme);
        Assert.True(match.Success, "README.md has no ```csharp block after <!-- readme-example -->");

        // The README runs from the repository's root; the test runs elsewhere, so its one relative path is made absolute.
        var code = match.Groups[1].Value.Replace("\"notebooks/", $"\"{Repo.Root}/notebooks/", StringComparison.Ordinal);
        // A console project's implicit usings.
        const string implicitUsings = "global using System; global using System.IO; global using System.Linq; global using System.Collections.Generic; global using System.Threading.Tasks;";
        var references = ((string)AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES")!).Split(Path.PathSeparator).Select(p => MetadataReference.CreateFromFile(p));
        var compilation = CSharpCompilation.Create(
            "ReadmeExample",
            [CSharpSyntaxTree.ParseText(implicitUsings), CSharpSyntaxTree.ParseText(code, path: "README.md")],
            references,
            new CSharpCompilationOptions(OutputKind.ConsoleApplication, nullableContextOptions: NullableContextOptions.Enable));
        using var image = new MemoryStream();
        var emitted = compilation.Emit(image);
        Assert.True(emitted.Success, string.Join("\n", emitted.Diagnostics.Where(d => d.Severity == DiagnosticSeverity.Error)));

        var entry = Assembly.Load(image.ToArray()).EntryPoint!;
        var output = new StringWriter();
        var console = Console.Out;
        try
        {
            Console.SetOut(output);
            entry.Invoke(null, entry.GetParameters().Length == 0 ? null : [Array.Empty<string>()]);
        }
        finally
        {
            Console.SetOut(console);
        }

        var printed = output.ToString();
        var accuracy = Regex.Match(printed, @"accuracy (\d\.\d{3})");
        Assert.True(accuracy.Success, printed);
        Assert.InRange(double.Parse(accuracy.Groups[1].Value, CultureInfo.InvariantCulture), 0.9, 1.0);
        Assert.Matches(@"recorded #\d+", printed);
    }

    [GeneratedRegex(@"<!-- readme-example -->\s*```csharp\n(.*?)```", RegexOptions.Singleline)]
    private static partial Regex Example();
}
