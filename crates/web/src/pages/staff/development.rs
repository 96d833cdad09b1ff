//! Individual development plans of teachers (ИОМ педагога) and the
//! catalogue of programmes they draw courses from:
//!
//! - `/staff/programmes`: the catalogue (everyone reads; the region keeps
//!   it: adds, withdraws, returns);
//! - `POST /staff/{id}/plan`: drafts a plan from the teacher's latest
//!   diagnostic round (`opora_staff::development::draft`);
//! - `/staff/plans/{id}`: the plan — steps with their deficits and what
//!   the next round says of each, adding steps, marking them done (a
//!   course step writes the course into the record), closing the plan.
//!
//! The school and the teacher keep the plan; the school closes it; the
//! curator, the municipality and the region read; everyone who sees the
//! plan comments on it (rules in `rights.rs`).

use super::card::{
    choices, course_kind_choices, offer_fields, provider_kind_choices, visible, Choice,
};
use super::{date_field, rights};
use crate::auth::{Caller, Layout};
use crate::error::{WebError, WebResult};
use crate::extract::{Fields, Path, Query};
use crate::AppState;
use askama::Template;
use axum::extract::State;
use axum::response::{Html, IntoResponse, Redirect, Response};
use opora_staff::development::{outcome, DevPlanStatus, Outcome, StepKind, StepStatus};
use opora_staff::diagnostics::{split_topics, Competence};
use opora_store::staff::development::{
    rediagnosis, CatalogueProgramme, Completion, DevPlan, ProgrammeFields, StepFields,
};
use opora_store::staff::teachers::Teacher;

fn unprocessable(label: &str, e: &str) -> WebError {
    WebError::Unprocessable(format!("{label}: {e}."))
}

/// A programme of the catalogue in a list.
pub struct ProgrammeLine {
    pub id: i64,
    pub title: String,
    pub provider: String,
    pub kind: &'static str,
    pub hours: String,
    pub subject: String,
    pub competences: String,
    pub topics: String,
    pub active: bool,
}

fn programme_line(p: &CatalogueProgramme) -> ProgrammeLine {
    let f = &p.fields;
    ProgrammeLine {
        id: p.id,
        title: f.title.clone(),
        provider: f.provider.clone(),
        kind: f.kind.title(),
        hours: f.hours.map(|h| h.to_string()).unwrap_or_default(),
        subject: if f.subject.is_empty() {
            "любой предмет".into()
        } else {
            f.subject.clone()
        },
        competences: f
            .competences
            .iter()
            .map(|c| c.title())
            .collect::<Vec<_>>()
            .join(", "),
        topics: f.topics.join("; "),
        active: p.active,
    }
}

#[derive(Template)]
#[template(path = "staff/programmes.html")]
struct CataloguePage {
    l: Layout,
    programmes: Vec<ProgrammeLine>,
    can_keep: bool,
    competences: Vec<Choice>,
    course_kinds: Vec<Choice>,
    provider_kinds: Vec<Choice>,
    notice: &'static str,
}

#[derive(serde::Deserialize, Default)]
pub struct DoneQuery {
    #[serde(default)]
    pub done: String,
}

pub async fn catalogue(
    State(st): State<AppState>,
    caller: Caller,
    Query(q): Query<DoneQuery>,
) -> WebResult<Html<String>> {
    let programmes = st.db.programmes(false).await?;
    let page = CataloguePage {
        l: Layout::new(&caller, "Каталог программ повышения квалификации", "/staff"),
        programmes: programmes.iter().map(programme_line).collect(),
        can_keep: rights::keeps_catalogue(&caller),
        competences: choices(
            Competence::ALL,
            Competence::Subject,
            Competence::code,
            Competence::title,
        ),
        course_kinds: course_kind_choices(),
        provider_kinds: provider_kind_choices(),
        notice: match q.done.as_str() {
            "added" => "Программа добавлена в каталог.",
            "withdrawn" => "Программа выведена из каталога: в новые планы она не попадёт.",
            "returned" => "Программа возвращена в каталог.",
            _ => "",
        },
    };
    Ok(Html(page.render()?))
}

