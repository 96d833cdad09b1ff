//! The staff facts of the schools of a territory, for the indicator
//! formulas' `кадры.*` fields (the rules are `opora_staff::facts`).

use super::teachers::stored_date;
use crate::{Db, Result};
use opora_plans::date::Date;
use opora_staff::clock::{clock, is_overdue, Thresholds};
use opora_staff::diagnostics::is_deficit;
use opora_staff::facts::{by_school, is_core_subject, SchoolStaff, TeacherFacts, RECENT_DAYS};
use std::collections::{BTreeMap, HashMap, HashSet};

impl Db {
    /// The staff facts of every school of the region on `on`.
    pub async fn region_staff_facts(&self, on: Date) -> Result<BTreeMap<i64, SchoolStaff>> {
        self.staff_facts("1 = 1", on).await
    }

    /// The staff facts of each school meeting `cond` (an SQL condition on
    /// the school aliased `s`) on `on`; schools without teachers are absent.
    pub(crate) async fn staff_facts(
        &self,
        cond: &str,
        on: Date,
    ) -> Result<BTreeMap<i64, SchoolStaff>> {
        let sql = format!(
            "SELECT t.id, t.school_id FROM teachers t JOIN schools s ON s.id = t.school_id WHERE {cond}"
        );
        let teachers: Vec<(i64, i64)> = on_db!(self, p => sqlx::query_as(&sql).fetch_all(p).await?);
        if teachers.is_empty() {
            return Ok(BTreeMap::new());
        }
        let results = self.latest_round_results().await?;
        let since = Date::from_days(on.days() - RECENT_DAYS).unwrap_or(on).iso();
        let recent = |table: &str, person: &str| {
            format!(
                "SELECT DISTINCT {person} FROM {table} WHERE status = 'active' OR closed_on >= $1"
            )
        };
        let planned: HashSet<i64> = self
            .ids(&recent("development_plans", "teacher_id"), &since)
            .await?;
        let mentored: HashSet<i64> = self
            .ids(&recent("mentoring_pairs", "mentee_id"), &since)
            .await?;
        let at_events: HashSet<i64> = self.ids(&event_supported_sql(), &since).await?;
        let sql = "SELECT teacher_id, MAX(end_date) FROM courses GROUP BY teacher_id";
        let last: HashMap<i64, String> =
            on_db!(self, p => sqlx::query_as::<_, (i64, String)>(sql).fetch_all(p).await?)
                .into_iter()
                .collect();
        let mut facts = Vec::with_capacity(teachers.len());
        for (id, school_id) in teachers {
            let cells = results.get(&id).map(Vec::as_slice).unwrap_or_default();
            let last_end = last.get(&id).map(|d| stored_date(d)).transpose()?;
            facts.push(TeacherFacts {
                school_id,
                diagnosed: !cells.is_empty(),
                deficit: cells.iter().any(|(_, score)| is_deficit(*score)),
                core_diagnosed: cells.iter().any(|(s, _)| is_core_subject(s)),
                core_deficit: cells
                    .iter()
                    .any(|(s, score)| is_core_subject(s) && is_deficit(*score)),
                plan: planned.contains(&id),
                mentored: mentored.contains(&id),
                event_supported: at_events.contains(&id),
                course_in_time: !is_overdue(&clock(last_end, on, &Thresholds::default())),
            });
        }
        Ok(by_school(&facts))
    }

    /// Each teacher's (subject, score) of their latest round (a test or a
    /// self-assessment: the profile a plan is drafted from).
    async fn latest_round_results(&self) -> Result<HashMap<i64, Vec<(String, f64)>>> {
        let sql =
            "SELECT r.teacher_id, r.subject, r.score, d.held_on, d.id FROM diagnostic_results r \
                   JOIN diagnostic_rounds d ON d.id = r.round_id";
        let rows: Vec<(i64, String, f64, String, i64)> =
            on_db!(self, p => sqlx::query_as(sql).fetch_all(p).await?);
        let mut latest: HashMap<i64, (String, i64)> = HashMap::new();
        for (teacher, _, _, on, round) in &rows {
            let e = latest.entry(*teacher).or_insert((on.clone(), *round));
            if (on, round) > (&e.0, &e.1) {
                *e = (on.clone(), *round);
            }
        }
        let mut out: HashMap<i64, Vec<(String, f64)>> = HashMap::new();
        for (teacher, subject, score, _, round) in rows {
            if latest[&teacher].1 == round {
                out.entry(teacher).or_default().push((subject, score));
            }
        }
        Ok(out)
    }

    async fn ids(&self, sql: &str, bind: &str) -> Result<HashSet<i64>> {
        let ids: Vec<i64> =
            on_db!(self, p => sqlx::query_scalar(sql).bind(bind).fetch_all(p).await?);
        Ok(ids.into_iter().collect())
    }
}

/// The teachers who attended an event of methodological support whose last
/// day is on or after `$1` (the kinds from `opora_events`).
fn event_supported_sql() -> String {
    let kinds = opora_events::EventKind::ALL
        .iter()
        .filter(|k| k.is_methodical_support())
        .map(|k| format!("'{}'", k.code()))
        .collect::<Vec<_>>()
        .join(", ");
    format!(
        "SELECT DISTINCT p.teacher_id FROM event_participants p JOIN events e ON e.id = p.event_id \
         WHERE p.attendance = 'attended' AND e.kind IN ({kinds}) AND COALESCE(e.ends_on, e.starts_on) >= $1"
    )
}
