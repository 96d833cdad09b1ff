//! Plans (roadmaps, programmes), one file per aggregate with its queries:
//! [`plan`] (saving, lists by scope, loading one whole, statuses and
//! versions), [`activities`] (statuses with their history, overdue lists, the
//! rows of execution reports), [`evidence`], [`comments`], [`support_pairs`],
//! [`cascade`] (a municipal activity spread to schools), [`templates`]
//! (applied to lists of schools) and [`editing`] (the browser's roadmap
//! editor: each change a new version). This file holds what they share: the scope
//! conditions on plans and the audit log's names of a plan and an activity.
//!
//! The domain (model, deadline rules, status workflow) is `opora_plans`; this
//! module only keeps it. Deadlines are stored as written, as parsed (JSON)
//! and as `deadline_end` (ISO text), so «просрочено» is one indexed comparison.

mod activities;
mod cascade;
mod comments;
mod editing;
mod evidence;
mod plan;
mod support_pairs;
mod templates;

pub use activities::{ActivityQuery, ExecutionRow, OverdueActivity, StatusChange, StatusUpdate};
pub use cascade::CascadeProgress;
pub use comments::Comment;
pub use editing::{Edited, PlanEdit};
pub(crate) use evidence::check_file;
pub use evidence::{Evidence, NewEvidenceFile};
pub use plan::{PlanLinks, PlanSource, PlanSummary, PlanVersion, SavedPlan};
pub use support_pairs::{NewSupportPair, SupportPair};

use crate::audit::now_text;
use crate::scope::Scope;
use crate::{Db, Result, StoreError};
use opora_plans::{ActivityStatus, Date};
use serde::Serialize;
use sqlx::Row;

fn db_err(msg: impl Into<String>) -> StoreError {
    StoreError::Invalid(msg.into())
}

fn opt_date(d: Option<Date>) -> Option<String> {
    d.map(|d| d.iso())
}

fn today_text() -> String {
    now_text()[..10].to_string()
}

/// How the audit log names a thing of a plan, and the municipality it
/// belongs to (so that the municipality's administrator reads the entry).
pub(crate) struct AuditRef {
    pub(crate) object: String,
    pub(crate) municipality: Option<i64>,
}

/// A long text cut for the audit log.
fn short(text: &str) -> String {
    const MAX: usize = 120;
    let t = text.trim();
    if t.chars().count() <= MAX {
        t.to_string()
    } else {
        format!("{}…", t.chars().take(MAX).collect::<String>().trim_end())
    }
}

/// The plan's own municipality or its school's.
const PLAN_MUNICIPALITY: &str = "COALESCE(p.municipality_id, (SELECT s.municipality_id FROM schools s WHERE s.id = p.school_id))";

fn stored_status(code: &str) -> Result<ActivityStatus> {
    ActivityStatus::parse(code).ok_or_else(|| StoreError::stored("статус мероприятия", code))
}

/// Plans a scope may see: its own school's or municipality's plans, the
/// plans of its schools, and regional plans (the frame everyone works in).
pub fn plans_sql(scope: &Scope, alias: &str) -> String {
    let schools_of = |cond: String| format!("SELECT s.id FROM schools s WHERE {cond}");
    match scope {
        Scope::Region => "1 = 1".into(),
        Scope::Municipality(m) => format!(
            "({alias}.level = 'region' OR {alias}.municipality_id = {m} OR {alias}.school_id IN ({}))",
            schools_of(format!("s.municipality_id = {m}"))
        ),
        Scope::School(_) | Scope::Schools(_) => {
            let cond = scope.schools_sql("s");
            format!(
                "({alias}.level = 'region' OR {alias}.school_id IN ({}) OR ({alias}.level = 'municipality' AND {alias}.municipality_id IN (SELECT s.municipality_id FROM schools s WHERE {cond})))",
                schools_of(cond.clone())
            )
        }
    }
}

/// Plans that belong to a scope (for overdue lists and execution reports):
/// a school's own plans; a municipality's plan and its schools' plans.
pub fn own_plans_sql(scope: &Scope, alias: &str) -> String {
    match scope {
        Scope::Region => "1 = 1".into(),
        Scope::Municipality(m) => format!(
            "({alias}.municipality_id = {m} OR {alias}.school_id IN (SELECT s.id FROM schools s WHERE s.municipality_id = {m}))"
        ),
        Scope::School(_) | Scope::Schools(_) => {
            format!("{alias}.school_id IN (SELECT s.id FROM schools s WHERE {})", scope.schools_sql("s"))
        }
    }
}

