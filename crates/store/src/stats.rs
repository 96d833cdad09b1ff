//! Loading what an identification run needs from the stored data: the
//! sufficient statistics per (school, assessment), context, checklist and
//! school facts. No pupil row is read.

use crate::{Db, Result};
use opora_analytics::{
    AssessmentKey, AssessmentStats, ChecklistRow, ContextRow, ContextTable, SchoolInfo, StatsTable,
};
use sqlx::Row;
use std::collections::{BTreeMap, BTreeSet};

/// Owned inputs of an identification run over the database.
pub struct IdentificationData {
    pub stats: StatsTable,
    pub context: ContextTable,
    pub schools: Vec<SchoolInfo>,
    pub checklist: Vec<ChecklistRow>,
}

/// How many schools have results in one year.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
pub struct YearCoverage {
    pub year: i32,
    pub schools: u64,
}

/// A year whose results cover fewer than this share of the best-covered
/// year's schools is "thin": a handful of rows of a new year must not move
/// the identification window of the whole region.
pub const ADEQUATE_COVERAGE: f64 = 0.5;

/// Whether `year` is covered by at least [`ADEQUATE_COVERAGE`] of the schools of
/// the best-covered year.
pub fn is_adequate(coverage: &[YearCoverage], year: i32) -> bool {
    let best = coverage.iter().map(|c| c.schools).max().unwrap_or(0);
    coverage
        .iter()
        .find(|c| c.year == year)
        .is_some_and(|c| c.schools as f64 >= ADEQUATE_COVERAGE * best as f64)
}

/// The default last year of a run: the latest year with adequate coverage.
pub fn default_last_year(coverage: &[YearCoverage]) -> Option<i32> {
    coverage
        .iter()
        .rev()
        .map(|c| c.year)
        .find(|&y| is_adequate(coverage, y))
}

/// Warnings for the thin years among `years`, in Russian.
pub fn thin_year_warnings(coverage: &[YearCoverage], years: &[i32]) -> Vec<String> {
    let best = coverage.iter().map(|c| c.schools).max().unwrap_or(0);
    coverage
        .iter()
        .filter(|c| years.contains(&c.year) && !is_adequate(coverage, c.year))
        .map(|c| {
            format!(
                "за {} результаты есть только у {} из {} школ: год заполнен не полностью, выводы по нему ненадёжны",
                opora_io::values::academic_year(c.year),
                c.schools,
                best
            )
        })
        .collect()
}

impl IdentificationData {
    /// Keeps the years up to `last_year`: a run states its years, so data
    /// of a later year does not move its window.
    pub fn up_to(mut self, last_year: i32) -> IdentificationData {
        self.stats.cells.retain(|(_, key), _| key.year <= last_year);
        self
    }
}

impl Db {
    /// Schools with results per year, ascending by year.
    pub async fn year_coverage(&self) -> Result<Vec<YearCoverage>> {
        let sql = "SELECT a.year, COUNT(DISTINCT st.school_id) FROM assessment_stats st JOIN assessments a ON a.id = st.assessment_id \
                   GROUP BY a.year ORDER BY a.year";
        Ok(
            on_db!(self, p => sqlx::query(sql).fetch_all(p).await?.iter()
            .map(|r| YearCoverage { year: r.get::<i64, _>(0) as i32, schools: r.get::<i64, _>(1) as u64 }).collect()),
        )
    }

    pub async fn identification_data(&self) -> Result<IdentificationData> {
        Ok(IdentificationData {
            stats: self.stats_table().await?,
            context: self.context_table().await?,
            schools: self.school_infos().await?,
            checklist: self.checklist_rows().await?,
        })
    }

    pub async fn stats_table(&self) -> Result<StatsTable> {
        let sql = "SELECT s.code, a.year, a.procedure, a.subject, a.grade, st.stats FROM assessment_stats st \
                   JOIN schools s ON s.id = st.school_id JOIN assessments a ON a.id = st.assessment_id";
        let rows: Vec<(String, AssessmentKey, String)> = on_db!(self, p => sqlx::query(sql).fetch_all(p).await?.iter().map(|r| (
            r.get::<String, _>(0),
            AssessmentKey { year: r.get::<i64, _>(1) as i32, procedure: r.get(2), subject: r.get(3), grade: r.get::<i64, _>(4) as i32 },
            r.get::<String, _>(5),
        )).collect());
        let mut cells = BTreeMap::new();
        for (school, key, json) in rows {
            let stats: AssessmentStats = serde_json::from_str(&json)?;
            cells.insert((school, key), stats);
        }
        Ok(StatsTable { cells })
    }

