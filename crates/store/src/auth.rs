//! Authentication support: failed-login counting with lock-out, and the
//! audit log as people read it — written with who and for which
//! municipality, read through the caller's scope.

use crate::audit::AuditEntry;
use crate::scope::Scope;
use crate::users::User;
use crate::{Db, Result};
use sqlx::Row;

/// UTC time `secs_from_now` seconds from now as `YYYY-MM-DDTHH:MM:SSZ`.
pub fn time_text_in(secs_from_now: i64) -> String {
    opora_plans::clock::utc_text_in(secs_from_now)
}

/// Lock-out policy: after `max_failures` consecutive failures the login is
/// refused for `lock_secs`, whatever the password.
#[derive(Debug, Clone, Copy)]
pub struct LockPolicy {
    pub max_failures: i64,
    pub lock_secs: i64,
}

impl Default for LockPolicy {
    fn default() -> Self {
        LockPolicy {
            max_failures: 5,
            lock_secs: 15 * 60,
        }
    }
}

/// Filter of the audit log page.
#[derive(Debug, Clone, Default)]
pub struct AuditFilter {
    /// Substring of the actor's login.
    pub actor: Option<String>,
    /// The action, exactly (the page offers the actions present).
    pub action: Option<String>,
    /// From this date (YYYY-MM-DD), inclusive.
    pub from: Option<String>,
    /// To this date (YYYY-MM-DD), inclusive.
    pub to: Option<String>,
    pub limit: i64,
    pub offset: i64,
}

impl Db {
    /// `Some(until)` when the login is locked now.
    pub async fn login_locked_until(&self, login: &str) -> Result<Option<String>> {
        let sql = "SELECT locked_until FROM login_failures WHERE login = $1";
        let until: Option<Option<String>> = on_db!(self, p => sqlx::query_scalar(sql).bind(login_key(login)).fetch_optional(p).await)?;
        let now = crate::audit::now_text();
        Ok(until.flatten().filter(|u| *u > now))
    }

    /// Counts a failure; returns `Some(until)` when this failure locks the login.
    pub async fn record_login_failure(
        &self,
        login: &str,
        policy: LockPolicy,
    ) -> Result<Option<String>> {
        let key = login_key(login);
        let now = crate::audit::now_text();
        let sql = "INSERT INTO login_failures (login, failures, last_at) VALUES ($1, 1, $2) \
                   ON CONFLICT (login) DO UPDATE SET failures = login_failures.failures + 1, last_at = excluded.last_at \
                   RETURNING failures";
        let failures: i64 =
            on_db!(self, p => sqlx::query_scalar(sql).bind(&key).bind(&now).fetch_one(p).await)?;
        if failures >= policy.max_failures {
            let until = time_text_in(policy.lock_secs);
            let sql = "UPDATE login_failures SET failures = 0, locked_until = $1 WHERE login = $2";
            on_db!(self, p => sqlx::query(sql).bind(&until).bind(&key).execute(p).await.map(|_| ()))?;
            return Ok(Some(until));
        }
        Ok(None)
    }

    /// Forgets failures after a successful login (or an administrator's unlock).
    pub async fn clear_login_failures(&self, login: &str) -> Result<()> {
        let sql = "DELETE FROM login_failures WHERE login = $1";
        on_db!(self, p => sqlx::query(sql).bind(login_key(login)).execute(p).await.map(|_| ()))?;
        Ok(())
    }

    /// Forgets failures that are older than `keep_secs` and lock nothing
    /// now, so the table does not grow with every login ever mistyped.
    /// Returns how many were removed.
    pub async fn purge_login_failures(&self, keep_secs: i64) -> Result<u64> {
        let now = crate::audit::now_text();
        let before = time_text_in(-keep_secs.max(0));
        let sql = "DELETE FROM login_failures WHERE last_at < $1 AND (locked_until IS NULL OR locked_until <= $2)";
        Ok(
            on_db!(self, p => sqlx::query(sql).bind(&before).bind(&now).execute(p).await?.rows_affected()),
        )
    }

    /// Actions present in the part of the log the caller reads, for the filter.
    pub async fn audit_actions(&self, scope: &Scope) -> Result<Vec<String>> {
        let sql = format!(
            "SELECT DISTINCT action FROM audit_log WHERE {} ORDER BY action",
            audit_scope_sql(scope)
        );
        Ok(on_db!(self, p => sqlx::query_scalar(&sql).fetch_all(p).await)?)
    }

    /// Writes an audit entry by a known user. `municipality` is the
    /// municipality the action concerns (defaults to the user's own), so
    /// that the municipality's administrator reads it.
    pub async fn audit_by(
        &self,
        user: &User,
        action: &str,
        object: &str,
        details: &str,
        municipality: Option<i64>,
    ) -> Result<()> {
        let municipality = municipality.or(user.municipality_id);
        let sql = "INSERT INTO audit_log (at, actor, action, object, details, user_id, municipality_id) VALUES ($1, $2, $3, $4, $5, $6, $7)";
        on_db!(self, p => sqlx::query(sql).bind(crate::audit::now_text()).bind(&user.login).bind(action).bind(object).bind(details)
            .bind(user.id).bind(municipality).execute(p).await.map(|_| ()))?;
        Ok(())
    }

    /// Audit entries a caller may read, newest first: the region reads all;
    /// a municipality reads the entries about it; others read none.
    /// Returns the page and the total count.
    pub async fn audit_in(&self, scope: &Scope, f: &AuditFilter) -> Result<(Vec<AuditEntry>, i64)> {
        let scope_cond = audit_scope_sql(scope);
        let like = |s: &Option<String>| {
            s.as_ref()
                .map(|v| format!("%{}%", v.trim().to_lowercase()))
                .unwrap_or_else(|| "%".into())
        };
        let from = f.from.clone().unwrap_or_default();
        let to =
            f.to.as_ref()
                .map(|t| format!("{t}T99"))
                .unwrap_or_else(|| "9999".into());
        let cond = format!("{scope_cond} AND LOWER(actor) LIKE $1 AND ($2 = '' OR action = $2) AND at >= $3 AND at <= $4");
        let sql = format!("SELECT id, at, actor, action, object, details FROM audit_log WHERE {cond} ORDER BY id DESC LIMIT $5 OFFSET $6");
        let count_sql = format!("SELECT COUNT(*) FROM audit_log WHERE {cond}");
        let (actor, action) = (like(&f.actor), f.action.clone().unwrap_or_default());
        let limit = if f.limit <= 0 { 100 } else { f.limit };
        let rows = on_db!(self, p => sqlx::query(&sql).bind(&actor).bind(&action).bind(&from).bind(&to).bind(limit).bind(f.offset.max(0))
            .fetch_all(p).await?.iter().map(|r| AuditEntry {
                id: r.get(0), at: r.get(1), actor: r.get(2), action: r.get(3), object: r.get(4), details: r.get(5),
            }).collect::<Vec<_>>());
        let total: i64 = on_db!(self, p => sqlx::query_scalar(&count_sql).bind(&actor).bind(&action).bind(&from).bind(&to).fetch_one(p).await)?;
        Ok((rows, total))
    }
}

fn audit_scope_sql(scope: &Scope) -> String {
    match scope {
        Scope::Region => "1 = 1".to_string(),
        Scope::Municipality(m) => format!("municipality_id = {m}"),
        _ => "1 = 0".to_string(),
    }
}

fn login_key(login: &str) -> String {
    login.trim().to_lowercase()
}
