//! schools.csv, context.csv, planted.csv and truth.csv: the registry and the
//! social context driven by each school's latent disadvantage.

use std::io;
use std::path::Path;

use crate::cohort;
use crate::csvout::CsvOut;
use crate::math::logistic;
use crate::region::{School, World, PATTERNS, SOCIAL_SLOPE};
use crate::rng::normal_from;
use crate::tag;

pub(crate) const SCHOOLS_HEADER: [&str; 9] = [
    "school_id",
    "municipality",
    "full_name",
    "short_name",
    "type",
    "locality",
    "address",
    "website",
    "enrolment",
];

pub(crate) const CONTEXT_HEADER: [&str; 8] = [
    "school_id",
    "year",
    "low_income_share",
    "parents_higher_ed_share",
    "non_native_russian_share",
    "disability_share",
    "rural",
    "enrolment",
];

/// Writes schools.csv; enrolment is that of the last year.
pub(crate) fn write_schools(world: &World, last_year: i32, path: &Path) -> io::Result<(u64, u64)> {
    let mut out = CsvOut::create(path, &SCHOOLS_HEADER)?;
    for s in &world.schools {
        out.text(&s.id);
        for field in [
            world.munis[s.muni as usize].name.as_str(),
            &s.full_name,
            &s.short_name,
            s.kind.code(),
            if s.urban { "город" } else { "село" },
            &s.address,
            &s.website,
        ] {
            out.comma();
            out.text(field);
        }
        out.comma();
        out.uint(cohort::enrolment(world.seed, s, last_year) as u64);
        out.end_row()?;
    }
    out.finish()
}

/// The four context shares (percent) of a school in a year.
pub(crate) fn shares(seed: u64, s: &School, year: i32) -> [f64; 4] {
    let d = s.disadvantage;
    let stable = |k: u64| normal_from(&[seed, tag::CONTEXT, s.idx as u64, k]);
    let yearly = |k: u64| normal_from(&[seed, tag::CONTEXT_YEAR, s.idx as u64, k, year as u64]);
    let share = |logit: f64| 100.0 * logistic(logit);
    [
        share(-1.5 + 0.85 * d + 0.25 * stable(0) + 0.08 * yearly(0)),
        share(-0.4 - 0.75 * d + 0.25 * stable(1) + 0.08 * yearly(1)),
        share(-3.6 + s.ethnic + 0.25 * d + 0.5 * stable(2) + 0.1 * yearly(2)),
        share(-3.0 + 0.25 * d + 0.3 * stable(3) + 0.1 * yearly(3)),
    ]
}

/// Writes context.csv (wide, one row per school and year).
pub(crate) fn write_context(world: &World, years: &[i32], path: &Path) -> io::Result<(u64, u64)> {
    let mut out = CsvOut::create(path, &CONTEXT_HEADER)?;
    for s in &world.schools {
        for &year in years {
            out.text(&s.id);
            out.comma();
            out.int(year as i64);
            for v in shares(world.seed, s, year) {
                out.comma();
                out.fixed(v, 1);
            }
            out.comma();
            out.uint(!s.urban as u64);
            out.comma();
            out.uint(cohort::enrolment(world.seed, s, year) as u64);
            out.end_row()?;
        }
    }
    out.finish()
}

/// Writes planted.csv: one row per planted pattern of a school.
pub(crate) fn write_planted(world: &World, path: &Path) -> io::Result<(u64, u64)> {
    let mut out = CsvOut::create(path, &["school_id", "pattern"])?;
    for s in world.schools.iter().filter(|s| s.patterns != 0) {
        for (bit, name) in PATTERNS {
            if s.patterns & bit != 0 {
                out.text(&s.id);
                out.comma();
                out.raw(name.as_bytes());
                out.end_row()?;
            }
        }
    }
    out.finish()
}

/// Writes truth.csv: the latent traits behind the data, to validate the
/// identification engine against (not an import format).
pub(crate) fn write_truth(world: &World, path: &Path) -> io::Result<(u64, u64)> {
    let header = [
        "school_id",
        "social_disadvantage",
        "social_part",
        "school_effect",
        "role",
    ];
    let mut out = CsvOut::create(path, &header)?;
    for s in &world.schools {
        out.text(&s.id);
        for v in [s.disadvantage, -SOCIAL_SLOPE * s.disadvantage, s.effect] {
            out.comma();
            out.fixed(v, 3);
        }
        out.comma();
        out.raw(s.role.code().as_bytes());
        out.end_row()?;
    }
    out.finish()
}
