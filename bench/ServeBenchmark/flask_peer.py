"""The MLflow-style peer for bench/ServeBenchmark: Flask behind gunicorn, pandas and scikit-learn.

Trains HistGradientBoostingClassifier on the same penguins data (species from island, sex and the five numbers;
island and sex as native categorical features), then answers like MLflow's pyfunc scoring server: each request's
JSON becomes a pandas DataFrame, one predict call per request, one JSON answer with the predicted class and its
probability. Run by the benchmark as: gunicorn -w 2 flask_peer:app, with OMP_NUM_THREADS=1 and PEER_DATA=penguins.csv.
"""
import os

import numpy as np
import pandas as pd
from flask import Flask, jsonify, request
from sklearn.ensemble import HistGradientBoostingClassifier

FEATURES = ["island", "bill_length_mm", "bill_depth_mm", "flipper_length_mm", "body_mass_g", "sex", "year"]
CATEGORICAL = ["island", "sex"]

frame = pd.read_csv(os.environ["PEER_DATA"])
categories = {c: pd.Index(frame[c].dropna().unique()) for c in CATEGORICAL}


def encode(data: pd.DataFrame) -> pd.DataFrame:
    data = data[FEATURES].copy()
    for column in CATEGORICAL:
        codes = categories[column].get_indexer(data[column])
        data[column] = np.where(codes < 0, np.nan, codes)
    return data.astype("float64")


model = HistGradientBoostingClassifier(categorical_features=[f in CATEGORICAL for f in FEATURES], random_state=1)
model.fit(encode(frame), frame["species"])
app = Flask(__name__)


def answer(data: pd.DataFrame):
    probabilities = model.predict_proba(encode(data))
    best = probabilities.argmax(axis=1)
    return [{"PredictedLabel": str(model.classes_[b]), "Probability": float(p[b])} for b, p in zip(best, probabilities)]


@app.post("/predict")
def predict():
    return jsonify(answer(pd.DataFrame([request.get_json()]))[0])


@app.post("/invocations")
def invocations():
    split = request.get_json()["dataframe_split"]
    return jsonify({"predictions": answer(pd.DataFrame(split["data"], columns=split["columns"]))})
