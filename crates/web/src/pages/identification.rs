//! Идентификация: parameters → run → the saved run (scatter plot, model,
//! lists with reasons), comparison of two runs, export of the lists in the
//! layout of an order's appendix.

use crate::auth::{Caller, Layout};
use crate::error::{WebError, WebResult};
use crate::extract::{Form, Path, Query};
use crate::fmt;
use crate::AppState;
use askama::Template;
use axum::extract::State;
use axum::http::{header, StatusCode};
use axum::response::{Html, IntoResponse, Redirect, Response};
use opora_analytics::{Config, Input, Run, Selection, Weights};
use opora_store::registry::KNOWN_INDICATORS;
use opora_store::run_index::{ListKind, ListRow};
use opora_store::stats::{self, YearCoverage};

pub struct RunItem {
    pub id: i64,
    pub at: String,
    pub actor: String,
    pub years: String,
    pub n_schools: i64,
    pub shnor: i64,
    pub shnsu: i64,
    pub low: i64,
    pub resilient: i64,
    pub r2: String,
}

/// The parameters form (text, so that a bad value comes back as typed).
#[derive(serde::Deserialize, Clone)]
#[serde(default)]
pub struct Params {
    pub low_percent: String,
    pub shnsu_percent: String,
    pub years_k: String,
    pub years_y: String,
    pub min_results: String,
    pub select: String,
    pub p_remove: String,
    pub weights: String,
    /// The last academic year of the run (its window ends there); empty =
    /// the latest year with adequate coverage.
    pub last_year: String,
}

/// A year offered as the run's last year.
pub struct YearChoice {
    pub year: i32,
    pub label: String,
}

fn year_choices(coverage: &[YearCoverage]) -> Vec<YearChoice> {
    coverage
        .iter()
        .rev()
        .map(|c| {
            let thin = !stats::is_adequate(coverage, c.year);
            let schools = fmt::plural(c.schools as i64, "школа", "школы", "школ");
            let label = if thin {
                format!(
                    "{} ({schools} — год заполнен не полностью)",
                    opora_io::values::academic_year(c.year)
                )
            } else {
                format!("{} ({schools})", opora_io::values::academic_year(c.year))
            };
            YearChoice {
                year: c.year,
                label,
            }
        })
        .collect()
}

impl Default for Params {
    fn default() -> Self {
        let c = Config::default();
        Params {
            low_percent: fmt::num(Some(c.low_percent), 0),
            shnsu_percent: fmt::num(Some(c.shnsu_percent), 0),
            years_k: c.years_k.to_string(),
            years_y: c.years_y.to_string(),
            min_results: c.min_results.to_string(),
            select: "backward".into(),
            p_remove: "0,05".into(),
            weights: "none".into(),
            last_year: String::new(),
        }
    }
}

fn number(s: &str, what: &str) -> Result<f64, String> {
    opora_io::values::parse_number(s.trim()).map_err(|_| format!("{what}: «{s}» — не число"))
}

impl Params {
    /// The chosen last year, or the latest adequately covered one.
    fn last_year(&self, coverage: &[YearCoverage]) -> Result<i32, String> {
        match self.last_year.trim() {
            "" => stats::default_last_year(coverage)
                .ok_or_else(|| "Нет загруженных результатов: сначала загрузите данные".to_string()),
            y => match y.parse::<i32>() {
                Ok(y) if coverage.iter().any(|c| c.year == y) => Ok(y),
                _ => Err(format!(
                    "Последний год расчёта: за «{y}» нет результатов; выберите год из списка"
                )),
            },
        }
    }

