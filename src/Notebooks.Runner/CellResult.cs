namespace Notebooks.Runner;

/// <summary>The outcome of one code cell.</summary>
/// <param name="Index">The cell's position among all cells, from 1.</param>
/// <param name="Succeeded">Whether it ran without error.</param>
/// <param name="Duration">How long it ran.</param>
/// <param name="Error">The error message when it failed.</param>
internal sealed record CellResult(int Index, bool Succeeded, TimeSpan Duration, string? Error);
