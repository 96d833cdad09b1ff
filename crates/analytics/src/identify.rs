//! The whole run: steps 1–3 on the window and on each year, then categories,
//! checklist and signs of non-objective results.

use crate::categories::{self, WindowFlags};
use crate::context::ContextIndex;
use crate::effects::{self, Shrunk};
use crate::model::{self, FitRows, Model, YearModel};
use crate::standardise::{self, Scale, SchoolIndex};
use crate::stats::AssessmentKey;
use crate::{
    checklist, objectivity, text, AnalyticsError, CellInput, CellTable, ChecklistRow, Config,
    ContextTable, Input, Mode, Run, SchoolInfo, Selection, Weights,
};
use std::collections::{BTreeMap, BTreeSet};

/// One school of a fit: steps 2–3.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct SchoolFit {
    pub expected: f64,
    /// None when no factor is in the model.
    pub social: Option<f64>,
    pub residual: f64,
    pub shrunk: Shrunk,
    pub rank: u64,
    pub percentile: Option<f64>,
}

/// Steps 1–3 over one window of years.
#[derive(Debug, Clone, Default)]
pub(crate) struct WindowEval {
    pub indices: BTreeMap<String, SchoolIndex>,
    /// Rank of the index among schools with sufficient data (1 = lowest).
    pub index_rank: BTreeMap<String, u64>,
    pub n_sufficient: usize,
    /// Sufficient schools left out of the fit: the factors they miss.
    pub no_context: BTreeMap<String, Vec<String>>,
    pub fits: BTreeMap<String, SchoolFit>,
    pub model: Model,
}

/// Runs methodology.md on `input`. Errors only when nothing can be computed;
/// every other edge case becomes a note in Russian.
pub fn identify(input: &Input, cfg: &Config) -> Result<Run, AnalyticsError> {
    let cells = CellTable::from_table(input.stats);
    identify_cells(
        &CellInput {
            stats: &cells,
            context: input.context,
            schools: input.schools,
            checklist: input.checklist,
        },
        cfg,
    )
}

/// [`identify`] over compact statistics (what a national batch accumulates).
pub fn identify_cells(input: &CellInput, cfg: &Config) -> Result<Run, AnalyticsError> {
    let ev = evaluate_cells(input, cfg)?;
    Ok(finish(ev, input.checklist, cfg))
}

/// [`identify_cells`] taking the table, which is freed as soon as the last
/// step reading it is done (before the checklist and the outputs are built:
/// at national scale that is the difference of a few hundred MB at the peak).
pub fn identify_cells_owned(
    stats: CellTable,
    context: &ContextTable,
    schools: &[SchoolInfo],
    checklist: &[ChecklistRow],
    cfg: &Config,
) -> Result<Run, AnalyticsError> {
    let input = CellInput {
        stats: &stats,
        context,
        schools,
        checklist,
    };
    let ev = evaluate_cells(&input, cfg)?;
    drop(stats);
    Ok(finish(ev, checklist, cfg))
}

/// What the steps reading the cells produce.
struct Evaluated {
    all_years: Vec<i32>,
    window: Vec<i32>,
    whole: WindowEval,
    per_year: BTreeMap<i32, WindowEval>,
    notes: Vec<String>,
    objectivity: Vec<crate::ObjectivitySign>,
    objectivity_tests: Vec<crate::SignTests>,
    objectivity_notes: Vec<String>,
    mode: Mode,
}

