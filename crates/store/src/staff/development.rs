//! The catalogue of further-education programmes (the region keeps it;
//! not personal data) and teachers' individual development plans (personal
//! data: reads and changes are audited). A plan is drafted from the
//! teacher's latest diagnostic round by `opora_staff::development::draft`
//! and then edited; a course step marked done writes the course into the
//! teacher's record, so the three-year clock sees it.

use super::audit_object;
use super::diagnostics::Round;
use super::teachers::{stored_date, Teacher};
use crate::audit::{audit_for_in, now_text};
use crate::scope::Scope;
use crate::{Db, Result, StoreError};
use opora_plans::date::Date;
pub use opora_staff::development::StepFields;
use opora_staff::development::{draft, DevPlanStatus, Programme, StepKind, StepStatus};
use opora_staff::diagnostics::{split_topics, Cell, Competence};
use opora_staff::model::{CourseKind, ProviderKind};
use opora_staff::records::courses::CourseFields;
use sqlx::Row;

/// What the catalogue says of a programme.
#[derive(Debug, Clone, PartialEq)]
pub struct ProgrammeFields {
    pub title: String,
    pub provider: String,
    pub provider_kind: ProviderKind,
    pub kind: CourseKind,
    pub hours: Option<i64>,
    /// The subject it is for; empty: every subject.
    pub subject: String,
    pub competences: Vec<Competence>,
    pub topics: Vec<String>,
}

/// A programme of the catalogue.
#[derive(Debug, Clone, PartialEq)]
pub struct CatalogueProgramme {
    pub id: i64,
    pub fields: ProgrammeFields,
    /// Withdrawn programmes stay for the plans that name them but are not
    /// drafted into new ones.
    pub active: bool,
}

impl CatalogueProgramme {
    fn for_draft(&self) -> Programme {
        Programme {
            id: self.id,
            title: self.fields.title.clone(),
            subject: self.fields.subject.clone(),
            competences: self.fields.competences.clone(),
            topics: self.fields.topics.clone(),
        }
    }
}

/// A step of a plan.
#[derive(Debug, Clone, PartialEq)]
pub struct Step {
    pub id: i64,
    pub fields: StepFields,
    pub status: StepStatus,
    pub done_on: Option<Date>,
    pub evidence: String,
    /// The course record a done course step wrote.
    pub course_id: Option<i64>,
    /// The event the step is taking part in (done when the teacher attends).
    pub event_id: Option<i64>,
}

/// A teacher's development plan with its steps (by due date).
#[derive(Debug, Clone, PartialEq)]
pub struct DevPlan {
    pub id: i64,
    pub teacher_id: i64,
    /// The round it was drafted from.
    pub round: Option<Round>,
    pub starts_on: Date,
    pub ends_on: Date,
    pub status: DevPlanStatus,
    pub closed_on: Option<Date>,
    pub summary: String,
    pub created_by: String,
    pub steps: Vec<Step>,
}

/// A comment on a plan.
#[derive(Debug, Clone, PartialEq)]
pub struct PlanComment {
    pub text: String,
    pub created_at: String,
    pub created_by: String,
}

/// How a step is completed.
#[derive(Debug, Clone, PartialEq)]
pub struct Completion {
    pub done_on: Date,
    pub evidence: String,
    /// For a course step: the certificate's number (the course record's).
    pub certificate_no: String,
}

const PROGRAMME_COLUMNS: &str =
    "id, title, provider, provider_kind, kind, hours, subject, competences, topics, active";

fn competences_of(codes: &str) -> Result<Vec<Competence>> {
    codes
        .split(';')
        .filter(|c| !c.is_empty())
        .map(|c| {
            Competence::from_code(c).ok_or_else(|| StoreError::stored("область компетенций", c))
        })
        .collect()
}

macro_rules! programme_from_row {
    ($r:expr) => {{
        let r = $r;
        let provider_kind: String = r.get(3);
        let kind: String = r.get(4);
        CatalogueProgramme {
            id: r.get(0),
            fields: ProgrammeFields {
                title: r.get(1),
                provider: r.get(2),
                provider_kind: ProviderKind::from_code(&provider_kind)
                    .ok_or_else(|| StoreError::stored("вид организации", &provider_kind))?,
                kind: CourseKind::from_code(&kind)
                    .ok_or_else(|| StoreError::stored("вид обучения", &kind))?,
                hours: r.get(5),
                subject: r.get(6),
                competences: competences_of(&r.get::<String, _>(7))?,
                topics: split_topics(&r.get::<String, _>(8)),
            },
            active: r.get::<i64, _>(9) != 0,
        }
    }};
}

