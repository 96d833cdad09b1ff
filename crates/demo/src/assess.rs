//! The assessments: procedures, subjects, grades, task structure, maximum
//! scores and mark thresholds (the content of scales.csv).
//!
//! Values are close to the published ВПР / ОГЭ / ЕГЭ specifications of
//! 2023–2025; they are demo data, not a reference.

use crate::rng;
use crate::Scale;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Procedure {
    Vpr,
    Oge,
    Ege,
}

impl Procedure {
    pub(crate) fn name(self) -> &'static str {
        match self {
            Procedure::Vpr => "ВПР",
            Procedure::Oge => "ОГЭ",
            Procedure::Ege => "ЕГЭ",
        }
    }
}

pub(crate) const RUS: &str = "русский язык";
pub(crate) const MATH: &str = "математика";

/// One assessment of a year: what a pupil sits and how it is scored.
#[derive(Clone, Debug)]
pub(crate) struct Assessment {
    pub procedure: Procedure,
    pub subject: &'static str,
    pub grade: u8,
    /// Maximum points per task (primary score = their sum).
    pub points: &'static [u8],
    /// Primary → reported score (ЕГЭ test scores); `None`: reported = primary.
    pub conversion: Option<&'static [u8]>,
    /// Minimum reported scores for marks 3, 4 and 5.
    pub thresholds: [u16; 3],
    /// Task difficulties on the pupil-ability scale.
    pub difficulty: Vec<f64>,
    /// Standardised difficulties (mean 0, sd 1), for the O4 tilt.
    pub tilt_weight: Vec<f64>,
    /// Abilities at which the expected score reaches the thresholds of
    /// marks 3, 4 and 5 (for journal marks).
    pub level_cuts: [f64; 3],
    /// Share of the grade that sits it.
    pub participation: f64,
    /// Task-level scores are written (ВПР).
    pub write_tasks: bool,
}

impl Assessment {
    pub(crate) fn primary_max(&self) -> u16 {
        self.points.iter().map(|&p| p as u16).sum()
    }

    /// The reported maximum (`max_score`).
    pub(crate) fn max_score(&self) -> u16 {
        match self.conversion {
            Some(table) => table[table.len() - 1] as u16,
            None => self.primary_max(),
        }
    }

    pub(crate) fn reported(&self, primary: u16) -> u16 {
        match self.conversion {
            Some(table) => table[primary as usize] as u16,
            None => primary,
        }
    }

    /// Mark 2–5 of a reported score.
    pub(crate) fn mark(&self, score: u16) -> u8 {
        2 + self.thresholds.iter().filter(|&&t| score >= t).count() as u8
    }
}

struct Spec {
    procedure: Procedure,
    subject: &'static str,
    grade: u8,
    points: &'static [u8],
    thresholds: [u16; 3],
    /// Mean difficulty (higher = harder).
    shift: f64,
    /// Half-range of difficulty along the paper.
    spread: f64,
    conversion: Option<&'static [u8]>,
}

const VPR_MATH: [&[u8]; 5] = [
    &[1, 1, 1, 2, 1, 1, 2, 1, 2, 2, 2, 4],
    &[1, 1, 1, 1, 1, 2, 1, 1, 1, 2, 2, 2, 2, 2],
    &[1, 1, 1, 1, 1, 1, 2, 1, 2, 1, 2, 3, 3],
    &[1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 2, 2, 2],
    &[1; 19],
];
const VPR_MATH_TH: [[u16; 3]; 5] = [
    [6, 12, 17],
    [7, 12, 17],
    [6, 10, 14],
    [7, 12, 16],
    [7, 12, 16],
];
const VPR_RUS: [&[u8]; 5] = [
    &[4, 3, 3, 2, 2, 2, 2, 3, 2, 2, 3, 3, 2, 3, 2],
    &[9, 3, 3, 3, 4, 4, 4, 4, 3, 3, 2, 3],
    &[9, 3, 3, 3, 4, 4, 4, 4, 3, 3, 3, 3, 3, 2],
    &[9, 3, 3, 3, 4, 4, 3, 3, 3, 3, 3, 3, 2, 1],
    &[9, 3, 3, 3, 4, 4, 3, 3, 3, 3, 3, 2, 2, 2, 2, 1, 1],
];
const VPR_RUS_TH: [[u16; 3]; 5] = [
    [14, 24, 33],
    [18, 29, 39],
    [25, 35, 45],
    [20, 29, 39],
    [25, 35, 45],
];

