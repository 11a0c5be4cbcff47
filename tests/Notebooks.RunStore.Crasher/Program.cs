using System.Globalization;
using Microsoft.Data.Analysis;
using Notebooks.ML.Tracking;
using Notebooks.ML.Training;

// Usage: Notebooks.RunStore.Crasher STORE COUNT TAG
//   Trains one small model, then records COUNT runs of it (0: until killed) into STORE, printing
//   "saved ID KEY" once each run is committed. Environment: NOTEBOOKS_ML_RUNS_MODELS for a PostgreSQL store's models.
if (args.Length != 3 || !int.TryParse(args[1], NumberStyles.None, CultureInfo.InvariantCulture, out var count))
{
    Console.Error.WriteLine("Usage: Notebooks.RunStore.Crasher STORE COUNT TAG");
    return 1;
}

var (location, tag) = (args[0], args[2]);
var model = ModelTrainer.Train(SmallData(), new TrainOptions { DataName = "small", Label = "y", Trainer = "sdca", Seed = 1 });
using var store = RunStore.Open(location);
Console.WriteLine("ready");
for (var i = 1; count == 0 || i <= count; i++)
{
    var run = store.Record(model, new RunContext { Cell = $"{tag}:{i}", ModelVariable = tag });
    Console.WriteLine($"saved {run.Id} {run.Key}");
}

return 0;

// 200 rows, two features, a label that depends on them: trains in well under a second.
static DataFrame SmallData()
{
    var random = new Random(1);
    var a = new double[200];
    var b = new double[200];
    var y = new bool[200];
    for (var i = 0; i < a.Length; i++)
    {
        a[i] = random.NextDouble();
        b[i] = random.NextDouble();
        y[i] = a[i] + (0.3 * b[i]) + (0.2 * random.NextDouble()) > 0.75;
    }

    return new DataFrame(new DoubleDataFrameColumn("a", a), new DoubleDataFrameColumn("b", b), new BooleanDataFrameColumn("y", y));
}
