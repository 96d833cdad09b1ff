//! Leader schools suggested for each ШНОР of an identification run, to form
//! support pairs (issue 5, «Support»).
//!
//! A candidate is a school of the same run that is resilient (high results
//! in unfavourable conditions) or shows a significantly positive effect (the
//! whole confidence interval of its value added above zero), and that is
//! itself neither ШНОР nor «низкие результаты». Candidates of the ШНОР's own
//! municipality come first, nearest social index first; a regional operator
//! also gets candidates from other municipalities after those. Users below
//! the region see candidates only inside their own municipalities (a user
//! sees only their scope).

use crate::run_index::RunLine;
use crate::scope::Scope;
use crate::{Db, Result};
use serde::Serialize;
use std::collections::HashMap;

/// How many candidates are offered per ШНОР.
pub const CANDIDATES_PER_SCHOOL: usize = 3;

#[derive(Debug, Clone, Serialize)]
pub struct LeaderCandidate {
    pub school_id: i64,
    pub code: String,
    pub short_name: String,
    pub municipality: String,
    pub same_municipality: bool,
    pub resilient: bool,
    pub social_index: Option<f64>,
    pub effect: Option<f64>,
    /// |social index − the ШНОР's social index|.
    pub social_gap: Option<f64>,
}

#[derive(Debug, Clone, Serialize)]
pub struct LeaderSuggestion {
    pub school_id: i64,
    pub code: String,
    pub short_name: String,
    pub municipality: String,
    pub social_index: Option<f64>,
    pub candidates: Vec<LeaderCandidate>,
}

/// A school of the run with its place in the registry.
#[derive(Debug, Clone)]
pub struct RunSchool {
    pub id: i64,
    pub municipality_id: i64,
    pub municipality: String,
    pub short_name: String,
    pub line: RunLine,
}

/// A leader school of a run: resilient or with a significantly positive
/// effect, and itself neither ШНОР nor «низкие результаты» (also the
/// source of mentors for teachers of ШНОР).
pub fn is_candidate(l: &RunLine) -> bool {
    let strong_effect = matches!((l.effect, l.ci_low), (Some(e), Some(lo)) if e > 0.0 && lo > 0.0);
    !l.is_shnor && !l.is_low_results && !l.insufficient_data && (l.is_resilient || strong_effect)
}

/// For each ШНОР in `targets`, up to `k` candidates from `pool`: same
/// municipality first, then (when `other_municipalities`) the others; within
/// each, the nearest social index first, then the larger effect.
pub fn suggest(
    targets: &[&RunSchool],
    pool: &[RunSchool],
    k: usize,
    other_municipalities: bool,
) -> Vec<LeaderSuggestion> {
    let candidates: Vec<&RunSchool> = pool.iter().filter(|s| is_candidate(&s.line)).collect();
    targets
        .iter()
        .map(|t| {
            let gap = |c: &RunSchool| match (c.line.social_index, t.line.social_index) {
                (Some(a), Some(b)) => Some((a - b).abs()),
                _ => None,
            };
            let mut ranked: Vec<(&RunSchool, bool, Option<f64>)> = candidates
                .iter()
                .filter(|c| c.id != t.id)
                .map(|c| (*c, c.municipality_id == t.municipality_id, gap(c)))
                .filter(|(_, same, _)| *same || other_municipalities)
                .collect();
            ranked.sort_by(|a, b| {
                b.1.cmp(&a.1)
                    .then(
                        a.2.unwrap_or(f64::INFINITY)
                            .total_cmp(&b.2.unwrap_or(f64::INFINITY)),
                    )
                    .then(
                        b.0.line
                            .effect
                            .unwrap_or(f64::NEG_INFINITY)
                            .total_cmp(&a.0.line.effect.unwrap_or(f64::NEG_INFINITY)),
                    )
                    .then(a.0.line.school_code.cmp(&b.0.line.school_code))
            });
            LeaderSuggestion {
                school_id: t.id,
                code: t.line.school_code.clone(),
                short_name: t.short_name.clone(),
                municipality: t.municipality.clone(),
                social_index: t.line.social_index,
                candidates: ranked
                    .into_iter()
                    .take(k)
                    .map(|(c, same, gap)| LeaderCandidate {
                        school_id: c.id,
                        code: c.line.school_code.clone(),
                        short_name: c.short_name.clone(),
                        municipality: c.municipality.clone(),
                        same_municipality: same,
                        resilient: c.line.is_resilient,
                        social_index: c.line.social_index,
                        effect: c.line.effect,
                        social_gap: gap,
                    })
                    .collect(),
            }
        })
        .collect()
}