const OGE_MATH: &[u8] = &[
    1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 2, 2, 2, 2, 2, 2,
];
const OGE_RUS: &[u8] = &[7, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 9, 3, 3];
const EGE_RUS: &[u8] = &[
    1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 24,
];
const EGE_MATH: &[u8] = &[1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 2, 3, 2, 2, 3, 4, 4];

/// ЕГЭ русский язык: primary (0–50) → test score (0–100).
const EGE_RUS_SCALE: &[u8] = &[
    0, 3, 5, 8, 10, 12, 15, 17, 20, 22, 24, 26, 28, 30, 32, 34, 36, 38, 40, 42, 44, 46, 48, 50, 52,
    54, 56, 58, 60, 62, 64, 66, 68, 70, 72, 73, 75, 76, 78, 79, 81, 82, 84, 86, 88, 90, 92, 94, 96,
    98, 100,
];
/// ЕГЭ профильная математика: primary (0–32) → test score (0–100).
const EGE_MATH_SCALE: &[u8] = &[
    0, 6, 11, 17, 22, 27, 34, 40, 46, 52, 58, 64, 70, 72, 74, 76, 78, 80, 82, 84, 86, 88, 90, 92,
    94, 95, 96, 97, 98, 99, 100, 100, 100,
];

// Calibration (shift, spread) of task difficulties, fitted by the ignored test
// `results::tests::calibrate` to realistic mark distributions.
const CAL_VPR_RUS: [(f64, f64); 5] = [
    (-0.50, 1.00),
    (-0.35, 1.00),
    (-0.40, 1.80),
    (0.10, 2.20),
    (-0.15, 2.20),
];
const CAL_VPR_MATH: [(f64, f64); 5] = [
    (-0.90, 1.20),
    (-0.65, 1.40),
    (-0.40, 2.60),
    (-0.55, 2.40),
    (-0.10, 2.80),
];
const CAL_VPR_WORLD: (f64, f64) = (-0.55, 2.20);
const CAL_VPR_HIST: (f64, f64) = (-0.10, 2.20);
const CAL_VPR_BIO: (f64, f64) = (-0.50, 2.00);
const CAL_OGE_RUS: (f64, f64) = (-1.65, 1.80);
const CAL_OGE_MATH: (f64, f64) = (-0.10, 2.40);
const CAL_EGE_RUS: (f64, f64) = (-1.45, 1.80);
const CAL_EGE_MATH: (f64, f64) = (1.35, 3.40);

/// Target shares (percent) of marks 2..5, used by the calibration test.
#[cfg(test)]
pub(crate) fn target(a: &Assessment) -> [f64; 4] {
    match (a.procedure, a.subject, a.grade) {
        (Procedure::Vpr, RUS, 4) => [10.0, 32.0, 39.0, 19.0],
        (Procedure::Vpr, MATH, 4) => [7.0, 30.0, 40.0, 23.0],
        (Procedure::Vpr, "окружающий мир", _) => [4.0, 30.0, 50.0, 16.0],
        (Procedure::Vpr, RUS, 5) => [13.0, 35.0, 36.0, 16.0],
        (Procedure::Vpr, MATH, 5) => [12.0, 36.0, 34.0, 18.0],
        (Procedure::Vpr, "история", _) => [8.0, 36.0, 40.0, 16.0],
        (Procedure::Vpr, "биология", _) => [10.0, 40.0, 38.0, 12.0],
        (Procedure::Vpr, RUS, 6) => [15.0, 37.0, 35.0, 13.0],
        (Procedure::Vpr, MATH, 6) => [12.0, 40.0, 35.0, 13.0],
        (Procedure::Vpr, RUS, 7) => [16.0, 38.0, 34.0, 12.0],
        (Procedure::Vpr, MATH, 7) => [14.0, 50.0, 28.0, 8.0],
        (Procedure::Vpr, RUS, _) => [15.0, 40.0, 33.0, 12.0],
        (Procedure::Vpr, MATH, _) => [12.0, 53.0, 28.0, 7.0],
        (Procedure::Oge, RUS, _) => [4.0, 28.0, 40.0, 28.0],
        (Procedure::Oge, MATH, _) => [8.0, 45.0, 35.0, 12.0],
        (Procedure::Ege, RUS, _) => [2.0, 13.0, 40.0, 45.0],
        _ => [7.0, 38.0, 35.0, 20.0],
    }
}

