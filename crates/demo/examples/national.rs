//! Writes the national benchmark set and reports throughput:
//! `cargo run -p opora-demo --release --example national -- DIR [SEED]`.

use std::path::PathBuf;
use std::time::Instant;

use opora_demo::{write_demo, DemoOptions, Scale};

fn main() -> std::io::Result<()> {
    let mut args = std::env::args().skip(1);
    let dir = PathBuf::from(args.next().unwrap_or_else(|| "opora-demo-national".into()));
    let seed = args
        .next()
        .map(|s| s.parse().expect("seed: an integer"))
        .unwrap_or(DemoOptions::default().seed);
    let opts = DemoOptions {
        scale: Scale::National,
        seed,
        ..DemoOptions::default()
    };
    let start = Instant::now();
    let s = write_demo(&dir, &opts)?;
    let secs = start.elapsed().as_secs_f64();
    println!(
        "{} municipalities, {} schools, {} planted",
        s.municipalities,
        s.schools,
        s.planted_non_objective.len()
    );
    println!(
        "{} pupil results, {:.2} GB in {:.1} s: {:.0} rows/s, {:.0} MB/s",
        s.pupil_results,
        s.bytes as f64 / 1e9,
        secs,
        s.pupil_results as f64 / secs,
        s.bytes as f64 / 1e6 / secs
    );
    Ok(())
}