    fn config(&self) -> Result<Config, String> {
        let low = number(&self.low_percent, "Доля школ с самыми низкими эффектами")?;
        let shnsu = number(
            &self.shnsu_percent,
            "Доля школ с самым низким социальным индексом",
        )?;
        for (v, what) in [(low, "Доля для ШНОР"), (shnsu, "Доля для ШНСУ")] {
            if !(v > 0.0 && v <= 100.0) {
                return Err(format!("{what}: нужен процент больше 0 и не больше 100"));
            }
        }
        let k = self
            .years_k
            .trim()
            .parse::<usize>()
            .map_err(|_| "Правило лет: K — целое число".to_string())?;
        let y = self
            .years_y
            .trim()
            .parse::<usize>()
            .map_err(|_| "Правило лет: Y — целое число".to_string())?;
        if !(1 <= k && k <= y && y <= 10) {
            return Err("Правило лет: нужно 1 ≤ K ≤ Y ≤ 10".into());
        }
        let min_results = self
            .min_results
            .trim()
            .parse::<u64>()
            .map_err(|_| "Минимум результатов — целое число".to_string())?;
        let p_remove = number(&self.p_remove, "Порог p")?;
        if !(p_remove > 0.0 && p_remove < 1.0) {
            return Err(
                "Порог p для исключения фактора: нужно число от 0 до 1, например 0,05".into(),
            );
        }
        Ok(Config {
            low_percent: low,
            shnsu_percent: shnsu,
            years_k: k,
            years_y: y,
            min_results,
            select: if self.select == "all" {
                Selection::All
            } else {
                Selection::Backward { p_remove }
            },
            weights: if self.weights == "n" {
                Weights::N
            } else {
                Weights::None
            },
            ..Config::default()
        })
    }
}

#[derive(Template)]
#[template(path = "identification.html")]
struct IndexPage {
    l: Layout,
    runs: Vec<RunItem>,
    can_run: bool,
    p: Params,
    years: Vec<YearChoice>,
    /// The year selected in the form.
    selected_year: i32,
    error: String,
}

async fn run_items(st: &AppState, caller: &Caller) -> WebResult<Vec<RunItem>> {
    Ok(st
        .db
        .runs_in(&caller.scope)
        .await?
        .into_iter()
        .map(|r| RunItem {
            id: r.id,
            at: fmt::datetime(&r.at),
            actor: r.actor,
            years: fmt::run_years(&r.years),
            n_schools: r.n_schools,
            shnor: r.shnor,
            shnsu: r.shnsu,
            low: r.low_results,
            resilient: r.resilient,
            r2: fmt::num(r.r2, 3),
        })
        .collect())
}

pub async fn index(State(st): State<AppState>, caller: Caller) -> WebResult<Html<String>> {
    let coverage = st.db.year_coverage().await?;
    let page = IndexPage {
        l: Layout::new(&caller, "Идентификация", "/identification"),
        runs: run_items(&st, &caller).await?,
        can_run: caller.is_region(),
        p: Params::default(),
        selected_year: stats::default_last_year(&coverage).unwrap_or(0),
        years: year_choices(&coverage),
        error: String::new(),
    };
    Ok(Html(page.render()?))
}

pub async fn run(
    State(st): State<AppState>,
    caller: Caller,
    Form(p): Form<Params>,
) -> WebResult<Response> {
    caller.require_region()?;
    let coverage = st.db.year_coverage().await?;
    let fail = |error: String, runs: Vec<RunItem>| -> WebResult<Response> {
        let page = IndexPage {
            l: Layout::new(&caller, "Идентификация", "/identification"),
            runs,
            can_run: true,
            p: p.clone(),
            selected_year: p.last_year(&coverage).unwrap_or(0),
            years: year_choices(&coverage),
            error,
        };
        Ok((StatusCode::BAD_REQUEST, Html(page.render()?)).into_response())
    };
    let (cfg, last_year) = match p.config().and_then(|c| Ok((c, p.last_year(&coverage)?))) {
        Ok(c) => c,
        Err(e) => return fail(e, run_items(&st, &caller).await?),
    };
    let data = st.db.identification_data().await?.up_to(last_year);
    let outcome = tokio::task::spawn_blocking(move || {
        let input = Input {
            stats: &data.stats,
            context: &data.context,
            schools: &data.schools,
            checklist: &data.checklist,
        };
        opora_analytics::identify(&input, &cfg)
    })
    .await
    .map_err(|e| WebError::Internal(e.to_string()))?;
    let mut run = match outcome {
        Ok(r) => r,
        Err(e) => {
            return fail(
                format!("Расчёт не выполнен: {e}"),
                run_items(&st, &caller).await?,
            )
        }
    };
    run.notes
        .extend(stats::thin_year_warnings(&coverage, &run.years));
    let id = st.db.save_run(&caller.user.login, &run).await?;
    st.db.index_run(id, &run).await?;
    st.cache.invalidate();
    Ok(Redirect::to(&format!("/identification/runs/{id}")).into_response())
}

