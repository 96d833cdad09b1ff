//! Editing a plan in the browser (issue 10, item 6): sections and
//! activities added, changed, moved and deleted, and a wrongly attached
//! document removed.
//!
//! Each edit is one transaction that changes the rows, rewrites the stored
//! positions in document order, and adds a plan version whose snapshot is
//! the edited tree (`opora_plans::edit` applies the same change in memory),
//! so the history shows what the plan became. The version is bumped only
//! when the plan is still at the version the edit was read from: two people
//! editing at once cannot overwrite each other silently.

use super::opt_date;
use super::plan::{insert_activity, insert_section, ActivityInsert};
use crate::audit::now_text;
use crate::{Db, Result, StoreError};
use opora_plans::edit::{new_section, ActivityFields, Direction, EditError};
use opora_plans::{Activity, ActivityStatus, Deadline, Plan, PlanStatus};
use sqlx::Row;

/// One change of a plan, by stored ids.
#[derive(Debug, Clone)]
pub enum PlanEdit {
    AddSection {
        number: String,
        title: String,
    },
    EditSection {
        section_id: i64,
        number: String,
        title: String,
    },
    MoveSection {
        section_id: i64,
        to: Direction,
    },
    DeleteSection {
        section_id: i64,
    },
    /// Appended at the end of `section_id` (`None`: outside sections).
    AddActivity {
        section_id: Option<i64>,
        fields: ActivityFields,
    },
    /// Changes the fields; a different `section_id` moves it to the end of that section.
    EditActivity {
        activity_id: i64,
        section_id: Option<i64>,
        fields: ActivityFields,
    },
    MoveActivity {
        activity_id: i64,
        to: Direction,
    },
    /// Only an activity nobody has worked on: planned, without evidence,
    /// comments or copies in schools' plans (otherwise it is cancelled).
    DeleteActivity {
        activity_id: i64,
    },
}

/// What an edit made.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Edited {
    pub version: i64,
    /// The activity added or changed.
    pub activity_id: Option<i64>,
    /// The section added or changed.
    pub section_id: Option<i64>,
}

impl From<EditError> for StoreError {
    fn from(e: EditError) -> Self {
        match e {
            EditError::NoActivity(_) | EditError::NoSection(_) => {
                StoreError::NotFound(e.to_string())
            }
            _ => StoreError::Invalid(e.to_string()),
        }
    }
}

impl Db {
    /// Applies one edit to plan `plan_id` read at `read_version` (the
    /// version the editor's page showed).
    pub async fn edit_plan(
        &self,
        plan_id: i64,
        read_version: i64,
        edit: &PlanEdit,
        actor: &str,
    ) -> Result<Edited> {
        let mut plan = self
            .plan(plan_id)
            .await?
            .ok_or_else(|| StoreError::NotFound(format!("план № {plan_id}")))?;
        if plan.status == PlanStatus::Archived {
            return Err(StoreError::Invalid(
                "план в архиве не редактируется: верните его в работу (статус «утверждён» или «черновик»)".into(),
            ));
        }
        if let PlanEdit::DeleteActivity { activity_id } = edit {
            self.check_deletable(&mut plan, *activity_id).await?;
        }
        let mut tx = self.begin().await?;
        let (change, edited) = apply(&mut tx, plan_id, &mut plan, edit).await?;
        write_positions(&mut tx, &plan).await?;
        let at = now_text();
        let snapshot = serde_json::to_string(&plan)?;
        let version: Option<i64> = on_tx!(&mut tx, c => sqlx::query_scalar(
            "UPDATE plans SET version = version + 1, updated_at = $1 WHERE id = $2 AND version = $3 RETURNING version")
            .bind(&at).bind(plan_id).bind(read_version).fetch_optional(&mut *c).await?);
        let Some(version) = version else {
            return Err(StoreError::Conflict(
                "план уже изменил другой пользователь: обновите страницу и повторите правку".into(),
            ));
        };
        on_tx!(&mut tx, c => sqlx::query("INSERT INTO plan_versions (plan_id, version, at, actor, change, snapshot) VALUES ($1, $2, $3, $4, $5, $6)")
            .bind(plan_id).bind(version).bind(&at).bind(actor).bind(&change).bind(&snapshot).execute(&mut *c).await.map(|_| ())?);
        tx.commit().await?;
        let r = self.plan_ref(plan_id).await?;
        self.audit_for(actor, "план изменён", &r.object, &change, r.municipality)
            .await?;
        Ok(Edited { version, ..edited })
    }

