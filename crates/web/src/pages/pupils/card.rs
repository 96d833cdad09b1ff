//! A pupil's card (`/pupils/{id}`): the register's fields, the early
//! warning per period with its triggers, results across assessments with
//! the dynamics, attendance per month, the routes; and its forms — edit,
//! take off the register, open a route.

use super::{cause_boxes, pupil_fields, rights, CauseBox};
use crate::auth::{Caller, Layout};
use crate::error::{WebError, WebResult};
use crate::extract::{Fields, Path, Query};
use crate::pages::staff::date_field;
use crate::AppState;
use askama::Template;
use axum::extract::State;
use axum::response::{Html, IntoResponse, Redirect, Response};
use opora_plans::clock::today;
use opora_pupils::model::{is_graduating, LeaveReason, RegisterStatus, Tier};
use opora_store::pupils::dynamics::pupil_change;
use opora_store::pupils::register::Pupil;

/// A pupil the caller sees (404 otherwise: wider scopes never do).
pub(super) async fn visible_pupil(st: &AppState, c: &Caller, id: i64) -> WebResult<Pupil> {
    if !rights::sees_pupils(c) {
        return Err(WebError::NotFound);
    }
    st.db.pupil(&c.scope, id).await?.ok_or(WebError::NotFound)
}

pub struct WarningLine {
    pub period: String,
    pub level: &'static str,
    pub code: &'static str,
    pub triggers: Vec<String>,
}

pub struct ResultLine {
    pub year: i64,
    pub procedure: String,
    pub subject: String,
    pub grade: i64,
    pub score: String,
    pub mark: String,
    pub failing: bool,
}

pub struct AttendanceLine {
    pub month: String,
    pub lessons: i64,
    pub missed: i64,
    pub unexcused: i64,
    pub share: String,
}

pub struct RouteLine {
    pub id: i64,
    pub tier: &'static str,
    pub started_on: String,
    pub status: &'static str,
    pub outcome: String,
}

pub struct Choice {
    pub code: &'static str,
    pub title: &'static str,
}

#[derive(Template)]
#[template(path = "pupils/card.html")]
struct CardPage {
    l: Layout,
    id: i64,
    key: String,
    school: String,
    school_id: i64,
    class_name: String,
    grade: i64,
    level: &'static str,
    subjects: String,
    causes_text: String,
    origin: String,
    entered_on: String,
    status: String,
    active: bool,
    note: String,
    graduating: bool,
    warnings: Vec<WarningLine>,
    results: Vec<ResultLine>,
    dynamics: String,
    attendance: Vec<AttendanceLine>,
    routes: Vec<RouteLine>,
    has_active_route: bool,
    keeps: bool,
    keeps_routes: bool,
    causes: Vec<CauseBox>,
    tiers: Vec<Choice>,
    reasons: Vec<Choice>,
    today: String,
    review_weeks: u32,
    /// The name, opened for the school's own users.
    name: String,
    /// Why the name is not shown or kept, when it matters.
    name_note: &'static str,
    /// The school administrator may keep a name (a key is configured).
    can_name: bool,
    notice: &'static str,
}

#[derive(serde::Deserialize, Default)]
pub struct CardQuery {
    #[serde(default)]
    pub done: String,
}

fn month_title(code: &str) -> String {
    match code.split_once('-') {
        Some((y, m)) => match m.parse::<usize>() {
            Ok(m @ 1..=12) => format!("{} {y}", opora_plans::deadline::MONTHS_NOMINATIVE[m - 1]),
            _ => code.to_string(),
        },
        None => code.to_string(),
    }
}

