//! The early warning: each active pupil's level in the current period,
//! computed afresh from the latest results of the school, the period's
//! attendance and the causes on the register (`opora_pupils::warning`);
//! and the signals without action — pupils at risk without an active route
//! or with its review overdue.

use super::register::Pupil;
use crate::audit::{audit_for_in, now_text};
use crate::scope::Scope;
use crate::{Db, Result, StoreError};
use opora_plans::date::Date;
use opora_pupils::model::RegisterStatus;
use opora_pupils::warning::{assess, Attendance, Evidence, Period, Trigger, WarningLevel};
use std::collections::{BTreeMap, HashMap};

/// What computing a school's levels found.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct WarningReport {
    pub period: String,
    /// The results year the levels read (`None`: the school has none).
    pub results_year: Option<i64>,
    /// Pupils per level, in the order of `WarningLevel::ALL`.
    pub by_level: [u64; 4],
}

/// Why a pupil at risk is a signal.
#[derive(Debug, Clone, PartialEq)]
pub enum SignalReason {
    NoRoute,
    ReviewOverdue(Date),
}

impl SignalReason {
    pub fn describe(&self) -> String {
        match self {
            SignalReason::NoRoute => "нет действующего индивидуального маршрута".into(),
            SignalReason::ReviewOverdue(d) => {
                format!("пересмотр маршрута просрочен (был нужен до {})", d.ru())
            }
        }
    }
}

/// The triggers of a stored warning, in plain Russian.
pub fn describe_triggers(json: &str) -> Vec<String> {
    serde_json::from_str::<Vec<Trigger>>(json)
        .map(|list| list.iter().map(Trigger::describe).collect())
        .unwrap_or_default()
}

/// A pupil is a signal when the level of the current period is «риск» or
/// higher and nothing is being done: no active route, or its review is
/// overdue on `today`.
pub fn signal(p: &Pupil, today: Date) -> Option<SignalReason> {
    let (level, period, _) = p.warning.as_ref()?;
    if p.status != RegisterStatus::Active
        || *period != Period::of(today).code()
        || level.rank() < WarningLevel::Risk.rank()
    {
        return None;
    }
    match &p.route {
        None => Some(SignalReason::NoRoute),
        Some(r) if r.next_review() < today => Some(SignalReason::ReviewOverdue(r.next_review())),
        Some(_) => None,
    }
}

impl Db {
    /// Computes the levels of a school's active pupils for the period of
    /// `today`, replacing that period's levels (a clean slate: nothing is
    /// carried over from the previous period). In one transaction.
    pub async fn compute_pupil_warnings(
        &self,
        scope: &Scope,
        school_id: i64,
        today: Date,
        actor: &str,
    ) -> Result<WarningReport> {
        let school = self.pupils_school(scope, school_id).await?;
        let t = self.pupil_thresholds(school_id).await?;
        let period = Period::of(today);
        let results_year = self
            .pupil_result_years(school_id)
            .await?
            .into_iter()
            .find(|y| *y <= i64::from(today.academic_year()));
        let judged = match results_year {
            Some(y) => self.judged_results(school_id, y, &t).await?,
            None => BTreeMap::new(),
        };
        let attendance = self.period_attendance(school_id, period).await?;
        let pupils: Vec<Pupil> = self
            .pupils_where(
                scope,
                &format!("p.school_id = {school_id} AND p.status = 'active'"),
                None,
            )
            .await?;
        let mut report = WarningReport {
            period: period.code(),
            results_year,
            by_level: [0; 4],
        };
        let mut tx = self.begin().await?;
        let clear = "DELETE FROM pupil_warnings WHERE period = $1 AND pupil_id IN (SELECT id FROM pupils WHERE school_id = $2)";
        on_tx!(&mut tx, c => sqlx::query(clear).bind(period.code()).bind(school_id).execute(&mut *c).await?.rows_affected());
        let insert = "INSERT INTO pupil_warnings (pupil_id, period, level, triggers, computed_at) VALUES ($1, $2, $3, $4, $5)";
        for p in &pupils {
            let j = judged.get(&p.student_key);
            let evidence = Evidence {
                failing: j
                    .map(|j| j.failing.iter().cloned().collect())
                    .unwrap_or_default(),
                low: j
                    .map(|j| j.low.iter().cloned().collect())
                    .unwrap_or_default(),
                attendance: attendance.get(&p.student_key).copied(),
                causes: p.fields.causes.clone(),
            };
            let (level, triggers) = assess(&evidence, &t);
            report.by_level[usize::from(level.rank())] += 1;
            let json = serde_json::to_string(&triggers)
                .map_err(|e| StoreError::Invalid(format!("сигналы не сохранены: {e}")))?;
            on_tx!(&mut tx, c => sqlx::query(insert).bind(p.id).bind(period.code()).bind(level.code())
                .bind(json).bind(now_text()).execute(&mut *c).await?.rows_affected());
        }
        audit_for_in(
            &mut tx,
            actor,
            "раннее предупреждение пересчитано",
            &format!("школа {}", school.1),
            &format!(
                "{}; нет сигнала: {}, внимание: {}, риск: {}, высокий риск: {}",
                period.title(),
                report.by_level[0],
                report.by_level[1],
                report.by_level[2],
                report.by_level[3]
            ),
            Some(school.2),
        )
        .await?;
        tx.commit().await?;
        Ok(report)
    }

