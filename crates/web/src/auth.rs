//! Login, sessions, CSRF and the caller's identity.
//!
//! - Passwords: argon2id (opora_store::password), checked off the async
//!   runtime. Unknown logins are checked against a dummy hash, so timing does
//!   not tell which logins exist.
//! - Sessions: a random 256-bit token in an `HttpOnly`, `SameSite=Strict`
//!   cookie; the database keeps its SHA-256, the user and a CSRF token.
//! - CSRF: every state-changing request carries the session's token (form
//!   field `csrf` — in a multipart form the first field, read before the
//!   file — or the `X-CSRF-Token` header) and, when the browser sends
//!   `Origin`/`Referer`, they must name this site (`OPORA_PUBLIC_URL` when
//!   set, else the `Host`). Never in the URL: it would end up in history and
//!   logs. The login form uses a pre-session token in its own cookie.
//! - Lock-out: after 5 consecutive failures a login is refused for 15
//!   minutes, whatever the password (opora_store::auth); across the server
//!   at most `login_per_second` anonymous password checks run per second.

use crate::error::{WebError, WebResult};
use crate::extract::{Form, Query};
use crate::AppState;
use askama::Template;
use axum::body::{Body, Bytes};
use axum::extract::{FromRequestParts, State};
use axum::http::request::Parts;
use axum::http::{header, HeaderMap, HeaderValue, Method, Request, StatusCode};
use axum::middleware::Next;
use axum::response::{Html, IntoResponse, Redirect, Response};
use cookie::{Cookie, SameSite};
use futures_util::StreamExt;
use opora_store::password;
use opora_store::scope::Scope;
use opora_store::sessions::Session;
use opora_store::users::{Role, User};
use sha2::{Digest, Sha256};

pub const SESSION_COOKIE: &str = "opora_session";
pub const LOGIN_CSRF_COOKIE: &str = "opora_csrf";
/// Largest form body read by the CSRF check (file uploads are multipart and
/// are not buffered here).
pub const FORM_LIMIT: usize = 1024 * 1024;
/// How much of a multipart body is read to find its first field, `csrf`.
const MULTIPART_PEEK: usize = 8 * 1024;
pub const MIN_PASSWORD_LEN: usize = 8;

/// 32 random bytes as hex.
pub fn random_token() -> String {
    let mut b = [0u8; 32];
    getrandom::getrandom(&mut b).expect("system random numbers");
    hex::encode(b)
}

pub fn token_hash(token: &str) -> String {
    hex::encode(Sha256::digest(token.as_bytes()))
}

/// Checks a password against a stored hash (or, for an unknown login or a
/// user without a password, against a dummy hash, so timing does not tell
/// which logins exist) on the blocking pool: argon2id takes tens of
/// milliseconds of CPU that must not stall the async runtime.
pub async fn check_password(hash: Option<String>, password: String) -> WebResult<bool> {
    tokio::task::spawn_blocking(move || password::check_password(hash.as_deref(), &password))
        .await
        .map_err(|e| WebError::Internal(format!("проверка пароля: {e}")))
}

/// Hashes a new password on the blocking pool.
pub async fn hash_password_off_runtime(password: String) -> WebResult<String> {
    tokio::task::spawn_blocking(move || password::hash_password(&password))
        .await
        .map_err(|e| WebError::Internal(format!("хеширование пароля: {e}")))
}

fn constant_eq(a: &str, b: &str) -> bool {
    a.len() == b.len()
        && a.bytes()
            .zip(b.bytes())
            .fold(0u8, |acc, (x, y)| acc | (x ^ y))
            == 0
}

pub fn cookie_value(headers: &HeaderMap, name: &str) -> Option<String> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(Cookie::split_parse)
        .flatten()
        .find(|c| c.name() == name)
        .map(|c| c.value().to_string())
}

/// A `Set-Cookie` value: the whole site, never read by scripts, never sent
/// from other sites.
fn set_cookie(name: &str, value: &str, secure: bool, max_age: Option<i64>) -> HeaderValue {
    let mut c = Cookie::build((name, value))
        .path("/")
        .http_only(true)
        .same_site(SameSite::Strict)
        .secure(secure);
    if let Some(a) = max_age {
        c = c.max_age(cookie::time::Duration::seconds(a));
    }
    c.to_string().parse().expect("cookie")
}

