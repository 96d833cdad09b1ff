//! Step 6: signs of non-objective results (признаки необъективности), O1–O5.
//!
//! Each sign is computed per school and assessment from the sufficient
//! statistics, with its statistic, threshold and a sentence of explanation.
//! "The region" is every school of the run in the same assessment.

use crate::compact::CellTable;
use crate::stats::{AssessmentKey, AssessmentStats, JournalTable};
use crate::text::{cutoff, n2, num};
use crate::{ObjectivityThresholds, SchoolInfo};
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, BTreeSet, HashMap};

/// One row of objectivity.csv.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ObjectivitySign {
    pub school_id: String,
    pub year: i32,
    pub procedure: String,
    pub subject: String,
    pub grade: i32,
    /// "O1".."O5".
    pub sign: String,
    pub statistic: f64,
    pub threshold: f64,
    pub explanation: String,
}

type Cells<'a> = Vec<(&'a str, &'a AssessmentStats)>;

fn norm(s: &str) -> String {
    s.trim().to_lowercase()
}

fn is_in(list: &[String], p: &str) -> bool {
    list.iter().any(|x| norm(x) == norm(p))
}

fn sign(
    school: &str,
    k: &AssessmentKey,
    code: &str,
    statistic: f64,
    threshold: f64,
    explanation: String,
) -> ObjectivitySign {
    ObjectivitySign {
        school_id: school.to_string(),
        year: k.year,
        procedure: k.procedure.clone(),
        subject: k.subject.clone(),
        grade: k.grade,
        sign: code.into(),
        statistic,
        threshold,
        explanation,
    }
}

/// All signs over the assessments in `keys`, sorted by school, assessment, sign.
pub(crate) fn signs(
    table: &CellTable,
    schools: &[SchoolInfo],
    keys: &BTreeSet<AssessmentKey>,
    th: &ObjectivityThresholds,
    notes: &mut Vec<String>,
) -> Vec<ObjectivitySign> {
    // Only the procedures the signs read, grouped by key id (key ids are in
    // key order); within a key the cells stay in school order.
    let relevant: Vec<bool> = table
        .keys()
        .iter()
        .map(|key| {
            keys.contains(key)
                && (is_in(&th.school_procedures, &key.procedure)
                    || is_in(&th.external_procedures, &key.procedure))
        })
        .collect();
    let mut groups: Vec<Vec<u32>> = vec![Vec::new(); table.keys().len()];
    for (i, c) in table.cells().iter().enumerate() {
        if relevant[c.key as usize] {
            groups[c.key as usize].push(i as u32);
        }
    }
    // External exams need only n and Σscore, which cells keep inline; the
    // full statistics of a school procedure are decoded one assessment at a
    // time, so the decoded form never exists for the whole table.
    let moments = |ids: &[u32]| -> Vec<(&str, AssessmentStats)> {
        ids.iter()
            .map(|&i| {
                let c = &table.cells()[i as usize];
                let s = AssessmentStats { n: c.n, sum: c.sum, ..Default::default() };
                (table.school(c), s)
            })
            .collect()
    };
    let ext_cells: Vec<(&AssessmentKey, Vec<(&str, AssessmentStats)>)> = table
        .keys()
        .iter()
        .zip(&groups)
        .filter(|(k, g)| !g.is_empty() && is_in(&th.external_procedures, &k.procedure))
        .map(|(k, g)| (k, moments(g)))
        .collect();
    let by_key: BTreeMap<&AssessmentKey, Cells> = ext_cells
        .iter()
        .map(|(k, cs)| (*k, cs.iter().map(|(id, s)| (*id, s)).collect()))
        .collect();
    let externals = externals(&by_key, th);
    let lyceums: BTreeSet<&str> = schools
        .iter()
        .filter(|s| s.is_lyceum_or_gymnasium)
        .map(|s| s.school_id.as_str())
        .collect();
    // One assessment at a time per thread, decoded into reused buffers.
    let todo: Vec<usize> = (0..table.keys().len())
        .filter(|&k| !groups[k].is_empty() && is_in(&th.school_procedures, &table.keys()[k].procedure))
        .collect();
    let per_key = crate::par::map(todo.len(), Vec::<AssessmentStats>::new, |pool, t| {
        let (key, ids) = (&table.keys()[todo[t]], &groups[todo[t]]);
        if pool.len() < ids.len() {
            pool.resize_with(ids.len(), Default::default);
        }
        for (&i, s) in ids.iter().zip(pool.iter_mut()) {
            table.stats_into(&table.cells()[i as usize], s);
        }
        let cells: Cells = ids
            .iter()
            .zip(pool.iter())
            .map(|(&i, s)| (table.school(&table.cells()[i as usize]), s))
            .collect();
        let mut out = o1(key, &cells, &externals, th);
        out.extend(o2(key, &cells, th));
        out.extend(o3(key, &cells, th));
        out.extend(o4(key, &cells, th));
        out.extend(o5(key, &cells, &lyceums, &externals, th));
        out
    });
    let mut out: Vec<ObjectivitySign> = per_key.into_iter().flatten().collect();
    persistent(&mut out, th.min_assessments, notes);
    if schools.is_empty() && out.iter().any(|s| s.sign == "O5") {
        notes.push(
            "Сведений о типах школ нет: признак O5 проверен без исключения лицеев и гимназий."
                .into(),
        );
    }
    out.sort_by(|a, b| {
        (
            &a.school_id,
            a.year,
            &a.procedure,
            &a.subject,
            a.grade,
            &a.sign,
        )
            .cmp(&(
                &b.school_id,
                b.year,
                &b.procedure,
                &b.subject,
                b.grade,
                &b.sign,
            ))
    });
    out
}

