//! Diagnostics of professional deficits: the rounds, each teacher's results
//! (the card's profile), and the heat map of a round over the teachers of a
//! scope (by the school where each works now). The results are written by
//! the import (`import::diagnostics`).

use super::teachers_sql;
use crate::scope::Scope;
use crate::{Db, Result, StoreError};
use opora_plans::date::Date;
use opora_staff::diagnostics::{heat_map, split_topics, Cell, Competence, HeatCell};

/// A round of a diagnostic.
#[derive(Debug, Clone, PartialEq)]
pub struct Round {
    pub id: i64,
    pub title: String,
    pub held_on: Date,
    /// A self-assessment (an instrument's round), not a test: rounds are
    /// compared only with rounds of their own kind.
    pub self_assessment: bool,
}

impl Round {
    /// Whether two rounds measure alike (both tests, or both self-assessments).
    pub fn same_kind(&self, other: &Round) -> bool {
        self.self_assessment == other.self_assessment
    }
}

/// A school's line under a heat map: teachers diagnosed in the round and
/// those with at least one deficit.
#[derive(Debug, Clone, PartialEq)]
pub struct SchoolDiagnosis {
    pub school_id: i64,
    pub school: String,
    pub diagnosed: usize,
    pub with_deficit: usize,
}

fn cell(subject: String, competence: String, score: f64, topics: String) -> Result<Cell> {
    Ok(Cell {
        competence: Competence::from_code(&competence)
            .ok_or_else(|| StoreError::stored("область компетенций", &competence))?,
        subject,
        score,
        weak_topics: split_topics(&topics),
    })
}

/// The results of a round over the teachers of a scope: (teacher, school, school name, cell).
type ScopedCells = Vec<(i64, i64, String, Cell)>;

impl Db {
    /// Every round, oldest first.
    pub async fn diagnostic_rounds(&self) -> Result<Vec<Round>> {
        let sql = "SELECT r.id, r.title, r.held_on, \
                   (SELECT COUNT(*) FROM diagnostic_instruments i WHERE i.round_id = r.id) \
                   FROM diagnostic_rounds r ORDER BY r.held_on, r.id";
        let rows: Vec<(i64, String, String, i64)> =
            on_db!(self, p => sqlx::query_as(sql).fetch_all(p).await?);
        rows.into_iter()
            .map(|(id, title, on, instruments)| {
                Ok(Round {
                    id,
                    title,
                    held_on: super::teachers::stored_date(&on)?,
                    self_assessment: instruments > 0,
                })
            })
            .collect()
    }

    /// A teacher's results per round, oldest round first (the caller has
    /// checked the teacher's scope and audits the card read).
    pub async fn teacher_diagnostics(&self, teacher_id: i64) -> Result<Vec<(Round, Vec<Cell>)>> {
        let rounds = self.diagnostic_rounds().await?;
        let sql =
            "SELECT round_id, subject, competence, score, weak_topics FROM diagnostic_results \
                   WHERE teacher_id = $1 ORDER BY subject, competence";
        let rows: Vec<(i64, String, String, f64, String)> =
            on_db!(self, p => sqlx::query_as(sql).bind(teacher_id).fetch_all(p).await?);
        let mut out = Vec::new();
        for round in rounds {
            let mut cells = Vec::new();
            for (r, subject, competence, score, topics) in &rows {
                if *r == round.id {
                    cells.push(cell(
                        subject.clone(),
                        competence.clone(),
                        *score,
                        topics.clone(),
                    )?);
                }
            }
            cells.sort_by_key(|c| {
                (
                    c.subject.clone(),
                    Competence::ALL.iter().position(|x| *x == c.competence),
                )
            });
            if !cells.is_empty() {
                out.push((round, cells));
            }
        }
        Ok(out)
    }

    async fn round_cells(
        &self,
        scope: &Scope,
        round_id: i64,
        school: Option<i64>,
    ) -> Result<ScopedCells> {
        let mut sql = format!(
            "SELECT t.id, s.id, s.short_name, r.subject, r.competence, r.score, r.weak_topics \
             FROM diagnostic_results r JOIN teachers t ON t.id = r.teacher_id JOIN schools s ON s.id = t.school_id \
             WHERE r.round_id = $1 AND {}",
            teachers_sql(scope)
        );
        // A number from the caller's own checked filter.
        if let Some(id) = school {
            sql.push_str(&format!(" AND s.id = {id}"));
        }
        let rows: Vec<(i64, i64, String, String, String, f64, String)> =
            on_db!(self, p => sqlx::query_as(&sql).bind(round_id).fetch_all(p).await?);
        rows.into_iter()
            .map(|(t, s, name, subject, competence, score, topics)| {
                Ok((t, s, name, cell(subject, competence, score, topics)?))
            })
            .collect()
    }

    /// The heat map of a round over the teachers of `scope` (or of one of
    /// its schools), and the schools' lines (most teachers with a deficit
    /// first). Aggregates only: no names.
    pub async fn diagnostics_heat_map(
        &self,
        scope: &Scope,
        round_id: i64,
        school: Option<i64>,
    ) -> Result<(Vec<HeatCell>, Vec<SchoolDiagnosis>)> {
        let cells = self.round_cells(scope, round_id, school).await?;
        let map = heat_map(cells.iter().map(|(_, _, _, c)| c));
        let mut by_school: std::collections::BTreeMap<
            i64,
            (
                String,
                std::collections::BTreeSet<i64>,
                std::collections::BTreeSet<i64>,
            ),
        > = Default::default();
        for (teacher, school, name, c) in &cells {
            let e = by_school
                .entry(*school)
                .or_insert_with(|| (name.clone(), Default::default(), Default::default()));
            e.1.insert(*teacher);
            if c.is_deficit() {
                e.2.insert(*teacher);
            }
        }
        let mut schools: Vec<SchoolDiagnosis> = by_school
            .into_iter()
            .map(
                |(school_id, (school, diagnosed, deficit))| SchoolDiagnosis {
                    school_id,
                    school,
                    diagnosed: diagnosed.len(),
                    with_deficit: deficit.len(),
                },
            )
            .collect();
        schools.sort_by(|a, b| {
            b.with_deficit
                .cmp(&a.with_deficit)
                .then(a.school.cmp(&b.school))
        });
        Ok((map, schools))
    }
}
