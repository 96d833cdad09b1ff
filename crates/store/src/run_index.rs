//! Saved runs as people read them, through the caller's scope.
//!
//! A run is stored whole as JSON (runs.rs). For lists, filters, comparisons
//! and the school card, each run is also indexed into `run_schools`: one row
//! per (run, school) with its category, numbers, reason and its own checklist
//! and signs of non-objective results. Indexing happens when the web
//! application saves a run and, for runs saved elsewhere (the CLI), the
//! first time they are needed.

use crate::runs::RunSummary;
use crate::scope::Scope;
use crate::{Db, Result};
use opora_analytics::{ChecklistOutcome, ObjectivitySign, Run, SchoolOutcome};
use sqlx::Row;
use std::collections::{BTreeMap, BTreeSet};

/// A school's own part of a run, kept in `run_schools.details`.
#[derive(Debug, Clone, Default, serde::Serialize, serde::Deserialize)]
pub struct SchoolDetails {
    pub checklist: Vec<ChecklistOutcome>,
    pub objectivity: Vec<ObjectivitySign>,
}

/// One school's line in one run.
#[derive(Debug, Clone)]
pub struct RunLine {
    pub run_id: i64,
    pub run_at: String,
    pub years: String,
    pub school_code: String,
    pub category: String,
    pub is_shnor: bool,
    pub is_low_results: bool,
    pub is_shnsu: bool,
    pub is_resilient: bool,
    pub insufficient_data: bool,
    pub n: i64,
    pub result_index: Option<f64>,
    pub social_index: Option<f64>,
    pub expected: Option<f64>,
    pub effect: Option<f64>,
    pub ci_low: Option<f64>,
    pub ci_high: Option<f64>,
    pub rank: Option<i64>,
    pub percentile: Option<f64>,
    pub reason: String,
    /// The verdict in one plain sentence.
    pub summary: String,
}

/// The lists of a run: the categories an order approves.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ListKind {
    Shnor,
    Shnsu,
    LowResults,
    Resilient,
}

impl ListKind {
    pub const ALL: [ListKind; 4] = [
        ListKind::Shnor,
        ListKind::Shnsu,
        ListKind::LowResults,
        ListKind::Resilient,
    ];
    pub fn title(self) -> &'static str {
        match self {
            ListKind::Shnor => "ШНОР",
            ListKind::Shnsu => "ШНСУ",
            ListKind::LowResults => "Низкие результаты",
            ListKind::Resilient => "Резильентные школы",
        }
    }
    pub fn code(self) -> &'static str {
        match self {
            ListKind::Shnor => "shnor",
            ListKind::Shnsu => "shnsu",
            ListKind::LowResults => "low",
            ListKind::Resilient => "resilient",
        }
    }
    pub fn from_code(s: &str) -> Option<ListKind> {
        ListKind::ALL.into_iter().find(|k| k.code() == s)
    }
    fn column(self) -> &'static str {
        match self {
            ListKind::Shnor => "is_shnor",
            ListKind::Shnsu => "is_shnsu",
            ListKind::LowResults => "is_low_results",
            ListKind::Resilient => "is_resilient",
        }
    }
    pub fn holds(self, l: &RunLine) -> bool {
        match self {
            ListKind::Shnor => l.is_shnor,
            ListKind::Shnsu => l.is_shnsu,
            ListKind::LowResults => l.is_low_results,
            ListKind::Resilient => l.is_resilient,
        }
    }
}

/// A row of a list (an order's appendix).
#[derive(Debug, Clone)]
pub struct ListRow {
    pub school_code: String,
    pub municipality: String,
    pub full_name: String,
    pub short_name: String,
    pub category: String,
    /// The verdict in one plain sentence.
    pub summary: String,
    /// The numbers behind it.
    pub reason: String,
    pub effect: Option<f64>,
}

/// Who entered and who left one list between two runs.
#[derive(Debug, Clone)]
pub struct ListChange {
    pub kind: ListKind,
    pub entered: Vec<ListRow>,
    pub left: Vec<ListRow>,
    pub stayed: usize,
}

