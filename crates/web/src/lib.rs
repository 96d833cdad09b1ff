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
//! plans: roadmaps, activities, evidence, «мои задачи», support pairs,
//! notifications), [`api`] (JSON + OpenAPI), `assets` (CSS/JS embedded);
//! SVG charts are `opora_io::charts`. Background work: [`maintenance`]
//! (expired sessions and previews) and [`notifier`] (the daily overdue
//! reminders and e-mail of notifications over SMTP, [`mail`]).

pub mod api;
mod assets;
pub mod auth;
pub mod backups;
mod cache;
mod error;
mod extract;
mod fmt;
pub mod mail;
pub mod maintenance;
pub mod notifier;
mod pages;
mod previews;
mod ratelimit;
pub mod routing;
pub mod site_checks;

use axum::http::{header, HeaderValue, Request};
use axum::middleware::{self, Next};
use axum::response::Response;
use axum::Router;
use opora_store::auth::LockPolicy;
use opora_store::Db;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

pub use error::WebError;
pub use maintenance::Maintenance;
pub use notifier::Notifier;
pub use routing::{Route, Routes, Verb};

/// Settings of the web application (environment variables in [`Config::from_env`]).
#[derive(Debug, Clone)]
pub struct Config {
    /// Largest accepted upload, bytes.
    pub upload_limit: usize,
    /// Add `Secure` to cookies (set when served over HTTPS; implied by an
    /// `https://` public URL).
    pub secure_cookies: bool,
    /// The address people open, e.g. `https://opora.example.ru` (scheme,
    /// host and port only, normalised by [`public_origin`]). When set, the
    /// `Origin`/`Referer` of every POST must name it — behind a reverse proxy
    /// the `Host` the server sees is the proxy's, not the browser's.
    pub public_url: Option<String>,
    pub lock: LockPolicy,
    /// Lifetime of a session, hours.
    pub session_hours: i64,
    /// Rows per page of lists.
    pub per_page: usize,
    /// Lifetime of the in-memory list and card caches.
    pub cache_ttl: Duration,
    /// How long an upload or plan-import preview waits for confirmation.
    pub preview_ttl: Duration,
    /// Previews kept per user; a new one beyond this drops the oldest.
    pub previews_per_user: usize,
    /// Folder in which the temporary upload folder is made (system temp by default).
    pub upload_parent: Option<PathBuf>,
    /// Anonymous password checks (`POST /login`) allowed per second across
    /// the server; bursts up to twice as many. Beyond: 429.
    pub login_per_second: u32,
    /// How often expired sessions, old login failures and expired previews
    /// are removed.
    pub maintenance_every: Duration,
    /// E-mail of notifications (`OPORA_SMTP_URL`, `OPORA_MAIL_FROM`);
    /// `None`: notifications stay in the application.
    pub mail: Option<mail::MailConfig>,
    /// How often the notifier e-mails new notifications (and looks whether a
    /// new day has come for the overdue reminders).
    pub notify_every: Duration,
    /// Check school websites on the schedule (October, February, June;
    /// `OPORA_SITE_AUDITS`, on by default; off for `serve --demo`).
    pub site_audits: bool,
    /// Pause between two requests to a school's site (the crawler's
    /// default, 200 ms).
    pub site_delay: Duration,
    /// Page requests at most per site check.
    pub site_max_pages: usize,
    /// Daily backups (`OPORA_BACKUP_DIR`, `OPORA_BACKUP_KEEP`); `None`: off.
    pub backups: Option<backups::BackupConfig>,
    /// The key pupils' names are sealed with (`OPORA_PUPIL_NAME_KEY`);
    /// `None`: names are not kept at all.
    pub pupil_names: Option<opora_pupils::names::NameKey>,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            upload_limit: 100 * 1024 * 1024,
            secure_cookies: false,
            lock: LockPolicy::default(),
            session_hours: 12,
            per_page: 50,
            cache_ttl: Duration::from_secs(10),
            public_url: None,
            preview_ttl: Duration::from_secs(3600),
            previews_per_user: 5,
            upload_parent: None,
            login_per_second: 10,
            maintenance_every: Duration::from_secs(60),
            mail: None,
            notify_every: Duration::from_secs(60),
            site_audits: true,
            site_delay: opora_sites::Options::default().delay,
            site_max_pages: opora_sites::Options::default().max_pages,
            backups: None,
            pupil_names: None,
        }
    }
}

