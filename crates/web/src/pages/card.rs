//! Карточка школы: context, results dynamics (SVG charts from the stored
//! aggregates), the school's line in every run, checklist, signs of
//! non-objective results with explanations.

use crate::auth::{Caller, Layout};
use crate::error::{WebError, WebResult};
use crate::extract::Path;
use crate::fmt;
use crate::AppState;
use askama::Template;
use axum::extract::State;
use axum::response::Html;
use opora_store::school_card::ResultPoint;
use std::collections::{BTreeMap, BTreeSet};

pub struct ContextRow {
    pub name: String,
    pub unit: String,
    pub values: Vec<String>,
}

pub struct ResultRow {
    pub procedure: String,
    pub subject: String,
    pub grade: i64,
    pub year: String,
    pub n: i64,
    pub mean: String,
    pub mean_pct: String,
    pub region_pct: String,
    pub share_2: String,
}

pub struct RunRow {
    pub run_id: i64,
    pub at: String,
    pub years: String,
    pub category: String,
    pub cat_class: &'static str,
    pub result_index: String,
    pub social_index: String,
    pub expected: String,
    pub effect: String,
    pub ci: String,
    pub rank: String,
    pub reason: String,
    pub summary: String,
}

pub struct ChecklistRow {
    pub year: String,
    pub criterion: u8,
    pub name: String,
    pub status: &'static str,
    pub status_class: &'static str,
    pub value: String,
    pub explanation: String,
}

pub struct SignRow {
    pub year: String,
    pub assessment: String,
    pub sign: String,
    pub statistic: String,
    pub threshold: String,
    pub explanation: String,
}

/// The card's content: the same for everyone who may see the school, so it
/// is rendered once and kept in the cache (see [`card`]).
#[derive(Template)]
#[template(path = "card_body.html")]
struct CardBody {
    code: String,
    short_name: String,
    full_name: String,
    municipality: String,
    kind: String,
    locality: String,
    enrolment: String,
    address: String,
    website: String,
    latest: Option<RunRow>,
    context_years: Vec<String>,
    context: Vec<ContextRow>,
    charts: Vec<String>,
    results: Vec<ResultRow>,
    runs: Vec<RunRow>,
    checklist: Vec<ChecklistRow>,
    signs: Vec<SignRow>,
}

fn cat_class(l: &opora_store::run_index::RunLine) -> &'static str {
    if l.is_shnor {
        "cat-shnor"
    } else if l.is_shnsu {
        "cat-shnsu"
    } else if l.is_low_results {
        "cat-low"
    } else if l.is_resilient {
        "cat-resilient"
    } else {
        ""
    }
}

fn year_label(y: i64) -> String {
    if y == 0 {
        "без года".into()
    } else {
        fmt::academic_year_short(y)
    }
}

#[derive(Template)]
#[template(path = "card.html")]
struct CardPage<'a> {
    l: Layout,
    body: &'a str,
}

/// Where the card's cached body takes the school's support block.
const SCHOOL_WORK: &str = "<!--school-work-->";
/// Where the card's cached body takes the link to the school's note.
const SCHOOL_NOTE: &str = "<!--school-note-->";

/// Карточка школы. The scope check comes first, from the scope's cached
/// rows (the store's scoped query); the rendered content is cached per school.
pub async fn card(
    State(st): State<AppState>,
    caller: Caller,
    Path(code): Path<String>,
) -> WebResult<Html<String>> {
    let (_, rows) = st.cache.school_rows(&st.db, &caller.scope).await?;
    let school = rows
        .iter()
        .find(|r| r.school.code == code)
        .ok_or(WebError::NotFound)?;
    let title = school.school.short_name.clone();
    let school_id = school.school.id;
    let body = st
        .cache
        .card(&code, || render_body(&st, &caller, &code))
        .await?;
    // The school's plans, pairs and activities change all day: rendered
    // per request into the cached body's place for them.
    let work = crate::pages::plans::school_work::school_work(&st, school_id)
        .await?
        .render()?;
    let body = body.replacen(SCHOOL_WORK, &work, 1);
    // The note is prepared by those who issue notes (not a teacher).
    let note = if caller.role() == opora_store::users::Role::Teacher {
        String::new()
    } else {
        format!(
            "<p class=\"actions-row\"><a href=\"/notes/new?school={}\" id=\"school-note\">Аналитическая справка</a></p>",
            fmt::urlencode(&code)
        )
    };
    let body = body.replacen(SCHOOL_NOTE, &note, 1);
    let page = CardPage {
        l: Layout::new(&caller, title, "/schools"),
        body: &body,
    };
    Ok(Html(page.render()?))
}

