//! JSON API under `/api/…`: the same data and the same scoping as the pages
//! (the same store queries with the caller's scope; out of scope = 404).
//! Authentication is the session cookie of the web login. The OpenAPI 3.1
//! document at `/api/openapi.json` is written by hand (see docs/decisions.md:
//! ten read-only endpoints do not pay for a derive-macro framework).

use crate::auth::Caller;
use crate::error::WebError;
use crate::extract::{Path, Query};
use crate::pages::schools::ListQuery;
use crate::AppState;
use axum::extract::State;
use axum::http::header;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};
use opora_store::run_index::ListKind;
use serde_json::{json, Value};

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

/// Every API path (axum syntax) — the router and the OpenAPI document are
/// checked against each other in tests.
pub const PATHS: &[&str] = &[
    "/api/me",
    "/api/municipalities",
    "/api/schools",
    "/api/schools/{code}",
    "/api/runs",
    "/api/runs/{id}",
    "/api/runs/{id}/lists/{list}",
    "/api/plans",
    "/api/plans/{id}",
    "/api/overdue",
    "/api/openapi.json",
];

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/api/me", get(me))
        .route("/api/municipalities", get(municipalities))
        .route("/api/schools", get(schools))
        .route("/api/schools/{code}", get(school))
        .route("/api/runs", get(runs))
        .route("/api/runs/{id}", get(run))
        .route("/api/runs/{id}/lists/{list}", get(run_list))
        .route("/api/plans", get(plans))
        .route("/api/plans/{id}", get(plan))
        .route("/api/overdue", get(overdue))
        .route("/api/openapi.json", get(openapi))
}

async fn me(caller: Caller) -> ApiResult<Value> {
    Ok(Json(json!({
        "login": caller.user.login,
        "display_name": caller.user.display_name,
        "role": caller.user.role.code(),
        "role_title": caller.user.role.title(),
        "scope": caller.scope,
    })))
}

async fn municipalities(
    State(st): State<AppState>,
    caller: Caller,
) -> ApiResult<Vec<opora_store::registry::Municipality>> {
    Ok(Json(st.db.municipalities_in(&caller.scope).await?))
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
) -> ApiResult<opora_store::registry::SchoolPage> {
    let per_page = pp
        .per_page
        .trim()
        .parse::<usize>()
        .unwrap_or(st.cfg.per_page)
        .clamp(1, 1000);
    let (run_id, all) = st.cache.school_rows(&st.db, &caller.scope).await?;
    Ok(Json(opora_store::registry::page_of(
        &all,
        run_id,
        &q.filter(per_page),
    )))
}

async fn school(
    State(st): State<AppState>,
    caller: Caller,
    Path(code): Path<String>,
) -> ApiResult<opora_store::school_card::SchoolCard> {
    let means = st.cache.region_means(&st.db).await?;
    Ok(Json(
        st.db
            .school_card_with(&caller.scope, &code, Some(&means))
            .await?
            .ok_or(WebError::NotFound)?,
    ))
}

async fn runs(
    State(st): State<AppState>,
    caller: Caller,
) -> ApiResult<Vec<opora_store::runs::RunSummary>> {
    Ok(Json(st.db.runs_in(&caller.scope).await?))
}

async fn run(State(st): State<AppState>, caller: Caller, Path(id): Path<i64>) -> ApiResult<Value> {
    let run = st
        .db
        .run_in(&caller.scope, id)
        .await?
        .ok_or(WebError::NotFound)?;
    let summary = st
        .db
        .runs_in(&caller.scope)
        .await?
        .into_iter()
        .find(|r| r.id == id);
    Ok(Json(json!({
        "summary": summary,
        "years": run.years,
        "config": run.config,
        "model": run.model,
        "notes": run.notes,
        "schools": run.schools,
        "objectivity": run.objectivity,
        "checklist": run.checklist,
    })))
}

async fn run_list(
    State(st): State<AppState>,
    caller: Caller,
    Path((id, list)): Path<(i64, String)>,
) -> ApiResult<Vec<opora_store::run_index::ListRow>> {
    let kind = ListKind::from_code(&list).ok_or(WebError::NotFound)?;
    if !st.db.run_exists(id).await? {
        return Err(WebError::NotFound.into());
    }
    Ok(Json(st.db.run_list(&caller.scope, id, kind).await?))
}

async fn plans(
    State(st): State<AppState>,
    caller: Caller,
) -> ApiResult<Vec<opora_store::plans::PlanSummary>> {
    Ok(Json(
        st.db
            .plans(&caller.scope, opora_plans::Date::today())
            .await?,
    ))
}

/// A plan whole (sections, activities with deadlines as written and as
/// parsed, statuses) with its summary and what the caller may do with it.
async fn plan(State(st): State<AppState>, caller: Caller, Path(id): Path<i64>) -> ApiResult<Value> {
    let (summary, plan, rights) = crate::pages::plans::load_plan(&st, &caller, id).await?;
    Ok(Json(json!({
        "summary": summary,
        "plan": plan,
        "rights": { "work": rights.work, "verify": rights.verify, "manage": rights.manage },
    })))
}

