"""The peer for bench/TrainBenchmark: scikit-learn's HistGradientBoostingClassifier on the same data and split.

Reads the float32 matrix the benchmark wrote (rows x 21: 20 features then the 0/1 label), trains on rows whose
index % 5 != 0, scores AUC on the rest, and prints one JSON line with the fit+predict time.
"""
import json
import sys
import time

import numpy as np
import sklearn
from sklearn.ensemble import HistGradientBoostingClassifier
from sklearn.metrics import roc_auc_score

path, rows, cols = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
data = np.fromfile(path, dtype="<f4").reshape(rows, cols + 1)
X, y = data[:, :cols], data[:, cols].astype(int)
test = np.arange(rows) % 5 == 0
start = time.perf_counter()
model = HistGradientBoostingClassifier(max_iter=100, learning_rate=0.1, max_leaf_nodes=31, min_samples_leaf=20,
                                       early_stopping=False, random_state=1)
model.fit(X[~test], y[~test])
scores = model.predict_proba(X[test])[:, 1]
elapsed = time.perf_counter() - start
print(json.dumps({"seconds": elapsed, "auc": roc_auc_score(y[test], scores), "version": sklearn.__version__}))
