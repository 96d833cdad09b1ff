//! Errors of the web layer and their responses: a Russian page for people,
//! JSON for the API.

use askama::Template;
use axum::http::{header, StatusCode};
use axum::response::{Html, IntoResponse, Redirect, Response};
use opora_store::StoreError;

#[derive(Debug)]
pub enum WebError {
    /// Not logged in: pages redirect to the login form, the API answers 401.
    Unauthenticated { api: bool, next: String },
    /// Unknown, or outside the caller's scope (the same answer on purpose).
    NotFound,
    /// The role may not do this.
    Forbidden(String),
    BadRequest(String),
    PayloadTooLarge(usize),
    UnsupportedType(String),
    Internal(String),
}

impl WebError {
    pub fn status(&self) -> StatusCode {
        match self {
            WebError::Unauthenticated { .. } => StatusCode::UNAUTHORIZED,
            WebError::NotFound => StatusCode::NOT_FOUND,
            WebError::Forbidden(_) => StatusCode::FORBIDDEN,
            WebError::BadRequest(_) => StatusCode::BAD_REQUEST,
            WebError::PayloadTooLarge(_) => StatusCode::PAYLOAD_TOO_LARGE,
            WebError::UnsupportedType(_) => StatusCode::UNSUPPORTED_MEDIA_TYPE,
            WebError::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    pub fn message(&self) -> String {
        match self {
            WebError::Unauthenticated { .. } => "Нужно войти в систему.".into(),
            WebError::NotFound => "Страница не найдена или у вас нет к ней доступа.".into(),
            WebError::Forbidden(m) | WebError::BadRequest(m) | WebError::UnsupportedType(m) => m.clone(),
            WebError::PayloadTooLarge(limit) => format!(
                "Файл слишком большой: можно загрузить не больше {} МБ. Разделите файл на части.",
                limit / (1024 * 1024)
            ),
            WebError::Internal(_) => "Внутренняя ошибка сервера. Подробности записаны в журнал сервера.".into(),
        }
    }

    pub fn title(&self) -> &'static str {
        match self {
            WebError::Unauthenticated { .. } => "Нужен вход",
            WebError::NotFound => "Не найдено",
            WebError::Forbidden(_) => "Доступ запрещён",
            WebError::BadRequest(_) => "Ошибка в запросе",
            WebError::PayloadTooLarge(_) => "Файл слишком большой",
            WebError::UnsupportedType(_) => "Формат не поддерживается",
            WebError::Internal(_) => "Ошибка сервера",
        }
    }

    /// The JSON form of the error (API).
    pub fn into_json(self) -> Response {
        let status = self.status();
        let body = serde_json::json!({ "error": self.message(), "status": status.as_u16() });
        (status, [(header::CONTENT_TYPE, "application/json; charset=utf-8")], body.to_string()).into_response()
    }
}

#[derive(Template)]
#[template(path = "error.html")]
struct ErrorPage<'a> {
    title: &'a str,
    message: &'a str,
    status: u16,
}

impl IntoResponse for WebError {
    fn into_response(self) -> Response {
        if let WebError::Internal(detail) = &self {
            tracing::error!("{detail}");
        }
        if let WebError::Unauthenticated { api, next } = &self {
            if *api {
                return self.into_json();
            }
            let to = if next.is_empty() || next == "/" { "/login".to_string() } else { format!("/login?next={}", crate::fmt::urlencode(next)) };
            return Redirect::to(&to).into_response();
        }
        let status = self.status();
        let message = self.message();
        let page = ErrorPage { title: self.title(), message: &message, status: status.as_u16() };
        match page.render() {
            Ok(html) => (status, Html(html)).into_response(),
            Err(_) => (status, message).into_response(),
        }
    }
}

impl From<StoreError> for WebError {
    fn from(e: StoreError) -> Self {
        match e {
            StoreError::NotFound(_) => WebError::NotFound,
            StoreError::Invalid(m) => WebError::BadRequest(m),
            other => WebError::Internal(other.to_string()),
        }
    }
}

impl From<askama::Error> for WebError {
    fn from(e: askama::Error) -> Self {
        WebError::Internal(format!("шаблон: {e}"))
    }
}

pub type WebResult<T> = Result<T, WebError>;