/// Keeps a sign only where the school shows it in at least `min` assessments:
/// with dozens of assessments per school, a single hit at p < 0.01 is expected
/// by chance alone, while a school that is not objective shows it repeatedly.
fn persistent(out: &mut Vec<ObjectivitySign>, min: usize, notes: &mut Vec<String>) {
    if min <= 1 {
        return;
    }
    let mut count: HashMap<(String, String), usize> = HashMap::new();
    for s in out.iter() {
        *count
            .entry((s.school_id.clone(), s.sign.clone()))
            .or_default() += 1;
    }
    let before = out.len();
    out.retain(|s| count[&(s.school_id.clone(), s.sign.clone())] >= min);
    if out.len() < before {
        notes.push(format!(
            "Признак необъективности засчитывается школе, если он повторяется не менее чем в {min} оценочных процедурах; \
             единичных срабатываний отброшено: {}.",
            before - out.len()
        ));
    }
}

fn mean(s: &AssessmentStats) -> f64 {
    s.sum / s.n as f64
}

/// Median of a non-empty list.
fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(f64::total_cmp);
    let m = v.len() / 2;
    if v.len() % 2 == 1 {
        v[m]
    } else {
        (v[m - 1] + v[m]) / 2.0
    }
}

/// Linear-interpolation quantile (numpy's default), q in 0..=100.
pub fn percentile(mut v: Vec<f64>, q: f64) -> f64 {
    v.sort_by(f64::total_cmp);
    let pos = q / 100.0 * (v.len() - 1) as f64;
    let (lo, hi) = (pos.floor() as usize, pos.ceil() as usize);
    v[lo] + (v[hi] - v[lo]) * (pos - lo as f64)
}

/// One-sided binomial test: P(X ≥ k) for X ~ Bin(n, p), by the incomplete beta.
pub fn binom_upper(k: u64, n: u64, p: f64) -> f64 {
    if k == 0 {
        return 1.0;
    }
    if k > n || p <= 0.0 {
        return 0.0;
    }
    if p >= 1.0 {
        return 1.0;
    }
    statrs::function::beta::beta_reg(k as f64, (n - k + 1) as f64, p).clamp(0.0, 1.0)
}

/// An external exam prepared for O1: school means and the regional median.
struct External<'a> {
    key: &'a AssessmentKey,
    means: HashMap<&'a str, f64>,
    median: f64,
    /// The lowest mean still among the region's top `o5_confirmed_top_percent`.
    top: Option<f64>,
}

