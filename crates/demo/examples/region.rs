//! Writes the demo region: `cargo run -p opora-demo --example region -- DIR [SEED]`.

use std::path::PathBuf;
use std::time::Instant;

use opora_demo::{write_demo, DemoOptions, Scale};

fn main() -> std::io::Result<()> {
    let mut args = std::env::args().skip(1);
    let dir = PathBuf::from(args.next().unwrap_or_else(|| "opora-demo-region".into()));
    let seed = args
        .next()
        .map(|s| s.parse().expect("seed: an integer"))
        .unwrap_or(DemoOptions::default().seed);
    let opts = DemoOptions {
        scale: Scale::Region,
        seed,
        ..DemoOptions::default()
    };
    let start = Instant::now();
    let s = write_demo(&dir, &opts)?;
    println!(
        "{} municipalities, {} schools, {} pupil results, {:.1} MB in {:.2} s; planted: {}",
        s.municipalities,
        s.schools,
        s.pupil_results,
        s.bytes as f64 / 1e6,
        start.elapsed().as_secs_f64(),
        s.planted_non_objective.join(", ")
    );
    Ok(())
}
