using System.Reflection;
using System.Runtime.Loader;

namespace Notebooks.ML.Interactive;

/// <summary>
/// The dotnet-interactive kernel has FSharp.Core 10.0.0.0 loaded; Plotly.NET 6 asks for 10.1.0.0, and the first
/// chart would fail with <c>FileNotFoundException: FSharp.Core, Version=10.1.0.0</c>. Handing back the FSharp.Core
/// that is already loaded works (Plotly.NET uses nothing newer). Installed before any Plotly type is touched.
/// </summary>
internal static class FSharpCoreRedirect
{
    private static int _installed;

    public static void Install()
    {
        if (Interlocked.Exchange(ref _installed, 1) == 1)
        {
            return;
        }

        AssemblyLoadContext.Default.Resolving += Resolve;
    }

    private static Assembly? Resolve(AssemblyLoadContext context, AssemblyName name)
    {
        if (name.Name != "FSharp.Core")
        {
            return null;
        }

        return AppDomain.CurrentDomain.GetAssemblies()
            .Where(a => a.GetName().Name == "FSharp.Core")
            .OrderByDescending(a => a.GetName().Version)
            .FirstOrDefault();
    }
}
