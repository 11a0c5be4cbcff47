namespace Notebooks.Runner;

/// <summary>The outcome of one code cell.</summary>
/// <param name="Number">The cell's number as the editor shows it (see <see cref="CellNames"/>); <see langword="null"/> for the injected parameters cell.</param>
/// <param name="Name">How messages name it: <c>cell 16 (`#!train --data …`)</c>.</param>
/// <param name="Succeeded">Whether it ran without error.</param>
/// <param name="Duration">How long it ran.</param>
/// <param name="Error">The error message when it failed.</param>
internal sealed record CellResult(int? Number, string Name, bool Succeeded, TimeSpan Duration, string? Error);
