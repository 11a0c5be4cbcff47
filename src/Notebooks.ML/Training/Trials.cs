using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.Data.Analysis;

namespace Notebooks.ML.Training;

/// <summary>What a trial is for: a search candidate scored on validation rows, or one fold of a cross-validation.</summary>
public enum TrialKind
{
    /// <summary>A <c>--trainer auto</c> candidate, fitted on a rung's share of the search rows and scored on its validation rows.</summary>
    Search,

    /// <summary>Fold <see cref="TrialRows.Fold"/> of <see cref="TrialRows.Folds"/>: fitted on the other folds, scored on it.</summary>
    Fold,
}

/// <summary>
/// Which rows a trial fits and scores on, as a seeded rule over the data's labelled rows rather than a list of
/// indices: every worker derives the same rows from the same data, options and rule.
/// </summary>
/// <param name="Kind">A search candidate or a fold.</param>
/// <param name="Rung">Search: the successive-halving rung, 0 (a ninth of the rows), 1 (a third) or 2 (all).</param>
/// <param name="Fold">Cross-validation: the fold scored on, from 0.</param>
/// <param name="Folds">Cross-validation: the number of folds.</param>
public sealed record TrialRows(TrialKind Kind, int Rung = 2, int Fold = 0, int Folds = 0);

/// <summary>One trial: a trainer with hyperparameters, fitted and scored on the rows its rule names. All a worker is sent besides the data's fingerprint.</summary>
/// <param name="Number">The trial's number, from 1; results are ordered and ties broken by it.</param>
/// <param name="Trainer">The trainer.</param>
/// <param name="Hyperparameters">The hyperparameters (empty: the trainer's defaults).</param>
/// <param name="Rows">The rows, as a rule.</param>
/// <param name="Seed">The seed of the trainer.</param>
public sealed record TrialSpec(int Number, string Trainer, IReadOnlyDictionary<string, string> Hyperparameters, TrialRows Rows, int Seed)
{
    /// <summary>The time the trial may take (what is left of <c>--time</c>), or null.</summary>
    public TimeSpan? TimeLimit { get; init; }

    /// <summary>
    /// How many of its worker's slots the trial may use: 1, or more when a batch has fewer trials than the worker
    /// has slots (a lone final-rung trial then trains on every core). It never changes a result: trainers whose
    /// model depends on the thread count keep theirs.
    /// </summary>
    public int Share { get; init; } = 1;

    /// <summary>A short description for progress and logs: <c>#7 lightgbm NumberOfLeaves=15 (rung 1)</c>.</summary>
    public string Describe() =>
        $"#{Number} {Trainer}" + (Hyperparameters.Count == 0 ? " (defaults)" : " " + string.Join(", ", Hyperparameters.Select(h => $"{h.Key}={h.Value}")))
        + (Rows.Kind == TrialKind.Fold ? $", fold {Rows.Fold + 1} of {Rows.Folds}" : $", rung {Rows.Rung}");
}

/// <summary>What a trial gave back.</summary>
/// <param name="Number">The trial's number.</param>
/// <param name="Metric">The task's primary metric on the trial's evaluation rows (NaN when it did not finish).</param>
/// <param name="Status"><c>finished</c>, <c>stopped at the time budget</c> or <c>failed: reason</c>.</param>
/// <param name="Duration">Wall time of the fit and scoring.</param>
/// <param name="Worker">The worker that ran it.</param>
public sealed record TrialOutcome(int Number, double Metric, string Status, TimeSpan Duration, string Worker)
{
    /// <summary>Rows the trial fitted on.</summary>
    public int Rows { get; init; }

    /// <summary>Folds: every metric on the fold's rows (as ML.NET names them); empty for search trials.</summary>
    public IReadOnlyDictionary<string, double> Metrics { get; init; } = new Dictionary<string, double>();

    /// <summary>Folds: the out-of-fold predictions, for the charts.</summary>
    [JsonInclude]
    internal Scored? Scored { get; init; }

    /// <summary>In-process only: the fitted pipeline (the first fold's explains a cross-validated model).</summary>
    [JsonIgnore]
    internal Fitted? Fitted { get; init; }
}

/// <summary>The data and options that a batch of trials shares. Workers receive the data once and keep it by <see cref="DataFingerprint"/>.</summary>
public sealed class TrialJob
{
    internal TrialJob(DataFrame frame, TrainOptions options, Func<string> fingerprint, TrainingRun? run = null)
    {
        Frame = frame;
        Options = options;
        _fingerprint = new Lazy<string>(fingerprint);
        Run = run;
    }

    private readonly Lazy<string> _fingerprint;

