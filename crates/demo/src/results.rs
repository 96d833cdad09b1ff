//! Pupil-level results: one file per year, streamed row by row.
//!
//! A pupil's ability in an assessment is
//! θ = school mean + year effect + cohort effect + 0.9·(0.8·a + 0.6·ε),
//! with `a` its stable ability and ε fresh noise. Task points follow a
//! two-parameter logistic model: P(point) = logistic(1.7·(θ − b_task)),
//! a task worth m points scores Binomial(m, P).
//!
//! Planted non-objective patterns change what is reported for ВПР only:
//! O1 inflates ВПР (+1.4 sd, journal marks follow); O2 inflates ВПР (+0.7 sd)
//! while the journal keeps the true level; O3 moves scores just below a mark
//! threshold onto it; O4 tilts pupils towards hard tasks and away from easy
//! ones; O5 turns most 4s and some 3s into 5s.

use std::io;
use std::path::Path;

use crate::assess::{Assessment, Procedure, DISCRIMINATION, MATH};
use crate::cohort;
use crate::csvout::CsvOut;
use crate::math;
use crate::region::{School, World, O1, O2, O3, O4, O5};
use crate::rng::Rng;
use crate::tag;

const MAX_TASKS: usize = 32;

/// The canonical header of results files.
pub(crate) fn header(task_columns: usize) -> Vec<String> {
    let fixed = [
        "year",
        "school_id",
        "procedure",
        "subject",
        "grade",
        "student_key",
        "score",
        "max_score",
        "mark",
        "journal_mark",
    ];
    let mut h: Vec<String> = fixed.iter().map(|s| s.to_string()).collect();
    h.extend((1..=task_columns).map(|j| format!("task_{j}")));
    h
}

/// Precomputed bytes of an assessment's constant fields.
struct Prepared<'a> {
    a: &'a Assessment,
    /// ",ВПР,математика,4,"
    mid: Vec<u8>,
    /// ",20," (max_score between commas)
    max: Vec<u8>,
    /// Commas for the task columns this assessment leaves empty.
    empty_tail: Vec<u8>,
}

fn prepare(cat: &[Assessment], task_columns: usize) -> Vec<Prepared<'_>> {
    cat.iter()
        .map(|a| {
            let used = if a.write_tasks { a.points.len() } else { 0 };
            Prepared {
                a,
                mid: format!(",{},{},{},", a.procedure.name(), a.subject, a.grade).into_bytes(),
                max: format!(",{},", a.max_score()).into_bytes(),
                empty_tail: vec![b','; task_columns - used],
            }
        })
        .collect()
}

/// A pupil of the roster of one grade.
struct Pupil {
    key: [u8; 10],
    /// Mean ability of this pupil, before per-assessment noise.
    theta: f64,
}

/// Writes `results_{year}.csv`; returns (rows, bytes).
pub(crate) fn write_year(
    world: &World,
    cat: &[Assessment],
    year: i32,
    path: &Path,
) -> io::Result<(u64, u64)> {
    let columns = crate::assess::task_columns(cat);
    let head = header(columns);
    let head: Vec<&str> = head.iter().map(String::as_str).collect();
    let mut out = CsvOut::create(path, &head)?;
    let prepared = prepare(cat, columns);
    let mut grades: Vec<u8> = cat.iter().map(|a| a.grade).collect();
    grades.dedup();
    let year_bytes = year.to_string().into_bytes();
    let mut roster = Vec::new();
    for s in &world.schools {
        let mut rng = Rng::from_parts(&[world.seed, tag::RESULTS, s.idx as u64, year as u64]);
        let mean = s.mean() + cohort::year_effect(world.seed, s, year);
        for &grade in &grades {
            fill_roster(world.seed, s, year, grade, mean, &mut roster);
            for p in prepared.iter().filter(|p| p.a.grade == grade) {
                let row = RowCtx {
                    year: &year_bytes,
                    school: s,
                    prep: p,
                };
                for pupil in &roster {
                    write_pupil(&mut out, &mut rng, &row, pupil)?;
                }
            }
        }
    }
    out.finish()
}

fn fill_roster(seed: u64, s: &School, year: i32, grade: u8, mean: f64, roster: &mut Vec<Pupil>) {
    roster.clear();
    let cohort = year - grade as i32;
    let n = cohort::roster(seed, s, year, grade);
    if n == 0 {
        return;
    }
    let class = mean + cohort::cohort_effect(seed, s, cohort);
    let pupil = |i| Pupil {
        key: cohort::pupil_key(seed, s.idx, cohort, i),
        theta: class + 0.72 * cohort::ability(seed, s, cohort, i),
    };
    if grade <= 9 {
        roster.extend((0..n).map(pupil));
    } else {
        let mut members = Vec::new();
        cohort::upper_members(seed, s, cohort, &mut members);
        roster.extend(members.into_iter().map(pupil));
    }
}