impl Config {
    /// `OPORA_UPLOAD_LIMIT_MB`, `OPORA_SECURE_COOKIES` (1/true),
    /// `OPORA_SESSION_HOURS`, `OPORA_PUBLIC_URL`,
    /// `OPORA_PREVIEW_MINUTES`, `OPORA_PREVIEWS_PER_USER`, `OPORA_UPLOAD_DIR`,
    /// `OPORA_LOGIN_RATE` (per second), `OPORA_SMTP_URL` and
    /// `OPORA_MAIL_FROM` (e-mail of notifications; links in letters need
    /// `OPORA_PUBLIC_URL`), `OPORA_SITE_AUDITS` (1/0), `OPORA_BACKUP_DIR`
    /// and `OPORA_BACKUP_KEEP` (daily backups), `OPORA_PUPIL_NAME_KEY`
    /// (64 hex characters: pupils' names kept sealed).
    ///
    /// A value that is set but cannot be used stops the start with a Russian
    /// message naming the setting, the value and what is expected: a typo in
    /// a limit must not silently fall back to the default.
    pub fn from_env() -> Result<Config, ConfigError> {
        let mut c = Config::default();
        if let Some(mb) = setting::<usize>(
            "OPORA_UPLOAD_LIMIT_MB",
            1..=100_000,
            "целое число мегабайт от 1 до 100000",
        )? {
            c.upload_limit = mb * 1024 * 1024;
        }
        if let Some(on) = flag("OPORA_SECURE_COOKIES")? {
            c.secure_cookies = on;
        }
        if let Some(h) = setting::<i64>(
            "OPORA_SESSION_HOURS",
            1..=24 * 30,
            "число часов от 1 до 720",
        )? {
            c.session_hours = h;
        }
        if let Some(u) = env_value("OPORA_PUBLIC_URL") {
            c.public_url = Some(public_origin(&u).ok_or_else(|| {
                ConfigError::new(
                    "OPORA_PUBLIC_URL",
                    &u,
                    "адрес вида https://opora.example.ru (схема http или https и имя сервера)",
                )
            })?);
        }
        if let Some(m) = setting::<u64>(
            "OPORA_PREVIEW_MINUTES",
            1..=24 * 60,
            "число минут от 1 до 1440",
        )? {
            c.preview_ttl = Duration::from_secs(m * 60);
        }
        if let Some(n) = setting::<usize>(
            "OPORA_PREVIEWS_PER_USER",
            1..=100,
            "целое число от 1 до 100",
        )? {
            c.previews_per_user = n;
        }
        if let Some(d) = env_value("OPORA_UPLOAD_DIR") {
            c.upload_parent = Some(PathBuf::from(d));
        }
        if let Some(n) = setting::<u32>(
            "OPORA_LOGIN_RATE",
            1..=1000,
            "число проверок пароля в секунду от 1 до 1000",
        )? {
            c.login_per_second = n;
        }
        c.mail = mail::MailConfig::from_env(c.public_url.is_some())?;
        if let Some(on) = flag("OPORA_SITE_AUDITS")? {
            c.site_audits = on;
        }
        let keep = setting::<usize>(
            "OPORA_BACKUP_KEEP",
            1..=3650,
            "целое число копий от 1 до 3650",
        )?;
        c.backups = env_value("OPORA_BACKUP_DIR").map(|dir| backups::BackupConfig {
            dir: PathBuf::from(dir),
            keep: keep.unwrap_or(7),
        });
        if let Some(key) = env_value("OPORA_PUPIL_NAME_KEY") {
            // The value is a secret: the message does not repeat it.
            c.pupil_names = Some(opora_pupils::names::NameKey::parse(&key).map_err(|_| {
                ConfigError::new(
                    "OPORA_PUPIL_NAME_KEY",
                    "…",
                    "64 шестнадцатеричных символа (32 байта), например «openssl rand -hex 32»",
                )
            })?);
        }
        Ok(c)
    }