pub struct CoefRow {
    pub name: String,
    pub estimate: String,
    pub se: String,
    pub t: String,
    pub p: String,
}

/// One sign of non-objective results: how often it was found against how
/// often chance alone would give it (Benjamini–Hochberg across the run).
pub struct SignRow {
    pub title: &'static str,
    pub tested: u64,
    pub found: u64,
    pub by_chance: String,
    pub schools: u64,
}

/// The sign's name as a head of department reads it.
fn sign_title(code: &str) -> &'static str {
    match code {
        "O1" => "Высокие результаты ВПР не подтверждаются ОГЭ и ЕГЭ",
        "O2" => "Отметки ВПР выше отметок в журнале",
        "O3" => "Скопление баллов у границы отметки",
        "O4" => "Лёгкие задания решены хуже трудных",
        "O5" => "Слишком много пятёрок",
        _ => "Другой признак",
    }
}

fn sign_rows(run: &Run) -> Vec<SignRow> {
    run.objectivity_tests
        .iter()
        .map(|t| SignRow {
            title: sign_title(&t.sign),
            tested: t.cells_tested,
            found: t.significant,
            by_chance: t
                .expected_false
                .map(|e| fmt::num(Some(e), 1))
                .unwrap_or_else(|| "—".into()),
            schools: t.schools_listed,
        })
        .collect()
}

pub struct ListView {
    pub code: &'static str,
    pub title: &'static str,
    /// Rows with the effect formatted.
    pub rows: Vec<(ListRow, String)>,
}