/// The session found for a request (set by [`session_layer`]).
#[derive(Clone)]
pub struct CurrentSession {
    pub session: Option<Session>,
    pub token_hash: Option<String>,
}

/// Looks up the session of every request and checks CSRF and origin on
/// every state-changing one.
pub async fn session_layer(State(st): State<AppState>, req: Request<Body>, next: Next) -> Response {
    let (mut parts, body) = req.into_parts();
    let token = cookie_value(&parts.headers, SESSION_COOKIE).filter(|t| t.len() == 64);
    let hash = token.as_deref().map(token_hash);
    let session = match &hash {
        Some(h) => match st.db.session(h).await {
            Ok(s) => s,
            Err(e) => return WebError::from(e).into_response(),
        },
        None => None,
    };
    let api = parts.uri.path().starts_with("/api/");
    let unsafe_method = !matches!(parts.method, Method::GET | Method::HEAD | Method::OPTIONS);
    let mut body = body;
    if unsafe_method {
        let reject = |msg: &str| {
            let e = WebError::Forbidden(msg.to_string());
            if api {
                e.into_json()
            } else {
                e.into_response()
            }
        };
        if !same_origin(&parts.headers, st.cfg.public_url.as_deref()) {
            return reject("Запрос отклонён: он отправлен с другого сайта.");
        }
        let expected = match &session {
            Some(s) => Some(s.csrf.clone()),
            None => cookie_value(&parts.headers, LOGIN_CSRF_COOKIE),
        };
        let (provided, rest) = match provided_csrf(&parts.headers, body).await {
            Ok(x) => x,
            Err(e) => return e.into_response(),
        };
        body = rest;
        let ok = matches!((&expected, &provided), (Some(e), Some(p)) if !e.is_empty() && constant_eq(e, p));
        if !ok {
            return reject("Запрос отклонён: устарела или отсутствует отметка безопасности формы (CSRF). Обновите страницу и повторите действие.");
        }
    }
    parts.extensions.insert(CurrentSession {
        session,
        token_hash: hash,
    });
    next.run(Request::from_parts(parts, body)).await
}

/// The CSRF token a request carries — the `X-CSRF-Token` header, the
/// `csrf` field of a URL-encoded body, or the first field of a multipart
/// body — and the body to pass on (what was read is put back in front).
async fn provided_csrf(headers: &HeaderMap, body: Body) -> WebResult<(Option<String>, Body)> {
    if let Some(t) = headers.get("x-csrf-token").and_then(|v| v.to_str().ok()) {
        return Ok((Some(t.to_string()), body));
    }
    let ct = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    if ct.starts_with("application/x-www-form-urlencoded") {
        let bytes = axum::body::to_bytes(body, FORM_LIMIT)
            .await
            .map_err(|_| WebError::PayloadTooLarge(FORM_LIMIT))?;
        let token = form_field(&bytes, "csrf");
        return Ok((token, Body::from(bytes)));
    }
    if let Some(boundary) = multipart_boundary(ct) {
        return multipart_csrf(body, &boundary).await;
    }
    Ok((None, body))
}

/// The boundary of a `multipart/form-data` content type.
fn multipart_boundary(content_type: &str) -> Option<String> {
    let (kind, params) = content_type.split_once(';')?;
    if !kind.trim().eq_ignore_ascii_case("multipart/form-data") {
        return None;
    }
    params
        .split(';')
        .filter_map(|p| p.trim().split_once('='))
        .find(|(k, _)| k.trim().eq_ignore_ascii_case("boundary"))
        .map(|(_, v)| v.trim().trim_matches('"').to_string())
}

/// Reads the head of a multipart body (at most [`MULTIPART_PEEK`] bytes)
/// until its first part is complete; the token when that part is the field
/// `csrf`. The body passed on is the same bytes, the head put back in front.
async fn multipart_csrf(body: Body, boundary: &str) -> WebResult<(Option<String>, Body)> {
    let mut stream = body.into_data_stream();
    let mut head = Vec::new();
    let token = loop {
        if let FirstPart::Done(t) = first_part(&head, boundary) {
            break t;
        }
        if head.len() >= MULTIPART_PEEK {
            break None;
        }
        match stream.next().await {
            Some(Ok(chunk)) => head.extend_from_slice(&chunk),
            Some(Err(_)) => {
                return Err(WebError::BadRequest(
                    "Форма с файлом получена не полностью. Отправьте её ещё раз.".into(),
                ))
            }
            None => break None,
        }
    };
    let head =
        futures_util::stream::once(async move { Ok::<Bytes, axum::Error>(Bytes::from(head)) });
    Ok((token, Body::from_stream(head.chain(stream))))
}

