//! The audit log: who did what and when, for every change, import, export
//! and identification run.

use crate::{Db, Result};

/// Current UTC time as `YYYY-MM-DDTHH:MM:SSZ` (sorts as text on both backends).
pub fn now_text() -> String {
    opora_plans::clock::now_utc_text()
}

#[derive(Debug, Clone, serde::Serialize)]
pub struct AuditEntry {
    pub id: i64,
    pub at: String,
    pub actor: String,
    pub action: String,
    pub object: String,
    pub details: String,
}

/// An entry with no user or municipality attached (command line, imports).
const PLAIN_ENTRY: &str =
    "INSERT INTO audit_log (at, actor, action, object, details) VALUES ($1, $2, $3, $4, $5)";

/// An entry about something that belongs to a municipality.
const FOR_MUNICIPALITY: &str = "INSERT INTO audit_log (at, actor, action, object, details, municipality_id) VALUES ($1, $2, $3, $4, $5, $6)";

/// The same entry as [`Db::audit`] inside a transaction, so that it commits
/// (or not) together with the change it records.
pub(crate) async fn audit_in(
    tx: &mut crate::db::Tx,
    actor: &str,
    action: &str,
    object: &str,
    details: &str,
) -> Result<()> {
    on_tx!(tx, c => {
        sqlx::query(PLAIN_ENTRY).bind(now_text()).bind(actor).bind(action).bind(object).bind(details).execute(&mut *c).await?;
    });
    Ok(())
}

/// The same entry as [`Db::audit_for`] inside a transaction.
pub(crate) async fn audit_for_in(
    tx: &mut crate::db::Tx,
    actor: &str,
    action: &str,
    object: &str,
    details: &str,
    municipality: Option<i64>,
) -> Result<()> {
    on_tx!(tx, c => {
        sqlx::query(FOR_MUNICIPALITY).bind(now_text()).bind(actor).bind(action).bind(object).bind(details).bind(municipality)
            .execute(&mut *c).await?;
    });
    Ok(())
}

impl Db {
    pub async fn audit(
        &self,
        actor: &str,
        action: &str,
        object: &str,
        details: &str,
    ) -> Result<()> {
        on_db!(self, p => sqlx::query(PLAIN_ENTRY).bind(now_text()).bind(actor).bind(action).bind(object).bind(details).execute(p).await.map(|_| ()))?;
        Ok(())
    }

    /// Writes an audit entry about something that belongs to a municipality
    /// (a plan, a school, a support pair), so that the municipality's
    /// administrator reads it too; `None` leaves it to the region.
    pub async fn audit_for(
        &self,
        actor: &str,
        action: &str,
        object: &str,
        details: &str,
        municipality: Option<i64>,
    ) -> Result<()> {
        on_db!(self, p => sqlx::query(FOR_MUNICIPALITY).bind(now_text()).bind(actor).bind(action).bind(object).bind(details).bind(municipality)
            .execute(p).await.map(|_| ()))?;
        Ok(())
    }

    pub async fn audit_entries(&self, limit: i64) -> Result<Vec<AuditEntry>> {
        use sqlx::Row;
        let sql = "SELECT id, at, actor, action, object, details FROM audit_log ORDER BY id DESC LIMIT $1";
        let rows = on_db!(self, p => sqlx::query(sql).bind(limit).fetch_all(p).await?.into_iter().map(|r| AuditEntry {
            id: r.get(0), at: r.get(1), actor: r.get(2), action: r.get(3), object: r.get(4), details: r.get(5),
        }).collect::<Vec<_>>());
        Ok(rows)
    }
}
