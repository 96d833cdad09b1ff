//! What the school card shows, read from the stored aggregates: context
//! indicators by year and results per assessment against the region.

use crate::registry::{School, KNOWN_INDICATORS};
use crate::run_index::{RunLine, SchoolDetails};
use crate::scope::Scope;
use crate::{Db, Result};
use opora_analytics::AssessmentStats;
use sqlx::Row;
use std::collections::BTreeMap;

/// Σn and Σscore per assessment id.
pub type RegionMeans = BTreeMap<i64, (i64, f64)>;

#[derive(Debug, Clone)]
pub struct ContextValue {
    pub code: String,
    pub name: String,
    pub unit: String,
    /// (year, value); year 0 = not tied to a year.
    pub values: Vec<(i64, f64)>,
}

/// The school's result in one assessment, with the region's mean.
#[derive(Debug, Clone)]
pub struct ResultPoint {
    pub year: i64,
    pub procedure: String,
    pub subject: String,
    pub grade: i64,
    pub n: i64,
    pub mean: Option<f64>,
    pub max_score: Option<f64>,
    /// Mean as % of the maximum score.
    pub mean_pct: Option<f64>,
    pub region_mean_pct: Option<f64>,
    pub region_mean: Option<f64>,
    /// Share of marks «2» among results with a mark, %.
    pub share_2: Option<f64>,
    pub region_share_2: Option<f64>,
}

#[derive(Debug, Clone)]
pub struct SchoolCard {
    pub school: School,
    pub context: Vec<ContextValue>,
    pub results: Vec<ResultPoint>,
    pub runs: Vec<RunLine>,
    /// Checklist and signs in the latest run that includes the school.
    pub latest: SchoolDetails,
}

/// (indicator code, name, unit, year, value) as read for a school card.
type ContextSqlRow = (String, Option<String>, Option<String>, i64, f64);

impl Db {
    /// The card of a school in scope; `None` when it is out of scope or unknown.
    pub async fn school_card(&self, scope: &Scope, code: &str) -> Result<Option<SchoolCard>> {
        self.school_card_with(scope, code, None).await
    }

    /// The same with the region's Σn and Σscore per assessment given (a
    /// cache of [`Db::region_means`]).
    pub async fn school_card_with(
        &self,
        scope: &Scope,
        code: &str,
        region: Option<&RegionMeans>,
    ) -> Result<Option<SchoolCard>> {
        let Some(school) = self.school_in(scope, code).await? else {
            return Ok(None);
        };
        let context = self.school_context(school.id).await?;
        let results = self.school_results(school.id, region).await?;
        let runs = self.school_run_lines(&school.code).await?;
        let latest = match runs.first() {
            Some(l) => self.school_run_details(l.run_id, &school.code).await?,
            None => SchoolDetails::default(),
        };
        Ok(Some(SchoolCard {
            school,
            context,
            results,
            runs,
            latest,
        }))
    }

    async fn school_context(&self, school_id: i64) -> Result<Vec<ContextValue>> {
        let sql = "SELECT c.indicator, i.name, i.unit, c.year, c.value FROM context_values c \
                   LEFT JOIN indicators i ON i.code = c.indicator WHERE c.school_id = $1 ORDER BY c.indicator, c.year";
        let rows: Vec<ContextSqlRow> = on_db!(self, p => sqlx::query(sql).bind(school_id)
            .fetch_all(p).await?.iter().map(|r| (r.get(0), r.get(1), r.get(2), r.get(3), r.get(4))).collect());
        let mut out: Vec<ContextValue> = Vec::new();
        for (code, name, unit, year, value) in rows {
            if out.last().is_none_or(|c| c.code != code) {
                let known = KNOWN_INDICATORS.iter().find(|k| k.0 == code);
                let name = name
                    .filter(|n| !n.is_empty() && *n != code)
                    .or(known.map(|k| k.1.to_string()))
                    .unwrap_or_else(|| code.clone());
                let unit = unit
                    .filter(|u| !u.is_empty())
                    .or(known.map(|k| k.2.to_string()))
                    .unwrap_or_default();
                out.push(ContextValue {
                    code: code.clone(),
                    name,
                    unit,
                    values: Vec::new(),
                });
            }
            if let Some(last) = out.last_mut() {
                last.values.push((year, value));
            }
        }
        Ok(out)
    }