/// Steps 1–3 on the window and on each year, and the signs (step 6).
fn evaluate_cells(input: &CellInput, cfg: &Config) -> Result<Evaluated, AnalyticsError> {
    validate(cfg)?;
    let all_years = input.stats.years();
    if all_years.is_empty() {
        return Err(AnalyticsError::NoResults);
    }
    let mut notes = Vec::new();
    let window: Vec<i32> = all_years[all_years.len().saturating_sub(cfg.years_y)..].to_vec();
    window_notes(&all_years, &window, cfg, &mut notes);
    let scales = standardise::scales(input.stats, &all_years, &mut notes);
    let mode = if scales.values().all(|s| s.by_pupils) {
        Mode::Pupil
    } else {
        Mode::School
    };
    let ctx = ContextIndex::new(input.context);

    let last = *window.last().expect("non-empty window");
    let window_keys: BTreeSet<AssessmentKey> = scales
        .keys()
        .filter(|k| window.contains(&k.year))
        .cloned()
        .collect();
    // The signs (step 6) need only the cells: they run beside steps 1–5.
    let ((objectivity, objectivity_tests), objectivity_notes, evaluated) =
        std::thread::scope(|s| {
            let signs = s.spawn(|| {
                let mut notes = Vec::new();
                let out = objectivity::signs(
                    input.stats,
                    input.schools,
                    &window_keys,
                    &cfg.objectivity,
                    &mut notes,
                );
                (out, notes)
            });
            // The window, then each year on its own (step 4): all years of the
            // data, so the checklist can look back three years from any year.
            let mut jobs: Vec<(Vec<i32>, i32)> = vec![(window.clone(), last)];
            let single = window.len() == 1;
            jobs.extend(
                all_years
                    .iter()
                    .filter(|&&y| !(single && y == last))
                    .map(|&y| (vec![y], y)),
            );
            let evaluated = crate::par::map(
                jobs.len(),
                || (),
                |_, i| evaluate(input, &ctx, &scales, &jobs[i].0, jobs[i].1, cfg),
            );
            let (out, notes) = signs
                .join()
                .unwrap_or_else(|e| std::panic::resume_unwind(e));
            (out, notes, evaluated)
        });
    let mut evaluated = evaluated.into_iter();
    let whole = evaluated.next().expect("the window is evaluated");
    if whole.n_sufficient < 2 {
        return Err(AnalyticsError::TooFewSchools {
            min: cfg.min_results,
            found: whole.n_sufficient,
        });
    }
    whole_notes(&whole, cfg, &mut notes);
    let mut per_year = BTreeMap::new();
    for &y in &all_years {
        let ev = if window.len() == 1 && y == last {
            whole.clone()
        } else {
            evaluated.next().expect("every year is evaluated")
        };
        year_notes(y, &ev, &window, &mut notes);
        per_year.insert(y, ev);
    }
    Ok(Evaluated {
        all_years,
        window,
        whole,
        per_year,
        notes,
        objectivity,
        objectivity_tests,
        objectivity_notes,
        mode,
    })
}

/// Categories, the model and the checklist (steps 4–5) from the evaluations.
fn finish(ev: Evaluated, checklist_rows: &[ChecklistRow], cfg: &Config) -> Run {
    let Evaluated {
        all_years,
        window,
        whole,
        per_year,
        mut notes,
        objectivity,
        objectivity_tests,
        objectivity_notes,
        mode,
    } = ev;
    let flags: BTreeMap<i32, WindowFlags> = per_year
        .iter()
        .map(|(y, ev)| (*y, categories::window_flags(ev, cfg)))
        .collect();

    let mut model = whole.model.clone();
    model.years = window.clone();
    model.per_year = window
        .iter()
        .map(|y| year_model(*y, &per_year[y]))
        .collect();
    let schools = categories::assemble(&whole, &flags, &window, cfg);
    notes.extend(objectivity_notes);
    let checklist = checklist::evaluate(
        checklist_rows,
        &flags,
        &all_years,
        &cfg.checklist,
        cfg.low_percent,
    );
    dedup(&mut notes);
    Run {
        schools,
        model,
        objectivity,
        objectivity_tests,
        checklist,
        notes,
        years: window,
        mode,
        config: cfg.clone(),
    }
}

fn validate(cfg: &Config) -> Result<(), AnalyticsError> {
    let bad = |m: &str| Err(AnalyticsError::Config(m.to_string()));
    let pct = |p: f64| p.is_finite() && p > 0.0 && p <= 100.0;
    if !pct(cfg.low_percent) || !pct(cfg.shnsu_percent) {
        return bad("доли «самых низких» (P и Q) должны быть в пределах от 0 до 100 %");
    }
    if cfg.years_k == 0 || cfg.years_y == 0 || cfg.years_k > cfg.years_y {
        return bad("правило «K из Y лет» требует 1 ≤ K ≤ Y");
    }
    if cfg.min_results == 0 {
        return bad("минимальное число результатов должно быть не меньше 1");
    }
    if cfg
        .objectivity
        .fdr_q
        .is_some_and(|q| !(q.is_finite() && q > 0.0 && q < 1.0))
    {
        return bad(
            "доля ложных находок для признаков необъективности должна быть в пределах (0; 1)",
        );
    }
    if let Selection::Backward { p_remove } = cfg.select {
        if !(p_remove.is_finite() && p_remove > 0.0 && p_remove <= 1.0) {
            return bad("порог p для отбора факторов должен быть в пределах (0; 1]");
        }
    }
    Ok(())
}

