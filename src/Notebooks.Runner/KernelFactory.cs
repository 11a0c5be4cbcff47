using Microsoft.DotNet.Interactive;
using Microsoft.DotNet.Interactive.CSharp;
using Microsoft.DotNet.Interactive.PackageManagement;
using Notebooks.ML.Interactive;

namespace Notebooks.Runner;

/// <summary>A fresh in-process kernel as a notebook sees it: C# with NuGet support and the Notebooks.ML magics.</summary>
internal static class KernelFactory
{
    public static CompositeKernel Create()
    {
        var csharp = new CSharpKernel()
            .UseKernelHelpers()
            .UseValueSharing()
            .UseNugetDirective((kernel, references) =>
            {
                kernel.AddAssemblyReferences(references.SelectMany(r => r.AssemblyPaths));
                return Task.CompletedTask;
            });
        var kernel = new CompositeKernel { csharp };
        kernel.DefaultKernelName = csharp.Name;
        NotebooksMLExtension.Load(kernel);
        return kernel;
    }
}
