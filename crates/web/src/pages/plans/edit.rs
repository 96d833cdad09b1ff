//! The roadmap editor (issue 10, item 6): a plan made, corrected and kept
//! in the browser without a Word file. Sections and activities are added,
//! changed, moved and deleted; every change is a new version of the plan
//! (the store keeps the snapshot), the history page shows any version, and
//! a wrongly attached document is removed with its reason in the audit log.
//!
//! Editing belongs to those who manage the plan (`Rights::manage`); every
//! id in a form is looked up inside the plan being edited, so an id of
//! another plan is «не найдено».

use super::{deadline_summary, load_plan, status_class, status_title, today};
use crate::auth::{Caller, Layout};
use crate::error::{WebError, WebResult};
use crate::extract::{Fields, Path, Query};
use crate::AppState;
use askama::Template;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Redirect, Response};
use opora_plans::edit::{ActivityFields, Direction};
use opora_plans::{Activity, Period, Plan, Section};
use opora_store::plans::{Edited, PlanEdit};
use opora_store::StoreError;
use serde::Deserialize;

/// One line of the editor: a section's heading, an activity, or the place
/// to add an activity at the end of a section.
pub struct Item {
    pub kind: ItemKind,
    /// Section or activity id; for `AddHere`, the section (0: outside sections).
    pub id: i64,
    pub depth: usize,
    pub number: String,
    pub text: String,
    pub deadline: String,
    pub parsed: String,
    pub responsible: String,
    pub result: String,
    pub status: String,
    pub status_class: &'static str,
    pub first: bool,
    pub last: bool,
    /// A section without activities or subsections (may be deleted).
    pub empty: bool,
}

#[derive(Clone, Copy, PartialEq, Eq)]
pub enum ItemKind {
    Section,
    Activity,
    AddHere,
}

impl Item {
    pub fn is_section(&self) -> bool {
        self.kind == ItemKind::Section
    }
    pub fn is_activity(&self) -> bool {
        self.kind == ItemKind::Activity
    }
    /// The nesting level as a CSS class suffix (`depth-0` … `depth-4`;
    /// deeper nests are drawn at the fourth level).
    pub fn indent(&self) -> usize {
        self.depth.min(4)
    }
}

fn blank(kind: ItemKind, id: i64, depth: usize) -> Item {
    Item {
        kind,
        id,
        depth,
        number: String::new(),
        text: String::new(),
        deadline: String::new(),
        parsed: String::new(),
        responsible: String::new(),
        result: String::new(),
        status: String::new(),
        status_class: "",
        first: false,
        last: false,
        empty: false,
    }
}

fn activity_item(a: &Activity, depth: usize, first: bool, last: bool) -> Item {
    let overdue = a.is_overdue(today());
    Item {
        number: a.number.clone().unwrap_or_default(),
        text: a.text.clone(),
        deadline: a.deadline.text.clone(),
        parsed: deadline_summary(&a.deadline),
        responsible: a.responsible_text.clone(),
        result: a.result.clone().unwrap_or_default(),
        status: status_title(a.status.code(), overdue),
        status_class: status_class(a.status.code(), overdue),
        first,
        last,
        ..blank(ItemKind::Activity, a.id.unwrap_or_default(), depth)
    }
}

fn activity_items(list: &[Activity], depth: usize, out: &mut Vec<Item>) {
    let n = list.len();
    for (i, a) in list.iter().enumerate() {
        out.push(activity_item(a, depth, i == 0, i + 1 == n));
    }
}