const STEP_COLUMNS: &str = "id, plan_id, kind, title, subject, competence, programme_id, due_on, status, done_on, evidence, course_id, event_id";

fn step_from_row(
    (
        id,
        _plan,
        kind,
        title,
        subject,
        competence,
        programme_id,
        due_on,
        status,
        done_on,
        evidence,
        course_id,
        event_id,
    ): StepRow,
) -> Result<Step> {
    Ok(Step {
        id,
        fields: StepFields {
            kind: StepKind::from_code(&kind)
                .ok_or_else(|| StoreError::stored("вид шага", &kind))?,
            title,
            subject,
            competence: competence
                .map(|c| {
                    Competence::from_code(&c)
                        .ok_or_else(|| StoreError::stored("область компетенций", &c))
                })
                .transpose()?,
            programme_id,
            due_on: stored_date(&due_on)?,
        },
        status: StepStatus::from_code(&status)
            .ok_or_else(|| StoreError::stored("состояние шага", &status))?,
        done_on: done_on.as_deref().map(stored_date).transpose()?,
        evidence,
        course_id,
        event_id,
    })
}

type StepRow = (
    i64,
    i64,
    String,
    String,
    String,
    Option<String>,
    Option<i64>,
    String,
    String,
    Option<String>,
    String,
    Option<i64>,
    Option<i64>,
);

type PlanRow = (
    i64,
    i64,
    Option<i64>,
    String,
    String,
    String,
    Option<String>,
    String,
    String,
);

/// The competence codes as stored: `subject;methodical`.
fn competence_codes(list: &[Competence]) -> String {
    list.iter().map(|c| c.code()).collect::<Vec<_>>().join(";")
}

impl Db {
    /// The catalogue, by title (only the active programmes when asked).
    pub async fn programmes(&self, active_only: bool) -> Result<Vec<CatalogueProgramme>> {
        let sql = format!(
            "SELECT {PROGRAMME_COLUMNS} FROM programmes {} ORDER BY title, provider, id",
            if active_only { "WHERE active = 1" } else { "" }
        );
        Ok(on_db!(self, p => {
            let rows = sqlx::query(&sql).fetch_all(p).await?;
            rows.iter().map(|r| Ok(programme_from_row!(r))).collect::<Result<Vec<_>>>()?
        }))
    }

    /// One programme of the catalogue, withdrawn or not.
    pub async fn programme(&self, id: i64) -> Result<Option<CatalogueProgramme>> {
        let sql = format!("SELECT {PROGRAMME_COLUMNS} FROM programmes WHERE id = $1");
        Ok(on_db!(self, p => {
            match sqlx::query(&sql).bind(id).fetch_optional(p).await? {
                Some(r) => Some(programme_from_row!(&r)),
                None => None,
            }
        }))
    }

    /// Adds a programme to the catalogue; the same title of the same
    /// provider is refused.
    pub async fn add_programme(&self, f: &ProgrammeFields, actor: &str) -> Result<i64> {
        if f.title.trim().is_empty() {
            return Err(StoreError::Invalid("укажите название программы".into()));
        }
        if f.competences.is_empty() {
            return Err(StoreError::Invalid(
                "отметьте хотя бы одну область компетенций, дефициты которой программа восполняет"
                    .into(),
            ));
        }
        let exists = "SELECT COUNT(*) FROM programmes WHERE title = $1 AND provider = $2";
        let n: i64 = on_db!(self, p => sqlx::query_scalar(exists).bind(&f.title).bind(&f.provider).fetch_one(p).await?);
        if n > 0 {
            return Err(StoreError::Conflict(format!(
                "программа «{}» этой организации уже есть в каталоге",
                f.title
            )));
        }
        let mut tx = self.begin().await?;
        let sql = "INSERT INTO programmes (title, provider, provider_kind, kind, hours, subject, competences, topics, created_at, created_by) \
                   VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) RETURNING id";
        let id: i64 = on_tx!(&mut tx, c => sqlx::query_scalar(sql)
            .bind(&f.title).bind(&f.provider).bind(f.provider_kind.code()).bind(f.kind.code()).bind(f.hours)
            .bind(&f.subject).bind(competence_codes(&f.competences)).bind(f.topics.join("; "))
            .bind(now_text()).bind(actor).fetch_one(&mut *c).await?);
        audit_for_in(
            &mut tx,
            actor,
            "программа добавлена в каталог",
            &format!("программа {id}"),
            &f.title,
            None,
        )
        .await?;
        tx.commit().await?;
        Ok(id)
    }

