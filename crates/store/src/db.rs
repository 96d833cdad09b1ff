use crate::Result;
use sqlx::postgres::{PgConnectOptions, PgPool, PgPoolOptions};
use sqlx::sqlite::{
    SqliteConnectOptions, SqliteJournalMode, SqlitePool, SqlitePoolOptions, SqliteSynchronous,
};
use std::path::Path;
use std::str::FromStr;
use std::time::Duration;

/// A pool on one of the two supported backends.
#[derive(Clone, Debug)]
pub enum Db {
    Sqlite(SqlitePool),
    Postgres(PgPool),
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

/// Runs the same query code against whichever pool (or transaction) `db` holds.
/// `$p` is bound to the concrete pool in each arm, so `sqlx::query(..)` is
/// type-checked once per backend.
#[macro_export]
macro_rules! on_db {
    ($db:expr, $p:ident => $body:expr) => {
        match $db {
            $crate::Db::Sqlite($p) => $body,
            $crate::Db::Postgres($p) => $body,
        }
    };
}

/// Same for a transaction.
#[macro_export]
macro_rules! on_tx {
    ($tx:expr, $c:ident => $body:expr) => {
        match $tx {
            $crate::db::Tx::Sqlite(t) => {
                let $c = &mut **t;
                $body
            }
            $crate::db::Tx::Postgres(t) => {
                let $c = &mut **t;
                $body
            }
        }
    };
}

pub enum Tx {
    Sqlite(sqlx::Transaction<'static, sqlx::Sqlite>),
    Postgres(sqlx::Transaction<'static, sqlx::Postgres>),
}

impl Tx {
    pub async fn commit(self) -> Result<()> {
        match self {
            Tx::Sqlite(t) => t.commit().await?,
            Tx::Postgres(t) => t.commit().await?,
        }
        Ok(())
    }
    pub fn backend(&self) -> Backend {
        match self {
            Tx::Sqlite(_) => Backend::Sqlite,
            Tx::Postgres(_) => Backend::Postgres,
        }
    }
}

impl Db {
    /// Opens the database the configuration names: PostgreSQL when
    /// `database_url` starts with `postgres`, else SQLite `opora.db` in
    /// `data_dir` (created if needed). Applies migrations.
    pub async fn open(database_url: Option<&str>, data_dir: &Path) -> Result<Db> {
        let db = match database_url.filter(|u| !u.trim().is_empty()) {
            Some(url) if url.starts_with("postgres") => Db::connect_postgres(url, None).await?,
            Some(url) if url.starts_with("sqlite:") => {
                Db::connect_sqlite(SqliteConnectOptions::from_str(url)?.create_if_missing(true))
                    .await?
            }
            Some(url) => {
                return Err(crate::StoreError::Invalid(format!(
                    "DATABASE_URL «{url}» не поддерживается: укажите postgres://… или sqlite://…"
                )))
            }
            None => {
                std::fs::create_dir_all(data_dir).map_err(|e| {
                    crate::StoreError::Invalid(format!(
                        "не удалось создать папку данных «{}»: {e}",
                        data_dir.display()
                    ))
                })?;
                Db::connect_sqlite(
                    SqliteConnectOptions::new()
                        .filename(data_dir.join("opora.db"))
                        .create_if_missing(true),
                )
                .await?
            }
        };
        db.migrate().await?;
        Ok(db)
    }

    pub async fn connect_sqlite(opts: SqliteConnectOptions) -> Result<Db> {
        let opts = opts
            .journal_mode(SqliteJournalMode::Wal)
            .synchronous(SqliteSynchronous::Normal)
            .foreign_keys(true)
            .busy_timeout(Duration::from_secs(30))
            .pragma("cache_size", "-65536");
        let pool = SqlitePoolOptions::new()
            .max_connections(8)
            .connect_with(opts)
            .await?;
        Ok(Db::Sqlite(pool))
    }

    /// Connects to PostgreSQL; with `schema`, every connection works in that
    /// schema (created if missing) — tests use one schema each.
    pub async fn connect_postgres(url: &str, schema: Option<&str>) -> Result<Db> {
        let mut opts = PgConnectOptions::from_str(url)?;
        if let Some(s) = schema {
            let pool = PgPoolOptions::new()
                .max_connections(1)
                .connect_with(opts.clone())
                .await?;
            sqlx::query(&format!("CREATE SCHEMA IF NOT EXISTS \"{s}\""))
                .execute(&pool)
                .await?;
            pool.close().await;
            opts = opts.options([("search_path", s)]);
        }
        let pool = PgPoolOptions::new()
            .max_connections(16)
            .acquire_timeout(Duration::from_secs(30))
            .connect_with(opts)
            .await?;
        Ok(Db::Postgres(pool))
    }

    pub fn backend(&self) -> Backend {
        match self {
            Db::Sqlite(_) => Backend::Sqlite,
            Db::Postgres(_) => Backend::Postgres,
        }
    }

    pub async fn begin(&self) -> Result<Tx> {
        Ok(match self {
            Db::Sqlite(p) => Tx::Sqlite(p.begin().await?),
            Db::Postgres(p) => Tx::Postgres(p.begin().await?),
        })
    }

    pub async fn close(&self) {
        on_db!(self, p => p.close().await)
    }
}
