//! Activities: status changes along the workflow with their history,
//! overdue and open lists of the scope's own plans, and the rows of
//! execution reports.

use super::{db_err, own_plans_sql, stored_status, today_text};
use crate::audit::now_text;
use crate::scope::Scope;
use crate::{Db, Result, StoreError};
use opora_plans::{parse_deadline, ActivityStatus, Date, Deadline, Period};
use serde::Serialize;
use sqlx::Row;

/// A change of an activity's status, as requested.
#[derive(Debug, Clone)]
pub struct StatusUpdate {
    pub to: ActivityStatus,
    pub actor: String,
    /// Why (required when cancelling), or a note.
    pub comment: String,
    /// The day it happened (default: today) — for «выполнено в срок».
    pub on: Option<Date>,
}

#[derive(Debug, Clone, Serialize)]
pub struct StatusChange {
    pub id: i64,
    pub activity_id: i64,
    pub at: String,
    pub actor: String,
    pub from: String,
    pub to: String,
    pub comment: String,
}

#[derive(Debug, Clone, Default, Serialize)]
pub struct OverdueActivity {
    pub activity_id: i64,
    pub plan_id: i64,
    pub plan_title: String,
    pub unit: String,
    pub number: String,
    pub text: String,
    pub deadline_text: String,
    pub deadline_end: String,
    pub days_overdue: i64,
    pub status: String,
    pub responsible_text: String,
}

/// Which activities [`Db::activity_rows`] lists.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ActivityQuery {
    /// Not done and past the deadline.
    Overdue,
    /// Planned or in progress, whatever the deadline.
    Open,
    /// Done and waiting for the curator's confirmation.
    AwaitingVerification,
}

/// One activity with what an execution report needs.
#[derive(Debug, Clone, Serialize)]
pub struct ExecutionRow {
    pub activity_id: i64,
    pub plan_id: i64,
    pub plan_title: String,
    pub level: String,
    pub unit: String,
    pub municipality: String,
    pub number: String,
    pub text: String,
    pub deadline: Deadline,
    pub status: ActivityStatus,
    pub done_at: Option<Date>,
    pub evidence: i64,
    pub responsible_text: String,
}

impl ExecutionRow {
    /// The row as an item of a quarterly report (`opora_plans::report`), so
    /// that a caller can lay a report out off the async runtime.
    pub fn report_item(self) -> opora_plans::report::ReportItem {
        opora_plans::report::ReportItem {
            unit: if self.unit.is_empty() {
                self.plan_title.clone()
            } else {
                self.unit
            },
            plan: self.plan_title,
            number: self.number,
            text: self.text,
            deadline_text: self.deadline.text.clone(),
            due: self.deadline.end,
            dues: opora_plans::report::due_dates(&self.deadline),
            status: self.status,
            done_at: self.done_at,
            evidence: self.evidence.max(0) as usize,
            responsible: self.responsible_text,
        }
    }
}

