namespace Notebooks.ML.Cluster;

/// <summary>
/// The trial runner of one worker silo, keyed by that silo's address (and placed on it): it keeps the data it was
/// sent by fingerprint and runs trials on it, as many at once as the worker has slots.
/// </summary>
public interface IWorkerGrain : IGrainWithStringKey
{
    /// <summary>The worker's name, slots and silo.</summary>
    Task<WorkerInfo> GetInfo();

    /// <summary>Deactivates this activation, so that the next call places it again (on its own silo, once the silo is known everywhere).</summary>
    Task Deactivate();

    /// <summary>Whether the worker holds the data with this fingerprint.</summary>
    Task<bool> HasData(string fingerprint);

    /// <summary>One chunk of a frame as compressed Arrow IPC; the last one makes the frame available.</summary>
    Task PutData(string fingerprint, int chunk, int chunks, byte[] bytes);

    /// <summary>Runs a trial (JSON, <see cref="Training.TrialCodec"/>) on the data with this fingerprint and returns its outcome as JSON.</summary>
    /// <exception cref="KeyNotFoundException">The worker does not hold the data (it was evicted): send it again.</exception>
    Task<string> Run(string fingerprint, string options, string trial, CancellationToken cancellationToken);
}

/// <summary>A worker as the notebook sees it.</summary>
/// <param name="Name">Host and silo port, as the leaderboard shows it.</param>
/// <param name="Slots">Trials it runs at once.</param>
/// <param name="Silo">The silo it runs in.</param>
/// <param name="Cores">The cores of its machine.</param>
[GenerateSerializer]
[Immutable]
public sealed record WorkerInfo([property: Id(0)] string Name, [property: Id(1)] int Slots, [property: Id(2)] string Silo, [property: Id(3)] int Cores);
