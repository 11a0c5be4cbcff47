namespace Notebooks.ML.Data;

/// <summary>The type a loaded column gets, from the narrowest guess to the widest.</summary>
public enum ColumnKind
{
    /// <summary>true / false.</summary>
    Boolean,

    /// <summary>Whole numbers that fit in 32 bits.</summary>
    Int32,

    /// <summary>Whole numbers that need 64 bits.</summary>
    Int64,

    /// <summary>Floating-point numbers.</summary>
    Double,

    /// <summary>Dates and times (ISO 8601 and invariant-culture formats).</summary>
    DateTime,

    /// <summary>Anything else: text and categories.</summary>
    String,
}
