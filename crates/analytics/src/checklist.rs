//! Step 5: the criteria checklist (чек-лист критериев), per school and year.
//! Each criterion is «да», «нет» or «нет данных», with the number behind it.

use crate::categories::WindowFlags;
use crate::text::{self, num};
use crate::{ChecklistRow, ChecklistThresholds};
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, BTreeSet};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum ChecklistStatus {
    #[serde(rename = "да")]
    Yes,
    #[serde(rename = "нет")]
    No,
    #[serde(rename = "нет данных")]
    NoData,
}

impl ChecklistStatus {
    pub fn label(self) -> &'static str {
        match self {
            ChecklistStatus::Yes => "да",
            ChecklistStatus::No => "нет",
            ChecklistStatus::NoData => "нет данных",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ChecklistItem {
    /// 1..6 as numbered in methodology step 5.
    pub criterion: u8,
    pub name: String,
    pub status: ChecklistStatus,
    pub value: Option<f64>,
    pub threshold: f64,
    pub explanation: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ChecklistOutcome {
    pub school_id: String,
    pub year: i32,
    pub items: Vec<ChecklistItem>,
    /// Criteria answered «да».
    pub yes_count: usize,
}

fn item(
    criterion: u8,
    name: &str,
    status: ChecklistStatus,
    value: Option<f64>,
    threshold: f64,
    explanation: String,
) -> ChecklistItem {
    ChecklistItem {
        criterion,
        name: name.into(),
        status,
        value,
        threshold,
        explanation,
    }
}

fn nodata(criterion: u8, name: &str, threshold: f64, what: &str) -> ChecklistItem {
    item(
        criterion,
        name,
        ChecklistStatus::NoData,
        None,
        threshold,
        format!("Нет данных: {what}."),
    )
}

fn yes_no(b: bool) -> ChecklistStatus {
    if b {
        ChecklistStatus::Yes
    } else {
        ChecklistStatus::No
    }
}

/// Evaluates every (school, year) present in the checklist data. `flags` are
/// the per-year low-results flags of step 4 (criterion 1).
pub(crate) fn evaluate(
    rows: &[ChecklistRow],
    flags: &BTreeMap<i32, WindowFlags>,
    result_years: &[i32],
    th: &ChecklistThresholds,
    low_percent: f64,
) -> Vec<ChecklistOutcome> {
    let mut by_school: BTreeMap<&str, BTreeMap<i32, &ChecklistRow>> = BTreeMap::new();
    for r in rows {
        by_school
            .entry(r.school_id.as_str())
            .or_default()
            .entry(r.year)
            .or_insert(r);
    }
    // Schools in blocks, the blocks on all cores (a national run has 120 000
    // school-years); the output keeps the order of the schools.
    let schools: Vec<(&&str, &BTreeMap<i32, &ChecklistRow>)> = by_school.iter().collect();
    let block = 2048;
    let blocks = crate::par::map(
        schools.len().div_ceil(block),
        || (),
        |_, b| {
            let mut out = Vec::new();
            for (school, years) in &schools[b * block..((b + 1) * block).min(schools.len())] {
                for (&year, row) in years.iter() {
                    let items = vec![
                        low_results(school, year, flags, result_years, th.years, low_percent),
                        continuation(row, th),
                        ege(row, th),
                        olympiad(years, year, th),
                        kdn(row, th),
                        noko(row, th),
                    ];
                    let yes_count = items
                        .iter()
                        .filter(|i| i.status == ChecklistStatus::Yes)
                        .count();
                    out.push(ChecklistOutcome {
                        school_id: school.to_string(),
                        year,
                        items,
                        yes_count,
                    });
                }
            }
            out
        },
    );
    blocks.into_iter().flatten().collect()
}

/// (1) ИПР among the lowest P% in each of the last `n` years of results up to `year`.
fn low_results(
    school: &str,
    year: i32,
    flags: &BTreeMap<i32, WindowFlags>,
    result_years: &[i32],
    n: usize,
    p: f64,
) -> ChecklistItem {
    let name = "Стабильно низкие результаты (ИПР) за последние годы";
    let upto: Vec<i32> = result_years
        .iter()
        .copied()
        .filter(|y| *y <= year)
        .collect();
    let last = &upto[upto.len().saturating_sub(n)..];
    let present: Vec<i32> = last
        .iter()
        .copied()
        .filter(|y| flags.get(y).is_some_and(|f| f.present.contains(school)))
        .collect();
    let low: Vec<i32> = present
        .iter()
        .copied()
        .filter(|y| flags.get(y).is_some_and(|f| f.low.contains(school)))
        .collect();
    if present.is_empty() {
        return nodata(
            1,
            name,
            p,
            "нет результатов школы с достаточным числом участников за эти годы",
        );
    }
    let v = Some(low.len() as f64);
    let head = format!(
        "ИПР среди {}% самых низких в {} {}",
        num(p, 0),
        low.len(),
        text::of_years(last.len())
    );
    if low.len() < present.len() {
        let not: Vec<i32> = present
            .iter()
            .copied()
            .filter(|y| !low.contains(y))
            .collect();
        return item(
            1,
            name,
            ChecklistStatus::No,
            v,
            p,
            format!("{head}; не в числе самых низких в {}.", text::years(&not)),
        );
    }
    if present.len() < last.len() {
        let missing: Vec<i32> = last
            .iter()
            .copied()
            .filter(|y| !present.contains(y))
            .collect();
        return item(
            1,
            name,
            ChecklistStatus::NoData,
            v,
            p,
            format!("{head}; нет данных за {}.", text::years(&missing)),
        );
    }
    item(
        1,
        name,
        ChecklistStatus::Yes,
        v,
        p,
        format!("{head} ({}).", text::years(&low)),
    )
}

fn continuation(r: &ChecklistRow, th: &ChecklistThresholds) -> ChecklistItem {
    let name = "Продолжают обучение в 10 классе менее порога";
    match r.continuation_rate.filter(|v| v.is_finite()) {
        None => nodata(
            2,
            name,
            th.continuation_min,
            "доля продолживших обучение в 10 классе",
        ),
        Some(v) => item(
            2,
            name,
            yes_no(v < th.continuation_min),
            Some(v),
            th.continuation_min,
            format!(
                "В 10 класс перешли {}% выпускников 9 класса (порог {}%).",
                num(v, 1),
                num(th.continuation_min, 0)
            ),
        ),
    }
}

fn ege(r: &ChecklistRow, th: &ChecklistThresholds) -> ChecklistItem {
    let name = "Выпускники ниже минимального балла ЕГЭ по предметам по выбору";
    let Some(c) = r.ege_below_min else {
        return nodata(
            3,
            name,
            th.ege_below_min_share,
            "число выпускников ниже минимального балла ЕГЭ",
        );
    };
    let share = r
        .graduates
        .filter(|g| *g > 0)
        .map(|g| 100.0 * c as f64 / g as f64);
    let yes = c > 0 && share.is_none_or(|s| s > th.ege_below_min_share);
    let share_text = share
        .map(|s| format!(" ({}% выпускников)", num(s, 1)))
        .unwrap_or_default();
    item(
        3,
        name,
        yes_no(yes),
        Some(c as f64),
        th.ege_below_min_share,
        format!("Ниже минимального балла: {c} чел.{share_text}."),
    )
}

/// (4) Olympiad participants over the last `years` calendar years as a share of
/// the pupils of the same years (Σ participants / Σ pupils).
fn olympiad(
    rows: &BTreeMap<i32, &ChecklistRow>,
    year: i32,
    th: &ChecklistThresholds,
) -> ChecklistItem {
    let name = "Участие в олимпиадах ниже порога";
    let from = year - th.years as i32 + 1;
    let (mut part, mut pupils, mut used) = (0u64, 0u64, BTreeSet::new());
    for (y, r) in rows.range(from..=year) {
        if let (Some(o), Some(p)) = (r.olympiad_participants, r.pupils.filter(|p| *p > 0)) {
            part += o;
            pupils += p;
            used.insert(*y);
        }
    }
    if used.is_empty() {
        return nodata(
            4,
            name,
            th.olympiad_min_percent,
            "участники олимпиад и численность обучающихся",
        );
    }
    let share = 100.0 * part as f64 / pupils as f64;
    let ys: Vec<i32> = used.into_iter().collect();
    item(
        4,
        name,
        yes_no(share < th.olympiad_min_percent),
        Some(share),
        th.olympiad_min_percent,
        format!(
            "Участников олимпиад {part} на {pupils} обучающихся за {} — {}% (порог {}%).",
            text::years(&ys),
            num(share, 2),
            num(th.olympiad_min_percent, 1)
        ),
    )
}

fn kdn(r: &ChecklistRow, th: &ChecklistThresholds) -> ChecklistItem {
    let name = "Обучающиеся на учёте в КДН и ЗП / ПДН";
    let Some(c) = r.kdn_pdn else {
        return nodata(
            5,
            name,
            th.kdn_per_100,
            "число обучающихся на учёте в КДН/ПДН",
        );
    };
    let per100 = r
        .pupils
        .filter(|p| *p > 0)
        .map(|p| 100.0 * c as f64 / p as f64);
    let yes = c > 0 && per100.is_none_or(|v| v > th.kdn_per_100);
    let rate = per100
        .map(|v| format!(", {} на 100 обучающихся", num(v, 2)))
        .unwrap_or_default();
    item(
        5,
        name,
        yes_no(yes),
        Some(c as f64),
        th.kdn_per_100,
        format!("На учёте {c} чел.{rate}."),
    )
}

fn noko(r: &ChecklistRow, th: &ChecklistThresholds) -> ChecklistItem {
    let name = "Удовлетворённость участников (НОКО) ниже порога";
    match r.noko_satisfaction.filter(|v| v.is_finite()) {
        None => nodata(6, name, th.noko_min, "результаты НОКО"),
        Some(v) => item(
            6,
            name,
            yes_no(v < th.noko_min),
            Some(v),
            th.noko_min,
            format!(
                "Удовлетворённость {}% (порог {}%).",
                num(v, 1),
                num(th.noko_min, 0)
            ),
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn flags(year_low: &[(i32, &[&str], &[&str])]) -> BTreeMap<i32, WindowFlags> {
        year_low
            .iter()
            .map(|(y, present, low)| {
                let f = WindowFlags {
                    low: low.iter().map(|s| s.to_string()).collect(),
                    present: present.iter().map(|s| s.to_string()).collect(),
                    ..Default::default()
                };
                (*y, f)
            })
            .collect()
    }

    fn row(id: &str, year: i32) -> ChecklistRow {
        ChecklistRow {
            school_id: id.into(),
            year,
            ..Default::default()
        }
    }

    #[test]
    fn criterion_one_needs_every_year() {
        let f = flags(&[
            (2021, &["a", "b"], &["a", "b"]),
            (2022, &["a", "b"], &["a"]),
            (2023, &["a"], &["a"]),
        ]);
        let th = ChecklistThresholds::default();
        let out = evaluate(
            &[row("a", 2023), row("b", 2023), row("c", 2023)],
            &f,
            &[2021, 2022, 2023],
            &th,
            10.0,
        );
        let st: Vec<ChecklistStatus> = out.iter().map(|o| o.items[0].status).collect();
        assert_eq!(
            st,
            vec![
                ChecklistStatus::Yes,
                ChecklistStatus::No,
                ChecklistStatus::NoData
            ]
        );
        assert_eq!(out[0].items[0].value, Some(3.0));
    }

    #[test]
    fn thresholds_and_missing_values() {
        let th = ChecklistThresholds::default();
        let mut r = row("a", 2023);
        r.continuation_rate = Some(55.0);
        r.graduates = Some(40);
        r.ege_below_min = Some(2);
        r.pupils = Some(500);
        r.kdn_pdn = Some(3);
        r.noko_satisfaction = Some(80.0);
        let mut r22 = row("a", 2022);
        r22.olympiad_participants = Some(1);
        r22.pupils = Some(500);
        r.olympiad_participants = Some(2);
        let out = evaluate(&[r, r22], &flags(&[(2023, &[], &[])]), &[2023], &th, 10.0);
        let o = out.iter().find(|o| o.year == 2023).unwrap();
        let st: Vec<&str> = o.items.iter().map(|i| i.status.label()).collect();
        assert_eq!(st, vec!["нет данных", "да", "да", "да", "да", "нет"]);
        assert!((o.items[3].value.unwrap() - 0.3).abs() < 1e-12);
        assert!(
            o.items[2].explanation.contains("5,0% выпускников"),
            "{}",
            o.items[2].explanation
        );
        assert_eq!(o.yes_count, 4);
        let empty = evaluate(
            &[row("b", 2023)],
            &flags(&[(2023, &[], &[])]),
            &[2023],
            &th,
            10.0,
        );
        assert!(empty[0]
            .items
            .iter()
            .all(|i| i.status == ChecklistStatus::NoData));
        let mut ok = row("c", 2023);
        ok.continuation_rate = Some(60.0);
        ok.ege_below_min = Some(0);
        ok.kdn_pdn = Some(0);
        let o = &evaluate(&[ok], &flags(&[(2023, &[], &[])]), &[2023], &th, 10.0)[0];
        assert_eq!(
            [o.items[1].status, o.items[2].status, o.items[4].status],
            [ChecklistStatus::No; 3]
        );
    }
}
