//! Уведомления: the signed-in user's inbox — their own notifications only,
//! newest first, unread ones marked; «Открыть» marks one read and goes to
//! its page, «Прочитано» and «Отметить все прочитанными» only mark. Another
//! user's notification is not found (404), like anything out of scope.
//!
//! Events of a school's roadmap notify here too ([`status_changed`]): an
//! activity marked done is «отправлено на проверку» to the school's
//! curators; returned or confirmed, it is told to the school's
//! administrators. The person who acted is not told of their own action.

use crate::auth::{Caller, Layout};
use crate::error::WebResult;
use crate::extract::{Form, Path};
use crate::AppState;
use askama::Template;
use axum::extract::State;
use axum::response::{Html, IntoResponse, Redirect, Response};
use opora_plans::{Activity, ActivityStatus};
use opora_store::notifications::{Notice, NoticeKind, Notification};
use opora_store::plans::PlanSummary;
use opora_store::scope::Scope;
use opora_store::users::Role;

/// Notifications shown (and answered by the API): the newest.
pub const SHOWN: i64 = 200;

pub struct Row {
    pub id: i64,
    pub kind: &'static str,
    pub kind_code: &'static str,
    pub title: String,
    pub body: String,
    pub link: String,
    /// dd.mm.yyyy in the region's time zone.
    pub date: String,
    /// dd.mm.yyyy hh:mm, for the hover.
    pub at: String,
    pub unread: bool,
}

impl From<&Notification> for Row {
    fn from(n: &Notification) -> Row {
        Row {
            id: n.id,
            kind: n.kind.title(),
            kind_code: n.kind.code(),
            title: n.title.clone(),
            body: n.body.clone(),
            link: n.link.clone(),
            date: crate::fmt::date(&n.created_at),
            at: crate::fmt::datetime(&n.created_at),
            unread: !n.is_read(),
        }
    }
}

#[derive(Template)]
#[template(path = "notifications/list.html")]
struct ListPage {
    l: Layout,
    rows: Vec<Row>,
    unread: i64,
}

pub async fn list(State(st): State<AppState>, caller: Caller) -> WebResult<Html<String>> {
    let rows = st
        .db
        .notifications_for(caller.user.id, SHOWN)
        .await?
        .iter()
        .map(Row::from)
        .collect();
    let page = ListPage {
        unread: caller.unread,
        l: Layout::new(&caller, "Уведомления", "/notifications"),
        rows,
    };
    Ok(Html(page.render()?))
}

#[derive(serde::Deserialize, Default)]
#[serde(default)]
pub struct ReadForm {
    /// "1": go to the notification's own page afterwards.
    open: String,
}

/// Marks one of the caller's notifications read; then back to the list, or
/// (with `open=1`) to the notification's page — its stored link, never an
/// address from the form.
pub async fn read(
    State(st): State<AppState>,
    caller: Caller,
    Path(id): Path<i64>,
    Form(f): Form<ReadForm>,
) -> WebResult<Response> {
    st.db.mark_read(caller.user.id, id).await?;
    let to = if f.open == "1" {
        st.db
            .notification(caller.user.id, id)
            .await?
            .map(|n| n.link)
            .filter(|l| !l.is_empty())
            .unwrap_or_else(|| "/notifications".into())
    } else {
        format!("/notifications#n{id}")
    };
    Ok(Redirect::to(&to).into_response())
}

pub async fn read_all(State(st): State<AppState>, caller: Caller) -> WebResult<Response> {
    st.db.mark_all_read(caller.user.id).await?;
    Ok(Redirect::to("/notifications").into_response())
}

/// Tells the people a status change concerns (school plans only: a
/// municipality's or the region's plan is verified by its own staff).
/// Runs after the change is saved; a failure is logged, never the
/// caller's error.
pub(crate) async fn status_changed(
    st: &AppState,
    caller: &Caller,
    plan: &PlanSummary,
    activity: &Activity,
    from: ActivityStatus,
    to: ActivityStatus,
    comment: &str,
) {
    let Some(school) = plan.school_id else { return };
    let Some(id) = activity.id else { return };
    use ActivityStatus::*;
    let (kind, roles, what) = match (from, to) {
        (Planned | InProgress, Done) => (
            NoticeKind::Submitted,
            Role::Curator,
            "отмечено выполненным и ждёт подтверждения",
        ),
        (Done | Verified, InProgress) => (
            NoticeKind::Returned,
            Role::SchoolAdmin,
            "возвращено на доработку",
        ),
        (Done, Verified) => (
            NoticeKind::Accepted,
            Role::SchoolAdmin,
            "подтверждено куратором",
        ),
        _ => return,
    };
    let number = activity
        .number
        .as_deref()
        .map(str::trim)
        .filter(|n| !n.is_empty())
        .map(|n| format!("{n} "))
        .unwrap_or_default();
    let text: String = activity.text.trim().chars().take(120).collect();
    let mut body = format!(
        "Мероприятие {number}«{}» {what}: {}.\nПлан «{}» ({}).",
        activity.text.trim(),
        caller.user.display_name.trim(),
        plan.title.trim(),
        plan.unit
    );
    if !comment.trim().is_empty() {
        body.push_str(&format!("\nКомментарий: {}", comment.trim()));
    }
    let notice = Notice {
        kind,
        title: format!("{}: {number}«{text}»", kind.title()),
        body: body.chars().take(3900).collect(),
        link: format!("/activities/{id}"),
        dedup: None,
    };
    let sent = async {
        let ids: Vec<i64> = st
            .db
            .recipients(&Scope::School(school), &[roles])
            .await?
            .into_iter()
            .filter(|u| *u != caller.user.id)
            .collect();
        st.db.notify(&ids, &notice).await
    };
    if let Err(e) = sent.await {
        tracing::warn!("уведомление о статусе мероприятия № {id} не отправлено: {e}");
    }
}
