//! Pages, one module per area.

pub mod audit;
pub mod campaigns;
pub mod card;
pub mod events;
pub mod glossary;
pub mod home;
pub mod identification;
pub mod indicators;
pub mod notes;
pub mod notifications;
pub mod orders;
pub mod plans;
pub mod pupils;
pub mod schools;
pub mod sites;
pub mod staff;
pub mod targets;
pub mod upload;
pub mod users;

use crate::error::WebError;
use axum::http::Uri;
use axum::response::{IntoResponse, Response};

/// An XLSX workbook as a download: `ascii` is the file name for old
/// clients, `name` the Russian one (RFC 5987) that browsers show.
pub fn xlsx_download(ascii: &str, name: &str, bytes: Vec<u8>) -> Response {
    use axum::http::header;
    (
        [
            (
                header::CONTENT_TYPE,
                "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet".to_string(),
            ),
            (
                header::CONTENT_DISPOSITION,
                format!(
                    "attachment; filename=\"{ascii}\"; filename*=UTF-8''{}",
                    crate::fmt::urlencode(name)
                ),
            ),
        ],
        bytes,
    )
        .into_response()
}

pub async fn not_found(uri: Uri) -> Response {
    if uri.path().starts_with("/api/") {
        WebError::NotFound.into_json()
    } else {
        WebError::NotFound.into_response()
    }
}

#[derive(askama::Template)]
#[template(path = "error_in_layout.html")]
struct ErrorInLayout {
    l: crate::auth::Layout,
    title: String,
    message: String,
}

/// Error pages of a signed-in user keep the navigation: an error page
/// rendered without a layout (404 of an unknown address, 403, 422…) is
/// rendered again inside the user's layout, with the same status.
pub async fn with_navigation(
    axum::extract::State(st): axum::extract::State<crate::AppState>,
    req: axum::extract::Request,
    next: axum::middleware::Next,
) -> Response {
    let session = req
        .extensions()
        .get::<crate::auth::CurrentSession>()
        .cloned();
    let res = next.run(req).await;
    let Some(shown) = res.extensions().get::<crate::error::ShownError>().cloned() else {
        return res;
    };
    let Some(crate::auth::CurrentSession {
        session: Some(s),
        token_hash: Some(h),
    }) = session
    else {
        return res;
    };
    let Ok(scope) = st.db.scope_of(&s.user).await else {
        return res;
    };
    let unread = st.db.unread_count(s.user.id).await.unwrap_or(0);
    let caller = crate::auth::Caller {
        user: s.user,
        scope,
        csrf: s.csrf,
        token_hash: h,
        unread,
    };
    let page = ErrorInLayout {
        l: crate::auth::Layout::new(&caller, shown.title.clone(), ""),
        title: shown.title,
        message: shown.message,
    };
    match askama::Template::render(&page) {
        Ok(html) => {
            let (mut parts, _) = res.into_parts();
            parts.headers.remove(axum::http::header::CONTENT_LENGTH);
            Response::from_parts(parts, axum::body::Body::from(html))
        }
        Err(_) => res,
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
