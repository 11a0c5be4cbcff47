namespace Notebooks.ML.Training;

/// <summary>Something that happened to a trial while a batch ran: it started on a worker, finished, or went back to the queue.</summary>
internal sealed record TrialEvent(TrialSpec Trial, string Worker, TrialOutcome? Outcome, string? Requeued = null);

/// <summary>
/// Runs a batch of trials on a <see cref="TrialScheduler"/>'s workers and returns their outcomes in trial order,
/// whatever order they finished in. Each free slot takes the lowest-numbered waiting trial (or the longest expected); a trial whose worker was
/// lost goes back to the front of the queue; the first outcome of a trial is the one that counts. A worker that lost a
/// trial gets none for <see cref="TrialScheduler.LostWorkerPause"/>.
/// </summary>
internal static class TrialDispatcher
{
    private static readonly TimeSpan _poll = TimeSpan.FromMilliseconds(500);

    /// <summary>How many times one trial may be lost before the batch gives up on it.</summary>
    internal const int MaxLosses = 10;

    /// <summary>
    /// Runs <paramref name="trials"/>. <paramref name="starting"/> is asked as each trial is about to start: it returns
    /// the trial to run (for instance with what is left of the time budget), or null to skip it (its outcome is null).
    /// With <paramref name="cost"/>, a free slot takes the waiting trial expected to take longest (ties: the lowest
    /// number), so that a batch does not end with one long trial running alone while the other slots wait; the
    /// outcomes are the same whatever the order.
    /// </summary>
    public static async Task<IReadOnlyList<TrialOutcome?>> RunAsync(
        TrialScheduler scheduler,
        TrialJob job,
        IReadOnlyList<TrialSpec> trials,
        Func<TrialSpec, TrialSpec?> starting,
        Action<TrialEvent> onEvent,
        CancellationToken cancellationToken,
        Func<TrialSpec, double>? cost = null)
    {
        var outcomes = new TrialOutcome?[trials.Count];
        var pending = new SortedSet<int>(Enumerable.Range(0, trials.Count));
        var running = new Dictionary<Task<TrialOutcome>, (int Index, ITrialWorker Worker, TrialSpec Trial)>();
        var busy = new Dictionary<string, int>(StringComparer.Ordinal);
        var lostAt = new Dictionary<string, System.Diagnostics.Stopwatch>(StringComparer.Ordinal);
        var losses = new int[trials.Count];
        var withoutWorkers = System.Diagnostics.Stopwatch.StartNew();
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        try
        {
            while (pending.Count > 0 || running.Count > 0)
            {
                cancellationToken.ThrowIfCancellationRequested();
                var workers = (await scheduler.WorkersAsync(cancellationToken).ConfigureAwait(false)).Where(w => !lostAt.TryGetValue(w.Name, out var since) || since.Elapsed >= scheduler.LostWorkerPause).ToArray();
                if (workers.Length > 0 || running.Count > 0)
                {
                    withoutWorkers.Restart();
                }
                else if (withoutWorkers.Elapsed >= scheduler.NoWorkersTimeout)
                {
                    throw Errors.Fail($"{scheduler.NoWorkersMessage} ({pending.Count} trial{(pending.Count == 1 ? "" : "s")} waited {withoutWorkers.Elapsed.TotalSeconds:0} s for one.)");
                }

                foreach (var worker in workers)
                {
                    while (pending.Count > 0 && busy.GetValueOrDefault(worker.Name) < worker.Slots)
                    {
                        var index = cost is null ? pending.Min : pending.MaxBy(i => (cost(trials[i]), -i));
                        pending.Remove(index);
                        if (starting(trials[index]) is not { } trial)
                        {
                            continue;
                        }

                        // Fewer trials than slots: each may use more of the worker (a lone last rung, every core).
                        trial = trial with { Share = Math.Max(1, worker.Slots / Math.Max(1, Math.Min(worker.Slots, trials.Count))) };

                        busy[worker.Name] = busy.GetValueOrDefault(worker.Name) + 1;
                        running[Start(worker, job, trial, stop.Token)] = (index, worker, trial);
                        onEvent(new TrialEvent(trial, worker.Name, null));
                    }
                }

                if (running.Count == 0)
                {
                    if (pending.Count > 0)
                    {
                        await Task.Delay(_poll / 2, cancellationToken).ConfigureAwait(false);
                    }

                    continue;
                }

                await Task.WhenAny(running.Keys.Append(Task.Delay(_poll, cancellationToken))).ConfigureAwait(false);
                foreach (var (task, (index, worker, trial)) in running.Where(r => r.Key.IsCompleted).ToArray())
                {
                    running.Remove(task);
                    busy[worker.Name]--;
                    if (task.IsCompletedSuccessfully)
                    {
                        if (outcomes[index] is null)
                        {
                            outcomes[index] = task.Result;
                            onEvent(new TrialEvent(trial, worker.Name, task.Result));
                        }

                        continue;
                    }

                    cancellationToken.ThrowIfCancellationRequested();
                    var error = task.Exception?.GetBaseException();
                    if (error is TrialWorkerLostException or OperationCanceledException || task.IsCanceled)
                    {
                        // The worker went away (or dropped the trial): the trial runs again, on another one if there is one.
                        lostAt[worker.Name] = System.Diagnostics.Stopwatch.StartNew();
                        if (++losses[index] >= MaxLosses)
                        {
                            throw Errors.Fail($"Trial #{trial.Number} was lost {MaxLosses} times, last on {worker.Name}: {error?.Message ?? "cancelled by the worker"}. Check the workers' logs, or go back to this machine with #!cluster off.");
                        }

                        pending.Add(index);
                        onEvent(new TrialEvent(trial, worker.Name, null, error?.Message ?? "cancelled by the worker"));
                        continue;
                    }

                    await task.ConfigureAwait(false);
                }
            }
        }
        finally
        {
            await stop.CancelAsync().ConfigureAwait(false);
            foreach (var task in running.Keys)
            {
                // Cancelled trials end with OperationCanceledException; nobody waits for them.
                _ = task.ContinueWith(t => t.Exception, CancellationToken.None, TaskContinuationOptions.OnlyOnFaulted, TaskScheduler.Default);
            }
        }

        return outcomes;
    }

    private static Task<TrialOutcome> Start(ITrialWorker worker, TrialJob job, TrialSpec trial, CancellationToken cancellationToken)
    {
        try
        {
            return worker.RunAsync(job, trial, cancellationToken);
        }
#pragma warning disable CA1031 // A worker that throws while starting a trial is treated like one that failed it.
        catch (Exception e)
#pragma warning restore CA1031
        {
            return Task.FromException<TrialOutcome>(e);
        }
    }
}
