//! Самодиагностика (`/staff/instruments`): the region's methodological
//! centre writes instruments — statements per competence area — and opens
//! or closes them; a teacher rates each statement on a four-step scale
//! (`/staff/instruments/{id}`), and the answers become their results of
//! the instrument's round, shown on their card. Everyone reads the
//! statements; only the teacher sees their answers.

use super::card::Choice;
use super::rights;
use crate::auth::{Caller, Layout};
use crate::error::{WebError, WebResult};
use crate::extract::{Fields, Path, Query};
use crate::AppState;
use askama::Template;
use axum::extract::State;
use axum::response::{Html, IntoResponse, Redirect, Response};
use opora_staff::instruments::{parse_items, SCALE};
use opora_store::staff::instruments::Instrument;
use opora_store::users::Role;

fn require_keeper(c: &Caller) -> WebResult<()> {
    if rights::keeps_catalogue(c) {
        Ok(())
    } else {
        Err(WebError::Forbidden(
            "Самодиагностику составляет региональный оператор (методический центр).".into(),
        ))
    }
}

/// An instrument in the list.
pub struct InstrumentLine {
    pub id: i64,
    pub title: String,
    pub on: String,
    pub subject: String,
    pub open: bool,
    pub items: usize,
    pub answered: i64,
}

fn line(i: &Instrument) -> InstrumentLine {
    InstrumentLine {
        id: i.id,
        title: i.round.title.clone(),
        on: i.round.held_on.ru(),
        subject: if i.subject.is_empty() {
            "предмет выбирает педагог".into()
        } else {
            i.subject.clone()
        },
        open: i.open,
        items: i.items.len(),
        answered: i.answered,
    }
}

#[derive(Template)]
#[template(path = "staff/instruments.html")]
struct ListPage {
    l: Layout,
    instruments: Vec<InstrumentLine>,
    can_keep: bool,
    notice: &'static str,
}

#[derive(serde::Deserialize, Default)]
pub struct DoneQuery {
    #[serde(default)]
    pub done: String,
}

pub async fn list(
    State(st): State<AppState>,
    caller: Caller,
    Query(q): Query<DoneQuery>,
) -> WebResult<Html<String>> {
    let instruments = st.db.instruments().await?;
    let page = ListPage {
        l: Layout::new(&caller, "Самодиагностика", "/staff"),
        instruments: instruments.iter().map(line).collect(),
        can_keep: rights::keeps_catalogue(&caller),
        notice: match q.done.as_str() {
            "created" => "Самодиагностика создана и открыта для педагогов.",
            "opened" => "Самодиагностика открыта.",
            "closed" => "Самодиагностика закрыта: ответы больше не принимаются.",
            _ => "",
        },
    };
    Ok(Html(page.render()?))
}

pub async fn create(
    State(st): State<AppState>,
    caller: Caller,
    form: Fields,
) -> WebResult<Response> {
    require_keeper(&caller)?;
    let items = parse_items(form.get("items"))
        .map_err(|e| WebError::Unprocessable(format!("Утверждения: {e}.")))?;
    st.db
        .create_instrument(
            form.get("title"),
            &opora_io::records::clean_name(form.get("subject")),
            &items,
            opora_plans::clock::today(),
            &caller.user.login,
        )
        .await?;
    Ok(Redirect::to("/staff/instruments?done=created").into_response())
}

pub async fn set_open(
    State(st): State<AppState>,
    caller: Caller,
    Path(id): Path<i64>,
    form: Fields,
) -> WebResult<Response> {
    require_keeper(&caller)?;
    let open = super::switch(&form, "open", "«открыть» или «закрыть»")?;
    st.db
        .set_instrument_open(id, open, &caller.user.login)
        .await?;
    let done = if open { "opened" } else { "closed" };
    Ok(Redirect::to(&format!("/staff/instruments?done={done}")).into_response())
}

/// A statement on the instrument's page, with the teacher's answer.
pub struct ItemLine {
    pub id: i64,
    pub area: &'static str,
    pub text: String,
    pub answer: u8,
}

