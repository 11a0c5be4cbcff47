namespace Notebooks.ML.Training;

/// <summary>A snapshot of a running <see cref="ModelTrainer.Train"/>, for a live progress display.</summary>
/// <param name="Phase">What is happening: preparing data, training, cross-validating, searching, evaluating, explaining.</param>
/// <param name="Step">The step number within the whole run, from 1.</param>
/// <param name="Steps">How many steps the run has.</param>
/// <param name="Elapsed">Time since training started.</param>
/// <param name="Detail">A short line of detail, e.g. the trainer and row counts.</param>
public sealed record TrainingProgress(string Phase, int Step, int Steps, TimeSpan Elapsed, string Detail)
{
    /// <summary>How far the whole run is, from 0 to 1 (an estimate).</summary>
    public double Fraction { get; init; }

    /// <summary>The estimated time left, when there is enough to go on.</summary>
    public TimeSpan? Remaining { get; init; }

    /// <summary>Where in a repeated phase the run is: <c>fold 2 of 5</c>, <c>trial 7</c>.</summary>
    public string? Counter { get; init; }

    /// <summary>The best metric so far (search, cross-validation), e.g. <c>AreaUnderRocCurve 0.991</c>.</summary>
    public string? Best { get; init; }
}
