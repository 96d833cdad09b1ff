//! Web UI and JSON API.
//!
//! Server-rendered Russian pages (askama templates in `templates/`), plain
//! forms that work without JavaScript and one small first-party script that
//! only enhances. Sessions live in the database; every POST carries a CSRF
//! token; every page is read through the caller's scope, enforced by the
//! store's queries (out of scope = 404).
//!
//! Modules by area: [`auth`] (login, sessions, CSRF, lock-out), `pages::*`
//! (home, schools, school card, identification, upload, users, audit,
//! plans: roadmaps, activities, evidence, «мои задачи», support pairs),
//! [`api`] (JSON + OpenAPI), `charts` (SVG), `assets` (CSS/JS embedded).

pub mod api;
mod assets;
pub mod auth;
mod cache;
mod charts;
pub mod demo_plans;
pub mod demo_users;
mod error;
mod fmt;
mod pages;

use axum::extract::DefaultBodyLimit;
use axum::http::{header, HeaderValue, Request};
use axum::middleware::{self, Next};
use axum::response::Response;
use axum::routing::{get, post};
use axum::Router;
use opora_store::auth::LockPolicy;
use opora_store::Db;
use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};

pub use error::WebError;

/// Settings of the web application (environment variables in [`Config::from_env`]).
#[derive(Debug, Clone)]
pub struct Config {
    /// Largest accepted upload, bytes.
    pub upload_limit: usize,
    /// Add `Secure` to cookies (set when served over HTTPS).
    pub secure_cookies: bool,
    pub lock: LockPolicy,
    /// Hours added to UTC when showing times (Moscow: 3).
    pub tz_offset_hours: i64,
    /// Lifetime of a session, hours.
    pub session_hours: i64,
    /// Rows per page of lists.
    pub per_page: usize,
    /// Lifetime of the in-memory list and card caches.
    pub cache_ttl: std::time::Duration,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            upload_limit: 100 * 1024 * 1024,
            secure_cookies: false,
            lock: LockPolicy::default(),
            tz_offset_hours: 3,
            session_hours: 12,
            per_page: 50,
            cache_ttl: std::time::Duration::from_secs(10),
        }
    }
}

impl Config {
    /// `OPORA_UPLOAD_LIMIT_MB`, `OPORA_SECURE_COOKIES` (1/true),
    /// `OPORA_TZ_OFFSET` (hours), `OPORA_SESSION_HOURS`.
    pub fn from_env() -> Config {
        let mut c = Config::default();
        let var = |k: &str| std::env::var(k).ok().filter(|v| !v.trim().is_empty());
        if let Some(mb) = var("OPORA_UPLOAD_LIMIT_MB").and_then(|v| v.trim().parse::<usize>().ok()) {
            c.upload_limit = mb.max(1) * 1024 * 1024;
        }
        if let Some(v) = var("OPORA_SECURE_COOKIES") {
            c.secure_cookies = matches!(v.trim(), "1" | "true" | "yes" | "да");
        }
        if let Some(h) = var("OPORA_TZ_OFFSET").and_then(|v| v.trim().parse::<i64>().ok()) {
            c.tz_offset_hours = h.clamp(-12, 14);
        }
        if let Some(h) = var("OPORA_SESSION_HOURS").and_then(|v| v.trim().parse::<i64>().ok()) {
            c.session_hours = h.clamp(1, 24 * 30);
        }
        c
    }
}

/// A file uploaded and waiting for confirmation (nothing written yet).
#[derive(Debug, Clone)]
pub(crate) struct Staged {
    pub user_id: i64,
    pub kind: opora_store::import::ImportKind,
    pub file_name: String,
    pub path: std::path::PathBuf,
    pub map: Vec<(String, String)>,
    pub sheet: Option<String>,
}

#[derive(Clone)]
pub struct AppState {
    pub db: Db,
    pub cfg: Arc<Config>,
    pub(crate) uploads: Arc<Mutex<HashMap<String, Staged>>>,
    pub(crate) upload_dir: Arc<tempfile::TempDir>,
    pub(crate) cache: Arc<cache::Cache>,
    /// Roadmaps read from uploaded files, waiting for confirmation (by token).
    pub(crate) plan_uploads: Arc<Mutex<HashMap<String, pages::plans::StagedPlan>>>,
}

