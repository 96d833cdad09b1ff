//! Indicator facts: where each value comes from (a formula over Opora's
//! data or entered by hand), the programme's periods, the value per period
//! with a traffic light, the lists of schools behind a computed value and
//! why each school is there, the history of a value, and the dashboard of
//! every programme the caller sees.
//!
//! Open periods follow the data: pages that show facts compute them first
//! (a region of 1,000 schools takes milliseconds, docs/benchmarks.md), and
//! a change is written with a line of history. A closed period is frozen.
//! Changing sources, entering values and managing periods belong to those
//! who manage the programme; everyone who sees the programme reads.

use super::{mark_groups, IndicatorLine};
use crate::auth::{Caller, Layout};
use crate::error::{WebError, WebResult};
use crate::extract::{Form, Path, Query};
use crate::fmt;
use crate::pages::plans::load_plan;
use crate::AppState;
use askama::Template;
use axum::extract::State;
use axum::http::header;
use axum::response::{Html, IntoResponse, Redirect, Response};
use opora_indicators::formula::{Formula, Role};
use opora_indicators::{Direction, Light, Target, Unit};
use opora_plans::date::Date;
use opora_store::indicator_values::{IndicatorValue, ManualValue, Period, Source};
use opora_store::indicators::StoredIndicator;
use serde::Deserialize;

/// Who computes on a page view (the history says it was the system).
const SYSTEM: &str = "расчёт";

fn target_of(i: &StoredIndicator) -> Target {
    match i.target_number {
        Some(v) => Target::Number(v),
        None => Target::Text(i.target_text.clone()),
    }
}

fn light_of(i: &StoredIndicator, v: Option<&IndicatorValue>) -> Light {
    let direction = Direction::from_code(&i.direction).unwrap_or(Direction::AtLeast);
    match v {
        Some(v) => Light::of(&target_of(i), direction, v.value, &v.value_text),
        None => Light::Grey,
    }
}

/// «45,5 %», «12», «да», «—».
fn fact_words(i: &StoredIndicator, v: Option<&IndicatorValue>) -> String {
    match v {
        Some(v) if !v.value_text.is_empty() => {
            if Unit::from_code(&i.unit) == Some(Unit::Percent) && v.value.is_some() {
                format!("{} %", v.value_text)
            } else {
                v.value_text.clone()
            }
        }
        _ => "—".into(),
    }
}

/// The programme's indicator lines with their facts per period (computed
/// first for open periods), and the periods' titles.
pub async fn programme_table(
    st: &AppState,
    plan_id: i64,
) -> WebResult<(Vec<IndicatorLine>, Vec<String>)> {
    st.db.compute_programme(plan_id, SYSTEM).await?;
    let periods = st.db.periods(plan_id).await?;
    let values = st.db.programme_values(plan_id).await?;
    let indicators = st.db.indicators(plan_id).await?;
    let lines = indicators
        .iter()
        .map(|i| {
            let mut line = IndicatorLine::from(i);
            line.facts = periods
                .iter()
                .map(|p| {
                    let v = values
                        .iter()
                        .find(|v| v.indicator_id == i.id && v.period_id == p.id);
                    let light = light_of(i, v);
                    (fact_words(i, v), light.code(), light.title())
                })
                .collect();
            line
        })
        .collect();
    Ok((
        mark_groups(lines),
        periods.iter().map(period_title).collect(),
    ))
}

fn period_title(p: &Period) -> String {
    if p.closed_at.is_some() {
        format!("{} (закрыт)", p.title)
    } else {
        p.title.clone()
    }
}

