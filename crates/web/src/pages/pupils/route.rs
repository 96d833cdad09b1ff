//! A route's page (`/pupils/routes/{id}`): goals, steps (specialists'
//! support with or without the family, tutoring, extra lessons…), reviews
//! every few weeks, career guidance for graduates (grades 9 and 11), and
//! closing with the outcome. The school's users keep it; the curator reads.

use super::card::Choice;
use super::rights;
use crate::auth::{Caller, Layout};
use crate::error::{WebError, WebResult};
use crate::extract::{Fields, Path, Query};
use crate::pages::staff::date_field;
use crate::AppState;
use askama::Template;
use axum::extract::State;
use axum::response::{Html, IntoResponse, Redirect, Response};
use opora_plans::clock::today;
use opora_pupils::model::{is_graduating, Outcome, RouteStatus, StepKind, StepStatus};
use opora_store::pupils::routes::{Career, Route, StepFields};

/// A route whose pupil the caller sees (404 otherwise).
async fn visible_route(st: &AppState, c: &Caller, id: i64) -> WebResult<Route> {
    if !rights::sees_pupils(c) {
        return Err(WebError::NotFound);
    }
    st.db
        .pupil_route(&c.scope, id)
        .await?
        .ok_or(WebError::NotFound)
}

/// A route the caller keeps (403 otherwise).
async fn kept_route(st: &AppState, c: &Caller, id: i64) -> WebResult<Route> {
    let r = visible_route(st, c, id).await?;
    if !rights::keeps_routes(c, r.pupil.school_id) {
        return Err(WebError::Forbidden(
            "Маршрут ведут администрация и педагоги школы; куратор его читает.".into(),
        ));
    }
    Ok(r)
}

pub struct StepLine {
    pub id: i64,
    pub kind: &'static str,
    pub title: String,
    pub owner: String,
    pub due: String,
    pub with_family: bool,
    pub status: &'static str,
    pub status_code: &'static str,
    pub planned: bool,
    pub done: String,
    pub note: String,
}

pub struct ReviewLine {
    pub on: String,
    pub note: String,
    pub by: String,
}

#[derive(Template)]
#[template(path = "pupils/route.html")]
struct RoutePage {
    l: Layout,
    id: i64,
    pupil_id: i64,
    key: String,
    school: String,
    class_name: String,
    tier: &'static str,
    started_on: String,
    review_every: u32,
    next_review: String,
    review_overdue: bool,
    active: bool,
    status: String,
    goals: Vec<(String, String)>,
    steps: Vec<StepLine>,
    reviews: Vec<ReviewLine>,
    graduating: bool,
    career: Career,
    keeps: bool,
    kinds: Vec<Choice>,
    outcomes: Vec<Choice>,
    today: String,
    notice: &'static str,
}

#[derive(serde::Deserialize, Default)]
pub struct RouteQuery {
    #[serde(default)]
    pub done: String,
}

pub async fn show(
    State(st): State<AppState>,
    caller: Caller,
    Path(id): Path<i64>,
    Query(q): Query<RouteQuery>,
) -> WebResult<Html<String>> {
    let r = visible_route(&st, &caller, id).await?;
    st.db.audit_pupil_read(&r.pupil, &caller.user.login).await?;
    let on = today();
    let active = r.status == RouteStatus::Active;
    let page = RoutePage {
        l: Layout::new(&caller, "Индивидуальный маршрут", "/pupils"),
        id: r.id,
        pupil_id: r.pupil.id,
        key: r.pupil.student_key.clone(),
        school: r.pupil.school.clone(),
        class_name: r.pupil.fields.class_name.clone(),
        tier: r.tier.title(),
        started_on: r.started_on.ru(),
        review_every: r.review_weeks,
        next_review: r.next_review().ru(),
        review_overdue: active && r.next_review() < on,
        active,
        status: match (r.closed_on, r.outcome) {
            (Some(d), Some(o)) => format!("{} {}: {}", r.status.title(), d.ru(), o.title()),
            _ => r.status.title().to_string(),
        },
        goals: r
            .goals
            .iter()
            .map(|g| (g.subject.clone(), g.target.clone()))
            .collect(),
        steps: r
            .steps
            .iter()
            .map(|s| StepLine {
                id: s.id,
                kind: s.fields.kind.title(),
                title: s.fields.title.clone(),
                owner: s.fields.owner.clone(),
                due: s.fields.due_on.map(|d| d.ru()).unwrap_or_default(),
                with_family: s.fields.with_family,
                status: s.status.title(),
                status_code: s.status.code(),
                planned: s.status == StepStatus::Planned,
                done: s.done_on.map(|d| d.ru()).unwrap_or_default(),
                note: s.note.clone(),
            })
            .collect(),
        reviews: r
            .reviews
            .iter()
            .map(|v| ReviewLine {
                on: v.held_on.ru(),
                note: v.note.clone(),
                by: v.created_by.clone(),
            })
            .collect(),
        graduating: is_graduating(r.pupil.grade_on(on)),
        career: r.career.clone(),
        keeps: rights::keeps_routes(&caller, r.pupil.school_id),
        kinds: StepKind::ALL
            .iter()
            .map(|k| Choice {
                code: k.code(),
                title: k.title(),
            })
            .collect(),
        outcomes: Outcome::ALL
            .iter()
            .map(|o| Choice {
                code: o.code(),
                title: o.title(),
            })
            .collect(),
        today: on.ru(),
        notice: match q.done.as_str() {
            "opened" => "Маршрут открыт. Добавьте шаги: кто, что и когда делает.",
            "step" => "Шаг добавлен.",
            "marked" => "Шаг отмечен.",
            "review" => "Пересмотр записан.",
            "career" => "Профориентация записана.",
            "closed" => "Маршрут завершён.",
            _ => "",
        },
    };
    Ok(Html(page.render()?))
}