fn specs(scale: Scale) -> Vec<Spec> {
    let vpr = |subject, grade, points, thresholds, (shift, spread)| Spec {
        procedure: Procedure::Vpr,
        subject,
        grade,
        points,
        thresholds,
        shift,
        spread,
        conversion: None,
    };
    let mut out = Vec::new();
    for g in 4..=8u8 {
        let i = (g - 4) as usize;
        out.push(vpr(RUS, g, VPR_RUS[i], VPR_RUS_TH[i], CAL_VPR_RUS[i]));
        out.push(vpr(MATH, g, VPR_MATH[i], VPR_MATH_TH[i], CAL_VPR_MATH[i]));
        if scale == Scale::Region && g == 4 {
            out.push(vpr(
                "окружающий мир",
                4,
                &[2, 3, 4, 4, 2, 5, 3, 2, 4, 3],
                [8, 18, 26],
                CAL_VPR_WORLD,
            ));
        }
        if scale == Scale::Region && g == 5 {
            out.push(vpr(
                "история",
                5,
                &[2, 2, 2, 3, 2, 2, 2],
                [4, 8, 12],
                CAL_VPR_HIST,
            ));
            out.push(vpr(
                "биология",
                5,
                &[3, 3, 3, 3, 2, 3, 3, 3, 3, 3],
                [10, 18, 24],
                CAL_VPR_BIO,
            ));
        }
    }
    let exam = |procedure, subject, grade, points, thresholds, (shift, spread), conversion| Spec {
        procedure,
        subject,
        grade,
        points,
        thresholds,
        shift,
        spread,
        conversion,
    };
    out.push(exam(
        Procedure::Oge,
        RUS,
        9,
        OGE_RUS,
        [15, 23, 29],
        CAL_OGE_RUS,
        None,
    ));
    out.push(exam(
        Procedure::Oge,
        MATH,
        9,
        OGE_MATH,
        [8, 15, 22],
        CAL_OGE_MATH,
        None,
    ));
    out.push(exam(
        Procedure::Ege,
        RUS,
        11,
        EGE_RUS,
        [24, 50, 72],
        CAL_EGE_RUS,
        Some(EGE_RUS_SCALE),
    ));
    out.push(exam(
        Procedure::Ege,
        MATH,
        11,
        EGE_MATH,
        [27, 50, 68],
        CAL_EGE_MATH,
        Some(EGE_MATH_SCALE),
    ));
    out
}

/// The assessments generated at a scale, in file order.
pub(crate) fn catalogue(scale: Scale) -> Vec<Assessment> {
    specs(scale)
        .into_iter()
        .enumerate()
        .map(|(k, s)| build(k as u64, s))
        .collect()
}

fn build(key: u64, s: Spec) -> Assessment {
    let n = s.points.len();
    // Tasks get harder along the paper, with a seed-independent jitter.
    let difficulty: Vec<f64> = (0..n)
        .map(|j| {
            let along = if n > 1 {
                s.spread * (2.0 * j as f64 / (n - 1) as f64 - 1.0)
            } else {
                0.0
            };
            let jitter = 0.9 * (rng::unit_from(&[0xd1ff, key, j as u64]) - 0.5);
            s.shift + along + jitter
        })
        .collect();
    let mean = difficulty.iter().sum::<f64>() / n as f64;
    let var = difficulty
        .iter()
        .map(|b| (b - mean) * (b - mean))
        .sum::<f64>()
        / n as f64;
    let sd = var.sqrt().max(1e-9);
    let tilt_weight = difficulty.iter().map(|b| (b - mean) / sd).collect();
    let participation = match s.procedure {
        Procedure::Vpr => 0.94,
        Procedure::Oge => 0.99,
        Procedure::Ege => 0.99,
    };
    let mut a = Assessment {
        procedure: s.procedure,
        subject: s.subject,
        grade: s.grade,
        points: s.points,
        conversion: s.conversion,
        thresholds: s.thresholds,
        difficulty,
        tilt_weight,
        level_cuts: [0.0; 3],
        participation,
        write_tasks: s.procedure == Procedure::Vpr,
    };
    a.level_cuts = [0, 1, 2].map(|k| level_cut(&a, k));
    a
}

