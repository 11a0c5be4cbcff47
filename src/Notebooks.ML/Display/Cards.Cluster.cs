using System.Text;
using static Notebooks.ML.Display.Html;

namespace Notebooks.ML.Display;

/// <summary>The card of <c>#!cluster</c>.</summary>
public static partial class Cards
{
    /// <summary>A cluster's workers and their slots, or why there are none.</summary>
    /// <param name="title">What happened: <c>Connected to the cluster …</c>.</param>
    /// <param name="workers">Each worker's name (host:port), slots and cores.</param>
    /// <param name="note">A line under the table, e.g. what #!train now does.</param>
    public static string Cluster(string title, IEnumerable<(string Name, int Slots, int Cores)> workers, string note)
    {
        ArgumentNullException.ThrowIfNull(workers);
        var list = workers.ToList();
        var html = new StringBuilder($"<h3>{E(title)}</h3>");
        html.Append($"<p class=\"nbml-sub\">{list.Count} worker{(list.Count == 1 ? "" : "s")}, {list.Sum(w => w.Slots)} slots</p>");
        if (list.Count > 0)
        {
            html.Append(Table(["worker", "slots", "cores"], list.Select(w => new object?[] { w.Name, w.Slots, w.Cores })));
        }

        html.Append($"<p class=\"nbml-sub\">{E(note)}</p>");
        return Card(html.ToString());
    }
}