    /// Withdraws a programme from the catalogue or returns it.
    pub async fn set_programme_active(&self, id: i64, active: bool, actor: &str) -> Result<()> {
        let mut tx = self.begin().await?;
        let sql = "UPDATE programmes SET active = $1 WHERE id = $2";
        let n = on_tx!(&mut tx, c => sqlx::query(sql).bind(i64::from(active)).bind(id).execute(&mut *c).await?.rows_affected());
        if n == 0 {
            return Err(StoreError::NotFound(format!("программа {id}")));
        }
        let action = if active {
            "программа возвращена в каталог"
        } else {
            "программа выведена из каталога"
        };
        audit_for_in(&mut tx, actor, action, &format!("программа {id}"), "", None).await?;
        tx.commit().await
    }

    /// The plans whose row `d` (its teacher `t`, the school `s`) meets
    /// `condition` (`$1` is `bind`), latest first.
    async fn plans_where(&self, condition: &str, bind: i64) -> Result<Vec<DevPlan>> {
        let from = format!(
            "FROM development_plans d JOIN teachers t ON t.id = d.teacher_id JOIN schools s ON s.id = t.school_id WHERE {condition}"
        );
        let sql = format!(
            "SELECT d.id, d.teacher_id, d.round_id, d.starts_on, d.ends_on, d.status, d.closed_on, d.summary, d.created_by \
             {from} ORDER BY d.starts_on DESC, d.id DESC"
        );
        let rows: Vec<PlanRow> =
            on_db!(self, p => sqlx::query_as(&sql).bind(bind).fetch_all(p).await?);
        if rows.is_empty() {
            return Ok(Vec::new());
        }
        let rounds = self.diagnostic_rounds().await?;
        let steps_sql = format!(
            "SELECT {STEP_COLUMNS} FROM development_steps WHERE plan_id IN (SELECT d.id {from}) ORDER BY due_on, id"
        );
        let steps: Vec<StepRow> =
            on_db!(self, p => sqlx::query_as(&steps_sql).bind(bind).fetch_all(p).await?);
        let mut out = Vec::new();
        for (id, teacher_id, round_id, starts, ends, status, closed, summary, by) in rows {
            out.push(DevPlan {
                id,
                teacher_id,
                round: rounds.iter().find(|r| Some(r.id) == round_id).cloned(),
                starts_on: stored_date(&starts)?,
                ends_on: stored_date(&ends)?,
                status: DevPlanStatus::from_code(&status)
                    .ok_or_else(|| StoreError::stored("состояние плана", &status))?,
                closed_on: closed.as_deref().map(stored_date).transpose()?,
                summary,
                created_by: by,
                steps: steps
                    .iter()
                    .filter(|s| s.1 == id)
                    .cloned()
                    .map(step_from_row)
                    .collect::<Result<_>>()?,
            });
        }
        Ok(out)
    }

    /// The plans of the teachers of `scope` (of one login's record, when
    /// given: a teacher's own), latest first; the read is audited.
    pub async fn development_plans_in(
        &self,
        scope: &Scope,
        user_id: Option<i64>,
        actor: &str,
    ) -> Result<Vec<DevPlan>> {
        let condition = format!(
            "{} AND ($1 = 0 OR t.user_id = $1)",
            super::teachers_sql(scope)
        );
        let plans = self.plans_where(&condition, user_id.unwrap_or(0)).await?;
        self.audit_for(
            actor,
            "просмотр: планы профессионального развития",
            "все планы области доступа",
            &format!("планов: {}", plans.len()),
            scope.municipality(),
        )
        .await?;
        Ok(plans)
    }

    /// A teacher's plans, latest first (the caller has checked the scope;
    /// the card's read audits itself).
    pub async fn development_plans_of(&self, teacher_id: i64) -> Result<Vec<DevPlan>> {
        self.plans_where("d.teacher_id = $1", teacher_id).await
    }

    /// A plan and its teacher, when the teacher is in `scope`; unaudited
    /// (the check before a change, or before an audited read).
    pub async fn development_plan(
        &self,
        scope: &Scope,
        id: i64,
    ) -> Result<Option<(DevPlan, Teacher)>> {
        let Some(plan) = self.plans_where("d.id = $1", id).await?.pop() else {
            return Ok(None);
        };
        Ok(self
            .teacher(scope, plan.teacher_id)
            .await?
            .map(|t| (plan, t)))
    }

