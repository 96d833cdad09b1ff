//! Pages, one module per area.

pub mod audit;
pub mod card;
pub mod home;
pub mod identification;
pub mod plans;
pub mod schools;
pub mod upload;
pub mod users;

use crate::error::WebError;
use axum::http::Uri;
use axum::response::{IntoResponse, Response};

pub async fn not_found(uri: Uri) -> Response {
    if uri.path().starts_with("/api/") {
        WebError::NotFound.into_json()
    } else {
        WebError::NotFound.into_response()
    }
}

/// A known address asked with another method — typically a result page of
/// a form reloaded or bookmarked: a page that says so, not an empty 405.
pub async fn method_not_allowed(uri: Uri) -> Response {
    let e = WebError::MethodNotAllowed;
    if uri.path().starts_with("/api/") {
        e.into_json()
    } else {
        e.into_response()
    }
}

/// A municipality name → the scope's short description for page headers.
pub(crate) async fn scope_title(
    db: &opora_store::Db,
    c: &crate::auth::Caller,
) -> Result<String, WebError> {
    use opora_store::scope::Scope;
    Ok(match &c.scope {
        Scope::Region => db.region_name().await?.unwrap_or_else(|| "Регион".into()),
        Scope::Municipality(m) => db
            .municipalities()
            .await?
            .into_iter()
            .find(|x| x.id == *m)
            .map(|x| x.name)
            .unwrap_or_default(),
        Scope::Schools(ids) => crate::fmt::plural(
            ids.len() as i64,
            "закреплённая школа",
            "закреплённые школы",
            "закреплённых школ",
        ),
        Scope::School(_) => db
            .schools_in(&c.scope)
            .await?
            .first()
            .map(|s| s.short_name.clone())
            .unwrap_or_default(),
    })
}