/// The plan in document order as editor lines.
fn items(plan: &Plan) -> Vec<Item> {
    fn walk(s: &Section, depth: usize, first: bool, last: bool, out: &mut Vec<Item>) {
        let id = s.id.unwrap_or_default();
        out.push(Item {
            number: s.number.clone().unwrap_or_default(),
            text: s.title.clone(),
            first,
            last,
            empty: s.activities.is_empty() && s.sections.is_empty(),
            ..blank(ItemKind::Section, id, depth)
        });
        activity_items(&s.activities, depth + 1, out);
        out.push(blank(ItemKind::AddHere, id, depth + 1));
        let n = s.sections.len();
        for (i, c) in s.sections.iter().enumerate() {
            walk(c, depth + 1, i == 0, i + 1 == n, out);
        }
    }
    let mut out = Vec::new();
    activity_items(&plan.activities, 0, &mut out);
    if !plan.activities.is_empty() || plan.sections.is_empty() {
        out.push(blank(ItemKind::AddHere, 0, 0));
    }
    let n = plan.sections.len();
    for (i, s) in plan.sections.iter().enumerate() {
        walk(s, 0, i == 0, i + 1 == n, &mut out);
    }
    out
}

/// (id, «1. Организационные мероприятия») of every section, for the
/// «раздел» choice; 0 is «вне разделов».
fn section_choices(plan: &Plan) -> Vec<(i64, String)> {
    std::iter::once((0, "вне разделов".to_string()))
        .chain(plan.all_sections().into_iter().filter_map(|(depth, s)| {
            Some((s.id?, format!("{}{}", "— ".repeat(depth), s.heading())))
        }))
        .collect()
}

/// The activity form being filled (editing one, or a new one sent back with an error).
pub struct ActivityForm {
    /// The activity being changed; 0 for a new one.
    pub activity: i64,
    pub section: i64,
    pub fields: ActivityFields,
}

#[derive(Template)]
#[template(path = "plan_edit.html")]
struct EditorPage {
    l: Layout,
    id: i64,
    title: String,
    version: i64,
    period: String,
    notice: String,
    error: String,
    items: Vec<Item>,
    sections: Vec<(i64, String)>,
    form: Option<ActivityForm>,
}

#[derive(Deserialize, Default)]
pub struct EditQuery {
    /// The activity whose form opens at the top.
    #[serde(default)]
    pub activity: Option<i64>,
    /// The history line of the change just saved.
    #[serde(default)]
    pub saved: Option<i64>,
}

async fn editor(
    st: &AppState,
    caller: &Caller,
    id: i64,
) -> WebResult<(opora_store::plans::PlanSummary, Plan)> {
    let (summary, plan, rights) = load_plan(st, caller, id).await?;
    if !rights.manage {
        return Err(WebError::Forbidden(
            "Изменять план может тот, кто им управляет: владелец плана или вышестоящий орган."
                .into(),
        ));
    }
    Ok((summary, plan))
}

fn page(
    caller: &Caller,
    summary: &opora_store::plans::PlanSummary,
    plan: &Plan,
    form: Option<ActivityForm>,
    notice: String,
    error: String,
) -> EditorPage {
    EditorPage {
        l: Layout::new(caller, format!("Редактирование: {}", plan.title), "/plans"),
        id: summary.id,
        title: plan.title.clone(),
        version: summary.version,
        period: plan
            .period
            .as_ref()
            .map(|p| format!("{} – {}", p.start.ru(), p.end.ru()))
            .unwrap_or_else(|| "не указан".into()),
        notice,
        error,
        items: items(plan),
        sections: section_choices(plan),
        form,
    }
}

pub async fn show(
    State(st): State<AppState>,
    caller: Caller,
    Path(id): Path<i64>,
    Query(q): Query<EditQuery>,
) -> WebResult<Html<String>> {
    let (summary, mut plan) = editor(&st, &caller, id).await?;
    let form = match q.activity {
        Some(aid) => {
            let section = plan
                .all_activities()
                .iter()
                .find(|l| l.activity.id == Some(aid))
                .map(|l| l.sections.last().and_then(|s| s.id).unwrap_or(0))
                .ok_or(WebError::NotFound)?;
            let a = plan.activity_mut(aid).map_err(|_| WebError::NotFound)?;
            Some(ActivityForm {
                activity: aid,
                section,
                fields: ActivityFields::of(a),
            })
        }
        None => None,
    };
    let notice = match q.saved {
        Some(_) => "Изменение сохранено: в истории плана появилась новая версия.".to_string(),
        None => String::new(),
    };
    Ok(Html(
        page(&caller, &summary, &plan, form, notice, String::new()).render()?,
    ))
}

