using System.Runtime.InteropServices;

namespace Notebooks.ML.Training;

/// <summary>
/// LightGBM's threads are OpenMP threads, which by default spin at every barrier waiting for each other. On a machine
/// that is busy with other work, a descheduled thread leaves the others spinning: bench/TrainBenchmark measured two
/// threads 4–5× slower than one at a load average of 20 on 2 cores, and 1.4× faster with <c>OMP_WAIT_POLICY=PASSIVE</c>
/// (threads sleep instead of spinning). So the engine asks for passive waiting before LightGBM's native library loads,
/// unless the user set <c>OMP_WAIT_POLICY</c> themselves.
/// </summary>
internal static partial class NativeThreads
{
    private static int _done;

    public static void PreferPassiveWaiting()
    {
        if (OperatingSystem.IsWindows() || Interlocked.Exchange(ref _done, 1) == 1)
        {
            return;
        }

        try
        {
            // The C library's environment, which OpenMP reads when it starts (.NET's own copy is not enough); 0: keep a value the user set.
            _ = SetEnvironment("OMP_WAIT_POLICY", "PASSIVE", 0);
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException)
        {
            // No C library to ask: OpenMP keeps its default.
        }
    }

    [LibraryImport("libc", EntryPoint = "setenv", StringMarshalling = StringMarshalling.Utf8)]
    private static partial int SetEnvironment(string name, string value, int overwrite);
}
