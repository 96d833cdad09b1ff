//! The pupils' part of the API: `/api/pupils` (a school's register, to the
//! school's users and its curators; everyone else 404, as on the pages)
//! and `/api/pupils/summary` (counts per school of any scope, with counts
//! under 5 as `"<5"` above the school).

use super::types::{PupilCounts, PupilInfo};
use super::ApiResult;
use crate::auth::Caller;
use crate::error::WebError;
use crate::extract::Query;
use crate::pages::pupils::rights;
use crate::AppState;
use axum::extract::State;
use axum::Json;

#[derive(serde::Deserialize, Default)]
pub struct PupilsQuery {
    /// A school code: only its register.
    #[serde(default)]
    pub school: String,
}

pub async fn pupils(
    State(st): State<AppState>,
    caller: Caller,
    Query(q): Query<PupilsQuery>,
) -> ApiResult<Vec<PupilInfo>> {
    if !rights::sees_pupils(&caller) {
        return Err(WebError::NotFound.into());
    }
    let today = opora_plans::clock::today();
    let code = q.school.trim();
    if !code.is_empty()
        && !st
            .db
            .schools_in(&caller.scope)
            .await?
            .iter()
            .any(|s| s.code == code)
    {
        return Err(WebError::NotFound.into());
    }
    let list = st.db.pupils(&caller.scope, &caller.user.login).await?;
    Ok(Json(
        list.iter()
            .filter(|p| code.is_empty() || p.school_code == code)
            .map(|p| PupilInfo::of(p, today))
            .collect(),
    ))
}

pub async fn summary(State(st): State<AppState>, caller: Caller) -> ApiResult<Vec<PupilCounts>> {
    let mask = rights::masks_counts(&caller);
    let rows = st
        .db
        .pupil_summary(&caller.scope, opora_plans::clock::today())
        .await?;
    Ok(Json(
        rows.iter().map(|s| PupilCounts::of(s, mask)).collect(),
    ))
}
