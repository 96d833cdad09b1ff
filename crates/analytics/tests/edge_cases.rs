//! Edge cases of issue 3: clear Russian messages (error or note), never a panic
//! or a NaN in the output.

use opora_analytics::{
    export, identify, AnalyticsError, Config, ContextRow, ContextTable, Input, PupilResult, Run,
    SchoolResult, Selection, StatsAccumulator, StatsTable,
};

/// School-level rows: (year, school, n, mean).
fn school_table(rows: &[(i32, &str, u64, f64)]) -> StatsTable {
    let mut acc = StatsAccumulator::new();
    for &(year, id, n, mean) in rows {
        acc.add_school(&SchoolResult {
            year,
            school_id: id.into(),
            procedure: "ОГЭ".into(),
            subject: "математика".into(),
            grade: 9,
            n,
            mean_score: mean,
            sd_score: Some(4.0),
            ..Default::default()
        });
    }
    acc.into_table()
}

fn ctx(factors: &[&str], rows: &[(&str, Vec<Option<f64>>)]) -> ContextTable {
    ContextTable {
        factors: factors.iter().map(|s| s.to_string()).collect(),
        rows: rows
            .iter()
            .map(|(id, v)| ContextRow {
                school_id: id.to_string(),
                year: None,
                values: v.clone(),
            })
            .collect(),
    }
}

fn run(stats: &StatsTable, context: &ContextTable, cfg: &Config) -> Result<Run, AnalyticsError> {
    identify(
        &Input {
            stats,
            context,
            schools: &[],
            checklist: &[],
        },
        cfg,
    )
}

/// A region of `n` schools over `years`, school-level with SDs; poverty drives results.
fn region(n: usize, years: &[i32]) -> (StatsTable, ContextTable) {
    let mut rows = vec![];
    let mut c = vec![];
    for i in 0..n {
        let id = format!("s{i:02}");
        let poverty = (i * 37 % 50) as f64;
        let noise = ((i * 7919) % 23) as f64 / 23.0 - 0.5;
        for (k, &y) in years.iter().enumerate() {
            let wobble = ((i * 31 + k * 17) % 11) as f64 / 11.0 - 0.5;
            rows.push((
                y,
                id.clone(),
                20 + (i % 7) as u64,
                20.0 - 0.1 * poverty + 2.0 * noise + wobble,
            ));
        }
        c.push((id, vec![Some(poverty), Some((i % 5) as f64)]));
    }
    let rows: Vec<(i32, &str, u64, f64)> = rows
        .iter()
        .map(|(y, id, n, m)| (*y, id.as_str(), *n, *m))
        .collect();
    let c: Vec<(&str, Vec<Option<f64>>)> =
        c.iter().map(|(id, v)| (id.as_str(), v.clone())).collect();
    (school_table(&rows), ctx(&["poverty", "other"], &c))
}

/// Every output as text has no NaN/inf, and the summary renders.
fn assert_clean(r: &Run) {
    for text in [
        export::schools_csv(r),
        export::model_json(r),
        export::objectivity_csv(r),
        export::summary_text(r),
    ] {
        assert!(!text.contains("NaN") && !text.contains("inf"), "{text}");
    }
}

fn has_note(r: &Run, needle: &str) -> bool {
    r.notes.iter().any(|n| n.contains(needle))
}

#[test]
fn no_results_is_an_error() {
    let e = run(
        &StatsTable::default(),
        &ContextTable::default(),
        &Config::default(),
    )
    .unwrap_err();
    assert_eq!(e, AnalyticsError::NoResults);
    assert!(e.to_string().contains("нет ни одного результата"));
}

#[test]
fn one_school_is_a_clear_error() {
    let stats = school_table(&[(2023, "a", 30, 15.0)]);
    let e = run(
        &stats,
        &ctx(&["x"], &[("a", vec![Some(1.0)])]),
        &Config::default(),
    )
    .unwrap_err();
    assert!(matches!(e, AnalyticsError::TooFewSchools { found: 1, .. }));
    assert!(e.to_string().contains("не меньше двух школ"), "{e}");
}

