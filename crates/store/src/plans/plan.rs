//! The plan aggregate: saving an imported or built plan, lists by scope,
//! loading one whole, the plan's status and its versions, and the school's
//! working plan that cascades and templates write into.

use super::{opt_date, plans_sql, stored_status};
use crate::audit::now_text;
use crate::scope::Scope;
use crate::{Db, Result, StoreError};
use opora_plans::{
    parse_deadline, Activity, Approval, Date, Deadline, DocumentType, Level, Period, Plan,
    PlanStatus, Responsible, ResponsibleRole, Section, SectionKind, SourceRef,
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

#[derive(Debug, Clone, Serialize)]
pub struct PlanVersion {
    pub version: i64,
    pub at: String,
    pub actor: String,
    pub change: String,
}

/// Sections in pre-order with the index of their parent in the same list.
pub(super) fn flatten_sections(plan: &Plan) -> Vec<(Option<usize>, &Section)> {
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

pub(super) struct ActivityInsert<'a> {
    pub(super) plan_id: i64,
    pub(super) section_id: Option<i64>,
    pub(super) position: i64,
    pub(super) a: &'a Activity,
    pub(super) parent: Option<i64>,
}

impl Db {
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
        // The audit entry commits with the plan: a process killed in
        // between leaves neither.
        let mut tx = self.begin().await?;
        let id = insert_plan(&mut tx, plan, links, source, actor).await?;
        let what = match source {
            Some(s) => format!(
                "импорт из файла «{}»: разделов {n_sections}, мероприятий {n_activities}",
                s.file
            ),
            None => format!("разделов {n_sections}, мероприятий {n_activities}"),
        };
        let r = super::plan_ref_in(&mut tx, id).await?;
        crate::audit::audit_for_in(
            &mut tx,
            actor,
            "план сохранён",
            &r.object,
            &what,
            r.municipality,
        )
        .await?;
        tx.commit().await?;
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

    /// The school's working plan (latest not archived, not a template), or
    /// a new empty one for `period`. Returns (plan id, created).
    pub(super) async fn school_plan(
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

    pub(super) async fn section_by_title(&self, plan_id: i64, title: &str) -> Result<i64> {
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

    pub(super) async fn next_position(&self, plan_id: i64) -> Result<i64> {
        let sql = "SELECT COALESCE(MAX(position), 0) + 1 FROM (SELECT position FROM plan_sections WHERE plan_id = $1 UNION ALL SELECT position FROM plan_activities WHERE plan_id = $1) x";
        Ok(on_db!(self, p => sqlx::query_scalar(sql).bind(plan_id).fetch_one(p).await)?)
    }
}

pub(super) async fn insert_activity(tx: &mut crate::db::Tx, x: ActivityInsert<'_>) -> Result<i64> {
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

pub(super) async fn insert_section(
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
