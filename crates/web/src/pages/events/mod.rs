//! Events (issue 16): the calendar of a month with its list (`/events`),
//! filtered by municipality, school and kind; creating and editing an
//! event (`/events/new`, `/events/{id}/edit`). The event's own page —
//! participants, attendance, protocol, decisions — is [`card`]; who may
//! do what is [`rights`].

pub mod card;
pub mod rights;

use crate::auth::{Caller, Layout};
use crate::error::{WebError, WebResult};
use crate::extract::{Fields, Path, Query};
use crate::fmt::capitalised;
use crate::AppState;
use askama::Template;
use axum::extract::State;
use axum::response::{Html, IntoResponse, Redirect, Response};
use opora_events::calendar::{Month, WEEKDAYS};
use opora_events::schedule::{parse_time, time_text};
use opora_events::{EventKind, EventLevel, EventStatus, Schedule};
use opora_plans::clock::today;
use opora_plans::date::Date;
use opora_store::events::register::{Event, EventFields, EventFilter};

/// A code and its Russian title, for a `<select>`.
pub struct Choice {
    pub code: String,
    pub title: String,
}

fn kinds() -> Vec<Choice> {
    EventKind::ALL
        .iter()
        .map(|k| Choice {
            code: k.code().into(),
            title: capitalised(k.title()),
        })
        .collect()
}

/// An event in the calendar and the list.
pub struct EventLine {
    pub id: i64,
    pub title: String,
    pub kind: String,
    pub when: String,
    pub level: &'static str,
    pub owner: String,
    pub place: String,
    pub status: &'static str,
    pub status_code: &'static str,
    pub schools: usize,
    pub participants: i64,
}

impl EventLine {
    pub fn of(e: &Event) -> EventLine {
        let f = &e.fields;
        EventLine {
            id: e.id,
            title: f.title.clone(),
            kind: capitalised(f.kind.title()),
            when: f.schedule.ru(),
            level: f.level.title(),
            owner: e.owner.clone(),
            place: f.place.clone(),
            status: e.status.title(),
            status_code: e.status.code(),
            schools: e.targets.len(),
            participants: e.counts.total(),
        }
    }
}

