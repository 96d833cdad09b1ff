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

#[test]
fn england_effects_agree_with_progress8() {
    // Progress 8 is England's own value-added measure (prior attainment, not
    // social context): an independent check that the contextual effect means
    // what it should. Measured: r ≈ 0.59; ШНОР schools' mean P8 ≈ −0.45.
    let run = run_with(&Config::default());
    let (_, rows) = {
        let mut r = csv::Reader::from_path(fixture("england/progress8.csv")).unwrap();
        let h = r.headers().unwrap().clone();
        (h, r.records().map(|x| x.unwrap()).collect::<Vec<_>>())
    };
    let p8: std::collections::HashMap<String, f64> = rows
        .iter()
        .filter_map(|r| Some((r[0].to_string(), r[1].parse().ok()?)))
        .collect();
    let pairs: Vec<(f64, f64, bool)> = run
        .schools
        .iter()
        .filter_map(|s| Some((s.effect?, *p8.get(&s.school_id)?, s.is_shnor)))
        .collect();
    let n = pairs.len() as f64;
    let (mx, my) = (
        pairs.iter().map(|p| p.0).sum::<f64>() / n,
        pairs.iter().map(|p| p.1).sum::<f64>() / n,
    );
    let sxy: f64 = pairs.iter().map(|p| (p.0 - mx) * (p.1 - my)).sum();
    let sxx: f64 = pairs.iter().map(|p| (p.0 - mx).powi(2)).sum();
    let syy: f64 = pairs.iter().map(|p| (p.1 - my).powi(2)).sum();
    let r = sxy / (sxx * syy).sqrt();
    let shnor: Vec<f64> = pairs.iter().filter(|p| p.2).map(|p| p.1).collect();
    let shnor_p8 = shnor.iter().sum::<f64>() / shnor.len() as f64;
    eprintln!(
        "England: corr(effect, P8) = {r:.3} over {} schools; ШНОР mean P8 = {shnor_p8:.3}",
        pairs.len()
    );
    assert!(r > 0.5, "{r}");
    assert!(shnor_p8 < -0.3, "{shnor_p8}");
}
