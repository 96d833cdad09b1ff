//! Наставничество: the pairs of the scope (`/staff/mentoring`), a pair's
//! page with its meetings (`/staff/mentoring/{id}`), and the forms —
//! appoint a mentor (on the mentee's card, from the suggested mentors),
//! add a meeting, close a pair. The rules are `rights.rs`; the choice of
//! mentors is `opora_staff::mentoring`.

use super::{date_field, rights};
use crate::auth::{Caller, Layout};
use crate::error::{WebError, WebResult};
use crate::extract::{Fields, Path};
use crate::AppState;
use askama::Template;
use axum::extract::State;
use axum::response::{Html, IntoResponse, Redirect, Response};
use opora_staff::mentoring::{MentoringForm, PairStatus};
use opora_store::staff::mentoring::{Pair, PairFields};
use opora_store::users::Role;

/// How many mentors the card suggests.
pub const SUGGESTED: usize = 5;

/// A pair in a list.
pub struct PairLine {
    pub id: i64,
    pub mentor: String,
    pub mentor_id: i64,
    pub mentor_school: String,
    pub mentee: String,
    pub mentee_id: i64,
    pub mentee_school: String,
    pub form: &'static str,
    pub period: String,
    pub status: &'static str,
    pub active: bool,
    pub meetings: i64,
    pub last_meeting: String,
}

pub fn pair_line(p: &Pair) -> PairLine {
    PairLine {
        id: p.id,
        mentor: p.mentor.name.clone(),
        mentor_id: p.mentor.teacher_id,
        mentor_school: p.mentor.school.clone(),
        mentee: p.mentee.name.clone(),
        mentee_id: p.mentee.teacher_id,
        mentee_school: p.mentee.school.clone(),
        form: p.fields.form.title(),
        period: match p.fields.ends_on {
            Some(end) => format!("{} – {}", p.fields.starts_on.ru(), end.ru()),
            None => format!("с {}", p.fields.starts_on.ru()),
        },
        status: p.status.title(),
        active: p.status == PairStatus::Active,
        meetings: p.meetings,
        last_meeting: p.last_meeting.map(|d| d.ru()).unwrap_or_default(),
    }
}

/// The pairs a caller sees (a teacher: their own).
async fn visible_pairs(st: &AppState, c: &Caller, teacher: Option<i64>) -> WebResult<Vec<Pair>> {
    let pairs = st
        .db
        .mentoring_pairs(&c.scope, teacher, &c.user.login)
        .await?;
    Ok(pairs
        .into_iter()
        .filter(|p| rights::sees_pair(c, p))
        .collect())
}

#[derive(Template)]
#[template(path = "staff/mentoring.html")]
struct ListPage {
    l: Layout,
    pairs: Vec<PairLine>,
}

pub async fn list(State(st): State<AppState>, caller: Caller) -> WebResult<Html<String>> {
    let pairs = visible_pairs(&st, &caller, None).await?;
    let page = ListPage {
        l: Layout::new(&caller, "Наставничество", "/staff"),
        pairs: pairs.iter().map(pair_line).collect(),
    };
    Ok(Html(page.render()?))
}

/// A pair the caller sees (404 otherwise).
async fn visible_pair(st: &AppState, c: &Caller, id: i64) -> WebResult<Pair> {
    let p = st
        .db
        .mentoring_pair(&c.scope, id)
        .await?
        .ok_or(WebError::NotFound)?;
    if rights::sees_pair(c, &p) {
        Ok(p)
    } else {
        Err(WebError::NotFound)
    }
}

pub struct MeetingLine {
    pub on: String,
    pub topic: String,
    pub notes: String,
    pub by: String,
}

#[derive(Template)]
#[template(path = "staff/pair.html")]
struct PairPage {
    l: Layout,
    pair: PairLine,
    goals: String,
    order_ref: String,
    closed_on: String,
    meetings: Vec<MeetingLine>,
    can_log: bool,
    can_close: bool,
    today: String,
    notice: &'static str,
}

#[derive(serde::Deserialize, Default)]
pub struct PairQuery {
    #[serde(default)]
    pub done: String,
}

