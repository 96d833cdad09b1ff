//! An event's page (`/events/{id}`): what, when, where and for whom; its
//! state (held, cancelled); participants and their attendance — which the
//! store writes into the teachers' development plans and courses; the
//! protocol and its decisions, each turned into a roadmap activity in one
//! action.

use super::{rights, EventLine};
use crate::auth::{Caller, Layout};
use crate::error::{WebError, WebResult};
use crate::extract::{Fields, Path, Query};
use crate::AppState;
use askama::Template;
use axum::extract::State;
use axum::response::{Html, IntoResponse, Redirect, Response};
use opora_events::{Attendance, EventStatus};
use opora_plans::clock::today;
use opora_store::events::participants::{Candidate, Participant};
use opora_store::events::protocol::{Decision, DecisionFields, DECISIONS_SECTION};
use opora_store::events::register::Event;

/// An event the caller sees (404 otherwise).
pub(crate) async fn visible_event(st: &AppState, c: &Caller, id: i64) -> WebResult<Event> {
    st.db.event(&c.scope, id).await?.ok_or(WebError::NotFound)
}

/// An event the caller keeps (403 otherwise).
pub(crate) async fn kept_event(st: &AppState, c: &Caller, id: i64) -> WebResult<Event> {
    let e = visible_event(st, c, id).await?;
    if !rights::keeps(c, &e) {
        return Err(WebError::Forbidden(
            "Мероприятие ведёт его организатор: муниципалитет, школа или методист, который его внёс."
                .into(),
        ));
    }
    Ok(e)
}

pub struct ParticipantLine {
    pub teacher_id: i64,
    pub name: String,
    pub school: String,
    pub subjects: String,
    pub attendance: &'static str,
    pub attendance_code: &'static str,
    pub in_plan: bool,
    pub course: bool,
}

impl ParticipantLine {
    fn of(p: &Participant) -> ParticipantLine {
        ParticipantLine {
            teacher_id: p.teacher_id,
            name: p.full_name.clone(),
            school: p.school_name.clone(),
            subjects: p.subjects.clone(),
            attendance: p.attendance.title(),
            attendance_code: p.attendance.code(),
            in_plan: p.in_plan,
            course: p.course_id.is_some(),
        }
    }
}

pub struct DecisionLine {
    pub id: i64,
    pub text: String,
    pub responsible: String,
    pub deadline: String,
    /// (plan id, activity id, plan title) once transferred.
    pub activity: Option<(i64, i64, String)>,
}

impl DecisionLine {
    fn of(d: &Decision) -> DecisionLine {
        DecisionLine {
            id: d.id,
            text: d.fields.text.clone(),
            responsible: d.fields.responsible.clone(),
            deadline: d.fields.deadline.clone(),
            activity: d
                .activity
                .as_ref()
                .map(|a| (a.plan_id, a.activity_id, a.plan_title.clone())),
        }
    }
}

#[derive(Template)]
#[template(path = "events/card.html")]
struct CardPage {
    l: Layout,
    e: EventLine,
    description: String,
    materials: String,
    organiser: String,
    hours: String,
    certificate: bool,
    methodical: bool,
    cancel_reason: String,
    targets: Vec<(String, String)>,
    invited: i64,
    attended: i64,
    absent: i64,
    keeps: bool,
    /// The event has begun: attendance and the protocol can be written.
    begun: bool,
    cancelled: bool,
    planned: bool,
    sees_participants: bool,
    participants: Vec<ParticipantLine>,
    candidates: Vec<Candidate>,
    attendances: Vec<(&'static str, &'static str)>,
    protocol: String,
    decisions: Vec<DecisionLine>,
    plans: Vec<(i64, String)>,
    decisions_section: &'static str,
    notice: &'static str,
}

#[derive(serde::Deserialize, Default)]
pub struct CardQuery {
    #[serde(default)]
    pub done: String,
}

