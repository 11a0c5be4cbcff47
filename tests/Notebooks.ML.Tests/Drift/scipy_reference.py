"""The drift statistics as Evidently computes them (its legacy stattests: pandas + scipy), for the agreement tests.

Reads a JSON list of cases from stdin: {"id", "test", "kind": "num"|"cat", "ref": [...], "cur": [...]} (null is
missing) and writes [{"id", "statistic", "pvalue"}] with every number as repr() text, so nothing is rounded.
"""
import json
import sys

import numpy as np
import pandas as pd
from scipy import stats
from scipy.spatial import distance


def clean(values, kind):
    series = pd.Series(values, dtype=float if kind == "num" else object)
    return series.replace([np.inf, -np.inf], np.nan).dropna()


def keys_of(ref, cur):
    # evidently: get_unique_not_nan_values_list_from_series
    return list(set(ref.dropna().unique()) | set(cur.dropna().unique()))


def binned(ref, cur, kind, n, feel_zeroes=True):
    # evidently: get_binned_data
    n_vals = ref.nunique()
    if kind == "num" and n_vals > 20:
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


def run(case):
    kind, test = case["kind"], case["test"]
    ref, cur = clean(case["ref"], kind), clean(case["cur"], kind)
    if test == "ks":
        result = stats.ks_2samp(ref, cur)  # method='auto', as evidently calls it
        return result.statistic, result.pvalue
    if test == "chi2":
        keys = keys_of(ref, cur)
        ref_d = {**dict.fromkeys(keys, 0), **dict(ref.value_counts())}
        cur_d = {**dict.fromkeys(keys, 0), **dict(cur.value_counts())}
        k_norm = cur.shape[0] / ref.shape[0]
        f_exp = [ref_d[k] * k_norm for k in keys]
        f_obs = [cur_d[k] for k in keys]
        result = stats.chisquare(f_obs, f_exp)
        return result.statistic, result.pvalue
    if test == "z":
        # evidently's proportions_diff_z_stat_ind; the p-value as the normal tail (2 * sf), which evidently writes as
        # 2 * (1 - cdf) and which loses every digit below about 1e-16.
        keys = sorted(keys_of(ref, cur))
        r = ref.apply(lambda x: 0 if x == keys[0] else 1)
        c = cur.apply(lambda x: 0 if x == keys[0] else 1)
        n1, n2 = len(r), len(c)
        p1, p2 = float(sum(r)) / n1, float(sum(c)) / n2
        pooled = float(p1 * n1 + p2 * n2) / (n1 + n2)
        z = (p1 - p2) / np.sqrt(pooled * (1 - pooled) * (1.0 / n1 + 1.0 / n2))
        return z, 2 * stats.norm.sf(np.abs(z))
    if test == "wasserstein":
        return stats.wasserstein_distance(ref, cur) / max(float(np.std(ref)), 0.001), None
    if test == "wasserstein-raw":
        return stats.wasserstein_distance(ref, cur), None
    if test == "jensen-shannon":
        ref_p, cur_p = binned(ref, cur, kind, 30, False)
        return distance.jensenshannon(ref_p, cur_p), None
    if test == "psi":
        ref_p, cur_p = binned(ref, cur, kind, 30)
        return np.sum((ref_p - cur_p) * np.log(ref_p / cur_p)), None
    raise ValueError(test)


def text(value):
    return None if value is None else repr(float(value)).replace("inf", "Infinity").replace("nan", "NaN")


cases = json.load(sys.stdin)
results = []
for case in cases:
    statistic, pvalue = run(case)
    results.append({"id": case["id"], "statistic": text(statistic), "pvalue": text(pvalue)})
json.dump(results, sys.stdout)