/// The indicator, visible to the caller, with its programme's rights.
async fn visible_indicator(
    st: &AppState,
    c: &Caller,
    id: i64,
) -> WebResult<(StoredIndicator, bool)> {
    let plan_id: Option<i64> = st.db.indicator_plan(id).await?;
    let plan_id = plan_id.ok_or(WebError::NotFound)?;
    let (_, _, rights) = load_plan(st, c, plan_id).await?;
    let indicator = st
        .db
        .indicators(plan_id)
        .await?
        .into_iter()
        .find(|i| i.id == id)
        .ok_or(WebError::NotFound)?;
    Ok((indicator, rights.manage))
}

fn require_manage(manage: bool) -> WebResult<()> {
    if manage {
        Ok(())
    } else {
        Err(WebError::Forbidden(
            "Показатели программы ведёт тот, кто управляет программой.".into(),
        ))
    }
}

/// One school behind a value.
pub struct ListRow {
    pub school: String,
    pub municipality: String,
    pub reason: String,
}

/// One period's value on the indicator page.
pub struct PeriodView {
    pub id: i64,
    pub title: String,
    pub ends_on: String,
    pub closed: String,
    pub fact: String,
    /// The value itself (for the chart).
    pub value: Option<f64>,
    pub light: &'static str,
    pub light_title: &'static str,
    pub counts: String,
    pub note: String,
    pub numerator: Vec<ListRow>,
    pub denominator_only: Vec<ListRow>,
    pub no_data: Vec<ListRow>,
    /// (municipality, counted, in the denominator) when the lists span
    /// more than one municipality.
    pub by_municipality: Vec<(String, usize, usize)>,
    pub history: Vec<(String, String, String, String)>,
}

/// The lists per municipality: how many schools count and of how many.
fn by_municipality(v: &IndicatorValue) -> Vec<(String, usize, usize)> {
    let mut out: Vec<(String, usize, usize)> = vec![];
    for r in &v.lists {
        let k = match out.iter().position(|(m, _, _)| *m == r.municipality) {
            Some(k) => k,
            None => {
                out.push((r.municipality.clone(), 0, 0));
                out.len() - 1
            }
        };
        out[k].2 += 1;
        if r.role == Role::Numerator {
            out[k].1 += 1;
        }
    }
    if out.len() < 2 {
        return vec![];
    }
    out.sort_by(|a, b| a.0.cmp(&b.0));
    out
}

