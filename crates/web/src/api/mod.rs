//! JSON API under `/api/…`: the same data and the same scoping as the pages
//! (the same store queries with the caller's scope; out of scope = 404).
//! Authentication is the session cookie of the web login. Handlers answer
//! the API's own types (`types`), converted from the store's; the OpenAPI
//! 3.1 document at `/api/openapi.json` (`openapi`) derives its schemas from
//! the same types.

mod events;
mod openapi;
mod pupils;
mod staff;
pub mod types;

pub use openapi::openapi_document;

use crate::auth::Caller;
use crate::error::WebError;
use crate::extract::{Path, Query};
use crate::pages::schools::ListQuery;
use crate::{AppState, Routes};
use axum::extract::State;
use axum::http::header;
use axum::response::{IntoResponse, Response};

use axum::Json;
use opora_store::run_index::ListKind;
use types::all;

/// An API error: JSON body `{"error": "…", "status": N}`.
pub struct ApiError(WebError);

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        self.0.into_json()
    }
}

impl<E: Into<WebError>> From<E> for ApiError {
    fn from(e: E) -> Self {
        ApiError(e.into())
    }
}

type ApiResult<T> = Result<Json<T>, ApiError>;

/// Every API path (axum syntax), read from the router: the OpenAPI
/// document is checked against it in tests.
pub fn paths() -> Vec<&'static str> {
    let mut paths: Vec<&'static str> = routes()
        .into_parts()
        .1
        .into_iter()
        .map(|r| r.path)
        .collect();
    paths.dedup();
    paths
}

pub fn routes() -> Routes {
    Routes::new()
        .get("/api/me", me)
        .get("/api/municipalities", municipalities)
        .get("/api/schools", schools)
        .get("/api/schools/{code}", school)
        .get("/api/runs", runs)
        .get("/api/runs/{id}", run)
        .get("/api/runs/{id}/lists/{list}", run_list)
        .get("/api/plans", plans)
        .get("/api/plans/{id}", plan)
        .get("/api/overdue", overdue)
        .get("/api/indicators", indicators)
        .get("/api/campaigns", campaigns)
        .get("/api/notifications", notifications)
        .get("/api/sites", sites)
        .get("/api/teachers", staff::teachers)
        .get("/api/teachers/due", staff::due)
        .get("/api/diagnostics", staff::diagnostics)
        .get("/api/mentoring", staff::mentoring)
        .get("/api/programmes", staff::programmes)
        .get("/api/development-plans", staff::development_plans)
        .get("/api/principals", staff::principals)
        .get("/api/pupils", pupils::pupils)
        .get("/api/pupils/summary", pupils::summary)
        .get("/api/orders", orders)
        .get("/api/events", events::events)
        .get("/api/events/{id}", events::event)
        .get("/api/openapi.json", openapi)
}

/// The orders register of the caller's scope, latest first.
async fn orders(State(st): State<AppState>, caller: Caller) -> ApiResult<Vec<types::OrderInfo>> {
    let in_force = st.db.approving_order().await?.map(|o| o.id);
    Ok(Json(
        st.db
            .orders(&caller.scope)
            .await?
            .iter()
            .map(|o| types::OrderInfo::of(o, in_force))
            .collect(),
    ))
}

async fn me(caller: Caller) -> ApiResult<types::Me> {
    Ok(Json(types::Me {
        login: caller.user.login.clone(),
        display_name: caller.user.display_name.clone(),
        role: caller.user.role.code().to_string(),
        role_title: caller.user.role.title().to_string(),
        scope: types::Scope::from(&caller.scope),
    }))
}

async fn municipalities(
    State(st): State<AppState>,
    caller: Caller,
) -> ApiResult<Vec<types::Municipality>> {
    Ok(Json(all(&st.db.municipalities_in(&caller.scope).await?)))
}

#[derive(serde::Deserialize, Default)]
#[serde(default)]
struct PerPage {
    per_page: String,
}

async fn schools(
    State(st): State<AppState>,
    caller: Caller,
    Query(q): Query<ListQuery>,
    Query(pp): Query<PerPage>,
) -> ApiResult<types::SchoolPage> {
    let per_page = pp
        .per_page
        .trim()
        .parse::<usize>()
        .unwrap_or(st.cfg.per_page)
        .clamp(1, 1000);
    let (run_id, all) = st.cache.school_rows(&st.db, &caller.scope).await?;
    let page = opora_store::registry::page_of(&all, run_id, &q.filter(per_page));
    Ok(Json(types::SchoolPage::from(&page)))
}