enum FirstPart {
    /// The first part is complete: its value when it is `csrf`.
    Done(Option<String>),
    NeedMore,
}

/// The first part of a multipart body read so far.
fn first_part(buf: &[u8], boundary: &str) -> FirstPart {
    let delimiter = format!("--{boundary}");
    let Some(start) = find(buf, delimiter.as_bytes()) else {
        return FirstPart::NeedMore;
    };
    let after = &buf[start + delimiter.len()..];
    let Some(headers_end) = find(after, b"\r\n\r\n") else {
        return FirstPart::NeedMore;
    };
    let headers = String::from_utf8_lossy(&after[..headers_end]);
    let is_csrf = headers.split("\r\n").any(|line| {
        let Some((name, value)) = line.split_once(':') else {
            return false;
        };
        name.trim().eq_ignore_ascii_case("content-disposition")
            && value
                .split(';')
                .skip(1)
                .filter_map(|p| p.trim().split_once('='))
                .any(|(k, v)| k.trim() == "name" && v.trim().trim_matches('"') == "csrf")
            && !value.contains("filename")
    });
    if !is_csrf {
        return FirstPart::Done(None);
    }
    let content = &after[headers_end + 4..];
    match find(content, format!("\r\n{delimiter}").as_bytes()) {
        Some(end) => FirstPart::Done(
            String::from_utf8(content[..end].to_vec())
                .ok()
                .map(|t| t.trim().to_string()),
        ),
        None => FirstPart::NeedMore,
    }
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

/// `Origin` (or, without it, `Referer`) must name this site when present:
/// the public URL when one is configured (behind a reverse proxy), else the
/// `Host` the request came to.
fn same_origin(headers: &HeaderMap, public_url: Option<&str>) -> bool {
    let host = headers
        .get(header::HOST)
        .and_then(|h| h.to_str().ok())
        .unwrap_or("");
    let matches = |url: &str| match public_url {
        Some(public) => crate::public_origin(url).is_some_and(|o| o == public),
        None => {
            let rest = url.split_once("://").map(|(_, r)| r).unwrap_or("");
            let authority = rest.split('/').next().unwrap_or("");
            !host.is_empty() && authority.eq_ignore_ascii_case(host)
        }
    };
    if let Some(o) = headers.get(header::ORIGIN).and_then(|v| v.to_str().ok()) {
        return o != "null" && matches(o);
    }
    if let Some(r) = headers.get(header::REFERER).and_then(|v| v.to_str().ok()) {
        return matches(r);
    }
    true
}

/// One field of an urlencoded form body, decoded as the form extractor
/// decodes it.
fn form_field(body: &[u8], name: &str) -> Option<String> {
    form_urlencoded::parse(body)
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.into_owned())
}

/// The logged-in caller: the user, its scope and its session's CSRF token.
#[derive(Clone)]
pub struct Caller {
    pub user: User,
    pub scope: Scope,
    pub csrf: String,
    pub token_hash: String,
    /// Unread notifications, for the navigation (counted for pages; 0 under `/api/`).
    pub unread: i64,
}

impl Caller {
    pub fn role(&self) -> Role {
        self.user.role
    }
    pub fn is_region(&self) -> bool {
        self.user.role == Role::Region
    }
    pub fn manages_users(&self) -> bool {
        self.user.role.manages_users()
    }
    pub fn reads_audit(&self) -> bool {
        self.user.role.manages_users()
    }
    /// Runs identification and uploads data: the regional operator.
    pub fn require_region(&self) -> WebResult<()> {
        if self.is_region() {
            Ok(())
        } else {
            Err(WebError::Forbidden(
                "Это действие доступно только региональному оператору.".into(),
            ))
        }
    }
    pub fn require_user_admin(&self) -> WebResult<()> {
        if self.manages_users() {
            Ok(())
        } else {
            Err(WebError::Forbidden(
                "Раздел доступен региональному оператору и муниципальному администратору.".into(),
            ))
        }
    }
}

