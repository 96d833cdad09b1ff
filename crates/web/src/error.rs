//! Errors of the web layer and their responses: a Russian page for people,
//! JSON for the API.

use askama::Template;
use axum::http::{header, StatusCode};
use axum::response::{Html, IntoResponse, Redirect, Response};
use opora_store::StoreError;

#[derive(Debug)]
pub enum WebError {
    /// Not logged in: pages redirect to the login form, the API answers 401.
    Unauthenticated {
        api: bool,
        next: String,
    },
    /// Unknown, or outside the caller's scope (the same answer on purpose).
    NotFound,
    /// The role may not do this.
    Forbidden(String),
    /// An address that exists, asked with the wrong method (a form's
    /// address opened directly).
    MethodNotAllowed,
    BadRequest(String),
    /// The same thing exists already (409).
    Conflict(String),
    /// The form is readable but its values cannot be accepted (422).
    Unprocessable(String),
    PayloadTooLarge(usize),
    UnsupportedType(String),
    /// Too many requests of a kind across the server (429).
    TooManyRequests(String),
    /// Data read from the database is damaged: an internal error whose
    /// detail goes to the server's log.
    DamagedData(String),
    Internal(String),
}

impl WebError {
    pub fn status(&self) -> StatusCode {
        match self {
            WebError::Unauthenticated { .. } => StatusCode::UNAUTHORIZED,
            WebError::NotFound => StatusCode::NOT_FOUND,
            WebError::Forbidden(_) => StatusCode::FORBIDDEN,
            WebError::MethodNotAllowed => StatusCode::METHOD_NOT_ALLOWED,
            WebError::BadRequest(_) => StatusCode::BAD_REQUEST,
            WebError::Conflict(_) => StatusCode::CONFLICT,
            WebError::Unprocessable(_) => StatusCode::UNPROCESSABLE_ENTITY,
            WebError::PayloadTooLarge(_) => StatusCode::PAYLOAD_TOO_LARGE,
            WebError::UnsupportedType(_) => StatusCode::UNSUPPORTED_MEDIA_TYPE,
            WebError::TooManyRequests(_) => StatusCode::TOO_MANY_REQUESTS,
            WebError::DamagedData(_) | WebError::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    pub fn message(&self) -> String {
        match self {
            WebError::Unauthenticated { .. } => "Нужно войти в систему.".into(),
            WebError::NotFound => "Страница не найдена или у вас нет к ней доступа.".into(),
            WebError::MethodNotAllowed => {
                "Этот адрес принимает только отправку формы. Откройте раздел из меню и повторите действие.".into()
            }
            WebError::Forbidden(m)
            | WebError::BadRequest(m)
            | WebError::Conflict(m)
            | WebError::Unprocessable(m)
            | WebError::UnsupportedType(m)
            | WebError::TooManyRequests(m) => m.clone(),
            WebError::PayloadTooLarge(limit) => format!(
                "Файл слишком большой: можно загрузить не больше {} МБ. Разделите файл на части.",
                limit / (1024 * 1024)
            ),
            WebError::DamagedData(_) => {
                "Сохранённые данные повреждены и не могут быть показаны. Сообщите администратору: подробности записаны в журнал сервера.".into()
            }
            WebError::Internal(_) => "Внутренняя ошибка сервера. Подробности записаны в журнал сервера.".into(),
        }
    }

    pub fn title(&self) -> &'static str {
        match self {
            WebError::Unauthenticated { .. } => "Нужен вход",
            WebError::NotFound => "Не найдено",
            WebError::Forbidden(_) => "Доступ запрещён",
            WebError::MethodNotAllowed => "Адрес формы",
            WebError::BadRequest(_) => "Ошибка в запросе",
            WebError::Conflict(_) => "Уже существует",
            WebError::Unprocessable(_) => "Проверьте данные",
            WebError::PayloadTooLarge(_) => "Файл слишком большой",
            WebError::UnsupportedType(_) => "Формат не поддерживается",
            WebError::TooManyRequests(_) => "Слишком много запросов",
            WebError::DamagedData(_) | WebError::Internal(_) => "Ошибка сервера",
        }
    }

    /// The JSON form of the error (API).
    pub fn into_json(self) -> Response {
        if let WebError::Internal(detail) | WebError::DamagedData(detail) = &self {
            tracing::error!("{detail}");
        }
        let status = self.status();
        let body = serde_json::json!({ "error": self.message(), "status": status.as_u16() });
        (
            status,
            [(header::CONTENT_TYPE, "application/json; charset=utf-8")],
            body.to_string(),
        )
            .into_response()
    }
}

#[derive(Template)]
#[template(path = "error.html")]
struct ErrorPage<'a> {
    title: &'a str,
    message: &'a str,
}

/// What an error page said, attached to its response so that
/// [`crate::pages::with_navigation`] can show it again inside the signed-in
/// user's layout (the error itself is raised where no layout is at hand).
#[derive(Clone, Debug)]
pub struct ShownError {
    pub title: String,
    pub message: String,
}

impl IntoResponse for WebError {
    fn into_response(self) -> Response {
        if let WebError::Internal(detail) | WebError::DamagedData(detail) = &self {
            tracing::error!("{detail}");
        }
        if let WebError::Unauthenticated { api, next } = &self {
            if *api {
                return self.into_json();
            }
            let to = if next.is_empty() || next == "/" {
                "/login".to_string()
            } else {
                format!("/login?next={}", crate::fmt::urlencode(next))
            };
            return Redirect::to(&to).into_response();
        }
        let status = self.status();
        let message = self.message();
        let page = ErrorPage {
            title: self.title(),
            message: &message,
        };
        let shown = ShownError {
            title: self.title().to_string(),
            message: message.clone(),
        };
        let mut res = match page.render() {
            Ok(html) => (status, Html(html)).into_response(),
            Err(_) => (status, message).into_response(),
        };
        res.extensions_mut().insert(shown);
        res
    }
}

/// Store errors by kind: what the caller asked for is missing (404), breaks
/// a rule (400), exists already (409), names something that does not exist
/// (422), is a refused file type (415); damaged stored data and database
/// failures are internal (500, detail in the log).
impl From<StoreError> for WebError {
    fn from(e: StoreError) -> Self {
        match e {
            StoreError::NotFound(_) => WebError::NotFound,
            StoreError::Invalid(m) => WebError::BadRequest(capitalise(&m)),
            StoreError::Conflict(m) => WebError::Conflict(capitalise(&m)),
            StoreError::ForeignKey(m) => WebError::Unprocessable(capitalise(&m)),
            StoreError::UnsupportedType(m) => WebError::UnsupportedType(capitalise(&m)),
            e @ (StoreError::Rejected { .. } | StoreError::File(_)) => {
                WebError::Unprocessable(capitalise(&e.to_string()))
            }
            StoreError::InvalidStored(m) => WebError::DamagedData(m),
            other => WebError::Internal(other.to_string()),
        }
    }
}

/// A store message (lower-case, as it continues a sentence) as a sentence.
fn capitalise(s: &str) -> String {
    let mut out = crate::fmt::capitalised(s);
    if !out.is_empty() && !out.ends_with(['.', '!', '?', '»', ')']) {
        out.push('.');
    }
    out
}

impl From<askama::Error> for WebError {
    fn from(e: askama::Error) -> Self {
        WebError::Internal(format!("шаблон: {e}"))
    }
}

pub type WebResult<T> = Result<T, WebError>;
