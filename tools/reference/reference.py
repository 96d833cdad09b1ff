#!/usr/bin/env python3
"""Independent reference implementation of methodology.md steps 1-4 (pandas + statsmodels).

It shares no code with the Rust engine: pupil z-scores are computed row by row,
the regression is statsmodels OLS/WLS. The decisions methodology.md leaves open
are those of docs/methodology-decisions.md. Its outputs are committed as test
fixtures; the Rust integration tests compare every number to 1e-8 relative.

Usage:
  reference.py --results FILE [--results FILE ...] --context FILE --out DIR
               [--low-percent 10] [--shnsu-percent 10] [--years 2/3]
               [--min-results 10] [--select backward|all] [--p-remove 0.05]
               [--weights none|n]

Results files are canonical CSV: pupil level (has `score`) or school level
(has `n` and `mean_score`, optional `sd_score`, `se`). The context file is wide:
school_id, optional year, then one numeric column per factor.
Writes DIR/schools.csv and DIR/model.json.
"""
import argparse
import json
import math
from pathlib import Path

import numpy as np
import pandas as pd
import statsmodels.api as sm

KEY = ["year", "procedure", "subject", "grade"]
Z95 = 1.96


# ---------------------------------------------------------------- inputs
def load_results(paths):
    pupils, schools = [], []
    for p in paths:
        df = pd.read_csv(p, dtype={"school_id": str, "procedure": str, "subject": str}, keep_default_na=True)
        if "score" in df.columns:
            df = df[np.isfinite(df["score"].astype(float))]
            pupils.append(df[["year", "school_id", "procedure", "subject", "grade", "score"]])
        else:
            for c in ("sd_score", "se"):
                if c not in df.columns:
                    df[c] = np.nan
            schools.append(df[["year", "school_id", "procedure", "subject", "grade", "n", "mean_score", "sd_score", "se"]])
    pupils = pd.concat(pupils, ignore_index=True) if pupils else None
    schools = pd.concat(schools, ignore_index=True) if schools else None
    return pupils, schools


def load_context(path):
    df = pd.read_csv(path, dtype={"school_id": str})
    has_year = "year" in df.columns
    factors = [c for c in df.columns if c not in ("school_id", "year")]
    rows = {}
    for rec in df.to_dict("records"):
        y = rec["year"] if has_year and not pd.isna(rec["year"]) else None
        vals = [None if pd.isna(rec[f]) or not np.isfinite(float(rec[f])) else float(rec[f]) for f in factors]
        rows.setdefault(rec["school_id"], []).append((None if y is None else int(y), vals))
    return factors, rows


def context_values(rows, school, year, k):
    """Per factor: the row of `year`, then the row without a year, then the nearest year (earlier on a tie)."""
    cand = rows.get(school, [])

    def prio(r):
        y = r[0]
        if y == year:
            return (0, 0, 0)
        if y is None:
            return (1, 0, 0)
        return (2, abs(y - year), y)

    ordered = sorted(cand, key=prio)  # sorted() is stable: file order among equals
    out = []
    for f in range(k):
        v = next((r[1][f] for r in ordered if r[1][f] is not None), None)
        out.append(v)
    return out


# ---------------------------------------------------------------- step 1
def standardise(pupils, schools, notes):
    """Adds column z (pupils) / zmean, zse (schools). Drops zero-variance assessments."""
    if pupils is not None:
        g = pupils.groupby(KEY)["score"]
        pupils = pupils.assign(mu=g.transform("mean"), sigma=g.transform(lambda s: s.std(ddof=0)))
        level = pupils[["mu"]].abs().clip(lower=1.0)["mu"]
        bad = ~(pupils["sigma"] > 1e-9 * level)
        if bad.any():
            notes.append("zero-variance assessments dropped")
        pupils = pupils[~bad].copy()
        pupils["z"] = (pupils["score"] - pupils["mu"]) / pupils["sigma"]
    if schools is not None:
        parts = []
        for key, d in schools.groupby(KEY):
            d = d.copy()
            n = d["n"].astype(float)
            mu = (n * d["mean_score"]).sum() / n.sum()
            between = (n * (d["mean_score"] - mu) ** 2).sum()
            sd_known = d["sd_score"].notna() & (d["n"] >= 2)
            if sd_known.all():
                within = ((n - 1) * d["sd_score"] ** 2).sum()
                sigma = math.sqrt((within + between) / n.sum())
            else:
                sigma = math.sqrt(between / n.sum())
            if not sigma > 1e-9 * max(abs(mu), 1.0):
                notes.append("zero-variance assessments dropped")
                continue
            d["zmean"] = (d["mean_score"] - mu) / sigma
            se = d["se"].where(d["se"].notna(), d["sd_score"].where(sd_known) / np.sqrt(n))
            d["zse"] = se / sigma
            parts.append(d)
        schools = pd.concat(parts, ignore_index=True) if parts else None
    return pupils, schools