impl FromRequestParts<AppState> for Caller {
    type Rejection = WebError;

    async fn from_request_parts(parts: &mut Parts, st: &AppState) -> Result<Self, Self::Rejection> {
        let api = parts.uri.path().starts_with("/api/");
        let next = parts
            .uri
            .path_and_query()
            .map(|p| p.as_str().to_string())
            .unwrap_or_default();
        let cur = parts.extensions.get::<CurrentSession>().cloned();
        let Some(CurrentSession {
            session: Some(s),
            token_hash: Some(h),
        }) = cur
        else {
            return Err(WebError::Unauthenticated { api, next });
        };
        let scope = st.db.scope_of(&s.user).await?;
        let unread = if api {
            0
        } else {
            st.db.unread_count(s.user.id).await?
        };
        Ok(Caller {
            user: s.user,
            scope,
            csrf: s.csrf,
            token_hash: h,
            unread,
        })
    }
}

/// A navigation link.
pub struct NavItem {
    pub href: &'static str,
    pub label: &'static str,
    pub active: bool,
    /// A number shown after the label («Уведомления (3)»); 0: none.
    pub count: i64,
}

/// What every page's frame needs: title, the user, navigation, CSRF token.
pub struct Layout {
    pub title: String,
    pub user_name: String,
    pub role_title: String,
    pub scope_title: String,
    pub csrf: String,
    pub nav: Vec<NavItem>,
}

impl Layout {
    pub fn new(c: &Caller, title: impl Into<String>, active: &str) -> Layout {
        let mut items: Vec<(&'static str, &'static str)> = vec![
            ("/", "Главная"),
            ("/schools", "Школы"),
            ("/identification", "Идентификация"),
            ("/plans", "Дорожные карты"),
            ("/tasks", "Мои задачи"),
            ("/events", "Мероприятия"),
            ("/notes", "Справки"),
            ("/indicators", "Показатели"),
            ("/campaigns", "Сбор данных"),
            ("/notifications", "Уведомления"),
            ("/sites", "Сайты школ"),
            ("/staff", "Педагоги"),
            ("/pupils", "Обучающиеся с НОР"),
        ];
        if c.is_region()
            || crate::pages::staff::rights::imports_staff(c)
            || crate::pages::pupils::rights::imports_attendance(c)
        {
            items.push(("/upload", "Загрузка данных"));
        }
        if c.manages_users() {
            items.push(("/users", "Пользователи"));
            items.push(("/audit", "Журнал"));
        }
        Layout {
            title: title.into(),
            user_name: c.user.display_name.clone(),
            role_title: c.user.role.title().to_string(),
            scope_title: String::new(),
            csrf: c.csrf.clone(),
            nav: items
                .into_iter()
                .map(|(href, label)| NavItem {
                    href,
                    label,
                    active: href == active,
                    count: if href == "/notifications" {
                        c.unread
                    } else {
                        0
                    },
                })
                .collect(),
        }
    }
}

#[derive(Template)]
#[template(path = "login.html")]
struct LoginPage {
    csrf: String,
    next: String,
    login: String,
    error: String,
    region: String,
}

#[derive(serde::Deserialize, Default)]
pub struct NextQuery {
    #[serde(default)]
    next: String,
}

/// Only local paths are followed after login.
fn safe_next(next: &str) -> String {
    if next.starts_with('/')
        && !next.starts_with("//")
        && !next.starts_with("/\\")
        && !next.starts_with("/login")
    {
        next.to_string()
    } else {
        "/".into()
    }
}

