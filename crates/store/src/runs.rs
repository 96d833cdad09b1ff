//! Saved identification runs.

use crate::{Db, Result};
use opora_analytics::Run;
use sqlx::Row;

/// A run's headline figures, for lists and comparisons.
#[derive(Debug, Clone)]
pub struct RunSummary {
    pub id: i64,
    pub at: String,
    pub actor: String,
    pub years: String,
    pub n_schools: i64,
    pub shnor: i64,
    pub low_results: i64,
    pub shnsu: i64,
    pub resilient: i64,
    pub r2: Option<f64>,
}

impl Db {
    /// Saves a run and records it in the audit log, in one transaction (a
    /// process killed in between leaves neither); returns its id.
    pub async fn save_run(&self, actor: &str, run: &Run) -> Result<i64> {
        let count = |f: fn(&opora_analytics::SchoolOutcome) -> bool| {
            run.schools.iter().filter(|s| f(s)).count() as i64
        };
        let years = run
            .years
            .iter()
            .map(|y| y.to_string())
            .collect::<Vec<_>>()
            .join(", ");
        let sql = "INSERT INTO identification_runs (at, actor, years, n_schools, shnor, low_results, shnsu, resilient, r2, config, run) \
                   VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) RETURNING id";
        let mut tx = self.begin().await?;
        let id: i64 = on_tx!(&mut tx, c => sqlx::query_scalar(sql)
            .bind(crate::audit::now_text()).bind(actor).bind(&years).bind(run.model.n_schools as i64)
            .bind(count(|s| s.is_shnor)).bind(count(|s| s.is_low_results)).bind(count(|s| s.is_shnsu)).bind(count(|s| s.is_resilient))
            .bind(run.model.r2).bind(serde_json::to_string(&run.config)?).bind(serde_json::to_string(run)?)
            .fetch_one(&mut *c).await)?;
        crate::audit::audit_in(
            &mut tx,
            actor,
            "запуск идентификации",
            &format!("расчёт № {id}"),
            &format!("годы: {years}"),
        )
        .await?;
        tx.commit().await?;
        Ok(id)
    }

    pub async fn runs(&self) -> Result<Vec<RunSummary>> {
        let sql = "SELECT id, at, actor, years, n_schools, shnor, low_results, shnsu, resilient, r2 FROM identification_runs ORDER BY id DESC";
        Ok(
            on_db!(self, p => sqlx::query(sql).fetch_all(p).await?.iter().map(|r| RunSummary {
            id: r.get(0), at: r.get(1), actor: r.get(2), years: r.get(3), n_schools: r.get(4), shnor: r.get(5),
            low_results: r.get(6), shnsu: r.get(7), resilient: r.get(8), r2: r.get(9),
        }).collect()),
        )
    }

    pub async fn run(&self, id: i64) -> Result<Option<Run>> {
        let json: Option<String> = on_db!(self, p => sqlx::query_scalar("SELECT run FROM identification_runs WHERE id = $1").bind(id).fetch_optional(p).await)?;
        Ok(match json {
            Some(j) => Some(serde_json::from_str(&j)?),
            None => None,
        })
    }
}
