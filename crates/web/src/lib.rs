//! Web UI and JSON API. Until the web application issue lands this is a
//! plain, readable overview of the registry: municipalities and schools.

use axum::extract::{Path, State};
use axum::http::{header, StatusCode};
use axum::response::{Html, IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};
use opora_store::Db;
use std::net::SocketAddr;

#[derive(Clone)]
struct AppState {
    db: Db,
}

/// The application's routes over a database.
pub fn router(db: Db) -> Router {
    Router::new()
        .route("/", get(home))
        .route("/municipalities/{id}", get(municipality))
        .route("/api/municipalities", get(api_municipalities))
        .route("/api/schools", get(api_schools))
        .route("/static/opora.css", get(css))
        .route("/healthz", get(|| async { "ok" }))
        .with_state(AppState { db })
}

/// Binds `addr` and serves until Ctrl+C. Returns the bound address through
/// `on_bound` first (port 0 picks a free port, for tests).
pub async fn serve(db: Db, addr: SocketAddr, on_bound: impl FnOnce(SocketAddr)) -> std::io::Result<()> {
    let listener = tokio::net::TcpListener::bind(addr).await?;
    on_bound(listener.local_addr()?);
    axum::serve(listener, router(db))
        .with_graceful_shutdown(async {
            let _ = tokio::signal::ctrl_c().await;
        })
        .await
}

/// Errors become a Russian page with the right status.
struct WebError(StatusCode, String);

impl IntoResponse for WebError {
    fn into_response(self) -> Response {
        let body = page("Ошибка", &format!("<p class=\"error\">{}</p>", escape(&self.1)));
        (self.0, body).into_response()
    }
}

impl From<opora_store::StoreError> for WebError {
    fn from(e: opora_store::StoreError) -> Self {
        tracing::error!("{e}");
        WebError(StatusCode::INTERNAL_SERVER_ERROR, "Внутренняя ошибка сервера. Подробности записаны в журнал.".into())
    }
}

pub fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

fn page(title: &str, body: &str) -> Html<String> {
    Html(format!(
        "<!doctype html><html lang=\"ru\"><head><meta charset=\"utf-8\">\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
         <title>{} — Опора</title><link rel=\"stylesheet\" href=\"/static/opora.css\"></head>\
         <body><header><a href=\"/\" class=\"brand\">Опора</a> <span>поддержка школ с низкими результатами</span></header>\
         <main><h1>{}</h1>{}</main></body></html>",
        escape(title),
        escape(title),
        body
    ))
}

async fn home(State(st): State<AppState>) -> Result<Html<String>, WebError> {
    let region = st.db.region_name().await?.unwrap_or_else(|| "Регион".into());
    let municipalities = st.db.municipalities().await?;
    if municipalities.is_empty() {
        let body = "<p>Реестр пуст. Загрузите реестр школ: <code>opora import schools ФАЙЛ</code> \
                    или запустите демонстрационный регион: <code>opora serve --demo</code>.</p>";
        return Ok(page(&region, body));
    }
    let total: i64 = municipalities.iter().map(|m| m.schools).sum();
    let mut body = format!("<p>Муниципалитетов: {}, школ: {}.</p><table><thead><tr><th>Муниципалитет</th><th>Школ</th></tr></thead><tbody>", municipalities.len(), total);
    for m in &municipalities {
        body.push_str(&format!(
            "<tr><td><a href=\"/municipalities/{}\">{}</a></td><td class=\"num\">{}</td></tr>",
            m.id,
            escape(&m.name),
            m.schools
        ));
    }
    body.push_str("</tbody></table>");
    Ok(page(&region, &body))
}

async fn municipality(State(st): State<AppState>, Path(id): Path<i64>) -> Result<Html<String>, WebError> {
    let m = st.db.municipalities().await?.into_iter().find(|m| m.id == id);
    let Some(m) = m else {
        return Err(WebError(StatusCode::NOT_FOUND, "Муниципалитет не найден.".into()));
    };
    let schools = st.db.schools(Some(id)).await?;
    let mut body = String::from(
        "<p><a href=\"/\">← ко всем муниципалитетам</a></p><table><thead><tr><th>Код ОО</th><th>Наименование</th><th>Тип</th>\
         <th>Местность</th><th>Обучающихся</th></tr></thead><tbody>",
    );
    for s in &schools {
        body.push_str(&format!(
            "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td class=\"num\">{}</td></tr>",
            escape(&s.code),
            escape(&s.full_name),
            escape(&s.kind),
            escape(&s.locality),
            s.enrolment.map(|e| e.to_string()).unwrap_or_default()
        ));
    }
    body.push_str("</tbody></table>");
    Ok(page(&m.name, &body))
}

async fn api_municipalities(State(st): State<AppState>) -> Result<Json<Vec<opora_store::registry::Municipality>>, WebError> {
    Ok(Json(st.db.municipalities().await?))
}

async fn api_schools(State(st): State<AppState>) -> Result<Json<Vec<opora_store::registry::School>>, WebError> {
    Ok(Json(st.db.schools(None).await?))
}

async fn css() -> impl IntoResponse {
    ([(header::CONTENT_TYPE, "text/css; charset=utf-8")], include_str!("../assets/opora.css"))
}
