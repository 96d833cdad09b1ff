//! A school's support at a glance (issue 10, item 7): its plans, its
//! support pairs (as the supported school or as the mentor), and its open
//! and overdue activities — on the school card and on the home page of the
//! school's own staff, so that the pieces are connected wherever the school
//! is shown. Rendered per request (plans change all day; the card's cached
//! body does not hold it).

use super::{status_class, status_title, today};
use crate::error::WebResult;
use crate::AppState;
use askama::Template;
use opora_store::plans::ActivityQuery;
use opora_store::scope::Scope;

/// Activities listed in the block (the plan pages have all).
const LISTED: usize = 10;

pub struct PlanLine {
    pub id: i64,
    pub title: String,
    pub activities: i64,
    pub done: i64,
    pub overdue: i64,
}

pub struct PairLine {
    /// «наставник» or «поддерживаемая школа»: the partner's part.
    pub partner_role: &'static str,
    pub partner: String,
    pub period: String,
    pub status: String,
}

pub struct ActivityLine {
    pub id: i64,
    pub number: String,
    pub text: String,
    pub deadline: String,
    pub status: String,
    pub status_class: &'static str,
}

#[derive(Template)]
#[template(path = "_school_work.html")]
pub struct SchoolWork {
    pub plans: Vec<PlanLine>,
    pub pairs: Vec<PairLine>,
    pub open: usize,
    pub overdue: usize,
    /// Overdue first, then by deadline; at most [`LISTED`].
    pub activities: Vec<ActivityLine>,
}

/// The block for school `school_id` (the caller has already been checked
/// to see the school).
pub async fn school_work(st: &AppState, school_id: i64) -> WebResult<SchoolWork> {
    let today = today();
    let scope = Scope::School(school_id);
    let plans: Vec<PlanLine> = st
        .db
        .plans(&scope, today)
        .await?
        .into_iter()
        .filter(|p| p.school_id == Some(school_id))
        .map(|p| PlanLine {
            id: p.id,
            title: p.title,
            activities: p.activities,
            done: p.done,
            overdue: p.overdue,
        })
        .collect();
    let pairs = st
        .db
        .support_pairs(&scope)
        .await?
        .into_iter()
        .filter_map(|p| {
            let (partner_role, partner) = if p.supported_school_id == school_id {
                ("наставник", p.leader)
            } else if p.leader_school_id == school_id {
                ("поддерживаемая школа", p.supported)
            } else {
                return None;
            };
            let date = |d: &Option<String>| {
                d.as_deref()
                    .and_then(opora_plans::Date::parse)
                    .map(|d| d.ru())
                    .unwrap_or_default()
            };
            Some(PairLine {
                partner_role,
                partner,
                period: format!("{} – {}", date(&p.period_start), date(&p.period_end)),
                status: if p.status == "active" {
                    "действует".into()
                } else {
                    "закрыта".into()
                },
            })
        })
        .collect();
    let own: Vec<i64> = plans.iter().map(|p| p.id).collect();
    let mut open: Vec<_> = st
        .db
        .activity_rows(&scope, ActivityQuery::Open, today)
        .await?
        .into_iter()
        .filter(|a| own.contains(&a.plan_id))
        .collect();
    let is_overdue =
        |a: &opora_store::plans::OverdueActivity| a.days_overdue > 0 && !a.deadline_end.is_empty();
    let overdue = open.iter().filter(|a| is_overdue(a)).count();
    open.sort_by_key(|a| {
        (
            !is_overdue(a),
            a.deadline_end.is_empty(),
            a.deadline_end.clone(),
        )
    });
    Ok(SchoolWork {
        open: open.len(),
        overdue,
        activities: open
            .into_iter()
            .take(LISTED)
            .map(|a| {
                let late = is_overdue(&a);
                ActivityLine {
                    id: a.activity_id,
                    number: a.number,
                    text: a.text,
                    deadline: a.deadline_text,
                    status: status_title(&a.status, late),
                    status_class: status_class(&a.status, late),
                }
            })
            .collect(),
        plans,
        pairs,
    })
}