/// What a cascade or a template did, school by school.
#[derive(Debug, Clone, Serialize, Default)]
pub struct SpreadReport {
    /// Activities created.
    pub created: usize,
    /// Schools that already had it (nothing written for them).
    pub existing: usize,
    /// School plans created to receive it.
    pub plans_created: usize,
    /// (school id, plan id) it went to.
    pub targets: Vec<(i64, i64)>,
}

fn plan_ref_sql() -> String {
    format!(
        "SELECT p.title, COALESCE((SELECT s.short_name FROM schools s WHERE s.id = p.school_id), \
           (SELECT m.name FROM municipalities m WHERE m.id = p.municipality_id), ''), {PLAN_MUNICIPALITY} FROM plans p WHERE p.id = $1"
    )
}

fn plan_ref_of(plan_id: i64, row: Option<(String, String, Option<i64>)>) -> Result<AuditRef> {
    let (title, unit, municipality) =
        row.ok_or_else(|| StoreError::NotFound(format!("план № {plan_id}")))?;
    let unit = if unit.is_empty() {
        String::new()
    } else {
        format!(" ({unit})")
    };
    Ok(AuditRef {
        object: format!("план «{}»{unit}", short(&title)),
        municipality,
    })
}

/// [`Db::plan_ref`] inside a transaction, for a plan not committed yet.
pub(crate) async fn plan_ref_in(tx: &mut crate::db::Tx, plan_id: i64) -> Result<AuditRef> {
    let sql = plan_ref_sql();
    let row = on_tx!(tx, c => sqlx::query(&sql).bind(plan_id).fetch_optional(&mut *c).await?.map(|r| (r.get(0), r.get(1), r.get(2))));
    plan_ref_of(plan_id, row)
}

impl Db {
    /// «мероприятие 1.2. «…» плана «…»» and the plan's municipality.
    async fn activity_ref(&self, activity_id: i64) -> Result<AuditRef> {
        let sql = format!(
            "SELECT a.number, a.text, p.title, {PLAN_MUNICIPALITY} FROM plan_activities a JOIN plans p ON p.id = a.plan_id WHERE a.id = $1"
        );
        let row: Option<(String, String, String, Option<i64>)> = on_db!(self, p => sqlx::query(&sql).bind(activity_id).fetch_optional(p).await?.map(|r| (r.get(0), r.get(1), r.get(2), r.get(3))));
        let (number, text, title, municipality) =
            row.ok_or_else(|| StoreError::NotFound(format!("мероприятие № {activity_id}")))?;
        let number = if number.trim().is_empty() {
            String::new()
        } else {
            format!("{} ", number.trim())
        };
        Ok(AuditRef {
            object: format!(
                "мероприятие {number}«{}» плана «{}»",
                short(&text),
                short(&title)
            ),
            municipality,
        })
    }

    /// «план «…» (school or municipality)» and its municipality.
    pub(crate) async fn plan_ref(&self, plan_id: i64) -> Result<AuditRef> {
        let sql = plan_ref_sql();
        let row = on_db!(self, p => sqlx::query(&sql).bind(plan_id).fetch_optional(p).await?.map(|r| (r.get(0), r.get(1), r.get(2))));
        plan_ref_of(plan_id, row)
    }

    /// Short names of schools, comma-separated, in the given order.
    async fn school_names(&self, ids: &[i64]) -> Result<String> {
        let mut names = Vec::with_capacity(ids.len());
        for &id in ids {
            names.push(self.school_name(id).await?);
        }
        Ok(names.join(", "))
    }

    async fn school_name(&self, school_id: i64) -> Result<String> {
        let sql = "SELECT short_name FROM schools WHERE id = $1";
        let name: Option<String> =
            on_db!(self, c => sqlx::query_scalar(sql).bind(school_id).fetch_optional(c).await)?;
        name.ok_or_else(|| StoreError::NotFound(format!("школа № {school_id}")))
    }
}