const LINE_COLUMNS: &str = "rs.run_id, r.at, r.years, rs.school_code, rs.category, rs.is_shnor, rs.is_low_results, rs.is_shnsu, \
    rs.is_resilient, rs.insufficient_data, rs.n, rs.result_index, rs.social_index, rs.expected, rs.effect, rs.ci_low, rs.ci_high, \
    rs.rank, rs.percentile, rs.reason, rs.summary";

macro_rules! line_from_row {
    () => {
        |r| RunLine {
            run_id: r.get(0),
            run_at: r.get(1),
            years: r.get(2),
            school_code: r.get(3),
            category: r.get(4),
            is_shnor: r.get::<i64, _>(5) != 0,
            is_low_results: r.get::<i64, _>(6) != 0,
            is_shnsu: r.get::<i64, _>(7) != 0,
            is_resilient: r.get::<i64, _>(8) != 0,
            insufficient_data: r.get::<i64, _>(9) != 0,
            n: r.get(10),
            result_index: r.get(11),
            social_index: r.get(12),
            expected: r.get(13),
            effect: r.get(14),
            ci_low: r.get(15),
            ci_high: r.get(16),
            rank: r.get(17),
            percentile: r.get(18),
            reason: r.get(19),
            summary: r.get(20),
        }
    };
}

/// The category label of an outcome (the engine's, or one derived from flags).
pub fn category_of(o: &SchoolOutcome) -> String {
    if !o.category.is_empty() {
        return o.category.clone();
    }
    let mut parts = Vec::new();
    if o.is_shnor {
        parts.push("ШНОР");
    }
    if o.is_shnsu {
        parts.push("ШНСУ");
    }
    if o.is_low_results && !o.is_shnor {
        parts.push("низкие результаты");
    }
    if o.is_resilient {
        parts.push("резильентная");
    }
    if o.insufficient_data {
        parts.push("недостаточно данных");
    }
    if parts.is_empty() {
        "норма".into()
    } else {
        parts.join(", ")
    }
}

/// The plain verdict of an outcome; runs saved before the engine wrote one
/// get it computed from their own configuration and years.
fn summary_of(o: &SchoolOutcome, run: &Run) -> String {
    if !o.summary.is_empty() {
        return o.summary.clone();
    }
    let k = run.config.years_k.min(run.years.len());
    opora_analytics::plain::summary(o, &run.config, &run.years, k)
}

impl Db {
    /// Writes the `run_schools` rows of a run (replacing any).
    pub async fn index_run(&self, run_id: i64, run: &Run) -> Result<()> {
        let mut details: BTreeMap<&str, SchoolDetails> = BTreeMap::new();
        for c in &run.checklist {
            details
                .entry(c.school_id.as_str())
                .or_default()
                .checklist
                .push(c.clone());
        }
        for s in &run.objectivity {
            details
                .entry(s.school_id.as_str())
                .or_default()
                .objectivity
                .push(s.clone());
        }
        let sql = "INSERT INTO run_schools (run_id, school_code, category, is_shnor, is_low_results, is_shnsu, is_resilient, \
                   insufficient_data, n, result_index, social_index, expected, effect, ci_low, ci_high, rank, percentile, reason, details, summary) \
                   VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20)";
        let mut tx = self.begin().await?;
        on_tx!(&mut tx, c => {
            sqlx::query("DELETE FROM run_schools WHERE run_id = $1").bind(run_id).execute(&mut *c).await?;
            for o in &run.schools {
                let d = details.remove(o.school_id.as_str()).unwrap_or_default();
                sqlx::query(sql).bind(run_id).bind(&o.school_id).bind(category_of(o)).bind(o.is_shnor as i64)
                    .bind(o.is_low_results as i64).bind(o.is_shnsu as i64).bind(o.is_resilient as i64).bind(o.insufficient_data as i64)
                    .bind(o.n as i64).bind(o.result_index).bind(o.social_index).bind(o.expected).bind(o.effect).bind(o.ci_low)
                    .bind(o.ci_high).bind(o.rank.map(|r| r as i64)).bind(o.percentile).bind(&o.reason)
                    .bind(serde_json::to_string(&d)?).bind(summary_of(o, run)).execute(&mut *c).await?;
            }
        });
        tx.commit().await?;
        Ok(())
    }

