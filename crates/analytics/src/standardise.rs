//! Step 1: standardisation per assessment and the integral result index (ИПР).

use crate::compact::{Cell, CellTable};
use crate::stats::AssessmentKey;
use crate::text;
use std::collections::BTreeMap;

/// How one assessment is put on a common scale: z = (score − mu) / sigma.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Scale {
    pub mu: f64,
    pub sigma: f64,
    /// True: population moments of pupil scores (step 1.1, pupil level, also
    /// school rows with a published SD). False: n-weighted moments of school means.
    pub by_pupils: bool,
}

/// One school's index over a window of assessments (steps 1.2–1.3).
#[derive(Debug, Clone, PartialEq)]
pub struct SchoolIndex {
    pub school_id: String,
    /// N_s: results behind the index.
    pub n: u64,
    pub index: f64,
    pub se: Option<f64>,
}

/// Standardisation of every assessment of `years`. Assessments whose scores do
/// not vary are left out with a note: z-scores do not exist for them.
pub fn scales(
    table: &CellTable,
    years: &[i32],
    notes: &mut Vec<String>,
) -> BTreeMap<AssessmentKey, Scale> {
    // Key ids are in key order: grouping by id keeps the order of a map.
    let mut cells: Vec<Vec<&Cell>> = vec![Vec::new(); table.keys().len()];
    for c in table.cells() {
        if c.n > 0 && years.contains(&table.key(c).year) {
            cells[c.key as usize].push(c);
        }
    }
    let mut out = BTreeMap::new();
    let mut by_means = Vec::new();
    for (key, list) in table
        .keys()
        .iter()
        .zip(&cells)
        .filter(|(_, l)| !l.is_empty())
    {
        let scale = scale_of(table, list);
        // A spread below 1e-9 of the score level is rounding noise of a constant.
        if !(scale.sigma.is_finite() && scale.sigma > 1e-9 * scale.mu.abs().max(1.0)) {
            notes.push(format!(
                "{}: у всех участников одинаковый результат ({}), процедура исключена из индекса — стандартизовать нечего.",
                key.label(),
                text::n2(scale.mu)
            ));
            continue;
        }
        if !scale.by_pupils {
            by_means.push(key.label());
        }
        out.insert(key.clone(), scale);
    }
    if !by_means.is_empty() {
        notes.push(format!(
            "Нет индивидуальных баллов и их разброса ({}): средние баллы школ стандартизованы между школами \
             (среднее и стандартное отклонение средних, взвешенные по числу участников).",
            by_means.join("; ")
        ));
    }
    out
}

fn scale_of(table: &CellTable, list: &[&Cell]) -> Scale {
    let total: f64 = list.iter().map(|s| s.n as f64).sum();
    let mu = list.iter().map(|s| s.sum).sum::<f64>() / total;
    let between: f64 = list
        .iter()
        .map(|s| s.n as f64 * (s.sum / s.n as f64 - mu).powi(2))
        .sum();
    let within: Option<f64> = list.iter().map(|s| table.within_ss(s)).sum();
    // Pupil moments when every cell knows its within-school spread; the
    // decomposition Σ within + Σ n(mean − μ)² avoids Σx² − (Σx)²/N cancellation.
    match within {
        Some(w) => Scale {
            mu,
            sigma: ((w + between) / total).sqrt(),
            by_pupils: true,
        },
        None => Scale {
            mu,
            sigma: (between / total).sqrt(),
            by_pupils: false,
        },
    }
}

/// One school's cell on the z scale.
struct ZCell {
    n: f64,
    mean: f64,
    within: Option<f64>,
    se: Option<f64>,
    pupils: bool,
}

/// The index of every school with at least one standardised result in `years`
/// (sorted by school id). The table is ordered by school, so one school's
/// cells are contiguous: they are gathered in a reused buffer, one school at a
/// time, and memory does not grow with the number of cells.
pub fn school_indices(
    table: &CellTable,
    scales: &BTreeMap<AssessmentKey, Scale>,
    years: &[i32],
) -> Vec<SchoolIndex> {
    // The scale of each key id, when the key is in `years`.
    let by_id: Vec<Option<&Scale>> = table
        .keys()
        .iter()
        .map(|k| scales.get(k).filter(|_| years.contains(&k.year)))
        .collect();
    let mut out = Vec::new();
    let mut buf: Vec<ZCell> = Vec::new();
    let mut current: Option<u32> = None;
    for s in table.cells() {
        let Some(sc) = by_id[s.key as usize].filter(|_| s.n > 0) else {
            continue;
        };
        if current != Some(s.school) {
            if let Some(id) = current.filter(|_| !buf.is_empty()) {
                out.push(index_of(&table.schools()[id as usize], &buf));
            }
            buf.clear();
            current = Some(s.school);
        }
        buf.push(ZCell {
            n: s.n as f64,
            mean: (s.sum / s.n as f64 - sc.mu) / sc.sigma,
            within: table.within_ss(s).map(|w| w / (sc.sigma * sc.sigma)),
            se: table.se_of_mean(s).map(|e| e / sc.sigma),
            pupils: !s.school_level,
        });
    }
    if let Some(id) = current.filter(|_| !buf.is_empty()) {
        out.push(index_of(&table.schools()[id as usize], &buf));
    }
    out
}