pub async fn show(
    State(st): State<AppState>,
    caller: Caller,
    Path(id): Path<i64>,
    crate::extract::Query(q): crate::extract::Query<PairQuery>,
) -> WebResult<Html<String>> {
    let pair = visible_pair(&st, &caller, id).await?;
    let meetings = st.db.mentoring_meetings(&pair, &caller.user.login).await?;
    let active = pair.status == PairStatus::Active;
    let page = PairPage {
        l: Layout::new(&caller, "Наставническая пара", "/staff"),
        goals: pair.fields.goals.clone(),
        order_ref: pair.fields.order_ref.clone(),
        closed_on: pair.closed_on.map(|d| d.ru()).unwrap_or_default(),
        meetings: meetings
            .iter()
            .map(|m| MeetingLine {
                on: m.held_on.ru(),
                topic: m.topic.clone(),
                notes: m.notes.clone(),
                by: m.created_by.clone(),
            })
            .collect(),
        can_log: active && rights::logs_meetings(&caller, &pair),
        can_close: active && rights::closes_pair(&caller, &pair),
        today: opora_plans::clock::today().ru(),
        notice: match q.done.as_str() {
            "created" => "Наставник назначен.",
            "meeting" => "Встреча записана.",
            "closed" => "Пара завершена.",
            _ => "",
        },
        pair: pair_line(&pair),
    };
    Ok(Html(page.render()?))
}

pub async fn add_meeting(
    State(st): State<AppState>,
    caller: Caller,
    Path(id): Path<i64>,
    form: Fields,
) -> WebResult<Response> {
    let pair = visible_pair(&st, &caller, id).await?;
    if !rights::logs_meetings(&caller, &pair) {
        return Err(WebError::Forbidden(
            "Встречи записывают наставник, наставляемый, администрация их школ и муниципалитет."
                .into(),
        ));
    }
    let on = date_field(&form, "held_on", "Дата встречи")?.ok_or_else(|| {
        WebError::Unprocessable("Дата встречи: заполните поле (ДД.ММ.ГГГГ).".into())
    })?;
    if on > opora_plans::clock::today() {
        return Err(WebError::Unprocessable(
            "Дата встречи: в будущем; записываются прошедшие встречи.".into(),
        ));
    }
    st.db
        .add_mentoring_meeting(
            &pair,
            on,
            form.get("topic"),
            form.get("notes"),
            &caller.user.login,
        )
        .await?;
    Ok(Redirect::to(&format!("/staff/mentoring/{id}?done=meeting")).into_response())
}

pub async fn close(
    State(st): State<AppState>,
    caller: Caller,
    Path(id): Path<i64>,
) -> WebResult<Response> {
    let pair = visible_pair(&st, &caller, id).await?;
    if !rights::closes_pair(&caller, &pair) {
        return Err(WebError::Forbidden(
            "Пару завершает тот, кто назначает наставников: школа наставляемого, муниципалитет или регион.".into(),
        ));
    }
    st.db
        .close_mentoring_pair(&pair, opora_plans::clock::today(), &caller.user.login)
        .await?;
    Ok(Redirect::to(&format!("/staff/mentoring/{id}?done=closed")).into_response())
}

/// Appoints a mentor to the teacher `id` (the mentee).
pub async fn appoint(
    State(st): State<AppState>,
    caller: Caller,
    Path(id): Path<i64>,
    form: Fields,
) -> WebResult<Response> {
    let mentee = st
        .db
        .teacher(&caller.scope, id)
        .await?
        .ok_or(WebError::NotFound)?;
    if caller.role() == Role::Teacher || !rights::appoints_mentors(&caller, &mentee) {
        return Err(WebError::Forbidden(
            "Наставников назначают школа, муниципалитет и регион.".into(),
        ));
    }
    let mentor = form.id("mentor", "Наставник")?;
    let fields = PairFields {
        form: MentoringForm::from_code(form.get("form")).ok_or_else(|| {
            WebError::Unprocessable("Форма наставничества: выберите значение из списка.".into())
        })?,
        goals: form.get("goals").to_string(),
        starts_on: date_field(&form, "starts_on", "Дата начала")?
            .unwrap_or_else(opora_plans::clock::today),
        ends_on: date_field(&form, "ends_on", "Дата окончания")?,
        order_ref: opora_io::records::clean_name(form.get("order_ref")),
    };
    let pair = match st
        .db
        .create_mentoring_pair(
            &caller.scope,
            mentee.id,
            mentor,
            &fields,
            &caller.user.login,
        )
        .await
    {
        // A mentor outside the scope named in the form: the form is wrong.
        Err(opora_store::StoreError::NotFound(_)) => {
            return Err(WebError::BadRequest(
                "Наставник: выберите педагога из списка.".into(),
            ))
        }
        other => other?,
    };
    Ok(Redirect::to(&format!("/staff/mentoring/{pair}?done=created")).into_response())
}