async fn overdue(
    State(st): State<AppState>,
    caller: Caller,
) -> ApiResult<Vec<opora_store::plans::OverdueActivity>> {
    Ok(Json(
        st.db
            .overdue(&caller.scope, opora_plans::Date::today())
            .await?,
    ))
}

async fn openapi() -> Response {
    (
        [(header::CONTENT_TYPE, "application/json; charset=utf-8")],
        openapi_document().to_string(),
    )
        .into_response()
}

/// The OpenAPI 3.1 document of the API.
pub fn openapi_document() -> Value {
    let err = json!({ "description": "Ошибка", "content": { "application/json": { "schema": { "$ref": "#/components/schemas/Error" } } } });
    let ok = |desc: &str, schema: Value| json!({ "description": desc, "content": { "application/json": { "schema": schema } } });
    let responses = |desc: &str, schema: Value| json!({ "200": ok(desc, schema), "401": err.clone(), "404": err.clone() });
    let param = |name: &str, place: &str, desc: &str, ty: &str| json!({ "name": name, "in": place, "required": place == "path", "description": desc, "schema": { "type": ty } });
    let list_query = vec![
        param(
            "q",
            "query",
            "Поиск по коду, названию, адресу (без учёта регистра, ё = е)",
            "string",
        ),
        param(
            "municipality",
            "query",
            "Идентификатор муниципалитета",
            "integer",
        ),
        json!({ "name": "category", "in": "query", "required": false, "description": "Категория в последнем расчёте",
                "schema": { "type": "string", "enum": ["shnor", "shnsu", "low", "resilient", "normal", "nodata"] } }),
        param(
            "kind",
            "query",
            "Тип ОО (СОШ, ООШ, лицей, гимназия, …)",
            "string",
        ),
        param("locality", "query", "Местность (город, село)", "string"),
        json!({ "name": "sort", "in": "query", "required": false, "description": "Сортировка",
                "schema": { "type": "string", "enum": ["name", "code", "municipality", "kind", "enrolment", "category", "effect"] } }),
        json!({ "name": "dir", "in": "query", "required": false, "schema": { "type": "string", "enum": ["asc", "desc"] } }),
        param("page", "query", "Страница, с 1", "integer"),
        param("per_page", "query", "Строк на странице (1–1000)", "integer"),
    ];
    let obj = |props: Value| json!({ "type": "object", "properties": props });
    json!({
        "openapi": "3.1.0",
        "info": {
            "title": "Опора API",
            "version": env!("CARGO_PKG_VERSION"),
            "description": "Данные реестра, расчётов идентификации ШНОР/ШНСУ и карточек школ в области доступа пользователя. \
                            Вход — через веб-форму /login (cookie сеанса opora_session). Объекты вне области доступа отвечают 404."
        },
        "components": {
            "securitySchemes": { "session": { "type": "apiKey", "in": "cookie", "name": "opora_session" } },
            "schemas": {
                "Error": obj(json!({ "error": { "type": "string" }, "status": { "type": "integer" } })),
                "Municipality": obj(json!({ "id": { "type": "integer" }, "name": { "type": "string" }, "schools": { "type": "integer" } })),
                "School": obj(json!({
                    "id": { "type": "integer" }, "code": { "type": "string" }, "municipality_id": { "type": "integer" },
                    "municipality": { "type": "string" }, "full_name": { "type": "string" }, "short_name": { "type": "string" },
                    "kind": { "type": "string" }, "locality": { "type": "string" }, "address": { "type": "string" },
                    "website": { "type": "string" }, "enrolment": { "type": ["integer", "null"] }
                })),
                "LatestLine": obj(json!({
                    "run_id": { "type": "integer" }, "category": { "type": "string" }, "is_shnor": { "type": "boolean" },
                    "is_low_results": { "type": "boolean" }, "is_shnsu": { "type": "boolean" }, "is_resilient": { "type": "boolean" },
                    "insufficient_data": { "type": "boolean" }, "effect": { "type": ["number", "null"] },
                    "result_index": { "type": ["number", "null"] }, "social_index": { "type": ["number", "null"] }, "reason": { "type": "string" }
                })),
                "SchoolPage": obj(json!({
                    "rows": { "type": "array", "items": obj(json!({ "school": { "$ref": "#/components/schemas/School" },
                        "latest": { "oneOf": [{ "$ref": "#/components/schemas/LatestLine" }, { "type": "null" }] } })) },
                    "total": { "type": "integer" }, "page": { "type": "integer" }, "pages": { "type": "integer" },
                    "run_id": { "type": ["integer", "null"] }
                })),
                "RunSummary": obj(json!({
                    "id": { "type": "integer" }, "at": { "type": "string", "description": "UTC, YYYY-MM-DDTHH:MM:SSZ" },
                    "actor": { "type": "string" }, "years": { "type": "string" }, "n_schools": { "type": "integer" },
                    "shnor": { "type": "integer" }, "low_results": { "type": "integer" }, "shnsu": { "type": "integer" },
                    "resilient": { "type": "integer" }, "r2": { "type": ["number", "null"] }
                })),
                "ListRow": obj(json!({
                    "school_code": { "type": "string" }, "municipality": { "type": "string" }, "full_name": { "type": "string" },
                    "short_name": { "type": "string" }, "category": { "type": "string" }, "reason": { "type": "string" },
                    "effect": { "type": ["number", "null"] }
                })),
                "SchoolCard": obj(json!({
                    "school": { "$ref": "#/components/schemas/School" },
                    "context": { "type": "array", "items": { "type": "object" } },
                    "results": { "type": "array", "items": { "type": "object" } },
                    "runs": { "type": "array", "items": { "type": "object" } },
                    "latest": obj(json!({ "checklist": { "type": "array" }, "objectivity": { "type": "array" } }))
                }))
            }
        },
        "security": [{ "session": [] }],
        "paths": {
            "/api/me": { "get": { "summary": "Текущий пользователь, роль и область доступа",
                "responses": responses("Пользователь", obj(json!({ "login": { "type": "string" }, "display_name": { "type": "string" },
                    "role": { "type": "string" }, "role_title": { "type": "string" }, "scope": {} }))) } },
            "/api/municipalities": { "get": { "summary": "Муниципалитеты в области доступа",
                "responses": responses("Муниципалитеты", json!({ "type": "array", "items": { "$ref": "#/components/schemas/Municipality" } })) } },
            "/api/schools": { "get": { "summary": "Школы: поиск, фильтры, сортировка, страницы", "parameters": list_query,
                "responses": responses("Страница списка", json!({ "$ref": "#/components/schemas/SchoolPage" })) } },
            "/api/schools/{code}": { "get": { "summary": "Карточка школы",
                "parameters": [param("code", "path", "Код ОО", "string")],
                "responses": responses("Карточка", json!({ "$ref": "#/components/schemas/SchoolCard" })) } },
            "/api/runs": { "get": { "summary": "Сохранённые расчёты (числа — по школам в области доступа)",
                "responses": responses("Расчёты", json!({ "type": "array", "items": { "$ref": "#/components/schemas/RunSummary" } })) } },
            "/api/runs/{id}": { "get": { "summary": "Расчёт: модель и школы в области доступа",
                "parameters": [param("id", "path", "Номер расчёта", "integer")],
                "responses": responses("Расчёт", obj(json!({ "summary": { "$ref": "#/components/schemas/RunSummary" },
                    "years": { "type": "array", "items": { "type": "integer" } }, "config": { "type": "object" },
                    "model": { "type": "object" }, "notes": { "type": "array", "items": { "type": "string" } },
                    "schools": { "type": "array", "items": { "type": "object" } },
                    "objectivity": { "type": "array", "items": { "type": "object" } },
                    "checklist": { "type": "array", "items": { "type": "object" } } }))) } },
            "/api/runs/{id}/lists/{list}": { "get": { "summary": "Список расчёта (как в приложении к приказу)",
                "parameters": [param("id", "path", "Номер расчёта", "integer"),
                    json!({ "name": "list", "in": "path", "required": true, "schema": { "type": "string", "enum": ["shnor", "shnsu", "low", "resilient"] } })],
                "responses": responses("Строки списка", json!({ "type": "array", "items": { "$ref": "#/components/schemas/ListRow" } })) } },
            "/api/plans": { "get": { "summary": "Дорожные карты в области доступа (свои, своих школ и региональные) с числом мероприятий, выполненных и просроченных",
                "responses": responses("Планы", json!({ "type": "array", "items": { "type": "object" } })) } },
            "/api/plans/{id}": { "get": { "summary": "План целиком: разделы, мероприятия, сроки как написаны и как поняты, статусы; права пользователя на план",
                "parameters": [param("id", "path", "Номер плана", "integer")],
                "responses": responses("План", obj(json!({ "summary": { "type": "object" }, "plan": { "type": "object" },
                    "rights": obj(json!({ "work": { "type": "boolean" }, "verify": { "type": "boolean" }, "manage": { "type": "boolean" } })) }))) } },
            "/api/overdue": { "get": { "summary": "Просроченные мероприятия планов своей зоны ответственности (на сегодня)",
                "responses": responses("Мероприятия", json!({ "type": "array", "items": { "type": "object" } })) } },
            "/api/openapi.json": { "get": { "summary": "Этот документ", "security": [],
                "responses": { "200": { "description": "OpenAPI 3.1", "content": { "application/json": {} } } } } }
        }
    })
}

#[cfg(test)]
mod tests {
    #[test]
    fn every_route_is_documented() {
        let doc = super::openapi_document();
        let paths = doc["paths"].as_object().unwrap();
        assert_eq!(paths.len(), super::PATHS.len());
        for p in super::PATHS {
            assert!(paths.contains_key(*p), "{p} is not in openapi.json");
        }
    }
}
