//! Журнал: who did what and when — the region reads everything, a
//! municipality reads what concerns it.

use crate::auth::{Caller, Layout};
use crate::error::WebResult;
use crate::extract::Query;
use crate::fmt;
use crate::AppState;
use askama::Template;
use axum::extract::State;
use axum::response::Html;
use opora_store::auth::AuditFilter;

#[derive(serde::Deserialize, Default, Clone)]
#[serde(default)]
pub struct AuditQuery {
    pub actor: String,
    pub action: String,
    pub from: String,
    pub to: String,
    pub page: String,
}

pub struct Entry {
    pub at: String,
    pub actor: String,
    pub action: String,
    pub object: String,
    pub details: String,
}

#[derive(Template)]
#[template(path = "audit.html")]
struct AuditPage {
    l: Layout,
    q: AuditQuery,
    entries: Vec<Entry>,
    actions: Vec<(String, bool)>,
    total: i64,
    page: i64,
    pages: i64,
    prev_href: String,
    next_href: String,
}

fn date(s: &str) -> Option<String> {
    let s = s.trim();
    let ok = s.len() == 10
        && s.as_bytes()[4] == b'-'
        && s.as_bytes()[7] == b'-'
        && s.chars().filter(|c| c.is_ascii_digit()).count() == 8;
    ok.then(|| s.to_string())
}

pub async fn list(
    State(st): State<AppState>,
    caller: Caller,
    Query(q): Query<AuditQuery>,
) -> WebResult<Html<String>> {
    caller.require_user_admin()?;
    let per_page = 100i64;
    let page = q.page.trim().parse::<i64>().unwrap_or(1).max(1);
    let f = AuditFilter {
        actor: Some(q.actor.clone()).filter(|s| !s.trim().is_empty()),
        action: Some(q.action.clone()).filter(|s| !s.is_empty()),
        from: date(&q.from),
        to: date(&q.to),
        limit: per_page,
        offset: (page - 1) * per_page,
    };
    let (rows, total) = st.db.audit_in(&caller.scope, &f).await?;
    let pages = ((total + per_page - 1) / per_page).max(1);
    let href = |p: i64| {
        format!(
            "/audit{}",
            fmt::query(&[
                ("actor", q.actor.clone()),
                ("action", q.action.clone()),
                ("from", q.from.clone()),
                ("to", q.to.clone()),
                ("page", p.to_string()),
            ])
        )
    };
    let actions = st
        .db
        .audit_actions(&caller.scope)
        .await?
        .into_iter()
        .map(|a| {
            let sel = a == q.action;
            (a, sel)
        })
        .collect();
    let view = AuditPage {
        l: Layout::new(&caller, "Журнал действий", "/audit"),
        entries: rows
            .into_iter()
            .map(|e| Entry {
                at: fmt::datetime(&e.at),
                actor: e.actor,
                action: e.action,
                object: e.object,
                details: e.details,
            })
            .collect(),
        actions,
        total,
        page,
        pages,
        prev_href: if page > 1 {
            href(page - 1)
        } else {
            String::new()
        },
        next_href: if page < pages {
            href(page + 1)
        } else {
            String::new()
        },
        q,
    };
    Ok(Html(view.render()?))
}