/// The application's routes over a database.
pub fn app(db: Db, cfg: Config) -> Router {
    let upload_dir = tempfile::Builder::new().prefix("opora-uploads-").tempdir().expect("temporary folder for uploads");
    let cache = Arc::new(cache::Cache::new(cfg.cache_ttl));
    let state = AppState {
        db,
        cfg: Arc::new(cfg),
        uploads: Arc::default(),
        upload_dir: Arc::new(upload_dir),
        cache,
        plan_uploads: Arc::default(),
    };
    let upload_limit = state.cfg.upload_limit;
    Router::new()
        .route("/", get(pages::home::home))
        .route("/login", get(auth::login_page).post(auth::login))
        .route("/logout", post(auth::logout))
        .route("/account", get(auth::account_page).post(auth::change_password))
        .route("/schools", get(pages::schools::list))
        .route("/schools.xlsx", get(pages::schools::export))
        .route("/schools/{code}", get(pages::card::card))
        .route("/identification", get(pages::identification::index).post(pages::identification::run))
        .route("/identification/runs/{id}", get(pages::identification::show))
        .route("/identification/runs/{id}/scatter.svg", get(pages::identification::scatter))
        .route("/identification/runs/{id}/lists.xlsx", get(pages::identification::export_lists))
        .route("/identification/compare", get(pages::identification::compare))
        .route(
            "/upload",
            get(pages::upload::index).post(pages::upload::receive).layer(DefaultBodyLimit::max(upload_limit)),
        )
        .route("/upload/{id}", get(pages::upload::preview))
        .route("/upload/{id}/map", post(pages::upload::remap))
        .route("/upload/{id}/confirm", post(pages::upload::confirm))
        .route("/upload/{id}/cancel", post(pages::upload::cancel))
        .route("/users", get(pages::users::list).post(pages::users::create))
        .route("/users/{id}", get(pages::users::edit).post(pages::users::update))
        .route("/users/{id}/password", post(pages::users::reset_password))
        .route("/users/{id}/block", post(pages::users::block))
        .route("/audit", get(pages::audit::list))
        .route("/plans", get(pages::plans::list))
        .route(
            "/plans/import",
            post(pages::plans::import).layer(DefaultBodyLimit::max(pages::plans::MAX_PLAN_FILE + 64 * 1024)),
        )
        .route("/plans/import/confirm", post(pages::plans::confirm_import))
        .route("/plans/{id}", get(pages::plans::show))
        .route("/plans/{id}/status", post(pages::plans::set_status))
        .route("/plans/{id}/template", post(pages::plans::set_template))
        .route("/plans/{id}/apply", post(pages::plans::apply_template))
        .route("/plans/{id}/timeline.svg", get(pages::plans::timeline_svg))
        .route("/plans/{id}/report", get(pages::plans::report))
        .route("/activities/{id}", get(pages::plans::activity::show))
        .route("/activities/{id}/status", post(pages::plans::activity::set_status))
        .route(
            "/activities/{id}/evidence",
            post(pages::plans::activity::add_evidence).layer(DefaultBodyLimit::max(pages::plans::MAX_PLAN_FILE + 64 * 1024)),
        )
        .route("/activities/{id}/comments", post(pages::plans::activity::comment))
        .route("/activities/{id}/cascade", post(pages::plans::activity::cascade))
        .route("/evidence/{id}", get(pages::plans::activity::download))
        .route("/evidence/{id}/verify", post(pages::plans::activity::verify_evidence))
        .route("/tasks", get(pages::plans::tasks::page))
        .route("/support", get(pages::plans::support::page).post(pages::plans::support::create))
        .route("/support/{id}/close", post(pages::plans::support::close))
        .merge(api::routes())
        .route("/static/{file}", get(assets::serve))
        .route("/favicon.ico", get(assets::favicon))
        .route("/healthz", get(|| async { "ok" }))
        .fallback(pages::not_found)
        .layer(middleware::from_fn_with_state(state.clone(), auth::session_layer))
        .layer(middleware::from_fn(security_headers))
        .with_state(state)
}

/// The application with settings from the environment.
pub fn router(db: Db) -> Router {
    app(db, Config::from_env())
}

/// Binds `addr` and serves until Ctrl+C. Reports the bound address through
/// `on_bound` first (port 0 picks a free port, for tests).
pub async fn serve(db: Db, addr: SocketAddr, on_bound: impl FnOnce(SocketAddr)) -> std::io::Result<()> {
    serve_with(db, Config::from_env(), addr, on_bound).await
}

pub async fn serve_with(db: Db, cfg: Config, addr: SocketAddr, on_bound: impl FnOnce(SocketAddr)) -> std::io::Result<()> {
    if let Err(e) = db.ensure_runs_indexed().await {
        tracing::warn!("не удалось проиндексировать сохранённые расчёты: {e}");
    }
    let _ = db.purge_sessions().await;
    let listener = tokio::net::TcpListener::bind(addr).await?;
    on_bound(listener.local_addr()?);
    axum::serve(listener, app(db, cfg))
        .with_graceful_shutdown(async {
            let _ = tokio::signal::ctrl_c().await;
        })
        .await
}

/// Strict security headers on every response.
async fn security_headers(req: Request<axum::body::Body>, next: Next) -> Response {
    let is_static = req.uri().path().starts_with("/static/");
    let mut res = next.run(req).await;
    let h = res.headers_mut();
    h.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(
            "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; font-src 'self'; \
             object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'",
        ),
    );
    h.insert(header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
    h.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    h.insert(header::REFERRER_POLICY, HeaderValue::from_static("same-origin"));
    h.insert("cross-origin-opener-policy", HeaderValue::from_static("same-origin"));
    if !is_static && !h.contains_key(header::CACHE_CONTROL) {
        h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    }
    res
}