fn back(id: i64, done: &str) -> Response {
    Redirect::to(&format!("/pupils/routes/{id}?done={done}")).into_response()
}

pub async fn add_step(
    State(st): State<AppState>,
    caller: Caller,
    Path(id): Path<i64>,
    form: Fields,
) -> WebResult<Response> {
    let r = kept_route(&st, &caller, id).await?;
    let kind = StepKind::from_code(form.get("kind"))
        .ok_or_else(|| WebError::Unprocessable("Вид шага: выберите из списка.".into()))?;
    if form.get("title").is_empty() {
        return Err(WebError::Unprocessable(
            "Содержание шага: заполните поле.".into(),
        ));
    }
    let fields = StepFields {
        kind,
        title: form.get("title").to_string(),
        owner: form.get("owner").to_string(),
        due_on: date_field(&form, "due_on", "Срок")?,
        with_family: form.get("with_family") == "1",
    };
    st.db
        .add_route_step(&r, &fields, &caller.user.login)
        .await?;
    Ok(back(id, "step"))
}

pub async fn set_step(
    State(st): State<AppState>,
    caller: Caller,
    Path((id, step_id)): Path<(i64, i64)>,
    form: Fields,
) -> WebResult<Response> {
    let r = kept_route(&st, &caller, id).await?;
    let status = StepStatus::from_code(form.get("status"))
        .ok_or_else(|| WebError::Unprocessable("Состояние шага: выберите из списка.".into()))?;
    let on = date_field(&form, "done_on", "Дата выполнения")?;
    if on.is_some_and(|d| d > today()) {
        return Err(WebError::Unprocessable(
            "Дата выполнения: в будущем; отмечаются выполненные шаги.".into(),
        ));
    }
    st.db
        .set_route_step(
            &r,
            step_id,
            status,
            on,
            form.get("note"),
            &caller.user.login,
        )
        .await?;
    Ok(back(id, "marked"))
}

pub async fn add_review(
    State(st): State<AppState>,
    caller: Caller,
    Path(id): Path<i64>,
    form: Fields,
) -> WebResult<Response> {
    let r = kept_route(&st, &caller, id).await?;
    let on = date_field(&form, "held_on", "Дата пересмотра")?.unwrap_or_else(today);
    if on > today() {
        return Err(WebError::Unprocessable(
            "Дата пересмотра: в будущем; записываются прошедшие пересмотры.".into(),
        ));
    }
    if form.get("note").is_empty() {
        return Err(WebError::Unprocessable(
            "Итоги пересмотра: заполните поле — что получилось и что меняется в маршруте.".into(),
        ));
    }
    st.db
        .add_route_review(&r, on, form.get("note"), &caller.user.login)
        .await?;
    Ok(back(id, "review"))
}

pub async fn career(
    State(st): State<AppState>,
    caller: Caller,
    Path(id): Path<i64>,
    form: Fields,
) -> WebResult<Response> {
    let r = kept_route(&st, &caller, id).await?;
    let c = Career {
        programme: form.get("programme").to_string(),
        choice: form.get("choice").to_string(),
        outcome: form.get("outcome").to_string(),
    };
    st.db.set_route_career(&r, &c, &caller.user.login).await?;
    Ok(back(id, "career"))
}

pub async fn close(
    State(st): State<AppState>,
    caller: Caller,
    Path(id): Path<i64>,
    form: Fields,
) -> WebResult<Response> {
    let r = kept_route(&st, &caller, id).await?;
    let outcome = Outcome::from_code(form.get("outcome"))
        .ok_or_else(|| WebError::Unprocessable("Итог маршрута: выберите из списка.".into()))?;
    let on = date_field(&form, "closed_on", "Дата завершения")?.unwrap_or_else(today);
    st.db
        .close_pupil_route(&r, on, outcome, form.get("note"), &caller.user.login)
        .await?;
    Ok(back(id, "closed"))
}
