//! The dynamics of results: each pupil's results across assessments (by
//! the pseudonymous key, within the school), whether the pupil improved
//! since the results that put them on the register
//! (`opora_pupils::dynamics`), and the counts per school that the wider
//! scopes see (never a pupil).
//!
//! **A pupil's change**: for each subject at risk, the entry result is the
//! weakest result in that subject in the entry year (the year the register
//! was built from, or the academic year a pupil was added by hand), the
//! later result is the latest one in a later year; the pupil improved when
//! at least one subject improved and none got worse, got worse in the
//! opposite case, and otherwise stayed the same. Pupils without a later
//! result are not counted.

use super::register::Pupil;
use super::warnings::signal;
use crate::scope::Scope;
use crate::{Db, Result};
use opora_plans::date::Date;
use opora_pupils::dynamics::{change, Change, Standing, Tally};
use opora_pupils::model::RegisterStatus;
use opora_pupils::warning::WarningLevel;
use std::collections::{BTreeMap, HashMap};

/// One result of a pupil.
#[derive(Debug, Clone, PartialEq)]
pub struct PupilResult {
    pub year: i64,
    pub procedure: String,
    pub subject: String,
    pub grade: i64,
    pub score: f64,
    pub max_score: Option<f64>,
    pub mark: Option<i64>,
    pub standing: Standing,
}

/// The counts of one school's register: what the wider scopes see.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct SchoolPupils {
    pub school_id: i64,
    pub code: String,
    pub school: String,
    pub municipality_id: i64,
    pub municipality: String,
    /// Pupils on the register now.
    pub on_register: u64,
    /// Of them, at «риск» or «высокий риск» in their latest period.
    pub at_risk: u64,
    /// Of them, with an active route.
    pub with_route: u64,
    /// At tier 3.
    pub tier3: u64,
    /// Signals without action.
    pub signals: u64,
    /// Every pupil ever on the register with a later result.
    pub dynamics: Tally,
    /// Of these, those whose first route began no later than the academic
    /// year of the later result, and the others.
    pub routed: Tally,
    pub not_routed: Tally,
}

const RESULTS_SQL: &str = "SELECT p.id, a.year, a.procedure, a.subject, a.grade, r.score, COALESCE(r.max_score, sc.max_score), r.mark, sc.min_3 \
     FROM pupils p JOIN schools s ON s.id = p.school_id \
     JOIN assessment_stats st ON st.school_id = p.school_id \
     JOIN assessments a ON a.id = st.assessment_id \
     JOIN pupil_results r ON r.assessment_id = st.assessment_id AND r.school_id = st.school_id \
          AND r.generation = st.generation AND r.student_key = p.student_key \
     LEFT JOIN scales sc ON sc.assessment_id = a.id";

type ResultRow = (
    i64,
    i64,
    String,
    String,
    i64,
    f64,
    Option<f64>,
    Option<i64>,
    Option<f64>,
);

fn result_of(row: ResultRow) -> (i64, PupilResult) {
    let (id, year, procedure, subject, grade, score, max, mark, min_3) = row;
    (
        id,
        PupilResult {
            year,
            procedure,
            subject,
            grade,
            score,
            max_score: max,
            mark,
            standing: Standing::of(mark, score, max, min_3),
        },
    )
}

/// The year a pupil's dynamics start from.
fn entry_year(p: &Pupil) -> i64 {
    p.source_year
        .unwrap_or_else(|| i64::from(p.entered_on.academic_year()))
}

/// How a pupil's results changed since the entry year (see the module),
/// and the latest year compared.
pub fn pupil_change(p: &Pupil, results: &[PupilResult]) -> Option<(Change, i64)> {
    let entry = entry_year(p);
    let mut tally = Tally::default();
    let mut latest = entry;
    for subject in &p.fields.subjects {
        let same = |r: &&PupilResult| r.subject.to_lowercase() == subject.to_lowercase();
        let before = results
            .iter()
            .filter(same)
            .filter(|r| r.year == entry)
            .min_by(|a, b| {
                a.standing
                    .share
                    .partial_cmp(&b.standing.share)
                    .unwrap_or(std::cmp::Ordering::Equal)
            });
        let after = results
            .iter()
            .filter(same)
            .filter(|r| r.year > entry)
            .max_by_key(|r| (r.year, r.grade));
        if let (Some(b), Some(a)) = (before, after) {
            if let Some(c) = change(&b.standing, &a.standing) {
                tally.add(c);
                latest = latest.max(a.year);
            }
        }
    }
    let c = match (tally.better, tally.worse, tally.total()) {
        (_, _, 0) => return None,
        (b, 0, _) if b > 0 => Change::Better,
        (0, w, _) if w > 0 => Change::Worse,
        _ => Change::Same,
    };
    Some((c, latest))
}