impl Db {
    /// Leader schools for every ШНОР of run `run_id` in the scope.
    pub async fn leader_suggestions(
        &self,
        scope: &Scope,
        run_id: i64,
    ) -> Result<Vec<LeaderSuggestion>> {
        let region = matches!(scope, Scope::Region);
        let schools: HashMap<String, crate::registry::School> = self
            .schools(None)
            .await?
            .into_iter()
            .map(|s| (s.code.clone(), s))
            .collect();
        let to_run_school = |l: RunLine| {
            schools.get(&l.school_code).map(|s| RunSchool {
                id: s.id,
                municipality_id: s.municipality_id,
                municipality: s.municipality.clone(),
                short_name: s.short_name.clone(),
                line: l,
            })
        };
        let in_scope: Vec<RunSchool> = self
            .run_lines_in(scope, run_id)
            .await?
            .into_iter()
            .filter_map(to_run_school)
            .collect();
        // The pool: the whole run for the region, else the scope's municipalities.
        let scope_munis: std::collections::BTreeSet<i64> =
            in_scope.iter().map(|s| s.municipality_id).collect();
        let pool: Vec<RunSchool> = self
            .run_lines_in(&Scope::Region, run_id)
            .await?
            .into_iter()
            .filter_map(to_run_school)
            .filter(|s| region || scope_munis.contains(&s.municipality_id))
            .collect();
        let targets: Vec<&RunSchool> = in_scope.iter().filter(|s| s.line.is_shnor).collect();
        Ok(suggest(&targets, &pool, CANDIDATES_PER_SCHOOL, region))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn school(
        id: i64,
        muni: i64,
        social: f64,
        effect: f64,
        ci_low: f64,
        shnor: bool,
        resilient: bool,
    ) -> RunSchool {
        RunSchool {
            id,
            municipality_id: muni,
            municipality: format!("МО {muni}"),
            short_name: format!("Школа {id}"),
            line: RunLine {
                run_id: 1,
                run_at: String::new(),
                years: String::new(),
                school_code: format!("s{id:03}"),
                category: String::new(),
                is_shnor: shnor,
                is_low_results: shnor,
                is_shnsu: false,
                is_resilient: resilient,
                insufficient_data: false,
                n: 100,
                result_index: None,
                social_index: Some(social),
                expected: None,
                effect: Some(effect),
                ci_low: Some(ci_low),
                ci_high: None,
                rank: None,
                percentile: None,
                reason: String::new(),
                summary: String::new(),
            },
        }
    }

    #[test]
    fn same_municipality_first_then_nearest_social_index() {
        let pool = vec![
            school(1, 1, 0.0, -0.5, -0.7, true, false),  // the ШНОР
            school(2, 1, 0.9, 0.3, 0.1, false, false),   // strong effect, far
            school(3, 1, 0.1, 0.2, 0.05, false, false),  // strong effect, near
            school(4, 2, 0.0, 0.4, 0.2, false, true),    // other municipality, nearest of all
            school(5, 1, 0.05, 0.1, -0.1, false, false), // effect not significant: not a leader
            school(6, 1, 0.02, 0.3, 0.1, true, false),   // another ШНОР: never a leader
        ];
        let targets: Vec<&RunSchool> = pool.iter().filter(|s| s.line.is_shnor).collect();
        let s = suggest(&targets[..1], &pool, 3, false);
        let codes: Vec<&str> = s[0].candidates.iter().map(|c| c.code.as_str()).collect();
        assert_eq!(
            codes,
            ["s003", "s002"],
            "own municipality only, nearest first"
        );
        let s = suggest(&targets[..1], &pool, 3, true);
        let codes: Vec<&str> = s[0].candidates.iter().map(|c| c.code.as_str()).collect();
        assert_eq!(
            codes,
            ["s003", "s002", "s004"],
            "the region also sees other municipalities, after its own"
        );
        assert!(!s[0].candidates[2].same_municipality && s[0].candidates[2].resilient);
    }

    #[test]
    fn a_school_is_never_its_own_leader_and_no_candidates_is_an_empty_list() {
        let pool = vec![school(1, 1, 0.0, -0.5, -0.7, true, false)];
        let s = suggest(&[&pool[0]], &pool, 3, true);
        assert_eq!(s.len(), 1);
        assert!(s[0].candidates.is_empty());
    }
}
