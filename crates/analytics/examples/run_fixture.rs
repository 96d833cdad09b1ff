//! Runs the engine on a canonical fixture directory and writes its outputs:
//!
//!     cargo run -p opora-analytics --example run_fixture -- crates/analytics/tests/fixtures/england /tmp/out
//!
//! Reads DIR/results.csv, DIR/context.csv and, when present, DIR/schools_info.csv
//! and DIR/checklist.csv (the readers of the integration tests).

#[path = "../tests/common/mod.rs"]
mod common;

use opora_analytics::{export, identify, Config, Input};
use std::path::Path;

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let (dir, out) = (Path::new(&args[0]), Path::new(&args[1]));
    let stats = common::read_stats(&[dir.join("results.csv")]);
    let context = common::read_context(&dir.join("context.csv"));
    let schools = if dir.join("schools_info.csv").exists() {
        common::read_info(&dir.join("schools_info.csv"))
    } else {
        vec![]
    };
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
    let run = match identify(&input, &Config::default()) {
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
    std::fs::write(out.join("scatter.svg"), export::scatter_svg(&run, &schools)).unwrap();
    print!("{}", export::summary_text(&run));
}