    /// Writes the audit entry of reading a plan.
    pub async fn audit_development_plan_read(
        &self,
        plan: &DevPlan,
        t: &Teacher,
        actor: &str,
    ) -> Result<()> {
        self.audit_for(
            actor,
            "просмотр: план профессионального развития",
            &audit_object(t.id, &t.fields.full_name),
            &format!("план {}", plan.id),
            Some(t.municipality_id),
        )
        .await
    }

    /// Drafts a plan for a teacher of `scope` from their results of round
    /// `round_id` (their latest round when `None`): the deficits, the
    /// active catalogue, the active mentor; starting on `start`. A teacher
    /// with an active plan gets no second.
    pub async fn draft_development_plan(
        &self,
        scope: &Scope,
        teacher_id: i64,
        round_id: Option<i64>,
        start: Date,
        actor: &str,
    ) -> Result<i64> {
        let t = self
            .teacher(scope, teacher_id)
            .await?
            .ok_or_else(|| StoreError::NotFound(format!("педагог {teacher_id}")))?;
        let already = || {
            StoreError::Conflict(format!(
                "у педагога {} уже есть действующий план развития: дополните его или завершите, прежде чем составлять новый",
                t.fields.full_name
            ))
        };
        if self.has_active_plan(teacher_id).await? {
            return Err(already());
        }
        let rounds = self.teacher_diagnostics(teacher_id).await?;
        let base = match round_id {
            None => rounds.last(),
            Some(id) => rounds.iter().find(|(r, _)| r.id == id),
        };
        let deficits: Vec<Cell> = base.map(|(_, c)| c.clone()).unwrap_or_default();
        let catalogue: Vec<Programme> = self
            .programmes(true)
            .await?
            .iter()
            .map(CatalogueProgramme::for_draft)
            .collect();
        let mentor = self.active_mentor_name(teacher_id).await?;
        let plan = draft(&deficits, &catalogue, mentor.as_deref(), start);
        let mut tx = self.begin().await?;
        let sql = "INSERT INTO development_plans (teacher_id, round_id, starts_on, ends_on, created_at, created_by) \
                   VALUES ($1, $2, $3, $4, $5, $6) RETURNING id";
        let inserted: std::result::Result<i64, sqlx::Error> = on_tx!(&mut tx, c => sqlx::query_scalar(sql)
            .bind(teacher_id).bind(base.map(|(r, _)| r.id)).bind(plan.starts_on.iso())
            .bind(plan.ends_on.iso()).bind(now_text()).bind(actor).fetch_one(&mut *c).await);
        // Two drafts at once: the unique index of active plans lets one in.
        let id = match inserted.map_err(StoreError::from) {
            Err(StoreError::Conflict(_)) => return Err(already()),
            other => other?,
        };
        for s in &plan.steps {
            insert_step(&mut tx, id, s, None, actor).await?;
        }
        audit_for_in(
            &mut tx,
            actor,
            "план развития составлен",
            &audit_object(t.id, &t.fields.full_name),
            &format!("план {id}; шагов: {}", plan.steps.len()),
            Some(t.municipality_id),
        )
        .await?;
        tx.commit().await?;
        Ok(id)
    }

    async fn has_active_plan(&self, teacher_id: i64) -> Result<bool> {
        let sql =
            "SELECT COUNT(*) FROM development_plans WHERE teacher_id = $1 AND status = 'active'";
        let n: i64 =
            on_db!(self, p => sqlx::query_scalar(sql).bind(teacher_id).fetch_one(p).await?);
        Ok(n > 0)
    }

    /// The short name of the teacher's active mentor (the latest pair).
    async fn active_mentor_name(&self, teacher_id: i64) -> Result<Option<String>> {
        let sql = "SELECT t.full_name FROM mentoring_pairs p JOIN teachers t ON t.id = p.mentor_id \
                   WHERE p.mentee_id = $1 AND p.status = 'active' ORDER BY p.starts_on DESC, p.id DESC";
        let names: Vec<String> =
            on_db!(self, p => sqlx::query_scalar(sql).bind(teacher_id).fetch_all(p).await?);
        Ok(names.first().map(|n| super::short_name(n)))
    }