    /// Indexes every saved run that is not indexed yet (runs saved by the CLI).
    pub async fn ensure_runs_indexed(&self) -> Result<()> {
        let sql = "SELECT id FROM identification_runs r WHERE NOT EXISTS (SELECT 1 FROM run_schools rs WHERE rs.run_id = r.id) ORDER BY id";
        let ids: Vec<i64> = on_db!(self, p => sqlx::query_scalar(sql).fetch_all(p).await)?;
        for id in ids {
            if let Some(run) = self.run(id).await? {
                if !run.schools.is_empty() {
                    self.index_run(id, &run).await?;
                }
            }
        }
        Ok(())
    }

    /// The latest run and the one before it (ids), if any.
    pub async fn latest_run_ids(&self) -> Result<(Option<i64>, Option<i64>)> {
        let ids: Vec<i64> = on_db!(self, p => sqlx::query_scalar("SELECT id FROM identification_runs ORDER BY id DESC LIMIT 2").fetch_all(p).await)?;
        Ok((ids.first().copied(), ids.get(1).copied()))
    }

    /// Saved runs with their counts within the scope, newest first.
    pub async fn runs_in(&self, scope: &Scope) -> Result<Vec<RunSummary>> {
        self.ensure_runs_indexed().await?;
        let mut runs = self.runs().await?;
        if scope.is_region() {
            return Ok(runs);
        }
        let sql = format!(
            "SELECT rs.run_id, COUNT(*), CAST(SUM(rs.is_shnor) AS BIGINT), CAST(SUM(rs.is_low_results) AS BIGINT), \
             CAST(SUM(rs.is_shnsu) AS BIGINT), CAST(SUM(rs.is_resilient) AS BIGINT) \
             FROM run_schools rs JOIN schools s ON s.code = rs.school_code WHERE {} GROUP BY rs.run_id",
            scope.schools_sql("s")
        );
        let counts: BTreeMap<i64, [i64; 5]> = on_db!(self, p => sqlx::query(&sql).fetch_all(p).await?.iter().map(|r| {
            let g = |i: usize| r.get::<Option<i64>, _>(i).unwrap_or(0);
            (r.get::<i64, _>(0), [g(1), g(2), g(3), g(4), g(5)])
        }).collect());
        for r in &mut runs {
            let c = counts.get(&r.id).copied().unwrap_or_default();
            r.n_schools = c[0];
            r.shnor = c[1];
            r.low_results = c[2];
            r.shnsu = c[3];
            r.resilient = c[4];
        }
        Ok(runs)
    }

    /// Codes of the schools in scope.
    pub async fn school_codes_in(&self, scope: &Scope) -> Result<BTreeSet<String>> {
        let sql = format!(
            "SELECT s.code FROM schools s WHERE {}",
            scope.schools_sql("s")
        );
        Ok(
            on_db!(self, p => sqlx::query_scalar::<_, String>(&sql).fetch_all(p).await)?
                .into_iter()
                .collect(),
        )
    }

    /// A saved run as the caller may see it: for a narrower scope than the
    /// region, only the schools in scope (and their checklist and signs)
    /// remain; the model stays (it is the region's).
    pub async fn run_in(&self, scope: &Scope, id: i64) -> Result<Option<Run>> {
        let Some(mut run) = self.run(id).await? else {
            return Ok(None);
        };
        if !scope.is_region() {
            let codes = self.school_codes_in(scope).await?;
            run.schools.retain(|s| codes.contains(&s.school_id));
            run.checklist.retain(|s| codes.contains(&s.school_id));
            run.objectivity.retain(|s| codes.contains(&s.school_id));
        }
        Ok(Some(run))
    }

    /// Whether a run exists (for 404s before heavier work).
    pub async fn run_exists(&self, id: i64) -> Result<bool> {
        let n: i64 = on_db!(self, p => sqlx::query_scalar("SELECT COUNT(*) FROM identification_runs WHERE id = $1").bind(id).fetch_one(p).await)?;
        Ok(n > 0)
    }