def school_index(pupils, schools, years):
    """DataFrame index school_id: N, index, se."""
    out = []
    if pupils is not None:
        p = pupils[pupils["year"].isin(years)]
        g = p.groupby("school_id")["z"]
        df = pd.DataFrame({"N": g.size(), "index": g.mean(), "sd": g.std(ddof=1)})
        df["se"] = df["sd"] / np.sqrt(df["N"])
        out.append(df[["N", "index", "se"]])
    if schools is not None:
        s = schools[schools["year"].isin(years)].copy()
        s["nz"] = s["n"] * s["zmean"]
        s["v"] = (s["n"] * s["zse"]) ** 2
        g = s.groupby("school_id")
        df = pd.DataFrame({"N": g["n"].sum(), "sumz": g["nz"].sum()})
        df["index"] = df["sumz"] / df["N"]
        v = g["v"].apply(lambda x: x.sum() if x.notna().all() else np.nan)
        df["se"] = np.sqrt(v) / df["N"]
        out.append(df[["N", "index", "se"]])
    df = pd.concat(out)
    if df.index.duplicated().any():
        raise SystemExit("reference: a school with both pupil- and school-level rows is not supported")
    return df.sort_index()


# ---------------------------------------------------------------- step 2
def standardise_factor(x):
    x = np.asarray(x, dtype=float)
    mean = x.mean()
    sd = x.std(ddof=1)
    scale = max(np.abs(x).max(), np.finfo(float).tiny)
    if not (np.isfinite(sd) and sd > 1e-12 * scale):
        return None
    return (x - mean) / sd, mean, sd


def collinear_filter(cols):
    """Gram-Schmidt in column order; drops a column whose remaining norm <= 1e-8 of its norm."""
    if not cols:
        return cols, []
    n = len(cols[0][1])
    basis = [np.full(n, 1 / math.sqrt(n))]
    kept, dropped = [], []
    for name, z, sc in cols:
        v = z.copy()
        for _ in range(2):
            for q in basis:
                v = v - (q @ v) * q
        if np.linalg.norm(v) <= 1e-8 * np.linalg.norm(z):
            dropped.append(name)
        else:
            basis.append(v / np.linalg.norm(v))
            kept.append((name, z, sc))
    return kept, dropped


def fit_sm(y, cols, w):
    X = np.column_stack([np.ones(len(y))] + [c[1] for c in cols]) if cols else np.ones((len(y), 1))
    model = sm.WLS(y, X, weights=w) if w is not None else sm.OLS(y, X)
    return model.fit()


def regress(y, xraw, names, n_weights, cfg):
    n = len(y)
    if n < 2:
        return None
    dropped, cols = [], []
    for f, name in enumerate(names):
        r = standardise_factor([row[f] for row in xraw])
        if r is None:
            dropped.append(name)
        else:
            cols.append((name, r[0], (r[1], r[2])))
    cols, coll = collinear_filter(cols)
    dropped += coll
    while cols and n < len(cols) + 2:
        dropped.append(cols.pop()[0])
    w = np.asarray(n_weights, dtype=float) if cfg.weights == "n" else None
    res = fit_sm(y, cols, w)
    if cfg.select == "backward":
        while cols:
            p = np.asarray(res.pvalues)[1:]
            j = int(np.argmax(p))
            if not p[j] > cfg.p_remove:
                break
            dropped.append(cols.pop(j)[0])
            res = fit_sm(y, cols, w)
    return res, cols, dropped


# ---------------------------------------------------------------- step 3
def tie_key(v):
    """Values equal up to floating-point noise tie: compare after rounding to 10 decimals."""
    return math.floor(v * 1e10 + 0.5)