    /// An activity may be deleted only when nothing would be lost.
    async fn check_deletable(&self, plan: &mut Plan, activity_id: i64) -> Result<()> {
        let a = plan.activity_mut(activity_id)?;
        let name = activity_name(a);
        if a.status != ActivityStatus::Planned {
            return Err(StoreError::Invalid(format!(
                "мероприятие {name} уже в работе (статус «{}»): его не удаляют, а отменяют с указанием причины — история сохранится",
                a.status.title()
            )));
        }
        let sql = "SELECT (SELECT COUNT(*) FROM plan_evidence WHERE activity_id = $1), \
                   (SELECT COUNT(*) FROM plan_comments WHERE activity_id = $1), \
                   (SELECT COUNT(*) FROM plan_activities WHERE parent_activity_id = $1)";
        let (evidence, comments, copies): (i64, i64, i64) = on_db!(self, p => sqlx::query(sql).bind(activity_id)
            .fetch_one(p).await.map(|r| (r.get(0), r.get(1), r.get(2)))?);
        let what = [
            (evidence, "приложенные документы"),
            (comments, "комментарии"),
            (copies, "копии в планах школ"),
        ]
        .iter()
        .filter(|(n, _)| *n > 0)
        .map(|(n, w)| format!("{w} ({n})"))
        .collect::<Vec<_>>();
        if !what.is_empty() {
            return Err(StoreError::Invalid(format!(
                "у мероприятия {name} есть {}: его не удаляют, а отменяют с указанием причины — история сохранится",
                what.join(", ")
            )));
        }
        Ok(())
    }

    /// Removes a wrongly attached document (file or link) with the reason;
    /// the audit log keeps what was removed, when, by whom and why.
    pub async fn remove_evidence(&self, evidence_id: i64, reason: &str, actor: &str) -> Result<()> {
        let reason = reason.trim();
        if reason.is_empty() {
            return Err(StoreError::Invalid(
                "укажите, почему документ удаляется (например: «приложен не тот файл»)".into(),
            ));
        }
        let sql = "SELECT activity_id, name, kind, verified_at FROM plan_evidence WHERE id = $1";
        let found: Option<(i64, String, String, Option<String>)> = on_db!(self, p => sqlx::query(sql).bind(evidence_id)
            .fetch_optional(p).await?.map(|r| (r.get(0), r.get(1), r.get(2), r.get(3))));
        let (activity_id, name, kind, verified) =
            found.ok_or_else(|| StoreError::NotFound(format!("документ № {evidence_id}")))?;
        let mut tx = self.begin().await?;
        on_tx!(&mut tx, c => {
            sqlx::query("DELETE FROM plan_evidence_files WHERE evidence_id = $1").bind(evidence_id).execute(&mut *c).await?;
            sqlx::query("DELETE FROM plan_evidence WHERE id = $1").bind(evidence_id).execute(&mut *c).await?;
        });
        tx.commit().await?;
        let what = if kind == "link" {
            "ссылка"
        } else {
            "файл"
        };
        let was = if verified.is_some() {
            " (был подтверждён куратором)"
        } else {
            ""
        };
        let r = self.activity_ref(activity_id).await?;
        self.audit_for(
            actor,
            "подтверждающий документ удалён",
            &r.object,
            &format!("{what} «{name}»{was}; причина: {reason}"),
            r.municipality,
        )
        .await
    }
}

/// «2.1. Семинар для заместителей…»: how the history names an activity.
fn activity_name(a: &Activity) -> String {
    let text: String = a.text.chars().take(60).collect();
    let more = if a.text.chars().count() > 60 {
        "…"
    } else {
        ""
    };
    match &a.number {
        Some(n) => format!("{n} «{text}{more}»"),
        None => format!("«{text}{more}»"),
    }
}

