//! Step 4: categories (ШНОР, низкие результаты, ШНСУ, резильентная, норма)
//! and the reason text a head of a municipal department can read aloud.

use crate::effects;
use crate::identify::{SchoolFit, WindowEval};
use crate::text::{self, cutoff, n2};
use crate::{plain, Config, SchoolOutcome};
use std::collections::{BTreeMap, BTreeSet};

/// Which schools meet the yearly conditions in one window (one year).
#[derive(Debug, Clone, Default, PartialEq)]
pub(crate) struct WindowFlags {
    /// ИПР among the lowest P% of the schools with sufficient data.
    pub low: BTreeSet<String>,
    /// e* among the lowest P% of the fit and interval wholly below 0.
    pub shnor: BTreeSet<String>,
    /// Schools with sufficient data this year (for "no data" in the checklist).
    pub present: BTreeSet<String>,
}

pub(crate) fn window_flags(ev: &WindowEval, cfg: &Config) -> WindowFlags {
    let low_cut = cutoff(cfg.low_percent, ev.n_sufficient);
    let low = ev
        .index_rank
        .iter()
        .filter(|(_, r)| **r <= low_cut)
        .map(|(id, _)| id.clone())
        .collect();
    let cut = cutoff(cfg.low_percent, ev.fits.len());
    let shnor = ev
        .fits
        .iter()
        .filter(|(_, f)| is_shnor_year(f, cut))
        .map(|(id, _)| id.clone())
        .collect();
    WindowFlags {
        low,
        shnor,
        present: ev.index_rank.keys().cloned().collect(),
    }
}

fn is_shnor_year(f: &SchoolFit, cut: u64) -> bool {
    f.rank <= cut && f.shrunk.ci.is_none_or(|(_, hi)| hi < 0.0)
}

/// Context shared by all reason texts of a run.
struct Rules<'a> {
    cfg: &'a Config,
    window: &'a [i32],
    k: usize,
    n_fit: usize,
    shnor_cut: u64,
    shnsu: BTreeMap<String, u64>,
    shnsu_cut: u64,
}

/// One row per school with a result in the window, sorted by school id.
pub(crate) fn assemble(
    whole: &WindowEval,
    flags: &BTreeMap<i32, WindowFlags>,
    window: &[i32],
    cfg: &Config,
) -> Vec<SchoolOutcome> {
    let n_fit = whole.fits.len();
    let shnsu = if whole.model.factors.is_empty() {
        BTreeMap::new()
    } else {
        effects::ranks(
            whole
                .fits
                .iter()
                .filter_map(|(id, f)| f.social.map(|s| (id.as_str(), s))),
        )
    };
    let rules = Rules {
        cfg,
        window,
        k: cfg.years_k.min(window.len()),
        n_fit,
        shnor_cut: cutoff(cfg.low_percent, n_fit),
        shnsu_cut: cutoff(cfg.shnsu_percent, n_fit),
        shnsu,
    };
    let years_of = |id: &str, pick: fn(&WindowFlags) -> &BTreeSet<String>| -> Vec<i32> {
        window
            .iter()
            .copied()
            .filter(|y| flags.get(y).is_some_and(|f| pick(f).contains(id)))
            .collect()
    };
    let outcome = |ix: &crate::standardise::SchoolIndex| {
        let id = ix.school_id.as_str();
        let mut o = SchoolOutcome {
            school_id: id.to_string(),
            n: ix.n,
            result_index: Some(ix.index),
            result_se: ix.se,
            insufficient_data: ix.n < cfg.min_results,
            index_rank: whole.index_rank.get(id).copied(),
            ..Default::default()
        };
        if o.insufficient_data {
            o.category = "недостаточно данных".into();
            o.reason = format!(
                "Недостаточно данных: {} при минимуме {}. Школа не участвует в регрессии и ранжировании.",
                plain::results(ix.n),
                cfg.min_results
            );
            o.summary = plain::summary(&o, cfg, window, rules.k);
            return o;
        }
        o.years_flagged = years_of(id, |f| &f.shnor);
        o.years_low_results = years_of(id, |f| &f.low);
        o.is_low_results = o.years_low_results.len() >= rules.k;
        match whole.fits.get(id) {
            Some(f) => fill_fit(&mut o, f, &rules),
            None => {
                o.no_context = true;
                o.years_flagged.clear();
            }
        }
        o.category = category(&o);
        o.reason = reason(&o, whole, &rules);
        o.summary = plain::summary(&o, cfg, window, rules.k);
        o
    };
    // Schools in blocks on all cores, in order (a national run has 40 000).
    let list: Vec<&crate::standardise::SchoolIndex> = whole.indices.values().collect();
    let block = 2048;
    crate::par::map(
        list.len().div_ceil(block),
        || (),
        |_, b| {
            list[b * block..((b + 1) * block).min(list.len())]
                .iter()
                .map(|ix| outcome(ix))
                .collect::<Vec<_>>()
        },
    )
    .into_iter()
    .flatten()
    .collect()
}

fn fill_fit(o: &mut SchoolOutcome, f: &SchoolFit, r: &Rules) {
    o.expected = Some(f.expected);
    o.social_index = f.social;
    o.residual = Some(f.residual);
    o.effect = Some(f.shrunk.effect);
    o.effect_se = f.shrunk.effect_se;
    o.ci_low = f.shrunk.ci.map(|c| c.0);
    o.ci_high = f.shrunk.ci.map(|c| c.1);
    o.reliability = Some(f.shrunk.lambda);
    o.rank = Some(f.rank);
    o.percentile = f.percentile;
    o.is_shnor = o.years_flagged.len() >= r.k;
    o.is_shnsu = r.shnsu.get(&o.school_id).is_some_and(|&s| s <= r.shnsu_cut);
    o.is_resilient = o.is_shnsu
        && match f.shrunk.ci {
            Some((lo, _)) => lo > 0.0,
            None => f.shrunk.effect > 0.0,
        };
}