    /// The rows of one list of a run within the scope, ordered by
    /// municipality and school name (the order's appendix).
    pub async fn run_list(
        &self,
        scope: &Scope,
        run_id: i64,
        kind: ListKind,
    ) -> Result<Vec<ListRow>> {
        self.ensure_runs_indexed().await?;
        let sql = format!(
            "SELECT rs.school_code, m.name, s.full_name, s.short_name, rs.category, rs.reason, rs.effect, m.id, rs.summary \
             FROM run_schools rs JOIN schools s ON s.code = rs.school_code JOIN municipalities m ON m.id = s.municipality_id \
             WHERE rs.run_id = $1 AND rs.{} = 1 AND {} ORDER BY m.id, s.short_name",
            kind.column(),
            scope.schools_sql("s")
        );
        let mut rows: Vec<(i64, ListRow)> = on_db!(self, p => sqlx::query(&sql).bind(run_id).fetch_all(p).await?.iter().map(|r| (r.get::<i64, _>(7), ListRow {
            school_code: r.get(0), municipality: r.get(1), full_name: r.get(2), short_name: r.get(3),
            category: r.get(4), reason: r.get(5), effect: r.get(6), summary: r.get(8),
        })).collect());
        rows.sort_by(|a, b| {
            a.0.cmp(&b.0).then_with(|| {
                crate::registry::ru_key(&a.1.short_name)
                    .cmp(&crate::registry::ru_key(&b.1.short_name))
            })
        });
        Ok(rows.into_iter().map(|r| r.1).collect())
    }

    /// Who entered and left each list from run `a` to run `b`, within the scope.
    pub async fn compare_runs(&self, scope: &Scope, a: i64, b: i64) -> Result<Vec<ListChange>> {
        let mut out = Vec::new();
        for kind in ListKind::ALL {
            let la = self.run_list(scope, a, kind).await?;
            let lb = self.run_list(scope, b, kind).await?;
            let ca: BTreeSet<&str> = la.iter().map(|r| r.school_code.as_str()).collect();
            let cb: BTreeSet<&str> = lb.iter().map(|r| r.school_code.as_str()).collect();
            let stayed = ca.intersection(&cb).count();
            let entered = lb
                .iter()
                .filter(|r| !ca.contains(r.school_code.as_str()))
                .cloned()
                .collect();
            let left = la
                .iter()
                .filter(|r| !cb.contains(r.school_code.as_str()))
                .cloned()
                .collect();
            out.push(ListChange {
                kind,
                entered,
                left,
                stayed,
            });
        }
        Ok(out)
    }

    /// A school's line in every run, newest first (the caller has checked
    /// the school is in scope).
    pub async fn school_run_lines(&self, code: &str) -> Result<Vec<RunLine>> {
        self.ensure_runs_indexed().await?;
        let sql = format!(
            "SELECT {LINE_COLUMNS} FROM run_schools rs JOIN identification_runs r ON r.id = rs.run_id \
             WHERE rs.school_code = $1 ORDER BY rs.run_id DESC"
        );
        Ok(
            on_db!(self, p => sqlx::query(&sql).bind(code).fetch_all(p).await?.iter().map(line_from_row!()).collect()),
        )
    }

    /// The school's checklist and signs in one run.
    pub async fn school_run_details(&self, run_id: i64, code: &str) -> Result<SchoolDetails> {
        let sql = "SELECT details FROM run_schools WHERE run_id = $1 AND school_code = $2";
        let json: Option<String> = on_db!(self, p => sqlx::query_scalar(sql).bind(run_id).bind(code).fetch_optional(p).await)?;
        Ok(match json {
            Some(j) => serde_json::from_str(&j)?,
            None => SchoolDetails::default(),
        })
    }

    /// Lines of one run within the scope, keyed by school code.
    pub async fn run_lines_in(&self, scope: &Scope, run_id: i64) -> Result<Vec<RunLine>> {
        let sql = format!(
            "SELECT {LINE_COLUMNS} FROM run_schools rs JOIN identification_runs r ON r.id = rs.run_id \
             JOIN schools s ON s.code = rs.school_code WHERE rs.run_id = $1 AND {}",
            scope.schools_sql("s")
        );
        Ok(
            on_db!(self, p => sqlx::query(&sql).bind(run_id).fetch_all(p).await?.iter().map(line_from_row!()).collect()),
        )
    }
}