    /// Whether cookies get `Secure`: asked for, or the public URL is https.
    pub fn secure(&self) -> bool {
        self.secure_cookies
            || self
                .public_url
                .as_deref()
                .is_some_and(|u| u.starts_with("https://"))
    }
}

/// A setting from the environment that cannot be used.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("настройка {name}=«{value}» не подходит: нужно {expected}")]
pub struct ConfigError {
    pub name: &'static str,
    pub value: String,
    pub expected: &'static str,
}

impl ConfigError {
    pub(crate) fn new(name: &'static str, value: &str, expected: &'static str) -> ConfigError {
        ConfigError {
            name,
            value: opora_io::text::preview(value),
            expected,
        }
    }
}

/// A yes/no setting (`1`, `true`, `yes`, `да` / `0`, `false`, `no`,
/// `нет`); `None` when unset.
pub fn flag(name: &'static str) -> Result<Option<bool>, ConfigError> {
    let Some(v) = env_value(name) else {
        return Ok(None);
    };
    match v.to_lowercase().as_str() {
        "1" | "true" | "yes" | "да" => Ok(Some(true)),
        "0" | "false" | "no" | "нет" => Ok(Some(false)),
        _ => Err(ConfigError::new(name, &v, "1 (да) или 0 (нет)")),
    }
}

/// A setting's value, trimmed; `None` when unset or empty.
pub fn env_value(name: &str) -> Option<String> {
    std::env::var(name)
        .ok()
        .map(|v| v.trim().to_string())
        .filter(|v| !v.is_empty())
}

/// A numeric setting within `range`; `None` when unset.
pub fn setting<T>(
    name: &'static str,
    range: std::ops::RangeInclusive<T>,
    expected: &'static str,
) -> Result<Option<T>, ConfigError>
where
    T: std::str::FromStr + PartialOrd,
{
    let Some(v) = env_value(name) else {
        return Ok(None);
    };
    match v.parse::<T>() {
        Ok(x) if range.contains(&x) => Ok(Some(x)),
        _ => Err(ConfigError::new(name, &v, expected)),
    }
}

/// The origin of a URL as browsers send it in `Origin`: lower-case
/// `scheme://host[:port]`, without a default port, path or trailing slash.
/// `None` unless the scheme is http or https and a host is given.
pub fn public_origin(url: &str) -> Option<String> {
    let url = url.trim();
    let (scheme, rest) = url.split_once("://")?;
    let scheme = scheme.to_ascii_lowercase();
    let authority = rest
        .split(['/', '?', '#'])
        .next()
        .unwrap_or("")
        .to_ascii_lowercase();
    if !matches!(scheme.as_str(), "http" | "https")
        || authority.is_empty()
        || authority.contains('@')
    {
        return None;
    }
    let authority = match (scheme.as_str(), authority.rsplit_once(':')) {
        ("https", Some((host, "443"))) | ("http", Some((host, "80"))) => host.to_string(),
        _ => authority,
    };
    Some(format!("{scheme}://{authority}"))
}

