namespace Notebooks.ML.Training;

/// <summary>A snapshot of a running <see cref="ModelTrainer.Train"/>, for a live progress display.</summary>
/// <param name="Phase">What is happening: preparing data, training, evaluating.</param>
/// <param name="Step">The step number within the whole run, from 1.</param>
/// <param name="Steps">How many steps the run has.</param>
/// <param name="Elapsed">Time since training started.</param>
/// <param name="Detail">A short line of detail, e.g. the trainer and row counts.</param>
public sealed record TrainingProgress(string Phase, int Step, int Steps, TimeSpan Elapsed, string Detail);