pub async fn login_page(
    State(st): State<AppState>,
    headers: HeaderMap,
    Query(q): Query<NextQuery>,
) -> WebResult<Response> {
    if let Some(t) = cookie_value(&headers, SESSION_COOKIE) {
        if st.db.session(&token_hash(&t)).await?.is_some() {
            return Ok(Redirect::to(&safe_next(&q.next)).into_response());
        }
    }
    let existing = cookie_value(&headers, LOGIN_CSRF_COOKIE).filter(|c| c.len() == 64);
    let csrf = existing.clone().unwrap_or_else(random_token);
    let region = st.db.region_name().await?.unwrap_or_default();
    let page = LoginPage {
        csrf: csrf.clone(),
        next: safe_next(&q.next),
        login: String::new(),
        error: String::new(),
        region,
    };
    let mut res = Html(page.render()?).into_response();
    if existing.is_none() {
        res.headers_mut().append(
            header::SET_COOKIE,
            set_cookie(LOGIN_CSRF_COOKIE, &csrf, st.cfg.secure(), None),
        );
    }
    Ok(res)
}

#[derive(serde::Deserialize)]
pub struct LoginForm {
    #[serde(default)]
    login: String,
    #[serde(default)]
    password: String,
    #[serde(default)]
    next: String,
    #[serde(default)]
    csrf: String,
}

pub async fn login(State(st): State<AppState>, Form(f): Form<LoginForm>) -> WebResult<Response> {
    let login: String = f.login.trim().chars().take(100).collect();
    let region = st.db.region_name().await?.unwrap_or_default();
    let page = |msg: String| LoginPage {
        csrf: f.csrf.clone(),
        next: safe_next(&f.next),
        login: login.clone(),
        error: msg,
        region: region.clone(),
    };
    let fail = |status: StatusCode, msg: String| -> WebResult<Response> {
        Ok((status, Html(page(msg).render()?)).into_response())
    };
    if login.is_empty() || f.password.is_empty() {
        return fail(StatusCode::BAD_REQUEST, "Введите логин и пароль.".into());
    }
    if let Some(until) = st.db.login_locked_until(&login).await? {
        st.db
            .audit(&login, "вход отклонён: блокировка", "", "")
            .await?;
        return fail(
            StatusCode::TOO_MANY_REQUESTS,
            format!("Слишком много неудачных попыток входа. Вход для «{login}» временно заблокирован до {}.", crate::fmt::datetime(&until)),
        );
    }
    if let Err(wait) = st.login_bucket.try_take() {
        return server_busy(page, wait);
    }
    let found = st.db.user_for_login(&login).await?;
    let ok = check_password(
        found.as_ref().and_then(|(_, h)| h.clone()),
        f.password.clone(),
    )
    .await?;
    let user = match (found, ok) {
        (Some((u, Some(_))), true) => u,
        _ => {
            let locked = st.db.record_login_failure(&login, st.cfg.lock).await?;
            st.db.audit(&login, "неудачный вход", "", "").await?;
            if let Some(until) = locked {
                st.db
                    .audit(&login, "блокировка входа", "", &format!("до {until}"))
                    .await?;
                return fail(
                    StatusCode::TOO_MANY_REQUESTS,
                    format!("Слишком много неудачных попыток входа. Вход для «{login}» временно заблокирован до {}.", crate::fmt::datetime(&until)),
                );
            }
            return fail(
                StatusCode::UNAUTHORIZED,
                "Неверный логин или пароль.".into(),
            );
        }
    };
    if user.blocked {
        st.db
            .audit(
                &user.login,
                "вход отклонён: учётная запись заблокирована",
                "",
                "",
            )
            .await?;
        return fail(
            StatusCode::FORBIDDEN,
            "Учётная запись заблокирована. Обратитесь к администратору.".into(),
        );
    }
    st.db.clear_login_failures(&login).await?;
    let token = random_token();
    let expires = opora_store::auth::time_text_in(st.cfg.session_hours * 3600);
    st.db
        .create_session(&token_hash(&token), user.id, &random_token(), &expires)
        .await?;
    st.db.audit_by(&user, "вход", "", "", None).await?;
    let mut res = Redirect::to(&safe_next(&f.next)).into_response();
    res.headers_mut().append(
        header::SET_COOKIE,
        set_cookie(SESSION_COOKIE, &token, st.cfg.secure(), None),
    );
    Ok(res)
}

