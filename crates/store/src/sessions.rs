//! Login sessions kept in the database: the browser holds a random token in
//! an `HttpOnly` cookie; the table holds only its SHA-256 (a stolen database
//! dump does not give live sessions), the user and the session's CSRF token.

use crate::users::User;
use crate::{Db, Result};
use sqlx::Row;

/// A live session: its user and CSRF token.
#[derive(Debug, Clone)]
pub struct Session {
    pub user: User,
    pub csrf: String,
}

impl Db {
    pub async fn create_session(
        &self,
        token_hash: &str,
        user_id: i64,
        csrf: &str,
        expires_at: &str,
    ) -> Result<()> {
        let sql = "INSERT INTO sessions (token_hash, user_id, csrf, created_at, expires_at) VALUES ($1, $2, $3, $4, $5)";
        on_db!(self, p => sqlx::query(sql).bind(token_hash).bind(user_id).bind(csrf).bind(crate::audit::now_text()).bind(expires_at)
            .execute(p).await.map(|_| ()))?;
        Ok(())
    }

    /// The session of a token hash, if it exists, has not expired and its
    /// user is not blocked.
    pub async fn session(&self, token_hash: &str) -> Result<Option<Session>> {
        let sql = "SELECT u.id, u.login, u.display_name, u.role, u.municipality_id, u.school_id, u.blocked, s.csrf, u.email \
                   FROM sessions s JOIN users u ON u.id = s.user_id \
                   WHERE s.token_hash = $1 AND s.expires_at > $2 AND u.blocked = 0";
        let now = crate::audit::now_text();
        on_db!(self, p => sqlx::query(sql).bind(token_hash).bind(&now).fetch_optional(p).await?.map(|r| -> Result<Session> {
            Ok(Session {
                user: User {
                    id: r.get(0),
                    login: r.get(1),
                    display_name: r.get(2),
                    role: crate::users::Role::from_stored(&r.get::<String, _>(3))?,
                    municipality_id: r.get(4),
                    school_id: r.get(5),
                    blocked: r.get::<i64, _>(6) != 0,
                    email: r.get(8),
                },
                csrf: r.get(7),
            })
        }).transpose())
    }

    pub async fn delete_session(&self, token_hash: &str) -> Result<()> {
        on_db!(self, p => sqlx::query("DELETE FROM sessions WHERE token_hash = $1").bind(token_hash).execute(p).await.map(|_| ()))?;
        Ok(())
    }

    /// Ends every session of a user (blocked, password reset), except
    /// `keep` (the session that changed its own password).
    pub async fn delete_user_sessions(&self, user_id: i64, keep: Option<&str>) -> Result<()> {
        let sql = "DELETE FROM sessions WHERE user_id = $1 AND token_hash <> $2";
        on_db!(self, p => sqlx::query(sql).bind(user_id).bind(keep.unwrap_or("")).execute(p).await.map(|_| ()))?;
        Ok(())
    }

    /// Removes expired sessions.
    pub async fn purge_sessions(&self) -> Result<u64> {
        let now = crate::audit::now_text();
        Ok(
            on_db!(self, p => sqlx::query("DELETE FROM sessions WHERE expires_at <= $1").bind(&now).execute(p).await?.rows_affected()),
        )
    }
}