async fn school(
    State(st): State<AppState>,
    caller: Caller,
    Path(code): Path<String>,
) -> ApiResult<types::SchoolCard> {
    let means = st.cache.region_means(&st.db).await?;
    let card = st
        .db
        .school_card_with(&caller.scope, &code, Some(&means))
        .await?
        .ok_or(WebError::NotFound)?;
    Ok(Json(types::SchoolCard::from(&card)))
}

async fn runs(State(st): State<AppState>, caller: Caller) -> ApiResult<Vec<types::RunSummary>> {
    Ok(Json(all(&st.db.runs_in(&caller.scope).await?)))
}

async fn run(
    State(st): State<AppState>,
    caller: Caller,
    Path(id): Path<i64>,
) -> Result<Response, ApiError> {
    let run = st
        .db
        .run_in(&caller.scope, id)
        .await?
        .ok_or(WebError::NotFound)?;
    let summary = st
        .db
        .runs_in(&caller.scope)
        .await?
        .iter()
        .find(|r| r.id == id)
        .map(types::RunSummary::from);
    let detail = types::RunDetail {
        summary,
        years: &run.years,
        config: &run.config,
        model: &run.model,
        notes: &run.notes,
        schools: all(&run.schools),
        objectivity: all(&run.objectivity),
        checklist: all(&run.checklist),
    };
    Ok(Json(detail).into_response())
}

async fn run_list(
    State(st): State<AppState>,
    caller: Caller,
    Path((id, list)): Path<(i64, String)>,
) -> ApiResult<Vec<types::ListRow>> {
    let kind = ListKind::from_code(&list).ok_or(WebError::NotFound)?;
    if !st.db.run_exists(id).await? {
        return Err(WebError::NotFound.into());
    }
    Ok(Json(all(&st.db.run_list(&caller.scope, id, kind).await?)))
}

async fn plans(State(st): State<AppState>, caller: Caller) -> ApiResult<Vec<types::PlanSummary>> {
    let today = opora_plans::Date::today();
    Ok(Json(all(&st.db.plans(&caller.scope, today).await?)))
}

/// A plan whole (sections, activities with deadlines as written and as
/// parsed, statuses) with its summary and what the caller may do with it.
async fn plan(
    State(st): State<AppState>,
    caller: Caller,
    Path(id): Path<i64>,
) -> Result<Response, ApiError> {
    let (summary, plan, rights) = crate::pages::plans::load_plan(&st, &caller, id).await?;
    let detail = types::PlanDetail {
        summary: types::PlanSummary::from(&summary),
        plan: &plan,
        rights: types::Rights {
            work: rights.work,
            verify: rights.verify,
            manage: rights.manage,
        },
    };
    Ok(Json(detail).into_response())
}

async fn overdue(
    State(st): State<AppState>,
    caller: Caller,
) -> ApiResult<Vec<types::OverdueActivity>> {
    let today = opora_plans::Date::today();
    Ok(Json(all(&st.db.overdue(&caller.scope, today).await?)))
}

/// The indicators of the programmes the caller may see.
async fn indicators(
    State(st): State<AppState>,
    caller: Caller,
) -> ApiResult<Vec<types::Indicator>> {
    let facts = crate::pages::indicators::facts::latest_facts(&st, &caller).await?;
    Ok(Json(facts.iter().map(types::Indicator::from).collect()))
}

/// The campaigns with a target school in the caller's scope, with the
/// completeness and timeliness of those schools.
async fn campaigns(
    State(st): State<AppState>,
    caller: Caller,
) -> ApiResult<Vec<types::CampaignInfo>> {
    Ok(Json(all(&st.db.campaigns_in(&caller.scope).await?)))
}

/// The caller's own notifications, newest first, and how many are unread.
async fn notifications(
    State(st): State<AppState>,
    caller: Caller,
) -> ApiResult<types::Notifications> {
    let items = st
        .db
        .notifications_for(caller.user.id, crate::pages::notifications::SHOWN)
        .await?;
    Ok(Json(types::Notifications {
        unread: st.db.unread_count(caller.user.id).await?,
        items: all(&items),
    }))
}

/// The schools in the caller's scope with a website: the latest check and
/// what was found (overrides counted).
async fn sites(State(st): State<AppState>, caller: Caller) -> ApiResult<Vec<types::SchoolSite>> {
    Ok(Json(all(&st.db.latest_site_audits(&caller.scope).await?)))
}

async fn openapi() -> Response {
    (
        [(header::CONTENT_TYPE, "application/json; charset=utf-8")],
        openapi_document().to_string(),
    )
        .into_response()
}
