//! The events' part of the API: `/api/events` (the calendar of the
//! caller's scope, by period, municipality, school and kind — the same
//! filter as the page's) and `/api/events/{id}` (one event with its
//! protocol, decisions and the participants the caller may see).

use super::types::{all, EventDetail, EventInfo};
use super::ApiResult;
use crate::auth::Caller;
use crate::error::WebError;
use crate::extract::{Path, Query};
use crate::AppState;
use axum::extract::State;
use axum::Json;
use opora_plans::date::Date;

#[derive(serde::Deserialize, Default)]
pub struct EventsQuery {
    /// Events on or after this day (ISO or dd.mm.yyyy).
    #[serde(default)]
    pub from: String,
    /// …and on or before this one.
    #[serde(default)]
    pub to: String,
    #[serde(default)]
    pub municipality: String,
    /// A school code.
    #[serde(default)]
    pub school: String,
    #[serde(default)]
    pub kind: String,
}

fn date_param(name: &str, text: &str) -> Result<Option<Date>, WebError> {
    if text.trim().is_empty() {
        return Ok(None);
    }
    Date::parse(text).map(Some).ok_or_else(|| {
        WebError::BadRequest(format!(
            "Параметр {name}: «{text}» — не дата; ожидается ГГГГ-ММ-ДД или ДД.ММ.ГГГГ."
        ))
    })
}

pub async fn events(
    State(st): State<AppState>,
    caller: Caller,
    Query(q): Query<EventsQuery>,
) -> ApiResult<Vec<EventInfo>> {
    let mut filter =
        crate::pages::events::filter_of(&st, &caller, &q.municipality, &q.school, &q.kind).await?;
    filter.from = date_param("from", &q.from)?;
    filter.to = date_param("to", &q.to)?;
    let events = st.db.events(&caller.scope, &filter).await?;
    Ok(Json(all(&events)))
}

pub async fn event(
    State(st): State<AppState>,
    caller: Caller,
    Path(id): Path<i64>,
) -> ApiResult<EventDetail> {
    let e = crate::pages::events::card::visible_event(&st, &caller, id).await?;
    let participants = crate::pages::events::card::participants_seen(&st, &caller, &e).await?;
    Ok(Json(EventDetail {
        event: EventInfo::from(&e),
        description: e.fields.description.clone(),
        materials: e.fields.materials.clone(),
        protocol: e.protocol.clone(),
        decisions: all(&st.db.event_decisions(e.id).await?),
        participant_list: all(&participants),
    }))
}