#[test]
fn bad_configuration_is_an_error() {
    let (stats, c) = region(10, &[2023]);
    for cfg in [
        Config {
            low_percent: 0.0,
            ..Config::default()
        },
        Config {
            years_k: 4,
            ..Config::default()
        },
        Config {
            select: Selection::Backward { p_remove: f64::NAN },
            ..Config::default()
        },
    ] {
        let e = run(&stats, &c, &cfg).unwrap_err();
        assert!(e.to_string().starts_with("некорректная настройка"), "{e}");
    }
}

#[test]
fn constant_factor_is_dropped_with_reason() {
    let (stats, mut c) = region(30, &[2023]);
    for r in &mut c.rows {
        r.values[1] = Some(7.0);
    }
    let r = run(
        &stats,
        &c,
        &Config {
            select: Selection::All,
            ..Config::default()
        },
    )
    .unwrap();
    assert_eq!(r.model.dropped, vec!["other"]);
    assert!(
        has_note(&r, "«other» исключён: одинаковое значение"),
        "{:?}",
        r.notes
    );
    assert_clean(&r);
}

#[test]
fn collinear_factor_is_dropped_with_reason() {
    let (stats, mut c) = region(30, &[2023]);
    c.factors.push("poverty_x2".into());
    for r in &mut c.rows {
        let p = r.values[0].unwrap();
        r.values.push(Some(2.0 * p + 3.0));
    }
    let r = run(
        &stats,
        &c,
        &Config {
            select: Selection::All,
            ..Config::default()
        },
    )
    .unwrap();
    assert_eq!(r.model.dropped, vec!["poverty_x2"]);
    assert!(
        has_note(
            &r,
            "линейно выражается через другие факторы (poverty, other)"
        ),
        "{:?}",
        r.notes
    );
    assert_clean(&r);
}

#[test]
fn zero_variance_assessment_is_left_out() {
    let (mut stats, c) = region(20, &[2023]);
    let flat = school_table(
        &(0..20)
            .map(|i| {
                (
                    2023,
                    [
                        "s00", "s01", "s02", "s03", "s04", "s05", "s06", "s07", "s08", "s09",
                        "s10", "s11", "s12", "s13", "s14", "s15", "s16", "s17", "s18", "s19",
                    ][i],
                    15,
                    5.0,
                )
            })
            .collect::<Vec<_>>(),
    );
    for ((id, mut key), mut s) in flat.cells {
        key.procedure = "ВПР".into();
        s.sd_score = Some(0.0);
        s.sum_sq = s.sum * s.sum / s.n as f64;
        stats.insert(&id, key, s);
    }
    let r = run(&stats, &c, &Config::default()).unwrap();
    assert!(has_note(&r, "одинаковый результат"), "{:?}", r.notes);
    assert!(
        r.schools.iter().all(|s| s.n < 30),
        "the flat assessment must not count"
    );
    assert_clean(&r);
}

#[test]
fn all_assessments_without_variance_leave_too_few_schools() {
    let mut stats = school_table(&[(2023, "a", 30, 5.0), (2023, "b", 30, 5.0)]);
    stats.cells.values_mut().for_each(|s| s.sd_score = None);
    let e = run(&stats, &ContextTable::default(), &Config::default()).unwrap_err();
    assert!(
        matches!(e, AnalyticsError::TooFewSchools { found: 0, .. }),
        "{e}"
    );
}

#[test]
fn schools_without_context_get_index_but_no_effect() {
    let (stats, mut c) = region(30, &[2023]);
    c.rows.retain(|r| r.school_id != "s03");
    c.rows
        .iter_mut()
        .find(|r| r.school_id == "s04")
        .unwrap()
        .values[0] = None;
    let r = run(&stats, &c, &Config::default()).unwrap();
    for id in ["s03", "s04"] {
        let s = r.schools.iter().find(|s| s.school_id == id).unwrap();
        assert!(
            s.no_context
                && s.effect.is_none()
                && s.result_index.is_some()
                && s.index_rank.is_some()
        );
        assert!(
            s.reason.starts_with("Нет данных о контексте"),
            "{}",
            s.reason
        );
    }
    assert_eq!(r.model.n_schools, 28);
    assert!(has_note(&r, "Школ без данных о контексте: 2"));
    assert_clean(&r);
}

