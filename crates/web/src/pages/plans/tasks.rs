//! «Мои задачи»: what the signed-in user should do next.
//!
//! - school administrator: the open activities of the school's plans;
//! - teacher: the open activities of the school's plans that name teachers
//!   («учителя», «педагоги», «классные руководители», «ШМО») or the teacher
//!   by name; a link shows all the school's open activities;
//! - curator: activities of its schools marked done and waiting for its
//!   confirmation, then its schools' overdue activities;
//! - municipality and region: activities waiting for confirmation and the
//!   overdue ones in their plans and their schools' plans, then the open
//!   activities of their own plans.

use super::{status_class, status_title, today};
use crate::auth::{Caller, Layout};
use crate::error::WebResult;
use crate::extract::Query;
use crate::AppState;
use askama::Template;
use axum::extract::State;
use axum::response::Html;
use opora_store::plans::{ActivityQuery, OverdueActivity};
use opora_store::registry::search_fold;
use opora_store::scope::Scope;
use opora_store::users::Role;
use serde::Deserialize;

/// Rows per block: the page stays readable; the plan pages have everything.
const PER_BLOCK: usize = 200;

pub struct TaskRow {
    pub activity_id: i64,
    pub plan_id: i64,
    pub plan: String,
    pub unit: String,
    pub number: String,
    pub text: String,
    pub deadline: String,
    pub when: String,
    pub status: String,
    pub status_class: &'static str,
}

pub struct Block {
    pub title: String,
    pub empty: String,
    pub rows: Vec<TaskRow>,
    pub more: usize,
}

#[derive(Template)]
#[template(path = "tasks.html")]
struct TasksPage {
    l: Layout,
    events: crate::pages::events::EventTasks,
    blocks: Vec<Block>,
    teacher: bool,
    all: bool,
}

#[derive(Deserialize, Default)]
pub struct TasksQuery {
    #[serde(default)]
    pub all: String,
}

/// An activity still to be done (not done, confirmed or cancelled).
fn is_open(status: &str) -> bool {
    matches!(status, "planned" | "in_progress")
}

/// The deadline as the queue shows it. Only an open activity can be
/// overdue: one done after its deadline shows the deadline, not a count of
/// days that keeps growing while it waits for the curator.
fn when(o: &OverdueActivity) -> String {
    if o.deadline_end.is_empty() {
        return "без даты".into();
    }
    let days = |n: i64| crate::fmt::plural(n, "день", "дня", "дней");
    match o.days_overdue {
        d if d > 0 && is_open(&o.status) => format!("просрочено на {}", days(d)),
        d if d > 0 => {
            let date = opora_plans::Date::parse(&o.deadline_end)
                .map(|d| d.ru())
                .unwrap_or_else(|| o.deadline_end.clone());
            format!("срок был {date}")
        }
        0 => "срок сегодня".into(),
        d => format!("через {}", days(-d)),
    }
}

fn block(title: &str, empty: &str, rows: Vec<OverdueActivity>) -> Block {
    let more = rows.len().saturating_sub(PER_BLOCK);
    Block {
        title: title.into(),
        empty: empty.into(),
        more,
        rows: rows
            .into_iter()
            .take(PER_BLOCK)
            .map(|o| {
                let overdue =
                    o.days_overdue > 0 && !o.deadline_end.is_empty() && is_open(&o.status);
                TaskRow {
                    when: when(&o),
                    status: status_title(&o.status, overdue),
                    status_class: status_class(&o.status, overdue),
                    activity_id: o.activity_id,
                    plan_id: o.plan_id,
                    plan: o.plan_title,
                    unit: o.unit,
                    number: o.number,
                    text: o.text,
                    deadline: o.deadline_text,
                }
            })
            .collect(),
    }
}

/// Whether an activity is addressed to teachers or to this teacher.
fn for_teacher(o: &OverdueActivity, surname: &str) -> bool {
    let r = search_fold(&o.responsible_text);
    ["учител", "педагог", "классн", "шмо", "методическ"]
        .iter()
        .any(|w| r.contains(w))
        || (!surname.is_empty() && r.contains(surname))
}

pub async fn page(
    State(st): State<AppState>,
    caller: Caller,
    Query(q): Query<TasksQuery>,
) -> WebResult<Html<String>> {
    let all = q.all == "1";
    let page = TasksPage {
        l: Layout::new(&caller, "Мои задачи", "/tasks"),
        events: crate::pages::events::tasks(&st, &caller).await?,
        blocks: task_blocks(&st, &caller, all).await?,
        teacher: caller.role() == Role::Teacher,
        all,
    };
    Ok(Html(page.render()?))
}

/// The caller's work queue by role: a school's open activities (a
/// teacher's own unless `all`), a curator's confirmations and its schools'
/// overdue work, a municipality's or the region's confirmations, overdue
/// and open activities. Used by «Мои задачи» and by the home page.
pub async fn task_blocks(st: &AppState, caller: &Caller, all: bool) -> WebResult<Vec<Block>> {
    let today = today();
    let scope = &caller.scope;
    let teacher = caller.role() == Role::Teacher;
    let mut blocks = Vec::new();
    match scope {
        Scope::School(_) => {
            let mut open = st
                .db
                .activity_rows(scope, ActivityQuery::Open, today)
                .await?;
            if teacher && !all {
                let surname = search_fold(
                    caller
                        .user
                        .display_name
                        .split_whitespace()
                        .next()
                        .unwrap_or(""),
                );
                open.retain(|o| for_teacher(o, &surname));
            }
            blocks.push(block(
                "Не выполненные мероприятия",
                "Открытых мероприятий нет.",
                open,
            ));
        }
        Scope::Schools(_) => {
            blocks.push(block(
                "Ждут вашего подтверждения",
                "Нет мероприятий, ожидающих подтверждения.",
                st.db
                    .activity_rows(scope, ActivityQuery::AwaitingVerification, today)
                    .await?,
            ));
            blocks.push(block(
                "Просрочено в ваших школах",
                "Просроченных мероприятий нет.",
                st.db.overdue(scope, today).await?,
            ));
        }
        Scope::Municipality(_) | Scope::Region => {
            blocks.push(block(
                "Ждут подтверждения",
                "Нет мероприятий, ожидающих подтверждения.",
                st.db
                    .activity_rows(scope, ActivityQuery::AwaitingVerification, today)
                    .await?,
            ));
            blocks.push(block(
                "Просрочено",
                "Просроченных мероприятий нет.",
                st.db.overdue(scope, today).await?,
            ));
            let own: Vec<OverdueActivity> = st
                .db
                .activity_rows(scope, ActivityQuery::Open, today)
                .await?
                .into_iter()
                .filter(|o| o.days_overdue <= 0 || o.deadline_end.is_empty())
                .collect();
            blocks.push(block(
                "В работе и запланировано",
                "Открытых мероприятий нет.",
                own,
            ));
        }
    }
    Ok(blocks)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn activity(status: &str, days_overdue: i64) -> OverdueActivity {
        OverdueActivity {
            status: status.into(),
            days_overdue,
            deadline_end: "2026-10-15".into(),
            ..Default::default()
        }
    }

    #[test]
    fn only_an_open_activity_reads_overdue_and_days_have_russian_plurals() {
        assert_eq!(when(&activity("in_progress", 46)), "просрочено на 46 дней");
        assert_eq!(when(&activity("planned", 1)), "просрочено на 1 день");
        assert_eq!(when(&activity("done", 46)), "срок был 15.10.2026");
        assert_eq!(when(&activity("planned", -3)), "через 3 дня");
        assert_eq!(when(&activity("planned", 0)), "срок сегодня");
    }
}
