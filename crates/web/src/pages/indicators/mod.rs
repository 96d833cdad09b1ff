//! Programme indicators (issue 12): a programme's indicator set, loaded
//! from its passport (Word or Excel) with a preview before saving, and shown
//! on the programme's page with its facts per period and a traffic light.
//! Facts (sources, periods, values and the lists behind them, the
//! dashboard) are in [`facts`].
//!
//! Loading belongs to those who manage the programme; a programme is a plan
//! of region or municipality level.

pub mod facts;

use super::plans::{load_plan, off_runtime, read_form, MAX_PLAN_FILE};
use crate::auth::{random_token, Caller, Layout};
use crate::error::{WebError, WebResult};
use crate::extract::{Form, Multipart, Path};
use crate::AppState;
use askama::Template;
use axum::extract::State;
use axum::response::{Html, IntoResponse, Redirect, Response};
use opora_indicators::{Direction, Indicator, Target, Unit};
use opora_store::indicators::StoredIndicator;
use serde::Deserialize;

/// An indicator set read from a file, waiting for confirmation.
#[derive(Clone)]
pub(crate) struct StagedIndicators {
    pub plan_id: i64,
    pub file: String,
    pub indicators: Vec<Indicator>,
}

/// One line of an indicator table (the plan page and the preview).
pub struct IndicatorLine {
    /// The stored indicator (none in a preview).
    pub id: Option<i64>,
    pub group: String,
    pub name: String,
    /// «не менее 20 %», «Да».
    pub target: String,
    pub unit: &'static str,
    /// The first line of its group (the group's heading goes above it).
    pub opens_group: bool,
    /// The fact in each of the programme's periods: (value, light code, light title).
    pub facts: Vec<(String, &'static str, &'static str)>,
}

/// Marks the lines that open a group.
fn mark_groups(mut lines: Vec<IndicatorLine>) -> Vec<IndicatorLine> {
    let mut previous: Option<String> = None;
    for l in &mut lines {
        l.opens_group = !l.group.is_empty() && previous.as_ref() != Some(&l.group);
        previous = Some(l.group.clone());
    }
    lines
}

fn target_words(direction: Direction, target: &str, percent: bool) -> String {
    format!(
        "{}{target}{}",
        direction.prefix(),
        if percent { " %" } else { "" }
    )
}

fn number(v: f64) -> String {
    opora_analytics::text::num(v, if v.fract() == 0.0 { 0 } else { 2 })
}

impl From<&Indicator> for IndicatorLine {
    fn from(i: &Indicator) -> Self {
        let target = match &i.target {
            Target::Number(v) => number(*v),
            Target::Text(t) => t.clone(),
        };
        IndicatorLine {
            id: None,
            group: i.group.clone(),
            name: i.name.clone(),
            target: target_words(i.direction, &target, i.unit == Unit::Percent),
            unit: i.unit.title(),
            opens_group: false,
            facts: vec![],
        }
    }
}

impl From<&StoredIndicator> for IndicatorLine {
    fn from(s: &StoredIndicator) -> Self {
        // Codes are written by the store from these enums.
        let direction = Direction::from_code(&s.direction).unwrap_or(Direction::AtLeast);
        let unit = Unit::from_code(&s.unit).unwrap_or(Unit::Score);
        let target = s.target_number.map(number).unwrap_or(s.target_text.clone());
        IndicatorLine {
            id: Some(s.id),
            group: s.group.clone(),
            name: s.name.clone(),
            target: target_words(direction, &target, unit == Unit::Percent),
            unit: unit.title(),
            opens_group: false,
            facts: vec![],
        }
    }
}

/// The plan, when the caller manages it and it is a programme.
async fn programme(st: &AppState, caller: &Caller, plan_id: i64) -> WebResult<()> {
    let (summary, _, rights) = load_plan(st, caller, plan_id).await?;
    if !rights.manage {
        return Err(WebError::Forbidden(
            "Показатели программы загружает тот, кто управляет программой.".into(),
        ));
    }
    if summary.level == "school" {
        return Err(WebError::BadRequest(
            "Показатели задаются программе региона или муниципалитета, а не плану школы.".into(),
        ));
    }
    Ok(())
}

/// Reads the uploaded passport and shows what was read (nothing is saved yet).
pub async fn upload(
    State(st): State<AppState>,
    caller: Caller,
    Path(plan_id): Path<i64>,
    mp: Multipart,
) -> WebResult<Response> {
    programme(&st, &caller, plan_id).await?;
    let form = read_form(mp, MAX_PLAN_FILE).await?;
    let Some((file, bytes)) = form.file else {
        return Err(WebError::BadRequest(
            "Выберите файл паспорта программы (DOCX или XLSX).".into(),
        ));
    };
    let name = file.clone();
    let indicators = off_runtime(move || opora_indicators::import_passport(&bytes, &name))
        .await?
        .map_err(|e| WebError::Unprocessable(e.to_string()))?;
    let token = random_token()[..24].to_string();
    st.indicator_uploads.insert(
        token.clone(),
        caller.user.id,
        StagedIndicators {
            plan_id,
            file,
            indicators,
        },
    );
    Ok(Redirect::to(&format!("/indicators/preview/{token}")).into_response())
}

#[derive(Template)]
#[template(path = "indicators_preview.html")]
struct PreviewPage {
    l: Layout,
    token: String,
    plan_id: i64,
    file: String,
    lines: Vec<IndicatorLine>,
    /// No periods in a preview (the table template shows them on the plan page).
    periods: Vec<String>,
}

pub async fn preview(
    State(st): State<AppState>,
    caller: Caller,
    Path(token): Path<String>,
) -> WebResult<Html<String>> {
    let s = st
        .indicator_uploads
        .get(&token, caller.user.id)
        .ok_or(WebError::NotFound)?;
    let page = PreviewPage {
        l: Layout::new(&caller, "Показатели программы: проверка", "/plans"),
        token,
        plan_id: s.plan_id,
        file: s.file,
        lines: mark_groups(s.indicators.iter().map(IndicatorLine::from).collect()),
        periods: vec![],
    };
    Ok(Html(page.render()?))
}

#[derive(Deserialize)]
pub struct TokenForm {
    pub token: String,
}

pub async fn confirm(
    State(st): State<AppState>,
    caller: Caller,
    Form(f): Form<TokenForm>,
) -> WebResult<Response> {
    let Some(s) = st.indicator_uploads.take(&f.token, caller.user.id) else {
        return Err(WebError::BadRequest(
            "Эта загрузка уже подтверждена или устарела. Загрузите файл ещё раз.".into(),
        ));
    };
    // The rights are checked again: they may have changed since the upload.
    programme(&st, &caller, s.plan_id).await?;
    st.db
        .save_indicators(s.plan_id, &s.indicators, &s.file, &caller.user.login)
        .await?;
    Ok(Redirect::to(&format!(
        "/plans/{}?imported=indicators#indicators",
        s.plan_id
    ))
    .into_response())
}