#[test]
fn no_context_at_all_still_ranks_absolute_results() {
    let (stats, _) = region(20, &[2023]);
    let r = run(&stats, &ContextTable::default(), &Config::default()).unwrap();
    assert!(r.model.factors.is_empty() && r.schools.iter().all(|s| !s.is_shnsu));
    assert_eq!(r.schools.iter().filter(|s| s.is_low_results).count(), 2);
    assert!(
        has_note(&r, "Ни один фактор контекста не вошёл в модель"),
        "{:?}",
        r.notes
    );
    assert_clean(&r);
}

#[test]
fn tiny_schools_are_insufficient() {
    let (mut stats, c) = region(20, &[2023]);
    let tiny = school_table(&[(2023, "tiny", 4, 1.0)]);
    for ((id, key), s) in tiny.cells {
        stats.insert(&id, key, s);
    }
    let r = run(&stats, &c, &Config::default()).unwrap();
    let t = r.schools.iter().find(|s| s.school_id == "tiny").unwrap();
    assert!(t.insufficient_data && t.rank.is_none() && t.index_rank.is_none() && !t.is_low_results);
    assert!(
        t.reason.contains("4 результата при минимуме 10"),
        "{}",
        t.reason
    );
    assert!(has_note(&r, "меньше 10: 1"));
    assert_clean(&r);
}

#[test]
fn one_year_applies_k_as_one() {
    let (stats, c) = region(30, &[2023]);
    let r = run(&stats, &c, &Config::default()).unwrap();
    assert_eq!(r.years, vec![2023]);
    assert!(
        has_note(&r, "«2 из 3 лет» применяется как «1 из 1»"),
        "{:?}",
        r.notes
    );
    assert_eq!(r.schools.iter().filter(|s| s.is_low_results).count(), 3);
    assert!(r
        .schools
        .iter()
        .filter(|s| s.is_shnor)
        .all(|s| s.years_flagged == vec![2023]));
    assert_clean(&r);
}

#[test]
fn school_present_in_some_years_counts_only_those() {
    let (mut stats, c) = region(30, &[2021, 2022, 2023]);
    stats
        .cells
        .retain(|(id, k), _| !(id == "s05" && k.year != 2023));
    let r = run(&stats, &c, &Config::default()).unwrap();
    assert_eq!(r.years, vec![2021, 2022, 2023]);
    let s = r.schools.iter().find(|s| s.school_id == "s05").unwrap();
    assert!(s.years_flagged.iter().all(|y| *y == 2023) && !s.is_shnor);
    assert!(s.n < 30);
    assert_eq!(r.model.per_year.len(), 3);
    assert_clean(&r);
}

#[test]
fn earlier_years_outside_the_window_are_noted() {
    let (stats, c) = region(30, &[2019, 2020, 2021, 2022]);
    let r = run(&stats, &c, &Config::default()).unwrap();
    assert_eq!(r.years, vec![2020, 2021, 2022]);
    assert!(has_note(&r, "Более ранние годы (2019)"), "{:?}", r.notes);
}

#[test]
fn two_schools_fit_an_intercept_only_model() {
    let stats = school_table(&[(2023, "a", 30, 15.0), (2023, "b", 30, 10.0)]);
    let c = ctx(&["x"], &[("a", vec![Some(1.0)]), ("b", vec![Some(2.0)])]);
    let r = run(&stats, &c, &Config::default()).unwrap();
    assert!(r.model.factors.is_empty() && r.model.dropped == vec!["x"]);
    assert!(has_note(&r, "слишком мало школ"), "{:?}", r.notes);
    assert_clean(&r);
}