fn direction(form: &Fields) -> Result<Direction, WebError> {
    match form.get("to") {
        "up" => Ok(Direction::Up),
        "down" => Ok(Direction::Down),
        other => Err(WebError::Unprocessable(format!(
            "Направление «{other}» не понято: нажмите «выше» или «ниже»."
        ))),
    }
}

fn fields(form: &Fields) -> ActivityFields {
    ActivityFields {
        number: form.get("number").into(),
        text: form.get("text").into(),
        deadline: form.get("deadline").into(),
        responsible: form.get("responsible").into(),
        form: form.get("form").into(),
        result: form.get("result").into(),
    }
}

/// `0` in the section field means «вне разделов».
fn section(form: &Fields) -> Result<Option<i64>, WebError> {
    Ok(Some(form.id("section", "Раздел")?).filter(|s| *s != 0))
}

/// The edit a form asks for (`op` names it).
fn edit_of(form: &Fields) -> Result<PlanEdit, WebError> {
    Ok(match form.get("op") {
        "add_section" => PlanEdit::AddSection {
            number: form.get("number").into(),
            title: form.get("title").into(),
        },
        "edit_section" => PlanEdit::EditSection {
            section_id: form.id("section", "Раздел")?,
            number: form.get("number").into(),
            title: form.get("title").into(),
        },
        "move_section" => PlanEdit::MoveSection {
            section_id: form.id("section", "Раздел")?,
            to: direction(form)?,
        },
        "delete_section" => PlanEdit::DeleteSection {
            section_id: form.id("section", "Раздел")?,
        },
        "add_activity" => PlanEdit::AddActivity {
            section_id: section(form)?,
            fields: fields(form),
        },
        "edit_activity" => PlanEdit::EditActivity {
            activity_id: form.id("activity", "Мероприятие")?,
            section_id: section(form)?,
            fields: fields(form),
        },
        "move_activity" => PlanEdit::MoveActivity {
            activity_id: form.id("activity", "Мероприятие")?,
            to: direction(form)?,
        },
        "delete_activity" => PlanEdit::DeleteActivity {
            activity_id: form.id("activity", "Мероприятие")?,
        },
        other => {
            return Err(WebError::Unprocessable(format!(
                "Действие «{other}» редактору не известно: обновите страницу."
            )))
        }
    })
}

/// Where the editor scrolls after a change: the line changed.
fn anchor(e: &Edited, edit: &PlanEdit) -> String {
    let activity = e.activity_id.or(match edit {
        PlanEdit::MoveActivity { activity_id, .. } => Some(*activity_id),
        _ => None,
    });
    let section = e.section_id.or(match edit {
        PlanEdit::MoveSection { section_id, .. } => Some(*section_id),
        _ => None,
    });
    match (activity, section) {
        (Some(a), _) => format!("#a{a}"),
        (None, Some(s)) => format!("#s{s}"),
        _ => String::new(),
    }
}

pub async fn apply(
    State(st): State<AppState>,
    caller: Caller,
    Path(id): Path<i64>,
    form: Fields,
) -> WebResult<Response> {
    let (summary, plan) = editor(&st, &caller, id).await?;
    let version = form.id("version", "Версия плана")?;
    let edit = edit_of(&form)?;
    match st
        .db
        .edit_plan(id, version, &edit, &caller.user.login)
        .await
    {
        Ok(e) => Ok(Redirect::to(&format!(
            "/plans/{id}/edit?saved={}{}",
            e.version,
            anchor(&e, &edit)
        ))
        .into_response()),
        // A rule of the domain: the page comes back with the message and
        // what was typed, so nothing has to be typed again.
        Err(StoreError::Invalid(message)) => {
            let form = match &edit {
                PlanEdit::AddActivity { section_id, fields }
                | PlanEdit::EditActivity {
                    section_id, fields, ..
                } => Some(ActivityForm {
                    activity: match &edit {
                        PlanEdit::EditActivity { activity_id, .. } => *activity_id,
                        _ => 0,
                    },
                    section: section_id.unwrap_or(0),
                    fields: fields.clone(),
                }),
                _ => None,
            };
            let page = page(&caller, &summary, &plan, form, String::new(), message);
            Ok((StatusCode::UNPROCESSABLE_ENTITY, Html(page.render()?)).into_response())
        }
        Err(e) => Err(e.into()),
    }
}