async fn render_body(st: &AppState, caller: &Caller, code: &str) -> WebResult<String> {
    let means = st.cache.region_means(&st.db).await?;
    let card = st
        .db
        .school_card_with(&caller.scope, code, Some(&means))
        .await?
        .ok_or(WebError::NotFound)?;
    let s = &card.school;
    // Context: one row per indicator, one column per year.
    let years: BTreeSet<i64> = card
        .context
        .iter()
        .flat_map(|c| c.values.iter().map(|v| v.0))
        .collect();
    let context = card
        .context
        .iter()
        .map(|c| {
            let by_year: BTreeMap<i64, f64> = c.values.iter().copied().collect();
            let decimals = if c.unit == "чел." || c.unit.starts_with("да") {
                0
            } else {
                1
            };
            ContextRow {
                name: c.name.clone(),
                unit: c.unit.clone(),
                values: years
                    .iter()
                    .map(|y| fmt::num(by_year.get(y).copied(), decimals))
                    .collect(),
            }
        })
        .collect();
    let charts = result_charts(&card.results);
    let results = card
        .results
        .iter()
        .map(|r| ResultRow {
            procedure: r.procedure.clone(),
            subject: r.subject.clone(),
            grade: r.grade,
            year: fmt::academic_year_short(r.year),
            n: r.n,
            mean: fmt::num(r.mean, 1),
            mean_pct: fmt::pct(r.mean_pct, 1),
            region_pct: fmt::pct(r.region_mean_pct, 1),
            share_2: fmt::pct(r.share_2, 1),
        })
        .collect();
    let run_row = |l: &opora_store::run_index::RunLine| RunRow {
        run_id: l.run_id,
        at: fmt::date(&l.run_at),
        years: fmt::run_years(&l.years),
        category: l.category.clone(),
        cat_class: cat_class(l),
        result_index: fmt::num(l.result_index, 2),
        social_index: fmt::num(l.social_index, 2),
        expected: fmt::num(l.expected, 2),
        effect: fmt::num(l.effect, 2),
        ci: match (l.ci_low, l.ci_high) {
            (Some(a), Some(b)) => format!("{} … {}", fmt::num(Some(a), 2), fmt::num(Some(b), 2)),
            _ => "—".into(),
        },
        rank: l.rank.map(|r| r.to_string()).unwrap_or_else(|| "—".into()),
        reason: l.reason.clone(),
        summary: l.summary.clone(),
    };
    let runs: Vec<RunRow> = card.runs.iter().map(run_row).collect();
    let latest = card.runs.first().map(run_row);
    let mut checklist = Vec::new();
    for c in card.latest.checklist.iter().rev() {
        for i in &c.items {
            use opora_analytics::ChecklistStatus as S;
            checklist.push(ChecklistRow {
                year: fmt::academic_year_short(c.year as i64),
                criterion: i.criterion,
                name: i.name.clone(),
                status: i.status.label(),
                status_class: match i.status {
                    S::Yes => "st-yes",
                    S::No => "st-no",
                    S::NoData => "st-nodata",
                },
                value: fmt::num(i.value, 1),
                explanation: i.explanation.clone(),
            });
        }
    }
    let signs = card
        .latest
        .objectivity
        .iter()
        .map(|o| SignRow {
            year: fmt::academic_year_short(o.year as i64),
            assessment: format!("{}, {}, {} класс", o.procedure, o.subject, o.grade),
            sign: o.sign.clone(),
            statistic: fmt::num(Some(o.statistic), 3),
            threshold: fmt::num(Some(o.threshold), 3),
            explanation: o.explanation.clone(),
        })
        .collect();
    let body = CardBody {
        code: s.code.clone(),
        short_name: s.short_name.clone(),
        full_name: s.full_name.clone(),
        municipality: s.municipality.clone(),
        kind: s.kind.clone(),
        locality: s.locality.clone(),
        enrolment: s
            .enrolment
            .map(|e| e.to_string())
            .unwrap_or_else(|| "—".into()),
        address: s.address.clone(),
        website: if s.website.starts_with("http://") || s.website.starts_with("https://") {
            s.website.clone()
        } else {
            String::new()
        },
        latest,
        context_years: years.iter().map(|y| year_label(*y)).collect(),
        context,
        charts,
        results,
        runs,
        checklist,
        signs,
    };
    Ok(body.render()?)
}

/// One chart per (procedure, subject): the school's mean as % of the
/// maximum (grades pooled, weighted by results) against the region's — the
/// same charts as the analytical note's.
fn result_charts(points: &[ResultPoint]) -> Vec<String> {
    opora_notes::compose::result_charts(points, fmt::academic_year_short)
        .into_iter()
        .map(|(_, svg)| svg)
        .collect()
}