    /// <summary>The data.</summary>
    public DataFrame Frame { get; }

    /// <summary>The options of the <c>#!train</c> that started the trials (label, task, features, split, seed …).</summary>
    public TrainOptions Options { get; }

    /// <summary>The data's fingerprint (<see cref="Data.Fingerprint.Of(DataFrame)"/>, or its file's), the key workers keep it by.</summary>
    public string DataFingerprint => _fingerprint.Value;

    /// <summary>The prepared run, when the trials run in this process.</summary>
    internal TrainingRun? Run { get; }
}

/// <summary>A place that runs trials: this process's cores, or one <c>notebooks worker</c> of a cluster.</summary>
public interface ITrialWorker
{
    /// <summary>The worker's name, as the leaderboard shows it (host and port for a cluster worker).</summary>
    string Name { get; }

    /// <summary>How many trials the worker runs at once.</summary>
    int Slots { get; }

    /// <summary>Runs one trial. Throws <see cref="TrialWorkerLostException"/> when the worker went away, so that the trial runs elsewhere.</summary>
    Task<TrialOutcome> RunAsync(TrialJob job, TrialSpec trial, CancellationToken cancellationToken);
}

/// <summary>
/// Where the trials of searches and cross-validations run. The scheduler hands each free slot of each worker the
/// next trial in number order, waits for a whole successive-halving rung (or every fold), and re-runs a lost
/// worker's trials elsewhere; each trial's result counts once, so where and in what order trials ran does not change
/// the result. <see cref="LocalTrials"/> runs them on this machine's cores; the cluster (Notebooks.ML.Cluster)
/// on <c>notebooks worker</c>s.
/// </summary>
public abstract class TrialScheduler
{
    /// <summary>The workers available now; asked again while trials run, so that joining workers get work and lost ones none.</summary>
    public abstract ValueTask<IReadOnlyList<ITrialWorker>> WorkersAsync(CancellationToken cancellationToken);

    /// <summary>What the scheduler is, for progress and cards: <c>this machine, 2 slots</c>, <c>cluster of 3 workers</c>.</summary>
    public abstract string Describe();

    /// <summary>How long a batch may go without any worker before it fails with a message (rather than waiting for ever).</summary>
    public virtual TimeSpan NoWorkersTimeout => TimeSpan.FromSeconds(10);

    /// <summary>
    /// How long a worker that lost a trial gets no other: long enough for a dead one to leave <see cref="WorkersAsync"/>'s
    /// list, short enough that a live one (whose call failed because another worker, its gateway, died) is soon back.
    /// </summary>
    public virtual TimeSpan LostWorkerPause => TimeSpan.FromSeconds(3);

    /// <summary>What to tell the user when there is no worker: what to start.</summary>
    public virtual string NoWorkersMessage => "There is no worker to run the trials on.";

    /// <summary>
    /// Runs <paramref name="trials"/> on <paramref name="frame"/> as a <c>#!train</c> with <paramref name="options"/>
    /// would (searches and cross-validations do this rung by rung), and returns their outcomes in trial order.
    /// </summary>
    /// <exception cref="NotebookException">No worker came within <see cref="NoWorkersTimeout"/>.</exception>
    public async Task<IReadOnlyList<TrialOutcome>> RunAsync(DataFrame frame, TrainOptions options, IReadOnlyList<TrialSpec> trials, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(frame);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(trials);
        var job = new TrialJob(frame, options, () => Data.Fingerprint.Of(frame));
        var outcomes = await TrialDispatcher.RunAsync(this, job, trials, t => t, _ => { }, cancellationToken).ConfigureAwait(false);
        return outcomes.Select(o => o!).ToArray();
    }
}

/// <summary>The worker a trial was running on went away (its process died, its machine left the cluster): the trial runs again elsewhere.</summary>
public sealed class TrialWorkerLostException : Exception
{
    /// <summary>Creates the exception.</summary>
    public TrialWorkerLostException()
    {
    }

    /// <summary>Creates the exception with a message.</summary>
    public TrialWorkerLostException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a message and its cause.</summary>
    public TrialWorkerLostException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}

/// <summary>
/// Trials on this machine: <see cref="Slots"/> at once, each on one thread (a trainer whose model depends on the
/// thread count gets the count it would get alone), each slot a lane of its own (<see cref="TrialLanes"/>: ML.NET runs
/// one LightGBM training at a time per copy of its LightGBM wrapper). With one slot, each trial uses every core
/// instead: the serial path.
/// </summary>
public sealed class LocalTrials : TrialScheduler, ITrialWorker
{
    /// <summary>Trials on every core of this machine: the default of searches and cross-validations.</summary>
    public static LocalTrials EveryCore { get; } = new(Environment.ProcessorCount);