/// Applies `edit` to the rows and to `plan`; returns the history's line.
async fn apply(
    tx: &mut crate::db::Tx,
    plan_id: i64,
    plan: &mut Plan,
    edit: &PlanEdit,
) -> Result<(String, Edited)> {
    let mut edited = Edited {
        version: 0,
        activity_id: None,
        section_id: None,
    };
    let change = match edit {
        PlanEdit::AddSection { number, title } => {
            let mut s = new_section(number, title)?;
            let id = insert_section(tx, plan_id, None, 0, &s).await?;
            s.id = Some(id);
            edited.section_id = Some(id);
            let change = format!("добавлен раздел «{}»", s.title);
            plan.sections.push(s);
            change
        }
        PlanEdit::EditSection {
            section_id,
            number,
            title,
        } => {
            let fresh = new_section(number, title)?;
            let s = plan.section_mut(*section_id)?;
            let change = format!("раздел «{}» переименован в «{}»", s.title, fresh.title);
            s.number = fresh.number;
            s.title = fresh.title;
            s.kind = fresh.kind;
            on_tx!(tx, c => sqlx::query("UPDATE plan_sections SET number = $1, title = $2, kind = $3 WHERE id = $4 AND plan_id = $5")
                .bind(s.number.clone().unwrap_or_default()).bind(&s.title).bind(s.kind.code()).bind(section_id).bind(plan_id)
                .execute(&mut *c).await.map(|_| ())?);
            edited.section_id = Some(*section_id);
            change
        }
        PlanEdit::MoveSection { section_id, to } => {
            plan.move_section(*section_id, *to)?;
            let s = plan.section_mut(*section_id)?;
            format!("раздел «{}» перемещён {}", s.title, direction_word(*to))
        }
        PlanEdit::DeleteSection { section_id } => {
            let s = plan.remove_section(*section_id)?;
            on_tx!(tx, c => sqlx::query("DELETE FROM plan_sections WHERE id = $1 AND plan_id = $2").bind(section_id).bind(plan_id)
                .execute(&mut *c).await.map(|_| ())?);
            format!("удалён раздел «{}»", s.title)
        }
        PlanEdit::AddActivity { section_id, fields } => {
            let deadline = fields.check(plan.period.as_ref())?;
            let mut a = Activity::new("", deadline.clone());
            fields.apply(&mut a, deadline);
            let id = insert_activity(
                tx,
                ActivityInsert {
                    plan_id,
                    section_id: *section_id,
                    position: 0,
                    a: &a,
                    parent: None,
                },
            )
            .await?;
            a.id = Some(id);
            edited.activity_id = Some(id);
            let change = format!("добавлено мероприятие {}", activity_name(&a));
            plan.activities_of(*section_id)?.push(a);
            change
        }
        PlanEdit::EditActivity {
            activity_id,
            section_id,
            fields,
        } => {
            let deadline = fields.check(plan.period.as_ref())?;
            let change =
                edit_activity(tx, plan, *activity_id, *section_id, fields, deadline).await?;
            edited.activity_id = Some(*activity_id);
            change
        }
        PlanEdit::MoveActivity { activity_id, to } => {
            plan.move_activity(*activity_id, *to)?;
            let a = plan.activity_mut(*activity_id)?;
            format!(
                "мероприятие {} перемещено {}",
                activity_name(a),
                direction_word(*to)
            )
        }
        PlanEdit::DeleteActivity { activity_id } => {
            let a = plan.remove_activity(*activity_id)?;
            on_tx!(tx, c => sqlx::query("DELETE FROM plan_activities WHERE id = $1 AND plan_id = $2").bind(activity_id).bind(plan_id)
                .execute(&mut *c).await.map(|_| ())?);
            format!("удалено мероприятие {}", activity_name(&a))
        }
    };
    Ok((change, edited))
}

fn direction_word(to: Direction) -> &'static str {
    match to {
        Direction::Up => "выше",
        Direction::Down => "ниже",
    }
}