/// Every external exam (ОГЭ/ЕГЭ), prepared once for O1.
fn externals<'a>(
    all: &BTreeMap<&'a AssessmentKey, Cells<'a>>,
    th: &ObjectivityThresholds,
) -> Vec<External<'a>> {
    all.iter()
        .filter(|(k, _)| is_in(&th.external_procedures, &k.procedure))
        .filter_map(|(k, cs)| {
            let means: HashMap<&str, f64> = cs
                .iter()
                .filter(|c| c.1.n >= th.min_pupils)
                .map(|c| (c.0, mean(c.1)))
                .collect();
            let mut desc: Vec<f64> = means.values().copied().collect();
            desc.sort_by(|a, b| b.total_cmp(a));
            let top = th.o5_confirmed_top_percent.and_then(|q| {
                desc.get((cutoff(q, desc.len()) as usize).max(1) - 1)
                    .copied()
            });
            (!means.is_empty()).then(|| External {
                key: k,
                median: median(desc.clone()),
                means,
                top,
            })
        })
        .collect()
}

/// The external exams of the same subject within a year of `key`: the same
/// year first, then the next, then the previous; within a year the nearest
/// grade (ВПР 8 → ОГЭ 9 before ЕГЭ 11).
fn matching<'e, 'a>(key: &AssessmentKey, all: &'e [External<'a>]) -> Vec<&'e External<'a>> {
    nearest(key, all, true)
}

/// External exams within a year of `key` (of the same subject when
/// `same_subject`), nearest first: year, then grade, then subject name.
fn nearest<'e, 'a>(
    key: &AssessmentKey,
    all: &'e [External<'a>],
    same_subject: bool,
) -> Vec<&'e External<'a>> {
    let mut ext: Vec<&External> = all
        .iter()
        .filter(|e| !same_subject || norm(&e.key.subject) == norm(&key.subject))
        .filter(|e| (e.key.year - key.year).abs() <= 1)
        .collect();
    let order = |k: &AssessmentKey| {
        (
            (k.year - key.year).abs(),
            -(k.year - key.year),
            (k.grade - key.grade).abs(),
            k.grade,
            k.procedure.clone(),
            k.subject.clone(),
        )
    };
    ext.sort_by_key(|e| order(e.key));
    ext
}

/// O1: ВПР mean in the region's top P% while the school's mean in the closest
/// external exam of the same subject is below the regional median.
fn o1(
    key: &AssessmentKey,
    cells: &Cells,
    all: &[External],
    th: &ObjectivityThresholds,
) -> Vec<ObjectivitySign> {
    let mut desc: Vec<(&str, f64)> = cells
        .iter()
        .filter(|c| c.1.n >= th.min_pupils)
        .map(|c| (c.0, mean(c.1)))
        .collect();
    desc.sort_by(|a, b| b.1.total_cmp(&a.1).then_with(|| a.0.cmp(b.0)));
    let top = cutoff(th.o1_top_percent, desc.len()) as usize;
    let ext = if top > 0 { matching(key, all) } else { vec![] };
    let mut out = Vec::new();
    for (rank, (school, m)) in desc.iter().take(top).enumerate() {
        let found = ext
            .iter()
            .find_map(|e| e.means.get(school).map(|em| (e, *em)));
        if let Some((e, em)) = found.filter(|(e, em)| *em < e.median) {
            let text = format!(
                "Средний балл ВПР {} — в {}% лучших по региону (место {} из {}), но {}: средний балл {} ниже медианы региона {}.",
                n2(*m),
                num(th.o1_top_percent, 0),
                rank + 1,
                desc.len(),
                e.key.label(),
                n2(em),
                n2(e.median)
            );
            out.push(sign(school, key, "O1", em, e.median, text));
        }
    }
    out
}

