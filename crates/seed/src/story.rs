//! The demo's one story: a saved identification run, and who is who in it.
//!
//! The demo must not contradict itself (issue 10): the first screen shows
//! the run's ШНОР, the roadmap's «for ШНОР» activities go to schools the run
//! calls ШНОР, the mentor of a support pair is a school the run calls
//! resilient or high-effect. So the cast is chosen from the run:
//!
//! - the municipality with the most ШНОР that also has a leader candidate
//!   (ties: the first in the registry) is the demo municipality (`mo1`);
//! - its ШНОР with a leader candidate is the demo school (`school1`,
//!   `teacher1`), and that candidate its mentor;
//! - the curator (`metod1`) supports the demo school and up to two more ШНОР
//!   of the municipality (then ШНСУ, then low results when there are fewer).

use crate::SeedError;
use opora_store::leaders::{suggest, RunSchool};
use opora_store::scope::Scope;
use opora_store::{Db, StoreError};
use std::collections::HashMap;

/// The actor the audit log names for the demo's own actions.
pub const ACTOR: &str = "demo";

/// How many schools the demo curator supports.
const CURATED: usize = 3;

/// Who is who in the demo, as chosen from a run.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Cast {
    pub run_id: i64,
    pub municipality_id: i64,
    /// The demo school (a ШНОР of the run).
    pub school_id: i64,
    /// The curator's schools, the demo school first.
    pub curated: Vec<i64>,
    /// The demo school's mentor: resilient or high-effect in the run.
    pub leader_id: i64,
}

/// The latest saved run, or a new one with the default settings over every
/// loaded year (saved and indexed as the web saves a run). Returns its id.
pub async fn ensure_run(db: &Db) -> Result<i64, SeedError> {
    if let (Some(id), _) = db.latest_run_ids().await? {
        return Ok(id);
    }
    let data = db.identification_data().await?;
    let run = tokio::task::spawn_blocking(move || {
        let input = opora_analytics::Input {
            stats: &data.stats,
            context: &data.context,
            schools: &data.schools,
            checklist: &data.checklist,
        };
        opora_analytics::identify(&input, &opora_analytics::Config::default())
    })
    .await
    .map_err(|e| SeedError::Run(e.to_string()))?
    .map_err(|e| SeedError::Run(e.to_string()))?;
    let id = db.save_run(ACTOR, &run).await?;
    db.index_run(id, &run).await?;
    Ok(id)
}

/// Chooses the cast from run `run_id` (see the module's notes).
pub async fn choose_cast(db: &Db, run_id: i64) -> Result<Cast, SeedError> {
    let schools = run_schools(db, run_id).await?;
    let mut by_municipality: Vec<(i64, Vec<&RunSchool>)> = Vec::new();
    for s in &schools {
        match by_municipality
            .iter_mut()
            .find(|(m, _)| *m == s.municipality_id)
        {
            Some((_, list)) => list.push(s),
            None => by_municipality.push((s.municipality_id, vec![s])),
        }
    }
    // Most ШНОР first; the sort is stable, so ties keep registry order.
    by_municipality.sort_by_key(|(_, list)| std::cmp::Reverse(shnor_count(list)));
    for (municipality_id, list) in &by_municipality {
        let pool: Vec<RunSchool> = list.iter().map(|s| (*s).clone()).collect();
        let shnor: Vec<&RunSchool> = list.iter().copied().filter(|s| s.line.is_shnor).collect();
        let suggestions = suggest(&shnor, &pool, 1, false);
        let Some((school_id, leader_id)) = suggestions
            .iter()
            .find_map(|s| s.candidates.first().map(|c| (s.school_id, c.school_id)))
        else {
            continue;
        };
        return Ok(Cast {
            run_id,
            municipality_id: *municipality_id,
            school_id,
            curated: curated(list, school_id, leader_id),
            leader_id,
        });
    }
    Err(SeedError::Story(
        "в расчёте нет муниципалитета, где у школы с низкими результатами есть школа-наставник"
            .into(),
    ))
}

fn shnor_count(list: &[&RunSchool]) -> usize {
    list.iter().filter(|s| s.line.is_shnor).count()
}

/// The demo school, then the municipality's other ШНОР, ШНСУ and low
/// results (in that order) up to [`CURATED`]; never the mentor.
fn curated(list: &[&RunSchool], school_id: i64, leader_id: i64) -> Vec<i64> {
    let mut out = vec![school_id];
    let tiers: [fn(&RunSchool) -> bool; 3] = [
        |s| s.line.is_shnor,
        |s| s.line.is_shnsu,
        |s| s.line.is_low_results,
    ];
    for tier in tiers {
        for s in list {
            if out.len() < CURATED && tier(s) && !out.contains(&s.id) && s.id != leader_id {
                out.push(s.id);
            }
        }
    }
    out
}

/// The run's schools with their place in the registry, in registry order.
async fn run_schools(db: &Db, run_id: i64) -> Result<Vec<RunSchool>, StoreError> {
    let mut lines: HashMap<String, opora_store::run_index::RunLine> = db
        .run_lines_in(&Scope::Region, run_id)
        .await?
        .into_iter()
        .map(|l| (l.school_code.clone(), l))
        .collect();
    Ok(db
        .schools(None)
        .await?
        .into_iter()
        .filter_map(|s| {
            lines.remove(&s.code).map(|line| RunSchool {
                id: s.id,
                municipality_id: s.municipality_id,
                municipality: s.municipality,
                short_name: s.short_name,
                line,
            })
        })
        .collect())
}

/// The cast of a seeded database, read back from the demo users and the
/// demo support pair (for tests and for checks); `None` when the demo users
/// or the pair are missing.
pub async fn cast(db: &Db) -> Result<Option<Cast>, StoreError> {
    let user = |login: &'static str| async move {
        db.user_for_login(login)
            .await
            .map(|u| u.map(|(user, _)| user))
    };
    let (Some(mo), Some(school), Some(curator)) = (
        user("mo1").await?,
        user("school1").await?,
        user("metod1").await?,
    ) else {
        return Ok(None);
    };
    let (Some(municipality_id), Some(school_id)) = (mo.municipality_id, school.school_id) else {
        return Ok(None);
    };
    let mut curated = db.curated_schools(curator.id).await?;
    curated.sort_by_key(|id| *id != school_id);
    let Some(pair) = db
        .support_pairs(&Scope::Region)
        .await?
        .into_iter()
        .find(|p| p.supported_school_id == school_id)
    else {
        return Ok(None);
    };
    let Some(run_id) = db.latest_run_ids().await?.0 else {
        return Ok(None);
    };
    Ok(Some(Cast {
        run_id,
        municipality_id,
        school_id,
        curated,
        leader_id: pair.leader_school_id,
    }))
}
