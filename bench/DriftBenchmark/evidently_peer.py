"""The peer of bench/DriftBenchmark: the same drift report computed the way Evidently computes it, column by column
with pandas and scipy (Evidently's legacy stattests and its DataDriftPreset default choice, copied in a few lines,
since Evidently itself is not packaged for Debian). Per column: NaN and ±inf dropped, the preset's test, and PSI.

Reads the columns DriftBenchmark wrote (raw float64 for numbers, int32 codes + a category list for text) and prints
one JSON object: the timed seconds and every column's method, statistic and PSI, for DriftBenchmark to compare.
"""
import json
import sys
import time

import numpy as np
import pandas as pd
from scipy import stats
from scipy.spatial import distance

folder = sys.argv[1]
manifest = json.load(open(f"{folder}/manifest.json"))


def load(side, column):
    if column["kind"] == "num":
        return pd.Series(np.fromfile(f"{folder}/{side}-{column['name']}.f64", dtype=np.float64))
    codes = np.fromfile(f"{folder}/{side}-{column['name']}.i32", dtype=np.int32)
    names = np.array(column["categories"] + [None], dtype=object)
    return pd.Series(names[codes])  # object dtype, as pandas reads text from a CSV; code -1 is missing


frames = {side: pd.DataFrame({c["name"]: load(side, c) for c in manifest["columns"]}) for side in ("ref", "cur")}


def keys_of(ref, cur):
    return list(set(ref.dropna().unique()) | set(cur.dropna().unique()))


def binned(ref, cur, kind, feel_zeroes=True):
    if kind == "num" and ref.nunique() > 20:
        combined = np.asarray(pd.concat([ref, cur], axis=0).values)
        bins = np.histogram_bin_edges(combined, bins="sturges")
        ref_p = np.histogram(ref, bins)[0] / len(ref)
        cur_p = np.histogram(cur, bins)[0] / len(cur)
    else:
        keys = keys_of(ref, cur)
        ref_d = {**dict.fromkeys(keys, 0), **dict(ref.value_counts())}
        cur_d = {**dict.fromkeys(keys, 0), **dict(cur.value_counts())}
        ref_p = np.array([ref_d[k] / len(ref) for k in keys])
        cur_p = np.array([cur_d[k] / len(cur) for k in keys])
    if feel_zeroes:
        np.place(ref_p, ref_p == 0, min(ref_p[ref_p != 0]) / 10**6 if min(ref_p[ref_p != 0]) <= 0.0001 else 0.0001)
        np.place(cur_p, cur_p == 0, min(cur_p[cur_p != 0]) / 10**6 if min(cur_p[cur_p != 0]) <= 0.0001 else 0.0001)
    return ref_p, cur_p


def column_drift(ref, cur, kind):
    ref = ref.replace([-np.inf, np.inf], np.nan).dropna()
    cur = cur.replace([-np.inf, np.inf], np.nan).dropna()
    n_values = pd.concat([ref, cur]).nunique()
    if ref.shape[0] <= 1000:
        raise SystemExit("the benchmark's reference is large: the preset picks distances")
    if kind == "num" and n_values > 5:
        method = "wasserstein"
        statistic = stats.wasserstein_distance(ref, cur) / max(float(np.std(ref)), 0.001)
    else:
        method = "jensen-shannon"
        statistic = distance.jensenshannon(*binned(ref, cur, kind, False))
    ref_p, cur_p = binned(ref, cur, kind)
    psi = np.sum((ref_p - cur_p) * np.log(ref_p / cur_p))
    return method, float(statistic), float(psi)


start = time.perf_counter()
results = []
for column in manifest["columns"]:
    name = column["name"]
    results.append((name, *column_drift(frames["ref"][name], frames["cur"][name], column["kind"])))
seconds = time.perf_counter() - start
json.dump({"seconds": seconds, "columns": [{"name": n, "method": m, "statistic": s, "psi": p} for n, m, s, p in results]}, sys.stdout)
