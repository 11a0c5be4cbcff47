"""The peer: Plotly Express on the same synthetic data, timed the same way (figure built and written as HTML).

Usage: peer.py ROWS KIND   (KIND: scatter | histogram). Prints "seconds bytes" or "unavailable: why".
"""
import sys
import time

try:
    import numpy as np
    import pandas as pd
    import plotly.express as px
except ImportError as e:  # the benchmark still reports our numbers
    print(f"unavailable: {e}")
    sys.exit(0)

rows, kind = int(sys.argv[1]), sys.argv[2]
rng = np.random.default_rng(1)
x = rng.normal(0, 1, rows)
frame = pd.DataFrame({
    "x": x,
    "y": 2 * x + rng.normal(0, 0.5, rows),
    "group": np.array(["alpha", "beta", "gamma", "delta", "epsilon"])[rng.integers(0, 5, rows)],
})


def render(data):
    if kind == "scatter":
        fig = px.scatter(data, x="x", y="y", color="group", render_mode="webgl")
    else:
        fig = px.histogram(data, x="x")
    return fig.to_html(include_plotlyjs=False, full_html=False)


render(frame.head(1000))  # warm-up: Plotly Express loads templates and validators on first use
start = time.perf_counter()
html = render(frame)
elapsed = time.perf_counter() - start
print(f"{elapsed:.4f} {len(html.encode('utf-8'))}")