#[derive(Clone)]
pub struct AppState {
    pub db: Db,
    pub cfg: Arc<Config>,
    /// Data files uploaded and waiting for confirmation (by id).
    pub(crate) uploads: Arc<previews::Previews<pages::upload::Staged>>,
    /// What a confirmed upload did, shown by `GET /upload/{id}/result`.
    pub(crate) upload_results: Arc<previews::Previews<pages::upload::Outcome>>,
    pub(crate) upload_dir: Arc<tempfile::TempDir>,
    pub(crate) cache: Arc<cache::Cache>,
    /// Roadmaps read from uploaded files, waiting for confirmation (by token).
    pub(crate) plan_uploads: Arc<previews::Previews<pages::plans::StagedPlan>>,
    pub(crate) indicator_uploads: Arc<previews::Previews<pages::indicators::StagedIndicators>>,
    /// Anonymous password checks allowed across the server.
    pub(crate) login_bucket: Arc<ratelimit::TokenBucket>,
    /// Schools whose website is being checked now.
    pub(crate) site_checks: Arc<site_checks::Running>,
}

impl AppState {
    fn new(db: Db, cfg: Config) -> AppState {
        let parent = cfg.upload_parent.clone().unwrap_or_else(std::env::temp_dir);
        std::fs::create_dir_all(&parent).expect("folder for uploads");
        let upload_dir = tempfile::Builder::new()
            .prefix(maintenance::UPLOAD_DIR_PREFIX)
            .tempdir_in(&parent)
            .expect("temporary folder for uploads");
        let (ttl, cap) = (cfg.preview_ttl, cfg.previews_per_user);
        AppState {
            db,
            cache: Arc::new(cache::Cache::new(cfg.cache_ttl)),
            uploads: Arc::new(previews::Previews::new(ttl, cap)),
            upload_results: Arc::new(previews::Previews::new(ttl, cap)),
            upload_dir: Arc::new(upload_dir),
            plan_uploads: Arc::new(previews::Previews::new(ttl, cap)),
            indicator_uploads: Arc::new(previews::Previews::new(ttl, cap)),
            login_bucket: Arc::new(ratelimit::TokenBucket::new(
                cfg.login_per_second,
                cfg.login_per_second * 2,
            )),
            site_checks: Arc::new(site_checks::Running::default()),
            cfg: Arc::new(cfg),
        }
    }
}

/// The application's routes over a database.
pub fn app(db: Db, cfg: Config) -> Router {
    build(db, cfg).0
}

/// The application and its maintenance (expired sessions, login failures
/// and previews), which [`serve_with`] runs at start and on a timer.
pub fn build(db: Db, cfg: Config) -> (Router, Maintenance) {
    let state = AppState::new(db, cfg);
    (routes(state.clone()), Maintenance::new(state))
}

fn routes(state: AppState) -> Router {
    let (router, _) = application_routes(state.cfg.upload_limit).into_parts();
    router
        .fallback(pages::not_found)
        .method_not_allowed_fallback(pages::method_not_allowed)
        .layer(middleware::from_fn_with_state(
            state.clone(),
            pages::with_navigation,
        ))
        .layer(middleware::from_fn(request_log))
        .layer(middleware::from_fn_with_state(
            state.clone(),
            auth::session_layer,
        ))
        .layer(middleware::from_fn(security_headers))
        .with_state(state)
}

/// Every route the application answers, as registered in the router (for
/// the security matrix and the API document's check).
pub fn route_table() -> Vec<Route> {
    application_routes(Config::default().upload_limit)
        .into_parts()
        .1
}

