//! Property tests: standardisation invariances and the order of `rank`.

use opora_analytics::{
    identify, Config, ContextRow, ContextTable, Input, PupilResult, Run, SchoolResult,
    StatsAccumulator, StatsTable,
};
use proptest::prelude::*;

struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E3779B97F4A7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58476D1CE4E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D049BB133111EB);
        z ^ (z >> 31)
    }
    fn uniform(&mut self) -> f64 {
        (self.next() >> 11) as f64 / (1u64 << 53) as f64
    }
}

/// A random region from `seed`: `schools` schools, `years` years, ВПР and ОГЭ
/// (pupil level, or school level when `aggregate`); ОГЭ scores pass through
/// `x ↦ a·x + b`.
fn region(
    seed: u64,
    schools: usize,
    years: i32,
    aggregate: bool,
    a: f64,
    b: f64,
) -> (StatsTable, ContextTable) {
    let mut rng = Rng(seed);
    let mut acc = StatsAccumulator::new();
    let mut rows = vec![];
    for s in 0..schools {
        let id = format!("s{s:02}");
        let level = rng.uniform() * 6.0;
        let poverty = rng.uniform() * 40.0 + level * 3.0;
        rows.push(ContextRow {
            school_id: id.clone(),
            year: None,
            values: vec![Some(poverty), Some(rng.uniform())],
        });
        let size = 3 + (rng.next() % 25) as usize;
        for y in 0..years {
            for (proc_, max) in [("ВПР", 20.0), ("ОГЭ", 31.0)] {
                let scores: Vec<f64> = (0..size)
                    .map(|_| (level + rng.uniform() * (max - 6.0)).round())
                    .collect();
                let tr = |x: f64| if proc_ == "ОГЭ" { a * x + b } else { x };
                if aggregate {
                    let mean = scores.iter().sum::<f64>() / size as f64;
                    acc.add_school(&SchoolResult {
                        year: 2021 + y,
                        school_id: id.clone(),
                        procedure: proc_.into(),
                        subject: "математика".into(),
                        grade: 9,
                        n: size as u64,
                        mean_score: tr(mean),
                        ..Default::default()
                    });
                } else {
                    for x in scores {
                        acc.add_pupil(&PupilResult {
                            year: 2021 + y,
                            school_id: id.clone(),
                            procedure: proc_.into(),
                            subject: "математика".into(),
                            grade: 9,
                            score: tr(x),
                            ..Default::default()
                        });
                    }
                }
            }
        }
    }
    (
        acc.into_table(),
        ContextTable {
            factors: vec!["poverty".into(), "noise".into()],
            rows,
        },
    )
}

fn run(t: &(StatsTable, ContextTable)) -> Option<Run> {
    identify(
        &Input {
            stats: &t.0,
            context: &t.1,
            schools: &[],
            checklist: &[],
        },
        &Config::default(),
    )
    .ok()
}

/// Id, the six category flags, rank and ШНОР years.
type Categories = (
    String,
    bool,
    bool,
    bool,
    bool,
    bool,
    bool,
    Option<u64>,
    Vec<i32>,
);

fn categories(r: &Run) -> Vec<Categories> {
    r.schools
        .iter()
        .map(|s| {
            (
                s.school_id.clone(),
                s.is_shnor,
                s.is_low_results,
                s.is_shnsu,
                s.is_resilient,
                s.insufficient_data,
                s.no_context,
                s.rank,
                s.years_flagged.clone(),
            )
        })
        .collect()
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 32, ..ProptestConfig::default() })]

    #[test]
    fn shifting_or_rescaling_a_procedure_changes_no_category(
        seed in any::<u64>(),
        schools in 6usize..24,
        years in 1i32..=3,
        aggregate in any::<bool>(),
        a in 0.05f64..20.0,
        b in -100.0f64..100.0,
    ) {
        let base = run(&region(seed, schools, years, aggregate, 1.0, 0.0));
        let moved = run(&region(seed, schools, years, aggregate, a, b));
        prop_assert_eq!(base.is_some(), moved.is_some());
        if let (Some(x), Some(y)) = (base, moved) {
            prop_assert_eq!(categories(&x), categories(&y));
            prop_assert_eq!(&x.model.factors, &y.model.factors);
            for (s, t) in x.schools.iter().zip(&y.schools) {
                let (i, j) = (s.result_index.unwrap(), t.result_index.unwrap());
                prop_assert!((i - j).abs() <= 1e-9 * (1.0 + i.abs()), "{} {} vs {}", s.school_id, i, j);
            }
        }
    }

    #[test]
    fn rank_is_a_permutation_ordered_by_effect_then_id(
        seed in any::<u64>(),
        schools in 3usize..30,
        years in 1i32..=3,
        aggregate in any::<bool>(),
    ) {
        if let Some(r) = run(&region(seed, schools, years, aggregate, 1.0, 0.0)) {
            let mut fit: Vec<(u64, f64, &str)> = r
                .schools
                .iter()
                .filter_map(|s| Some((s.rank?, s.effect?, s.school_id.as_str())))
                .collect();
            fit.sort_by_key(|f| f.0);
            let n = fit.len();
            prop_assert_eq!(n, r.model.n_schools);
            prop_assert!(fit.iter().enumerate().all(|(i, f)| f.0 == i as u64 + 1));
            for w in fit.windows(2) {
                let (a, b) = (w[0], w[1]);
                prop_assert!(a.1 < b.1 + 1e-10, "effects out of order: {:?} {:?}", a, b);
                if (a.1 - b.1).abs() < 1e-12 {
                    prop_assert!(a.2 < b.2, "tie not by id: {:?} {:?}", a, b);
                }
            }
            // Schools outside the fit have no rank.
            prop_assert!(r.schools.iter().filter(|s| s.effect.is_none()).all(|s| s.rank.is_none()));
        }
    }
}

#[test]
fn the_generated_regions_are_not_trivial() {
    for aggregate in [false, true] {
        let r = run(&region(7, 20, 3, aggregate, 1.0, 0.0)).expect("a run");
        assert!(r.model.n_schools >= 10, "{}", r.model.n_schools);
        assert!(r.schools.iter().any(|s| s.is_low_results));
        assert!(
            r.schools.iter().any(|s| s.insufficient_data) || r.schools.iter().all(|s| s.n >= 10)
        );
    }
}