fn require_catalogue_keeper(c: &Caller) -> WebResult<()> {
    if rights::keeps_catalogue(c) {
        Ok(())
    } else {
        Err(WebError::Forbidden(
            "Каталог программ ведёт региональный оператор (методический центр).".into(),
        ))
    }
}

/// A form's programme fields.
fn programme_fields(f: &Fields) -> WebResult<ProgrammeFields> {
    let title = opora_io::records::clean_name(f.get("title"));
    if title.is_empty() {
        return Err(unprocessable("Название программы", "заполните поле"));
    }
    let offer = offer_fields(f)?;
    let competences = f
        .all("competence")
        .into_iter()
        .map(|c| {
            Competence::from_code(c)
                .ok_or_else(|| unprocessable("Области компетенций", "выберите из списка"))
        })
        .collect::<WebResult<Vec<_>>>()?;
    if competences.is_empty() {
        return Err(unprocessable(
            "Области компетенций",
            "отметьте хотя бы одну: дефициты какой области программа восполняет",
        ));
    }
    Ok(ProgrammeFields {
        title,
        provider: offer.provider,
        provider_kind: offer.provider_kind,
        kind: offer.kind,
        hours: offer.hours,
        subject: opora_io::records::clean_name(f.get("subject")),
        competences,
        topics: split_topics(f.get("topics")),
    })
}

pub async fn add_programme(
    State(st): State<AppState>,
    caller: Caller,
    form: Fields,
) -> WebResult<Response> {
    require_catalogue_keeper(&caller)?;
    let fields = programme_fields(&form)?;
    st.db.add_programme(&fields, &caller.user.login).await?;
    Ok(Redirect::to("/staff/programmes?done=added").into_response())
}

pub async fn set_programme_active(
    State(st): State<AppState>,
    caller: Caller,
    Path(id): Path<i64>,
    form: Fields,
) -> WebResult<Response> {
    require_catalogue_keeper(&caller)?;
    let active = super::switch(&form, "active", "«вывести» или «вернуть»")?;
    st.db
        .set_programme_active(id, active, &caller.user.login)
        .await?;
    let done = if active { "returned" } else { "withdrawn" };
    Ok(Redirect::to(&format!("/staff/programmes?done={done}")).into_response())
}

/// Drafts the teacher's plan from the latest diagnostic round.
pub async fn draft(
    State(st): State<AppState>,
    caller: Caller,
    Path(id): Path<i64>,
) -> WebResult<Response> {
    let t = visible(&st, &caller, id).await?;
    require_keeper(&caller, &t)?;
    let plan = st
        .db
        .draft_development_plan(
            &caller.scope,
            id,
            None,
            opora_plans::clock::today(),
            &caller.user.login,
        )
        .await?;
    Ok(Redirect::to(&format!("/staff/plans/{plan}?done=drafted")).into_response())
}

fn require_keeper(c: &Caller, t: &Teacher) -> WebResult<()> {
    if rights::keeps_plan(c, t) {
        Ok(())
    } else {
        Err(WebError::Forbidden(
            "План развития ведут администратор школы педагога и сам педагог.".into(),
        ))
    }
}

/// A plan whose teacher the caller sees (404 otherwise).
async fn visible_plan(st: &AppState, c: &Caller, id: i64) -> WebResult<(DevPlan, Teacher)> {
    let (plan, t) = st
        .db
        .development_plan(&c.scope, id)
        .await?
        .ok_or(WebError::NotFound)?;
    if rights::sees(c, &t) {
        Ok((plan, t))
    } else {
        Err(WebError::NotFound)
    }
}

/// A step on the plan's page.
pub struct StepLine {
    pub id: i64,
    pub due: String,
    pub overdue: bool,
    pub kind: &'static str,
    pub is_course: bool,
    pub title: String,
    pub deficit: String,
    pub status: &'static str,
    pub status_class: &'static str,
    pub planned: bool,
    pub done_on: String,
    pub evidence: String,
    pub outcome: &'static str,
    pub outcome_class: &'static str,
    /// The event the step is taking part in (marked by its attendance).
    pub event_id: Option<i64>,
}