fn application_routes(upload_limit: usize) -> Routes {
    Routes::new()
        .get("/", pages::home::home)
        .get("/login", auth::login_page)
        .post("/login", auth::login)
        .post("/logout", auth::logout)
        .get("/account", auth::account_page)
        .post("/account", auth::change_password)
        .get("/schools", pages::schools::list)
        .get("/schools.xlsx", pages::schools::export)
        .get("/schools/{code}", pages::card::card)
        .get("/identification", pages::identification::index)
        .post("/identification", pages::identification::run)
        .get("/identification/runs/{id}", pages::identification::show)
        .get(
            "/identification/runs/{id}/scatter.svg",
            pages::identification::scatter,
        )
        .get(
            "/identification/runs/{id}/lists.xlsx",
            pages::identification::export_lists,
        )
        .get("/identification/compare", pages::identification::compare)
        .get("/upload", pages::upload::index)
        .post_limited("/upload", pages::upload::receive, upload_limit)
        .get("/upload/{id}", pages::upload::preview)
        .get("/templates/{file}", pages::upload::template)
        .get("/upload/{id}/result", pages::upload::result)
        .post("/upload/{id}/map", pages::upload::remap)
        .post("/upload/{id}/confirm", pages::upload::confirm)
        .post("/upload/{id}/cancel", pages::upload::cancel)
        .get("/users", pages::users::list)
        .post("/users", pages::users::create)
        .get("/users/{id}", pages::users::edit)
        .post("/users/{id}", pages::users::update)
        .post("/users/{id}/password", pages::users::reset_password)
        .post("/users/{id}/block", pages::users::block)
        .get("/audit", pages::audit::list)
        .get("/plans", pages::plans::list)
        .post_limited(
            "/plans/import",
            pages::plans::import,
            pages::plans::MAX_PLAN_FILE + 64 * 1024,
        )
        .post("/plans/import/confirm", pages::plans::confirm_import)
        .get("/plans/import/{token}", pages::plans::import_preview)
        .get("/plans/{id}", pages::plans::show)
        .post("/plans/{id}/status", pages::plans::set_status)
        .post("/plans/{id}/template", pages::plans::set_template)
        .post("/plans/{id}/apply", pages::plans::apply_template)
        .post("/plans/new", pages::plans::edit::create)
        .post_limited(
            "/plans/{id}/indicators",
            pages::indicators::upload,
            pages::plans::MAX_PLAN_FILE + 64 * 1024,
        )
        .get("/indicators/preview/{token}", pages::indicators::preview)
        .post("/indicators/confirm", pages::indicators::confirm)
        .get("/indicators", pages::indicators::facts::dashboard)
        .get("/indicators.xlsx", pages::indicators::facts::export)
        .get("/indicators/{id}", pages::indicators::facts::show)
        .post(
            "/indicators/{id}/source",
            pages::indicators::facts::set_source,
        )
        .post(
            "/indicators/{id}/value",
            pages::indicators::facts::enter_value,
        )
        .post("/plans/{id}/periods", pages::indicators::facts::add_period)
        .post(
            "/plans/{id}/periods/{period}/close",
            pages::indicators::facts::close_period,
        )
        .get(
            "/plans/{id}/periods/{period}/report.docx",
            pages::indicators::facts::period_report,
        )
        .get("/plans/{id}/edit", pages::plans::edit::show)
        .post("/plans/{id}/edit", pages::plans::edit::apply)
        .get(
            "/plans/{id}/versions/{version}",
            pages::plans::edit::version,
        )
        .get("/plans/{id}/timeline.svg", pages::plans::timeline_svg)
        .get("/plans/{id}/report", pages::plans::report)
        .get("/activities/{id}", pages::plans::activity::show)
        .post(
            "/activities/{id}/status",
            pages::plans::activity::set_status,
        )
        .post_limited(
            "/activities/{id}/evidence",
            pages::plans::activity::add_evidence,
            pages::plans::MAX_PLAN_FILE + 64 * 1024,
        )
        .post("/activities/{id}/comments", pages::plans::activity::comment)
        .post("/activities/{id}/cascade", pages::plans::activity::cascade)
        .get("/evidence/{id}", pages::plans::activity::download)
        .post("/evidence/{id}/remove", pages::plans::edit::remove_evidence)
        .get("/evidence/{id}/view", pages::plans::activity::view_evidence)
        .post(
            "/evidence/{id}/verify",
            pages::plans::activity::verify_evidence,
        )
        .get("/tasks", pages::plans::tasks::page)
        .get("/campaigns", pages::campaigns::list)
        .post("/campaigns", pages::campaigns::create)
        .get("/campaigns/new", pages::campaigns::new_form)
        .get("/campaigns/{id}", pages::campaigns::show)
        .get("/campaigns/{id}/answers.xlsx", pages::campaigns::export)
        .post("/campaigns/{id}/import", pages::campaigns::import)
        .post("/campaigns/{id}/remind", pages::campaigns::remind)
        .get("/campaigns/{id}/schools/{school}", pages::campaigns::answer)
        .post("/campaigns/{id}/schools/{school}", pages::campaigns::save)
        .post(
            "/campaigns/{id}/schools/{school}/review",
            pages::campaigns::review,
        )
        .get("/notifications", pages::notifications::list)
        .post("/notifications/read-all", pages::notifications::read_all)
        .post("/notifications/{id}/read", pages::notifications::read)
        .get("/sites", pages::sites::list)
        .get("/sites/{school_id}", pages::sites::show)
        .post("/sites/{school_id}/check", pages::sites::check)
        .post("/sites/{school_id}/override", pages::sites::set_override)
        .get("/staff", pages::staff::list)
        .get("/staff/diagnostics", pages::staff::diagnostics::heat_map)
        .get("/staff/mentoring", pages::staff::mentoring::list)
        .get("/staff/mentoring/{id}", pages::staff::mentoring::show)
        .post(
            "/staff/mentoring/{id}/meetings",
            pages::staff::mentoring::add_meeting,
        )
        .post(
            "/staff/mentoring/{id}/close",
            pages::staff::mentoring::close,
        )
        .get("/staff/programmes", pages::staff::development::catalogue)
        .post(
            "/staff/programmes",
            pages::staff::development::add_programme,
        )
        .post(
            "/staff/programmes/{id}/active",
            pages::staff::development::set_programme_active,
        )
        .get("/staff/plans/{id}", pages::staff::development::show)
        .post(
            "/staff/plans/{id}/steps",
            pages::staff::development::add_step,
        )
        .post(
            "/staff/plans/{id}/steps/{step_id}",
            pages::staff::development::set_step,
        )
        .post("/staff/plans/{id}/close", pages::staff::development::close)
        .post(
            "/staff/plans/{id}/comments",
            pages::staff::development::comment,
        )
        .get("/staff/instruments", pages::staff::instruments::list)
        .post("/staff/instruments", pages::staff::instruments::create)
        .get("/staff/instruments/{id}", pages::staff::instruments::show)
        .post(
            "/staff/instruments/{id}/open",
            pages::staff::instruments::set_open,
        )
        .post(
            "/staff/instruments/{id}/answers",
            pages::staff::instruments::answer,
        )
        .get("/staff/principals", pages::staff::principals::page)
        .get("/staff/principals.xlsx", pages::staff::principals::export)
        .post(
            "/staff/principals/weights",
            pages::staff::principals::save_weights,
        )
        .post(
            "/staff/principals/evaluate",
            pages::staff::principals::evaluate,
        )
        .get("/staff/new", pages::staff::card::new_form)
        .post("/staff/new", pages::staff::card::create)
        .get("/staff/{id}", pages::staff::card::show)
        .post("/staff/{id}", pages::staff::card::save)
        .post("/staff/{id}/courses", pages::staff::card::add_course)
        .post(
            "/staff/{id}/courses/{course_id}/delete",
            pages::staff::card::delete_course,
        )
        .post("/staff/{id}/move", pages::staff::card::relocate)
        .post("/staff/{id}/mentoring", pages::staff::mentoring::appoint)
        .post("/staff/{id}/plan", pages::staff::development::draft)
        .get("/pupils", pages::pupils::list)
        .post("/pupils/build", pages::pupils::build)
        .post("/pupils/warnings", pages::pupils::warnings)
        .post("/pupils/thresholds", pages::pupils::thresholds)
        .post("/pupils/new", pages::pupils::add)
        .get("/pupils/{id}", pages::pupils::card::show)
        .post("/pupils/{id}", pages::pupils::card::save)
        .post("/pupils/{id}/leave", pages::pupils::card::leave)
        .post("/pupils/{id}/name", pages::pupils::card::name)
        .post("/pupils/{id}/routes", pages::pupils::card::open_route)
        .get("/pupils/routes/{id}", pages::pupils::route::show)
        .post("/pupils/routes/{id}/steps", pages::pupils::route::add_step)
        .post(
            "/pupils/routes/{id}/steps/{step_id}",
            pages::pupils::route::set_step,
        )
        .post(
            "/pupils/routes/{id}/reviews",
            pages::pupils::route::add_review,
        )
        .post("/pupils/routes/{id}/career", pages::pupils::route::career)
        .post("/pupils/routes/{id}/close", pages::pupils::route::close)
        .get("/notes", pages::notes::list)
        .post("/notes", pages::notes::issue)
        .get("/notes/new", pages::notes::preview)
        .get("/notes/{id}", pages::notes::show)
        .get("/notes/{id}/{file}", pages::notes::file)
        .get("/orders", pages::orders::list)
        .post("/orders", pages::orders::create)
        .get("/orders/{id}/file", pages::orders::file)
        .get("/events", pages::events::list)
        .post("/events", pages::events::create)
        .get("/events/new", pages::events::new_form)
        .get("/events/{id}", pages::events::card::show)
        .post("/events/{id}", pages::events::save)
        .get("/events/{id}/edit", pages::events::edit_form)
        .post("/events/{id}/status", pages::events::card::set_status)
        .post("/events/{id}/participants", pages::events::card::invite)
        .post(
            "/events/{id}/participants/{teacher_id}/remove",
            pages::events::card::remove,
        )
        .post("/events/{id}/attendance", pages::events::card::attendance)
        .post("/events/{id}/protocol", pages::events::card::protocol)
        .post("/events/{id}/decisions", pages::events::card::add_decision)
        .post(
            "/events/{id}/decisions/{decision_id}/delete",
            pages::events::card::delete_decision,
        )
        .post(
            "/events/{id}/decisions/{decision_id}/activity",
            pages::events::card::transfer,
        )
        .get("/glossary", pages::glossary::page)
        .get("/support", pages::plans::support::page)
        .post("/support", pages::plans::support::create)
        .post("/support/{id}/close", pages::plans::support::close)
        .merge(api::routes())
        .get("/static/{file}", assets::serve)
        .get("/favicon.ico", assets::favicon)
        .get("/healthz", || async { "ok" })
}