/// Regional rates of the discrepancy among pupils with the same sum of the two
/// marks (ВПР + journal, a level estimate that favours neither). Conditioning
/// on either mark alone makes a strong or a weak school look suspicious by
/// regression to the mean (a weak school has many ВПР 2s, which can only be
/// "below"); at a fixed sum, which of the two marks is higher depends on how
/// the school grades, not on how strong it is.
fn conditional_rates(tables: &[&JournalTable], higher: bool) -> [f64; 7] {
    let mut n = [0u64; 7];
    let mut hits = [0u64; 7];
    for t in tables {
        for (b, (nb, hb)) in by_sum(t, higher).into_iter().enumerate() {
            n[b] += nb;
            hits[b] += hb;
        }
    }
    std::array::from_fn(|b| {
        if n[b] > 0 {
            hits[b] as f64 / n[b] as f64
        } else {
            0.0
        }
    })
}

/// Per sum of the two marks (0..=6 over marks 2..5): pupils, and how many
/// show the discrepancy (ВПР above the journal when `higher`, below otherwise).
fn by_sum(t: &JournalTable, higher: bool) -> [(u64, u64); 7] {
    let mut out = [(0u64, 0u64); 7];
    for (m, row) in t.iter().enumerate() {
        for (j, &c) in row.iter().enumerate() {
            out[m + j].0 += c as u64;
            if (higher && m > j) || (!higher && m < j) {
                out[m + j].1 += c as u64;
            }
        }
    }
    out
}

/// One-sided p of `observed` against the count expected at the school's own
/// marks (normal approximation of the Poisson-binomial), and that count.
fn conditional_p(t: &JournalTable, rates: &[f64; 7], higher: bool, observed: u64) -> (f64, f64) {
    let (mut e, mut v) = (0.0, 0.0);
    for ((n, _), r) in by_sum(t, higher).iter().zip(rates) {
        let n = *n as f64;
        e += n * r;
        v += n * r * (1.0 - r);
    }
    let d = observed as f64 - e;
    let p = if v > 0.0 {
        0.5 * statrs::function::erf::erfc(d / (2.0 * v).sqrt())
    } else if d > 0.0 {
        0.0
    } else {
        1.0
    };
    (p, e)
}

/// O2: share of pupils with a ВПР mark above (below) the journal mark beyond the
/// regional 90th percentile of that share. By default also beyond chance at
/// the school's own marks (see [`conditional_rates`]), so that the percentile
/// rule does not list 10% of schools in every assessment by construction.
fn o2(key: &AssessmentKey, cells: &Cells, th: &ObjectivityThresholds) -> Vec<ObjectivitySign> {
    let with: Vec<&(&str, &AssessmentStats)> = cells
        .iter()
        .filter(|c| c.1.journal_n >= th.min_pupils)
        .collect();
    if with.len() < 2 {
        return vec![];
    }
    let tables: Option<Vec<&JournalTable>> =
        with.iter().map(|c| c.1.journal_table.as_deref()).collect();
    let total: u64 = with.iter().map(|c| c.1.journal_n).sum();
    let mut out = Vec::new();
    for higher in [true, false] {
        let count = |s: &AssessmentStats| {
            if higher {
                s.journal_higher
            } else {
                s.journal_lower
            }
        };
        let shares: Vec<f64> = with
            .iter()
            .map(|c| count(c.1) as f64 / c.1.journal_n as f64)
            .collect();
        let p90 = percentile(shares.clone(), th.o2_percentile);
        let regional = with.iter().map(|c| count(c.1)).sum::<u64>() as f64 / total as f64;
        let rates = tables.as_ref().map(|t| conditional_rates(t, higher));
        for (c, share) in with.iter().zip(&shares) {
            if *share <= p90 {
                continue;
            }
            // Without the mark table (cells stored before it existed): against the regional share.
            let (p, expected) = match (&rates, c.1.journal_table.as_deref()) {
                (Some(r), Some(t)) => conditional_p(t, r, higher, count(c.1)),
                _ => (
                    binom_upper(count(c.1), c.1.journal_n, regional),
                    regional * c.1.journal_n as f64,
                ),
            };
            if th.o2_guard_p.is_some_and(|a| p >= a) {
                continue;
            }
            let what = if higher {
                "отметка за ВПР выше отметки в журнале"
            } else {
                "отметка за ВПР ниже отметки в журнале (завышены журнальные отметки)"
            };
            let text = format!(
                "У {} из {} участников {what}: доля {}% при {}-м процентиле региона {}%; \
                 при тех же отметках по региону ожидалось {} чел. (p {}).",
                count(c.1),
                c.1.journal_n,
                num(100.0 * share, 1),
                num(th.o2_percentile, 0),
                num(100.0 * p90, 1),
                num(expected, 1),
                crate::text::pval(p)
            );
            out.push(sign(c.0, key, "O2", *share, p90, text));
        }
    }
    out
}