/// A day of the calendar grid.
pub struct DayCell {
    /// 0: a day of a neighbouring month.
    pub day: u32,
    pub today: bool,
    pub events: Vec<(i64, String, String, &'static str)>,
}

#[derive(Template)]
#[template(path = "events/list.html")]
struct ListPage {
    l: Layout,
    month: String,
    month_code: String,
    previous: String,
    next: String,
    weekdays: [&'static str; 7],
    weeks: Vec<Vec<DayCell>>,
    events: Vec<EventLine>,
    /// (id, name, selected).
    municipalities: Vec<(i64, String, bool)>,
    school: String,
    kinds: Vec<Choice>,
    kind: String,
    creates: bool,
    query: String,
}

#[derive(serde::Deserialize, Default)]
pub struct ListQuery {
    #[serde(default)]
    pub month: String,
    #[serde(default)]
    pub municipality: String,
    #[serde(default)]
    pub school: String,
    #[serde(default)]
    pub kind: String,
}

/// The filter a list's query names, each part checked: a municipality or a
/// school outside the scope is refused (404), an unknown kind is 422.
pub(crate) async fn filter_of(
    st: &AppState,
    c: &Caller,
    municipality: &str,
    school: &str,
    kind: &str,
) -> WebResult<EventFilter> {
    let mut f = EventFilter::default();
    if !municipality.is_empty() {
        let m: i64 = municipality.parse().map_err(|_| WebError::NotFound)?;
        let ours = st.db.municipalities_in(&c.scope).await?;
        if !ours.iter().any(|x| x.id == m) {
            return Err(WebError::NotFound);
        }
        f.municipality_id = Some(m);
    }
    if !school.is_empty() {
        let s = st
            .db
            .school_in(&c.scope, school)
            .await?
            .ok_or(WebError::NotFound)?;
        f.school_id = Some(s.id);
    }
    if !kind.is_empty() {
        f.kind = Some(EventKind::from_code(kind).ok_or_else(|| {
            WebError::Unprocessable("Вид мероприятия: выберите из списка.".into())
        })?);
    }
    Ok(f)
}

pub async fn list(
    State(st): State<AppState>,
    caller: Caller,
    Query(q): Query<ListQuery>,
) -> WebResult<Html<String>> {
    let on = today();
    let month = if q.month.is_empty() {
        Month::of(on)
    } else {
        Month::parse(&q.month).ok_or_else(|| {
            WebError::Unprocessable(format!(
                "Месяц «{}» не понят: напишите его как 2026-12.",
                q.month
            ))
        })?
    };
    let mut filter = filter_of(&st, &caller, &q.municipality, &q.school, &q.kind).await?;
    filter.from = Some(month.first());
    filter.to = Some(month.last());
    let events = st.db.events(&caller.scope, &filter).await?;
    let weeks = month
        .weeks()
        .iter()
        .map(|week| week.iter().map(|d| day_cell(*d, on, &events)).collect())
        .collect();
    let query = [
        ("municipality", q.municipality.as_str()),
        ("school", q.school.as_str()),
        ("kind", q.kind.as_str()),
    ]
    .iter()
    .filter(|(_, v)| !v.is_empty())
    .map(|(k, v)| format!("&{k}={}", crate::fmt::urlencode(v)))
    .collect::<String>();
    let page = ListPage {
        l: Layout::new(&caller, "Мероприятия", "/events"),
        month: capitalised(&month.ru()),
        month_code: month.code(),
        previous: month.previous().code(),
        next: month.next().code(),
        weekdays: WEEKDAYS,
        weeks,
        events: events.iter().map(EventLine::of).collect(),
        municipalities: st
            .db
            .municipalities_in(&caller.scope)
            .await?
            .into_iter()
            .map(|m| (m.id, m.name, filter.municipality_id == Some(m.id)))
            .collect(),
        school: q.school.clone(),
        kinds: kinds(),
        kind: q.kind.clone(),
        creates: !rights::creates(&caller).is_empty(),
        query,
    };
    Ok(Html(page.render()?))
}

fn day_cell(day: Option<Date>, on: Date, events: &[Event]) -> DayCell {
    let Some(d) = day else {
        return DayCell {
            day: 0,
            today: false,
            events: Vec::new(),
        };
    };
    DayCell {
        day: d.day(),
        today: d == on,
        events: events
            .iter()
            .filter(|e| e.fields.schedule.covers(d))
            .map(|e| {
                let time = if e.fields.schedule.starts_on == d {
                    e.fields
                        .schedule
                        .starts_at
                        .map(time_text)
                        .unwrap_or_default()
                } else {
                    String::new()
                };
                (e.id, time, e.fields.title.clone(), e.status.code())
            })
            .collect(),
    }
}

/// The fields of the event form, as typed (kept when the form comes back
/// with mistakes).
#[derive(Default)]
pub struct FormFields {
    pub title: String,
    pub kind: String,
    pub level: String,
    pub municipality: String,
    pub starts_on: String,
    pub ends_on: String,
    pub starts_at: String,
    pub ends_at: String,
    pub place: String,
    pub organiser: String,
    pub description: String,
    pub materials: String,
    pub hours: String,
    pub certificate: bool,
    pub target: String,
    pub codes: String,
}

impl FormFields {
    fn of(form: &Fields) -> FormFields {
        FormFields {
            title: form.get("title").into(),
            kind: form.get("kind").into(),
            level: form.get("level").into(),
            municipality: form.get("municipality").into(),
            starts_on: form.get("starts_on").into(),
            ends_on: form.get("ends_on").into(),
            starts_at: form.get("starts_at").into(),
            ends_at: form.get("ends_at").into(),
            place: form.get("place").into(),
            organiser: form.get("organiser").into(),
            description: form.get("description").into(),
            materials: form.get("materials").into(),
            hours: form.get("hours").into(),
            certificate: form.get("certificate") == "1",
            target: form.get("target").into(),
            codes: form.get("codes").into(),
        }
    }

