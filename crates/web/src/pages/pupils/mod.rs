//! Обучающиеся с НОР (issue 14): the register of pupils with low results,
//! the early warning, individual routes, attendance and the dynamics.
//!
//! - `/pupils`: the counts per school of the caller's scope (above the
//!   school, counts under 5 as «< 5»), and for the school's users and
//!   curators the register of the chosen school — signals without action
//!   first, then every pupil with the level, the triggers and the route;
//!   the school administrator builds it from results, adds pupils,
//!   recomputes the warning and sets the thresholds;
//! - `card`: a pupil's card (the register's fields, the levels per period,
//!   results across assessments, attendance, routes) and its forms;
//! - `route`: a route's page (goals, steps, reviews, career guidance,
//!   closing);
//! - `rights`: the role table.
//!
//! Pupils appear only under their pseudonymous keys; the store audits every
//! read of the register and of a card.

pub mod card;
pub mod rights;
pub mod route;

use super::staff::SchoolOption;
use crate::auth::{Caller, Layout};
use crate::error::{WebError, WebResult};
use crate::extract::{Fields, Query};
use crate::AppState;
use askama::Template;
use axum::extract::State;
use axum::response::{Html, IntoResponse, Redirect, Response};
use opora_plans::clock::today;
use opora_plans::date::Date;
use opora_pupils::dynamics::Tally;
use opora_pupils::model::{Cause, RegisterStatus};
use opora_pupils::warning::{Period, Thresholds};
use opora_store::pupils::dynamics::SchoolPupils;
use opora_store::pupils::register::{Pupil, PupilFields};
use opora_store::pupils::warnings::{describe_triggers, signal};

/// A count as shown: above the school, 1 to 4 as «< 5».
pub fn shown_count(n: u64, mask: bool) -> String {
    if mask && (1..5).contains(&n) {
        "< 5".into()
    } else {
        n.to_string()
    }
}

/// The share that improved, «—» without data (or, above the school, with
/// fewer than five pupils to count).
pub fn shown_share(t: &Tally, mask: bool) -> String {
    if mask && t.total() < 5 {
        return "—".into();
    }
    crate::fmt::pct(t.better_pct(), 0)
}

/// A school's counts as a row of the summary.
pub struct SummaryLine {
    pub school_id: i64,
    pub school: String,
    pub municipality: String,
    pub on_register: String,
    pub at_risk: String,
    pub with_route: String,
    pub signals: String,
    pub compared: String,
    pub improved: String,
    pub routed_improved: String,
    pub not_routed_improved: String,
}

fn summary_line(s: &SchoolPupils, mask: bool) -> SummaryLine {
    SummaryLine {
        school_id: s.school_id,
        school: s.school.clone(),
        municipality: s.municipality.clone(),
        on_register: shown_count(s.on_register, mask),
        at_risk: shown_count(s.at_risk, mask),
        with_route: shown_count(s.with_route, mask),
        signals: shown_count(s.signals, mask),
        compared: shown_count(s.dynamics.total(), mask),
        improved: shown_share(&s.dynamics, mask),
        routed_improved: shown_share(&s.routed, mask),
        not_routed_improved: shown_share(&s.not_routed, mask),
    }
}

/// The sum of several schools' counts (a municipality, the total).
pub fn total_of(name: &str, rows: &[SchoolPupils]) -> SchoolPupils {
    let mut t = SchoolPupils {
        school: name.into(),
        ..SchoolPupils::default()
    };
    for s in rows {
        t.on_register += s.on_register;
        t.at_risk += s.at_risk;
        t.with_route += s.with_route;
        t.tier3 += s.tier3;
        t.signals += s.signals;
        for (to, from) in [
            (&mut t.dynamics, &s.dynamics),
            (&mut t.routed, &s.routed),
            (&mut t.not_routed, &s.not_routed),
        ] {
            to.better += from.better;
            to.same += from.same;
            to.worse += from.worse;
        }
    }
    t
}

