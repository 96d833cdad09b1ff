//! Step 6: signs of non-objective results (признаки необъективности), O1–O5.
//!
//! Each sign is computed per school and assessment from the sufficient
//! statistics, with its statistic, threshold and a sentence of explanation.
//! "The region" is every school of the run in the same assessment.
//!
//! Every sign is also a statistical test with a one-sided p-value per
//! (school, assessment) cell. By default (`fdr_q`) a sign is shown in a cell
//! only when its p-value is significant after the Benjamini–Hochberg
//! procedure over all cells of the run in which the sign was tested, and the
//! methodology's own rule holds there; without `fdr_q` each cell is judged
//! on its own by the methodology's rule (and the per-cell guards).

use crate::compact::CellTable;
use crate::fdr::Bh;
pub use crate::pvalue::binom_upper;
use crate::pvalue::{binomials_upper_screened, normal_upper};
use crate::stats::{AssessmentKey, AssessmentStats, JournalTable};
use crate::text::{cutoff, n2, num, pval};
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
    /// One-sided p-value of the sign's test in this cell.
    #[serde(default)]
    pub p_value: Option<f64>,
    /// Benjamini–Hochberg adjusted p-value over the run's tested cells
    /// (None when the run judges cells on their own).
    #[serde(default)]
    pub q_value: Option<f64>,
}

/// How one sign was tested over the run: «ожидается случайно: N, найдено: M».
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct SignTests {
    /// "O1".."O5".
    pub sign: String,
    /// Cells (school × assessment) in which the sign was tested.
    pub cells_tested: u64,
    /// Cells significant after Benjamini–Hochberg at `fdr_q`; without
    /// `fdr_q`, cells where the per-cell rule holds.
    pub significant: u64,
    /// Expected chance findings among `significant`: `fdr_q` × significant
    /// (the false discovery rate bounds their expected share by q); None
    /// without `fdr_q`.
    pub expected_false: Option<f64>,
    /// The false discovery rate the sign was controlled at.
    pub fdr_q: Option<f64>,
    /// The largest significant p-value (None when nothing is significant or
    /// without `fdr_q`).
    pub p_cutoff: Option<f64>,
    /// Cells where the sign is shown: significant and the methodology's
    /// rule holds (before the listing rule).
    pub cells_shown: u64,
    /// Schools listed with the sign (after the listing rule).
    pub schools_listed: u64,
}

/// The signs, in order.
pub const SIGNS: [&str; 5] = ["O1", "O2", "O3", "O4", "O5"];

/// One sign's tests in part of the run (one assessment, or all merged): how
/// many cells were tested, the p-values that can pass BH, and the rows that
/// may be shown.
#[derive(Debug, Default)]
struct Family {
    fdr_q: Option<f64>,
    tested: u64,
    /// With FDR: the p-values ≤ q (no other can be significant).
    small: Vec<f64>,
    rows: Vec<ObjectivitySign>,
}

impl Family {
    fn new(fdr_q: Option<f64>) -> Self {
        Family {
            fdr_q,
            ..Default::default()
        }
    }

    /// One tested cell with p-value `p`. With FDR the row is kept when the
    /// methodology's `rule` holds and p may pass BH; otherwise when the
    /// per-cell decision `per_cell` holds. `row` is built only then.
    fn test(&mut self, p: f64, rule: bool, per_cell: bool, row: impl FnOnce() -> ObjectivitySign) {
        self.tested += 1;
        let keep = match self.fdr_q {
            Some(q) if p <= q => {
                self.small.push(p);
                rule
            }
            Some(_) => false,
            None => per_cell,
        };
        if keep {
            self.push(p, row());
        }
    }

    fn push(&mut self, p: f64, mut row: ObjectivitySign) {
        row.p_value = Some(p);
        self.rows.push(row);
    }

    fn merge(&mut self, other: Family) {
        self.tested += other.tested;
        self.small.extend(other.small);
        self.rows.extend(other.rows);
    }
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
        p_value: None,
        q_value: None,
    }
}