    /// Each pupil's attendance in a period at a school, by key.
    pub(crate) async fn period_attendance(
        &self,
        school_id: i64,
        period: Period,
    ) -> Result<HashMap<String, Attendance>> {
        let (from, to) = period.month_codes();
        let sql =
            "SELECT student_key, CAST(SUM(lessons) AS BIGINT), CAST(SUM(missed) AS BIGINT), CAST(SUM(unexcused) AS BIGINT) FROM pupil_attendance \
                   WHERE school_id = $1 AND month >= $2 AND month <= $3 GROUP BY student_key";
        let rows: Vec<(String, i64, i64, i64)> = on_db!(self, p => sqlx::query_as(sql)
            .bind(school_id).bind(from).bind(to).fetch_all(p).await?);
        Ok(rows
            .into_iter()
            .map(|(k, lessons, missed, unexcused)| {
                (
                    k,
                    Attendance {
                        lessons,
                        missed,
                        unexcused,
                    },
                )
            })
            .collect())
    }

    /// A pupil's attendance per month, newest first.
    pub async fn pupil_attendance(&self, p: &Pupil) -> Result<Vec<(String, Attendance)>> {
        let sql = "SELECT month, lessons, missed, unexcused FROM pupil_attendance WHERE school_id = $1 AND student_key = $2 ORDER BY month DESC";
        let rows: Vec<(String, i64, i64, i64)> = on_db!(self, c => sqlx::query_as(sql)
            .bind(p.school_id).bind(&p.student_key).fetch_all(c).await?);
        Ok(rows
            .into_iter()
            .map(|(m, lessons, missed, unexcused)| {
                (
                    m,
                    Attendance {
                        lessons,
                        missed,
                        unexcused,
                    },
                )
            })
            .collect())
    }

    /// A pupil's levels per period, newest first: (period, level, triggers).
    pub async fn pupil_warning_history(
        &self,
        p: &Pupil,
    ) -> Result<Vec<(Period, WarningLevel, Vec<String>)>> {
        let sql = "SELECT period, level, triggers FROM pupil_warnings WHERE pupil_id = $1 ORDER BY period DESC";
        let rows: Vec<(String, String, String)> =
            on_db!(self, c => sqlx::query_as(sql).bind(p.id).fetch_all(c).await?);
        rows.into_iter()
            .map(|(period, level, triggers)| {
                Ok((
                    Period::parse(&period).ok_or_else(|| StoreError::stored("период", &period))?,
                    WarningLevel::from_code(&level)
                        .ok_or_else(|| StoreError::stored("уровень сигнала", &level))?,
                    describe_triggers(&triggers),
                ))
            })
            .collect()
    }
}
