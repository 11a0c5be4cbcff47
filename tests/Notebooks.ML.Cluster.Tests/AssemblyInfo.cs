// Each class starts its own cluster (in-process silos, or worker processes): one at a time, so that the timing
// assertions (an interrupt frees the workers within 2 s) do not compete with another cluster for the 2 cores.
[assembly: CollectionBehavior(DisableTestParallelization = true)]
