#!/usr/bin/env python3
"""Seeded synthetic pupil-level region for the engine's tests.

Usage: gen_synthetic.py OUT_DIR   (numpy only; the same seed gives the same files)

60 schools, 2021-2023, ВПР (grade 5, math and Russian, with task scores, marks
and journal marks) and ОГЭ (grade 9, math and Russian, with marks). The school's
true ability depends on its context (low-income share, parents with higher
education) plus a school effect; other factors (ОВЗ share, enrolment) are noise
the backward elimination should drop.

Planted cases (planted.json lists them):
  S007  ВПР marks raised (most 4s become 5s, half of the rest go one up): too many 5s (O5) and ВПР
        marks above journal marks (O2).
  S013  weak school whose ВПР scores are inflated: top of the region in ВПР,
        below the median in ОГЭ (O1).
  S021  heaping: most pupils one or two points below a mark boundary in ВПР
        math get the boundary score (O3).
  S034  ВПР math: easy tasks done worse, hard tasks better than the region (O4).
  S045  journal marks inflated: ВПР mark below the journal mark for 90% (O2).
  S003  a strong лицей with many 5s: must NOT show O5.
Edge cases: S058 has 6 results in one year (insufficient data); S059 has no
context rows; S057 misses the higher-education value (no context); S060 takes
part in 2022-2023 only; S001..S012 have a year-less context row, the others one
row per year.
"""
import csv
import json
import sys
from pathlib import Path

import numpy as np

SEED = 20240601
YEARS = [2021, 2022, 2023]
N_SCHOOLS = 60

# (procedure, subject, grade, task maxima, mark boundaries for 3, 4, 5)
VPR_MATH = ("ВПР", "математика", 5, [1, 1, 1, 1, 2, 2, 2, 2, 3, 3], (5, 9, 13))
VPR_RUS = ("ВПР", "русский язык", 5, [2, 2, 2, 3, 3, 3, 2, 2, 1, 1, 2, 2], (9, 15, 21))
OGE_MATH = ("ОГЭ", "математика", 9, None, (8, 15, 22), 31)
OGE_RUS = ("ОГЭ", "русский язык", 9, None, (15, 23, 29), 33)
DIFFICULTY = {  # task difficulty on the ability scale, easy to hard
    "математика": np.linspace(-1.6, 1.6, 10),
    "русский язык": np.linspace(-1.2, 1.4, 12),
}
MAX_TASKS = 12


def mark_of(score, b):
    return 2 + sum(score >= t for t in b)