/// The counts summed per municipality, when the schools are of more than
/// one.
fn by_municipality(counts: &[SchoolPupils], mask: bool) -> Vec<SummaryLine> {
    let mut groups: std::collections::BTreeMap<&str, Vec<SchoolPupils>> = Default::default();
    for s in counts {
        groups.entry(&s.municipality).or_default().push(s.clone());
    }
    if groups.len() < 2 {
        return Vec::new();
    }
    groups
        .into_iter()
        .map(|(name, rows)| {
            let mut line = summary_line(&total_of(name, &rows), mask);
            line.school_id = rows[0].municipality_id;
            line
        })
        .collect()
}

/// A pupil in the register's table.
#[derive(Clone)]
pub struct PupilLine {
    pub id: i64,
    pub key: String,
    pub class_name: String,
    pub level: &'static str,
    pub subjects: String,
    pub causes: String,
    pub warning: &'static str,
    pub warning_code: &'static str,
    pub triggers: String,
    pub route: String,
    pub route_id: Option<i64>,
    pub active: bool,
    pub signal: String,
}

pub fn pupil_line(p: &Pupil, on: Date) -> PupilLine {
    let current = Period::of(on).code();
    let (warning, warning_code, triggers) = match &p.warning {
        Some((level, period, json)) if *period == current => (
            level.title(),
            level.code(),
            describe_triggers(json).join("; "),
        ),
        Some(_) => ("не пересчитан", "stale", String::new()),
        None => ("не рассчитан", "stale", String::new()),
    };
    PupilLine {
        id: p.id,
        key: p.student_key.clone(),
        class_name: p.fields.class_name.clone(),
        level: p.level_on(on).map_or("", |l| l.title()),
        subjects: p.fields.subjects.join(", "),
        causes: p
            .fields
            .causes
            .iter()
            .map(|c| c.title())
            .collect::<Vec<_>>()
            .join(", "),
        warning,
        warning_code,
        triggers,
        route: match &p.route {
            Some(r) => format!("{}; пересмотр до {}", r.tier.title(), r.next_review().ru()),
            None => String::new(),
        },
        route_id: p.route.as_ref().map(|r| r.id),
        active: p.status == RegisterStatus::Active,
        signal: signal(p, on).map(|s| s.describe()).unwrap_or_default(),
    }
}

/// A cause's checkbox.
pub struct CauseBox {
    pub code: &'static str,
    pub title: &'static str,
    pub checked: bool,
}

pub fn cause_boxes(chosen: &[Cause]) -> Vec<CauseBox> {
    Cause::ALL
        .iter()
        .map(|c| CauseBox {
            code: c.code(),
            title: c.title(),
            checked: chosen.contains(c),
        })
        .collect()
}

#[derive(Template)]
#[template(path = "pupils/list.html")]
struct ListPage {
    l: Layout,
    on: String,
    period: String,
    masked: bool,
    summary: Vec<SummaryLine>,
    municipalities: Vec<SummaryLine>,
    total: Option<SummaryLine>,
    sees: bool,
    schools: Vec<SchoolOption>,
    school_id: Option<i64>,
    classes: Vec<String>,
    class: String,
    pupils: Vec<PupilLine>,
    signals: Vec<PupilLine>,
    left: usize,
    tier_warning: String,
    keeps: bool,
    can_import: bool,
    years: Vec<i64>,
    thresholds: Thresholds,
    low_pct: String,
    absence_pct: String,
    causes: Vec<CauseBox>,
    notice: String,
}

#[derive(serde::Deserialize, Default)]
pub struct ListQuery {
    #[serde(default)]
    pub school: String,
    #[serde(default)]
    pub done: String,
    /// A class («7Б») or a grade («7»): only its pupils.
    #[serde(default)]
    pub class: String,
}

