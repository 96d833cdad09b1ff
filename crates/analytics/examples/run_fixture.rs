//! Runs the engine on a canonical fixture directory and writes its outputs:
//!
//!     cargo run -p opora-analytics --example run_fixture -- crates/analytics/tests/fixtures/england /tmp/out
//!
//! Reads every DIR/results*.csv, DIR/context.csv and, when present,
//! DIR/schools_info.csv (or the demo generator's DIR/schools.csv) and
//! DIR/checklist.csv, with the readers of the integration tests.

#[path = "../tests/common/mod.rs"]
mod common;

use opora_analytics::{export, identify, Config, Input};
use std::path::Path;

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let (dir, out) = (Path::new(&args[0]), Path::new(&args[1]));
    let mut files: Vec<std::path::PathBuf> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| {
            p.file_name()
                .unwrap()
                .to_string_lossy()
                .starts_with("results")
                && p.extension().is_some_and(|e| e == "csv")
        })
        .collect();
    files.sort();
    let stats = common::read_stats(&files);
    let context = common::read_context(&dir.join("context.csv"));
    let info = ["schools_info.csv", "schools.csv"]
        .iter()
        .map(|f| dir.join(f))
        .find(|p| p.exists());
    let schools = info.map(|p| common::read_info(&p)).unwrap_or_default();
    let checklist = if dir.join("checklist.csv").exists() {
        common::read_checklist(&dir.join("checklist.csv"))
    } else {
        vec![]
    };
    let input = Input {
        stats: &stats,
        context: &context,
        schools: &schools,
        checklist: &checklist,
    };
    let mut cfg = Config::default();
    if std::env::var("OPORA_BARE_SIGNS").is_ok() {
        // The signs exactly as methodology.md words them, for comparison.
        let o = &mut cfg.objectivity;
        (
            o.min_assessments,
            o.o2_guard_p,
            o.o4_gap_z,
            o.o5_confirmed_top_percent,
            o.fdr_q,
        ) = (1, None, None, None, None);
    }
    let run = match identify(&input, &cfg) {
        Ok(r) => r,
        Err(e) => {
            eprintln!("ошибка: {e}");
            std::process::exit(1);
        }
    };
    std::fs::create_dir_all(out).unwrap();
    std::fs::write(out.join("schools.csv"), export::schools_csv(&run)).unwrap();
    std::fs::write(out.join("model.json"), export::model_json(&run)).unwrap();
    std::fs::write(out.join("objectivity.csv"), export::objectivity_csv(&run)).unwrap();
    std::fs::write(out.join("checklist.csv"), export::checklist_csv(&run)).unwrap();
    print!("{}", export::summary_text(&run));
}