/// Regional mark boundaries: for marks 3, 4, 5 the most frequent of the
/// schools' lowest scores with that mark (ties: the lower score).
fn boundaries(cells: &Cells) -> Vec<(usize, i64)> {
    let mut out = Vec::new();
    for m in 1..4 {
        let mut freq: BTreeMap<i64, usize> = BTreeMap::new();
        for c in cells {
            if let Some(v) = c.1.mark_min[m].filter(|v| v.fract() == 0.0) {
                *freq.entry(v as i64).or_default() += 1;
            }
        }
        let best = freq
            .iter()
            .fold(None, |b: Option<(i64, usize)>, (v, f)| match b {
                Some((_, bf)) if bf >= *f => b,
                _ => Some((*v, *f)),
            });
        if let Some((t, _)) = best {
            out.push((m, t));
        }
    }
    out
}

/// O3: heaping at a mark boundary t: pupils at t versus t−1 against the
/// region's proportion, one-sided binomial test.
fn o3(key: &AssessmentKey, cells: &Cells, th: &ObjectivityThresholds) -> Vec<ObjectivitySign> {
    let clean: Vec<&(&str, &AssessmentStats)> = cells
        .iter()
        .filter(|c| c.1.non_integral == 0 && !c.1.score_hist.is_empty())
        .collect();
    let mut out = Vec::new();
    for (m, t) in boundaries(cells) {
        let at = |s: &AssessmentStats, x: i64| s.score_hist.get(x);
        let (rt, rb): (u64, u64) = clean
            .iter()
            .fold((0, 0), |a, c| (a.0 + at(c.1, t), a.1 + at(c.1, t - 1)));
        if rt + rb == 0 {
            continue;
        }
        let pi = rt as f64 / (rt + rb) as f64;
        for c in clean.iter().filter(|c| c.1.n >= th.min_pupils) {
            let (ct, cb) = (at(c.1, t), at(c.1, t - 1));
            // At or below the regional proportion the p-value is large: skip the test.
            if ct + cb == 0 || ct as f64 <= pi * (ct + cb) as f64 {
                continue;
            }
            let p = binom_upper(ct, ct + cb, pi);
            if p >= th.o3_p {
                continue;
            }
            let ratio = |a: u64, b: u64| {
                if b == 0 {
                    "∞".to_string()
                } else {
                    n2(a as f64 / b as f64)
                }
            };
            let text = format!(
                "Граница отметки «{}» — {t} б.: на ней {ct} участников, на балл ниже — {cb} (соотношение {}; в регионе {}). Биномиальный критерий p {} < {}.",
                m + 2,
                ratio(ct, cb),
                ratio(rt, rb),
                crate::text::pval(p),
                num(th.o3_p, 2)
            );
            out.push(sign(c.0, key, "O3", p, th.o3_p, text));
        }
    }
    out
}

/// Average ranks (ties share the mean rank).
fn avg_ranks(v: &[f64]) -> Vec<f64> {
    let mut idx: Vec<usize> = (0..v.len()).collect();
    idx.sort_by(|&a, &b| v[a].total_cmp(&v[b]));
    let mut r = vec![0.0; v.len()];
    let mut i = 0;
    while i < idx.len() {
        let mut j = i;
        while j + 1 < idx.len() && v[idx[j + 1]] == v[idx[i]] {
            j += 1;
        }
        for &k in &idx[i..=j] {
            r[k] = (i + j) as f64 / 2.0 + 1.0;
        }
        i = j + 1;
    }
    r
}

