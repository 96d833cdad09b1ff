//! Эффективность руководителей (`/staff/principals`): the evaluation of an
//! academic year for the schools of the caller's scope — each criterion's
//! measure, points and the numbers behind them, the total and the rank —
//! its XLSX export for the order, and for the region the criteria's
//! weights and the button that evaluates a year. A teacher does not read
//! it (403): it ranks their principal and colleagues' schools.

use super::card::Choice;
use super::rights;
use crate::auth::{Caller, Layout};
use crate::error::{WebError, WebResult};
use crate::extract::{Fields, Query};
use crate::AppState;
use askama::Template;
use axum::extract::State;
use axum::response::{Html, IntoResponse, Redirect, Response};
use opora_io::xlsx_out::{workbook, Cell, Sheet};
use opora_staff::principals::Criterion;
use opora_store::staff::principals::{Evaluation, PrincipalResult};

pub fn require_reader(c: &Caller) -> WebResult<()> {
    if rights::reads_principals(c) {
        Ok(())
    } else {
        Err(WebError::Forbidden(
            "Оценка эффективности руководителей недоступна учителю.".into(),
        ))
    }
}

fn require_keeper(c: &Caller) -> WebResult<()> {
    if rights::keeps_principals(c) {
        Ok(())
    } else {
        Err(WebError::Forbidden(
            "Критерии и оценку эффективности руководителей ведёт региональный оператор.".into(),
        ))
    }
}

#[derive(serde::Deserialize, Default)]
pub struct YearQuery {
    #[serde(default)]
    pub year: String,
    #[serde(default)]
    pub done: String,
}

/// The evaluation a query names (the latest by default); a year without
/// one is 404.
pub async fn chosen(st: &AppState, year: &str) -> WebResult<(Vec<Evaluation>, Option<Evaluation>)> {
    let all = st.db.principal_evaluations().await?;
    let chosen = match year.trim() {
        "" => all.first().cloned(),
        y => Some(
            all.iter()
                .find(|e| e.year.to_string() == y)
                .cloned()
                .ok_or(WebError::NotFound)?,
        ),
    };
    Ok((all, chosen))
}

/// One criterion of a school on the page.
pub struct ScoreCell {
    pub value: String,
    pub points: String,
    pub basis: String,
}

/// One school's line.
pub struct ResultLine {
    pub rank: String,
    pub school: String,
    pub municipality: String,
    pub principal: String,
    pub total: String,
    pub scores: Vec<ScoreCell>,
}

/// One decimal with a comma; empty without data (the page says why).
fn number(v: Option<f64>) -> String {
    v.map(|x| crate::fmt::num(Some(x), 1)).unwrap_or_default()
}

/// Ranks: 1, 2, 2, 4 for equal totals; none without a total.
fn ranks(results: &[PrincipalResult]) -> Vec<Option<usize>> {
    let mut out = Vec::with_capacity(results.len());
    for (k, r) in results.iter().enumerate() {
        let rank = r.total.map(|t| {
            results[..k]
                .iter()
                .position(|x| x.total == Some(t))
                .unwrap_or(k)
                + 1
        });
        out.push(rank);
    }
    out
}

#[derive(Template)]
#[template(path = "staff/principals.html")]
struct PrincipalsPage {
    l: Layout,
    years: Vec<Choice>,
    title: String,
    evaluated: String,
    criteria: Vec<(String, u32)>,
    lines: Vec<ResultLine>,
    export_href: String,
    can_keep: bool,
    weights: Vec<(String, String, u32)>,
    evaluate_years: Vec<Choice>,
    notice: &'static str,
}

pub async fn page(
    State(st): State<AppState>,
    caller: Caller,
    Query(q): Query<YearQuery>,
) -> WebResult<Html<String>> {
    require_reader(&caller)?;
    let (all, chosen) = chosen(&st, &q.year).await?;
    let results = match &chosen {
        Some(e) => {
            st.db
                .principal_results(&caller.scope, e, &caller.user.login)
                .await?
        }
        None => Vec::new(),
    };
    let criteria = results
        .first()
        .map(|r| {
            r.scores
                .iter()
                .map(|s| (crate::fmt::capitalised(s.criterion.title()), s.weight))
                .collect()
        })
        .unwrap_or_default();
    let lines = results
        .iter()
        .zip(ranks(&results))
        .map(|(r, rank)| ResultLine {
            rank: rank.map(|k| k.to_string()).unwrap_or_default(),
            school: r.school.clone(),
            municipality: r.municipality.clone(),
            principal: r.principal.clone(),
            total: number(r.total),
            scores: r
                .scores
                .iter()
                .map(|s| ScoreCell {
                    value: number(s.value),
                    points: number(s.points),
                    basis: s.basis.clone(),
                })
                .collect(),
        })
        .collect();
    let weights = st
        .db
        .principal_weights()
        .await?
        .into_iter()
        .map(|(c, w)| (c.code().to_string(), crate::fmt::capitalised(c.title()), w))
        .collect();
    let current = opora_plans::clock::today().academic_year();
    let page = PrincipalsPage {
        l: Layout::new(&caller, "Эффективность руководителей", "/staff"),
        years: all
            .iter()
            .map(|e| Choice {
                code: e.year.to_string(),
                title: crate::fmt::academic_year(i64::from(e.year)),
                selected: chosen.as_ref().is_some_and(|c| c.id == e.id),
            })
            .collect(),
        title: chosen
            .as_ref()
            .map(|e| crate::fmt::academic_year(i64::from(e.year)))
            .unwrap_or_default(),
        evaluated: chosen
            .as_ref()
            .map(|e| {
                format!(
                    "данные на {}, оценку провёл {}",
                    e.evaluated_on.ru(),
                    e.created_by
                )
            })
            .unwrap_or_default(),
        criteria,
        lines,
        export_href: chosen
            .as_ref()
            .map(|e| format!("/staff/principals.xlsx?year={}", e.year))
            .unwrap_or_default(),
        can_keep: rights::keeps_principals(&caller),
        weights,
        evaluate_years: [current, current - 1]
            .iter()
            .map(|y| Choice {
                code: y.to_string(),
                title: crate::fmt::academic_year(i64::from(*y)),
                selected: *y == current,
            })
            .collect(),
        notice: match q.done.as_str() {
            "weights" => "Веса критериев сохранены; они применятся при следующей оценке.",
            "evaluated" => "Оценка проведена по данным на сегодня.",
            _ => "",
        },
    };
    Ok(Html(page.render()?))
}