/// Binds `addr` and serves until Ctrl+C or SIGTERM. Reports the bound
/// address through `on_bound` first (port 0 picks a free port, for tests).
pub async fn serve_with(
    db: Db,
    cfg: Config,
    addr: SocketAddr,
    on_bound: impl FnOnce(SocketAddr),
) -> std::io::Result<()> {
    if let Err(e) = db.ensure_runs_indexed().await {
        tracing::warn!("не удалось проиндексировать сохранённые расчёты: {e}");
    }
    let notifier = Notifier::new(db.clone(), &cfg).map_err(std::io::Error::other)?;
    let backups = cfg
        .backups
        .clone()
        .map(|b| backups::spawn(db.clone(), b, cfg.maintenance_every));
    let (router, maintenance) = build(db, cfg);
    maintenance.remove_stale_upload_dirs();
    maintenance.run_once().await;
    let schedule = maintenance.spawn_site_schedule();
    let timer = maintenance.spawn();
    let notifications = notifier.spawn();
    let listener = tokio::net::TcpListener::bind(addr).await?;
    on_bound(listener.local_addr()?);
    let served = axum::serve(listener, router)
        .with_graceful_shutdown(shutdown_signal())
        .await;
    timer.abort();
    notifications.abort();
    if let Some(b) = backups {
        b.abort();
    }
    if let Some(s) = schedule {
        s.abort();
    }
    served
}