impl Db {
    /// Changes an activity's status along the workflow and records who and when.
    pub async fn set_activity_status(
        &self,
        activity_id: i64,
        u: &StatusUpdate,
    ) -> Result<StatusChange> {
        let sql = "SELECT status FROM plan_activities WHERE id = $1";
        let cur: Option<String> =
            on_db!(self, p => sqlx::query_scalar(sql).bind(activity_id).fetch_optional(p).await)?;
        let Some(from) = cur else {
            return Err(StoreError::NotFound(format!("мероприятие № {activity_id}")));
        };
        let from_status = stored_status(&from)?;
        if !from_status.can_become(u.to) {
            return Err(db_err(format!(
                "мероприятие № {activity_id}: из статуса «{}» нельзя перейти в «{}»",
                from_status.title(),
                u.to.title()
            )));
        }
        let comment = u.comment.trim().to_string();
        if u.to == ActivityStatus::Cancelled && comment.is_empty() {
            return Err(db_err("отмена мероприятия: укажите причину"));
        }
        let at = now_text();
        let day = u.on.map(|d| d.iso()).unwrap_or_else(today_text);
        let done_at: Option<String> = match u.to {
            ActivityStatus::Done => Some(day),
            ActivityStatus::Verified => None, // keeps the day it was done
            _ => None,
        };
        let reason = if u.to == ActivityStatus::Cancelled {
            comment.clone()
        } else {
            String::new()
        };
        let mut tx = self.begin().await?;
        // The change applies only to the status it was checked against: two
        // people changing one activity at once cannot both win (the second
        // would write a step the workflow never allowed, and a history
        // whose «from» is not what the activity was).
        let changed = on_tx!(&mut tx, c => {
            let update = if u.to == ActivityStatus::Verified {
                "UPDATE plan_activities SET status = $1, cancel_reason = $2, status_at = $3, status_by = $4 WHERE id = $5 AND status = $6"
            } else {
                "UPDATE plan_activities SET status = $1, cancel_reason = $2, status_at = $3, status_by = $4, done_at = $7 WHERE id = $5 AND status = $6"
            };
            let mut q = sqlx::query(update).bind(u.to.code()).bind(&reason).bind(&at).bind(&u.actor).bind(activity_id).bind(&from);
            if u.to != ActivityStatus::Verified {
                q = q.bind(&done_at);
            }
            q.execute(&mut *c).await?.rows_affected()
        });
        if changed == 0 {
            return Err(StoreError::Conflict(format!(
                "мероприятие № {activity_id}: статус только что изменил другой пользователь; обновите страницу и проверьте, нужно ли ещё изменение"
            )));
        }
        let id: i64 = on_tx!(&mut tx, c => {
            sqlx::query_scalar("INSERT INTO plan_activity_history (activity_id, at, actor, from_status, to_status, comment) VALUES ($1, $2, $3, $4, $5, $6) RETURNING id")
                .bind(activity_id).bind(&at).bind(&u.actor).bind(&from).bind(u.to.code()).bind(&comment).fetch_one(&mut *c).await?
        });
        tx.commit().await?;
        let r = self.activity_ref(activity_id).await?;
        let change = format!(
            "{} → {}{}",
            from_status.title(),
            u.to.title(),
            if comment.is_empty() {
                String::new()
            } else {
                format!(": {comment}")
            }
        );
        self.audit_for(
            &u.actor,
            "статус мероприятия",
            &r.object,
            &change,
            r.municipality,
        )
        .await?;
        Ok(StatusChange {
            id,
            activity_id,
            at,
            actor: u.actor.clone(),
            from,
            to: u.to.code().to_string(),
            comment,
        })
    }

    pub async fn activity_history(&self, activity_id: i64) -> Result<Vec<StatusChange>> {
        let sql = "SELECT id, activity_id, at, actor, from_status, to_status, comment FROM plan_activity_history WHERE activity_id = $1 ORDER BY id";
        Ok(
            on_db!(self, p => sqlx::query(sql).bind(activity_id).fetch_all(p).await?.iter().map(|r| StatusChange {
            id: r.get(0), activity_id: r.get(1), at: r.get(2), actor: r.get(3), from: r.get(4), to: r.get(5), comment: r.get(6),
        }).collect()),
        )
    }

    /// The plan of an activity.
    pub async fn activity_plan_id(&self, activity_id: i64) -> Result<Option<i64>> {
        Ok(
            on_db!(self, p => sqlx::query_scalar("SELECT plan_id FROM plan_activities WHERE id = $1").bind(activity_id).fetch_optional(p).await)?,
        )
    }

    /// Unfinished activities whose deadline passed before `today`, in the
    /// scope's own plans (archived plans and templates aside), oldest first.
    pub async fn overdue(&self, scope: &Scope, today: Date) -> Result<Vec<OverdueActivity>> {
        self.activity_rows(scope, ActivityQuery::Overdue, today)
            .await
    }

