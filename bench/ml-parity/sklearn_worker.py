"""scikit-learn side of bench/ml-parity.ts.

Reads the fold file written by the TypeScript side (same datasets, same fold indices), then answers
one JSON request per stdin line -- {"dataset", "model", "fold"} -- with one JSON line:
{"score", "fit_seconds", "n_iter"}. The TypeScript side interleaves its own fits with these
requests so both run under the same machine load. Threading is set by the caller's environment
(OMP_NUM_THREADS=1 for single-core runs).
"""
import json
import sys
import time
import warnings

import numpy as np
from sklearn.ensemble import (
    HistGradientBoostingClassifier,
    HistGradientBoostingRegressor,
    RandomForestClassifier,
    RandomForestRegressor,
)
from sklearn.exceptions import ConvergenceWarning
from sklearn.linear_model import LinearRegression, LogisticRegression
from sklearn.metrics import accuracy_score, r2_score
from sklearn.preprocessing import StandardScaler

warnings.filterwarnings("ignore", category=ConvergenceWarning)


def make_model(name, task, seed):
    # scikit-learn defaults everywhere; only the seed (and n_jobs=1 for a single-core forest) is set.
    if name == "lr":
        return LogisticRegression() if task == "classification" else LinearRegression()
    if name == "rf":
        cls = RandomForestClassifier if task == "classification" else RandomForestRegressor
        return cls(n_estimators=100, n_jobs=1, random_state=seed)
    if name == "gb":
        cls = HistGradientBoostingClassifier if task == "classification" else HistGradientBoostingRegressor
        return cls(random_state=seed)
    raise ValueError(f"unknown model {name!r}")


def main():
    with open(sys.argv[1]) as fh:
        spec = json.load(fh)
    data = {}
    for line in sys.stdin:
        req = json.loads(line)
        ds = spec["datasets"][req["dataset"]]
        if req["dataset"] not in data:
            arr = np.loadtxt(ds["path"], delimiter=",", skiprows=1)
            data[req["dataset"]] = (arr[:, :-1], arr[:, -1])
        x, y = data[req["dataset"]]
        fold = req["fold"]
        test = np.array(ds["folds"][fold], dtype=np.intp)
        mask = np.ones(len(y), dtype=bool)
        mask[test] = False
        x_train, y_train, x_test, y_test = x[mask], y[mask], x[test], y[test]
        if req["model"] == "lr":
            # Standardise for the linear model, fitted on the training fold only.
            scaler = StandardScaler().fit(x_train)
            x_train, x_test = scaler.transform(x_train), scaler.transform(x_test)
        model = make_model(req["model"], ds["task"], fold)
        start = time.perf_counter()
        model.fit(x_train, y_train)
        fit_seconds = time.perf_counter() - start
        pred = model.predict(x_test)
        score = accuracy_score(y_test, pred) if ds["task"] == "classification" else r2_score(y_test, pred)
        n_iter = getattr(model, "n_iter_", None)
        if isinstance(n_iter, np.ndarray):
            n_iter = int(n_iter.max())
        out = {"score": float(score), "fit_seconds": fit_seconds, "n_iter": n_iter}
        sys.stdout.write(json.dumps(out) + "\n")
        sys.stdout.flush()


if __name__ == "__main__":
    main()