impl Db {
    /// A pupil's results at the school, oldest first.
    pub async fn pupil_results(&self, p: &Pupil) -> Result<Vec<PupilResult>> {
        let sql = format!(
            "{RESULTS_SQL} WHERE p.id = $1 ORDER BY a.year, a.grade, a.procedure, a.subject"
        );
        let rows: Vec<ResultRow> =
            on_db!(self, c => sqlx::query_as(&sql).bind(p.id).fetch_all(c).await?);
        Ok(rows.into_iter().map(|r| result_of(r).1).collect())
    }

    /// The register's counts per school of `scope` (any scope: counts, not
    /// pupils), schools with a register only, by municipality and name.
    /// The web hides small counts above the school.
    pub async fn pupil_summary(&self, scope: &Scope, today: Date) -> Result<Vec<SchoolPupils>> {
        // The pupils of the whole scope are read here only to be counted:
        // nothing of a pupil leaves this function.
        let within = scope.schools_sql("s");
        let pupils = self.pupils_matching(&within, None).await?;
        // A pupil's first route, by its start: it counts for the dynamics
        // only if it began no later than the academic year compared.
        let first_route: HashMap<i64, i64> = {
            let sql = format!(
                "SELECT r.pupil_id, MIN(r.started_on) FROM pupil_routes r JOIN pupils p ON p.id = r.pupil_id \
                 JOIN schools s ON s.id = p.school_id WHERE {within} GROUP BY r.pupil_id"
            );
            let rows: Vec<(i64, String)> =
                on_db!(self, c => sqlx::query_as(&sql).fetch_all(c).await?);
            rows.into_iter()
                .filter_map(|(id, start)| {
                    Date::parse(&start).map(|d| (id, i64::from(d.academic_year())))
                })
                .collect()
        };
        let mut results: HashMap<i64, Vec<PupilResult>> = HashMap::new();
        {
            let sql = format!("{RESULTS_SQL} WHERE {within}");
            let rows: Vec<ResultRow> = on_db!(self, c => sqlx::query_as(&sql).fetch_all(c).await?);
            for row in rows {
                let (id, r) = result_of(row);
                results.entry(id).or_default().push(r);
            }
        }
        let names: HashMap<i64, (String, String, String)> = {
            let sql = format!(
                "SELECT s.id, s.code, s.short_name, m.name FROM schools s JOIN municipalities m ON m.id = s.municipality_id \
                 WHERE {within} AND EXISTS (SELECT 1 FROM pupils p WHERE p.school_id = s.id)"
            );
            let rows: Vec<(i64, String, String, String)> =
                on_db!(self, c => sqlx::query_as(&sql).fetch_all(c).await?);
            rows.into_iter()
                .map(|(id, code, name, m)| (id, (code, name, m)))
                .collect()
        };
        let mut by_school: BTreeMap<i64, SchoolPupils> = BTreeMap::new();
        for p in &pupils {
            let Some((code, name, municipality)) = names.get(&p.school_id) else {
                continue;
            };
            let s = by_school
                .entry(p.school_id)
                .or_insert_with(|| SchoolPupils {
                    school_id: p.school_id,
                    code: code.clone(),
                    school: name.clone(),
                    municipality_id: p.municipality_id,
                    municipality: municipality.clone(),
                    ..SchoolPupils::default()
                });
            if p.status == RegisterStatus::Active {
                s.on_register += 1;
                if p.warning
                    .as_ref()
                    .is_some_and(|(l, _, _)| l.rank() >= WarningLevel::Risk.rank())
                {
                    s.at_risk += 1;
                }
                if let Some(r) = &p.route {
                    s.with_route += 1;
                    if r.tier == opora_pupils::model::Tier::Individual {
                        s.tier3 += 1;
                    }
                }
                if signal(p, today).is_some() {
                    s.signals += 1;
                }
            }
            if let Some((c, year)) = pupil_change(p, results.get(&p.id).map_or(&[][..], |v| v)) {
                s.dynamics.add(c);
                if first_route.get(&p.id).is_some_and(|start| *start <= year) {
                    s.routed.add(c);
                } else {
                    s.not_routed.add(c);
                }
            }
        }
        let mut out: Vec<SchoolPupils> = by_school.into_values().collect();
        out.sort_by(|a, b| (&a.municipality, &a.school).cmp(&(&b.municipality, &b.school)));
        Ok(out)
    }
}
