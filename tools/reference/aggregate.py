#!/usr/bin/env python3
"""Pupil-level canonical results -> school-level canonical results.

Usage: aggregate.py PUPILS.csv OUT.csv

One row per (year, school, procedure, subject, grade): n, mean_score, and
share_2..share_5 (percent) always; sd_score (sample SD) for ВПР and ОГЭ математика;
se for ОГЭ (rounded to 4 decimals, so the published se, not sd/√n, is what
counts); ОГЭ русский язык has no sd_score, so that assessment is standardised
across school means. This exercises every school-level path of step 1.
"""
import sys

import numpy as np
import pandas as pd


def main(src, dst):
    d = pd.read_csv(src, dtype={"school_id": str})
    key = ["year", "school_id", "procedure", "subject", "grade"]
    rows = []
    for k, g in d.groupby(key, sort=True):
        n = len(g)
        rec = dict(zip(key, k))
        rec["n"] = n
        rec["mean_score"] = repr(float(g["score"].mean()))
        sd = float(g["score"].std(ddof=1)) if n >= 2 else np.nan
        oge = rec["procedure"] == "ОГЭ"
        rus = rec["subject"] == "русский язык"
        rec["sd_score"] = "" if (oge and rus) or np.isnan(sd) else repr(sd)
        rec["se"] = f"{sd / np.sqrt(n):.4f}" if oge and not np.isnan(sd) else ""
        for m in (2, 3, 4, 5):
            rec[f"share_{m}"] = repr(100.0 * float((g["mark"] == m).mean()))  # percent
        rows.append(rec)
    pd.DataFrame(rows).to_csv(dst, index=False)


if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    main(sys.argv[1], sys.argv[2])