#[derive(Template)]
#[template(path = "indicator.html")]
struct IndicatorPage {
    l: Layout,
    id: i64,
    plan_id: i64,
    programme: String,
    name: String,
    group: String,
    target: String,
    unit: &'static str,
    source: &'static str,
    source_code: &'static str,
    formula: String,
    formula_error: String,
    dictionary: Vec<(String, &'static str, String)>,
    periods: Vec<PeriodView>,
    manage: bool,
    chart: String,
}

fn rows(values: &IndicatorValue, role: Role) -> Vec<ListRow> {
    values
        .lists
        .iter()
        .filter(|r| r.role == role)
        .map(|r| ListRow {
            school: r.name.clone(),
            municipality: r.municipality.clone(),
            reason: r.reason.clone(),
        })
        .collect()
}

async fn indicator_page(
    st: &AppState,
    c: &Caller,
    id: i64,
    typed_formula: Option<(String, String)>,
) -> WebResult<Html<String>> {
    let (i, manage) = visible_indicator(st, c, id).await?;
    st.db.compute_programme(i.plan_id, SYSTEM).await?;
    let (source, stored_formula) = st.db.indicator_source(id).await?;
    let dictionary = st.db.fact_fields(i.plan_id).await?;
    let formula_error = match &typed_formula {
        Some((_, e)) => e.clone(),
        None if source == Source::Formula => {
            let defs: Vec<_> = dictionary.iter().map(|f| f.def()).collect();
            Formula::parse(&stored_formula, &defs)
                .err()
                .map(|e| format!("Формула не подходит к данным: {e}"))
                .unwrap_or_default()
        }
        None => String::new(),
    };
    let mut periods = vec![];
    for p in st.db.periods(i.plan_id).await? {
        let v = st.db.indicator_value(id, p.id).await?;
        let light = light_of(&i, v.as_ref());
        let history = st
            .db
            .value_history(id, p.id)
            .await?
            .into_iter()
            .map(|h| (fmt::datetime(&h.at), h.actor, h.value_text, h.why))
            .collect();
        periods.push(PeriodView {
            id: p.id,
            title: p.title.clone(),
            ends_on: p.ends_on.ru(),
            closed: p
                .closed_at
                .as_deref()
                .map(|at| {
                    format!(
                        "закрыт {} ({}), значения заморожены",
                        fmt::date(at),
                        p.closed_by
                    )
                })
                .unwrap_or_default(),
            fact: fact_words(&i, v.as_ref()),
            value: v.as_ref().and_then(|v| v.value),
            light: light.code(),
            light_title: light.title(),
            counts: match v.as_ref().and_then(|v| v.numerator.zip(v.denominator)) {
                Some((n, d)) => format!("{n} из {}", fmt::plural(d, "школы", "школ", "школ")),
                None => String::new(),
            },
            note: v.as_ref().map(|v| v.note.clone()).unwrap_or_default(),
            numerator: v
                .as_ref()
                .map(|v| rows(v, Role::Numerator))
                .unwrap_or_default(),
            denominator_only: v
                .as_ref()
                .map(|v| rows(v, Role::DenominatorOnly))
                .unwrap_or_default(),
            no_data: v
                .as_ref()
                .map(|v| rows(v, Role::NoData))
                .unwrap_or_default(),
            by_municipality: v.as_ref().map(by_municipality).unwrap_or_default(),
            history,
        });
    }
    let chart = dynamics_chart(&i, &periods);
    let line = IndicatorLine::from(&i);
    let page = IndicatorPage {
        l: Layout::new(c, i.name.clone(), "/indicators"),
        id,
        plan_id: i.plan_id,
        programme: i.programme.clone(),
        name: i.name.clone(),
        group: i.group.clone(),
        target: line.target,
        unit: line.unit,
        source: source.title(),
        source_code: source.code(),
        formula: typed_formula.map(|(t, _)| t).unwrap_or(stored_formula),
        formula_error,
        dictionary: dictionary
            .iter()
            .map(|f| (f.name.clone(), f.kind.title(), f.title.clone()))
            .collect(),
        periods,
        manage,
        chart,
    };
    Ok(Html(page.render()?))
}

/// The value over the periods with the target as a dashed line.
fn dynamics_chart(i: &StoredIndicator, periods: &[PeriodView]) -> String {
    let Some(target) = i.target_number else {
        return String::new();
    };
    let facts: Vec<Option<f64>> = periods.iter().map(|p| p.value).collect();
    if facts.iter().all(Option::is_none) {
        return String::new();
    }
    let xs: Vec<String> = periods.iter().map(|p| p.title.clone()).collect();
    let unit = if Unit::from_code(&i.unit) == Some(Unit::Percent) {
        "%"
    } else {
        ""
    };
    opora_io::charts::line_chart(
        "Динамика по периодам",
        &xs,
        &[
            opora_io::charts::Series {
                label: "факт".into(),
                colour: "#16497e",
                dashed: false,
                values: facts,
            },
            opora_io::charts::Series {
                label: "цель".into(),
                colour: "#1c5e1c",
                dashed: true,
                values: vec![Some(target); xs.len()],
            },
        ],
        "",
        unit,
        target,
    )
}

pub async fn show(
    State(st): State<AppState>,
    caller: Caller,
    Path(id): Path<i64>,
) -> WebResult<Html<String>> {
    indicator_page(&st, &caller, id, None).await
}

#[derive(Deserialize)]
pub struct SourceForm {
    pub source: String,
    #[serde(default)]
    pub formula: String,
}

/// Sets the source: a formula (checked against the dictionary; a mistake
/// comes back on the page with its place) or manual entry.
pub async fn set_source(
    State(st): State<AppState>,
    caller: Caller,
    Path(id): Path<i64>,
    Form(f): Form<SourceForm>,
) -> WebResult<Response> {
    let (i, manage) = visible_indicator(&st, &caller, id).await?;
    require_manage(manage)?;
    let source = Source::from_code(&f.source)
        .ok_or_else(|| WebError::BadRequest("Неизвестный источник значения.".into()))?;
    if source == Source::Formula {
        let dictionary = st.db.fact_fields(i.plan_id).await?;
        let defs: Vec<_> = dictionary.iter().map(|f| f.def()).collect();
        if let Err(e) = Formula::parse(&f.formula, &defs) {
            let page = indicator_page(
                &st,
                &caller,
                id,
                Some((f.formula.clone(), format!("Формула не сохранена: {e}"))),
            )
            .await?;
            return Ok((axum::http::StatusCode::UNPROCESSABLE_ENTITY, page).into_response());
        }
    }
    st.db
        .set_indicator_source(id, source, &f.formula, &caller.user.login)
        .await?;
    st.db
        .compute_programme(i.plan_id, &caller.user.login)
        .await?;
    Ok(Redirect::to(&format!("/indicators/{id}")).into_response())
}

#[derive(Deserialize)]
pub struct ValueForm {
    pub period: i64,
    pub value: String,
    #[serde(default)]
    pub note: String,
    #[serde(default)]
    pub document: String,
}

/// Enters a value by hand for a period of the indicator's programme.
pub async fn enter_value(
    State(st): State<AppState>,
    caller: Caller,
    Path(id): Path<i64>,
    Form(f): Form<ValueForm>,
) -> WebResult<Response> {
    let (i, manage) = visible_indicator(&st, &caller, id).await?;
    require_manage(manage)?;
    // The period id comes from the form: it must be this programme's.
    if !st
        .db
        .periods(i.plan_id)
        .await?
        .iter()
        .any(|p| p.id == f.period)
    {
        return Err(WebError::NotFound);
    }
    let text = f.value.trim();
    let number = opora_indicators::campaign::read_number(text.trim_end_matches('%'));
    let yes_no = opora_indicators::campaign::read_yes_no(text).filter(|_| number.is_none());
    let (value, value_text) = match (number, yes_no) {
        (Some(v), _) => (Some(v), opora_indicators::campaign::number_text(v)),
        (None, Some(b)) => (
            Some(if b { 1.0 } else { 0.0 }),
            if b { "да" } else { "нет" }.to_string(),
        ),
        (None, None) => {
            return Err(WebError::Unprocessable(format!(
                "Значение «{text}» не понято: напишите число («45,5») или «да»/«нет»."
            )))
        }
    };
    let manual = ManualValue {
        value,
        value_text: &value_text,
        note: &f.note,
        document: &f.document,
    };
    match st
        .db
        .enter_value(id, f.period, &manual, &caller.user.login)
        .await
    {
        Ok(()) => {
            Ok(Redirect::to(&format!("/indicators/{id}#period-{}", f.period)).into_response())
        }
        Err(opora_store::StoreError::Invalid(m)) => Err(WebError::Unprocessable(format!("{m}."))),
        Err(e) => Err(e.into()),
    }
}

#[derive(Deserialize)]
pub struct PeriodForm {
    pub title: String,
    pub ends_on: String,
}

/// Adds a period to a programme.
pub async fn add_period(
    State(st): State<AppState>,
    caller: Caller,
    Path(plan_id): Path<i64>,
    Form(f): Form<PeriodForm>,
) -> WebResult<Response> {
    let (_, _, rights) = load_plan(&st, &caller, plan_id).await?;
    require_manage(rights.manage)?;
    let ends_on = Date::parse(&f.ends_on).ok_or_else(|| {
        WebError::Unprocessable(format!(
            "Дата окончания периода «{}» не понята: напишите её как 28.02.2027.",
            f.ends_on.trim()
        ))
    })?;
    match st
        .db
        .add_period(plan_id, &f.title, ends_on, &caller.user.login)
        .await
    {
        Ok(_) => Ok(Redirect::to(&format!("/plans/{plan_id}#indicators")).into_response()),
        Err(opora_store::StoreError::Invalid(m)) => Err(WebError::Unprocessable(format!("{m}."))),
        Err(e) => Err(e.into()),
    }
}

/// Closes a period (after computing it one last time): its values freeze.
pub async fn close_period(
    State(st): State<AppState>,
    caller: Caller,
    Path((plan_id, period_id)): Path<(i64, i64)>,
) -> WebResult<Response> {
    let (_, _, rights) = load_plan(&st, &caller, plan_id).await?;
    require_manage(rights.manage)?;
    if !st
        .db
        .periods(plan_id)
        .await?
        .iter()
        .any(|p| p.id == period_id)
    {
        return Err(WebError::NotFound);
    }
    st.db.compute_programme(plan_id, &caller.user.login).await?;
    match st.db.close_period(period_id, &caller.user.login).await {
        Ok(()) => Ok(Redirect::to(&format!("/plans/{plan_id}#indicators")).into_response()),
        Err(opora_store::StoreError::Invalid(m)) => Err(WebError::Unprocessable(format!("{m}."))),
        Err(e) => Err(e.into()),
    }
}

/// One indicator on the dashboard.
pub struct DashLine {
    pub id: i64,
    pub plan_id: i64,
    pub programme: String,
    pub opens_programme: bool,
    pub name: String,
    pub target: String,
    pub fact: String,
    pub period: String,
    pub light: &'static str,
    pub light_title: &'static str,
    /// The facts over the periods, oldest first («12 → 30 → 45 %»).
    pub dynamics: String,
}

/// The latest period with a value, its value.
struct Latest {
    fact: String,
    period: String,
    light: Light,
    dynamics: String,
    value: Option<f64>,
}

fn latest(i: &StoredIndicator, periods: &[Period], values: &[IndicatorValue]) -> Latest {
    let mine: Vec<(&Period, &IndicatorValue)> = periods
        .iter()
        .filter_map(|p| {
            values
                .iter()
                .find(|v| v.indicator_id == i.id && v.period_id == p.id)
                .map(|v| (p, v))
        })
        .collect();
    let dynamics = mine
        .iter()
        .map(|(_, v)| {
            if v.value_text.is_empty() {
                "—".to_string()
            } else {
                v.value_text.clone()
            }
        })
        .collect::<Vec<_>>()
        .join(" → ");
    match mine.last() {
        Some((p, v)) => Latest {
            fact: fact_words(i, Some(v)),
            period: p.title.clone(),
            light: light_of(i, Some(v)),
            dynamics,
            value: v.value,
        },
        None => Latest {
            fact: "—".into(),
            period: String::new(),
            light: Light::Grey,
            dynamics,
            value: None,
        },
    }
}

/// An indicator with its latest fact.
pub struct Fact {
    pub indicator: StoredIndicator,
    pub value: Option<f64>,
    pub fact: String,
    /// The latest period with a value; empty without one.
    pub period: String,
    pub light: Light,
    pub dynamics: String,
}

/// Every indicator of the programmes the caller sees with its latest
/// fact (open periods computed first), programme by programme.
pub async fn latest_facts(st: &AppState, c: &Caller) -> WebResult<Vec<Fact>> {
    let indicators = st.db.indicators_in(&c.scope).await?;
    let mut plans: Vec<i64> = indicators.iter().map(|i| i.plan_id).collect();
    plans.dedup();
    let mut out = vec![];
    for plan_id in plans {
        st.db.compute_programme(plan_id, SYSTEM).await?;
        let periods = st.db.periods(plan_id).await?;
        let values = st.db.programme_values(plan_id).await?;
        for i in indicators.iter().filter(|i| i.plan_id == plan_id) {
            let l = latest(i, &periods, &values);
            out.push(Fact {
                indicator: i.clone(),
                value: l.value,
                fact: l.fact,
                period: l.period,
                light: l.light,
                dynamics: l.dynamics,
            });
        }
    }
    Ok(out)
}

/// The dashboard's lines (with the latest value for the export).
async fn dashboard_lines(st: &AppState, c: &Caller) -> WebResult<Vec<(DashLine, Option<f64>)>> {
    let mut previous = None;
    Ok(latest_facts(st, c)
        .await?
        .into_iter()
        .map(|f| {
            let i = &f.indicator;
            let opens = previous != Some(i.plan_id);
            previous = Some(i.plan_id);
            (
                DashLine {
                    id: i.id,
                    plan_id: i.plan_id,
                    programme: i.programme.clone(),
                    opens_programme: opens,
                    name: i.name.clone(),
                    target: IndicatorLine::from(i).target,
                    fact: f.fact,
                    period: f.period,
                    light: f.light.code(),
                    light_title: f.light.title(),
                    dynamics: f.dynamics,
                },
                f.value,
            )
        })
        .collect())
}

#[derive(Template)]
#[template(path = "indicators_dashboard.html")]
struct Dashboard {
    l: Layout,
    lines: Vec<DashLine>,
    counts: Vec<(&'static str, &'static str, usize)>,
}

pub async fn dashboard(State(st): State<AppState>, caller: Caller) -> WebResult<Html<String>> {
    let lines: Vec<DashLine> = dashboard_lines(&st, &caller)
        .await?
        .into_iter()
        .map(|(l, _)| l)
        .collect();
    let counts = [Light::Green, Light::Yellow, Light::Red, Light::Grey]
        .into_iter()
        .map(|light| {
            (
                light.code(),
                light.title(),
                lines.iter().filter(|l| l.light == light.code()).count(),
            )
        })
        .collect();
    let page = Dashboard {
        l: Layout::new(&caller, "Показатели", "/indicators"),
        lines,
        counts,
    };
    Ok(Html(page.render()?))
}

#[derive(Deserialize, Default)]
pub struct ExportQuery {
    #[serde(default)]
    pub plan: Option<i64>,
}

/// The dashboard as XLSX: programme, indicator, target, latest fact, period, status, dynamics.
pub async fn export(
    State(st): State<AppState>,
    caller: Caller,
    Query(q): Query<ExportQuery>,
) -> WebResult<Response> {
    let lines = dashboard_lines(&st, &caller).await?;
    let rows: Vec<Vec<opora_io::xlsx_out::Cell>> = lines
        .iter()
        .filter(|(l, _)| q.plan.is_none_or(|p| p == l.plan_id))
        .map(|(l, v)| {
            use opora_io::xlsx_out::Cell;
            vec![
                Cell::Text(l.programme.clone()),
                Cell::Text(l.name.clone()),
                Cell::Text(l.target.clone()),
                match v {
                    Some(v) => Cell::Number(Some(*v)),
                    None => Cell::Text(l.fact.clone()),
                },
                Cell::Text(l.period.clone()),
                Cell::Text(l.light_title.to_string()),
                Cell::Text(l.dynamics.clone()),
            ]
        })
        .collect();
    let bytes = opora_io::xlsx_out::workbook(&[opora_io::xlsx_out::Sheet {
        name: "Показатели".into(),
        header: [
            "Программа",
            "Показатель",
            "Целевое значение",
            "Факт",
            "Период",
            "Состояние",
            "Динамика",
        ]
        .map(String::from)
        .to_vec(),
        rows,
    }])
    .map_err(|e| WebError::Internal(e.to_string()))?;
    st.db
        .audit(
            &caller.user.login,
            "выгрузка показателей",
            "показатели.xlsx",
            "",
        )
        .await?;
    Ok(crate::pages::xlsx_download(
        "indicators.xlsx",
        "показатели.xlsx",
        bytes,
    ))
}

/// The programme's indicator report for one period as DOCX: every
/// indicator with its target, fact, state and basis, then the schools
/// behind each computed value — what goes to the ministry after a period.
pub async fn period_report(
    State(st): State<AppState>,
    caller: Caller,
    Path((plan_id, period_id)): Path<(i64, i64)>,
) -> WebResult<Response> {
    let (summary, _, _) = load_plan(&st, &caller, plan_id).await?;
    let period = st
        .db
        .periods(plan_id)
        .await?
        .into_iter()
        .find(|p| p.id == period_id)
        .ok_or(WebError::NotFound)?;
    st.db.compute_programme(plan_id, SYSTEM).await?;
    let indicators = st.db.indicators(plan_id).await?;
    let values = st.db.programme_values(plan_id).await?;
    let value_of = |id: i64| {
        values
            .iter()
            .find(|v| v.indicator_id == id && v.period_id == period_id)
    };
    let mut d = opora_plans::docx_out::DocxBuilder::new();
    d.heading(&format!(
        "Достижение показателей программы «{}»",
        summary.title
    ));
    d.paragraph(&format!(
        "Период: {} (по {}). {}",
        period.title,
        period.ends_on.ru(),
        match &period.closed_at {
            Some(at) => format!("Период закрыт {}, значения заморожены.", fmt::date(at)),
            None => format!("Период открыт; значения на {}.", Date::today().ru()),
        }
    ));
    let rows: Vec<Vec<String>> = indicators
        .iter()
        .enumerate()
        .map(|(k, i)| {
            let v = value_of(i.id);
            let basis = match v {
                Some(v) if v.numerator.is_some() => format!(
                    "{} из {}",
                    v.numerator.unwrap_or(0),
                    fmt::plural(v.denominator.unwrap_or(0), "школы", "школ", "школ")
                ),
                Some(v) if !v.note.is_empty() => v.note.clone(),
                _ => String::new(),
            };
            vec![
                (k + 1).to_string(),
                i.name.clone(),
                IndicatorLine::from(i).target,
                fact_words(i, v),
                light_of(i, v).title().to_string(),
                basis,
            ]
        })
        .collect();
    d.table(
        &[
            "№",
            "Показатель",
            "Целевое значение",
            "Факт",
            "Состояние",
            "Основание",
        ],
        &rows,
        &[500, 5200, 1700, 1300, 1700, 3400],
    );
    for i in &indicators {
        let Some(v) = value_of(i.id).filter(|v| !v.lists.is_empty()) else {
            continue;
        };
        d.bold_paragraph(&i.name);
        let list: Vec<Vec<String>> = v
            .lists
            .iter()
            .map(|r| {
                vec![
                    r.name.clone(),
                    r.municipality.clone(),
                    r.role.title().to_string(),
                    r.reason.clone(),
                ]
            })
            .collect();
        d.table(
            &["Школа", "Муниципалитет", "Учтена", "Почему"],
            &list,
            &[3600, 2600, 2000, 5600],
        );
    }
    let bytes = d.finish();
    st.db
        .audit(
            &caller.user.login,
            "выгрузка отчёта по показателям",
            &format!("программа № {plan_id}"),
            &period.title,
        )
        .await?;
    Ok((
        [
            (
                header::CONTENT_TYPE,
                "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
                    .to_string(),
            ),
            (
                header::CONTENT_DISPOSITION,
                format!(
                    "attachment; filename=\"indicators-{period_id}.docx\"; filename*=UTF-8''{}",
                    fmt::urlencode(&format!("показатели-{}.docx", period.title))
                ),
            ),
        ],
        bytes,
    )
        .into_response())
}