def rank_of(values):
    """values: dict id -> float. Rank 1 = lowest; ties by id."""
    order = sorted(values.items(), key=lambda kv: (tie_key(kv[1]), kv[0]))
    return {k: i + 1 for i, (k, _) in enumerate(order)}


def cutoff(p, n):
    return max(0, math.ceil(p * n / 100.0 - 1e-9)) if n else 0


def evaluate(pupils, schools, ctx, years, ctx_year, cfg):
    ix = school_index(pupils, schools, years)
    suff = ix[ix["N"] >= cfg.min_results]
    ev = {"ix": ix, "index_rank": rank_of(dict(zip(suff.index, suff["index"]))), "n_suff": len(suff),
          "fits": {}, "no_context": set(), "model": None}
    factors, rows = ctx
    vals = {s: context_values(rows, s, ctx_year, len(factors)) for s in suff.index}
    usable = [f for f in range(len(factors)) if any(vals[s][f] is not None for s in suff.index)]
    pre_dropped = [factors[f] for f in range(len(factors)) if f not in usable]
    members = [s for s in suff.index if all(vals[s][f] is not None for f in usable)]
    ev["no_context"] = set(suff.index) - set(members)
    ev["n_fit"] = len(members)
    r = regress(suff.loc[members, "index"].to_numpy(float), [[vals[s][f] for f in usable] for s in members],
                [factors[f] for f in usable], suff.loc[members, "N"].to_numpy(float), cfg)
    if r is None:
        ev["model"] = {"n_schools": len(members), "dropped": pre_dropped, "coefficients": [], "factors": []}
        return ev
    res, cols, dropped = r
    y = suff.loc[members, "index"].to_numpy(float)
    fitted = np.asarray(res.fittedvalues)
    beta = np.asarray(res.params)
    resid = y - fitted
    k = len(beta)
    se = suff.loc[members, "se"].to_numpy(float)
    known = se[~np.isnan(se)]
    if len(known):
        mean_se2 = float(np.mean(known ** 2))
        tau2 = max(0.0, float(np.sum(resid ** 2)) / (len(y) - k) - mean_se2)
    else:
        tau2 = None
    effects = {}
    for i, s in enumerate(members):
        e = resid[i]
        if tau2 is None or np.isnan(se[i]):
            lam, eff, esd, ci = 1.0, e, None, None
        else:
            den = tau2 + se[i] ** 2
            lam = tau2 / den if den > 0 else 1.0
            eff = lam * e
            esd = math.sqrt(lam) * se[i]
            ci = (eff - Z95 * esd, eff + Z95 * esd)
        effects[s] = dict(expected=fitted[i], social=(fitted[i] - beta[0]) if cols else None, residual=e,
                          lam=lam, effect=eff, effect_se=esd, ci=ci)
    ranks = rank_of({s: effects[s]["effect"] for s in members})
    n = len(members)
    for s in members:
        effects[s]["rank"] = ranks[s]
        effects[s]["percentile"] = 100.0 * (ranks[s] - 1) / (n - 1) if n >= 2 else None
    ev["fits"] = effects
    names = ["(intercept)"] + [c[0] for c in cols]
    tv = np.asarray(res.tvalues)
    pv = np.asarray(res.pvalues)
    bse = np.asarray(res.bse)
    ev["model"] = {
        "n_schools": n,
        "r2": float(res.rsquared),
        "adj_r2": float(res.rsquared_adj),
        "tau2": tau2,
        "dropped": pre_dropped + dropped,
        "coefficients": [{"name": names[j], "estimate": float(beta[j]), "se": float(bse[j]),
                          "t": float(tv[j]), "p": float(pv[j])} for j in range(k)],
        "residual_sd": float(math.sqrt(res.scale)),
        "factors": [c[0] for c in cols],
        "df_resid": int(round(res.df_resid)),
    }
    return ev


# ---------------------------------------------------------------- step 4
def flags(ev, cfg):
    low_cut = cutoff(cfg.low_percent, ev["n_suff"])
    low = {s for s, r in ev["index_rank"].items() if r <= low_cut}
    cut = cutoff(cfg.low_percent, len(ev["fits"]))
    shnor = {s for s, f in ev["fits"].items() if f["rank"] <= cut and (f["ci"] is None or f["ci"][1] < 0)}
    return low, shnor


