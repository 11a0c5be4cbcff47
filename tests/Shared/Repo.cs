namespace Notebooks.Tests;

/// <summary>Paths inside the repository, found from the test assembly's location.</summary>
internal static class Repo
{
    public static string Root { get; } = FindRoot();

    public static string Data(string file) => Path.Combine(Root, "notebooks", "data", file);

    public static string Path_(params string[] parts) => Path.Combine([Root, .. parts]);

    private static string FindRoot()
    {
        var directory = new DirectoryInfo(AppContext.BaseDirectory);
        while (directory is not null && !File.Exists(Path.Combine(directory.FullName, "Notebooks.sln")))
        {
            directory = directory.Parent;
        }

        return directory?.FullName ?? throw new InvalidOperationException("Could not find Notebooks.sln above " + AppContext.BaseDirectory);
    }
}
