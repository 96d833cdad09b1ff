//! Extractors of request parts whose failures are answered like every other
//! error: the Russian error page, or Russian JSON under `/api/` — never the
//! framework's English plain text. A field that does not deserialize is
//! named (its path from `serde_path_to_error`); the wording does not depend
//! on the deserializer's message.

use crate::error::WebError;
use axum::body::Bytes;
use axum::extract::{FromRequest, FromRequestParts, Request};
use axum::http::request::Parts;
use axum::http::{header, HeaderMap, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use serde::de::DeserializeOwned;

/// A refused request part: an error page, or JSON under `/api/`.
pub struct Rejection {
    api: bool,
    error: WebError,
}

impl Rejection {
    fn new(uri: &Uri, error: WebError) -> Rejection {
        Rejection {
            api: uri.path().starts_with("/api/"),
            error,
        }
    }
}

impl IntoResponse for Rejection {
    fn into_response(self) -> Response {
        if self.api {
            self.error.into_json()
        } else {
            self.error.into_response()
        }
    }
}

/// Where URL-encoded pairs come from (for the message).
#[derive(Clone, Copy)]
enum Source {
    Form,
    Query,
}

/// Deserializes URL-encoded pairs; a bad field is named in the message.
/// Control characters (NUL and the like) are refused in any value: typed by
/// no one, they are an attack or a broken client, and PostgreSQL cannot
/// store NUL in text at all.
fn decode<T: DeserializeOwned>(bytes: &[u8], source: Source) -> Result<T, WebError> {
    if let Some((field, c)) = form_urlencoded::parse(bytes)
        .find_map(|(k, v)| opora_io::text::forbidden_control(&v).map(|c| (k.into_owned(), c)))
    {
        return Err(WebError::Unprocessable(format!(
            "Поле «{field}» содержит служебный символ {}: такие символы не вводятся с клавиатуры. \
             Удалите его (перепечатайте текст) и отправьте форму ещё раз.",
            opora_io::text::describe_char(c)
        )));
    }
    let de = serde_urlencoded::Deserializer::new(form_urlencoded::parse(bytes));
    serde_path_to_error::deserialize(de).map_err(|e| {
        let field = e.path().to_string();
        tracing::debug!("{field}: {}", e.inner());
        let named = !field.is_empty() && field != ".";
        WebError::Unprocessable(match (source, named) {
            (Source::Form, true) => {
                format!("Поле «{field}» заполнено неверно или не заполнено. Проверьте значение и отправьте форму ещё раз.")
            }
            (Source::Form, false) => {
                "Форма заполнена неверно: не все обязательные поля заполнены или значения не подходят. Проверьте и отправьте ещё раз."
                    .into()
            }
            (Source::Query, true) => format!("Параметр «{field}» в адресе страницы указан неверно. Откройте страницу заново из меню."),
            (Source::Query, false) => "В адресе страницы неверные параметры. Откройте страницу заново из меню.".into(),
        })
    })
}

fn content_type(headers: &HeaderMap) -> &str {
    headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
}

/// A URL-encoded form body (`application/x-www-form-urlencoded`).
pub struct Form<T>(pub T);

impl<T: DeserializeOwned, S: Send + Sync> FromRequest<S> for Form<T> {
    type Rejection = Rejection;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        let uri = req.uri().clone();
        if !content_type(req.headers()).starts_with("application/x-www-form-urlencoded") {
            return Err(Rejection::new(
                &uri,
                WebError::UnsupportedType(
                    "Форма отправлена в неизвестном формате: ожидаются поля обычной веб-формы."
                        .into(),
                ),
            ));
        }
        let bytes = Bytes::from_request(req, state).await.map_err(|e| {
            let error = if e.status() == StatusCode::PAYLOAD_TOO_LARGE {
                WebError::PayloadTooLarge(crate::auth::FORM_LIMIT)
            } else {
                WebError::BadRequest("Форма получена не полностью. Отправьте её ещё раз.".into())
            };
            Rejection::new(&uri, error)
        })?;
        decode(&bytes, Source::Form)
            .map(Form)
            .map_err(|e| Rejection::new(&uri, e))
    }
}

/// The query string.
pub struct Query<T>(pub T);

impl<T: DeserializeOwned, S: Send + Sync> FromRequestParts<S> for Query<T> {
    type Rejection = Rejection;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, Self::Rejection> {
        let q = parts.uri.query().unwrap_or("");
        decode(q.as_bytes(), Source::Query)
            .map(Query)
            .map_err(|e| Rejection::new(&parts.uri, e))
    }
}

/// Parameters in the path: a path that does not parse names no page (404).
pub struct Path<T>(pub T);

impl<T: DeserializeOwned + Send, S: Send + Sync> FromRequestParts<S> for Path<T> {
    type Rejection = Rejection;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        match axum::extract::Path::<T>::from_request_parts(parts, state).await {
            Ok(axum::extract::Path(v)) => Ok(Path(v)),
            Err(e) => {
                tracing::debug!("path {}: {}", parts.uri.path(), e.body_text());
                Err(Rejection::new(&parts.uri, WebError::NotFound))
            }
        }
    }
}

/// A `multipart/form-data` body (forms with a file).
pub struct Multipart(pub axum::extract::Multipart);

