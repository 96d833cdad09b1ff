//! Главная: the scope at a glance — schools per category in the latest
//! run, per municipality, the latest run and changes since the previous one.
//! The people of one school (administrator, teacher) see their school
//! instead: its status in plain words, its support (plans, pair, open and
//! overdue activities) and their own tasks; a curator sees its schools and
//! its queue (issue 10, item 7).

use crate::auth::{Caller, Layout};
use crate::error::WebResult;
use crate::fmt;
use crate::AppState;
use askama::Template;
use axum::extract::State;
use axum::response::Html;
use opora_store::registry::SchoolRow;
use std::collections::BTreeMap;

pub struct MunicipalityRow {
    pub id: i64,
    pub name: String,
    pub schools: usize,
    pub shnor: usize,
    pub shnsu: usize,
    pub low: usize,
    pub resilient: usize,
}

pub struct ChangeRow {
    pub title: &'static str,
    pub now: usize,
    pub entered: usize,
    pub left: usize,
}

pub struct RunInfo {
    pub id: i64,
    pub at: String,
    pub years: String,
    pub actor: String,
}

#[derive(Template)]
#[template(path = "home.html")]
struct HomePage {
    l: Layout,
    scope_title: String,
    total: usize,
    counts: Vec<(&'static str, &'static str, usize)>,
    municipalities: Vec<MunicipalityRow>,
    latest: Option<RunInfo>,
    previous: Option<RunInfo>,
    changes: Vec<ChangeRow>,
    own_schools: Vec<(String, String, String)>,
    show_municipalities: bool,
    empty_registry: bool,
    can_run: bool,
    /// One school's staff: their school instead of region-wide tiles.
    own_school: Option<OwnSchool>,
    /// The school's support block (rendered `_school_work.html`).
    school_work: String,
    /// The caller's queue (schools' staff and curators), a few rows per block.
    tasks: Vec<crate::pages::plans::tasks::Block>,
    /// A school's open campaign forms (its inbox).
    forms: Vec<crate::pages::campaigns::InboxLine>,
}

/// The status of the caller's own school in the latest run.
pub struct OwnSchool {
    pub code: String,
    pub name: String,
    pub category: String,
    pub summary: String,
}

/// Rows of each task block on the home page («Мои задачи» has them all).
const HOME_TASKS: usize = 5;

pub async fn home(State(st): State<AppState>, caller: Caller) -> WebResult<Html<String>> {
    let db = &st.db;
    let (_, all) = st.cache.school_rows(db, &caller.scope).await?;
    let rows: &[SchoolRow] = &all;
    let count = |f: fn(&SchoolRow) -> bool| rows.iter().filter(|r| f(r)).count();
    let counts = vec![
        (
            "ШНОР",
            "shnor",
            count(|r| r.latest.as_ref().is_some_and(|l| l.is_shnor)),
        ),
        (
            "ШНСУ",
            "shnsu",
            count(|r| r.latest.as_ref().is_some_and(|l| l.is_shnsu)),
        ),
        (
            "Низкие результаты",
            "low",
            count(|r| r.latest.as_ref().is_some_and(|l| l.is_low_results)),
        ),
        (
            "Резильентные",
            "resilient",
            count(|r| r.latest.as_ref().is_some_and(|l| l.is_resilient)),
        ),
    ];
    let mut by_m: BTreeMap<i64, MunicipalityRow> = BTreeMap::new();
    for r in rows {
        let m = by_m
            .entry(r.school.municipality_id)
            .or_insert_with(|| MunicipalityRow {
                id: r.school.municipality_id,
                name: r.school.municipality.clone(),
                schools: 0,
                shnor: 0,
                shnsu: 0,
                low: 0,
                resilient: 0,
            });
        m.schools += 1;
        if let Some(l) = &r.latest {
            m.shnor += l.is_shnor as usize;
            m.shnsu += l.is_shnsu as usize;
            m.low += l.is_low_results as usize;
            m.resilient += l.is_resilient as usize;
        }
    }
    let runs = db.runs_in(&caller.scope).await?;
    let info = |r: &opora_store::runs::RunSummary| RunInfo {
        id: r.id,
        at: fmt::datetime(&r.at),
        years: fmt::run_years(&r.years),
        actor: r.actor.clone(),
    };
    let latest = runs.first().map(info);
    let previous = runs.get(1).map(info);
    let mut changes = Vec::new();
    if let (Some(a), Some(b)) = (&previous, &latest) {
        for ch in db.compare_runs(&caller.scope, a.id, b.id).await? {
            changes.push(ChangeRow {
                title: ch.kind.title(),
                now: ch.stayed + ch.entered.len(),
                entered: ch.entered.len(),
                left: ch.left.len(),
            });
        }
    }
    let show_municipalities = by_m.len() > 1;
    let own_schools = if rows.len() <= 10 {
        rows.iter()
            .map(|r| {
                (
                    r.school.code.clone(),
                    r.school.short_name.clone(),
                    r.latest
                        .as_ref()
                        .map(|l| l.category.clone())
                        .unwrap_or_else(|| "нет данных".into()),
                )
            })
            .collect()
    } else {
        Vec::new()
    };
    let empty_registry = rows.is_empty() && caller.is_region();
    let own_school = match (&caller.scope, rows) {
        (opora_store::scope::Scope::School(_), [r]) => Some(OwnSchool {
            code: r.school.code.clone(),
            name: r.school.short_name.clone(),
            category: r
                .latest
                .as_ref()
                .map(|l| l.category.clone())
                .unwrap_or_default(),
            summary: r
                .latest
                .as_ref()
                .map(|l| l.summary.clone())
                .unwrap_or_default(),
        }),
        _ => None,
    };
    let school_work = match (&caller.scope, rows) {
        (opora_store::scope::Scope::School(_), [r]) => {
            crate::pages::plans::school_work::school_work(&st, r.school.id)
                .await?
                .render()?
        }
        _ => String::new(),
    };
    let tasks = match &caller.scope {
        opora_store::scope::Scope::School(_) | opora_store::scope::Scope::Schools(_) => {
            crate::pages::plans::tasks::task_blocks(&st, &caller, false)
                .await?
                .into_iter()
                .map(|mut b| {
                    b.more += b.rows.len().saturating_sub(HOME_TASKS);
                    b.rows.truncate(HOME_TASKS);
                    b
                })
                .collect()
        }
        _ => Vec::new(),
    };
    let forms = match &caller.scope {
        opora_store::scope::Scope::School(_) => {
            crate::pages::campaigns::inbox(&st, &caller).await?
        }
        _ => Vec::new(),
    };
    let page = HomePage {
        l: Layout::new(&caller, "Главная", "/"),
        scope_title: super::scope_title(db, &caller).await?,
        total: rows.len(),
        counts,
        municipalities: {
            let mut v: Vec<MunicipalityRow> = by_m.into_values().collect();
            v.sort_by_cached_key(|m| opora_store::registry::ru_key(&m.name));
            v
        },
        latest,
        previous,
        changes,
        own_schools,
        forms,
        show_municipalities,
        empty_registry,
        can_run: caller.is_region(),
        own_school,
        school_work,
        tasks,
    };
    Ok(Html(page.render()?))
}
