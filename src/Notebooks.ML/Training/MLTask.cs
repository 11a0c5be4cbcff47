namespace Notebooks.ML.Training;

/// <summary>The kind of prediction a model makes.</summary>
public enum MLTask
{
    /// <summary>Two classes.</summary>
    Binary,

    /// <summary>Three or more classes.</summary>
    Multiclass,

    /// <summary>A number.</summary>
    Regression,

    /// <summary>Groups of similar rows, without a label (k-means).</summary>
    Clustering,
}
