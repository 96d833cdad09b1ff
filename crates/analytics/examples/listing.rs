//! False alarms and found planted schools of the signs of non-objective
//! results on synthetic regions of the demo generator:
//!
//!     cargo run --release -p opora-analytics --example listing -- [SEEDS] [SCHOOLS] [PLANTED]
//!
//! For seeds 1..=SEEDS (default 10): a clean region of SCHOOLS schools
//! (default 300) × 2023–2025 without planted schools, and the same region
//! with PLANTED (default 10) schools planted with heaping at mark boundaries
//! (O3) and ВПР marks inflated against the journal (O2). Prints each region,
//! then the mean and the worst.

#[path = "../tests/common/mod.rs"]
mod common;

use common::demo_region::{heaping_and_inflation, run_region, Listing};
use opora_analytics::Config;
use opora_demo::Planting;

fn main() {
    let arg = |i: usize, d: u64| {
        std::env::args()
            .nth(i)
            .map(|s| s.parse().expect("a number"))
            .unwrap_or(d)
    };
    let (seeds, schools, planted) = (arg(1, 10), arg(2, 300) as u32, arg(3, 10) as usize);
    let cfg = Config::default();
    let (mut clean, mut found) = (Vec::new(), Vec::new());
    for seed in 1..=seeds {
        let (run, c) = run_region(seed, schools, Planting::None, &cfg);
        let (planted_run, p) = run_region(seed, schools, heaping_and_inflation(planted), &cfg);
        println!(
            "seed {seed:2}: clean region {}/{} listed {:?}; planted region {}/{} found, {}/{} clean listed {:?}; missed {:?}",
            c.clean_listed, c.clean, c.clean_by_sign,
            p.planted_found, p.planted, p.clean_listed, p.clean, p.clean_by_sign, p.missed
        );
        for (what, r) in [("clean", &run), ("planted", &planted_run)] {
            for t in &r.objectivity_tests {
                println!("    {what:>7} {}", opora_analytics::export::chance_line(t));
            }
        }
        clean.push(c);
        found.push(p);
    }
    summary(
        "clean schools listed (clean regions)",
        &clean,
        Listing::clean_share,
        true,
    );
    summary(
        "clean schools listed (planted regions)",
        &found,
        Listing::clean_share,
        true,
    );
    summary("planted schools found", &found, Listing::found_share, false);
}

fn summary(what: &str, runs: &[Listing], f: fn(&Listing) -> f64, worst_is_max: bool) {
    let v: Vec<f64> = runs.iter().map(f).collect();
    let mean = v.iter().sum::<f64>() / v.len() as f64;
    let worst = if worst_is_max {
        v.iter().copied().fold(f64::MIN, f64::max)
    } else {
        v.iter().copied().fold(f64::MAX, f64::min)
    };
    println!(
        "{what}: mean {:.2}%, worst {:.2}%",
        100.0 * mean,
        100.0 * worst
    );
}