/// A deficit of the plan's round and what the next round says.
pub struct DeficitLine {
    pub subject: String,
    pub competence: &'static str,
    pub score: String,
    pub topics: String,
    pub outcome: &'static str,
    pub outcome_class: &'static str,
}

fn outcome_class(o: Outcome) -> &'static str {
    match o {
        Outcome::Closed => "st-done",
        Outcome::Persisting => "st-overdue",
        Outcome::NotYet => "",
    }
}

#[derive(Template)]
#[template(path = "staff/plan.html")]
struct PlanPage {
    l: Layout,
    id: i64,
    teacher_id: i64,
    teacher: String,
    school: String,
    period: String,
    status: &'static str,
    round: String,
    later_round: String,
    closed_on: String,
    summary: String,
    deficits: Vec<DeficitLine>,
    steps: Vec<StepLine>,
    can_keep: bool,
    can_close: bool,
    kinds: Vec<Choice>,
    deficit_choices: Vec<Choice>,
    programmes: Vec<Choice>,
    comments: Vec<CommentLine>,
    today: String,
    notice: &'static str,
}

/// A comment on the plan's page.
pub struct CommentLine {
    pub text: String,
    pub by: String,
    pub at: String,
}

pub async fn show(
    State(st): State<AppState>,
    caller: Caller,
    Path(id): Path<i64>,
    Query(q): Query<DoneQuery>,
) -> WebResult<Html<String>> {
    let (plan, t) = visible_plan(&st, &caller, id).await?;
    st.db
        .audit_development_plan_read(&plan, &t, &caller.user.login)
        .await?;
    let rounds = st.db.teacher_diagnostics(t.id).await?;
    let base = plan
        .round
        .as_ref()
        .and_then(|r| rounds.iter().find(|(x, _)| x.id == r.id));
    let later = rediagnosis(&plan, &rounds);
    let later_cells = later.map(|(_, c)| c.as_slice());
    let today = opora_plans::clock::today();
    let deficits: Vec<DeficitLine> = base
        .map(|(_, cells)| cells.iter().filter(|c| c.is_deficit()).collect::<Vec<_>>())
        .unwrap_or_default()
        .into_iter()
        .map(|c| {
            let o = outcome(&c.subject, c.competence, later_cells);
            DeficitLine {
                subject: c.subject.clone(),
                competence: c.competence.title(),
                score: crate::fmt::pct(Some(c.score), 0),
                topics: c.weak_topics.join("; "),
                outcome: o.title(),
                outcome_class: outcome_class(o),
            }
        })
        .collect();
    let steps = plan
        .steps
        .iter()
        .map(|s| {
            let o = s
                .fields
                .competence
                .map(|c| outcome(&s.fields.subject, c, later_cells));
            StepLine {
                id: s.id,
                due: s.fields.due_on.ru(),
                overdue: s.status == StepStatus::Planned && s.fields.due_on < today,
                kind: s.fields.kind.title(),
                is_course: s.fields.kind == StepKind::Course,
                title: s.fields.title.clone(),
                deficit: match s.fields.competence {
                    Some(c) => format!("{}, {}", s.fields.subject, c.title()),
                    None => String::new(),
                },
                status: s.status.title(),
                status_class: match s.status {
                    StepStatus::Done => "st-done",
                    StepStatus::Cancelled => "st-cancelled",
                    StepStatus::Planned => "",
                },
                planned: s.status == StepStatus::Planned,
                done_on: s.done_on.map(|d| d.ru()).unwrap_or_default(),
                evidence: s.evidence.clone(),
                outcome: o.map(Outcome::title).unwrap_or(""),
                outcome_class: o.map(outcome_class).unwrap_or(""),
                event_id: s.event_id,
            }
        })
        .collect();
    let deficit_choices = base
        .map(|(_, cells)| {
            cells
                .iter()
                .filter(|c| c.is_deficit())
                .map(|c| Choice {
                    code: format!("{}|{}", c.competence.code(), c.subject),
                    title: format!("{}, {}", c.subject, c.competence.title()),
                    selected: false,
                })
                .collect()
        })
        .unwrap_or_default();
    let programmes = st
        .db
        .programmes(true)
        .await?
        .into_iter()
        .map(|p| Choice {
            code: p.id.to_string(),
            title: format!(
                "{}{}",
                p.fields.title,
                if p.fields.provider.is_empty() {
                    String::new()
                } else {
                    format!(" ({})", p.fields.provider)
                }
            ),
            selected: false,
        })
        .collect();
    let comments = st
        .db
        .development_comments(plan.id)
        .await?
        .into_iter()
        .map(|c| CommentLine {
            text: c.text,
            by: c.created_by,
            at: crate::fmt::datetime(&c.created_at),
        })
        .collect();
    let page = PlanPage {
        l: Layout::new(&caller, "План профессионального развития", "/staff"),
        id: plan.id,
        teacher_id: t.id,
        teacher: t.fields.full_name.clone(),
        school: t.school_name.clone(),
        period: format!("{} – {}", plan.starts_on.ru(), plan.ends_on.ru()),
        status: plan.status.title(),
        round: plan
            .round
            .as_ref()
            .map(|r| format!("{} ({})", r.title, r.held_on.ru()))
            .unwrap_or_default(),
        later_round: later
            .map(|(r, _)| format!("{} ({})", r.title, r.held_on.ru()))
            .unwrap_or_default(),
        closed_on: plan.closed_on.map(|d| d.ru()).unwrap_or_default(),
        summary: plan.summary.clone(),
        deficits,
        steps,
        can_keep: plan.status == DevPlanStatus::Active && rights::keeps_plan(&caller, &t),
        can_close: plan.status == DevPlanStatus::Active && rights::closes_plan(&caller, &t),
        kinds: choices(
            StepKind::ALL,
            StepKind::Course,
            StepKind::code,
            StepKind::title,
        ),
        deficit_choices,
        programmes,
        comments,
        today: today.ru(),
        notice: match q.done.as_str() {
            "drafted" => {
                "План составлен по результатам диагностики: проверьте шаги и сроки, дополните их."
            }
            "step" => "Шаг добавлен.",
            "done" => "Шаг отмечен выполненным.",
            "course" => "Шаг выполнен; курс записан в карточку педагога.",
            "cancelled" => "Шаг отменён.",
            "planned" => "Шаг снова запланирован.",
            "closed" => "План завершён.",
            "comment" => "Комментарий добавлен.",
            _ => "",
        },
    };
    Ok(Html(page.render()?))
}