struct RowCtx<'a> {
    year: &'a [u8],
    school: &'a School,
    prep: &'a Prepared<'a>,
}

/// One pupil's row of one assessment (if the pupil sits it).
fn write_pupil(out: &mut CsvOut, rng: &mut Rng, row: &RowCtx, pupil: &Pupil) -> io::Result<()> {
    let a = row.prep.a;
    if !rng.chance(a.participation) {
        return Ok(());
    }
    let theta = pupil.theta + 0.54 * rng.normal();
    if a.procedure == Procedure::Ege
        && a.subject == MATH
        && !rng.chance(math::logistic_fast(0.2 + 1.5 * theta))
    {
        return Ok(()); // chose the basic level, not in these files
    }
    let mut tasks = [0u8; MAX_TASKS];
    let r = sit(rng, a, row.school.patterns, theta, &mut tasks);
    out.raw(row.year);
    out.comma();
    out.raw(row.school.id.as_bytes());
    out.raw(&row.prep.mid);
    out.raw(&pupil.key);
    out.comma();
    out.uint(r.score as u64);
    out.raw(&row.prep.max);
    out.uint(r.mark as u64);
    out.comma();
    if r.journal > 0 {
        out.uint(r.journal as u64);
    }
    if a.write_tasks {
        for &t in &tasks[..a.points.len()] {
            out.comma();
            out.uint(t as u64);
        }
    }
    out.raw(&row.prep.empty_tail);
    out.end_row()
}

/// What one pupil gets in one assessment.
pub(crate) struct Sitting {
    pub score: u16,
    pub mark: u8,
    /// Journal mark, 0 when none.
    pub journal: u8,
}

/// Simulates one sitting, including the school's planted patterns.
pub(crate) fn sit(
    rng: &mut Rng,
    a: &Assessment,
    patterns: u8,
    theta: f64,
    tasks: &mut [u8],
) -> Sitting {
    let vpr = a.procedure == Procedure::Vpr;
    let patterns = if vpr { patterns } else { 0 };
    let boost = if patterns & O1 != 0 {
        1.4
    } else if patterns & O2 != 0 {
        0.7
    } else {
        0.0
    };
    let tilt = if patterns & O4 != 0 { 1.0 } else { 0.0 };
    let mut primary = draw_tasks(rng, a, theta + boost, tilt, tasks);
    if patterns & O3 != 0 {
        primary = heap(rng, a, primary, tasks);
    }
    let lift_to_five = match a.mark(primary) {
        4 => 0.85,
        3 => 0.4,
        _ => 0.0,
    };
    if patterns & O5 != 0 && rng.chance(lift_to_five) {
        let top = a.thresholds[2] + (a.max_score() - a.thresholds[2]) / 2;
        let target = rng.range(a.thresholds[2] as u32, top as u32) as u16;
        primary = add_points(rng, a, primary, target.max(primary), tasks);
    }
    let score = a.reported(primary);
    let journal = if vpr {
        // O1: teachers' marks follow the inflated level; O2: they do not.
        let level = if patterns & O1 != 0 {
            theta + boost
        } else {
            theta
        };
        journal_mark(rng, a, level)
    } else {
        0
    };
    Sitting {
        score,
        mark: a.mark(score),
        journal,
    }
}

/// Task points for ability θ; `tilt` shifts ability towards hard tasks.
fn draw_tasks(rng: &mut Rng, a: &Assessment, theta: f64, tilt: f64, tasks: &mut [u8]) -> u16 {
    let mut total = 0u16;
    for (j, &max) in a.points.iter().enumerate() {
        let x = DISCRIMINATION * (theta - a.difficulty[j] + tilt * a.tilt_weight[j]);
        let p = math::logistic_fast(x);
        let got = (0..max).filter(|_| rng.chance(p)).count() as u8;
        tasks[j] = got;
        total += got as u16;
    }
    total
}

/// O3: a score one or two points below a mark threshold is lifted onto it.
fn heap(rng: &mut Rng, a: &Assessment, primary: u16, tasks: &mut [u8]) -> u16 {
    for &t in &a.thresholds {
        let lift = if primary + 1 == t && rng.chance(0.75) || primary + 2 == t && rng.chance(0.35) {
            t
        } else {
            continue;
        };
        return add_points(rng, a, primary, lift, tasks);
    }
    primary
}

