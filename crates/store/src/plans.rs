//! Plans (roadmaps, programmes): saving an imported or built plan, lists by
//! scope, loading one whole, activity statuses with their history, overdue
//! lists, evidence and comments, plan versions; support pairs, the cascade of
//! a municipal activity to schools, templates applied to lists of schools,
//! and the rows of execution reports.
//!
//! The domain (model, deadline rules, status workflow) is `opora_plans`; this
//! module only keeps it. Deadlines are stored as written, as parsed (JSON)
//! and as `deadline_end` (ISO text), so «просрочено» is one indexed comparison.

use crate::audit::now_text;
use crate::scope::Scope;
use crate::{Db, Result, StoreError};
use opora_plans::{
    check_evidence_file, check_evidence_link, parse_deadline, Activity, ActivityStatus, Approval,
    Date, Deadline, DocumentType, Level, Period, Plan, PlanStatus, Responsible, ResponsibleRole,
    Section, SectionKind, SourceRef, EVIDENCE_EXTENSIONS,
};
use serde::Serialize;
use sqlx::Row;
use std::collections::HashMap;

/// Where a plan belongs in the registry.
#[derive(Debug, Clone, Default)]
pub struct PlanLinks {
    pub municipality_id: Option<i64>,
    pub school_id: Option<i64>,
}