    /// Adds a step to an active plan.
    pub async fn add_development_step(
        &self,
        plan: &DevPlan,
        t: &Teacher,
        f: &StepFields,
        actor: &str,
    ) -> Result<i64> {
        require_active(plan)?;
        if f.title.trim().is_empty() {
            return Err(StoreError::Invalid("укажите, что предстоит сделать".into()));
        }
        let mut tx = self.begin().await?;
        let id = insert_step(&mut tx, plan.id, f, None, actor).await?;
        audit_for_in(
            &mut tx,
            actor,
            "шаг плана развития добавлен",
            &audit_object(t.id, &t.fields.full_name),
            &format!("план {}: {}", plan.id, f.title),
            Some(t.municipality_id),
        )
        .await?;
        tx.commit().await?;
        Ok(id)
    }

    /// Marks a step done (a course step also writes the course into the
    /// teacher's record, once), cancelled or planned again.
    pub async fn set_development_step(
        &self,
        plan: &DevPlan,
        t: &Teacher,
        step_id: i64,
        status: StepStatus,
        completion: Option<&Completion>,
        actor: &str,
    ) -> Result<()> {
        require_active(plan)?;
        let step = plan
            .steps
            .iter()
            .find(|s| s.id == step_id)
            .ok_or_else(|| StoreError::NotFound(format!("шаг {step_id}")))?;
        let done = match (status, completion) {
            (StepStatus::Done, None) => {
                return Err(StoreError::Invalid("укажите дату выполнения".into()))
            }
            (StepStatus::Done, Some(c)) => Some(c),
            _ => None,
        };
        // A done course step writes its course once (read before the transaction).
        let course = match done {
            Some(c) if step.fields.kind == StepKind::Course && step.course_id.is_none() => {
                Some(self.course_of_step(step, c).await?)
            }
            _ => None,
        };
        let mut tx = self.begin().await?;
        let mut course_id = step.course_id;
        if let Some(fields) = &course {
            // The same course already recorded (imported from the HR file): linked, not doubled.
            let same =
                "SELECT id FROM courses WHERE teacher_id = $1 AND title = $2 AND end_date = $3";
            let found: Option<i64> = on_tx!(&mut tx, c => sqlx::query_scalar(same).bind(t.id)
                .bind(&fields.title).bind(fields.end.iso()).fetch_optional(&mut *c).await?);
            if let Some(id) = found {
                course_id = Some(id);
            } else {
                course_id =
                    Some(super::courses::insert_course(&mut tx, t.id, fields, actor).await?);
                audit_for_in(
                    &mut tx,
                    actor,
                    "курс добавлен",
                    &audit_object(t.id, &t.fields.full_name),
                    &format!(
                        "«{}», окончание {} (из плана развития)",
                        fields.title,
                        fields.end.ru()
                    ),
                    Some(t.municipality_id),
                )
                .await?;
            }
        }
        let sql = "UPDATE development_steps SET status = $1, done_on = $2, evidence = $3, course_id = $4 WHERE id = $5 AND plan_id = $6";
        on_tx!(&mut tx, c => sqlx::query(sql).bind(status.code()).bind(done.map(|d| d.done_on.iso()))
            .bind(done.map(|d| d.evidence.trim().to_string()).unwrap_or_else(|| step.evidence.clone()))
            .bind(course_id).bind(step.id).bind(plan.id).execute(&mut *c).await?.rows_affected());
        audit_for_in(
            &mut tx,
            actor,
            "шаг плана развития изменён",
            &audit_object(t.id, &t.fields.full_name),
            &format!(
                "план {}: {} — {}",
                plan.id,
                step.fields.title,
                status.title()
            ),
            Some(t.municipality_id),
        )
        .await?;
        tx.commit().await
    }

    /// The course a done course step means (the programme's provider,
    /// kind and hours when the step names one).
    async fn course_of_step(&self, step: &Step, c: &Completion) -> Result<CourseFields> {
        let programme = match step.fields.programme_id {
            Some(id) => self.programme(id).await?,
            None => None,
        };
        let p = programme.as_ref().map(|p| &p.fields);
        Ok(CourseFields {
            title: step.fields.title.clone(),
            kind: p.map_or(CourseKind::Upgrade, |p| p.kind),
            hours: p.and_then(|p| p.hours),
            provider: p.map(|p| p.provider.clone()).unwrap_or_default(),
            provider_kind: p.map_or(ProviderKind::Other, |p| p.provider_kind),
            start: None,
            end: c.done_on,
            certificate_no: c.certificate_no.trim().to_string(),
            subject_area: step.fields.subject.clone(),
        })
    }

