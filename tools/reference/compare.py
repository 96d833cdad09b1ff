#!/usr/bin/env python3
"""Compares an engine output directory with a reference output directory.

Usage: compare.py ENGINE_DIR REFERENCE_DIR [--rel 1e-8]

Every column of the reference schools.csv and the model keys of model.json:
numbers to a relative tolerance (absolute 1e-12 near zero), everything else
exactly. Prints the worst relative error; exit code 1 on a mismatch.
"""
import argparse
import json
import math
import sys

import pandas as pd


def num(x):
    if x is None or (isinstance(x, float) and math.isnan(x)) or x == "":
        return None
    return float(x)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("engine")
    ap.add_argument("reference")
    ap.add_argument("--rel", type=float, default=1e-8)
    a = ap.parse_args()
    worst, where, bad, count = 0.0, "", [], 0

    def check(what, x, y):
        nonlocal worst, where, count
        x, y = num(x), num(y)
        if x is None or y is None:
            if x is not y:
                bad.append(f"{what}: engine {x} vs reference {y}")
            return
        count += 1
        rel = 0.0 if x == y else abs(x - y) / max(abs(x), abs(y))
        if rel > worst:
            worst, where = rel, what
        if abs(x - y) > a.rel * max(abs(x), abs(y)) + 1e-12:
            bad.append(f"{what}: engine {x} vs reference {y}")

    e = pd.read_csv(f"{a.engine}/schools.csv", dtype=str, keep_default_na=False).set_index("school_id")
    r = pd.read_csv(f"{a.reference}/schools.csv", dtype=str, keep_default_na=False).set_index("school_id")
    if set(e.index) != set(r.index):
        bad.append(f"school sets differ: {sorted(set(e.index) ^ set(r.index))[:10]}")
    exact = {"n", "rank", "index_rank", "years_flagged", "years_low_results"}
    for s in r.index.intersection(e.index):
        for c in r.columns:
            x, y = e.at[s, c], r.at[s, c]
            if c in exact or c.startswith("is_") or c in ("insufficient_data", "no_context"):
                if x != y:
                    bad.append(f"{s} {c}: engine {x!r} vs reference {y!r}")
            else:
                check(f"{s} {c}", x, y)
    me = json.load(open(f"{a.engine}/model.json"))
    mr = json.load(open(f"{a.reference}/model.json"))
    for k in ("n_schools", "dropped", "years", "factors", "df_resid"):
        if me.get(k) != mr.get(k):
            bad.append(f"model.{k}: engine {me.get(k)} vs reference {mr.get(k)}")
    for k in ("r2", "adj_r2", "tau2", "residual_sd"):
        check(f"model.{k}", me.get(k), mr.get(k))
    for ce, cr in zip(me["coefficients"], mr["coefficients"]):
        for k in ("estimate", "se", "t", "p"):
            check(f"coef {cr['name']} {k}", ce[k], cr[k])
    print(f"{count} numbers compared; max relative error {worst:.3g} ({where}); mismatches: {len(bad)}")
    for b in bad[:20]:
        print("  " + b)
    sys.exit(1 if bad else 0)


if __name__ == "__main__":
    main()
