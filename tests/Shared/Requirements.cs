namespace Notebooks.Tests;

/// <summary>
/// What a test needs from the machine. Under CI (CI=true) a missing tool fails the test and says what to install;
/// on a developer machine the test is skipped, saying why.
/// </summary>
internal static class Requirements
{
    public static bool InCI => string.Equals(Environment.GetEnvironmentVariable("CI"), "true", StringComparison.OrdinalIgnoreCase);

    /// <summary>Fails (CI) or skips (elsewhere) unless <paramref name="available"/>.</summary>
    public static void Require(bool available, string what, string install)
    {
        if (available)
        {
            return;
        }

        var message = $"{what} is not available here: {install}";
        if (InCI)
        {
            Assert.Fail(message);
        }

        Skip.If(true, message + " (skipped outside CI; CI=true makes this a failure)");
    }
}