/// A form's step fields; the programme must be one of the active catalogue.
async fn step_fields(st: &AppState, f: &Fields) -> WebResult<StepFields> {
    let kind = StepKind::from_code(f.get("kind"))
        .ok_or_else(|| unprocessable("Вид шага", "выберите значение из списка"))?;
    let programme = match f.get("programme") {
        "" => None,
        _ => {
            let id = f.id("programme", "Программа")?;
            Some(
                st.db
                    .programme(id)
                    .await?
                    .filter(|p| p.active)
                    .ok_or_else(|| {
                        WebError::BadRequest("Программа: выберите программу из каталога.".into())
                    })?,
            )
        }
    };
    let mut title = opora_io::records::clean_name(f.get("title"));
    if title.is_empty() {
        title = programme
            .as_ref()
            .map(|p| p.fields.title.clone())
            .ok_or_else(|| unprocessable("Что сделать", "заполните поле или выберите программу"))?;
    }
    let due_on = date_field(f, "due_on", "Срок")?
        .ok_or_else(|| unprocessable("Срок", "заполните поле (ДД.ММ.ГГГГ)"))?;
    let (subject, competence) = match f.get("deficit").split_once('|') {
        None => (String::new(), None),
        Some((code, subject)) => (
            subject.trim().to_string(),
            Some(
                Competence::from_code(code)
                    .ok_or_else(|| unprocessable("Дефицит", "выберите значение из списка"))?,
            ),
        ),
    };
    Ok(StepFields {
        kind,
        title,
        subject,
        competence,
        programme_id: programme.map(|p| p.id),
        due_on,
    })
}