/// Steps 1–3 on the assessments of `years`, context taken for `ctx_year`.
pub(crate) fn evaluate(
    input: &CellInput,
    ctx: &ContextIndex,
    scales: &BTreeMap<AssessmentKey, Scale>,
    years: &[i32],
    ctx_year: i32,
    cfg: &Config,
) -> WindowEval {
    let list = standardise::school_indices(input.stats, scales, years);
    let sufficient: Vec<&SchoolIndex> = list.iter().filter(|s| s.n >= cfg.min_results).collect();
    let index_rank = effects::ranks(sufficient.iter().map(|s| (s.school_id.as_str(), s.index)));
    let mut ev = WindowEval {
        index_rank,
        n_sufficient: sufficient.len(),
        ..Default::default()
    };
    fit_window(&sufficient, ctx, ctx_year, cfg, &mut ev);
    ev.indices = list.into_iter().map(|s| (s.school_id.clone(), s)).collect();
    ev
}

/// Step 2 and 3 for the sufficient schools of a window.
fn fit_window(
    sufficient: &[&SchoolIndex],
    ctx: &ContextIndex,
    year: i32,
    cfg: &Config,
    ev: &mut WindowEval,
) {
    let names = ctx.factors();
    let values: Vec<Vec<Option<f64>>> = sufficient
        .iter()
        .map(|s| ctx.values(&s.school_id, year))
        .collect();
    // A factor nobody has would exclude every school: drop it instead.
    let usable: Vec<usize> = (0..names.len())
        .filter(|&f| values.iter().any(|v| v[f].is_some()))
        .collect();
    for f in (0..names.len()).filter(|f| !usable.contains(f)) {
        ev.model.drop_reasons.push(model::DroppedFactor {
            name: names[f].clone(),
            reason: "нет значений ни у одной школы с достаточными данными".into(),
        });
    }
    let mut rows = FitRows {
        ids: vec![],
        y: vec![],
        n: vec![],
        x: vec![],
    };
    let mut members = Vec::new();
    for (s, v) in sufficient.iter().zip(&values) {
        let missing: Vec<String> = usable
            .iter()
            .filter(|&&f| v[f].is_none())
            .map(|&f| names[f].clone())
            .collect();
        if !missing.is_empty() {
            ev.no_context.insert(s.school_id.clone(), missing);
            continue;
        }
        rows.ids.push(&s.school_id);
        rows.y.push(s.index);
        rows.n.push(s.n);
        rows.x.push(
            usable
                .iter()
                .map(|&f| v[f].expect("checked present"))
                .collect(),
        );
        members.push(*s);
    }
    let used_names: Vec<String> = usable.iter().map(|&f| names[f].clone()).collect();
    ev.model.weights = match cfg.weights {
        Weights::None => "none".into(),
        Weights::N => "n".into(),
    };
    ev.model.selection = match cfg.select {
        Selection::Backward { p_remove } => format!("backward p>{p_remove}"),
        Selection::All => "all".into(),
    };
    ev.model.n_schools = members.len();
    let Some(reg) = model::regress(&rows, &used_names, cfg.select, cfg.weights) else {
        return;
    };
    let k = reg.fit.beta.len();
    let se: Vec<Option<f64>> = members.iter().map(|s| s.se).collect();
    let (tau2, mean_se2) = effects::tau2(&reg.fit.resid, &se, k);
    let shrunk: Vec<Shrunk> = (0..members.len())
        .map(|i| effects::shrink(reg.fit.resid[i], se[i], tau2))
        .collect();
    let ranks = effects::ranks(
        members
            .iter()
            .zip(&shrunk)
            .map(|(s, e)| (s.school_id.as_str(), e.effect)),
    );
    let n = members.len();
    for (i, s) in members.iter().enumerate() {
        let rank = ranks[&s.school_id];
        ev.fits.insert(
            s.school_id.clone(),
            SchoolFit {
                expected: reg.fit.fitted[i],
                social: (!reg.factors.is_empty()).then_some(reg.social[i]),
                residual: reg.fit.resid[i],
                shrunk: shrunk[i],
                rank,
                percentile: effects::percentile(rank, n),
            },
        );
    }
    fill_model(&mut ev.model, reg, n, tau2, mean_se2);
}