def main(out):
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    rng = np.random.default_rng(SEED)
    ids = [f"S{i:03d}" for i in range(1, N_SCHOOLS + 1)]
    low_income = rng.uniform(5, 45, N_SCHOOLS)
    higher_ed = np.clip(60 - 0.6 * low_income + rng.normal(0, 8, N_SCHOOLS), 5, 90)
    ovz = rng.uniform(1, 12, N_SCHOOLS)
    enrol = rng.integers(150, 1200, N_SCHOOLS)
    effect = rng.normal(0, 0.25, N_SCHOOLS)
    effect[[17, 28, 40]] = [-0.9, -0.8, -0.85]  # S018, S029, S041: low beyond conditions
    ability = -0.035 * (low_income - 25) + 0.02 * (higher_ed - 45) + effect
    ability[12] = -0.9  # S013 is weak (its ВПР is inflated below)
    ability[2] = 1.3  # S003, a лицей: genuinely strong, many 5s
    size = rng.integers(18, 45, N_SCHOOLS)
    size[6] = 40  # S007: large enough for O5 to be detectable
    size[44] = 40  # S045 likewise for O2

    pupils, planted = [], {"O1": ["S013"], "O2": ["S007", "S045"], "O3": ["S021"], "O4": ["S034"], "O5": ["S007"],
                           "not_O5": ["S003"]}
    for y in YEARS:
        for i, sid in enumerate(ids):
            if sid == "S060" and y == 2021:
                continue
            if sid == "S058":
                if y == 2023:
                    pupils += oge(rng, sid, y, OGE_MATH, ability[i], 6)
                continue
            n = int(size[i] + rng.integers(-3, 4))
            drift = 0.05 * (y - 2022)
            pupils += vpr(rng, sid, y, VPR_MATH, ability[i] + drift, n)
            pupils += vpr(rng, sid, y, VPR_RUS, ability[i] + drift, n)
            pupils += oge(rng, sid, y, OGE_MATH, ability[i], n)
            pupils += oge(rng, sid, y, OGE_RUS, ability[i], n)
    write_pupils(out / "results.csv", pupils)
    write_context(out / "context.csv", ids, low_income, higher_ed, ovz, enrol, rng)
    with open(out / "schools_info.csv", "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(["school_id", "name", "is_lyceum_or_gymnasium"])
        for i, sid in enumerate(ids):
            lyc = sid in ("S003", "S009")
            name = f"Лицей № {i + 1}" if lyc else f"Средняя школа № {i + 1}"
            w.writerow([sid, name, "true" if lyc else "false"])
    write_checklist(out / "checklist.csv", ids, rng)
    (out / "planted.json").write_text(json.dumps(planted, ensure_ascii=False, indent=2))


def vpr(rng, sid, year, spec, ab, n):
    proc, subj, grade, maxima, bounds = spec
    diff = DIFFICULTY[subj]
    rows = []
    for p in range(n):
        theta = ab + rng.normal(0, 1)
        tasks = []
        for j, m in enumerate(maxima):
            d = diff[j]
            if sid == "S034" and subj == "математика":
                d = d + 0.9 if j < 5 else d - 1.8  # easy worse, hard better
            prob = 1 / (1 + np.exp(-(theta - d)))
            tasks.append(int(rng.binomial(m, prob)))
        if sid == "S013":
            tasks = [min(m, t + int(rng.binomial(m, 0.7))) for t, m in zip(tasks, maxima)]
        score = sum(tasks)
        short = next((b - score for b in bounds if 1 <= b - score <= 2), 0)
        if sid == "S021" and subj == "математика" and short and rng.random() < 0.9:
            score += short
            for _ in range(short):
                k = int(np.argmin([t / m for t, m in zip(tasks, maxima)]))
                while tasks[k] >= maxima[k]:
                    k = (k + 1) % len(tasks)
                tasks[k] += 1
        mark = mark_of(score, bounds)
        # Clean journal: the same mark, or one apart when that mark exists.
        journal = mark if rng.random() < 0.7 else mark + int(rng.choice([-1, 1]))
        journal = journal if 2 <= journal <= 5 else mark
        if sid == "S007":
            if mark == 4 and rng.random() < 0.8:
                mark = 5
            elif rng.random() < 0.5:
                mark = min(5, mark + 1)
        if sid == "S045" and rng.random() < 0.9:
            journal = min(5, mark + 1)
        rows.append(dict(year=year, school_id=sid, procedure=proc, subject=subj, grade=grade,
                         student_key=f"{sid}-{year}-{grade}-{p:03d}", score=score, max_score=sum(maxima),
                         mark=mark, journal_mark=journal, tasks=tasks))
    return rows


def oge(rng, sid, year, spec, ab, n):
    proc, subj, grade, _, bounds, mx = spec
    rows = []
    for p in range(n):
        theta = ab + rng.normal(0, 1)
        score = int(np.clip(round(mx * 0.5 + theta * mx * 0.2 + rng.normal(0, 1.5)), 0, mx))
        rows.append(dict(year=year, school_id=sid, procedure=proc, subject=subj, grade=grade,
                         student_key=f"{sid}-{year}-{grade}-{subj[:3]}-{p:03d}", score=score, max_score=mx,
                         mark=mark_of(score, bounds), journal_mark=None, tasks=[]))
    return rows


def write_pupils(path, rows):
    head = ["year", "school_id", "procedure", "subject", "grade", "student_key", "score", "max_score", "mark",
            "journal_mark"] + [f"task_{j + 1}" for j in range(MAX_TASKS)]
    with open(path, "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(head)
        for r in rows:
            tasks = r["tasks"] + [""] * (MAX_TASKS - len(r["tasks"]))
            w.writerow([r["year"], r["school_id"], r["procedure"], r["subject"], r["grade"], r["student_key"],
                        r["score"], r["max_score"], r["mark"], "" if r["journal_mark"] is None else r["journal_mark"]]
                       + tasks)


def write_context(path, ids, low_income, higher_ed, ovz, enrol, rng):
    with open(path, "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(["school_id", "year", "low_income", "higher_ed", "ovz", "enrolment"])
        for i, sid in enumerate(ids):
            if sid == "S059":
                continue
            he = "" if sid == "S057" else None
            if i < 12:
                w.writerow([sid, "", f"{low_income[i]:.1f}", he if he is not None else f"{higher_ed[i]:.1f}",
                            f"{ovz[i]:.1f}", int(enrol[i])])
                continue
            for y in YEARS:
                d = rng.normal(0, 1)
                w.writerow([sid, y, f"{low_income[i] + d:.1f}",
                            he if he is not None else f"{higher_ed[i] - d:.1f}",
                            f"{ovz[i] + rng.normal(0, 0.3):.1f}", int(enrol[i] + rng.integers(-20, 21))])


def write_checklist(path, ids, rng):
    with open(path, "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(["school_id", "year", "continuation_rate", "graduates", "ege_below_min", "olympiad_participants",
                    "pupils", "kdn_pdn", "noko_satisfaction"])
        for sid in ids:
            for y in YEARS:
                pupils = int(rng.integers(200, 1100))
                miss = rng.random() < 0.1
                w.writerow([sid, y, "" if miss else f"{rng.uniform(40, 95):.1f}", int(rng.integers(10, 60)),
                            int(rng.poisson(0.7)), int(rng.poisson(4)), pupils, int(rng.poisson(1.5)),
                            "" if miss else f"{rng.uniform(55, 95):.1f}"])


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    main(sys.argv[1])