#[derive(Template)]
#[template(path = "run.html")]
struct RunPage {
    l: Layout,
    id: i64,
    info: Option<RunItem>,
    scatter: String,
    coefs: Vec<CoefRow>,
    model: Vec<(&'static str, String)>,
    dropped: Vec<(String, String)>,
    params: Vec<(&'static str, String)>,
    signs: Vec<SignRow>,
    notes: Vec<String>,
    lists: Vec<ListView>,
    others: Vec<(i64, String)>,
    /// The orders that approved this run's lists («приказ № … от …»).
    approved_by: Vec<String>,
    /// The region approves a run's lists by an order.
    can_approve: bool,
    partial: bool,
}

fn factor_name(code: &str) -> String {
    if code == "(intercept)" {
        return "Свободный член".into();
    }
    KNOWN_INDICATORS
        .iter()
        .find(|k| k.0 == code)
        .map(|k| k.1.to_string())
        .unwrap_or_else(|| code.to_string())
}

/// A note of the engine with factor codes («disability_share») replaced by
/// the names people know.
fn with_factor_names(note: &str) -> String {
    KNOWN_INDICATORS
        .iter()
        .fold(note.to_string(), |n, (code, title, _)| {
            n.replace(&format!("«{code}»"), &format!("«{title}»"))
        })
}

fn selection_text(s: opora_analytics::Selection) -> String {
    match s {
        opora_analytics::Selection::Backward { p_remove } => format!(
            "незначимые факторы исключаются по одному (порог значимости {})",
            fmt::num(Some(p_remove), 2)
        ),
        opora_analytics::Selection::All => "все факторы с данными".into(),
    }
}

fn weights_text(w: opora_analytics::Weights) -> String {
    match w {
        opora_analytics::Weights::None => "все школы с равным весом".into(),
        opora_analytics::Weights::N => "вес школы — число её результатов".into(),
    }
}

async fn scoped_run(st: &AppState, caller: &Caller, id: i64) -> WebResult<Run> {
    st.db
        .run_in(&caller.scope, id)
        .await?
        .ok_or(WebError::NotFound)
}

pub async fn show(
    State(st): State<AppState>,
    caller: Caller,
    Path(id): Path<i64>,
) -> WebResult<Html<String>> {
    let run = scoped_run(&st, &caller, id).await?;
    let infos = st.db.school_infos().await?;
    let scatter = linked_scatter(&run, &infos);
    let items = run_items(&st, &caller).await?;
    let info = items
        .iter()
        .position(|r| r.id == id)
        .map(|i| items[i].clone_item());
    let others = items
        .iter()
        .filter(|r| r.id != id)
        .map(|r| (r.id, format!("№ {} от {}", r.id, r.at)))
        .collect();
    let m = &run.model;
    let coefs = m
        .coefficients
        .iter()
        .map(|c| CoefRow {
            name: factor_name(&c.name),
            estimate: fmt::num(Some(c.estimate), 4),
            se: fmt::num(Some(c.se), 4),
            t: fmt::num(c.t, 2),
            p: c.p
                .map(|p| {
                    if p < 0.001 {
                        "< 0,001".to_string()
                    } else {
                        fmt::num(Some(p), 3)
                    }
                })
                .unwrap_or_else(|| "—".into()),
        })
        .collect();
    let model = vec![
        ("Школ в модели", m.n_schools.to_string()),
        ("R²", fmt::num(m.r2, 3)),
        ("Скорректированный R²", fmt::num(m.adj_r2, 3)),
        ("τ² (дисперсия истинных эффектов)", fmt::num(m.tau2, 4)),
        (
            "Остаточное стандартное отклонение",
            fmt::num(m.residual_sd, 4),
        ),
        ("Отбор факторов", selection_text(run.config.select)),
        ("Веса школ в модели", weights_text(run.config.weights)),
    ];
    let dropped = m
        .drop_reasons
        .iter()
        .map(|d| (factor_name(&d.name), d.reason.clone()))
        .collect();
    let c = &run.config;
    let params = vec![
        (
            "ШНОР и низкие результаты: доля школ с самыми низкими эффектами",
            fmt::pct(Some(c.low_percent), 1),
        ),
        (
            "ШНСУ: доля школ с самым низким социальным индексом",
            fmt::pct(Some(c.shnsu_percent), 1),
        ),
        (
            "Правило лет",
            format!("в {} из последних {} лет", c.years_k, c.years_y),
        ),
        ("Минимум результатов у школы", c.min_results.to_string()),
        (
            "Годы расчёта",
            run.years
                .iter()
                .map(|y| fmt::academic_year_short(*y as i64))
                .collect::<Vec<_>>()
                .join(", "),
        ),
    ];
    let mut lists = Vec::new();
    for kind in ListKind::ALL {
        let rows = st
            .db
            .run_list(&caller.scope, id, kind)
            .await?
            .into_iter()
            .map(|r| {
                let e = fmt::num(r.effect, 2);
                (r, e)
            });
        lists.push(ListView {
            code: kind.code(),
            title: kind.title(),
            rows: rows.collect(),
        });
    }
    let page = RunPage {
        l: Layout::new(&caller, format!("Расчёт № {id}"), "/identification"),
        id,
        info,
        scatter,
        coefs,
        model,
        dropped,
        params,
        signs: sign_rows(&run),
        notes: run.notes.iter().map(|n| with_factor_names(n)).collect(),
        lists,
        others,
        approved_by: st
            .db
            .orders(&caller.scope)
            .await?
            .iter()
            .filter(|o| o.fields.run_id == Some(id))
            .map(|o| o.reference())
            .collect(),
        can_approve: caller.is_region(),
        partial: !caller.is_region(),
    };
    Ok(Html(page.render()?))
}

impl RunItem {
    fn clone_item(&self) -> RunItem {
        RunItem {
            id: self.id,
            at: self.at.clone(),
            actor: self.actor.clone(),
            years: self.years.clone(),
            n_schools: self.n_schools,
            shnor: self.shnor,
            shnsu: self.shnsu,
            low: self.low,
            resilient: self.resilient,
            r2: self.r2.clone(),
        }
    }
}

/// The run's scatter, each point a link to its school's card.
fn linked_scatter(run: &Run, infos: &[opora_analytics::SchoolInfo]) -> String {
    opora_io::charts::scatter_svg(run, infos, Some(&fmt::school_href))
}

pub async fn scatter(
    State(st): State<AppState>,
    caller: Caller,
    Path(id): Path<i64>,
) -> WebResult<Response> {
    let run = scoped_run(&st, &caller, id).await?;
    let infos = st.db.school_infos().await?;
    let svg = linked_scatter(&run, &infos);
    Ok((
        [(header::CONTENT_TYPE, "image/svg+xml; charset=utf-8")],
        svg,
    )
        .into_response())
}

/// The lists as an XLSX workbook laid out as an order's appendix: one sheet
/// per list with № п/п, муниципалитет, полное наименование ОО, категория,
/// обоснование (the plain verdict) and the numbers behind it.
pub async fn export_lists(
    State(st): State<AppState>,
    caller: Caller,
    Path(id): Path<i64>,
) -> WebResult<Response> {
    use opora_io::xlsx_out::{workbook, Cell, Sheet};
    if !st.db.run_exists(id).await? {
        return Err(WebError::NotFound);
    }
    let header: Vec<String> = [
        "№ п/п",
        "Муниципалитет",
        "Полное наименование ОО",
        "Категория",
        "Обоснование",
        "Цифры расчёта",
    ]
    .map(String::from)
    .to_vec();
    let mut sheets = Vec::new();
    let mut total = 0;
    for kind in ListKind::ALL {
        let rows: Vec<Vec<Cell>> = st
            .db
            .run_list(&caller.scope, id, kind)
            .await?
            .into_iter()
            .enumerate()
            .map(|(i, r)| {
                vec![
                    Cell::Number(Some((i + 1) as f64)),
                    Cell::Text(r.municipality),
                    Cell::Text(r.full_name),
                    Cell::Text(kind.title().to_string()),
                    Cell::Text(r.summary),
                    Cell::Text(r.reason),
                ]
            })
            .collect();
        total += rows.len();
        sheets.push(Sheet {
            name: kind.title().to_string(),
            header: header.clone(),
            rows,
        });
    }
    let bytes = tokio::task::spawn_blocking(move || workbook(&sheets))
        .await
        .map_err(|e| WebError::Internal(e.to_string()))?
        .map_err(|e| WebError::Internal(e.to_string()))?;
    st.db
        .audit_by(
            &caller.user,
            "экспорт: списки расчёта",
            &format!("расчёт № {id}"),
            &format!("строк: {total}"),
            None,
        )
        .await?;
    Ok(crate::pages::xlsx_download(
        &format!("lists-{id}.xlsx"),
        &format!("списки-{id}.xlsx"),
        bytes,
    ))
}

#[derive(serde::Deserialize)]
pub struct CompareQuery {
    a: i64,
    b: i64,
}

pub struct ChangeView {
    pub title: &'static str,
    pub entered: Vec<ListRow>,
    pub left: Vec<ListRow>,
    pub stayed: usize,
}

#[derive(Template)]
#[template(path = "compare.html")]
struct ComparePage {
    l: Layout,
    a: i64,
    b: i64,
    changes: Vec<ChangeView>,
}

pub async fn compare(
    State(st): State<AppState>,
    caller: Caller,
    Query(q): Query<CompareQuery>,
) -> WebResult<Html<String>> {
    if !st.db.run_exists(q.a).await? || !st.db.run_exists(q.b).await? {
        return Err(WebError::NotFound);
    }
    let changes = st
        .db
        .compare_runs(&caller.scope, q.a, q.b)
        .await?
        .into_iter()
        .map(|c| ChangeView {
            title: c.kind.title(),
            entered: c.entered,
            left: c.left,
            stayed: c.stayed,
        })
        .collect();
    let page = ComparePage {
        l: Layout::new(&caller, "Сравнение расчётов", "/identification"),
        a: q.a,
        b: q.b,
        changes,
    };
    Ok(Html(page.render()?))
}