// A new plan, made in the browser

/// Creates an empty draft plan for a target the caller may import to, and
/// opens its editor.
pub async fn create(
    State(st): State<AppState>,
    caller: Caller,
    form: Fields,
) -> WebResult<Response> {
    let targets = super::import_targets(&st, &caller).await?;
    if targets.is_empty() {
        return Err(WebError::Forbidden(
            "Создавать планы могут регион, муниципалитет и администратор школы.".into(),
        ));
    }
    let (level, links, owner) = super::resolve_target(&st, &targets, form.get("target")).await?;
    let title = form.get("title");
    if title.is_empty() {
        return Err(WebError::BadRequest(
            "Напишите название плана, например: «Дорожная карта по повышению качества образования».".into(),
        ));
    }
    let period = match form.get("period") {
        "" => None,
        p => Some(Period::parse(p).ok_or_else(|| {
            WebError::BadRequest(format!(
                "Период «{p}» не распознан: напишите, например, 2026-2027 или «2026-2027 годы»."
            ))
        })?),
    };
    let mut plan = Plan::new(level, title);
    plan.owner = owner;
    plan.period = period;
    let saved = st
        .db
        .save_plan(&plan, &links, None, &caller.user.login)
        .await?;
    Ok(Redirect::to(&format!("/plans/{}/edit", saved.id)).into_response())
}

// A version of the plan

#[derive(Template)]
#[template(path = "plan_version.html")]
struct VersionPage {
    l: Layout,
    id: i64,
    title: String,
    version: i64,
    at: String,
    actor: String,
    change: String,
    items: Vec<Item>,
}

/// The plan as it was at a version (read-only), for whoever sees the plan.
pub async fn version(
    State(st): State<AppState>,
    caller: Caller,
    Path((id, version)): Path<(i64, i64)>,
) -> WebResult<Html<String>> {
    load_plan(&st, &caller, id).await?;
    let line = st
        .db
        .plan_versions(id)
        .await?
        .into_iter()
        .find(|v| v.version == version)
        .ok_or(WebError::NotFound)?;
    let plan = st
        .db
        .plan_version(id, version)
        .await?
        .ok_or(WebError::NotFound)?;
    let page = VersionPage {
        l: Layout::new(
            &caller,
            format!("Версия {version}: {}", plan.title),
            "/plans",
        ),
        id,
        version,
        at: crate::fmt::datetime(&line.at),
        actor: line.actor,
        change: line.change,
        items: items(&plan)
            .into_iter()
            .filter(|i| i.kind != ItemKind::AddHere)
            .collect(),
        title: plan.title,
    };
    Ok(Html(page.render()?))
}

// Removing a wrongly attached document

pub async fn remove_evidence(
    State(st): State<AppState>,
    caller: Caller,
    Path(evidence_id): Path<i64>,
    form: Fields,
) -> WebResult<Response> {
    let activity_id = st
        .db
        .evidence_item(evidence_id)
        .await?
        .map(|(e, _)| e.activity_id)
        .ok_or(WebError::NotFound)?;
    let plan_id = st
        .db
        .activity_plan_id(activity_id)
        .await?
        .ok_or(WebError::NotFound)?;
    let (_, _, rights) = load_plan(&st, &caller, plan_id).await?;
    if !(rights.work || rights.manage) {
        return Err(WebError::Forbidden(
            "Удалить документ может тот, кто исполняет мероприятие или управляет планом.".into(),
        ));
    }
    st.db
        .remove_evidence(evidence_id, form.get("reason"), &caller.user.login)
        .await?;
    Ok(Redirect::to(&format!("/activities/{activity_id}?done=removed")).into_response())
}