#[test]
fn zero_tau_shrinks_everything_and_says_so() {
    // Pupil-level: every school has the same distribution, so between-school
    // variance is pure noise and τ² is 0.
    let mut acc = StatsAccumulator::new();
    for s in 0..12 {
        for p in 0..20 {
            acc.add_pupil(&PupilResult {
                year: 2023,
                school_id: format!("s{s:02}"),
                procedure: "ВПР".into(),
                subject: "математика".into(),
                grade: 5,
                score: ((p * 7 + s) % 20) as f64,
                ..Default::default()
            });
        }
    }
    let stats = acc.into_table();
    let c = ctx(
        &["x"],
        &(0..12)
            .map(|s| {
                (
                    [
                        "s00", "s01", "s02", "s03", "s04", "s05", "s06", "s07", "s08", "s09",
                        "s10", "s11",
                    ][s],
                    vec![Some(s as f64)],
                )
            })
            .collect::<Vec<_>>(),
    );
    let r = run(&stats, &c, &Config::default()).unwrap();
    assert_eq!(r.model.tau2, Some(0.0));
    assert!(has_note(&r, "τ² = 0"), "{:?}", r.notes);
    assert!(r
        .schools
        .iter()
        .all(|s| s.effect == Some(0.0) && !s.is_shnor));
    assert_clean(&r);
}

#[test]
fn school_level_without_sd_has_no_interval() {
    let mut acc = StatsAccumulator::new();
    for i in 0..20 {
        acc.add_school(&SchoolResult {
            year: 2019,
            school_id: format!("u{i}"),
            procedure: "KS4".into(),
            subject: "A8".into(),
            grade: 11,
            n: 50,
            mean_score: 40.0 + i as f64,
            ..Default::default()
        });
    }
    let stats = acc.into_table();
    let c = ctx(
        &["fsm"],
        &(0..20)
            .map(|i| {
                (
                    [
                        "u0", "u1", "u2", "u3", "u4", "u5", "u6", "u7", "u8", "u9", "u10", "u11",
                        "u12", "u13", "u14", "u15", "u16", "u17", "u18", "u19",
                    ][i],
                    vec![Some(((i * 13) % 20) as f64)],
                )
            })
            .collect::<Vec<_>>(),
    );
    let r = run(
        &stats,
        &c,
        &Config {
            select: Selection::All,
            ..Config::default()
        },
    )
    .unwrap();
    assert_eq!(r.model.tau2, None);
    assert!(r
        .schools
        .iter()
        .all(|s| s.ci_low.is_none() && s.reliability == Some(1.0)));
    assert!(has_note(&r, "τ² не оценивается"), "{:?}", r.notes);
    assert!(has_note(&r, "стандартизованы между школами"));
    assert_clean(&r);
}

/// Pupil `i`'s result; the mark follows the score.
fn pupil(
    year: i32,
    school: &str,
    procedure: &str,
    grade: i32,
    i: usize,
    score: f64,
) -> PupilResult {
    PupilResult {
        year,
        school_id: school.into(),
        procedure: procedure.into(),
        subject: "математика".into(),
        grade,
        student_key: format!("{school}-{procedure}-{i}"),
        score,
        max_score: Some(20.0),
        mark: Some(2 + (score / 6.0).min(3.0) as u8),
        ..Default::default()
    }
}

#[test]
fn grade_12_of_evening_schools_counts_like_any_grade() {
    // Evening schools teach grade 12; grades 1–12 are all assessments.
    let mut acc = StatsAccumulator::new();
    for s in 0..6 {
        let id = format!("v{s}");
        let grade = if s < 3 { 12 } else { 11 };
        for i in 0..12 {
            let score = ((s * 5 + i * 7) % 21) as f64;
            acc.add_pupil(&pupil(2024, &id, "ЕГЭ", grade, i, score));
            acc.add_pupil(&pupil(2024, &id, "ВПР", 1 + i as i32, i, score));
        }
    }
    let stats = acc.into_table();
    let run = run(&stats, &ContextTable::default(), &Config::default()).unwrap();
    for s in &run.schools {
        assert_eq!(s.n, 24, "{}: every result counts", s.school_id);
        assert!(s.result_index.is_some() && !s.insufficient_data);
    }
}