    /// Activities of the scope's own working plans in one state, by deadline
    /// (`days_overdue` is negative while the deadline is ahead).
    pub async fn activity_rows(
        &self,
        scope: &Scope,
        q: ActivityQuery,
        today: Date,
    ) -> Result<Vec<OverdueActivity>> {
        let cond = match q {
            ActivityQuery::Overdue => "a.status IN ('planned', 'in_progress') AND a.deadline_end IS NOT NULL AND a.deadline_end < $1",
            ActivityQuery::Open => "a.status IN ('planned', 'in_progress') AND $1 = $1",
            ActivityQuery::AwaitingVerification => "a.status = 'done' AND $1 = $1",
        };
        let sql = format!(
            "SELECT a.id, p.id, p.title, COALESCE(s.short_name, m.name, ''), a.number, a.text, a.deadline_text, COALESCE(a.deadline_end, ''), a.status, a.responsible_text \
             FROM plan_activities a JOIN plans p ON p.id = a.plan_id \
             LEFT JOIN schools s ON s.id = p.school_id LEFT JOIN municipalities m ON m.id = p.municipality_id \
             WHERE {cond} AND p.status <> 'archived' AND p.is_template = 0 AND {} \
             ORDER BY CASE WHEN a.deadline_end IS NULL THEN 1 ELSE 0 END, a.deadline_end, p.id, a.position",
            own_plans_sql(scope, "p")
        );
        let today_iso = today.iso();
        let rows = on_db!(self, p => sqlx::query(&sql).bind(&today_iso).fetch_all(p).await?.iter().map(|r| {
            let end: String = r.get(7);
            let days = Date::parse(&end).map(|e| today.days() - e.days()).unwrap_or(0);
            OverdueActivity {
                activity_id: r.get(0), plan_id: r.get(1), plan_title: r.get(2), unit: r.get(3), number: r.get(4), text: r.get(5),
                deadline_text: r.get(6), deadline_end: end, days_overdue: days, status: r.get(8), responsible_text: r.get(9),
            }
        }).collect());
        Ok(rows)
    }

    /// Every activity of the scope's own plans (or of one plan), with its
    /// evidence count, for execution reports.
    pub async fn execution_rows(
        &self,
        scope: &Scope,
        plan_id: Option<i64>,
    ) -> Result<Vec<ExecutionRow>> {
        let sql = format!(
            "SELECT a.id, p.id, p.title, p.level, COALESCE(s.short_name, m.name, ''), COALESCE(sm.name, m.name, ''), a.number, a.text, \
               a.deadline_text, a.deadline, a.status, a.done_at, a.responsible_text, \
               (SELECT COUNT(*) FROM plan_evidence e WHERE e.activity_id = a.id), p.period_start, p.period_end, p.period_academic \
             FROM plan_activities a JOIN plans p ON p.id = a.plan_id \
             LEFT JOIN schools s ON s.id = p.school_id LEFT JOIN municipalities sm ON sm.id = s.municipality_id \
             LEFT JOIN municipalities m ON m.id = p.municipality_id \
             WHERE p.is_template = 0 AND p.status <> 'archived' AND ($1 = 0 OR p.id = $1) AND {} \
             ORDER BY COALESCE(sm.name, m.name, ''), COALESCE(s.short_name, m.name, ''), p.id, a.position",
            own_plans_sql(scope, "p")
        );
        on_db!(self, p => sqlx::query(&sql).bind(plan_id.unwrap_or(0)).fetch_all(p).await?.iter().map(|r| -> Result<ExecutionRow> {
            let dtext: String = r.get(8);
            let djson: String = r.get(9);
            let period = match (r.get::<Option<String>, _>(14).as_deref().and_then(Date::parse), r.get::<Option<String>, _>(15).as_deref().and_then(Date::parse)) {
                (Some(start), Some(end)) => Some(Period { start, end, academic: r.get::<i64, _>(16) != 0, text: String::new(), inferred: false }),
                _ => None,
            };
            Ok(ExecutionRow {
                activity_id: r.get(0), plan_id: r.get(1), plan_title: r.get(2), level: r.get(3), unit: r.get(4), municipality: r.get(5),
                number: r.get(6), text: r.get(7),
                deadline: serde_json::from_str(&djson).unwrap_or_else(|_| parse_deadline(&dtext, period.as_ref())),
                status: stored_status(&r.get::<String, _>(10))?,
                done_at: r.get::<Option<String>, _>(11).as_deref().and_then(Date::parse),
                responsible_text: r.get(12), evidence: r.get(13),
            })
        }).collect())
    }
}