fn fill_model(
    m: &mut Model,
    reg: model::Regression,
    n: usize,
    tau2: Option<f64>,
    mean_se2: Option<f64>,
) {
    let f = &reg.fit;
    let names = std::iter::once("(intercept)".to_string()).chain(reg.factors.iter().cloned());
    m.coefficients = names
        .enumerate()
        .map(|(j, name)| model::Coefficient {
            name,
            estimate: f.beta[j],
            se: f.se[j],
            t: f.t[j],
            p: f.p[j],
        })
        .collect();
    m.n_schools = n;
    m.r2 = f.r2;
    m.adj_r2 = f.adj_r2;
    m.tau2 = tau2;
    m.mean_se2 = mean_se2;
    m.residual_sd = Some(f.sigma);
    m.df_resid = Some(f.df_resid);
    m.factors = reg.factors.clone();
    m.scaling = reg.scaling;
    m.drop_reasons.extend(reg.dropped);
    m.dropped = m.drop_reasons.iter().map(|d| d.name.clone()).collect();
}

fn year_model(year: i32, ev: &WindowEval) -> YearModel {
    YearModel {
        year,
        n_schools: ev.model.n_schools,
        r2: ev.model.r2,
        tau2: ev.model.tau2,
        factors: ev.model.factors.clone(),
    }
}

fn window_notes(all: &[i32], window: &[i32], cfg: &Config, notes: &mut Vec<String>) {
    let range = |y: &[i32]| {
        if y.len() == 1 {
            y[0].to_string()
        } else {
            format!("{}–{}", y[0], y[y.len() - 1])
        }
    };
    let mut s = format!("Окно расчёта: {} ({} г.).", range(window), window.len());
    if all.len() > window.len() {
        s += &format!(
            " Более ранние годы ({}) в индекс не входят.",
            text::years(&all[..all.len() - window.len()])
        );
    }
    notes.push(s);
    let k = cfg.years_k.min(window.len());
    if k != cfg.years_k || window.len() < cfg.years_y {
        notes.push(format!(
            "В данных {} г. вместо {}: правило «{} {}» применяется как «{} из {}».",
            window.len(),
            cfg.years_y,
            cfg.years_k,
            text::of_years(cfg.years_y),
            k,
            window.len()
        ));
    }
}

fn whole_notes(ev: &WindowEval, cfg: &Config, notes: &mut Vec<String>) {
    let small = ev.indices.len() - ev.n_sufficient;
    if small > 0 {
        notes.push(format!(
            "Школ с числом результатов меньше {}: {} — они отмечены «недостаточно данных» и не участвуют в регрессии и ранжировании.",
            cfg.min_results, small
        ));
    }
    if !ev.no_context.is_empty() {
        notes.push(format!(
            "Школ без данных о контексте: {} — они не участвуют в регрессии; для них рассчитан только ИПР.",
            ev.no_context.len()
        ));
    }
    for d in &ev.model.drop_reasons {
        notes.push(format!("Фактор «{}» исключён: {}.", d.name, d.reason));
    }
    let m = &ev.model;
    if m.coefficients.is_empty() {
        notes.push(format!(
            "Регрессия невозможна: школ с достаточными данными и контекстом {} (нужно не меньше двух). \
             ШНОР и ШНСУ не выделяются; низкие результаты определены по ИПР.",
            m.n_schools
        ));
        return;
    }
    if m.factors.is_empty() {
        notes.push("Ни один фактор контекста не вошёл в модель: социального индекса нет, ШНСУ не выделяются; ожидаемый результат — средний ИПР.".into());
    }
    match m.tau2 {
        None => notes.push(
            "Стандартные ошибки результатов школ неизвестны (нет индивидуальных баллов, se или sd_score): \
             τ² не оценивается, эффекты не сжимаются (λ = 1), доверительных интервалов нет."
                .into(),
        ),
        Some(0.0) => notes.push(
            "τ² = 0: разброс остатков не превышает случайного, все эффекты сжаты к нулю — ранжирование эффектов неинформативно."
                .into(),
        ),
        _ => {}
    }
}

fn year_notes(year: i32, ev: &WindowEval, window: &[i32], notes: &mut Vec<String>) {
    if !window.contains(&year) {
        return;
    }
    if ev.model.coefficients.is_empty() {
        notes.push(format!("{year}: регрессия за этот год невозможна (школ с данными и контекстом меньше двух), признак ШНОР за год не оценивается."));
    }
}

fn dedup(notes: &mut Vec<String>) {
    let mut seen = BTreeSet::new();
    notes.retain(|n| seen.insert(n.clone()));
}