/// Ctrl+C, or SIGTERM (what systemd and `docker stop` send): requests in
/// flight finish, then the server stops.
async fn shutdown_signal() {
    #[cfg(unix)]
    {
        let mut term =
            match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
                Ok(s) => s,
                Err(_) => {
                    let _ = tokio::signal::ctrl_c().await;
                    return;
                }
            };
        tokio::select! {
            _ = tokio::signal::ctrl_c() => {}
            _ = term.recv() => {}
        }
    }
    #[cfg(not(unix))]
    let _ = tokio::signal::ctrl_c().await;
}

/// One line per request in the log (target `opora_web::requests`): method,
/// path (never the query, which may carry search text), status, time and
/// the user's login. Inside the session layer, so the user is known.
async fn request_log(req: Request<axum::body::Body>, next: Next) -> Response {
    let started = std::time::Instant::now();
    let method = req.method().clone();
    let path = req.uri().path().to_string();
    let user = req
        .extensions()
        .get::<auth::CurrentSession>()
        .and_then(|c| c.session.as_ref())
        .map(|s| s.user.login.clone())
        .unwrap_or_else(|| "-".into());
    let res = next.run(req).await;
    tracing::info!(
        target: "opora_web::requests",
        "{method} {path} {} {:.1} ms {user}",
        res.status().as_u16(),
        started.elapsed().as_secs_f64() * 1000.0
    );
    res
}

