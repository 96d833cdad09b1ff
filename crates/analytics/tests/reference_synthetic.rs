//! Synthetic pupil-level region (tools/reference/gen_synthetic.py): z-scores,
//! SE_s, shrinkage, τ², "K of Y years", against the statsmodels reference; and
//! the planted non-objective schools.

mod common;
use common::*;
use opora_analytics::{export, identify, Config, Input, Mode, Run, Selection, Weights};
use std::collections::{BTreeMap, BTreeSet};

fn run_with(cfg: &Config) -> Run {
    let stats = read_stats(&[fixture("synthetic/results.csv")]);
    let context = read_context(&fixture("synthetic/context.csv"));
    let schools = read_info(&fixture("synthetic/schools_info.csv"));
    let checklist = read_checklist(&fixture("synthetic/checklist.csv"));
    let input = Input {
        stats: &stats,
        context: &context,
        schools: &schools,
        checklist: &checklist,
    };
    identify(&input, cfg).expect("run")
}

#[test]
fn synthetic_matches_reference() {
    let run = run_with(&Config::default());
    assert_eq!(run.mode, Mode::Pupil);
    let mut worst = Worst::default();
    compare_schools(&run, &fixture("synthetic/expected/schools.csv"), &mut worst);
    compare_model(&run, &fixture("synthetic/expected/model.json"), &mut worst);
    eprintln!(
        "synthetic default: {} numbers, max relative error {:e} ({})",
        worst.compared, worst.rel, worst.what
    );
    let shnor: Vec<&str> = run
        .schools
        .iter()
        .filter(|s| s.is_shnor)
        .map(|s| s.school_id.as_str())
        .collect();
    for planted in ["S018", "S029", "S041"] {
        assert!(shnor.contains(&planted), "{planted} not ШНОР: {shnor:?}");
    }
    let s058 = run.schools.iter().find(|s| s.school_id == "S058").unwrap();
    assert!(s058.insufficient_data && s058.reason.contains("Недостаточно данных"));
    let s059 = run.schools.iter().find(|s| s.school_id == "S059").unwrap();
    assert!(
        s059.no_context && s059.reason.contains("Нет данных о контексте"),
        "{}",
        s059.reason
    );
}

#[test]
fn synthetic_weighted_variant_matches_reference() {
    let cfg = Config {
        weights: Weights::N,
        select: Selection::All,
        years_k: 3,
        years_y: 3,
        low_percent: 20.0,
        ..Config::default()
    };
    let run = run_with(&cfg);
    let mut worst = Worst::default();
    compare_schools(
        &run,
        &fixture("synthetic/expected_variant/schools.csv"),
        &mut worst,
    );
    compare_model(
        &run,
        &fixture("synthetic/expected_variant/model.json"),
        &mut worst,
    );
    eprintln!(
        "synthetic WLS 3/3 20%: {} numbers, max relative error {:e} ({})",
        worst.compared, worst.rel, worst.what
    );
}

#[test]
fn planted_non_objective_schools_are_found_with_few_false_alarms() {
    let run = run_with(&Config::default());
    let planted: BTreeMap<String, Vec<String>> =
        serde_json::from_str(&std::fs::read_to_string(fixture("synthetic/planted.json")).unwrap())
            .unwrap();
    let found: BTreeSet<(String, String)> = run
        .objectivity
        .iter()
        .map(|o| (o.sign.clone(), o.school_id.clone()))
        .collect();
    for (sign, schools) in &planted {
        for s in schools {
            if let Some(sign) = sign.strip_prefix("not_") {
                assert!(
                    !found.contains(&(sign.to_string(), s.clone())),
                    "{s} must not show {sign}"
                );
            } else {
                assert!(
                    found.contains(&(sign.clone(), s.clone())),
                    "{s} should show {sign}; found {found:?}"
                );
            }
        }
    }
    // False alarms: a sign at a school not planted with anything. The region
    // has strong ordinary schools on purpose (O5's bare rule lists them; the
    // external-exam guard must not).
    let planted_ids: BTreeSet<&String> = planted
        .iter()
        .filter(|(k, _)| !k.starts_with("not_"))
        .flat_map(|(_, v)| v)
        .collect();
    let mut alarms: BTreeMap<&str, BTreeSet<&String>> = BTreeMap::new();
    for o in run
        .objectivity
        .iter()
        .filter(|o| !planted_ids.contains(&o.school_id))
    {
        alarms
            .entry(o.sign.as_str())
            .or_default()
            .insert(&o.school_id);
    }
    eprintln!(
        "objectivity: {} signs; at schools not planted: {alarms:?}",
        run.objectivity.len()
    );
    let schools: BTreeSet<&String> = alarms.values().flatten().copied().collect();
    assert!(schools.len() <= 2, "too many false alarms: {alarms:?}");
}

#[test]
fn outputs_are_well_formed() {
    let run = run_with(&Config::default());
    let csv = export::schools_csv(&run);
    assert!(!csv.contains("NaN") && !csv.contains("inf"));
    assert!(export::model_json(&run).contains("\"(intercept)\""));
    let summary = export::summary_text(&run);
    assert!(
        summary.contains("ШНОР: ") && summary.contains("R² = "),
        "{summary}"
    );
    let checklist = export::checklist_csv(&run);
    // 60 schools × 3 years × 6 criteria, plus the header.
    assert_eq!(checklist.lines().count(), 1 + 60 * 3 * 6);
    let obj = export::objectivity_csv(&run);
    assert!(obj.starts_with(
        "school_id,year,procedure,subject,grade,sign,statistic,threshold,explanation"
    ));
}

#[test]
fn synthetic_school_level_matches_reference() {
    // The same region aggregated to school rows (tools/reference/aggregate.py):
    // published SDs (pupil-moment standardisation), published SEs, and one
    // assessment without SDs (standardised across school means).
    let stats = read_stats(&[fixture("synthetic/results_school.csv")]);
    let context = read_context(&fixture("synthetic/context.csv"));
    let input = Input {
        stats: &stats,
        context: &context,
        schools: &[],
        checklist: &[],
    };
    let run = identify(&input, &Config::default()).expect("run");
    assert_eq!(run.mode, Mode::School);
    let mut worst = Worst::default();
    compare_schools(
        &run,
        &fixture("synthetic/expected_school/schools.csv"),
        &mut worst,
    );
    compare_model(
        &run,
        &fixture("synthetic/expected_school/model.json"),
        &mut worst,
    );
    eprintln!(
        "synthetic school level: {} numbers, max relative error {:e} ({})",
        worst.compared, worst.rel, worst.what
    );
    assert!(
        run.notes.iter().any(|n| n.contains("ОГЭ, русский язык")),
        "{:?}",
        run.notes
    );
}