/// Changes an activity's fields (and section); the history line names what changed.
async fn edit_activity(
    tx: &mut crate::db::Tx,
    plan: &mut Plan,
    activity_id: i64,
    section_id: Option<i64>,
    fields: &ActivityFields,
    deadline: Deadline,
) -> Result<String> {
    // The section the activity is in now (None: outside sections).
    let current_section = plan
        .all_activities()
        .iter()
        .find(|l| l.activity.id == Some(activity_id))
        .map(|l| l.sections.last().and_then(|s| s.id))
        .ok_or(EditError::NoActivity(activity_id))?;
    if section_id != current_section {
        // Fails before anything is moved when the target section is not in the plan.
        plan.activities_of(section_id)?;
        let a = plan.remove_activity(activity_id)?;
        plan.activities_of(section_id)?.push(a);
    }
    let a = plan.activity_mut(activity_id)?;
    let before = ActivityFields::of(a);
    fields.apply(a, deadline);
    let mut changed: Vec<String> = Vec::new();
    if before.deadline.trim() != a.deadline.text {
        changed.push(format!(
            "срок «{}» → «{}»",
            before.deadline, a.deadline.text
        ));
    }
    for (title, old, new) in [
        (
            "номер",
            &before.number,
            a.number.clone().unwrap_or_default(),
        ),
        ("текст", &before.text, a.text.clone()),
        (
            "ответственные",
            &before.responsible,
            a.responsible_text.clone(),
        ),
        ("форма", &before.form, a.form.clone().unwrap_or_default()),
        (
            "результат",
            &before.result,
            a.result.clone().unwrap_or_default(),
        ),
    ] {
        if old.trim() != new {
            changed.push(title.to_string());
        }
    }
    if section_id != current_section {
        changed.push("раздел".into());
    }
    write_activity(tx, a, section_id).await?;
    let what = if changed.is_empty() {
        "без изменений".to_string()
    } else {
        changed.join(", ")
    };
    Ok(format!("мероприятие {} изменено: {what}", activity_name(a)))
}

/// Writes an activity's editable columns and its responsibles.
async fn write_activity(
    tx: &mut crate::db::Tx,
    a: &Activity,
    section_id: Option<i64>,
) -> Result<()> {
    let id =
        a.id.ok_or(StoreError::Invalid("мероприятие без номера".into()))?;
    let d = &a.deadline;
    let kind = serde_json::to_value(d.kind)?
        .as_str()
        .unwrap_or("text")
        .to_string();
    let deadline_json = serde_json::to_string(d)?;
    let sql = "UPDATE plan_activities SET section_id = $1, number = $2, text = $3, deadline_text = $4, deadline_kind = $5, \
               deadline_start = $6, deadline_end = $7, deadline = $8, responsible_text = $9, form = $10, result = $11, \
               result_document = $12 WHERE id = $13";
    on_tx!(tx, c => {
        sqlx::query(sql).bind(section_id).bind(a.number.clone().unwrap_or_default()).bind(&a.text).bind(&d.text).bind(&kind)
            .bind(opt_date(d.start)).bind(opt_date(d.end)).bind(&deadline_json).bind(&a.responsible_text)
            .bind(a.form.clone().unwrap_or_default()).bind(a.result.clone().unwrap_or_default())
            .bind(a.result_document.map(|t| t.code()).unwrap_or("")).bind(id).execute(&mut *c).await?;
        sqlx::query("DELETE FROM plan_responsibles WHERE activity_id = $1").bind(id).execute(&mut *c).await?;
        for (k, r) in a.responsibles.iter().enumerate() {
            sqlx::query("INSERT INTO plan_responsibles (activity_id, position, name, role, part) VALUES ($1, $2, $3, $4, $5)")
                .bind(id).bind(k as i64).bind(&r.name).bind(r.role.code()).bind(r.part.clone().unwrap_or_default())
                .execute(&mut *c).await?;
        }
    });
    Ok(())
}

/// Stores every section's and activity's position in document order.
async fn write_positions(tx: &mut crate::db::Tx, plan: &Plan) -> Result<()> {
    let at = plan.positions();
    on_tx!(tx, c => {
        for (id, pos) in &at.sections {
            sqlx::query("UPDATE plan_sections SET position = $1 WHERE id = $2").bind(pos).bind(id).execute(&mut *c).await?;
        }
        for (id, pos) in &at.activities {
            sqlx::query("UPDATE plan_activities SET position = $1 WHERE id = $2").bind(pos).bind(id).execute(&mut *c).await?;
        }
    });
    Ok(())
}