/// All signs over the assessments in `keys`, sorted by school, assessment,
/// sign; and how each sign was tested over the run.
pub(crate) fn signs(
    table: &CellTable,
    schools: &[SchoolInfo],
    keys: &BTreeSet<AssessmentKey>,
    th: &ObjectivityThresholds,
    notes: &mut Vec<String>,
) -> (Vec<ObjectivitySign>, Vec<SignTests>) {
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
    // External exams need only n, Σscore and Σscore², which cells keep
    // inline; the full statistics of a school procedure are decoded one
    // assessment at a time, so the decoded form never exists for the whole
    // table.
    let moments = |ids: &[u32]| -> Vec<(&str, AssessmentStats)> {
        ids.iter()
            .map(|&i| {
                let c = &table.cells()[i as usize];
                let s = AssessmentStats {
                    n: c.n,
                    sum: c.sum,
                    sum_sq: c.sum_sq,
                    school_level: c.school_level,
                    ..Default::default()
                };
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
        .filter(|&k| {
            !groups[k].is_empty() && is_in(&th.school_procedures, &table.keys()[k].procedure)
        })
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
        let mut f: [Family; 5] = std::array::from_fn(|_| Family::new(th.fdr_q));
        o1(key, &cells, &externals, th, &mut f[0]);
        o2(key, &cells, th, &mut f[1]);
        o3(key, &cells, th, &mut f[2]);
        o4(key, &cells, th, &mut f[3]);
        o5(key, &cells, &lyceums, &externals, th, &mut f[4]);
        f
    });
    let mut families: [Family; 5] = std::array::from_fn(|_| Family::new(th.fdr_q));
    for part in per_key {
        for (all, f) in families.iter_mut().zip(part) {
            all.merge(f);
        }
    }
    let (mut out, mut tests): (Vec<ObjectivitySign>, Vec<SignTests>) = (Vec::new(), Vec::new());
    for (code, f) in SIGNS.iter().zip(families) {
        let (rows, t) = decide(code, f);
        out.extend(rows);
        tests.push(t);
    }
    persistent(&mut out, th.min_assessments, notes);
    for t in &mut tests {
        let listed: BTreeSet<&str> = out
            .iter()
            .filter(|s| s.sign == t.sign)
            .map(|s| s.school_id.as_str())
            .collect();
        t.schools_listed = listed.len() as u64;
    }
    fdr_note(&tests, notes);
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
    (out, tests)
}

/// The rows of one sign that are shown, and its account. With FDR: the rows
/// whose p-value is significant after Benjamini–Hochberg over every tested
/// cell of the run, each told the adjusted p-value and the chance count.
fn decide(code: &str, f: Family) -> (Vec<ObjectivitySign>, SignTests) {
    let Family {
        fdr_q,
        tested,
        small,
        mut rows,
    } = f;
    let mut t = SignTests {
        sign: code.to_string(),
        cells_tested: tested,
        fdr_q,
        ..Default::default()
    };
    let Some(q) = fdr_q else {
        t.significant = rows.len() as u64;
        t.cells_shown = rows.len() as u64;
        return (rows, t);
    };
    let bh = Bh::new(small, tested, q);
    rows.retain(|r| r.p_value.is_some_and(|p| bh.passes(p)));
    (t.significant, t.expected_false, t.p_cutoff) =
        (bh.significant(), Some(bh.expected_false()), bh.cutoff());
    t.cells_shown = rows.len() as u64;
    for r in &mut rows {
        let adjusted = bh.adjusted(r.p_value.unwrap_or(1.0));
        r.q_value = Some(adjusted);
        if code == "O3" {
            // O3's threshold is a p-value: the one BH sets over the run.
            r.threshold = bh.cutoff().unwrap_or(q);
        }
        r.explanation.push(' ');
        r.explanation.push_str(&fdr_sentence(&t, adjusted));
    }
    (rows, t)
}

/// «По региону признак проверен в 9 000 ячейках: найдено 12, ожидается случайно 0,6; …».
fn fdr_sentence(t: &SignTests, adjusted: f64) -> String {
    format!(
        "Поправка на множественные сравнения (Бенджамини — Хохберг, доля ложных находок {}%): \
         по региону признак проверен в {} ячейках «школа × процедура», найдено {}, ожидается случайно {}; \
         скорректированное p {}.",
        num(100.0 * t.fdr_q.unwrap_or(0.0), 0),
        t.cells_tested,
        t.significant,
        num(t.expected_false.unwrap_or(0.0), 1),
        pval(adjusted)
    )
}

/// One note for the run: per sign, tested cells, found and expected by chance.
fn fdr_note(tests: &[SignTests], notes: &mut Vec<String>) {
    let Some(q) = tests.first().and_then(|t| t.fdr_q) else {
        return;
    };
    let parts: Vec<String> = tests
        .iter()
        .map(|t| {
            format!(
                "{} — проверено {}, найдено {}, ожидается случайно {}",
                t.sign,
                t.cells_tested,
                t.significant,
                num(t.expected_false.unwrap_or(0.0), 1)
            )
        })
        .collect();
    notes.push(format!(
        "Признаки необъективности проверены с поправкой на множественные сравнения \
         (Бенджамини — Хохберг, доля ложных находок {}%) по ячейкам «школа × процедура»: {}.",
        num(100.0 * q, 0),
        parts.join("; ")
    ));
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

/// An external exam prepared for O1 and O5: school means and the regional
/// median, and what O1's test needs.
struct External<'a> {
    key: &'a AssessmentKey,
    means: HashMap<&'a str, f64>,
    median: f64,
    /// The lowest mean still among the region's top `o5_confirmed_top_percent`.
    top: Option<f64>,
    /// Standings of the schools (see [`Standings`]).
    standings: Standings<'a>,
}

/// Where schools stand in one assessment: (mean − regional mean of school
/// means) / their SD, and the squared standard error of that standing.
struct Standings<'a> {
    by_school: HashMap<&'a str, (f64, f64)>,
}