pub async fn show(
    State(st): State<AppState>,
    caller: Caller,
    Path(id): Path<i64>,
    Query(q): Query<CardQuery>,
) -> WebResult<Html<String>> {
    let p = visible_pupil(&st, &caller, id).await?;
    st.db.audit_pupil_read(&p, &caller.user.login).await?;
    let on = today();
    let warnings = st.db.pupil_warning_history(&p).await?;
    let results = st.db.pupil_results(&p).await?;
    let attendance = st.db.pupil_attendance(&p).await?;
    let routes = st.db.pupil_routes(&p).await?;
    let grade = p.grade_on(on);
    let thresholds = st.db.pupil_thresholds(p.school_id).await?;
    let (name, name_note) = name_and_note(&st, &caller, &p);
    let page = CardPage {
        l: Layout::new(&caller, format!("Обучающийся {}", p.student_key), "/pupils"),
        id: p.id,
        key: p.student_key.clone(),
        school: p.school.clone(),
        school_id: p.school_id,
        class_name: p.fields.class_name.clone(),
        grade,
        level: p.level_on(on).map_or("", |l| l.title()),
        subjects: p.fields.subjects.join(", "),
        causes_text: p
            .fields
            .causes
            .iter()
            .map(|c| c.title())
            .collect::<Vec<_>>()
            .join(", "),
        origin: match p.source_year {
            Some(y) => format!("{} {y} года", p.origin.title()),
            None => p.origin.title().to_string(),
        },
        entered_on: p.entered_on.ru(),
        status: match (p.status, p.left_on, p.leave_reason) {
            (RegisterStatus::Left, Some(on), Some(r)) => {
                format!("{} {} ({})", p.status.title(), on.ru(), r.title())
            }
            _ => p.status.title().to_string(),
        },
        active: p.status == RegisterStatus::Active,
        note: p.fields.note.clone(),
        graduating: is_graduating(grade),
        warnings: warnings
            .into_iter()
            .map(|(period, level, triggers)| WarningLine {
                period: period.title(),
                level: level.title(),
                code: level.code(),
                triggers,
            })
            .collect(),
        dynamics: match pupil_change(&p, &results) {
            Some((c, year)) => format!(
                "{} (сравнение с результатами {year} года)",
                crate::fmt::capitalised(c.title())
            ),
            None => {
                "Пока не с чем сравнить: нет результатов следующих лет по предметам с риском".into()
            }
        },
        results: results
            .iter()
            .map(|r| ResultLine {
                year: r.year,
                procedure: r.procedure.clone(),
                subject: r.subject.clone(),
                grade: r.grade,
                score: match r.max_score {
                    Some(m) => format!(
                        "{} из {}",
                        crate::fmt::num(Some(r.score), 0),
                        crate::fmt::num(Some(m), 0)
                    ),
                    None => crate::fmt::num(Some(r.score), 0),
                },
                mark: r.mark.map(|m| m.to_string()).unwrap_or_default(),
                failing: r.standing.is_failing(),
            })
            .collect(),
        attendance: attendance
            .iter()
            .map(|(month, a)| AttendanceLine {
                month: month_title(month),
                lessons: a.lessons,
                missed: a.missed,
                unexcused: a.unexcused,
                share: crate::fmt::pct(Some(a.missed_pct()), 1),
            })
            .collect(),
        has_active_route: p.route.is_some(),
        routes: routes
            .iter()
            .map(|r| RouteLine {
                id: r.id,
                tier: r.tier.title(),
                started_on: r.started_on.ru(),
                status: r.status.title(),
                outcome: match (r.outcome, r.closed_on) {
                    (Some(o), Some(on)) => format!("{}: {}", on.ru(), o.title()),
                    _ => String::new(),
                },
            })
            .collect(),
        keeps: rights::keeps_register(&caller, p.school_id),
        keeps_routes: rights::keeps_routes(&caller, p.school_id),
        causes: cause_boxes(&p.fields.causes),
        tiers: Tier::ALL
            .iter()
            .map(|t| Choice {
                code: t.code(),
                title: t.title(),
            })
            .collect(),
        reasons: LeaveReason::ALL
            .iter()
            .map(|r| Choice {
                code: r.code(),
                title: r.title(),
            })
            .collect(),
        today: on.ru(),
        review_weeks: thresholds.review_weeks,
        name,
        name_note,
        can_name: rights::keeps_register(&caller, p.school_id) && st.cfg.pupil_names.is_some(),
        notice: match q.done.as_str() {
            "added" => "Обучающийся внесён в реестр.",
            "saved" => "Изменения сохранены.",
            "left" => "Обучающийся снят с учёта.",
            "named" => "Имя сохранено в зашифрованном виде.",
            "unnamed" => "Имя удалено.",
            _ => "",
        },
    };
    Ok(Html(page.render()?))
}

/// The pupil's name for the school's own users (never the curator's or
/// above), opened once with the configured key, and why it is not shown
/// when that matters: (name, note).
fn name_and_note(st: &AppState, c: &Caller, p: &Pupil) -> (String, &'static str) {
    let Some(sealed) = &p.name_sealed else {
        return (String::new(), "");
    };
    if !rights::sees_names(c, p.school_id) {
        return (String::new(), "");
    }
    match &st.cfg.pupil_names {
        Some(key) => match key.open(sealed, p.school_id, &p.student_key) {
            Ok(name) => (name, ""),
            Err(_) => (
                String::new(),
                "Имя хранится, но не расшифровывается ключом из настроек: ключ сменился.",
            ),
        },
        None => (
            String::new(),
            "Имя хранится в зашифрованном виде; ключ не задан в настройках сервера.",
        ),
    }
}