pub async fn list(
    State(st): State<AppState>,
    caller: Caller,
    Query(q): Query<ListQuery>,
) -> WebResult<Html<String>> {
    let on = today();
    let mask = rights::masks_counts(&caller);
    let counts = st.db.pupil_summary(&caller.scope, on).await?;
    let summary: Vec<SummaryLine> = counts.iter().map(|s| summary_line(s, mask)).collect();
    let total = (counts.len() > 1).then(|| summary_line(&total_of("Итого", &counts), mask));
    let municipalities = by_municipality(&counts, mask);
    let sees = rights::sees_pupils(&caller);
    let mut page = ListPage {
        l: Layout::new(&caller, "Обучающиеся с низкими результатами", "/pupils"),
        on: on.ru(),
        period: Period::of(on).title(),
        masked: mask,
        summary,
        municipalities,
        total,
        sees,
        schools: Vec::new(),
        school_id: None,
        classes: Vec::new(),
        class: q.class.trim().to_string(),
        pupils: Vec::new(),
        signals: Vec::new(),
        left: 0,
        tier_warning: String::new(),
        keeps: false,
        can_import: rights::imports_attendance(&caller),
        years: Vec::new(),
        thresholds: Thresholds::default(),
        low_pct: String::new(),
        absence_pct: String::new(),
        causes: cause_boxes(&[]),
        notice: notice(&q.done),
    };
    if sees {
        let schools = st.db.schools_in(&caller.scope).await?;
        let chosen = q
            .school
            .parse::<i64>()
            .ok()
            .filter(|id| schools.iter().any(|s| s.id == *id))
            .or((schools.len() == 1).then(|| schools[0].id));
        page.schools = schools
            .iter()
            .map(|s| SchoolOption {
                id: s.id,
                name: s.short_name.clone(),
                selected: Some(s.id) == chosen,
            })
            .collect();
        if let Some(school_id) = chosen {
            let pupils: Vec<Pupil> = st
                .db
                .pupils(
                    &opora_store::scope::Scope::School(school_id),
                    &caller.user.login,
                )
                .await?;
            let routes = pupils.iter().filter(|p| p.route.is_some()).count();
            let tier3 = pupils
                .iter()
                .filter(|p| {
                    p.route
                        .as_ref()
                        .is_some_and(|r| r.tier == opora_pupils::model::Tier::Individual)
                })
                .count();
            page.tier_warning =
                opora_pupils::route::tier_warning(tier3, routes).unwrap_or_default();
            let mut classes: Vec<String> =
                pupils.iter().map(|p| p.fields.class_name.clone()).collect();
            classes.sort_by_key(|c| {
                (
                    c.chars()
                        .take_while(char::is_ascii_digit)
                        .collect::<String>()
                        .parse::<u32>()
                        .unwrap_or(0),
                    c.clone(),
                )
            });
            classes.dedup();
            page.classes = classes;
            // One line per pupil: the signals (of the whole school) and the
            // register (of the chosen class) share them.
            let all: Vec<PupilLine> = pupils.iter().map(|p| pupil_line(p, on)).collect();
            page.signals = all
                .iter()
                .filter(|l| !l.signal.is_empty())
                .cloned()
                .collect();
            let lines: Vec<PupilLine> = all
                .into_iter()
                .filter(|l| page.class.is_empty() || l.class_name == page.class)
                .collect();
            page.left = lines.iter().filter(|l| !l.active).count();
            page.pupils = lines;
            page.keeps = rights::keeps_register(&caller, school_id);
            page.years = st.db.pupil_result_years(school_id).await?;
            page.thresholds = st.db.pupil_thresholds(school_id).await?;
            page.low_pct = plain_number(page.thresholds.low_result_pct);
            page.absence_pct = plain_number(page.thresholds.chronic_absence_pct);
        }
        page.school_id = chosen;
    }
    Ok(Html(page.render()?))
}

/// «30», «12,5»: a threshold as people type it.
fn plain_number(v: f64) -> String {
    crate::fmt::num(Some(v), if v.fract() == 0.0 { 0 } else { 1 })
}

fn notice(done: &str) -> String {
    match done {
        "built" => "Реестр сформирован по результатам.".into(),
        "warnings" => "Раннее предупреждение пересчитано.".into(),
        "thresholds" => {
            "Пороги сохранены. Пересчитайте раннее предупреждение, чтобы применить их.".into()
        }
        "added" => "Обучающийся внесён в реестр.".into(),
        _ => String::new(),
    }
}

/// The school a register form names, which the caller keeps (403
/// otherwise; a school outside the caller's pupils' scope is 404 from the
/// store).
fn kept_school(c: &Caller, form: &Fields) -> WebResult<i64> {
    let id: i64 = form
        .get("school_id")
        .parse()
        .map_err(|_| WebError::NotFound)?;
    if !rights::keeps_register(c, id) {
        return Err(WebError::Forbidden(
            "Реестр ведёт администратор школы.".into(),
        ));
    }
    Ok(id)
}