/// Spearman's ρ: Pearson correlation of average ranks; None if either is constant.
pub fn spearman(x: &[f64], y: &[f64]) -> Option<f64> {
    let (rx, ry) = (avg_ranks(x), avg_ranks(y));
    let n = x.len() as f64;
    let (mx, my) = (rx.iter().sum::<f64>() / n, ry.iter().sum::<f64>() / n);
    let sxy: f64 = rx.iter().zip(&ry).map(|(a, b)| (a - mx) * (b - my)).sum();
    let sxx: f64 = rx.iter().map(|a| (a - mx).powi(2)).sum();
    let syy: f64 = ry.iter().map(|b| (b - my).powi(2)).sum();
    (sxx > 0.0 && syy > 0.0).then(|| sxy / (sxx * syy).sqrt())
}

/// Per task: regional success rate and the task's maximum (None when unknown).
fn region_tasks(cells: &Cells, tasks: usize) -> Vec<Option<(f64, f64)>> {
    (0..tasks)
        .map(|j| {
            let (mut s, mut n, mut mx) = (0.0, 0u64, 0.0f64);
            for c in cells
                .iter()
                .filter(|c| c.1.task_n.get(j).is_some_and(|n| *n > 0))
            {
                s += c.1.task_sums[j];
                n += c.1.task_n[j];
                mx = mx.max(c.1.task_max[j]);
            }
            (n > 0 && mx > 0.0).then(|| (s / n as f64 / mx, mx))
        })
        .collect()
}

/// One task of one school: difference from the region, difficulty, and the
/// variance of the school's rate if it were the region's (binomial bound).
struct TaskDiff {
    diff: f64,
    hard: f64,
    var: f64,
}

/// The "easy worse, hard better" pattern: gap between the harder and the easier
/// half of the tasks (by regional difficulty), its z, and the two half means.
fn gap(t: &[TaskDiff]) -> (f64, f64, f64) {
    let mut v: Vec<&TaskDiff> = t.iter().collect();
    v.sort_by(|a, b| a.hard.total_cmp(&b.hard));
    let h = v.len() / 2;
    let (easy, hard) = (&v[..h], &v[v.len() - h..]);
    let mean = |x: &[&TaskDiff]| x.iter().map(|t| t.diff).sum::<f64>() / x.len() as f64;
    let var = |x: &[&TaskDiff]| x.iter().map(|t| t.var).sum::<f64>() / (x.len() * x.len()) as f64;
    let (me, mh) = (mean(easy), mean(hard));
    let se = (var(easy) + var(hard)).sqrt();
    (if se > 0.0 { (mh - me) / se } else { 0.0 }, me, mh)
}

