//! Opora's synthetic demo data: a realistic region («Северная область», about
//! 250 schools in 10 municipalities) or a national benchmark set (40,000
//! schools), written as CSV files in the canonical formats of
//! `docs/formats.md`, byte-identical for a seed on every platform.
//!
//! ```no_run
//! use opora_demo::{write_demo, DemoOptions};
//! let summary = write_demo(std::path::Path::new("/tmp/demo"), &DemoOptions::default()).unwrap();
//! println!("{} schools, {} pupil results", summary.schools, summary.pupil_results);
//! ```
//!
//! Files: `schools.csv`, `scales.csv`, `context.csv`, `checklist.csv`,
//! `teachers.csv` and `courses.csv` (each school's teaching staff and their
//! further-education courses), `diagnostics.csv` (two rounds of the
//! diagnostics of professional deficits of the mathematics, Russian and
//! primary teachers of the weaker schools), `planted.csv` (planted
//! non-objective patterns), `truth.csv` (the latent traits behind the data,
//! for validating the identification engine; not an import format) and
//! `results_{year}.csv` (one per year).
//!
//! The model is described in the module docs of `region` (schools and their
//! latent traits), `results` (pupil scores and planted patterns), `cohort`
//! (pupils and pseudonyms), `context`, `checklist`, `staff` and
//! `diagnostics`.

mod assess;
mod checklist;
mod cohort;
mod context;
mod csvout;
mod diagnostics;
mod math;
mod names;
mod national;
mod region;
mod results;
mod rng;
mod staff;

use std::io;
use std::path::{Path, PathBuf};

pub use assess_public::scales_rows;

/// Size of the generated data.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Scale {
    /// One region: 10 municipalities, about 250 schools, ~0.3 M results a year.
    Region,
    /// The country: 85 regions, 2,000 municipalities, 40,000 schools,
    /// about 15 M results a year.
    National,
}

#[derive(Clone, Debug)]
pub struct DemoOptions {
    pub scale: Scale,
    pub seed: u64,
    /// Calendar years of the assessments (default 2023, 2024, 2025).
    pub years: Vec<i32>,
    /// Region only: the number of schools (default `None`: the region's own
    /// 245). The municipalities keep their shares of the schools.
    pub schools: Option<u32>,
    /// Which schools get planted non-objective patterns.
    pub planting: Planting,
}

impl Default for DemoOptions {
    fn default() -> Self {
        DemoOptions {
            scale: Scale::Region,
            seed: 2025,
            years: vec![2023, 2024, 2025],
            schools: None,
            planting: Planting::Default,
        }
    }
}

/// A planted non-objective pattern (what the ВПР results of a school show).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Pattern {
    /// ВПР inflated by 1.4 sd, journal marks follow; ОГЭ/ЕГЭ weak.
    O1,
    /// ВПР inflated by 0.7 sd while the journal keeps the true level.
    O2,
    /// Scores one or two points under a mark threshold lifted onto it.
    O3,
    /// Pupils tilted towards hard tasks and away from easy ones.
    O4,
    /// Most 4s and some 3s raised to 5s.
    O5,
}

/// Planted non-objective schools.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub enum Planting {
    /// The scale's own: in the region 6 schools with O1, O2, O3, O4, O5 and
    /// O3 + O5; nationally 0.5 % of the schools in the same cycle.
    #[default]
    Default,
    /// No planted school: a clean region.
    None,
    /// `count` schools, each with one pattern, cycling through `patterns`.
    Cycle {
        count: usize,
        patterns: Vec<Pattern>,
    },
}

#[derive(Clone, Debug, Default)]
pub struct DemoSummary {
    pub municipalities: usize,
    pub schools: usize,
    /// Rows of all `results_{year}.csv` files.
    pub pupil_results: u64,
    /// Rows of `teachers.csv` (teaching staff of all schools).
    pub teachers: u64,
    /// Rows of `courses.csv`.
    pub courses: u64,
    /// Rows of `diagnostics.csv` (both rounds).
    pub diagnostics: u64,
    /// Every file written, in writing order.
    pub files: Vec<PathBuf>,
    /// School ids with planted non-objective patterns (see planted.csv).
    pub planted_non_objective: Vec<String>,
    /// Bytes written in all files.
    pub bytes: u64,
}

/// Stream tags: every random quantity is a hash of (seed, tag, …).
mod tag {
    pub const REGISTRY: u64 = 1;
    pub const NATIONAL: u64 = 2;
    pub const COHORT: u64 = 3;
    pub const UPPER: u64 = 4;
    pub const PUPIL: u64 = 5;
    pub const COHORT_EFFECT: u64 = 6;
    pub const YEAR_EFFECT: u64 = 7;
    pub const KEY: u64 = 8;
    pub const RESULTS: u64 = 9;
    pub const CONTEXT: u64 = 10;
    pub const CONTEXT_YEAR: u64 = 11;
    pub const CHECKLIST: u64 = 12;
    pub const STAFF: u64 = 13;
    pub const COURSES: u64 = 14;
    pub const DIAGNOSTICS: u64 = 15;
}