    fn from_event(e: &Event) -> FormFields {
        let f = &e.fields;
        let s = &f.schedule;
        FormFields {
            title: f.title.clone(),
            kind: f.kind.code().into(),
            level: f.level.code().into(),
            municipality: f.municipality_id.map(|m| m.to_string()).unwrap_or_default(),
            starts_on: s.starts_on.ru(),
            ends_on: s.ends_on.map(|d| d.ru()).unwrap_or_default(),
            starts_at: s.starts_at.map(time_text).unwrap_or_default(),
            ends_at: s.ends_at.map(time_text).unwrap_or_default(),
            place: f.place.clone(),
            organiser: f.organiser.clone(),
            description: f.description.clone(),
            materials: f.materials.clone(),
            hours: f.hours.map(|h| h.to_string()).unwrap_or_default(),
            certificate: f.certificate,
            target: if e.targets.is_empty() {
                "open".into()
            } else {
                "list".into()
            },
            codes: e
                .targets
                .iter()
                .map(|t| t.code.clone())
                .collect::<Vec<_>>()
                .join(", "),
        }
    }
}

#[derive(Template)]
#[template(path = "events/form.html")]
struct FormPage {
    l: Layout,
    /// `None`: a new event.
    id: Option<i64>,
    f: FormFields,
    kinds: Vec<Choice>,
    levels: Vec<Choice>,
    municipalities: Vec<(i64, String)>,
    /// The region chooses the municipality of a municipal event.
    chooses_municipality: bool,
    /// A school's event is for its own school.
    school_event: bool,
    targets: Vec<(String, String)>,
    errors: Vec<String>,
}

async fn form_page(
    st: &AppState,
    c: &Caller,
    id: Option<i64>,
    f: FormFields,
    errors: Vec<String>,
) -> WebResult<Html<String>> {
    let levels = rights::creates(c);
    let mut targets = vec![(
        "open".to_string(),
        "Открытое: участников приглашают из любых школ".to_string(),
    )];
    targets.extend(crate::pages::targets::choices(st, c).await?);
    let title = if id.is_some() {
        "Изменить мероприятие"
    } else {
        "Новое мероприятие"
    };
    let page = FormPage {
        l: Layout::new(c, title, "/events"),
        id,
        f,
        kinds: kinds(),
        levels: levels
            .iter()
            .map(|l| Choice {
                code: l.code().into(),
                title: capitalised(l.title()),
            })
            .collect(),
        municipalities: st
            .db
            .municipalities_in(&c.scope)
            .await?
            .into_iter()
            .map(|m| (m.id, m.name))
            .collect(),
        chooses_municipality: c.is_region(),
        school_event: levels == [EventLevel::School],
        targets,
        errors,
    };
    Ok(Html(page.render()?))
}

fn require_creator(c: &Caller) -> WebResult<()> {
    if rights::creates(c).is_empty() {
        return Err(WebError::Forbidden(
            "Мероприятия вносят региональный оператор, муниципалитет, методист и администрация школы.".into(),
        ));
    }
    Ok(())
}

pub async fn new_form(State(st): State<AppState>, caller: Caller) -> WebResult<Html<String>> {
    require_creator(&caller)?;
    let levels = rights::creates(&caller);
    let f = FormFields {
        kind: EventKind::Seminar.code().into(),
        level: levels.first().map(|l| l.code()).unwrap_or_default().into(),
        starts_on: today().add_days(7).unwrap_or_else(today).ru(),
        starts_at: "10:00".into(),
        target: "supported".into(),
        ..FormFields::default()
    };
    form_page(&st, &caller, None, f, vec![]).await
}

pub async fn create(
    State(st): State<AppState>,
    caller: Caller,
    form: Fields,
) -> WebResult<Response> {
    require_creator(&caller)?;
    let typed = FormFields::of(&form);
    let fields = match read_fields(&st, &caller, &typed).await? {
        Ok(f) => f,
        Err(errors) => return Ok(refused(form_page(&st, &caller, None, typed, errors).await?)),
    };
    match st
        .db
        .create_event(&caller.scope, &fields, &caller.user.login)
        .await
    {
        Ok(id) => Ok(Redirect::to(&format!("/events/{id}?done=created")).into_response()),
        Err(opora_store::StoreError::Invalid(m)) => Ok(refused(
            form_page(&st, &caller, None, typed, vec![m]).await?,
        )),
        Err(e) => Err(e.into()),
    }
}

pub async fn edit_form(
    State(st): State<AppState>,
    caller: Caller,
    Path(id): Path<i64>,
) -> WebResult<Html<String>> {
    let e = card::kept_event(&st, &caller, id).await?;
    form_page(&st, &caller, Some(id), FormFields::from_event(&e), vec![]).await
}

pub async fn save(
    State(st): State<AppState>,
    caller: Caller,
    Path(id): Path<i64>,
    form: Fields,
) -> WebResult<Response> {
    let e = card::kept_event(&st, &caller, id).await?;
    let mut typed = FormFields::of(&form);
    // The level and owner stay what they were: an event is not handed over.
    typed.level = e.fields.level.code().into();
    typed.municipality = e
        .fields
        .municipality_id
        .map(|m| m.to_string())
        .unwrap_or_default();
    let mut fields = match read_fields(&st, &caller, &typed).await? {
        Ok(f) => f,
        Err(errors) => {
            return Ok(refused(
                form_page(&st, &caller, Some(id), typed, errors).await?,
            ))
        }
    };
    fields.school_id = e.fields.school_id;
    match st
        .db
        .edit_event(&caller.scope, &e, &fields, &caller.user.login)
        .await
    {
        Ok(()) => Ok(Redirect::to(&format!("/events/{id}?done=saved")).into_response()),
        Err(opora_store::StoreError::Invalid(m)) => Ok(refused(
            form_page(&st, &caller, Some(id), typed, vec![m]).await?,
        )),
        Err(e) => Err(e.into()),
    }
}

/// The form back with its mistakes: 422.
fn refused(page: Html<String>) -> Response {
    (axum::http::StatusCode::UNPROCESSABLE_ENTITY, page).into_response()
}

/// The event's fields from the form, or every mistake in Russian.
async fn read_fields(
    st: &AppState,
    c: &Caller,
    t: &FormFields,
) -> WebResult<Result<EventFields, Vec<String>>> {
    let mut errors = Vec::new();
    let kind = EventKind::from_code(&t.kind);
    if kind.is_none() {
        errors.push("вид мероприятия: выберите из списка".into());
    }
    // A caller who creates events of one level needs not name it.
    let levels = rights::creates(c);
    let level = match levels.as_slice() {
        [only] => Some(*only),
        _ => EventLevel::from_code(&t.level).filter(|l| levels.contains(l)),
    };
    if level.is_none() {
        errors.push("уровень мероприятия: выберите из списка".into());
    }
    let date = |label: &str, text: &str, errors: &mut Vec<String>| -> Option<Date> {
        if text.is_empty() {
            return None;
        }
        let d = Date::parse(text);
        if d.is_none() {
            errors.push(format!(
                "{label}: дата «{text}» не понята, напишите её как 15.12.2026"
            ));
        }
        d
    };
    let starts_on = date("дата", &t.starts_on, &mut errors);
    if t.starts_on.is_empty() {
        errors.push("дата: укажите день мероприятия".into());
    }
    let ends_on = date("последний день", &t.ends_on, &mut errors);
    let mut time = |label: &str, text: &str| match parse_time(text) {
        Ok(t) => t,
        Err(e) => {
            errors.push(format!("{label}: {e}"));
            None
        }
    };
    let starts_at = time("начало", &t.starts_at);
    let ends_at = time("окончание", &t.ends_at);
    let hours = if t.hours.is_empty() {
        None
    } else {
        match t.hours.parse::<u32>() {
            Ok(h) if (1..=3000).contains(&h) => Some(h),
            _ => {
                errors.push(format!(
                    "часы: «{}» — не число часов (целое от 1 до 3000)",
                    t.hours
                ));
                None
            }
        }
    };
    let municipality_id = match level {
        Some(EventLevel::Municipal) if c.is_region() => match t.municipality.parse::<i64>() {
            Ok(m) => Some(m),
            Err(_) => {
                errors.push("муниципалитет: выберите из списка".into());
                None
            }
        },
        Some(EventLevel::Municipal) => c.user.municipality_id,
        _ => None,
    };
    let school_ids = match (level, t.target.as_str()) {
        (Some(EventLevel::School), _) => c.user.school_id.into_iter().collect(),
        (_, "open") => Vec::new(),
        (_, target) => crate::pages::targets::chosen(st, c, target, &t.codes, &mut errors).await?,
    };
    let schedule = match starts_on {
        Some(first) => match Schedule::new(first, ends_on, starts_at, ends_at) {
            Ok(s) => Some(s),
            Err(e) => {
                errors.push(e.to_string());
                None
            }
        },
        None => None,
    };
    if t.title.trim().is_empty() {
        errors.push("тема: заполните поле".into());
    }
    match (kind, level, schedule) {
        (Some(kind), Some(level), Some(schedule)) if errors.is_empty() => Ok(Ok(EventFields {
            title: t.title.clone(),
            kind,
            level,
            schedule,
            place: t.place.clone(),
            organiser: t.organiser.clone(),
            municipality_id,
            school_id: if level == EventLevel::School {
                c.user.school_id
            } else {
                None
            },
            description: t.description.clone(),
            materials: t.materials.clone(),
            hours,
            certificate: t.certificate,
            school_ids,
        })),
        _ => Ok(Err(errors)),
    }
}

/// How far ahead «мои задачи» shows coming events.
const TASK_DAYS: i64 = 30;

/// The events in «мои задачи»: coming ones and those whose attendance is
/// still to be marked.
#[derive(Default)]
pub struct EventTasks {
    /// Coming within [`TASK_DAYS`]: a teacher's own invitations; everyone
    /// else's events of their scope (a municipality and the region: those
    /// they keep).
    pub coming: Vec<EventLine>,
    /// Kept by the caller, begun in the last [`TASK_DAYS`] days, not
    /// cancelled, with participants whose attendance is not marked or
    /// still planned.
    pub to_mark: Vec<EventLine>,
}

pub async fn tasks(st: &AppState, c: &Caller) -> WebResult<EventTasks> {
    let on = today();
    let ahead = on.add_days(TASK_DAYS).unwrap_or(on);
    let recent = on.add_days(-TASK_DAYS).unwrap_or(on);
    let filter = EventFilter {
        from: Some(recent),
        to: Some(ahead),
        ..EventFilter::default()
    };
    let events = st.db.events(&c.scope, &filter).await?;
    let own: Vec<i64> = match st.db.teacher_of_user(c.user.id).await? {
        Some(t) if c.role() == opora_store::users::Role::Teacher => st
            .db
            .teacher_events(t)
            .await?
            .iter()
            .map(|e| e.event_id)
            .collect(),
        _ => Vec::new(),
    };
    let coming = events
        .iter()
        .filter(|e| e.status != EventStatus::Cancelled && e.fields.schedule.last_day() >= on)
        .filter(|e| match c.role() {
            opora_store::users::Role::Teacher => own.contains(&e.id),
            opora_store::users::Role::Region | opora_store::users::Role::Municipality => {
                rights::keeps(c, e)
            }
            _ => true,
        })
        .map(EventLine::of)
        .collect();
    let to_mark = events
        .iter()
        .filter(|e| rights::keeps(c, e) && needs_marks(e, on))
        .map(EventLine::of)
        .collect();
    Ok(EventTasks { coming, to_mark })
}

/// Begun, not cancelled, and either still planned or with participants
/// whose attendance is not marked.
fn needs_marks(e: &Event, on: Date) -> bool {
    e.status != EventStatus::Cancelled
        && e.fields.schedule.starts_on <= on
        && (e.status == EventStatus::Planned || e.counts.invited > 0)
}