pub async fn add_step(
    State(st): State<AppState>,
    caller: Caller,
    Path(id): Path<i64>,
    form: Fields,
) -> WebResult<Response> {
    let (plan, t) = visible_plan(&st, &caller, id).await?;
    require_keeper(&caller, &t)?;
    let fields = step_fields(&st, &form).await?;
    st.db
        .add_development_step(&plan, &t, &fields, &caller.user.login)
        .await?;
    Ok(Redirect::to(&format!("/staff/plans/{id}?done=step")).into_response())
}

pub async fn set_step(
    State(st): State<AppState>,
    caller: Caller,
    Path((id, step_id)): Path<(i64, i64)>,
    form: Fields,
) -> WebResult<Response> {
    let (plan, t) = visible_plan(&st, &caller, id).await?;
    require_keeper(&caller, &t)?;
    let status = StepStatus::from_code(form.get("status"))
        .ok_or_else(|| unprocessable("Состояние", "выберите значение из списка"))?;
    let completion = if status == StepStatus::Done {
        let done_on = date_field(&form, "done_on", "Дата выполнения")?
            .unwrap_or_else(opora_plans::clock::today);
        if done_on > opora_plans::clock::today() {
            return Err(unprocessable(
                "Дата выполнения",
                "в будущем; отметьте шаг, когда он выполнен",
            ));
        }
        Some(Completion {
            done_on,
            evidence: form.get("evidence").to_string(),
            certificate_no: opora_io::records::clean_name(form.get("certificate_no")),
        })
    } else {
        None
    };
    let is_course = plan
        .steps
        .iter()
        .any(|s| s.id == step_id && s.fields.kind == StepKind::Course && s.course_id.is_none());
    st.db
        .set_development_step(
            &plan,
            &t,
            step_id,
            status,
            completion.as_ref(),
            &caller.user.login,
        )
        .await?;
    let done = match status {
        StepStatus::Done if is_course => "course",
        other => other.code(),
    };
    Ok(Redirect::to(&format!("/staff/plans/{id}?done={done}")).into_response())
}

pub async fn close(
    State(st): State<AppState>,
    caller: Caller,
    Path(id): Path<i64>,
    form: Fields,
) -> WebResult<Response> {
    let (plan, t) = visible_plan(&st, &caller, id).await?;
    if !rights::closes_plan(&caller, &t) {
        return Err(WebError::Forbidden(
            "Завершает план администратор школы педагога.".into(),
        ));
    }
    let on = date_field(&form, "on", "Дата завершения")?.unwrap_or_else(opora_plans::clock::today);
    st.db
        .close_development_plan(&plan, &t, on, form.get("summary"), &caller.user.login)
        .await?;
    Ok(Redirect::to(&format!("/staff/plans/{id}?done=closed")).into_response())
}

/// A comment on the plan: everyone who sees it (the curator reads and
/// comments).
pub async fn comment(
    State(st): State<AppState>,
    caller: Caller,
    Path(id): Path<i64>,
    form: Fields,
) -> WebResult<Response> {
    let (plan, t) = visible_plan(&st, &caller, id).await?;
    st.db
        .add_development_comment(&plan, &t, form.get("text"), &caller.user.login)
        .await?;
    Ok(Redirect::to(&format!("/staff/plans/{id}?done=comment#comments")).into_response())
}

/// A plan on the teacher's card.
pub struct PlanLine {
    pub id: i64,
    pub period: String,
    pub status: &'static str,
    pub active: bool,
    pub steps_done: usize,
    pub steps: usize,
}

pub fn plan_lines(plans: &[DevPlan]) -> Vec<PlanLine> {
    plans
        .iter()
        .map(|p| PlanLine {
            id: p.id,
            period: format!("{} – {}", p.starts_on.ru(), p.ends_on.ru()),
            status: p.status.title(),
            active: p.status == DevPlanStatus::Active,
            steps_done: p
                .steps
                .iter()
                .filter(|s| s.status == StepStatus::Done)
                .count(),
            steps: p
                .steps
                .iter()
                .filter(|s| s.status != StepStatus::Cancelled)
                .count(),
        })
        .collect()
}