    /// <summary>One trial at a time, each with every core it may use (how searches ran before the scheduler).</summary>
    public static LocalTrials Serial { get; } = new(1);

    /// <summary>Creates a local scheduler that runs <paramref name="slots"/> trials at once.</summary>
    public LocalTrials(int slots)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(slots, 1);
        Slots = slots;
        _workers = [this];
        Lanes = new TrialLanes(slots);
    }

    private readonly IReadOnlyList<ITrialWorker> _workers;

    /// <summary>The slots' lanes: which are busy, and where each runs its trials.</summary>
    internal TrialLanes Lanes { get; }

    /// <inheritdoc/>
    public string Name => "this machine";

    /// <inheritdoc/>
    public int Slots { get; }

    /// <inheritdoc/>
    public override ValueTask<IReadOnlyList<ITrialWorker>> WorkersAsync(CancellationToken cancellationToken) => ValueTask.FromResult(_workers);

    /// <inheritdoc/>
    public override string Describe() => Slots == 1 ? "this machine, one trial at a time" : $"this machine, {Slots} trials at a time";

    /// <inheritdoc/>
    public Task<TrialOutcome> RunAsync(TrialJob job, TrialSpec trial, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(job);
        ArgumentNullException.ThrowIfNull(trial);
        var run = job.Run ?? TrialRunner.Prepared(job.Frame, job.Options);
        var cores = TrialRunner.Cores(trial, Slots);
        // The first fold's model explains a cross-validated one: it is fitted in the home lane, where it is kept.
        var keep = trial.Rows is { Kind: TrialKind.Fold, Fold: 0 } && job.Options.Explain;
        return Task.Factory.StartNew(
            () => RunInLane(run, trial, cores, Name, keep, cancellationToken),
            cancellationToken, TaskCreationOptions.LongRunning, TaskScheduler.Default);
    }

    /// <summary>
    /// Runs one trial on <paramref name="frame"/> in a free lane of this machine, waiting for one: what each slot of a
    /// <c>notebooks worker</c> does, so that its slots do not take turns on ML.NET's LightGBM lock either.
    /// </summary>
    /// <exception cref="OperationCanceledException">The trial was cancelled.</exception>
    public TrialOutcome Run(DataFrame frame, TrainOptions options, TrialSpec trial, int cores, string worker, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(frame);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(trial);
        return RunInLane(TrialRunner.Prepared(frame, options), trial, cores, worker, keep: false, cancellationToken);
    }

    /// <summary>Waits for a lane (the home lane when the fitted model is to be kept here) and runs the trial there.</summary>
    private TrialOutcome RunInLane(TrainingRun run, TrialSpec trial, int cores, string worker, bool keep, CancellationToken cancellationToken)
    {
        using var lane = Lanes.Take(home: keep, cancellationToken);
        return lane.Index == 0
            ? TrialRunner.Run(run, trial, cores, worker, keepFitted: keep, cancellationToken)
            : TrialLanes.RunIn(lane.Index, run.Frame, run.Options, trial, cores, worker, cancellationToken);
    }
}

/// <summary>Encodes trials and their outcomes as JSON, the form in which they travel to cluster workers.</summary>
public static class TrialCodec
{
    private static readonly JsonSerializerOptions _json = new()
    {
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
        Converters = { new JsonStringEnumConverter() },
    };

    /// <summary>A trial as JSON.</summary>
    public static string Encode(TrialSpec trial) => JsonSerializer.Serialize(trial, _json);

    /// <summary>An outcome as JSON (with a fold's predictions).</summary>
    public static string Encode(TrialOutcome outcome) => JsonSerializer.Serialize(outcome, _json);

    /// <summary>The options a trial's run was started with, as JSON (the scheduler is left out).</summary>
    public static string Encode(TrainOptions options) => JsonSerializer.Serialize(options, _json);

    /// <summary>A trial from JSON.</summary>
    public static TrialSpec DecodeTrial(string json) => JsonSerializer.Deserialize<TrialSpec>(json, _json) ?? throw new InvalidDataException("An empty trial.");

    /// <summary>An outcome from JSON.</summary>
    public static TrialOutcome DecodeOutcome(string json) => JsonSerializer.Deserialize<TrialOutcome>(json, _json) ?? throw new InvalidDataException("An empty trial outcome.");

    /// <summary>Options from JSON.</summary>
    public static TrainOptions DecodeOptions(string json) => JsonSerializer.Deserialize<TrainOptions>(json, _json) ?? throw new InvalidDataException("Empty options.");
}