impl<'a> Standings<'a> {
    /// Over the cells with at least `min` pupils; empty when the school means
    /// do not vary.
    fn new(cells: &[(&'a str, &AssessmentStats)], min: u64) -> Self {
        let used: Vec<&(&str, &AssessmentStats)> = cells.iter().filter(|c| c.1.n >= min).collect();
        let means: Vec<f64> = used.iter().map(|c| mean(c.1)).collect();
        let by_school = match spread(&means) {
            Some((centre, sd)) => {
                let within = pooled_within(&used).unwrap_or(0.0);
                used.iter()
                    .zip(&means)
                    .map(|(c, m)| (c.0, ((m - centre) / sd, within / (c.1.n as f64 * sd * sd))))
                    .collect()
            }
            None => HashMap::new(),
        };
        Standings { by_school }
    }

    fn get(&self, school: &str) -> Option<(f64, f64)> {
        self.by_school.get(school).copied()
    }
}

/// Mean and sample SD of at least two values; None when they do not vary.
fn spread(v: &[f64]) -> Option<(f64, f64)> {
    if v.len() < 2 {
        return None;
    }
    let m = v.iter().sum::<f64>() / v.len() as f64;
    let var = v.iter().map(|x| (x - m).powi(2)).sum::<f64>() / (v.len() - 1) as f64;
    (var > 1e-12 * m.abs().max(1.0).powi(2)).then(|| (m, var.sqrt()))
}

/// Pupils' variance within schools, pooled over the pupil-level cells.
fn pooled_within(cells: &[&(&str, &AssessmentStats)]) -> Option<f64> {
    let (mut ss, mut df) = (0.0, 0.0);
    for c in cells.iter().filter(|c| !c.1.school_level && c.1.n >= 2) {
        let n = c.1.n as f64;
        ss += (c.1.sum_sq - c.1.sum * c.1.sum / n).max(0.0);
        df += n - 1.0;
    }
    (df > 0.0).then(|| ss / df)
}

/// Every external exam (ОГЭ/ЕГЭ), prepared once for O1 and O5.
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
                standings: Standings::new(cs, th.min_pupils),
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
///
/// Test: the school's standing in the ВПР minus its standing in that exam
/// (each in SDs of the school means) against the other schools' differences:
/// z = (d − median d) / √(τ² + SE²), τ² the spread of true differences
/// between schools (robust: from the MAD, less the typical SE²), SE² the
/// sampling error of the two means. One-sided: ВПР above the exam.
fn o1(
    key: &AssessmentKey,
    cells: &Cells,
    all: &[External],
    th: &ObjectivityThresholds,
    fam: &mut Family,
) {
    let mut desc: Vec<(&str, f64)> = cells
        .iter()
        .filter(|c| c.1.n >= th.min_pupils)
        .map(|c| (c.0, mean(c.1)))
        .collect();
    desc.sort_by(|a, b| b.1.total_cmp(&a.1).then_with(|| a.0.cmp(b.0)));
    let top = cutoff(th.o1_top_percent, desc.len()) as usize;
    let ext = matching(key, all);
    let vpr = Standings::new(cells, th.min_pupils);
    // Per school: its rank, ВПР mean, the exam and mean, and the difference of standings.
    let pairs: Vec<O1Pair> = desc
        .iter()
        .enumerate()
        .filter_map(|(rank, (school, m))| {
            let (e, em) = ext
                .iter()
                .find_map(|e| e.means.get(school).map(|em| (*e, *em)))?;
            let (x, sx) = vpr.get(school)?;
            let (y, sy) = e.standings.get(school)?;
            Some(O1Pair {
                school,
                rank,
                mean: *m,
                ext: e,
                ext_mean: em,
                d: x - y,
                se2: sx + sy,
            })
        })
        .collect();
    let null = DiffNull::new(&pairs);
    // Too few schools to test: only the per-cell rule can judge them.
    if null.is_none() && th.fdr_q.is_some() {
        return;
    }
    for pair in &pairs {
        let p = null.as_ref().map_or(1.0, |n| n.p(pair));
        let rule = pair.rank < top && pair.ext_mean < pair.ext.median;
        fam.test(p, rule, rule, || o1_row(key, pair, desc.len(), p, th));
    }
}

/// One ВПР school of O1 with its external exam.
struct O1Pair<'e, 'a> {
    school: &'a str,
    rank: usize,
    mean: f64,
    ext: &'e External<'a>,
    ext_mean: f64,
    /// ВПР standing − exam standing, and its squared standard error.
    d: f64,
    se2: f64,
}

/// The distribution of O1's differences among the region's schools.
struct DiffNull {
    centre: f64,
    tau2: f64,
}

impl DiffNull {
    /// None with fewer than 5 schools: no spread to compare with.
    fn new(pairs: &[O1Pair]) -> Option<Self> {
        if pairs.len() < 5 {
            return None;
        }
        let d: Vec<f64> = pairs.iter().map(|p| p.d).collect();
        let centre = median(d.clone());
        let mad = median(d.iter().map(|x| (x - centre).abs()).collect());
        let se2 = median(pairs.iter().map(|p| p.se2).collect());
        let tau2 = ((1.4826 * mad).powi(2) - se2).max(0.0);
        Some(DiffNull { centre, tau2 })
    }

    fn p(&self, pair: &O1Pair) -> f64 {
        let sd = (self.tau2 + pair.se2).sqrt();
        if sd > 0.0 {
            normal_upper((pair.d - self.centre) / sd)
        } else if pair.d > self.centre {
            0.0
        } else {
            1.0
        }
    }
}

fn o1_row(
    key: &AssessmentKey,
    pair: &O1Pair,
    n: usize,
    p: f64,
    th: &ObjectivityThresholds,
) -> ObjectivitySign {
    let e = pair.ext;
    let text = format!(
        "Средний балл ВПР {} — в {}% лучших по региону (место {} из {}), но {}: средний балл {} ниже медианы региона {}. \
         Положение школы в ВПР выше, чем в экзамене, на {} ст. откл. средних баллов школ (p {}).",
        n2(pair.mean),
        num(th.o1_top_percent, 0),
        pair.rank + 1,
        n,
        e.key.label(),
        n2(pair.ext_mean),
        n2(e.median),
        n2(pair.d),
        pval(p)
    );
    sign(pair.school, key, "O1", pair.ext_mean, e.median, text)
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
/// marks (exact: a sum of binomials, one per sum of the two marks), and
/// that count.
fn conditional_p(t: &JournalTable, rates: &[f64; 7], higher: bool, observed: u64) -> (f64, f64) {
    let groups: Vec<(u64, f64)> = by_sum(t, higher)
        .iter()
        .zip(rates)
        .map(|((n, _), r)| (*n, *r))
        .collect();
    let expected = groups.iter().map(|(n, r)| *n as f64 * r).sum();
    (binomials_upper_screened(&groups, observed), expected)
}

/// One direction of O2 in one school: ВПР above the journal (`higher`) or below.
struct O2Side {
    higher: bool,
    count: u64,
    share: f64,
    p90: f64,
    p: f64,
    expected: f64,
}

/// O2: share of pupils with a ВПР mark above (below) the journal mark beyond the
/// regional 90th percentile of that share. Test: the count against the
/// region at the school's own marks (see [`conditional_rates`]), one-sided
/// in each direction; the cell's p is the smaller of the two, doubled. By
/// default (without FDR) also that count beyond chance at `o2_guard_p`, so
/// that the percentile rule does not list 10% of schools in every assessment
/// by construction.
fn o2(key: &AssessmentKey, cells: &Cells, th: &ObjectivityThresholds, fam: &mut Family) {
    let with: Vec<&(&str, &AssessmentStats)> = cells
        .iter()
        .filter(|c| c.1.journal_n >= th.min_pupils)
        .collect();
    if with.len() < 2 {
        return;
    }
    let sides: [Vec<O2Side>; 2] =
        [true, false].map(|higher| o2_sides(&with, higher, th.o2_percentile));
    for (i, c) in with.iter().enumerate() {
        let pair = [&sides[0][i], &sides[1][i]];
        let rule = |s: &O2Side| s.share > s.p90;
        let per_cell = |s: &O2Side| rule(s) && th.o2_guard_p.is_none_or(|a| s.p < a);
        let row = |s: &O2Side| o2_row(c, key, s, th);
        if th.fdr_q.is_none() {
            fam.tested += 1;
            for s in pair.into_iter().filter(|s| per_cell(s)) {
                fam.push(s.p, row(s));
            }
            continue;
        }
        let best = if pair[0].p <= pair[1].p {
            pair[0]
        } else {
            pair[1]
        };
        let p = (2.0 * best.p).min(1.0);
        fam.test(p, rule(best), false, || row(best));
    }
}

/// Each school's numbers for one direction of O2.
fn o2_sides(with: &[&(&str, &AssessmentStats)], higher: bool, percent: f64) -> Vec<O2Side> {
    let count = |s: &AssessmentStats| {
        if higher {
            s.journal_higher
        } else {
            s.journal_lower
        }
    };
    let tables: Option<Vec<&JournalTable>> =
        with.iter().map(|c| c.1.journal_table.as_deref()).collect();
    let total: u64 = with.iter().map(|c| c.1.journal_n).sum();
    let shares: Vec<f64> = with
        .iter()
        .map(|c| count(c.1) as f64 / c.1.journal_n as f64)
        .collect();
    let p90 = percentile(shares.clone(), percent);
    let regional = with.iter().map(|c| count(c.1)).sum::<u64>() as f64 / total as f64;
    let rates = tables.as_ref().map(|t| conditional_rates(t, higher));
    with.iter()
        .zip(shares)
        .map(|(c, share)| {
            // Without the mark table (cells stored before it existed): against the regional share.
            let (p, expected) = match (&rates, c.1.journal_table.as_deref()) {
                (Some(r), Some(t)) => conditional_p(t, r, higher, count(c.1)),
                _ => (
                    binom_upper(count(c.1), c.1.journal_n, regional),
                    regional * c.1.journal_n as f64,
                ),
            };
            O2Side {
                higher,
                count: count(c.1),
                share,
                p90,
                p,
                expected,
            }
        })
        .collect()
}

fn o2_row(
    c: &(&str, &AssessmentStats),
    key: &AssessmentKey,
    s: &O2Side,
    th: &ObjectivityThresholds,
) -> ObjectivitySign {
    let what = if s.higher {
        "отметка за ВПР выше отметки в журнале"
    } else {
        "отметка за ВПР ниже отметки в журнале (завышены журнальные отметки)"
    };
    let text = format!(
        "У {} из {} участников {what}: доля {}% при {}-м процентиле региона {}%; \
         при тех же отметках по региону ожидалось {} чел. (p {}).",
        s.count,
        c.1.journal_n,
        num(100.0 * s.share, 1),
        num(th.o2_percentile, 0),
        num(100.0 * s.p90, 1),
        num(s.expected, 1),
        pval(s.p)
    );
    sign(c.0, key, "O2", s.share, s.p90, text)
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

/// One boundary of O3 in one school.
struct Heap {
    mark: usize,
    t: i64,
    /// Pupils at t and at t − 1, in the school and in the region.
    at: (u64, u64),
    region: (u64, u64),
    p: f64,
}

/// O3: heaping at a mark boundary t: pupils at t versus t−1 against the
/// region's proportion, one-sided binomial test. Without FDR each boundary
/// is a sign at p < `o3_p`. With FDR the cell is one test over its
/// boundaries: the pupils at t, summed over the boundaries, against the
/// region's proportions (a sum of binomials) — a school that pulls marks up
/// does it at every boundary, and one pupil or two per boundary is too
/// little evidence for a test corrected for thousands of cells.
fn o3(key: &AssessmentKey, cells: &Cells, th: &ObjectivityThresholds, fam: &mut Family) {
    let clean: Vec<&(&str, &AssessmentStats)> = cells
        .iter()
        .filter(|c| c.1.non_integral == 0 && !c.1.score_hist.is_empty())
        .collect();
    let bounds: Vec<(usize, i64, (u64, u64))> = boundaries(cells)
        .into_iter()
        .filter_map(|(m, t)| {
            let (rt, rb) = clean.iter().fold((0, 0), |a, c| {
                (a.0 + c.1.score_hist.get(t), a.1 + c.1.score_hist.get(t - 1))
            });
            (rt + rb > 0).then_some((m, t, (rt, rb)))
        })
        .collect();
    for c in clean.iter().filter(|c| c.1.n >= th.min_pupils) {
        let heaps: Vec<Heap> = bounds
            .iter()
            .filter_map(|&(mark, t, region)| heap(c.1, mark, t, region))
            .collect();
        if heaps.is_empty() {
            continue;
        }
        if th.fdr_q.is_none() {
            fam.tested += 1;
            for h in heaps.iter().filter(|h| h.p < th.o3_p) {
                fam.push(h.p, o3_row(c.0, key, std::slice::from_ref(h), h.p, th));
            }
            continue;
        }
        let p = heaps_p(&heaps);
        fam.test(p, true, false, || o3_row(c.0, key, &heaps, p, th));
    }
}

/// One-sided p of the pupils at the boundaries, summed, against the
/// region's proportion at each boundary.
fn heaps_p(heaps: &[Heap]) -> f64 {
    let groups: Vec<(u64, f64)> = heaps
        .iter()
        .map(|h| {
            (
                h.at.0 + h.at.1,
                h.region.0 as f64 / (h.region.0 + h.region.1) as f64,
            )
        })
        .collect();
    let observed: u64 = heaps.iter().map(|h| h.at.0).sum();
    binomials_upper_screened(&groups, observed)
}

/// The test at one boundary; None when the school has nobody at t or t − 1.
fn heap(s: &AssessmentStats, mark: usize, t: i64, region: (u64, u64)) -> Option<Heap> {
    let at = (s.score_hist.get(t), s.score_hist.get(t - 1));
    let n = at.0 + at.1;
    if n == 0 {
        return None;
    }
    let pi = region.0 as f64 / (region.0 + region.1) as f64;
    // At or below the regional proportion the p-value is large: no need to compute it.
    let p = if at.0 as f64 <= pi * n as f64 {
        1.0
    } else {
        binom_upper(at.0, n, pi)
    };
    Some(Heap {
        mark,
        t,
        at,
        region,
        p,
    })
}

fn o3_row(
    school: &str,
    key: &AssessmentKey,
    heaps: &[Heap],
    p: f64,
    th: &ObjectivityThresholds,
) -> ObjectivitySign {
    let ratio = |a: u64, b: u64| {
        if b == 0 {
            "∞".to_string()
        } else {
            n2(a as f64 / b as f64)
        }
    };
    let parts: Vec<String> = heaps
        .iter()
        .map(|h| {
            format!(
                "граница отметки «{}» — {} б.: на ней {} участников, на балл ниже — {} (соотношение {}; в регионе {})",
                h.mark + 2,
                h.t,
                h.at.0,
                h.at.1,
                ratio(h.at.0, h.at.1),
                ratio(h.region.0, h.region.1),
            )
        })
        .collect();
    let test = match th.fdr_q {
        None => format!("Биномиальный критерий p {} < {}.", pval(p), num(th.o3_p, 2)),
        Some(_) => format!("Биномиальный критерий по всем границам p {}.", pval(p)),
    };
    let text = parts.join("; ");
    let mut chars = text.chars();
    let first = chars
        .next()
        .map(|c| c.to_uppercase().to_string())
        .unwrap_or_default();
    sign(
        school,
        key,
        "O3",
        p,
        th.o3_p,
        format!("{first}{}. {test}", chars.as_str()),
    )
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
/// the region, hard ones above — because ρ over ~10 noisy tasks exceeds 0.5
/// by chance alone in about 7% of schools, and a strong school gains most
/// on hard tasks without any cheating. Test: the gap between the harder and
/// the easier half in binomial standard errors, one-sided normal (without
/// FDR: beyond `o4_gap_z`).
fn o4(key: &AssessmentKey, cells: &Cells, th: &ObjectivityThresholds, fam: &mut Family) {
    let tasks = cells.iter().map(|c| c.1.task_sums.len()).max().unwrap_or(0);
    if tasks < th.o4_min_tasks {
        return;
    }
    let region = region_tasks(cells, tasks);
    for c in cells.iter().filter(|c| c.1.n >= th.min_pupils) {
        let t = task_diffs(c.1, &region);
        if t.len() < th.o4_min_tasks {
            continue;
        }
        let diff: Vec<f64> = t.iter().map(|x| x.diff).collect();
        let hard: Vec<f64> = t.iter().map(|x| x.hard).collect();
        let rho = spearman(&diff, &hard).unwrap_or(0.0);
        let (z, easy_mean, hard_mean) = gap(&t);
        let pattern = th.o4_gap_z.is_none() || (easy_mean < 0.0 && hard_mean > 0.0);
        let rule = rho > th.o4_rho && pattern;
        let per_cell = rule && th.o4_gap_z.is_none_or(|zmin| z > zmin);
        let (level_z, ..) = gap(&beyond_level(&t));
        let p = normal_upper(level_z);
        let gaps = Gaps {
            tasks: t.len(),
            rho,
            z,
            easy_mean,
            hard_mean,
            p,
        };
        fam.test(p, rule, per_cell, || o4_row(c.0, key, &gaps, th));
    }
}

/// The task differences of one school from the region.
fn task_diffs(s: &AssessmentStats, region: &[Option<(f64, f64)>]) -> Vec<TaskDiff> {
    let mut t = Vec::new();
    for (j, r) in region.iter().enumerate() {
        let (Some((rate, mx)), Some(&n)) = (r, s.task_n.get(j)) else {
            continue;
        };
        if n > 0 {
            t.push(TaskDiff {
                diff: s.task_sums[j] / n as f64 / mx - rate,
                hard: 1.0 - *rate,
                var: rate * (1.0 - rate) / n as f64,
            });
        }
    }
    t
}

/// The task differences from what a school of this level would get: the
/// region's success rates shifted by one constant on the logit scale, so
/// that their mean is the school's. A strong school gains most on the tasks
/// where the region is near 50 %, not on the hardest; O4's test asks for
/// the hard-better pattern beyond that.
fn beyond_level(t: &[TaskDiff]) -> Vec<TaskDiff> {
    let region: Vec<f64> = t
        .iter()
        .map(|x| (1.0 - x.hard).clamp(1e-6, 1.0 - 1e-6))
        .collect();
    let school: f64 = t.iter().zip(&region).map(|(x, r)| x.diff + r).sum::<f64>() / t.len() as f64;
    let shifted = |d: f64| region.iter().map(move |r| logistic(logit(*r) + d));
    let mean_at = |d: f64| shifted(d).sum::<f64>() / region.len() as f64;
    let (mut lo, mut hi) = (-20.0, 20.0);
    for _ in 0..60 {
        let mid = 0.5 * (lo + hi);
        if mean_at(mid) < school {
            lo = mid;
        } else {
            hi = mid;
        }
    }
    t.iter()
        .zip(shifted(0.5 * (lo + hi)))
        .map(|(x, e)| {
            let n = (1.0 - x.hard) * x.hard / x.var.max(f64::MIN_POSITIVE);
            TaskDiff {
                diff: x.diff + (1.0 - x.hard) - e,
                hard: x.hard,
                var: e * (1.0 - e) / n.max(1.0),
            }
        })
        .collect()
}

fn logit(p: f64) -> f64 {
    (p / (1.0 - p)).ln()
}

fn logistic(x: f64) -> f64 {
    1.0 / (1.0 + (-x).exp())
}

/// O4's numbers for one school.
struct Gaps {
    tasks: usize,
    rho: f64,
    z: f64,
    easy_mean: f64,
    hard_mean: f64,
    /// The test beyond the school's level (see [`beyond_level`]).
    p: f64,
}

fn o4_row(
    school: &str,
    key: &AssessmentKey,
    g: &Gaps,
    th: &ObjectivityThresholds,
) -> ObjectivitySign {
    let text = format!(
        "По {} заданиям: ранговая корреляция разницы с регионом и трудности задания ρ = {} > {}; \
         лёгкие задания в среднем на {} п. п. хуже региона, трудные на {} п. п. лучше (разрыв {} ст. ошибки; \
         сверх общего уровня школы p {}).",
        g.tasks,
        n2(g.rho),
        n2(th.o4_rho),
        num(-100.0 * g.easy_mean, 1),
        num(100.0 * g.hard_mean, 1),
        num(g.z, 1),
        pval(g.p)
    );
    sign(school, key, "O4", g.rho, th.o4_rho, text)
}

/// Region rates of a ВПР mark 5 among pupils with each journal mark 2..5.
fn fives_by_journal(tables: &[&JournalTable]) -> [f64; 4] {
    std::array::from_fn(|j| {
        let n: u64 = tables
            .iter()
            .map(|t| (0..4).map(|m| t[m][j] as u64).sum::<u64>())
            .sum();
        let fives: u64 = tables.iter().map(|t| t[3][j] as u64).sum();
        if n > 0 {
            fives as f64 / n as f64
        } else {
            0.0
        }
    })
}

/// O5's p-value: the school's 5s against the region's rate at the same
/// journal marks (a strong school has strong journal marks too), and true;
/// without the mark table, against the region's share of 5s, and false.
fn o5_p(s: &AssessmentStats, rates: Option<&[f64; 4]>, pr: f64, min: u64) -> (f64, bool) {
    match (rates, s.journal_table.as_deref()) {
        (Some(r), Some(t)) if s.journal_n >= min => {
            let groups: Vec<(u64, f64)> = (0..4)
                .map(|j| ((0..4).map(|m| t[m][j] as u64).sum(), r[j]))
                .collect();
            let fives: u64 = (0..4).map(|j| t[3][j] as u64).sum();
            (binomials_upper_screened(&groups, fives), true)
        }
        _ => (
            binom_upper(s.mark_counts[3], s.mark_counts.iter().sum(), pr),
            false,
        ),
    }
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
    fam: &mut Family,
) {
    let marks = |s: &AssessmentStats| s.mark_counts.iter().sum::<u64>();
    let total: u64 = cells.iter().map(|c| marks(c.1)).sum();
    if total == 0 {
        return;
    }
    // Only the same subject confirms: a school strong in ОГЭ математика may
    // still inflate its ВПР русский язык.
    let ext = matching(key, ext_all);
    let pr = cells.iter().map(|c| c.1.mark_counts[3]).sum::<u64>() as f64 / total as f64;
    let tables: Option<Vec<&JournalTable>> = cells
        .iter()
        .filter(|c| c.1.journal_n > 0)
        .map(|c| c.1.journal_table.as_deref())
        .collect();
    let rates = tables
        .filter(|t| !t.is_empty())
        .map(|t| fives_by_journal(&t));
    for c in cells
        .iter()
        .filter(|c| marks(c.1) >= th.min_pupils && !lyceums.contains(c.0))
    {
        let m = marks(c.1) as f64;
        let se = (pr * (1.0 - pr) / m).sqrt();
        let ps = c.1.mark_counts[3] as f64 / m;
        let z = if se > 0.0 { (ps - pr) / se } else { 0.0 };
        let external = ext.iter().find_map(|e| e.means.get(c.0).map(|m| (*e, *m)));
        let confirmed = external.filter(|(e, m)| e.top.is_some_and(|t| *m >= t));
        let rule = se > 0.0
            && z > th.o5_z
            && !(th.o5_confirmed_top_percent.is_some() && confirmed.is_some());
        let (p, by_journal) = o5_p(c.1, rates.as_ref(), pr, th.min_pupils);
        let fives = Fives {
            count: c.1.mark_counts[3],
            marks: marks(c.1),
            share: ps,
            region: pr,
            z,
            p,
            by_journal,
        };
        fam.test(p, rule, rule, || o5_row(c.0, key, &fives, external, th));
    }
}

/// O5's numbers for one school.
struct Fives {
    count: u64,
    marks: u64,
    share: f64,
    region: f64,
    z: f64,
    /// The test (see [`o5_p`]), and whether at the school's journal marks.
    p: f64,
    by_journal: bool,
}

fn o5_row(
    school: &str,
    key: &AssessmentKey,
    f: &Fives,
    external: Option<(&External, f64)>,
    th: &ObjectivityThresholds,
) -> ObjectivitySign {
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
        num(100.0 * f.share, 1),
        f.count,
        f.marks,
        num(100.0 * f.region, 1),
        n2(f.z),
        n2(th.o5_z)
    );
    let text = match th.fdr_q {
        Some(_) if f.by_journal => format!(
            "{text} Пятёрок больше, чем у учеников региона с теми же журнальными отметками: p {}.",
            pval(f.p)
        ),
        Some(_) => format!("{text} Биномиальный критерий: p {}.", pval(f.p)),
        None => text,
    };
    sign(school, key, "O5", f.z, th.o5_z, text)
}