#[derive(Template)]
#[template(path = "staff/instrument.html")]
struct InstrumentPage {
    l: Layout,
    instrument: InstrumentLine,
    items: Vec<ItemLine>,
    scale: Vec<(u8, &'static str)>,
    /// The teacher's own form (open, with a staff record).
    answering: bool,
    /// The subjects the teacher may answer for (when the instrument names none).
    subjects: Vec<Choice>,
    teacher_id: i64,
    notice: &'static str,
}

/// The caller's own staff record when they answer instruments.
async fn own_record(
    st: &AppState,
    c: &Caller,
) -> WebResult<Option<opora_store::staff::teachers::Teacher>> {
    if c.role() != Role::Teacher {
        return Ok(None);
    }
    let Some(id) = st.db.teacher_of_user(c.user.id).await? else {
        return Ok(None);
    };
    Ok(st.db.teacher(&c.scope, id).await?)
}

pub async fn show(
    State(st): State<AppState>,
    caller: Caller,
    Path(id): Path<i64>,
    Query(q): Query<DoneQuery>,
) -> WebResult<Html<String>> {
    let instrument = st.db.instrument(id).await?.ok_or(WebError::NotFound)?;
    let me = own_record(&st, &caller).await?;
    let answers = match &me {
        Some(t) => st.db.instrument_answers(&instrument, t.id).await?,
        None => None,
    };
    let (answered_subject, answered) = answers.unwrap_or_default();
    let subjects = match &me {
        Some(t) if instrument.subject.is_empty() => t
            .fields
            .subjects
            .iter()
            .map(|s| Choice {
                code: s.clone(),
                title: s.clone(),
                selected: *s == answered_subject,
            })
            .collect(),
        _ => Vec::new(),
    };
    let page = InstrumentPage {
        l: Layout::new(&caller, instrument.round.title.clone(), "/staff"),
        instrument: line(&instrument),
        items: instrument
            .items
            .iter()
            .map(|(item, i)| ItemLine {
                id: *item,
                area: i.competence.title(),
                text: i.text.clone(),
                answer: answered.get(item).copied().unwrap_or(0),
            })
            .collect(),
        scale: SCALE
            .iter()
            .enumerate()
            .map(|(k, t)| (k as u8 + 1, *t))
            .collect(),
        answering: instrument.open && me.is_some(),
        subjects,
        teacher_id: me.as_ref().map_or(0, |t| t.id),
        notice: match q.done.as_str() {
            "answered" => "Ответы сохранены; результаты — в вашей карточке.",
            _ => "",
        },
    };
    Ok(Html(page.render()?))
}

pub async fn answer(
    State(st): State<AppState>,
    caller: Caller,
    Path(id): Path<i64>,
    form: Fields,
) -> WebResult<Response> {
    let instrument = st.db.instrument(id).await?.ok_or(WebError::NotFound)?;
    let Some(me) = own_record(&st, &caller).await? else {
        return Err(WebError::Forbidden(
            "Самодиагностику проходит педагог со своей учётной записью, связанной с кадровым учётом.".into(),
        ));
    };
    let subject = if instrument.subject.is_empty() {
        let s = form.get("subject");
        if !me.fields.subjects.iter().any(|x| x == s) {
            return Err(WebError::Unprocessable(
                "Предмет: выберите один из своих предметов.".into(),
            ));
        }
        s.to_string()
    } else {
        instrument.subject.clone()
    };
    let mut answers = Vec::with_capacity(instrument.items.len());
    for (k, (item, i)) in instrument.items.iter().enumerate() {
        let a: u8 = form
            .get(&format!("item_{item}"))
            .parse()
            .ok()
            .filter(|a| (1..=SCALE.len() as u8).contains(a))
            .ok_or_else(|| {
                WebError::Unprocessable(format!(
                    "Утверждение {} («{}»): выберите оценку от 1 до 4.",
                    k + 1,
                    i.text
                ))
            })?;
        answers.push(a);
    }
    st.db
        .answer_instrument(&instrument, &me, &subject, &answers, &caller.user.login)
        .await?;
    Ok(Redirect::to(&format!("/staff/instruments/{id}?done=answered")).into_response())
}