    /// A plan's comments, oldest first (the caller has checked the plan).
    pub async fn development_comments(&self, plan_id: i64) -> Result<Vec<PlanComment>> {
        let sql = "SELECT text, created_at, created_by FROM development_comments WHERE plan_id = $1 ORDER BY created_at, id";
        let rows: Vec<(String, String, String)> =
            on_db!(self, p => sqlx::query_as(sql).bind(plan_id).fetch_all(p).await?);
        Ok(rows
            .into_iter()
            .map(|(text, at, by)| PlanComment {
                text,
                created_at: at,
                created_by: by,
            })
            .collect())
    }

    /// Adds a comment to a plan (open or closed: a remark on the outcome
    /// is a comment too).
    pub async fn add_development_comment(
        &self,
        plan: &DevPlan,
        t: &Teacher,
        text: &str,
        actor: &str,
    ) -> Result<i64> {
        let text = text.trim();
        if text.is_empty() {
            return Err(StoreError::Invalid("напишите текст комментария".into()));
        }
        let mut tx = self.begin().await?;
        let sql = "INSERT INTO development_comments (plan_id, text, created_at, created_by) VALUES ($1, $2, $3, $4) RETURNING id";
        let id: i64 = on_tx!(&mut tx, c => sqlx::query_scalar(sql).bind(plan.id).bind(text).bind(now_text()).bind(actor)
            .fetch_one(&mut *c).await?);
        audit_for_in(
            &mut tx,
            actor,
            "комментарий к плану развития",
            &audit_object(t.id, &t.fields.full_name),
            &format!("план {}", plan.id),
            Some(t.municipality_id),
        )
        .await?;
        tx.commit().await?;
        Ok(id)
    }

    /// Closes an active plan with its outcome.
    pub async fn close_development_plan(
        &self,
        plan: &DevPlan,
        t: &Teacher,
        on: Date,
        summary: &str,
        actor: &str,
    ) -> Result<()> {
        let mut tx = self.begin().await?;
        // Only an active plan closes: two people closing at once close it once.
        let sql = "UPDATE development_plans SET status = 'closed', closed_on = $1, summary = $2 WHERE id = $3 AND status = 'active'";
        let n = on_tx!(&mut tx, c => sqlx::query(sql).bind(on.iso()).bind(summary.trim()).bind(plan.id).execute(&mut *c).await?.rows_affected());
        if n == 0 {
            return Err(StoreError::Conflict("план уже завершён".into()));
        }
        audit_for_in(
            &mut tx,
            actor,
            "план развития завершён",
            &audit_object(t.id, &t.fields.full_name),
            &format!("план {}", plan.id),
            Some(t.municipality_id),
        )
        .await?;
        tx.commit().await
    }
}

fn require_active(plan: &DevPlan) -> Result<()> {
    if plan.status == DevPlanStatus::Active {
        Ok(())
    } else {
        Err(StoreError::Invalid(
            "план завершён: шаги меняются только в действующем плане".into(),
        ))
    }
}

/// Inserts a planned step; `event_id` links a step that is taking part
/// in an event.
pub(crate) async fn insert_step(
    tx: &mut crate::db::Tx,
    plan_id: i64,
    f: &StepFields,
    event_id: Option<i64>,
    actor: &str,
) -> Result<i64> {
    let sql = "INSERT INTO development_steps (plan_id, kind, title, subject, competence, programme_id, due_on, event_id, created_at, created_by) \
               VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) RETURNING id";
    Ok(on_tx!(tx, c => sqlx::query_scalar(sql)
        .bind(plan_id).bind(f.kind.code()).bind(f.title.trim()).bind(&f.subject)
        .bind(f.competence.map(|c| c.code())).bind(f.programme_id).bind(f.due_on.iso())
        .bind(event_id).bind(now_text()).bind(actor).fetch_one(&mut *c).await?))
}

/// The latest of the teacher's rounds (`rounds`, oldest first) held after
/// the plan's round and of its kind (a test is checked by a test, a
/// self-assessment by a self-assessment) — or, for a plan drafted without one, on or after its
/// start: the round that tells which deficits closed.
pub fn rediagnosis<'a>(
    plan: &DevPlan,
    rounds: &'a [(Round, Vec<Cell>)],
) -> Option<&'a (Round, Vec<Cell>)> {
    rounds.iter().rev().find(|(r, _)| match &plan.round {
        Some(base) => r.held_on > base.held_on && r.same_kind(base),
        None => r.held_on >= plan.starts_on,
    })
}
