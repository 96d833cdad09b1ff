#!/usr/bin/env python3
"""England KS4 2019 (DfE performance tables) -> Opora canonical school-level input.

Usage: england_to_canonical.py DATA_DIR OUT_DIR

Writes, in OUT_DIR:
  results.csv       year,school_id,procedure,subject,grade,n,mean_score
                    (school_id = URN, procedure KS4, subject Attainment 8, grade 11,
                     n = TPUP, mean_score = ATT8SCR)
  context.csv       school_id,fsm,eal,sen  (PNUMFSMEVER, PNUMEAL, PSENELK, percent)
  schools_info.csv  school_id,name,is_lyceum_or_gymnasium
  progress8.csv     school_id,p8,p8_low,p8_upp (England's own value-added, for comparison)

Only RECTYPE = 1 (schools); NA, SUPP, NE and empty cells are missing. A school is
kept when ATT8SCR and TPUP are numeric and it is in the census (3,143 schools).
Numbers are copied as published (no reformatting), so every reader parses the
same decimal strings.
"""
import csv
import sys
from pathlib import Path

MISSING = {"", "NA", "SUPP", "NE", "NP", "LOWCOV", "DNS"}


def numeric(s):
    s = (s or "").strip()
    if s in MISSING:
        return None
    try:
        float(s)
        return s
    except ValueError:
        return None


def read(path):
    with open(path, newline="", encoding="utf-8-sig") as f:
        return list(csv.DictReader(f))


def main(data_dir, out_dir):
    data_dir, out_dir = Path(data_dir), Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    census = {r["URN"]: r for r in read(data_dir / "england_census.csv")}
    ks4 = [r for r in read(data_dir / "england_ks4provisional.csv") if r["RECTYPE"].strip() == "1"]
    kept = []
    for r in ks4:
        urn = r["URN"].strip()
        att8, tpup = numeric(r["ATT8SCR"]), numeric(r["TPUP"])
        if att8 is None or tpup is None or urn not in census:
            continue
        kept.append((urn, r, att8, tpup))
    kept.sort(key=lambda k: k[0])
    with open(out_dir / "results.csv", "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(["year", "school_id", "procedure", "subject", "grade", "n", "mean_score"])
        for urn, _, att8, tpup in kept:
            w.writerow([2019, urn, "KS4", "Attainment 8", 11, tpup, att8])
    with open(out_dir / "context.csv", "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(["school_id", "fsm", "eal", "sen"])
        for urn, _, _, _ in kept:
            c = census[urn]
            w.writerow([urn] + [numeric(c[k]) or "" for k in ("PNUMFSMEVER", "PNUMEAL", "PSENELK")])
    with open(out_dir / "schools_info.csv", "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(["school_id", "name", "is_lyceum_or_gymnasium"])
        for urn, r, _, _ in kept:
            w.writerow([urn, r["SCHNAME"].strip(), "false"])
    with open(out_dir / "progress8.csv", "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(["school_id", "p8", "p8_low", "p8_upp"])
        for urn, r, _, _ in kept:
            w.writerow([urn] + [numeric(r[k]) or "" for k in ("P8MEA", "P8CILOW", "P8CIUPP")])
    print(f"{len(kept)} schools written to {out_dir}", file=sys.stderr)


if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    main(sys.argv[1], sys.argv[2])