    /// Context values as a wide table: one row per (school, year), one
    /// factor per indicator present in the data.
    pub async fn context_table(&self) -> Result<ContextTable> {
        let sql = "SELECT s.code, c.year, c.indicator, c.value FROM context_values c JOIN schools s ON s.id = c.school_id ORDER BY s.code, c.year";
        let vals: Vec<(String, i64, String, f64)> = on_db!(self, p => sqlx::query(sql).fetch_all(p).await?.iter()
            .map(|r| (r.get(0), r.get(1), r.get(2), r.get(3))).collect());
        let factors: Vec<String> = vals
            .iter()
            .map(|v| v.2.clone())
            .collect::<BTreeSet<_>>()
            .into_iter()
            .collect();
        let mut rows: BTreeMap<(String, i64), Vec<Option<f64>>> = BTreeMap::new();
        for (school, year, ind, v) in vals {
            let i = factors.binary_search(&ind).unwrap_or(0);
            rows.entry((school, year))
                .or_insert_with(|| vec![None; factors.len()])[i] = Some(v);
        }
        Ok(ContextTable {
            factors,
            rows: rows
                .into_iter()
                .map(|((school_id, year), values)| ContextRow {
                    school_id,
                    year: (year != 0).then_some(year as i32),
                    values,
                })
                .collect(),
        })
    }

    pub async fn school_infos(&self) -> Result<Vec<SchoolInfo>> {
        let sql = "SELECT code, short_name, kind FROM schools ORDER BY code";
        Ok(
            on_db!(self, p => sqlx::query(sql).fetch_all(p).await?.iter().map(|r| {
            let kind: String = r.get(2);
            SchoolInfo { school_id: r.get(0), name: r.get(1), is_lyceum_or_gymnasium: kind == "лицей" || kind == "гимназия" }
        }).collect()),
        )
    }

    pub async fn checklist_rows(&self) -> Result<Vec<ChecklistRow>> {
        let sql = "SELECT s.code, c.year, c.continuation_rate, c.graduates, c.ege_below_min, c.olympiad_participants, c.pupils, \
                   c.kdn_pdn, c.noko_satisfaction FROM checklist c JOIN schools s ON s.id = c.school_id ORDER BY s.code, c.year";
        let u = |v: Option<i64>| v.map(|x| x.max(0) as u64);
        Ok(
            on_db!(self, p => sqlx::query(sql).fetch_all(p).await?.iter().map(|r| ChecklistRow {
            school_id: r.get(0),
            year: r.get::<i64, _>(1) as i32,
            continuation_rate: r.get(2),
            graduates: u(r.get(3)),
            ege_below_min: u(r.get(4)),
            olympiad_participants: u(r.get(5)),
            pupils: u(r.get(6)),
            kdn_pdn: u(r.get(7)),
            noko_satisfaction: r.get(8),
        }).collect()),
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn coverage(v: &[(i32, u64)]) -> Vec<YearCoverage> {
        v.iter()
            .map(|&(year, schools)| YearCoverage { year, schools })
            .collect()
    }

    #[test]
    fn a_new_year_with_a_few_schools_does_not_become_the_default_last_year() {
        let c = coverage(&[(2023, 245), (2024, 244), (2025, 245), (2026, 6)]);
        assert_eq!(default_last_year(&c), Some(2025));
        assert_eq!(thin_year_warnings(&c, &[2024, 2025, 2026]).len(), 1);
        assert!(thin_year_warnings(&c, &[2024, 2025, 2026])[0].contains("только у 6 из 245 школ"));
        assert!(thin_year_warnings(&c, &[2023, 2024, 2025]).is_empty());
    }

    #[test]
    fn a_fully_covered_new_year_becomes_the_default() {
        let c = coverage(&[(2024, 200), (2025, 130)]);
        assert_eq!(default_last_year(&c), Some(2025));
        assert_eq!(default_last_year(&[]), None);
    }
}