/// Writes the demo files into `dir` (created if missing; existing files of
/// the same names are replaced). Result years are generated in parallel.
pub fn write_demo(dir: &Path, opts: &DemoOptions) -> io::Result<DemoSummary> {
    let years = check_years(&opts.years)?;
    std::fs::create_dir_all(dir)?;
    let world = match opts.scale {
        Scale::Region => region::build_region(opts.seed, opts.schools, &opts.planting)?,
        Scale::National if opts.schools.is_some() => {
            return Err(io::Error::new(
                io::ErrorKind::InvalidInput,
                "demo: the number of schools is set for the region scale only",
            ))
        }
        Scale::National => national::build_national(opts.seed, &opts.planting),
    };
    let cat = assess::catalogue(opts.scale);
    let mut summary = DemoSummary {
        municipalities: world.munis.len(),
        schools: world.schools.len(),
        planted_non_objective: world
            .schools
            .iter()
            .filter(|s| s.patterns != 0)
            .map(|s| s.id.clone())
            .collect(),
        ..DemoSummary::default()
    };
    let last = *years.last().expect("checked non-empty");
    let mut record = |name: &str, written: (u64, u64)| {
        summary.files.push(dir.join(name));
        summary.bytes += written.1;
    };
    record(
        "schools.csv",
        context::write_schools(&world, last, &dir.join("schools.csv"))?,
    );
    record(
        "scales.csv",
        assess_public::write_scales(&cat, &years, &dir.join("scales.csv"))?,
    );
    record(
        "context.csv",
        context::write_context(&world, &years, &dir.join("context.csv"))?,
    );
    record(
        "checklist.csv",
        checklist::write_checklist(&world, &years, &dir.join("checklist.csv"))?,
    );
    let teachers = staff::write_teachers(&world, last, &dir.join("teachers.csv"))?;
    summary.teachers = teachers.0;
    record("teachers.csv", teachers);
    let courses = staff::write_courses(&world, last, &dir.join("courses.csv"))?;
    summary.courses = courses.0;
    record("courses.csv", courses);
    let diagnostics = diagnostics::write_diagnostics(&world, last, &dir.join("diagnostics.csv"))?;
    summary.diagnostics = diagnostics.0;
    record("diagnostics.csv", diagnostics);
    record(
        "planted.csv",
        context::write_planted(&world, &dir.join("planted.csv"))?,
    );
    record(
        "truth.csv",
        context::write_truth(&world, &dir.join("truth.csv"))?,
    );
    let outcomes = write_results(&world, &cat, &years, dir);
    for (year, outcome) in years.iter().zip(outcomes) {
        let written = outcome?;
        summary.pupil_results += written.0;
        record(&format!("results_{year}.csv"), written);
    }
    Ok(summary)
}

/// One thread per year; each file depends only on (seed, year).
fn write_results(
    world: &region::World,
    cat: &[assess::Assessment],
    years: &[i32],
    dir: &Path,
) -> Vec<io::Result<(u64, u64)>> {
    std::thread::scope(|scope| {
        let handles: Vec<_> = years
            .iter()
            .map(|&year| {
                let path = dir.join(format!("results_{year}.csv"));
                scope.spawn(move || results::write_year(world, cat, year, &path))
            })
            .collect();
        handles
            .into_iter()
            .map(|h| h.join().expect("results writer panicked"))
            .collect()
    })
}

fn check_years(years: &[i32]) -> io::Result<Vec<i32>> {
    let mut sorted = years.to_vec();
    sorted.sort_unstable();
    sorted.dedup();
    let invalid = |msg: &str| io::Error::new(io::ErrorKind::InvalidInput, msg.to_string());
    if sorted.is_empty() {
        return Err(invalid("demo: no years given"));
    }
    if sorted[0] < 2000
        || sorted[sorted.len() - 1] > 2100
        || sorted[sorted.len() - 1] - sorted[0] > 20
    {
        return Err(invalid(
            "demo: years must lie within 2000–2100 and span at most 20 years",
        ));
    }
    Ok(sorted)
}

/// scales.csv.
mod assess_public {
    use std::io;
    use std::path::Path;

    use crate::assess::{self, Assessment};
    use crate::csvout::CsvOut;
    use crate::Scale;

    pub(crate) const SCALES_HEADER: [&str; 8] = [
        "year",
        "procedure",
        "subject",
        "grade",
        "max_score",
        "min_3",
        "min_4",
        "min_5",
    ];

    /// The scales of a scale's assessments: (procedure, subject, grade,
    /// max_score, [min_3, min_4, min_5]), the same every year.
    pub fn scales_rows(scale: Scale) -> Vec<(&'static str, &'static str, u8, u16, [u16; 3])> {
        assess::catalogue(scale)
            .iter()
            .map(|a| {
                (
                    a.procedure.name(),
                    a.subject,
                    a.grade,
                    a.max_score(),
                    a.thresholds,
                )
            })
            .collect()
    }

    pub(crate) fn write_scales(
        cat: &[Assessment],
        years: &[i32],
        path: &Path,
    ) -> io::Result<(u64, u64)> {
        let mut out = CsvOut::create(path, &SCALES_HEADER)?;
        for &year in years {
            for a in cat {
                out.int(year as i64);
                for text in [a.procedure.name(), a.subject] {
                    out.comma();
                    out.text(text);
                }
                for v in [
                    a.grade as u16,
                    a.max_score(),
                    a.thresholds[0],
                    a.thresholds[1],
                    a.thresholds[2],
                ] {
                    out.comma();
                    out.uint(v as u64);
                }
                out.end_row()?;
            }
        }
        out.finish()
    }
}