def run(args):
    notes = []
    pupils, schools = load_results(args.results)
    years_all = sorted(set((pupils["year"].tolist() if pupils is not None else []) +
                           (schools["year"].tolist() if schools is not None else [])))
    window = years_all[-args.Y:]
    pupils, schools = standardise(pupils, schools, notes)
    ctx = load_context(args.context)
    whole = evaluate(pupils, schools, ctx, window, window[-1], args)
    per_year = {y: (whole if len(window) == 1 else evaluate(pupils, schools, ctx, [y], y, args)) for y in window}
    fl = {y: flags(ev, args) for y, ev in per_year.items()}
    k = min(args.K, len(window))
    fits = whole["fits"]
    model = whole["model"]
    shnsu_rank = rank_of({s: f["social"] for s, f in fits.items()}) if model["factors"] else {}
    shnsu_cut = cutoff(args.shnsu_percent, len(fits))
    rows = []
    for s, r in whole["ix"].iterrows():
        insufficient = r["N"] < args.min_results
        row = {"school_id": s, "n": int(r["N"]), "result_index": r["index"],
               "result_se": None if pd.isna(r["se"]) else r["se"], "insufficient_data": insufficient,
               "index_rank": whole["index_rank"].get(s)}
        yf = [y for y in window if s in fl[y][1]] if not insufficient else []
        yl = [y for y in window if s in fl[y][0]] if not insufficient else []
        f = fits.get(s)
        if f is None:
            yf = []
        row.update(years_flagged=";".join(map(str, yf)), years_low_results=";".join(map(str, yl)),
                   is_low_results=len(yl) >= k and not insufficient,
                   no_context=(not insufficient) and f is None)
        if f is not None:
            shnsu = s in shnsu_rank and shnsu_rank[s] <= shnsu_cut
            if f["ci"] is not None:
                resil = shnsu and f["ci"][0] > 0
            else:
                resil = shnsu and f["effect"] > 0
            row.update(expected=f["expected"], social_index=f["social"], residual=f["residual"],
                       effect=f["effect"], effect_se=f["effect_se"],
                       ci_low=None if f["ci"] is None else f["ci"][0], ci_high=None if f["ci"] is None else f["ci"][1],
                       rank=f["rank"], percentile=f["percentile"], reliability=f["lam"],
                       is_shnor=len(yf) >= k, is_shnsu=shnsu, is_resilient=resil)
        else:
            row.update(is_shnor=False, is_shnsu=False, is_resilient=False)
        rows.append(row)
    cols = ["school_id", "n", "result_index", "result_se", "expected", "social_index", "residual", "effect",
            "effect_se", "ci_low", "ci_high", "rank", "percentile", "is_shnor", "is_low_results", "is_shnsu",
            "is_resilient", "insufficient_data", "years_flagged", "no_context", "reliability", "index_rank",
            "years_low_results"]
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    df = pd.DataFrame(rows).reindex(columns=cols)
    for c in ("rank", "index_rank"):
        df[c] = df[c].astype("Int64")
    for c in ("is_shnor", "is_low_results", "is_shnsu", "is_resilient", "insufficient_data", "no_context"):
        df[c] = df[c].map(lambda b: "true" if b else "false")
    df.to_csv(out / "schools.csv", index=False, float_format="%.17g")
    model["years"] = window
    model["per_year"] = [{"year": y, "n_schools": ev["model"]["n_schools"], "r2": ev["model"].get("r2"),
                          "tau2": ev["model"].get("tau2"), "factors": ev["model"]["factors"]}
                         for y, ev in per_year.items()]
    (out / "model.json").write_text(json.dumps(model, indent=2, ensure_ascii=False))


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--results", action="append", required=True)
    ap.add_argument("--context", required=True)
    ap.add_argument("--out", required=True)
    ap.add_argument("--low-percent", type=float, default=10.0)
    ap.add_argument("--shnsu-percent", type=float, default=10.0)
    ap.add_argument("--years", default="2/3")
    ap.add_argument("--min-results", type=int, default=10)
    ap.add_argument("--select", choices=["backward", "all"], default="backward")
    ap.add_argument("--p-remove", type=float, default=0.05)
    ap.add_argument("--weights", choices=["none", "n"], default="none")
    args = ap.parse_args()
    args.K, args.Y = (int(v) for v in args.years.split("/"))
    run(args)


if __name__ == "__main__":
    main()
