//! England KS4 2019, school-level mode: every number of schools.csv and
//! model.json against the statsmodels reference (tools/reference/reference.py).

mod common;
use common::*;
use opora_analytics::{identify, Config, Input, Selection, Weights};

fn run_with(cfg: &Config) -> opora_analytics::Run {
    let stats = read_stats(&[fixture("england/results.csv")]);
    let context = read_context(&fixture("england/context.csv"));
    let schools = read_info(&fixture("england/schools_info.csv"));
    let input = Input {
        stats: &stats,
        context: &context,
        schools: &schools,
        checklist: &[],
    };
    identify(&input, cfg).expect("run")
}

#[test]
fn england_matches_reference() {
    let run = run_with(&Config::default());
    let mut worst = Worst::default();
    compare_schools(&run, &fixture("england/expected/schools.csv"), &mut worst);
    compare_model(&run, &fixture("england/expected/model.json"), &mut worst);
    eprintln!(
        "england default: {} numbers, max relative error {:e} ({})",
        worst.compared, worst.rel, worst.what
    );
    assert_eq!(run.schools.len(), 3143);
    assert!(
        run.notes
            .iter()
            .any(|n| n.contains("стандартизованы между школами")),
        "{:?}",
        run.notes
    );
}

#[test]
fn england_weighted_keep_all_matches_reference() {
    let cfg = Config {
        weights: Weights::N,
        select: Selection::All,
        ..Config::default()
    };
    let run = run_with(&cfg);
    let mut worst = Worst::default();
    compare_schools(
        &run,
        &fixture("england/expected_wls_all/schools.csv"),
        &mut worst,
    );
    compare_model(
        &run,
        &fixture("england/expected_wls_all/model.json"),
        &mut worst,
    );
    eprintln!(
        "england WLS keep-all: {} numbers, max relative error {:e} ({})",
        worst.compared, worst.rel, worst.what
    );
}
