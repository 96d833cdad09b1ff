//! checklist.csv: the data of the criteria checklist (methodology step 5),
//! consistent with the cohorts of the results files and worse where social
//! disadvantage is higher.

use std::io;
use std::path::Path;

use crate::cohort;
use crate::csvout::CsvOut;
use crate::math::{exp, logistic};
use crate::names::SchoolType;
use crate::region::{School, World};
use crate::rng::{normal_from, Rng};
use crate::tag;

pub(crate) const CHECKLIST_HEADER: [&str; 9] = [
    "school_id",
    "year",
    "continuation_rate",
    "graduates",
    "ege_below_min",
    "olympiad_participants",
    "pupils",
    "kdn_pdn",
    "noko_satisfaction",
];

/// One school-year of checklist data; `None` is written as an empty field.
pub(crate) struct Row {
    pub continuation_rate: Option<f64>,
    pub graduates: Option<u32>,
    pub ege_below_min: Option<u32>,
    pub olympiad_participants: u32,
    pub pupils: u32,
    pub kdn_pdn: u32,
    pub noko_satisfaction: f64,
}

pub(crate) fn row(seed: u64, s: &School, year: i32) -> Row {
    let mut rng = Rng::from_parts(&[seed, tag::CHECKLIST, s.idx as u64, year as u64]);
    let d = s.disadvantage;
    let pupils = cohort::enrolment(seed, s, year);
    let has_9 = s.kind.top_grade() >= 9;
    let continuation_rate = has_9.then(|| {
        let c = year - 9;
        100.0 * cohort::upper_size(seed, s, c) as f64 / cohort::cohort_size(seed, s, c) as f64
    });
    let graduates = (s.kind.top_grade() == 11).then(|| cohort::upper_size(seed, s, year - 11));
    let ege_below_min = graduates.map(|g| {
        // Elective exams: about 1.5 per graduate; failures rise as the school mean falls.
        let exams = (g as f64 * 1.5).round() as u32;
        // A graduate counts once however many exams they failed.
        rng.binomial(exams, logistic(-2.6 - 1.3 * s.mean())).min(g)
    });
    let stable = normal_from(&[seed, tag::CHECKLIST, s.idx as u64]);
    let selective = matches!(s.kind, SchoolType::Lyceum | SchoolType::Gymnasium) as u8 as f64;
    let olympiad_rate = 0.015 * exp(-0.6 * d + 0.8 * s.effect + 0.6 * selective + 0.4 * stable);
    let kdn_rate = 0.008 * exp(0.5 * d - 0.3 * stable);
    let noko = 80.0 - 4.0 * d + 3.0 * stable + 2.0 * rng.normal();
    Row {
        continuation_rate,
        graduates,
        ege_below_min,
        olympiad_participants: rng.poisson(pupils as f64 * olympiad_rate),
        pupils,
        kdn_pdn: rng.poisson(pupils as f64 * kdn_rate),
        noko_satisfaction: noko.clamp(35.0, 99.5),
    }
}

pub(crate) fn write_checklist(world: &World, years: &[i32], path: &Path) -> io::Result<(u64, u64)> {
    let mut out = CsvOut::create(path, &CHECKLIST_HEADER)?;
    for s in &world.schools {
        for &year in years {
            let r = row(world.seed, s, year);
            out.text(&s.id);
            out.comma();
            out.int(year as i64);
            out.comma();
            if let Some(v) = r.continuation_rate {
                out.fixed(v, 1);
            }
            for v in [
                r.graduates,
                r.ege_below_min,
                Some(r.olympiad_participants),
                Some(r.pupils),
                Some(r.kdn_pdn),
            ] {
                out.comma();
                if let Some(v) = v {
                    out.uint(v as u64);
                }
            }
            out.comma();
            out.fixed(r.noko_satisfaction, 1);
            out.end_row()?;
        }
    }
    out.finish()
}