/// O4: the school's success rate minus the region's, per task, rises with task
/// difficulty (1 − regional success rate): Spearman ρ above the threshold.
/// By default the sign also needs what it is named after — easy tasks below
/// the region, hard ones above, beyond chance — because ρ over ~10 noisy tasks
/// exceeds 0.5 by chance alone in about 7% of schools, and a strong school
/// gains most on hard tasks without any cheating.
fn o4(key: &AssessmentKey, cells: &Cells, th: &ObjectivityThresholds) -> Vec<ObjectivitySign> {
    let tasks = cells.iter().map(|c| c.1.task_sums.len()).max().unwrap_or(0);
    if tasks < th.o4_min_tasks {
        return vec![];
    }
    let region = region_tasks(cells, tasks);
    let mut out = Vec::new();
    for c in cells.iter().filter(|c| c.1.n >= th.min_pupils) {
        let mut t = Vec::new();
        for (j, r) in region.iter().enumerate() {
            let (Some((rate, mx)), Some(&n)) = (r, c.1.task_n.get(j)) else {
                continue;
            };
            if n > 0 {
                let var = rate * (1.0 - rate) / n as f64;
                t.push(TaskDiff {
                    diff: c.1.task_sums[j] / n as f64 / mx - rate,
                    hard: 1.0 - *rate,
                    var,
                });
            }
        }
        if t.len() < th.o4_min_tasks {
            continue;
        }
        let diff: Vec<f64> = t.iter().map(|x| x.diff).collect();
        let hard: Vec<f64> = t.iter().map(|x| x.hard).collect();
        let Some(rho) = spearman(&diff, &hard).filter(|r| *r > th.o4_rho) else {
            continue;
        };
        let (z, easy_mean, hard_mean) = gap(&t);
        if th
            .o4_gap_z
            .is_some_and(|zmin| !(easy_mean < 0.0 && hard_mean > 0.0 && z > zmin))
        {
            continue;
        }
        let text = format!(
            "По {} заданиям: ранговая корреляция разницы с регионом и трудности задания ρ = {} > {}; \
             лёгкие задания в среднем на {} п. п. хуже региона, трудные на {} п. п. лучше (разрыв {} ст. ошибки).",
            t.len(),
            n2(rho),
            n2(th.o4_rho),
            num(-100.0 * easy_mean, 1),
            num(100.0 * hard_mean, 1),
            num(z, 1)
        );
        out.push(sign(c.0, key, "O4", rho, th.o4_rho, text));
    }
    out
}

/// O5: share of mark 5 above the region's by more than z binomial standard
/// errors, for a school that is not a лицей or гимназия. By default not when
/// the closest external exam of the same subject confirms the level (the
/// school is among the region's top `o5_confirmed_top_percent` there): a strong
/// ordinary school earns its 5s, and the sign is about 5s nothing supports.
fn o5(
    key: &AssessmentKey,
    cells: &Cells,
    lyceums: &BTreeSet<&str>,
    ext_all: &[External],
    th: &ObjectivityThresholds,
) -> Vec<ObjectivitySign> {
    let marks = |s: &AssessmentStats| s.mark_counts.iter().sum::<u64>();
    let total: u64 = cells.iter().map(|c| marks(c.1)).sum();
    if total == 0 {
        return vec![];
    }
    // Only the same subject confirms: a school strong in ОГЭ математика may
    // still inflate its ВПР русский язык.
    let ext = matching(key, ext_all);
    let pr = cells.iter().map(|c| c.1.mark_counts[3]).sum::<u64>() as f64 / total as f64;
    let mut out = Vec::new();
    for c in cells
        .iter()
        .filter(|c| marks(c.1) >= th.min_pupils && !lyceums.contains(c.0))
    {
        let m = marks(c.1) as f64;
        let se = (pr * (1.0 - pr) / m).sqrt();
        let ps = c.1.mark_counts[3] as f64 / m;
        if se <= 0.0 || (ps - pr) / se <= th.o5_z {
            continue;
        }
        let external = ext.iter().find_map(|e| e.means.get(c.0).map(|m| (e, *m)));
        let confirmed = external.filter(|(e, m)| e.top.is_some_and(|t| *m >= t));
        if th.o5_confirmed_top_percent.is_some() && confirmed.is_some() {
            continue;
        }
        let z = (ps - pr) / se;
        let not_confirmed = match (th.o5_confirmed_top_percent, external) {
            (Some(q), Some((e, m))) => format!(
                "; {} не подтверждает уровень: средний балл {} — не в {}% лучших по региону",
                e.key.label(),
                n2(m),
                num(q, 0)
            ),
            (Some(_), None) => "; внешнего экзамена по этому предмету для сравнения нет".into(),
            (None, _) => String::new(),
        };
        let text = format!(
            "Доля отметок «5» {}% ({} из {}) при {}% по региону: превышение на {} стандартной ошибки (порог {}); школа не лицей и не гимназия{not_confirmed}.",
            num(100.0 * ps, 1),
            c.1.mark_counts[3],
            marks(c.1),
            num(100.0 * pr, 1),
            n2(z),
            n2(th.o5_z)
        );
        out.push(sign(c.0, key, "O5", z, th.o5_z, text));
    }
    out
}