/// Keeps (or, with an empty field, forgets) the pupil's name, sealed.
pub async fn name(
    State(st): State<AppState>,
    caller: Caller,
    Path(id): Path<i64>,
    form: Fields,
) -> WebResult<Response> {
    let p = kept_pupil(&st, &caller, id).await?;
    let Some(key) = &st.cfg.pupil_names else {
        return Err(WebError::Unprocessable(
            "Хранение имён не включено: администратор сервера задаёт ключ OPORA_PUPIL_NAME_KEY. Без него в реестре — только коды.".into(),
        ));
    };
    let name = form.get("name");
    if name.is_empty() {
        st.db.set_pupil_name(&p, None, &caller.user.login).await?;
        return Ok(Redirect::to(&format!("/pupils/{id}?done=unnamed")).into_response());
    }
    let mut nonce = [0u8; 12];
    getrandom::getrandom(&mut nonce)
        .map_err(|e| WebError::Internal(format!("случайные числа недоступны: {e}")))?;
    let sealed = key
        .seal(name, p.school_id, &p.student_key, nonce)
        .map_err(|e| WebError::Unprocessable(format!("Имя: {e}.")))?;
    st.db
        .set_pupil_name(&p, Some(&sealed), &caller.user.login)
        .await?;
    Ok(Redirect::to(&format!("/pupils/{id}?done=named")).into_response())
}

/// A pupil whose register entry the caller keeps (404 unseen, 403 not kept).
async fn kept_pupil(st: &AppState, c: &Caller, id: i64) -> WebResult<Pupil> {
    let p = visible_pupil(st, c, id).await?;
    if rights::keeps_register(c, p.school_id) {
        Ok(p)
    } else {
        Err(WebError::Forbidden(
            "Реестр ведёт администратор школы.".into(),
        ))
    }
}

pub async fn save(
    State(st): State<AppState>,
    caller: Caller,
    Path(id): Path<i64>,
    form: Fields,
) -> WebResult<Response> {
    let p = kept_pupil(&st, &caller, id).await?;
    let fields = pupil_fields(&form)?;
    st.db
        .edit_pupil(&p, &fields, today(), &caller.user.login)
        .await?;
    Ok(Redirect::to(&format!("/pupils/{id}?done=saved")).into_response())
}

pub async fn leave(
    State(st): State<AppState>,
    caller: Caller,
    Path(id): Path<i64>,
    form: Fields,
) -> WebResult<Response> {
    let p = kept_pupil(&st, &caller, id).await?;
    let reason = LeaveReason::from_code(form.get("reason")).ok_or_else(|| {
        WebError::Unprocessable("Причина снятия с учёта: выберите из списка.".into())
    })?;
    let on = date_field(&form, "left_on", "Дата снятия с учёта")?.unwrap_or_else(today);
    st.db
        .pupil_leaves(&p, on, reason, &caller.user.login)
        .await?;
    Ok(Redirect::to(&format!("/pupils/{id}?done=left")).into_response())
}

pub async fn open_route(
    State(st): State<AppState>,
    caller: Caller,
    Path(id): Path<i64>,
    form: Fields,
) -> WebResult<Response> {
    let p = visible_pupil(&st, &caller, id).await?;
    if !rights::keeps_routes(&caller, p.school_id) {
        return Err(WebError::Forbidden(
            "Маршруты ведут администрация и педагоги школы.".into(),
        ));
    }
    let tier = Tier::from_code(form.get("tier"))
        .ok_or_else(|| WebError::Unprocessable("Уровень поддержки: выберите из списка.".into()))?;
    let start = date_field(&form, "started_on", "Дата начала")?.unwrap_or_else(today);
    let weeks: u32 = form.get("review_weeks").parse().map_err(|_| {
        WebError::Unprocessable("Цикл пересмотра: укажите целое число недель.".into())
    })?;
    let goals: Vec<(String, String)> = form
        .rows("goal_subject")
        .into_iter()
        .zip(form.rows("goal_target"))
        .map(|(s, t)| (s.to_string(), t.to_string()))
        .collect();
    let route = st
        .db
        .open_pupil_route(&p, tier, start, weeks, &goals, &caller.user.login)
        .await?;
    Ok(Redirect::to(&format!("/pupils/routes/{route}?done=opened")).into_response())
}