/// The login form again when the server-wide bucket of password checks is
/// empty: 429 with `Retry-After`; no password was checked, nothing counted.
fn server_busy(
    page: impl Fn(String) -> LoginPage,
    wait: std::time::Duration,
) -> WebResult<Response> {
    let secs = wait.as_secs() + 1;
    let msg = format!(
        "Сейчас слишком много попыток входа. Подождите {} и войдите снова.",
        crate::fmt::plural(secs as i64, "секунду", "секунды", "секунд")
    );
    let mut res = (StatusCode::TOO_MANY_REQUESTS, Html(page(msg).render()?)).into_response();
    res.headers_mut().insert(header::RETRY_AFTER, secs.into());
    Ok(res)
}

pub async fn logout(State(st): State<AppState>, caller: Caller) -> WebResult<Response> {
    st.db.delete_session(&caller.token_hash).await?;
    st.db.audit_by(&caller.user, "выход", "", "", None).await?;
    let mut res = Redirect::to("/login").into_response();
    res.headers_mut().append(
        header::SET_COOKIE,
        set_cookie(SESSION_COOKIE, "", st.cfg.secure(), Some(0)),
    );
    Ok(res)
}

#[derive(Template)]
#[template(path = "account.html")]
struct AccountPage {
    l: Layout,
    login: String,
    error: String,
    done: bool,
}

#[derive(serde::Deserialize, Default)]
pub struct DoneQuery {
    #[serde(default)]
    done: String,
}

pub async fn account_page(caller: Caller, Query(q): Query<DoneQuery>) -> WebResult<Html<String>> {
    let done = q.done == "1";
    let page = AccountPage {
        l: Layout::new(&caller, "Учётная запись", ""),
        login: caller.user.login.clone(),
        error: String::new(),
        done,
    };
    Ok(Html(page.render()?))
}

#[derive(serde::Deserialize)]
pub struct PasswordForm {
    #[serde(default)]
    current: String,
    #[serde(default)]
    new_password: String,
    #[serde(default)]
    repeat: String,
}

pub async fn change_password(
    State(st): State<AppState>,
    caller: Caller,
    Form(f): Form<PasswordForm>,
) -> WebResult<Response> {
    let render = |status: StatusCode, error: String, done: bool| -> WebResult<Response> {
        let page = AccountPage {
            l: Layout::new(&caller, "Учётная запись", ""),
            login: caller.user.login.clone(),
            error,
            done,
        };
        Ok((status, Html(page.render()?)).into_response())
    };
    let hash = st
        .db
        .user_for_login(&caller.user.login)
        .await?
        .and_then(|(_, h)| h);
    if !check_password(hash, f.current.clone()).await? {
        return render(
            StatusCode::BAD_REQUEST,
            "Текущий пароль введён неверно.".into(),
            false,
        );
    }
    if let Err(msg) = check_new_password(&f.new_password, &f.repeat) {
        return render(StatusCode::BAD_REQUEST, msg, false);
    }
    let hash = hash_password_off_runtime(f.new_password.clone()).await?;
    st.db.set_password_hash(caller.user.id, &hash).await?;
    st.db
        .delete_user_sessions(caller.user.id, Some(&caller.token_hash))
        .await?;
    st.db
        .audit_by(
            &caller.user,
            "смена пароля",
            &user_label(&caller.user),
            "",
            None,
        )
        .await?;
    Ok(Redirect::to("/account?done=1").into_response())
}

/// How the audit log names a user: login and full name.
pub fn user_label(u: &User) -> String {
    format!("{} ({})", u.login, u.display_name)
}

/// Rules for a new password.
pub fn check_new_password(p: &str, repeat: &str) -> Result<(), String> {
    if p.chars().count() < MIN_PASSWORD_LEN {
        return Err(format!(
            "Пароль должен быть не короче {MIN_PASSWORD_LEN} символов."
        ));
    }
    if p != repeat {
        return Err("Пароли не совпадают.".into());
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn form_fields_decode() {
        assert_eq!(
            form_field(b"a=1&csrf=ab%2Fc+d", "csrf").as_deref(),
            Some("ab/c d")
        );
        assert_eq!(form_field(b"login=%D0%B0", "login").as_deref(), Some("а"));
        assert_eq!(form_field(b"a=1", "csrf"), None);
    }

    #[test]
    fn next_only_local() {
        assert_eq!(safe_next("/schools?q=1"), "/schools?q=1");
        assert_eq!(safe_next("//evil.example"), "/");
        assert_eq!(safe_next("https://evil.example"), "/");
    }
}