impl<S: Send + Sync> FromRequest<S> for Multipart {
    type Rejection = Rejection;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        let uri = req.uri().clone();
        axum::extract::Multipart::from_request(req, state).await.map(Multipart).map_err(|_| {
            Rejection::new(
                &uri,
                WebError::UnsupportedType("Форма с файлом отправлена в неизвестном формате: ожидается multipart/form-data.".into()),
            )
        })
    }
}

/// A multipart stream that broke off: too large (413) or incomplete (400).
pub fn multipart_error(e: axum::extract::multipart::MultipartError, limit: usize) -> WebError {
    if e.status() == StatusCode::PAYLOAD_TOO_LARGE {
        WebError::PayloadTooLarge(limit)
    } else {
        tracing::debug!("multipart: {}", e.body_text());
        WebError::BadRequest(
            "Форма с файлом получена не полностью (соединение прервалось или форма повреждена). Отправьте её ещё раз.".into(),
        )
    }
}

/// The pairs of a URL-encoded form in order, for forms whose fields repeat
/// (checkboxes, multiple choice).
#[derive(Debug, Default)]
pub struct Fields(pub Vec<(String, String)>);

impl Fields {
    /// The first value of a field, trimmed ("" when absent).
    pub fn get(&self, name: &str) -> &str {
        self.0
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.trim())
            .unwrap_or("")
    }

    /// Every value of a repeated field, trimmed, empty ones kept (rows of
    /// a form whose fields go together by position).
    pub fn rows(&self, name: &str) -> Vec<&str> {
        self.0
            .iter()
            .filter(|(k, _)| k == name)
            .map(|(_, v)| v.trim())
            .collect()
    }

    /// Every non-empty value of a field; comma-separated values are split.
    pub fn all(&self, name: &str) -> Vec<&str> {
        self.0
            .iter()
            .filter(|(k, _)| k == name)
            .flat_map(|(_, v)| v.split(','))
            .map(str::trim)
            .filter(|v| !v.is_empty())
            .collect()
    }

    /// Every value of a field as a database id, each once, in order; `label`
    /// names the field in the message when one is not a number.
    pub fn ids(&self, name: &str, label: &str) -> Result<Vec<i64>, WebError> {
        let mut out = Vec::new();
        for v in self.all(name) {
            let id = v.parse::<i64>().map_err(|_| {
                WebError::Unprocessable(format!(
                    "{label}: «{v}» — не номер из списка. Выберите значение из списка."
                ))
            })?;
            if !out.contains(&id) {
                out.push(id);
            }
        }
        Ok(out)
    }

    /// One id (required).
    pub fn id(&self, name: &str, label: &str) -> Result<i64, WebError> {
        match self.ids(name, label)?.as_slice() {
            [one] => Ok(*one),
            [] => Err(WebError::Unprocessable(format!(
                "{label}: выберите значение из списка."
            ))),
            _ => Err(WebError::Unprocessable(format!(
                "{label}: выберите одно значение."
            ))),
        }
    }
}

impl<S: Send + Sync> FromRequest<S> for Fields {
    type Rejection = Rejection;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        Form::<Vec<(String, String)>>::from_request(req, state)
            .await
            .map(|Form(v)| Fields(v))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(serde::Deserialize, Debug)]
    struct Pair {
        leader: i64,
        #[serde(default)]
        note: String,
    }

    #[test]
    fn a_control_character_in_any_field_is_refused_naming_the_field() {
        let err = decode::<Vec<(String, String)>>(b"csrf=x&text=a%00b", Source::Form).unwrap_err();
        let WebError::Unprocessable(message) = err else {
            panic!("expected 422")
        };
        assert!(
            message.contains("«text»") && message.contains("NUL"),
            "{message}"
        );
        assert!(decode::<Vec<(String, String)>>(
            b"text=%D1%81%D1%82%D1%80%D0%BE%D0%BA%D0%B0%0D%0A%09",
            Source::Form
        )
        .is_ok());
    }

    #[test]
    fn a_bad_field_is_named_in_russian() {
        let e = decode::<Pair>(b"leader=abc&note=x", Source::Form).unwrap_err();
        assert_eq!(e.status(), StatusCode::UNPROCESSABLE_ENTITY);
        assert!(e.message().contains("Поле «leader»"), "{}", e.message());
        let missing = decode::<Pair>(b"note=x", Source::Form).unwrap_err();
        assert!(
            missing.message().contains("заполнен"),
            "{}",
            missing.message()
        );
        let ok = decode::<Pair>(b"leader=7&note=%D0%B4%D0%B0", Source::Form).unwrap();
        assert_eq!((ok.leader, ok.note.as_str()), (7, "да"));
    }

    #[test]
    fn repeated_fields_and_ids() {
        let f = Fields(vec![
            ("curator".into(), "3".into()),
            ("curator".into(), "4, 3".into()),
            ("school".into(), "x".into()),
        ]);
        assert_eq!(f.ids("curator", "Куратор").unwrap(), vec![3, 4]);
        assert!(f
            .ids("school", "Школа")
            .unwrap_err()
            .message()
            .contains("«x»"));
        assert!(
            f.id("curator", "Куратор").is_err(),
            "two values where one is expected"
        );
        assert!(f.id("none", "Школа").is_err());
    }
}