pub async fn save_weights(
    State(st): State<AppState>,
    caller: Caller,
    form: Fields,
) -> WebResult<Response> {
    require_keeper(&caller)?;
    let mut weights = Vec::new();
    for c in Criterion::ALL {
        let text = form.get(&format!("weight_{}", c.code()));
        let w: u32 = text.parse().map_err(|_| {
            WebError::Unprocessable(format!(
                "Вес критерия «{}»: «{}» — не целое число от 0 до 100.",
                c.title(),
                opora_io::text::preview(text)
            ))
        })?;
        weights.push((*c, w));
    }
    st.db
        .set_principal_weights(&weights, &caller.user.login)
        .await?;
    Ok(Redirect::to("/staff/principals?done=weights").into_response())
}

pub async fn evaluate(
    State(st): State<AppState>,
    caller: Caller,
    form: Fields,
) -> WebResult<Response> {
    require_keeper(&caller)?;
    let today = opora_plans::clock::today();
    let current = today.academic_year();
    let year: i32 = form
        .get("year")
        .parse()
        .ok()
        .filter(|y| *y == current || *y == current - 1)
        .ok_or_else(|| {
            WebError::Unprocessable(
                "Учебный год: выберите текущий или прошлый учебный год из списка.".into(),
            )
        })?;
    st.db
        .evaluate_principals(year, today, &caller.user.login)
        .await?;
    Ok(Redirect::to(&format!("/staff/principals?year={year}&done=evaluated")).into_response())
}

/// The evaluation as a workbook for the order: one row per school, each
/// criterion's measure, points and basis.
pub async fn export(
    State(st): State<AppState>,
    caller: Caller,
    Query(q): Query<YearQuery>,
) -> WebResult<Response> {
    require_reader(&caller)?;
    let (_, chosen) = chosen(&st, &q.year).await?;
    let evaluation = chosen.ok_or(WebError::NotFound)?;
    let results = st
        .db
        .principal_results(&caller.scope, &evaluation, &caller.user.login)
        .await?;
    let mut header: Vec<String> = [
        "Место",
        "Муниципалитет",
        "Школа",
        "Код ОО",
        "Руководитель",
        "Итог, баллов из 100",
    ]
    .map(String::from)
    .to_vec();
    for c in Criterion::ALL {
        header.push(format!("{}: показатель", c.title()));
        header.push(format!("{}: баллы", c.title()));
        header.push(format!("{}: основание", c.title()));
    }
    let rows = results
        .iter()
        .zip(ranks(&results))
        .map(|(r, rank)| {
            let mut row = vec![
                Cell::Number(rank.map(|k| k as f64)),
                Cell::Text(r.municipality.clone()),
                Cell::Text(r.school.clone()),
                Cell::Text(r.school_code.clone()),
                Cell::Text(r.principal.clone()),
                Cell::Number(r.total.map(|t| (t * 10.0).round() / 10.0)),
            ];
            for s in &r.scores {
                row.push(Cell::Number(s.value.map(|v| (v * 10.0).round() / 10.0)));
                row.push(Cell::Number(s.points.map(|v| (v * 10.0).round() / 10.0)));
                row.push(Cell::Text(s.basis.clone()));
            }
            row
        })
        .collect();
    let bytes = crate::pages::plans::off_runtime(move || {
        workbook(&[Sheet {
            name: "Оценка".into(),
            header,
            rows,
        }])
    })
    .await?
    .map_err(|e| WebError::Internal(e.to_string()))?;
    st.db
        .audit_by(
            &caller.user,
            "экспорт: эффективность руководителей",
            &crate::fmt::academic_year(i64::from(evaluation.year)),
            &format!("школ: {}", results.len()),
            None,
        )
        .await?;
    Ok(crate::pages::xlsx_download(
        &format!("principals-{}.xlsx", evaluation.year),
        &format!("эффективность руководителей {}.xlsx", evaluation.year),
        bytes,
    ))
}
