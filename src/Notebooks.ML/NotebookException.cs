namespace Notebooks.ML;

/// <summary>
/// A mistake in the user's input (a missing file, an unknown column, a bad option value) described in one short
/// message that names the value, what was expected and where. Magic commands show <see cref="Exception.Message"/>
/// in the cell, without a stack trace.
/// </summary>
public sealed class NotebookException : Exception
{
    /// <summary>Creates an exception with a user-facing message.</summary>
    public NotebookException(string message) : base(message)
    {
    }

    /// <summary>Creates an exception with a user-facing message and the exception that caused it.</summary>
    public NotebookException(string message, Exception innerException) : base(message, innerException)
    {
    }

    /// <summary>Creates an exception with a generic message.</summary>
    public NotebookException() : base("The notebook command failed.")
    {
    }
}
