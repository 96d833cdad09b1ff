//! The efficiency of principals: the criteria's weights (the region's) and
//! the evaluations per academic year. An evaluation reads every school's
//! data on its day — the latest two identification runs, the roadmaps, the
//! staff records — measures each criterion (`opora_staff::principals`) and
//! keeps the result with the numbers behind it, so that the order it goes
//! into does not change when the data does. Evaluating a year again
//! replaces it (before the order is signed). Results name the principals:
//! reads are audited.

use crate::audit::{audit_for_in, now_text};
use crate::scope::Scope;
use crate::{Db, Result, StoreError};
use opora_io::values::academic_year;
use opora_plans::date::Date;
use opora_plans::model::ActivityStatus;
use opora_staff::principals::{self as rules, Criterion, Measure};
use std::collections::{BTreeMap, HashMap};

/// An evaluation of a year.
#[derive(Debug, Clone, PartialEq)]
pub struct Evaluation {
    pub id: i64,
    /// The academic year, by its last calendar year (2026: «2025-2026 учебный год»).
    pub year: i32,
    pub evaluated_on: Date,
    pub created_by: String,
}

/// One criterion of one school in an evaluation.
#[derive(Debug, Clone, PartialEq)]
pub struct Score {
    pub criterion: Criterion,
    pub weight: u32,
    pub value: Option<f64>,
    pub points: Option<f64>,
    pub basis: String,
}

/// One school's result in an evaluation.
#[derive(Debug, Clone, PartialEq)]
pub struct PrincipalResult {
    pub school_id: i64,
    pub school_code: String,
    pub school: String,
    pub municipality: String,
    pub principal: String,
    pub total: Option<f64>,
    /// In `Criterion::ALL` order.
    pub scores: Vec<Score>,
}

type ScoreRow = (i64, String, i64, Option<f64>, Option<f64>, String);

impl Db {
    /// The criteria's weights, in `Criterion::ALL` order (the defaults
    /// until the region sets them).
    pub async fn principal_weights(&self) -> Result<Vec<(Criterion, u32)>> {
        let sql = "SELECT criterion, weight FROM principal_criteria";
        let stored: HashMap<String, i64> =
            on_db!(self, p => sqlx::query_as::<_, (String, i64)>(sql).fetch_all(p).await?)
                .into_iter()
                .collect();
        Ok(Criterion::ALL
            .iter()
            .map(|c| {
                let w = stored
                    .get(c.code())
                    .map_or(c.default_weight(), |w| *w as u32);
                (*c, w)
            })
            .collect())
    }

    /// Sets the weights (each 0–100, not all zero).
    pub async fn set_principal_weights(
        &self,
        weights: &[(Criterion, u32)],
        actor: &str,
    ) -> Result<()> {
        if weights.iter().any(|(_, w)| *w > 100) {
            return Err(StoreError::Invalid(
                "вес критерия — от 0 до 100 баллов".into(),
            ));
        }
        if weights.iter().all(|(_, w)| *w == 0) {
            return Err(StoreError::Invalid(
                "хотя бы один критерий должен иметь вес больше нуля".into(),
            ));
        }
        let mut tx = self.begin().await?;
        let at = now_text();
        for (c, w) in weights {
            let sql = "INSERT INTO principal_criteria (criterion, weight, updated_at, updated_by) VALUES ($1, $2, $3, $4) \
                       ON CONFLICT (criterion) DO UPDATE SET weight = excluded.weight, updated_at = excluded.updated_at, updated_by = excluded.updated_by";
            on_tx!(&mut tx, c2 => sqlx::query(sql).bind(c.code()).bind(i64::from(*w)).bind(&at).bind(actor).execute(&mut *c2).await?.rows_affected());
        }
        let text: Vec<String> = weights
            .iter()
            .map(|(c, w)| format!("{}: {w}", c.title()))
            .collect();
        audit_for_in(
            &mut tx,
            actor,
            "веса критериев эффективности руководителей изменены",
            "критерии эффективности руководителей",
            &text.join("; "),
            None,
        )
        .await?;
        tx.commit().await
    }

    /// The evaluations, latest year first.
    pub async fn principal_evaluations(&self) -> Result<Vec<Evaluation>> {
        let sql = "SELECT id, year, evaluated_on, created_by FROM principal_evaluations ORDER BY year DESC";
        let rows: Vec<(i64, i64, String, String)> =
            on_db!(self, p => sqlx::query_as(sql).fetch_all(p).await?);
        rows.into_iter()
            .map(|(id, year, on, by)| {
                Ok(Evaluation {
                    id,
                    year: year as i32,
                    evaluated_on: super::teachers::stored_date(&on)?,
                    created_by: by,
                })
            })
            .collect()
    }