/// Adds points to tasks that have room, from a random task on, until the
/// total reaches `target`.
fn add_points(rng: &mut Rng, a: &Assessment, mut total: u16, target: u16, tasks: &mut [u8]) -> u16 {
    let n = a.points.len();
    let mut j = rng.range(0, n as u32 - 1) as usize;
    let mut idle = 0;
    while total < target && idle < n {
        if tasks[j] < a.points[j] {
            tasks[j] += 1;
            total += 1;
            idle = 0;
        } else {
            idle += 1;
        }
        j = (j + 1) % n;
    }
    total
}

/// The term mark in the journal: the mark of the expected score at a
/// slightly lenient, noisy ability; a «2» is often softened to «3».
fn journal_mark(rng: &mut Rng, a: &Assessment, theta: f64) -> u8 {
    let level = theta + 0.15 + 0.45 * rng.normal();
    let mark = 2 + a.level_cuts.iter().filter(|&&cut| level >= cut).count() as u8;
    if mark == 2 && rng.chance(0.6) {
        3
    } else {
        mark
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::assess::{self, catalogue};
    use crate::Scale;

    /// Abilities of the pupils who sit an assessment (approximately the
    /// region's mixture, with the selection of grades 10–11 and of the
    /// profile mathematics exam).
    fn population(a: &Assessment, n: usize) -> Vec<f64> {
        let mut rng = Rng::new(11);
        let mut out = Vec::with_capacity(n);
        while out.len() < n {
            let ability = rng.normal();
            let theta = 0.1 + 0.4 * rng.normal() + 0.72 * ability + 0.54 * rng.normal();
            if a.procedure == Procedure::Ege {
                if ability + rng.normal() < -0.36 {
                    continue;
                }
                if a.subject == MATH && !rng.chance(math::logistic_fast(0.2 + 1.5 * theta)) {
                    continue;
                }
            }
            out.push(theta);
        }
        out
    }

    fn distribution(a: &Assessment, thetas: &[f64]) -> [f64; 4] {
        let mut rng = Rng::new(12);
        let mut tasks = [0u8; MAX_TASKS];
        let mut counts = [0.0; 4];
        for &t in thetas {
            counts[(sit(&mut rng, a, 0, t, &mut tasks).mark - 2) as usize] +=
                100.0 / thetas.len() as f64;
        }
        counts
    }

    /// Fits (shift, spread) of every assessment to its target distribution:
    /// `cargo test -p opora-demo --release -- --ignored calibrate --nocapture`.
    #[test]
    #[ignore]
    fn calibrate() {
        for (k, a) in catalogue(Scale::Region).iter().enumerate() {
            let target = assess::target(a);
            let thetas = population(a, 6000);
            let mut best = (f64::MAX, 0.0, 0.0, [0.0; 4]);
            for si in 0..=100 {
                for pi in 0..=15 {
                    let (shift, spread) = (-3.0 + 0.05 * si as f64, 0.4 + 0.2 * pi as f64);
                    let d =
                        distribution(&assess::rebuilt(Scale::Region, k, shift, spread), &thetas);
                    let err: f64 = d.iter().zip(&target).map(|(x, y)| (x - y) * (x - y)).sum();
                    if err < best.0 {
                        best = (err, shift, spread, d);
                    }
                }
            }
            let now = distribution(a, &thetas);
            println!(
                "{} {} {}: ({:.2}, {:.2}) err {:.1} fit {:.0?} target {:?} now {:.0?}",
                a.procedure.name(),
                a.subject,
                a.grade,
                best.1,
                best.2,
                best.0,
                best.3,
                target,
                now
            );
        }
    }

    #[test]
    fn scores_stay_within_bounds_and_sum_tasks() {
        let cat = catalogue(Scale::Region);
        let mut rng = Rng::new(9);
        let mut tasks = [0u8; MAX_TASKS];
        for a in &cat {
            for patterns in [0, O1, O2, O3, O4, O5, O3 | O5] {
                for k in 0..400 {
                    let theta = -3.0 + 6.0 * k as f64 / 400.0;
                    let r = sit(&mut rng, a, patterns, theta, &mut tasks);
                    assert!(r.score <= a.max_score());
                    assert_eq!(r.mark, a.mark(r.score));
                    if a.conversion.is_none() {
                        let sum: u16 = tasks[..a.points.len()].iter().map(|&t| t as u16).sum();
                        assert_eq!(sum, r.score);
                    }
                    assert!(tasks.iter().zip(a.points).all(|(t, m)| t <= m));
                }
            }
        }
    }
}