fn back(school_id: i64, done: &str) -> Response {
    Redirect::to(&format!("/pupils?school={school_id}&done={done}")).into_response()
}

pub async fn build(
    State(st): State<AppState>,
    caller: Caller,
    form: Fields,
) -> WebResult<Response> {
    let school_id = kept_school(&caller, &form)?;
    let year: i64 = form
        .get("year")
        .parse()
        .map_err(|_| WebError::Unprocessable("Год результатов: выберите год из списка.".into()))?;
    st.db
        .build_pupil_register(&caller.scope, school_id, year, today(), &caller.user.login)
        .await?;
    st.db
        .compute_pupil_warnings(&caller.scope, school_id, today(), &caller.user.login)
        .await?;
    Ok(back(school_id, "built"))
}

pub async fn warnings(
    State(st): State<AppState>,
    caller: Caller,
    form: Fields,
) -> WebResult<Response> {
    let school_id = kept_school(&caller, &form)?;
    st.db
        .compute_pupil_warnings(&caller.scope, school_id, today(), &caller.user.login)
        .await?;
    Ok(back(school_id, "warnings"))
}

fn number(form: &Fields, name: &str, label: &str) -> WebResult<f64> {
    opora_io::values::parse_number(form.get(name))
        .map_err(|e| WebError::Unprocessable(format!("{label}: {e}.")))
}

pub async fn thresholds(
    State(st): State<AppState>,
    caller: Caller,
    form: Fields,
) -> WebResult<Response> {
    let school_id = kept_school(&caller, &form)?;
    let t = Thresholds {
        low_result_pct: number(&form, "low_result_pct", "Порог низкого результата")?,
        chronic_absence_pct: number(&form, "chronic_absence_pct", "Порог хронических пропусков")?,
        review_weeks: form.get("review_weeks").parse().map_err(|_| {
            WebError::Unprocessable("Цикл пересмотра: укажите целое число недель.".into())
        })?,
    };
    t.check()
        .map_err(|m| WebError::Unprocessable(crate::fmt::capitalised(&m) + "."))?;
    st.db
        .set_pupil_thresholds(&caller.scope, school_id, &t, &caller.user.login)
        .await?;
    Ok(back(school_id, "thresholds"))
}

/// The register fields of a form (add and edit share them).
pub fn pupil_fields(form: &Fields) -> WebResult<PupilFields> {
    let grade: i64 = form
        .get("grade")
        .parse()
        .map_err(|_| WebError::Unprocessable("Параллель: укажите число от 1 до 11.".into()))?;
    if !(1..=11).contains(&grade) {
        return Err(WebError::Unprocessable(
            "Параллель: укажите число от 1 до 11.".into(),
        ));
    }
    let causes = form
        .all("cause")
        .into_iter()
        .map(|c| {
            Cause::from_code(c)
                .ok_or_else(|| WebError::Unprocessable("Причины: выберите из списка.".into()))
        })
        .collect::<WebResult<Vec<_>>>()?;
    let subjects: Vec<String> = form
        .get("subjects")
        .split([',', ';'])
        .map(|s| s.trim().to_string())
        .filter(|s| !s.is_empty())
        .collect();
    let class_name = form.get("class_name").trim();
    Ok(PupilFields {
        class_name: if class_name.is_empty() {
            grade.to_string()
        } else {
            class_name.to_string()
        },
        grade,
        subjects,
        causes,
        note: form.get("note").to_string(),
    })
}

pub async fn add(State(st): State<AppState>, caller: Caller, form: Fields) -> WebResult<Response> {
    let school_id = kept_school(&caller, &form)?;
    let fields = pupil_fields(&form)?;
    let id = st
        .db
        .add_pupil(
            &caller.scope,
            school_id,
            form.get("student_key"),
            &fields,
            today(),
            &caller.user.login,
        )
        .await?;
    Ok(Redirect::to(&format!("/pupils/{id}?done=added")).into_response())
}