pub async fn show(
    State(st): State<AppState>,
    caller: Caller,
    Path(id): Path<i64>,
    Query(q): Query<CardQuery>,
) -> WebResult<Html<String>> {
    let e = visible_event(&st, &caller, id).await?;
    let keeps = rights::keeps(&caller, &e);
    let participants = participants_seen(&st, &caller, &e).await?;
    let candidates = if keeps && e.status != EventStatus::Cancelled {
        st.db.event_candidates(&caller.scope, &e).await?
    } else {
        Vec::new()
    };
    let plans = if keeps {
        managed_plans(&st, &caller, &e).await?
    } else {
        Vec::new()
    };
    let f = &e.fields;
    let page = CardPage {
        l: Layout::new(&caller, f.title.clone(), "/events"),
        e: EventLine::of(&e),
        description: f.description.clone(),
        materials: f.materials.clone(),
        organiser: f.organiser.clone(),
        hours: f.hours.map(|h| h.to_string()).unwrap_or_default(),
        certificate: f.certificate,
        methodical: f.kind.is_methodical_support(),
        cancel_reason: e.cancel_reason.clone(),
        targets: e
            .targets
            .iter()
            .map(|t| (t.code.clone(), t.short_name.clone()))
            .collect(),
        invited: e.counts.invited,
        attended: e.counts.attended,
        absent: e.counts.absent,
        keeps,
        begun: f.schedule.starts_on <= today(),
        cancelled: e.status == EventStatus::Cancelled,
        planned: e.status == EventStatus::Planned,
        sees_participants: rights::sees_participants(&caller),
        participants: participants.iter().map(ParticipantLine::of).collect(),
        candidates,
        attendances: Attendance::ALL
            .iter()
            .map(|a| (a.code(), a.title()))
            .collect(),
        protocol: e.protocol.clone(),
        decisions: st
            .db
            .event_decisions(e.id)
            .await?
            .iter()
            .map(DecisionLine::of)
            .collect(),
        plans,
        decisions_section: DECISIONS_SECTION,
        notice: match q.done.as_str() {
            "created" => "Мероприятие внесено в календарь. Пригласите участников.",
            "saved" => "Изменения сохранены.",
            "status" => "Состояние мероприятия изменено.",
            "invited" => "Участники приглашены; у кого есть план профессионального развития, мероприятие добавлено в план.",
            "removed" => "Приглашение отозвано.",
            "marked" => "Присутствие отмечено и записано в планы развития участников.",
            "protocol" => "Протокол сохранён.",
            "decision" => "Решение добавлено.",
            "deleted" => "Решение удалено.",
            "transferred" => "Решение перенесено в дорожную карту.",
            _ => "",
        },
    };
    Ok(Html(page.render()?))
}

/// The participants the caller may see: its scope's (a teacher: itself).
pub(crate) async fn participants_seen(
    st: &AppState,
    c: &Caller,
    e: &Event,
) -> WebResult<Vec<Participant>> {
    let all = st.db.event_participants(&c.scope, e, &c.user.login).await?;
    if rights::sees_participants(c) {
        return Ok(all);
    }
    let own = st.db.teacher_of_user(c.user.id).await?;
    Ok(all
        .into_iter()
        .filter(|p| Some(p.teacher_id) == own)
        .collect())
}

/// The roadmaps the caller manages (where a decision can go): the plan of
/// the event's owner first (the municipality's for its event, the school's
/// for a school's, the region's for the region's), then by title.
async fn managed_plans(st: &AppState, c: &Caller, e: &Event) -> WebResult<Vec<(i64, String)>> {
    let schools = st.db.schools_in(&c.scope).await?;
    let municipality_of = |school: Option<i64>| {
        school.and_then(|id| {
            schools
                .iter()
                .find(|s| s.id == id)
                .map(|s| s.municipality_id)
        })
    };
    let owners = |p: &opora_store::plans::PlanSummary| match (
        e.fields.school_id,
        e.fields.municipality_id,
    ) {
        (Some(school), _) => p.school_id == Some(school),
        (None, Some(m)) => p.school_id.is_none() && p.municipality_id == Some(m),
        (None, None) => p.level == "region",
    };
    let mut plans: Vec<_> = st
        .db
        .plans(&c.scope, today())
        .await?
        .into_iter()
        .filter(|p| !p.is_template && p.status != "archived")
        .filter(|p| crate::pages::plans::rights::rights(c, p, municipality_of(p.school_id)).manage)
        .collect();
    plans.sort_by_key(|p| (!owners(p), p.title.clone()));
    Ok(plans
        .into_iter()
        .map(|p| {
            let unit = if p.unit.is_empty() {
                String::new()
            } else {
                format!(" ({})", p.unit)
            };
            (p.id, format!("{}{unit}", p.title))
        })
        .collect())
}

fn back(id: i64, done: &str, anchor: &str) -> Response {
    Redirect::to(&format!("/events/{id}?done={done}#{anchor}")).into_response()
}