    /// Evaluates every school of the region for academic year `year` on
    /// `on` with the current weights (replacing the year's evaluation).
    pub async fn evaluate_principals(&self, year: i32, on: Date, actor: &str) -> Result<i64> {
        let weights = self.principal_weights().await?;
        let measures = self.principal_measures(on).await?;
        let principals = self.principals().await?;
        let mut tx = self.begin().await?;
        on_tx!(&mut tx, c => sqlx::query("DELETE FROM principal_evaluations WHERE year = $1").bind(i64::from(year)).execute(&mut *c).await?.rows_affected());
        let sql = "INSERT INTO principal_evaluations (year, evaluated_on, created_at, created_by) VALUES ($1, $2, $3, $4) RETURNING id";
        let id: i64 = on_tx!(&mut tx, c => sqlx::query_scalar(sql).bind(i64::from(year)).bind(on.iso())
            .bind(now_text()).bind(actor).fetch_one(&mut *c).await?);
        for (school_id, by_criterion) in &measures {
            let list: Vec<(u32, &Measure)> = weights
                .iter()
                .map(|(c, w)| (*w, &by_criterion[c]))
                .collect();
            let (total, points) = rules::score(&list);
            let sql = "INSERT INTO principal_results (evaluation_id, school_id, principal, total) VALUES ($1, $2, $3, $4)";
            let principal = principals.get(school_id).cloned().unwrap_or_default();
            on_tx!(&mut tx, c => sqlx::query(sql).bind(id).bind(school_id).bind(&principal).bind(total).execute(&mut *c).await?.rows_affected());
            for (((criterion, weight), (_, m)), p) in weights.iter().zip(&list).zip(&points) {
                let sql = "INSERT INTO principal_scores (evaluation_id, school_id, criterion, weight, value, points, basis) \
                           VALUES ($1, $2, $3, $4, $5, $6, $7)";
                on_tx!(&mut tx, c => sqlx::query(sql).bind(id).bind(school_id).bind(criterion.code()).bind(i64::from(*weight))
                    .bind(m.value).bind(*p).bind(&m.basis).execute(&mut *c).await?.rows_affected());
            }
        }
        audit_for_in(
            &mut tx,
            actor,
            "оценка эффективности руководителей",
            &academic_year(year),
            &format!("школ: {}; данные на {}", measures.len(), on.ru()),
            None,
        )
        .await?;
        tx.commit().await?;
        Ok(id)
    }

    /// The results of an evaluation for the schools of `scope`, best first
    /// (no data last); the read is audited.
    pub async fn principal_results(
        &self,
        scope: &Scope,
        evaluation: &Evaluation,
        actor: &str,
    ) -> Result<Vec<PrincipalResult>> {
        let sql = format!(
            "SELECT s.id, s.code, s.short_name, m.name, r.principal, r.total FROM principal_results r \
             JOIN schools s ON s.id = r.school_id JOIN municipalities m ON m.id = s.municipality_id \
             WHERE r.evaluation_id = $1 AND {}",
            scope.schools_sql("s")
        );
        type Row = (i64, String, String, String, String, Option<f64>);
        let rows: Vec<Row> =
            on_db!(self, p => sqlx::query_as(&sql).bind(evaluation.id).fetch_all(p).await?);
        let sql = "SELECT school_id, criterion, weight, value, points, basis FROM principal_scores WHERE evaluation_id = $1";
        let scores: Vec<ScoreRow> =
            on_db!(self, p => sqlx::query_as(sql).bind(evaluation.id).fetch_all(p).await?);
        let mut by_school: HashMap<i64, Vec<Score>> = HashMap::new();
        for (school, code, weight, value, points, basis) in scores {
            let criterion =
                Criterion::from_code(&code).ok_or_else(|| StoreError::stored("критерий", &code))?;
            by_school.entry(school).or_default().push(Score {
                criterion,
                weight: weight as u32,
                value,
                points,
                basis,
            });
        }
        let mut out: Vec<PrincipalResult> = rows
            .into_iter()
            .map(|(id, code, name, municipality, principal, total)| {
                let mut scores = by_school.remove(&id).unwrap_or_default();
                scores.sort_by_key(|s| Criterion::ALL.iter().position(|c| *c == s.criterion));
                PrincipalResult {
                    school_id: id,
                    school_code: code,
                    school: name,
                    municipality,
                    principal,
                    total,
                    scores,
                }
            })
            .collect();
        out.sort_by(|a, b| {
            b.total
                .unwrap_or(-1.0)
                .total_cmp(&a.total.unwrap_or(-1.0))
                .then_with(|| a.school_code.cmp(&b.school_code))
        });
        self.audit_for(
            actor,
            "просмотр: эффективность руководителей",
            &academic_year(evaluation.year),
            &format!("школ: {}", out.len()),
            scope.municipality(),
        )
        .await?;
        Ok(out)
    }