/// Strict security headers on every response.
async fn security_headers(req: Request<axum::body::Body>, next: Next) -> Response {
    let is_static = req.uri().path().starts_with("/static/");
    let mut res = next.run(req).await;
    let h = res.headers_mut();
    // A handler's own policy is kept: a PDF shown in the browser is sandboxed
    // (pages::plans::activity::view_evidence) and needs no page policy.
    if !h.contains_key(header::CONTENT_SECURITY_POLICY) {
        h.insert(
            header::CONTENT_SECURITY_POLICY,
            HeaderValue::from_static(
                "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; font-src 'self'; \
                 object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'",
            ),
        );
    }
    h.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    h.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    h.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("same-origin"),
    );
    h.insert(
        "cross-origin-opener-policy",
        HeaderValue::from_static("same-origin"),
    );
    if !is_static && !h.contains_key(header::CACHE_CONTROL) {
        h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    }
    res
}

#[cfg(test)]
mod config_tests {
    use super::*;

    #[test]
    fn a_setting_that_cannot_be_used_is_an_error_naming_it_and_an_unset_one_is_the_default() {
        // Names of their own: the environment is shared by the tests of the process.
        std::env::set_var("OPORA_TEST_LIMIT_BAD", "сто");
        std::env::set_var("OPORA_TEST_LIMIT_BIG", "100001");
        std::env::set_var("OPORA_TEST_LIMIT_OK", " 25 ");
        let err = setting::<usize>("OPORA_TEST_LIMIT_BAD", 1..=100_000, "целое число").unwrap_err();
        assert_eq!(
            err.to_string(),
            "настройка OPORA_TEST_LIMIT_BAD=«сто» не подходит: нужно целое число"
        );
        assert!(setting::<usize>("OPORA_TEST_LIMIT_BIG", 1..=100_000, "целое число").is_err());
        assert_eq!(
            setting::<usize>("OPORA_TEST_LIMIT_OK", 1..=100_000, "целое число"),
            Ok(Some(25))
        );
        assert_eq!(
            setting::<usize>("OPORA_TEST_LIMIT_UNSET", 1..=100_000, "целое число"),
            Ok(None)
        );
    }
}