pub async fn set_status(
    State(st): State<AppState>,
    caller: Caller,
    Path(id): Path<i64>,
    form: Fields,
) -> WebResult<Response> {
    let e = kept_event(&st, &caller, id).await?;
    let to = EventStatus::from_code(form.get("status")).ok_or_else(|| {
        WebError::Unprocessable("Состояние мероприятия: выберите из списка.".into())
    })?;
    st.db
        .set_event_status(&e, to, form.get("reason"), today(), &caller.user.login)
        .await?;
    Ok(back(id, "status", "status"))
}

pub async fn invite(
    State(st): State<AppState>,
    caller: Caller,
    Path(id): Path<i64>,
    form: Fields,
) -> WebResult<Response> {
    let e = kept_event(&st, &caller, id).await?;
    let ids = form.ids("teacher", "Педагог")?;
    st.db
        .invite_teachers(&caller.scope, &e, &ids, &caller.user.login)
        .await?;
    Ok(back(id, "invited", "participants"))
}

pub async fn remove(
    State(st): State<AppState>,
    caller: Caller,
    Path((id, teacher_id)): Path<(i64, i64)>,
) -> WebResult<Response> {
    let e = kept_event(&st, &caller, id).await?;
    st.db
        .remove_participant(&caller.scope, &e, teacher_id, &caller.user.login)
        .await?;
    Ok(back(id, "removed", "participants"))
}

/// One form with a choice per participant: `a{teacher_id}` = attendance.
pub async fn attendance(
    State(st): State<AppState>,
    caller: Caller,
    Path(id): Path<i64>,
    form: Fields,
) -> WebResult<Response> {
    let e = kept_event(&st, &caller, id).await?;
    let mut marks = Vec::new();
    for (name, value) in &form.0 {
        let Some(teacher) = name.strip_prefix('a') else {
            continue;
        };
        let Ok(teacher) = teacher.parse::<i64>() else {
            continue;
        };
        let a = Attendance::from_code(value.trim())
            .ok_or_else(|| WebError::Unprocessable("Присутствие: выберите из списка.".into()))?;
        marks.push((teacher, a));
    }
    if marks.is_empty() {
        return Err(WebError::Unprocessable(
            "Отметьте присутствие хотя бы одного участника.".into(),
        ));
    }
    st.db
        .mark_attendance(&caller.scope, &e, &marks, today(), &caller.user.login)
        .await?;
    Ok(back(id, "marked", "participants"))
}

pub async fn protocol(
    State(st): State<AppState>,
    caller: Caller,
    Path(id): Path<i64>,
    form: Fields,
) -> WebResult<Response> {
    let e = kept_event(&st, &caller, id).await?;
    st.db
        .save_protocol(&e, form.get("protocol"), today(), &caller.user.login)
        .await?;
    Ok(back(id, "protocol", "protocol"))
}

pub async fn add_decision(
    State(st): State<AppState>,
    caller: Caller,
    Path(id): Path<i64>,
    form: Fields,
) -> WebResult<Response> {
    let e = kept_event(&st, &caller, id).await?;
    let f = DecisionFields {
        text: form.get("text").into(),
        responsible: form.get("responsible").into(),
        deadline: form.get("deadline").into(),
    };
    st.db
        .add_decision(&e, &f, today(), &caller.user.login)
        .await?;
    Ok(back(id, "decision", "decisions"))
}

pub async fn delete_decision(
    State(st): State<AppState>,
    caller: Caller,
    Path((id, decision_id)): Path<(i64, i64)>,
) -> WebResult<Response> {
    let e = kept_event(&st, &caller, id).await?;
    st.db
        .delete_decision(&e, decision_id, &caller.user.login)
        .await?;
    Ok(back(id, "deleted", "decisions"))
}

/// A decision becomes an activity of a roadmap the caller manages.
pub async fn transfer(
    State(st): State<AppState>,
    caller: Caller,
    Path((id, decision_id)): Path<(i64, i64)>,
    form: Fields,
) -> WebResult<Response> {
    let e = kept_event(&st, &caller, id).await?;
    let plan_id = form.id("plan", "Дорожная карта")?;
    let (summary, _, plan_rights) = crate::pages::plans::load_plan(&st, &caller, plan_id).await?;
    if !plan_rights.manage {
        return Err(WebError::Forbidden(
            "Решение переносят в дорожную карту, которую вы ведёте.".into(),
        ));
    }
    st.db
        .decision_to_activity(
            &e,
            decision_id,
            plan_id,
            summary.version,
            &caller.user.login,
        )
        .await?;
    Ok(back(id, "transferred", "decisions"))
}