fn category(o: &SchoolOutcome) -> String {
    let mut parts = Vec::new();
    if o.is_shnor {
        parts.push("ШНОР");
    }
    if o.is_shnsu {
        parts.push("ШНСУ");
    }
    if o.is_resilient {
        parts.push("резильентная");
    }
    if o.is_low_results {
        parts.push("низкие результаты");
    }
    if parts.is_empty() {
        parts.push(if o.no_context {
            "нет данных о контексте"
        } else {
            "норма"
        });
    }
    parts.join(", ")
}

fn reason(o: &SchoolOutcome, whole: &WindowEval, r: &Rules) -> String {
    let mut s = Vec::new();
    if o.no_context {
        let missing = whole
            .no_context
            .get(&o.school_id)
            .map(|m| m.join(", "))
            .unwrap_or_default();
        s.push(format!(
            "Нет данных о контексте (не хватает: {missing}): ожидаемый результат и эффект не рассчитаны, в регрессии и ранжировании эффектов школа не участвует."
        ));
    } else if o.rank.is_none() {
        s.push("Регрессия не построена (слишком мало школ с данными и контекстом): эффект не рассчитан.".into());
    } else {
        s.push(headline(o, r));
        s.push(numbers(o, r));
        s.push(shnor_years(o, r));
    }
    s.push(low_text(o, whole, r));
    s.retain(|p| !p.is_empty());
    s.join(" ")
}

fn headline(o: &SchoolOutcome, r: &Rules) -> String {
    let mut h = Vec::new();
    if o.is_shnor {
        h.push("ШНОР: результаты ниже ожидаемых при её социальных условиях.".to_string());
    }
    if o.is_shnsu {
        h.push(format!(
            "ШНСУ: социальный индекс {} — среди {}% самых неблагоприятных условий (место {} из {}, порог — {}).",
            n2(o.social_index.unwrap_or(0.0)),
            text::num(r.cfg.shnsu_percent, 0),
            r.shnsu[&o.school_id],
            r.n_fit,
            r.shnsu_cut
        ));
    }
    if o.is_resilient {
        h.push("Резильентная: в неблагоприятных условиях эффект школы выше нуля — кандидат в школы-наставники.".into());
    }
    if h.is_empty() && !o.is_low_results {
        h.push("Норма.".into());
    }
    h.join(" ")
}

fn numbers(o: &SchoolOutcome, r: &Rules) -> String {
    let g = |v: Option<f64>| v.map(n2).unwrap_or_else(|| "—".into());
    let se = o
        .result_se
        .map(|s| format!(" (стандартная ошибка {})", n2(s)))
        .unwrap_or_default();
    let social = o
        .social_index
        .map(|s| format!(", социальный индекс {}", n2(s)))
        .unwrap_or_default();
    let interval = match (o.ci_low, o.ci_high) {
        (Some(lo), Some(hi)) => format!(", 95% интервал от {} до {}", n2(lo), n2(hi)),
        _ => ", интервала нет (стандартная ошибка неизвестна)".into(),
    };
    let pct = o
        .percentile
        .map(|p| format!(", процентиль {}", text::num(p, 0)))
        .unwrap_or_default();
    format!(
        "ИПР {}{se} по {}; ожидаемый при её условиях {}{social}; разница {}; эффект с учётом надёжности (λ = {}) {}{interval}; место {} из {}{pct}.",
        g(o.result_index),
        by_results(o.n),
        g(o.expected),
        g(o.residual),
        g(o.reliability),
        g(o.effect),
        o.rank.unwrap_or(0),
        r.n_fit,
    )
}

/// «по 381 результату», «по 5 результатам» (dative).
fn by_results(n: u64) -> String {
    let word = text::plural(n, "результату", "результатам", "результатам");
    format!("{n} {word}")
}

fn shnor_years(o: &SchoolOutcome, r: &Rules) -> String {
    let cond = format!(
        "эффект среди {}% самых низких{}",
        text::num(r.cfg.low_percent, 0),
        if o.effect_se.is_some() {
            " и интервал целиком ниже нуля"
        } else {
            ""
        }
    );
    let count = format!(
        "{} {}, нужно {}",
        o.years_flagged.len(),
        text::of_years(r.window.len()),
        r.k
    );
    if o.years_flagged.is_empty() {
        format!("Условие ШНОР ({cond}) не выполнено ни в одном году ({}); за всё окно: место {} при пороге {}.", text::years(r.window), o.rank.unwrap_or(0), r.shnor_cut)
    } else {
        format!(
            "Условие ШНОР ({cond}) выполнено в {} ({count}).",
            text::years(&o.years_flagged)
        )
    }
}

fn low_text(o: &SchoolOutcome, whole: &WindowEval, r: &Rules) -> String {
    let ipr = format!(
        "ИПР {} — место {} из {} школ с достаточными данными",
        o.result_index.map(n2).unwrap_or_default(),
        o.index_rank.unwrap_or(0),
        whole.n_sufficient
    );
    if o.years_low_results.is_empty() {
        return if o.no_context {
            format!("{ipr}; среди самых низких ни в одном году не был.")
        } else {
            String::new()
        };
    }
    let verdict = if o.is_low_results {
        "Низкие результаты"
    } else {
        "Низкие результаты не подтверждены"
    };
    format!(
        "{verdict}: {ipr}; среди {}% самых низких по ИПР в {} ({} {}, нужно {}).",
        text::num(r.cfg.low_percent, 0),
        text::years(&o.years_low_results),
        o.years_low_results.len(),
        text::of_years(r.window.len()),
        r.k
    )
}