/// The logistic slope of every task.
pub(crate) const DISCRIMINATION: f64 = 1.2;

/// Expected primary score at ability θ.
pub(crate) fn expected_primary(a: &Assessment, theta: f64) -> f64 {
    a.points
        .iter()
        .zip(&a.difficulty)
        .map(|(&m, &b)| m as f64 * crate::math::logistic(DISCRIMINATION * (theta - b)))
        .sum()
}

/// The lowest ability whose rounded expected score earns the k-th mark
/// threshold (bisection; the expected score increases with ability).
fn level_cut(a: &Assessment, k: usize) -> f64 {
    let reaches =
        |theta: f64| a.reported(expected_primary(a, theta).round() as u16) >= a.thresholds[k];
    let (mut lo, mut hi) = (-12.0, 12.0);
    for _ in 0..60 {
        let mid = 0.5 * (lo + hi);
        if reaches(mid) {
            hi = mid;
        } else {
            lo = mid;
        }
    }
    hi
}

/// An assessment of the catalogue with other calibration values.
#[cfg(test)]
pub(crate) fn rebuilt(scale: Scale, k: usize, shift: f64, spread: f64) -> Assessment {
    let mut s = specs(scale).swap_remove(k);
    s.shift = shift;
    s.spread = spread;
    build(k as u64, s)
}

/// The number of task columns in the results files.
pub(crate) fn task_columns(cat: &[Assessment]) -> usize {
    cat.iter()
        .filter(|a| a.write_tasks)
        .map(|a| a.points.len())
        .max()
        .unwrap_or(0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn maxima_match_the_specifications() {
        let cat = catalogue(Scale::Region);
        let find = |p, s, g| {
            cat.iter()
                .find(|a| a.procedure == p && a.subject == s && a.grade == g)
                .unwrap()
        };
        assert_eq!(find(Procedure::Vpr, MATH, 4).max_score(), 20);
        assert_eq!(find(Procedure::Vpr, RUS, 4).max_score(), 38);
        assert_eq!(find(Procedure::Vpr, RUS, 5).max_score(), 45);
        assert_eq!(find(Procedure::Vpr, RUS, 6).max_score(), 51);
        assert_eq!(find(Procedure::Vpr, RUS, 7).max_score(), 47);
        assert_eq!(find(Procedure::Vpr, RUS, 8).max_score(), 51);
        assert_eq!(find(Procedure::Vpr, MATH, 7).max_score(), 19);
        assert_eq!(find(Procedure::Vpr, "окружающий мир", 4).max_score(), 32);
        assert_eq!(find(Procedure::Oge, MATH, 9).max_score(), 31);
        assert_eq!(find(Procedure::Oge, RUS, 9).max_score(), 33);
        let ege_math = find(Procedure::Ege, MATH, 11);
        assert_eq!((ege_math.primary_max(), ege_math.max_score()), (32, 100));
        assert_eq!(ege_math.reported(5), 27);
        let ege_rus = find(Procedure::Ege, RUS, 11);
        assert_eq!((ege_rus.primary_max(), ege_rus.max_score()), (50, 100));
        assert_eq!(ege_rus.reported(10), 24);
        for a in &cat {
            if let Some(t) = a.conversion {
                assert_eq!(t.len(), a.primary_max() as usize + 1);
                assert!(t.windows(2).all(|w| w[0] <= w[1]));
            }
            assert!(a.thresholds[0] < a.thresholds[1] && a.thresholds[1] < a.thresholds[2]);
            assert!(a.thresholds[2] <= a.max_score());
        }
        assert_eq!(task_columns(&cat), 19);
    }
}