fn index_of(id: &str, cells: &[ZCell]) -> SchoolIndex {
    let n: f64 = cells.iter().map(|c| c.n).sum();
    // One cell: its mean itself, so equal means give bit-equal indices.
    let index = match cells {
        [one] => one.mean,
        _ => cells.iter().map(|c| c.n * c.mean).sum::<f64>() / n,
    };
    let se = if cells.iter().all(|c| c.pupils) {
        pupil_se(cells, n, index)
    } else {
        combined_se(cells, n)
    };
    SchoolIndex {
        school_id: id.to_string(),
        n: n as u64,
        index,
        se,
    }
}

/// Step 1.3, pupil level: s_s/√N_s with s_s the sample SD of all the school's
/// z-scores in the window (within-cell spread plus spread of cell means).
fn pupil_se(cells: &[ZCell], n: f64, index: f64) -> Option<f64> {
    if n < 2.0 {
        return None;
    }
    let ss: f64 = cells
        .iter()
        .map(|c| c.within.unwrap_or(0.0) + c.n * (c.mean - index).powi(2))
        .sum();
    Some((ss / (n - 1.0)).sqrt() / n.sqrt())
}

/// School level: the SE of the n-weighted mean of independent cell means,
/// √(Σ n_c² se_c²)/N_s; unknown when a cell has neither `se` nor `sd_score`.
fn combined_se(cells: &[ZCell], n: f64) -> Option<f64> {
    let sum: Option<f64> = cells.iter().map(|c| c.se.map(|e| (c.n * e).powi(2))).sum();
    sum.map(|s| s.sqrt() / n)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::stats::{PupilResult, SchoolResult, StatsAccumulator};

    fn pupils(rows: &[(&str, f64)]) -> CellTable {
        let mut acc = StatsAccumulator::new();
        for (s, x) in rows {
            acc.add_pupil(&PupilResult {
                year: 2023,
                school_id: s.to_string(),
                procedure: "ВПР".into(),
                subject: "м".into(),
                grade: 5,
                score: *x,
                ..Default::default()
            });
        }
        acc.into_cells()
    }

    #[test]
    fn pupil_z_scores_match_direct_computation() {
        let rows = [("A", 1.0), ("A", 2.0), ("A", 4.0), ("B", 5.0), ("B", 8.0)];
        let t = pupils(&rows);
        let mut notes = vec![];
        let sc = scales(&t, &[2023], &mut notes);
        let s = sc.values().next().unwrap();
        let xs: Vec<f64> = rows.iter().map(|r| r.1).collect();
        let mu = xs.iter().sum::<f64>() / 5.0;
        let sd = (xs.iter().map(|x| (x - mu).powi(2)).sum::<f64>() / 5.0).sqrt();
        assert!((s.mu - mu).abs() < 1e-12 && (s.sigma - sd).abs() < 1e-12 && s.by_pupils);
        let ix = school_indices(&t, &sc, &[2023]);
        let za: Vec<f64> = [1.0, 2.0, 4.0].iter().map(|x| (x - mu) / sd).collect();
        let ma = za.iter().sum::<f64>() / 3.0;
        let sa = (za.iter().map(|z| (z - ma).powi(2)).sum::<f64>() / 2.0).sqrt() / 3f64.sqrt();
        assert!((ix[0].index - ma).abs() < 1e-12);
        assert!((ix[0].se.unwrap() - sa).abs() < 1e-12);
        assert!(notes.is_empty());
    }

    #[test]
    fn zero_variance_assessment_is_dropped_with_note() {
        let t = pupils(&[("A", 3.0), ("B", 3.0)]);
        let mut notes = vec![];
        assert!(scales(&t, &[2023], &mut notes).is_empty());
        assert!(notes[0].contains("одинаковый результат"), "{notes:?}");
    }

    #[test]
    fn school_means_are_standardised_across_schools() {
        let mut acc = StatsAccumulator::new();
        for (id, n, m) in [("A", 10, 40.0), ("B", 30, 50.0)] {
            acc.add_school(&SchoolResult {
                year: 2019,
                school_id: id.into(),
                procedure: "KS4".into(),
                subject: "A8".into(),
                grade: 11,
                n,
                mean_score: m,
                ..Default::default()
            });
        }
        let t = acc.into_cells();
        let mut notes = vec![];
        let sc = scales(&t, &[2019], &mut notes);
        let s = sc.values().next().unwrap();
        assert!((s.mu - 47.5).abs() < 1e-12);
        assert!((s.sigma - (0.25f64 * 56.25 + 0.75 * 6.25).sqrt()).abs() < 1e-12);
        assert!(!s.by_pupils && notes[0].contains("стандартизованы между школами"));
        let ix = school_indices(&t, &sc, &[2019]);
        assert_eq!(ix[0].se, None);
    }
}