    /// Every school's measures on `on`.
    async fn principal_measures(
        &self,
        on: Date,
    ) -> Result<BTreeMap<i64, BTreeMap<Criterion, Measure>>> {
        let schools = self.schools_in(&Scope::Region).await?;
        let (latest, previous) = self.latest_run_ids().await?;
        let percentiles = |lines: Vec<crate::run_index::RunLine>| -> HashMap<String, Option<f64>> {
            lines
                .into_iter()
                .map(|l| (l.school_code, l.percentile))
                .collect()
        };
        let now = match latest {
            Some(r) => percentiles(self.run_lines_in(&Scope::Region, r).await?),
            None => HashMap::new(),
        };
        let before = match previous {
            Some(r) => percentiles(self.run_lines_in(&Scope::Region, r).await?),
            None => HashMap::new(),
        };
        let signs = match latest {
            Some(r) => self.objectivity_signs(r).await?,
            None => HashMap::new(),
        };
        let roadmaps = self.roadmap_execution(on).await?;
        let staff = self.region_staff_facts(on).await?;
        let mut out = BTreeMap::new();
        for s in schools {
            let in_run = now.contains_key(&s.code);
            let percentile = now.get(&s.code).copied().flatten();
            let staff = staff.get(&s.id).cloned().unwrap_or_default();
            let (due, done) = roadmaps.get(&s.id).copied().unwrap_or((0, 0));
            let m = BTreeMap::from([
                (Criterion::Results, rules::results(percentile)),
                (
                    Criterion::Dynamics,
                    rules::dynamics(percentile, before.get(&s.code).copied().flatten()),
                ),
                (
                    Criterion::Objectivity,
                    rules::objectivity(in_run.then(|| signs.get(&s.code).copied().unwrap_or(0))),
                ),
                (Criterion::Roadmap, rules::roadmap(due, done)),
                (
                    Criterion::Qualification,
                    rules::qualification(staff.teachers, staff.courses_in_time),
                ),
                (
                    Criterion::Development,
                    rules::development(
                        staff.diagnosed,
                        staff.with_deficit,
                        staff.deficit_with_plan,
                    ),
                ),
            ]);
            out.insert(s.id, m);
        }
        Ok(out)
    }

    /// The number of signs of non-objective results per school code in a run.
    async fn objectivity_signs(&self, run_id: i64) -> Result<HashMap<String, usize>> {
        self.ensure_runs_indexed().await?;
        let sql = "SELECT school_code, details FROM run_schools WHERE run_id = $1";
        let rows: Vec<(String, String)> =
            on_db!(self, p => sqlx::query_as(sql).bind(run_id).fetch_all(p).await?);
        rows.into_iter()
            .map(|(code, json)| {
                let d: crate::run_index::SchoolDetails = serde_json::from_str(&json)?;
                Ok((code, d.objectivity.len()))
            })
            .collect()
    }

    /// Per school: its own roadmaps' activities due by `on` (not
    /// cancelled), and those of them done or verified.
    async fn roadmap_execution(&self, on: Date) -> Result<HashMap<i64, (usize, usize)>> {
        let sql = "SELECT id, school_id FROM plans WHERE school_id IS NOT NULL";
        let plans: HashMap<i64, i64> =
            on_db!(self, p => sqlx::query_as::<_, (i64, i64)>(sql).fetch_all(p).await?)
                .into_iter()
                .collect();
        let mut out: HashMap<i64, (usize, usize)> = HashMap::new();
        for row in self.execution_rows(&Scope::Region, None).await? {
            let Some(&school) = plans.get(&row.plan_id) else {
                continue;
            };
            let due = row.deadline.due().is_some_and(|d| d <= on);
            if !due || row.status == ActivityStatus::Cancelled {
                continue;
            }
            let e = out.entry(school).or_default();
            e.0 += 1;
            e.1 += usize::from(matches!(
                row.status,
                ActivityStatus::Done | ActivityStatus::Verified
            ));
        }
        Ok(out)
    }

    /// The name of each school's principal (the first record whose position
    /// is the head's).
    async fn principals(&self) -> Result<HashMap<i64, String>> {
        let sql = "SELECT school_id, full_name, position FROM teachers ORDER BY id";
        let rows: Vec<(i64, String, String)> =
            on_db!(self, p => sqlx::query_as(sql).fetch_all(p).await?);
        let mut out = HashMap::new();
        for (school, name, position) in rows {
            if opora_staff::is_principal(&position) {
                out.entry(school).or_insert(name);
            }
        }
        Ok(out)
    }
}