    /// Results per assessment with the region's mean and share of «2»,
    /// ordered by procedure, subject, grade, year.
    /// Σn and Σscore of the whole region per assessment.
    pub async fn region_means(&self) -> Result<RegionMeans> {
        let sql = "SELECT assessment_id, CAST(SUM(n) AS BIGINT), CAST(SUM(sum) AS DOUBLE PRECISION) FROM assessment_stats GROUP BY assessment_id";
        Ok(
            on_db!(self, p => sqlx::query(sql).fetch_all(p).await?.iter()
            .map(|r| (r.get::<i64, _>(0), (r.get::<Option<i64>, _>(1).unwrap_or(0), r.get::<Option<f64>, _>(2).unwrap_or(0.0)))).collect()),
        )
    }

    async fn school_results(
        &self,
        school_id: i64,
        cached: Option<&RegionMeans>,
    ) -> Result<Vec<ResultPoint>> {
        let sql = "SELECT a.id, a.year, a.procedure, a.subject, a.grade, st.n, st.sum, st.stats, sc.max_score \
                   FROM assessment_stats st JOIN assessments a ON a.id = st.assessment_id \
                   LEFT JOIN scales sc ON sc.assessment_id = a.id WHERE st.school_id = $1";
        type Raw = (i64, i64, String, String, i64, i64, f64, String, Option<f64>);
        let raw: Vec<Raw> = on_db!(self, p => sqlx::query(sql).bind(school_id).fetch_all(p).await?.iter().map(|r| (
            r.get(0), r.get(1), r.get(2), r.get(3), r.get(4), r.get(5), r.get(6), r.get(7), r.get(8),
        )).collect());
        if raw.is_empty() {
            return Ok(Vec::new());
        }
        // The region: Σn and Σscore per assessment, and marks from the stats.
        let region_sql = "SELECT st.assessment_id, CAST(SUM(st.n) AS BIGINT), CAST(SUM(st.sum) AS DOUBLE PRECISION) FROM assessment_stats st \
                          WHERE st.assessment_id IN (SELECT assessment_id FROM assessment_stats WHERE school_id = $1) \
                          GROUP BY st.assessment_id";
        let fetched: RegionMeans;
        let region: &RegionMeans = match cached {
            Some(c) => c,
            None => {
                fetched = on_db!(self, p => sqlx::query(region_sql).bind(school_id).fetch_all(p).await?.iter()
                    .map(|r| (r.get::<i64, _>(0), (r.get::<Option<i64>, _>(1).unwrap_or(0), r.get::<Option<f64>, _>(2).unwrap_or(0.0)))).collect());
                &fetched
            }
        };
        let mut out = Vec::with_capacity(raw.len());
        for (aid, year, procedure, subject, grade, n, sum, stats, max_score) in raw {
            let st: Option<AssessmentStats> = serde_json::from_str(&stats).ok();
            let max_score = max_score
                .or(st.as_ref().and_then(|s| s.max_score))
                .filter(|m| *m > 0.0);
            let mean = (n > 0).then(|| sum / n as f64);
            let (rn, rsum) = region.get(&aid).copied().unwrap_or((0, 0.0));
            let region_mean = (rn > 0).then(|| rsum / rn as f64);
            let pct = |m: Option<f64>| m.zip(max_score).map(|(m, x)| m / x * 100.0);
            let share_2 = st.as_ref().and_then(|s| {
                let total: u64 = s.mark_counts.iter().sum();
                (total > 0).then(|| s.mark_counts[0] as f64 / total as f64 * 100.0)
            });
            out.push(ResultPoint {
                year,
                procedure,
                subject,
                grade,
                n,
                mean,
                max_score,
                mean_pct: pct(mean),
                region_mean_pct: pct(region_mean),
                region_mean,
                share_2,
                region_share_2: None,
            });
        }
        out.sort_by(|a, b| {
            (a.procedure.as_str(), a.subject.as_str(), a.grade, a.year).cmp(&(
                b.procedure.as_str(),
                b.subject.as_str(),
                b.grade,
                b.year,
            ))
        });
        Ok(out)
    }
}