/// The file a plan was imported from (for «re-importing changes nothing»).
#[derive(Debug, Clone, Default)]
pub struct PlanSource {
    pub file: String,
    /// A hash of the file's bytes.
    pub hash: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct SavedPlan {
    pub id: i64,
    /// False when the same file had been imported before: nothing was written.
    pub created: bool,
    pub sections: usize,
    pub activities: usize,
}

#[derive(Debug, Clone, Serialize)]
pub struct PlanSummary {
    pub id: i64,
    pub level: String,
    pub title: String,
    pub owner: String,
    pub municipality_id: Option<i64>,
    pub school_id: Option<i64>,
    /// School short name or municipality name the plan belongs to.
    pub unit: String,
    pub period: String,
    pub status: String,
    pub is_template: bool,
    pub version: i64,
    pub activities: i64,
    pub done: i64,
    pub overdue: i64,
    pub created_at: String,
}

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

#[derive(Debug, Clone, Serialize)]
pub struct PlanVersion {
    pub version: i64,
    pub at: String,
    pub actor: String,
    pub change: String,
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

#[derive(Debug, Clone, Serialize)]
pub struct Evidence {
    pub id: i64,
    pub activity_id: i64,
    /// «file» or «link».
    pub kind: String,
    pub name: String,
    pub url: String,
    pub media_type: String,
    pub size_bytes: Option<i64>,
    pub sha256: String,
    pub storage_path: String,
    pub added_at: String,
    pub added_by: String,
    pub verified_at: Option<String>,
    pub verified_by: String,
}

const EVIDENCE_COLUMNS: &str =
    "id, activity_id, kind, name, url, media_type, size_bytes, sha256, storage_path, added_at, added_by, verified_at, verified_by";

/// Maps a row of [`EVIDENCE_COLUMNS`] (expanded once per backend's row type).
macro_rules! evidence_from_row {
    () => {
        |r| Evidence {
            id: r.get(0),
            activity_id: r.get(1),
            kind: r.get(2),
            name: r.get(3),
            url: r.get(4),
            media_type: r.get(5),
            size_bytes: r.get(6),
            sha256: r.get(7),
            storage_path: r.get(8),
            added_at: r.get(9),
            added_by: r.get(10),
            verified_at: r.get(11),
            verified_by: r.get(12),
        }
    };
}

/// A file to attach as evidence (its content is kept by the caller under `storage_path`).
#[derive(Debug, Clone, Default)]
pub struct NewEvidenceFile {
    pub name: String,
    pub media_type: String,
    pub size_bytes: u64,
    pub sha256: String,
    pub storage_path: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct Comment {
    pub id: i64,
    pub activity_id: i64,
    pub at: String,
    pub author: String,
    pub text: String,
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
            status: self.status,
            done_at: self.done_at,
            evidence: self.evidence.max(0) as usize,
            responsible: self.responsible_text,
        }
    }
}

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
struct AuditRef {
    object: String,
    municipality: Option<i64>,
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

/// An evidence file's name and size by the evidence rules: a type that is
/// not accepted is [`StoreError::UnsupportedType`], any other refusal
/// [`StoreError::Invalid`].
fn check_file(name: &str, size: u64) -> Result<()> {
    let ext = name
        .rsplit_once('.')
        .map(|(_, e)| e.to_lowercase())
        .unwrap_or_default();
    let known_type = name.trim().is_empty() || EVIDENCE_EXTENSIONS.contains(&ext.as_str());
    check_evidence_file(name, size).map_err(|m| {
        if known_type {
            StoreError::Invalid(m)
        } else {
            StoreError::UnsupportedType(m)
        }
    })
}

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

/// Sections in pre-order with the index of their parent in the same list.
fn flatten_sections(plan: &Plan) -> Vec<(Option<usize>, &Section)> {
    fn walk<'a>(
        s: &'a Section,
        parent: Option<usize>,
        out: &mut Vec<(Option<usize>, &'a Section)>,
    ) {
        let me = out.len();
        out.push((parent, s));
        for c in &s.sections {
            walk(c, Some(me), out);
        }
    }
    let mut out = Vec::new();
    for s in &plan.sections {
        walk(s, None, &mut out);
    }
    out
}

struct ActivityInsert<'a> {
    plan_id: i64,
    section_id: Option<i64>,
    position: i64,
    a: &'a Activity,
    parent: Option<i64>,
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
    async fn plan_ref(&self, plan_id: i64) -> Result<AuditRef> {
        let sql = format!(
            "SELECT p.title, COALESCE((SELECT s.short_name FROM schools s WHERE s.id = p.school_id), \
               (SELECT m.name FROM municipalities m WHERE m.id = p.municipality_id), ''), {PLAN_MUNICIPALITY} FROM plans p WHERE p.id = $1"
        );
        let row: Option<(String, String, Option<i64>)> = on_db!(self, p => sqlx::query(&sql).bind(plan_id).fetch_optional(p).await?.map(|r| (r.get(0), r.get(1), r.get(2))));
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

    /// Saves a plan whole (one transaction). A plan imported from the same
    /// file before is not written again: its id comes back with `created: false`.
    pub async fn save_plan(
        &self,
        plan: &Plan,
        links: &PlanLinks,
        source: Option<&PlanSource>,
        actor: &str,
    ) -> Result<SavedPlan> {
        let hash = source.map(|s| s.hash.clone()).unwrap_or_default();
        let n_sections = plan.all_sections().len();
        let n_activities = plan.activity_count();
        if !hash.is_empty() {
            let sql = "SELECT id FROM plans WHERE source_hash = $1 AND COALESCE(school_id, 0) = $2 AND COALESCE(municipality_id, 0) = $3 ORDER BY id LIMIT 1";
            let found: Option<i64> = on_db!(self, p => sqlx::query_scalar(sql).bind(&hash).bind(links.school_id.unwrap_or(0))
                .bind(links.municipality_id.unwrap_or(0)).fetch_optional(p).await)?;
            if let Some(id) = found {
                return Ok(SavedPlan {
                    id,
                    created: false,
                    sections: n_sections,
                    activities: n_activities,
                });
            }
        }
        let mut tx = self.begin().await?;
        let id = insert_plan(&mut tx, plan, links, source, actor).await?;
        tx.commit().await?;
        let what = match source {
            Some(s) => format!(
                "импорт из файла «{}»: разделов {n_sections}, мероприятий {n_activities}",
                s.file
            ),
            None => format!("разделов {n_sections}, мероприятий {n_activities}"),
        };
        let r = self.plan_ref(id).await?;
        self.audit_for(actor, "план сохранён", &r.object, &what, r.municipality)
            .await?;
        Ok(SavedPlan {
            id,
            created: true,
            sections: n_sections,
            activities: n_activities,
        })
    }

    /// Plans the scope may see, newest first, with activity counts (overdue as of `today`).
    pub async fn plans(&self, scope: &Scope, today: Date) -> Result<Vec<PlanSummary>> {
        self.plan_summaries(scope, today, None).await
    }

    /// One plan's summary, when the scope may see it.
    pub async fn plan_summary(
        &self,
        scope: &Scope,
        plan_id: i64,
        today: Date,
    ) -> Result<Option<PlanSummary>> {
        Ok(self
            .plan_summaries(scope, today, Some(plan_id))
            .await?
            .into_iter()
            .next())
    }

    async fn plan_summaries(
        &self,
        scope: &Scope,
        today: Date,
        only: Option<i64>,
    ) -> Result<Vec<PlanSummary>> {
        let sql = format!(
            "SELECT p.id, p.level, p.title, p.owner, p.municipality_id, p.school_id, \
               COALESCE(s.short_name, m.name, ''), p.period_text, p.status, p.is_template, p.version, p.created_at, \
               (SELECT COUNT(*) FROM plan_activities a WHERE a.plan_id = p.id), \
               (SELECT COUNT(*) FROM plan_activities a WHERE a.plan_id = p.id AND a.status IN ('done', 'verified')), \
               (SELECT COUNT(*) FROM plan_activities a WHERE a.plan_id = p.id AND a.status IN ('planned', 'in_progress') AND a.deadline_end < $1) \
             FROM plans p LEFT JOIN schools s ON s.id = p.school_id LEFT JOIN municipalities m ON m.id = p.municipality_id \
             WHERE ($2 = 0 OR p.id = $2) AND {} ORDER BY p.id DESC",
            plans_sql(scope, "p")
        );
        let today = today.iso();
        Ok(
            on_db!(self, p => sqlx::query(&sql).bind(&today).bind(only.unwrap_or(0)).fetch_all(p).await?.iter().map(|r| PlanSummary {
            id: r.get(0), level: r.get(1), title: r.get(2), owner: r.get(3), municipality_id: r.get(4), school_id: r.get(5),
            unit: r.get(6), period: r.get(7), status: r.get(8), is_template: r.get::<i64, _>(9) != 0, version: r.get(10),
            created_at: r.get(11), activities: r.get(12), done: r.get(13), overdue: r.get(14),
        }).collect()),
        )
    }

    /// True when the scope may see the plan.
    pub async fn plan_visible(&self, scope: &Scope, plan_id: i64) -> Result<bool> {
        let sql = format!(
            "SELECT COUNT(*) FROM plans p WHERE p.id = $1 AND {}",
            plans_sql(scope, "p")
        );
        let n: i64 = on_db!(self, p => sqlx::query_scalar(&sql).bind(plan_id).fetch_one(p).await)?;
        Ok(n > 0)
    }

    /// A plan whole: sections, activities (with ids), responsibles.
    pub async fn plan(&self, id: i64) -> Result<Option<Plan>> {
        let sql = "SELECT level, owner, title, period_start, period_end, period_academic, period_text, period_inferred, goal, tasks, \
                   approval_document, approval_number, approval_date, approval_by, status FROM plans WHERE id = $1";
        let row = on_db!(self, p => sqlx::query(sql).bind(id).fetch_optional(p).await?.map(|r| {
            (r.get::<String, _>(0), r.get::<String, _>(1), r.get::<String, _>(2), r.get::<Option<String>, _>(3), r.get::<Option<String>, _>(4),
             r.get::<i64, _>(5), r.get::<String, _>(6), r.get::<i64, _>(7), r.get::<String, _>(8), r.get::<String, _>(9),
             r.get::<String, _>(10), r.get::<String, _>(11), r.get::<Option<String>, _>(12), r.get::<String, _>(13), r.get::<String, _>(14))
        }));
        let Some((
            level,
            owner,
            title,
            ps,
            pe,
            pa,
            ptext,
            pinf,
            goal,
            tasks,
            adoc,
            anum,
            adate,
            aby,
            status,
        )) = row
        else {
            return Ok(None);
        };
        let period = match (
            ps.as_deref().and_then(Date::parse),
            pe.as_deref().and_then(Date::parse),
        ) {
            (Some(start), Some(end)) => Some(Period {
                start,
                end,
                academic: pa != 0,
                text: ptext,
                inferred: pinf != 0,
            }),
            _ => None,
        };
        let approval =
            (!adoc.is_empty() || !anum.is_empty() || adate.is_some()).then(|| Approval {
                document: adoc,
                number: Some(anum).filter(|s| !s.is_empty()),
                date: adate.as_deref().and_then(Date::parse),
                by: Some(aby).filter(|s| !s.is_empty()),
                text: String::new(),
            });
        let level =
            Level::parse(&level).ok_or_else(|| StoreError::stored("уровень плана", &level))?;
        let mut plan = Plan::new(level, &title);
        plan.id = Some(id);
        plan.owner = owner;
        plan.period = period;
        plan.goal = Some(goal).filter(|g| !g.is_empty());
        plan.tasks = serde_json::from_str(&tasks)?;
        plan.approval = approval;
        plan.status = PlanStatus::parse(&status)
            .ok_or_else(|| StoreError::stored("статус плана", &status))?;

        let sql = "SELECT id, parent_id, number, title, kind FROM plan_sections WHERE plan_id = $1 ORDER BY position, id";
        let sections: Vec<(i64, Option<i64>, String, String, String)> = on_db!(self, p => sqlx::query(sql).bind(id).fetch_all(p).await?
            .iter().map(|r| (r.get(0), r.get(1), r.get(2), r.get(3), r.get(4))).collect());
        let sql = "SELECT id, section_id, number, text, deadline_text, deadline, responsible_text, form, result, result_document, notes, \
                   indicator, status, cancel_reason, source FROM plan_activities WHERE plan_id = $1 ORDER BY position, id";
        let rows = on_db!(self, p => sqlx::query(sql).bind(id).fetch_all(p).await?.iter().map(|r| {
            (r.get::<i64, _>(0), r.get::<Option<i64>, _>(1), r.get::<String, _>(2), r.get::<String, _>(3), r.get::<String, _>(4),
             r.get::<String, _>(5), r.get::<String, _>(6), r.get::<String, _>(7), r.get::<String, _>(8), r.get::<String, _>(9),
             r.get::<String, _>(10), r.get::<Option<String>, _>(11), r.get::<String, _>(12), r.get::<String, _>(13), r.get::<String, _>(14))
        }).collect::<Vec<_>>());
        let sql = "SELECT r.activity_id, r.name, r.role, r.part FROM plan_responsibles r JOIN plan_activities a ON a.id = r.activity_id \
                   WHERE a.plan_id = $1 ORDER BY r.activity_id, r.position";
        let resp: Vec<(i64, String, String, String)> = on_db!(self, p => sqlx::query(sql).bind(id).fetch_all(p).await?
            .iter().map(|r| (r.get(0), r.get(1), r.get(2), r.get(3))).collect());
        let mut by_activity: HashMap<i64, Vec<Responsible>> = HashMap::new();
        for (aid, name, role, part) in resp {
            by_activity.entry(aid).or_default().push(Responsible {
                name,
                role: ResponsibleRole::parse(&role).unwrap_or(ResponsibleRole::Other),
                part: Some(part).filter(|p| !p.is_empty()),
            });
        }
        let period = plan.period.clone();
        let mut acts: HashMap<Option<i64>, Vec<Activity>> = HashMap::new();
        for (
            aid,
            sid,
            number,
            text,
            dtext,
            djson,
            rtext,
            form,
            result,
            rdoc,
            notes,
            indicator,
            st,
            reason,
            source,
        ) in rows
        {
            let deadline = serde_json::from_str::<Deadline>(&djson)
                .unwrap_or_else(|_| parse_deadline(&dtext, period.as_ref()));
            let mut a = Activity::new(&text, deadline);
            a.id = Some(aid);
            a.number = Some(number).filter(|n| !n.is_empty());
            a.responsible_text = rtext;
            a.responsibles = by_activity.remove(&aid).unwrap_or_default();
            a.form = Some(form).filter(|f| !f.is_empty());
            a.result = Some(result).filter(|f| !f.is_empty());
            a.result_document = DocumentType::parse(&rdoc);
            a.notes = serde_json::from_str(&notes)?;
            a.indicator = indicator;
            a.status = stored_status(&st)?;
            a.cancel_reason = Some(reason).filter(|r| !r.is_empty());
            a.source = serde_json::from_str::<Vec<[usize; 2]>>(&source)
                .ok()
                .map(|rows| SourceRef { rows });
            acts.entry(sid).or_default().push(a);
        }
        // The section tree from parent ids (sections come in document order).
        let mut nodes: Vec<Section> = Vec::new();
        let mut index: HashMap<i64, usize> = HashMap::new();
        for (sid, _, number, title, kind) in &sections {
            let mut s = Section::new(Some(number.clone()).filter(|n| !n.is_empty()), title);
            s.id = Some(*sid);
            s.kind = SectionKind::parse(kind).unwrap_or(SectionKind::Other);
            s.activities = acts.remove(&Some(*sid)).unwrap_or_default();
            index.insert(*sid, nodes.len());
            nodes.push(s);
        }
        // Attach children bottom-up so that each subtree is complete when moved.
        let mut slots: Vec<Option<Section>> = nodes.into_iter().map(Some).collect();
        for (k, (_, parent, ..)) in sections.iter().enumerate().rev() {
            if let Some(pi) = parent.and_then(|p| index.get(&p).copied()) {
                if let Some(child) = slots[k].take() {
                    if let Some(Some(parent)) = slots.get_mut(pi) {
                        parent.sections.insert(0, child);
                    }
                }
            }
        }
        plan.sections = slots.into_iter().flatten().collect();
        plan.activities = acts.remove(&None).unwrap_or_default();
        Ok(Some(plan))
    }

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
        let id: i64 = on_tx!(&mut tx, c => {
            let update = if u.to == ActivityStatus::Verified {
                "UPDATE plan_activities SET status = $1, cancel_reason = $2, status_at = $3, status_by = $4 WHERE id = $5"
            } else {
                "UPDATE plan_activities SET status = $1, cancel_reason = $2, status_at = $3, status_by = $4, done_at = $6 WHERE id = $5"
            };
            let mut q = sqlx::query(update).bind(u.to.code()).bind(&reason).bind(&at).bind(&u.actor).bind(activity_id);
            if u.to != ActivityStatus::Verified {
                q = q.bind(&done_at);
            }
            q.execute(&mut *c).await?;
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

    /// Changes a plan's status (draft → approved → archived) as a new version.
    pub async fn set_plan_status(
        &self,
        plan_id: i64,
        status: PlanStatus,
        actor: &str,
    ) -> Result<i64> {
        let plan = self
            .plan(plan_id)
            .await?
            .ok_or_else(|| StoreError::NotFound(format!("план № {plan_id}")))?;
        let mut tx = self.begin().await?;
        let at = now_text();
        let mut snapshot = plan.clone();
        snapshot.status = status;
        let json = serde_json::to_string(&snapshot)?;
        let change = format!("статус: {} → {}", plan.status.title(), status.title());
        let version: i64 = on_tx!(&mut tx, c => {
            let v: i64 = sqlx::query_scalar("UPDATE plans SET status = $1, version = version + 1, updated_at = $2 WHERE id = $3 RETURNING version")
                .bind(status.code()).bind(&at).bind(plan_id).fetch_one(&mut *c).await?;
            sqlx::query("INSERT INTO plan_versions (plan_id, version, at, actor, change, snapshot) VALUES ($1, $2, $3, $4, $5, $6)")
                .bind(plan_id).bind(v).bind(&at).bind(actor).bind(&change).bind(&json).execute(&mut *c).await?;
            v
        });
        tx.commit().await?;
        let r = self.plan_ref(plan_id).await?;
        self.audit_for(actor, "статус плана", &r.object, &change, r.municipality)
            .await?;
        Ok(version)
    }

    pub async fn plan_versions(&self, plan_id: i64) -> Result<Vec<PlanVersion>> {
        let sql = "SELECT version, at, actor, change FROM plan_versions WHERE plan_id = $1 ORDER BY version";
        Ok(
            on_db!(self, p => sqlx::query(sql).bind(plan_id).fetch_all(p).await?.iter().map(|r| PlanVersion {
            version: r.get(0), at: r.get(1), actor: r.get(2), change: r.get(3),
        }).collect()),
        )
    }

    /// The plan as it was at `version`.
    pub async fn plan_version(&self, plan_id: i64, version: i64) -> Result<Option<Plan>> {
        let sql = "SELECT snapshot FROM plan_versions WHERE plan_id = $1 AND version = $2";
        let json: Option<String> = on_db!(self, p => sqlx::query_scalar(sql).bind(plan_id).bind(version).fetch_optional(p).await)?;
        Ok(match json {
            Some(j) => Some(serde_json::from_str(&j)?),
            None => None,
        })
    }

    /// Attaches a file (its metadata; the content is the caller's) as evidence.
    pub async fn add_evidence_file(
        &self,
        activity_id: i64,
        f: &NewEvidenceFile,
        actor: &str,
    ) -> Result<i64> {
        check_file(&f.name, f.size_bytes)?;
        self.insert_evidence(
            activity_id,
            "file",
            &f.name,
            "",
            &f.media_type,
            Some(f.size_bytes as i64),
            &f.sha256,
            &f.storage_path,
            actor,
        )
        .await
    }

    /// Attaches a file as evidence with its content (kept in the database),
    /// in one transaction.
    pub async fn add_evidence_file_with_content(
        &self,
        activity_id: i64,
        f: &NewEvidenceFile,
        content: &[u8],
        actor: &str,
    ) -> Result<i64> {
        check_file(&f.name, content.len() as u64)?;
        if self.activity_plan_id(activity_id).await?.is_none() {
            return Err(StoreError::NotFound(format!("мероприятие № {activity_id}")));
        }
        let sql = "INSERT INTO plan_evidence (activity_id, kind, name, url, media_type, size_bytes, sha256, storage_path, added_at, added_by) \
                   VALUES ($1, 'file', $2, '', $3, $4, $5, 'db', $6, $7) RETURNING id";
        let mut tx = self.begin().await?;
        let id: i64 = on_tx!(&mut tx, c => {
            let id: i64 = sqlx::query_scalar(sql).bind(activity_id).bind(&f.name).bind(&f.media_type).bind(content.len() as i64)
                .bind(&f.sha256).bind(now_text()).bind(actor).fetch_one(&mut *c).await?;
            sqlx::query("INSERT INTO plan_evidence_files (evidence_id, content) VALUES ($1, $2)").bind(id).bind(content).execute(&mut *c).await?;
            id
        });
        tx.commit().await?;
        let r = self.activity_ref(activity_id).await?;
        self.audit_for(
            actor,
            "подтверждающий документ добавлен",
            &r.object,
            &format!("файл «{}»", f.name),
            r.municipality,
        )
        .await?;
        Ok(id)
    }

    /// One piece of evidence and, for a file kept in the database, its content.
    pub async fn evidence_item(
        &self,
        evidence_id: i64,
    ) -> Result<Option<(Evidence, Option<Vec<u8>>)>> {
        let sql = format!("SELECT {EVIDENCE_COLUMNS} FROM plan_evidence WHERE id = $1");
        let e = on_db!(self, p => sqlx::query(&sql).bind(evidence_id).fetch_optional(p).await?.map(evidence_from_row!()));
        let Some(e) = e else { return Ok(None) };
        let content: Option<Vec<u8>> = on_db!(self, p => sqlx::query_scalar("SELECT content FROM plan_evidence_files WHERE evidence_id = $1")
            .bind(evidence_id).fetch_optional(p).await)?;
        Ok(Some((e, content)))
    }

    /// Evidence count per activity of a plan.
    pub async fn evidence_counts(&self, plan_id: i64) -> Result<HashMap<i64, i64>> {
        let sql = "SELECT e.activity_id, COUNT(*) FROM plan_evidence e JOIN plan_activities a ON a.id = e.activity_id WHERE a.plan_id = $1 GROUP BY e.activity_id";
        Ok(
            on_db!(self, p => sqlx::query(sql).bind(plan_id).fetch_all(p).await?.iter().map(|r| (r.get::<i64, _>(0), r.get::<i64, _>(1))).collect()),
        )
    }

    /// Attaches a link (a page on the school's site, a shared folder) as evidence.
    pub async fn add_evidence_link(
        &self,
        activity_id: i64,
        name: &str,
        url: &str,
        actor: &str,
    ) -> Result<i64> {
        check_evidence_link(url).map_err(db_err)?;
        let name = if name.trim().is_empty() {
            url.trim()
        } else {
            name.trim()
        };
        self.insert_evidence(
            activity_id,
            "link",
            name,
            url.trim(),
            "",
            None,
            "",
            "",
            actor,
        )
        .await
    }

    #[allow(clippy::too_many_arguments)]
    async fn insert_evidence(
        &self,
        activity_id: i64,
        kind: &str,
        name: &str,
        url: &str,
        media_type: &str,
        size: Option<i64>,
        sha256: &str,
        path: &str,
        actor: &str,
    ) -> Result<i64> {
        if self.activity_plan_id(activity_id).await?.is_none() {
            return Err(StoreError::NotFound(format!("мероприятие № {activity_id}")));
        }
        let sql = "INSERT INTO plan_evidence (activity_id, kind, name, url, media_type, size_bytes, sha256, storage_path, added_at, added_by) \
                   VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) RETURNING id";
        let id: i64 = on_db!(self, p => sqlx::query_scalar(sql).bind(activity_id).bind(kind).bind(name).bind(url).bind(media_type)
            .bind(size).bind(sha256).bind(path).bind(now_text()).bind(actor).fetch_one(p).await)?;
        let r = self.activity_ref(activity_id).await?;
        let what = if kind == "link" {
            format!("ссылка «{name}»: {url}")
        } else {
            format!("файл «{name}»")
        };
        self.audit_for(
            actor,
            "подтверждающий документ добавлен",
            &r.object,
            &what,
            r.municipality,
        )
        .await?;
        Ok(id)
    }

    /// A curator confirms that a piece of evidence proves the result.
    pub async fn verify_evidence(&self, evidence_id: i64, actor: &str) -> Result<()> {
        let sql = "SELECT activity_id, name FROM plan_evidence WHERE id = $1";
        let found: Option<(i64, String)> = on_db!(self, p => sqlx::query(sql).bind(evidence_id).fetch_optional(p).await?.map(|r| (r.get(0), r.get(1))));
        let (activity_id, name) =
            found.ok_or_else(|| StoreError::NotFound(format!("документ № {evidence_id}")))?;
        let sql = "UPDATE plan_evidence SET verified_at = $1, verified_by = $2 WHERE id = $3";
        on_db!(self, p => sqlx::query(sql).bind(now_text()).bind(actor).bind(evidence_id).execute(p).await.map(|_| ()))?;
        let r = self.activity_ref(activity_id).await?;
        self.audit_for(
            actor,
            "подтверждающий документ подтверждён",
            &r.object,
            &format!("«{name}»"),
            r.municipality,
        )
        .await
    }

    pub async fn evidence(&self, activity_id: i64) -> Result<Vec<Evidence>> {
        let sql = format!(
            "SELECT {EVIDENCE_COLUMNS} FROM plan_evidence WHERE activity_id = $1 ORDER BY id"
        );
        Ok(
            on_db!(self, p => sqlx::query(&sql).bind(activity_id).fetch_all(p).await?.iter().map(evidence_from_row!()).collect()),
        )
    }

    pub async fn add_comment(&self, activity_id: i64, author: &str, text: &str) -> Result<i64> {
        let text = text.trim();
        if text.is_empty() {
            return Err(db_err("пустой комментарий"));
        }
        if self.activity_plan_id(activity_id).await?.is_none() {
            return Err(StoreError::NotFound(format!("мероприятие № {activity_id}")));
        }
        let sql = "INSERT INTO plan_comments (activity_id, at, author, text) VALUES ($1, $2, $3, $4) RETURNING id";
        let id: i64 = on_db!(self, p => sqlx::query_scalar(sql).bind(activity_id).bind(now_text()).bind(author).bind(text).fetch_one(p).await)?;
        let r = self.activity_ref(activity_id).await?;
        self.audit_for(
            author,
            "комментарий к мероприятию",
            &r.object,
            &short(text),
            r.municipality,
        )
        .await?;
        Ok(id)
    }

    pub async fn comments(&self, activity_id: i64) -> Result<Vec<Comment>> {
        let sql = "SELECT id, activity_id, at, author, text FROM plan_comments WHERE activity_id = $1 ORDER BY id";
        Ok(
            on_db!(self, p => sqlx::query(sql).bind(activity_id).fetch_all(p).await?.iter().map(|r| Comment {
            id: r.get(0), activity_id: r.get(1), at: r.get(2), author: r.get(3), text: r.get(4),
        }).collect()),
        )
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

async fn insert_activity(tx: &mut crate::db::Tx, x: ActivityInsert<'_>) -> Result<i64> {
    let a = x.a;
    let d = &a.deadline;
    let deadline_json = serde_json::to_string(d)?;
    let notes = serde_json::to_string(&a.notes)?;
    let source = a
        .source
        .as_ref()
        .map(|s| serde_json::to_string(&s.rows))
        .transpose()?
        .unwrap_or_default();
    let status = a.status;
    let sql = "INSERT INTO plan_activities (plan_id, section_id, position, number, text, deadline_text, deadline_kind, deadline_start, deadline_end, \
               deadline, responsible_text, form, result, result_document, notes, indicator, status, cancel_reason, parent_activity_id, source) \
               VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20) RETURNING id";
    let kind = serde_json::to_value(d.kind)?
        .as_str()
        .unwrap_or("text")
        .to_string();
    let id: i64 = on_tx!(tx, c => {
        let id: i64 = sqlx::query_scalar(sql).bind(x.plan_id).bind(x.section_id).bind(x.position).bind(a.number.clone().unwrap_or_default())
            .bind(&a.text).bind(&d.text).bind(&kind).bind(opt_date(d.start)).bind(opt_date(d.end)).bind(&deadline_json)
            .bind(&a.responsible_text).bind(a.form.clone().unwrap_or_default()).bind(a.result.clone().unwrap_or_default())
            .bind(a.result_document.map(|t| t.code()).unwrap_or("")).bind(&notes).bind(&a.indicator).bind(status.code())
            .bind(a.cancel_reason.clone().unwrap_or_default()).bind(x.parent).bind(&source).fetch_one(&mut *c).await?;
        for (k, r) in a.responsibles.iter().enumerate() {
            sqlx::query("INSERT INTO plan_responsibles (activity_id, position, name, role, part) VALUES ($1, $2, $3, $4, $5)")
                .bind(id).bind(k as i64).bind(&r.name).bind(r.role.code()).bind(r.part.clone().unwrap_or_default()).execute(&mut *c).await?;
        }
        id
    });
    Ok(id)
}

async fn insert_section(
    tx: &mut crate::db::Tx,
    plan_id: i64,
    parent: Option<i64>,
    position: i64,
    s: &Section,
) -> Result<i64> {
    let sql = "INSERT INTO plan_sections (plan_id, parent_id, position, number, title, kind) VALUES ($1, $2, $3, $4, $5, $6) RETURNING id";
    Ok(
        on_tx!(tx, c => sqlx::query_scalar(sql).bind(plan_id).bind(parent).bind(position).bind(s.number.clone().unwrap_or_default())
        .bind(&s.title).bind(s.kind.code()).fetch_one(&mut *c).await?),
    )
}

/// Inserts a plan with its sections and activities; returns its id.
async fn insert_plan(
    tx: &mut crate::db::Tx,
    plan: &Plan,
    links: &PlanLinks,
    source: Option<&PlanSource>,
    actor: &str,
) -> Result<i64> {
    let at = now_text();
    let (ps, pe, pa, ptext, pinf) = match &plan.period {
        Some(p) => (
            Some(p.start.iso()),
            Some(p.end.iso()),
            p.academic as i64,
            p.text.clone(),
            p.inferred as i64,
        ),
        None => (None, None, 0, String::new(), 0),
    };
    let ap = plan.approval.clone().unwrap_or_default();
    let tasks = serde_json::to_string(&plan.tasks)?;
    let info = plan
        .import
        .as_ref()
        .map(serde_json::to_string)
        .transpose()?
        .unwrap_or_default();
    let (file, hash) = source
        .map(|s| (s.file.clone(), s.hash.clone()))
        .unwrap_or_default();
    let sql = "INSERT INTO plans (level, municipality_id, school_id, owner, title, period_start, period_end, period_academic, period_text, \
               period_inferred, goal, tasks, approval_document, approval_number, approval_date, approval_by, status, source_file, source_hash, \
               import_info, created_at, created_by, updated_at) \
               VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $21, $22, $21) RETURNING id";
    let plan_id: i64 = on_tx!(tx, c => sqlx::query_scalar(sql).bind(plan.level.code()).bind(links.municipality_id).bind(links.school_id)
        .bind(&plan.owner).bind(&plan.title).bind(&ps).bind(&pe).bind(pa).bind(&ptext).bind(pinf).bind(plan.goal.clone().unwrap_or_default())
        .bind(&tasks).bind(&ap.document).bind(ap.number.clone().unwrap_or_default()).bind(opt_date(ap.date)).bind(ap.by.clone().unwrap_or_default())
        .bind(plan.status.code()).bind(&file).bind(&hash).bind(&info).bind(&at).bind(actor).fetch_one(&mut *c).await?);
    let mut position = 0i64;
    for a in &plan.activities {
        position += 1;
        insert_activity(
            tx,
            ActivityInsert {
                plan_id,
                section_id: None,
                position,
                a,
                parent: None,
            },
        )
        .await?;
    }
    let flat = flatten_sections(plan);
    let mut ids: Vec<i64> = Vec::with_capacity(flat.len());
    for (parent, s) in &flat {
        position += 1;
        let sid = insert_section(tx, plan_id, parent.map(|p| ids[p]), position, s).await?;
        ids.push(sid);
        for a in &s.activities {
            position += 1;
            insert_activity(
                tx,
                ActivityInsert {
                    plan_id,
                    section_id: Some(sid),
                    position,
                    a,
                    parent: None,
                },
            )
            .await?;
        }
    }
    let mut snapshot = plan.clone();
    snapshot.id = Some(plan_id);
    let json = serde_json::to_string(&snapshot)?;
    let change = match source {
        Some(s) => format!("импорт из файла «{}»", s.file),
        None => "создан".to_string(),
    };
    on_tx!(tx, c => sqlx::query("INSERT INTO plan_versions (plan_id, version, at, actor, change, snapshot) VALUES ($1, 1, $2, $3, $4, $5)")
        .bind(plan_id).bind(&at).bind(actor).bind(&change).bind(&json).execute(&mut *c).await.map(|_| ())?);
    Ok(plan_id)
}

// ---------------------------------------------------------------------------
// Support pairs, cascade, templates

#[derive(Debug, Clone, Default)]
pub struct NewSupportPair {
    pub leader_school_id: i64,
    pub supported_school_id: i64,
    pub period_start: Option<Date>,
    pub period_end: Option<Date>,
    pub agreement_number: String,
    pub agreement_date: Option<Date>,
    /// The agreement's file (storage path or link) as evidence.
    pub agreement_file: String,
    pub curator_user_ids: Vec<i64>,
}

#[derive(Debug, Clone, Serialize)]
pub struct SupportPair {
    pub id: i64,
    pub leader_school_id: i64,
    pub leader: String,
    pub supported_school_id: i64,
    pub supported: String,
    pub municipality: String,
    pub period_start: Option<String>,
    pub period_end: Option<String>,
    pub agreement_number: String,
    pub agreement_date: Option<String>,
    pub agreement_file: String,
    pub status: String,
    /// Curators' display names.
    pub curators: Vec<String>,
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

/// Progress of a cascaded activity over its schools.
#[derive(Debug, Clone, Serialize, Default)]
pub struct CascadeProgress {
    pub total: i64,
    pub planned: i64,
    pub in_progress: i64,
    pub done: i64,
    pub verified: i64,
    pub cancelled: i64,
    pub overdue: i64,
    /// Per school: (school short name, status code, overdue).
    pub schools: Vec<(String, String, bool)>,
}

const CASCADE_SECTION: &str = "Мероприятия муниципального плана";

impl Db {
    /// Creates a support pair. The schools must exist and differ; every
    /// curator must be a user with the curator role (each is kept once).
    /// The audit entry names the schools and the curators.
    pub async fn add_support_pair(&self, p: &NewSupportPair, actor: &str) -> Result<i64> {
        if p.leader_school_id == p.supported_school_id {
            return Err(db_err("школа не может поддерживать сама себя"));
        }
        if let (Some(a), Some(b)) = (p.period_start, p.period_end) {
            if a > b {
                return Err(db_err(format!(
                    "период пары: начало {} позже окончания {}",
                    a.ru(),
                    b.ru()
                )));
            }
        }
        let leader = self.school_name(p.leader_school_id).await?;
        let (supported, municipality) = {
            let sql = "SELECT short_name, municipality_id FROM schools WHERE id = $1";
            let row: Option<(String, i64)> = on_db!(self, c => sqlx::query(sql).bind(p.supported_school_id).fetch_optional(c).await?.map(|r| (r.get(0), r.get(1))));
            row.ok_or_else(|| StoreError::NotFound(format!("школа № {}", p.supported_school_id)))?
        };
        let curators = self.pair_curators(&p.curator_user_ids).await?;
        let mut tx = self.begin().await?;
        let id: i64 = on_tx!(&mut tx, c => {
            let id: i64 = sqlx::query_scalar("INSERT INTO support_pairs (leader_school_id, supported_school_id, period_start, period_end, agreement_number, \
                agreement_date, agreement_file, created_at, created_by) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id")
                .bind(p.leader_school_id).bind(p.supported_school_id).bind(opt_date(p.period_start)).bind(opt_date(p.period_end))
                .bind(&p.agreement_number).bind(opt_date(p.agreement_date)).bind(&p.agreement_file).bind(now_text()).bind(actor)
                .fetch_one(&mut *c).await?;
            for (u, _) in &curators {
                sqlx::query("INSERT INTO support_pair_curators (pair_id, user_id) VALUES ($1, $2)").bind(id).bind(u).execute(&mut *c).await?;
            }
            id
        });
        tx.commit().await?;
        let mut details = Vec::new();
        if !curators.is_empty() {
            details.push(format!(
                "кураторы: {}",
                curators
                    .iter()
                    .map(|(_, n)| n.as_str())
                    .collect::<Vec<_>>()
                    .join(", ")
            ));
        }
        if p.period_start.is_some() || p.period_end.is_some() {
            let day = |d: Option<Date>| d.map(|d| d.ru()).unwrap_or_default();
            details.push(format!(
                "период: {} – {}",
                day(p.period_start),
                day(p.period_end)
            ));
        }
        if !p.agreement_number.trim().is_empty() {
            details.push(format!("соглашение № {}", p.agreement_number.trim()));
        }
        let object = format!("«{leader}» → «{supported}»");
        self.audit_for(
            actor,
            "пара поддержки создана",
            &object,
            &details.join("; "),
            Some(municipality),
        )
        .await?;
        Ok(id)
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

    /// The curators of a new pair with their names, each once: an unknown
    /// user is [`StoreError::ForeignKey`], a user of another role [`StoreError::Invalid`].
    async fn pair_curators(&self, ids: &[i64]) -> Result<Vec<(i64, String)>> {
        let mut out: Vec<(i64, String)> = Vec::new();
        for &id in ids {
            if out.iter().any(|(u, _)| *u == id) {
                continue;
            }
            let sql = "SELECT display_name, role FROM users WHERE id = $1";
            let row: Option<(String, String)> = on_db!(self, c => sqlx::query(sql).bind(id).fetch_optional(c).await?.map(|r| (r.get(0), r.get(1))));
            let (name, role) = row
                .ok_or_else(|| StoreError::ForeignKey(format!("пользователь № {id} не найден")))?;
            if crate::users::Role::from_stored(&role)? != crate::users::Role::Curator {
                return Err(db_err(format!(
                    "«{name}» — не куратор: куратором пары может быть только методист / куратор"
                )));
            }
            out.push((id, name));
        }
        Ok(out)
    }

    /// Support pairs whose supported or leader school the scope may see.
    pub async fn support_pairs(&self, scope: &Scope) -> Result<Vec<SupportPair>> {
        let sql = format!(
            "SELECT sp.id, sp.leader_school_id, l.short_name, sp.supported_school_id, s.short_name, m.name, sp.period_start, sp.period_end, \
               sp.agreement_number, sp.agreement_date, sp.agreement_file, sp.status \
             FROM support_pairs sp JOIN schools l ON l.id = sp.leader_school_id JOIN schools s ON s.id = sp.supported_school_id \
             JOIN municipalities m ON m.id = s.municipality_id WHERE ({} OR {}) ORDER BY m.name, s.short_name, sp.id",
            scope.schools_sql("s"),
            scope.schools_sql("l")
        );
        let mut pairs = on_db!(self, p => sqlx::query(&sql).fetch_all(p).await?.iter().map(|r| SupportPair {
            id: r.get(0), leader_school_id: r.get(1), leader: r.get(2), supported_school_id: r.get(3), supported: r.get(4), municipality: r.get(5),
            period_start: r.get(6), period_end: r.get(7), agreement_number: r.get(8), agreement_date: r.get(9), agreement_file: r.get(10),
            status: r.get(11), curators: Vec::new(),
        }).collect::<Vec<_>>());
        let sql = "SELECT c.pair_id, u.display_name FROM support_pair_curators c JOIN users u ON u.id = c.user_id ORDER BY u.display_name";
        let curators: Vec<(i64, String)> = on_db!(self, p => sqlx::query(sql).fetch_all(p).await?.iter().map(|r| (r.get(0), r.get(1))).collect());
        for pair in &mut pairs {
            pair.curators = curators
                .iter()
                .filter(|(id, _)| *id == pair.id)
                .map(|(_, n)| n.clone())
                .collect();
        }
        Ok(pairs)
    }

    pub async fn close_support_pair(&self, pair_id: i64, actor: &str) -> Result<()> {
        let sql = "SELECT l.short_name, s.short_name, s.municipality_id FROM support_pairs sp JOIN schools l ON l.id = sp.leader_school_id \
                   JOIN schools s ON s.id = sp.supported_school_id WHERE sp.id = $1";
        let row: Option<(String, String, i64)> = on_db!(self, p => sqlx::query(sql).bind(pair_id).fetch_optional(p).await?.map(|r| (r.get(0), r.get(1), r.get(2))));
        let (leader, supported, municipality) =
            row.ok_or_else(|| StoreError::NotFound(format!("пара № {pair_id}")))?;
        on_db!(self, p => sqlx::query("UPDATE support_pairs SET status = 'closed' WHERE id = $1").bind(pair_id).execute(p).await.map(|_| ()))?;
        self.audit_for(
            actor,
            "пара поддержки закрыта",
            &format!("«{leader}» → «{supported}»"),
            "",
            Some(municipality),
        )
        .await
    }

    /// The school's working plan (latest not archived, not a template), or
    /// a new empty one for `period`. Returns (plan id, created).
    async fn school_plan(
        &self,
        school_id: i64,
        period: Option<&Period>,
        actor: &str,
    ) -> Result<(i64, bool)> {
        let sql = "SELECT id FROM plans WHERE school_id = $1 AND level = 'school' AND status <> 'archived' AND is_template = 0 ORDER BY id DESC LIMIT 1";
        if let Some(id) = on_db!(self, p => sqlx::query_scalar::<_, i64>(sql).bind(school_id).fetch_optional(p).await)?
        {
            return Ok((id, false));
        }
        let row: Option<(String, i64)> = on_db!(self, p => sqlx::query("SELECT short_name, municipality_id FROM schools WHERE id = $1")
            .bind(school_id).fetch_optional(p).await?.map(|r| (r.get(0), r.get(1))));
        let (name, municipality) =
            row.ok_or_else(|| StoreError::NotFound(format!("школа № {school_id}")))?;
        let mut plan = Plan::new(Level::School, &format!("План мероприятий {name}"));
        plan.owner = name;
        plan.period = period.cloned();
        let mut tx = self.begin().await?;
        let id = insert_plan(
            &mut tx,
            &plan,
            &PlanLinks {
                municipality_id: Some(municipality),
                school_id: Some(school_id),
            },
            None,
            actor,
        )
        .await?;
        tx.commit().await?;
        Ok((id, true))
    }

    async fn section_by_title(&self, plan_id: i64, title: &str) -> Result<i64> {
        let sql = "SELECT id FROM plan_sections WHERE plan_id = $1 AND title = $2 AND parent_id IS NULL ORDER BY id LIMIT 1";
        if let Some(id) = on_db!(self, p => sqlx::query_scalar::<_, i64>(sql).bind(plan_id).bind(title).fetch_optional(p).await)?
        {
            return Ok(id);
        }
        let pos: i64 = on_db!(self, p => sqlx::query_scalar("SELECT COALESCE(MAX(position), 0) + 1 FROM (SELECT position FROM plan_sections WHERE plan_id = $1 UNION ALL SELECT position FROM plan_activities WHERE plan_id = $1) x")
            .bind(plan_id).fetch_one(p).await)?;
        let mut tx = self.begin().await?;
        let id = insert_section(&mut tx, plan_id, None, pos, &Section::new(None, title)).await?;
        tx.commit().await?;
        Ok(id)
    }

    async fn next_position(&self, plan_id: i64) -> Result<i64> {
        let sql = "SELECT COALESCE(MAX(position), 0) + 1 FROM (SELECT position FROM plan_sections WHERE plan_id = $1 UNION ALL SELECT position FROM plan_activities WHERE plan_id = $1) x";
        Ok(on_db!(self, p => sqlx::query_scalar(sql).bind(plan_id).fetch_one(p).await)?)
    }

    /// A municipal (or regional) activity addressed to schools becomes an
    /// activity in each school's plan, linked to it. Schools that already
    /// have it are left as they are.
    pub async fn cascade_activity(
        &self,
        activity_id: i64,
        school_ids: &[i64],
        actor: &str,
    ) -> Result<SpreadReport> {
        let plan_id = self
            .activity_plan_id(activity_id)
            .await?
            .ok_or_else(|| StoreError::NotFound(format!("мероприятие № {activity_id}")))?;
        let plan = self
            .plan(plan_id)
            .await?
            .ok_or_else(|| StoreError::NotFound(format!("план № {plan_id}")))?;
        let parent = plan
            .all_activities()
            .into_iter()
            .map(|l| l.activity.clone())
            .find(|a| a.id == Some(activity_id))
            .ok_or_else(|| StoreError::NotFound(format!("мероприятие № {activity_id}")))?;
        let mut report = SpreadReport::default();
        for &school in school_ids {
            let (target, created) = self
                .school_plan(school, plan.period.as_ref(), actor)
                .await?;
            if created {
                report.plans_created += 1;
            }
            let sql = "SELECT COUNT(*) FROM plan_activities WHERE plan_id = $1 AND parent_activity_id = $2";
            let n: i64 = on_db!(self, p => sqlx::query_scalar(sql).bind(target).bind(activity_id).fetch_one(p).await)?;
            report.targets.push((school, target));
            if n > 0 {
                report.existing += 1;
                continue;
            }
            let section = self.section_by_title(target, CASCADE_SECTION).await?;
            let position = self.next_position(target).await?;
            let mut child = parent.clone();
            child.id = None;
            child.status = ActivityStatus::Planned;
            child.cancel_reason = None;
            child.source = None;
            let mut tx = self.begin().await?;
            insert_activity(
                &mut tx,
                ActivityInsert {
                    plan_id: target,
                    section_id: Some(section),
                    position,
                    a: &child,
                    parent: Some(activity_id),
                },
            )
            .await?;
            tx.commit().await?;
            report.created += 1;
        }
        let r = self.activity_ref(activity_id).await?;
        let details = format!(
            "школы: {}; создано {}, уже было {}",
            self.school_names(school_ids).await?,
            report.created,
            report.existing
        );
        self.audit_for(
            actor,
            "каскад мероприятия",
            &r.object,
            &details,
            r.municipality,
        )
        .await?;
        Ok(report)
    }

    /// How the schools are doing with a cascaded activity.
    pub async fn cascade_progress(&self, activity_id: i64, today: Date) -> Result<CascadeProgress> {
        let sql = "SELECT COALESCE(s.short_name, p.owner), a.status, a.deadline_end FROM plan_activities a JOIN plans p ON p.id = a.plan_id \
                   LEFT JOIN schools s ON s.id = p.school_id WHERE a.parent_activity_id = $1 ORDER BY COALESCE(s.short_name, p.owner)";
        let rows: Vec<(String, String, Option<String>)> = on_db!(self, p => sqlx::query(sql).bind(activity_id).fetch_all(p).await?
            .iter().map(|r| (r.get(0), r.get(1), r.get(2))).collect());
        let mut pr = CascadeProgress::default();
        let today = today.iso();
        for (name, st, end) in rows {
            let status = stored_status(&st)?;
            let overdue = !status.is_closed() && end.as_deref().is_some_and(|e| e < today.as_str());
            pr.total += 1;
            match status {
                ActivityStatus::Planned => pr.planned += 1,
                ActivityStatus::InProgress => pr.in_progress += 1,
                ActivityStatus::Done => pr.done += 1,
                ActivityStatus::Verified => pr.verified += 1,
                ActivityStatus::Cancelled => pr.cancelled += 1,
            }
            if overdue {
                pr.overdue += 1;
            }
            pr.schools.push((name, st, overdue));
        }
        Ok(pr)
    }

    /// Marks a plan as a template (or not).
    pub async fn set_template(&self, plan_id: i64, template: bool) -> Result<()> {
        let n = on_db!(self, p => sqlx::query("UPDATE plans SET is_template = $1 WHERE id = $2").bind(template as i64).bind(plan_id).execute(p).await.map(|r| r.rows_affected()))?;
        if n == 0 {
            return Err(StoreError::NotFound(format!("план № {plan_id}")));
        }
        Ok(())
    }

    /// Copies a template's blocks (all top-level sections, or those whose ids
    /// are given, e.g. «Инвариантная часть») into each school's plan. A school
    /// that already received the template is left as it is.
    pub async fn apply_template(
        &self,
        template_id: i64,
        section_ids: Option<&[i64]>,
        school_ids: &[i64],
        actor: &str,
    ) -> Result<SpreadReport> {
        let tpl = self
            .plan(template_id)
            .await?
            .ok_or_else(|| StoreError::NotFound(format!("шаблон № {template_id}")))?;
        let blocks: Vec<&Section> = tpl
            .sections
            .iter()
            .filter(|s| section_ids.is_none_or(|ids| s.id.is_some_and(|i| ids.contains(&i))))
            .collect();
        if blocks.is_empty() && tpl.activities.is_empty() {
            return Err(db_err(format!(
                "в шаблоне «{}» нет выбранных разделов",
                tpl.title
            )));
        }
        let mut report = SpreadReport::default();
        for &school in school_ids {
            let used: i64 = on_db!(self, p => sqlx::query_scalar("SELECT COUNT(*) FROM plan_template_uses WHERE template_plan_id = $1 AND school_id = $2")
                .bind(template_id).bind(school).fetch_one(p).await)?;
            if used > 0 {
                report.existing += 1;
                continue;
            }
            let (target, created) = self.school_plan(school, tpl.period.as_ref(), actor).await?;
            if created {
                report.plans_created += 1;
            }
            let mut position = self.next_position(target).await?;
            let mut tx = self.begin().await?;
            // The blocks with their subsections, in document order.
            let mut sub = Plan::new(Level::School, "");
            sub.sections = blocks.iter().map(|s| (*s).clone()).collect();
            if section_ids.is_none() {
                sub.activities = tpl.activities.clone();
            }
            for a in &sub.activities {
                let mut a = a.clone();
                a.id = None;
                a.status = ActivityStatus::Planned;
                insert_activity(
                    &mut tx,
                    ActivityInsert {
                        plan_id: target,
                        section_id: None,
                        position,
                        a: &a,
                        parent: None,
                    },
                )
                .await?;
                position += 1;
                report.created += 1;
            }
            let flat = flatten_sections(&sub);
            let mut ids: Vec<i64> = Vec::new();
            for (parent, s) in &flat {
                let sid =
                    insert_section(&mut tx, target, parent.map(|p| ids[p]), position, s).await?;
                position += 1;
                ids.push(sid);
                for a in &s.activities {
                    let mut a = a.clone();
                    a.id = None;
                    a.status = ActivityStatus::Planned;
                    a.cancel_reason = None;
                    insert_activity(
                        &mut tx,
                        ActivityInsert {
                            plan_id: target,
                            section_id: Some(sid),
                            position,
                            a: &a,
                            parent: None,
                        },
                    )
                    .await?;
                    position += 1;
                    report.created += 1;
                }
            }
            on_tx!(&mut tx, c => sqlx::query("INSERT INTO plan_template_uses (template_plan_id, school_id, plan_id, at, actor) VALUES ($1, $2, $3, $4, $5)")
                .bind(template_id).bind(school).bind(target).bind(now_text()).bind(actor).execute(&mut *c).await.map(|_| ())?);
            tx.commit().await?;
            report.targets.push((school, target));
        }
        let r = self.plan_ref(template_id).await?;
        let details = format!(
            "школы: {}; мероприятий создано {}, уже было у {}",
            self.school_names(school_ids).await?,
            report.created,
            report.existing
        );
        self.audit_for(
            actor,
            "шаблон плана применён",
            &format!("шаблон: {}", r.object),
            &details,
            r.municipality,
        )
        .await?;
        Ok(report)
    }
}
