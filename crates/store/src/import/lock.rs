//! One import (or migration) at a time per database.
//!
//! Imports check a file against what is stored (school codes, content hashes
//! of groups) and then write; two at once would check against a state the
//! other is changing, and on PostgreSQL the second one died on a unique
//! constraint. A second import therefore waits for the first. The lock must
//! hold across processes (the command line and the server share a database)
//! and vanish with a killed process: on PostgreSQL a session advisory lock on
//! a connection of its own, on SQLite an OS file lock beside the database.

use crate::{Db, Result, StoreError};
use std::sync::Arc;

/// Held while an import runs; dropping it releases the lock.
pub(crate) enum ImportLock {
    /// Closing the connection ends the session, which releases the lock.
    Postgres(Box<sqlx::PgConnection>),
    /// `flock` on `<database>.import-lock`, released when the file is closed.
    File { _held: std::fs::File },
    /// An in-memory SQLite database is private to this process.
    Memory {
        _held: tokio::sync::OwnedMutexGuard<()>,
    },
}

impl ImportLock {
    /// Releases the lock now (dropping it also does, less politely).
    pub(crate) async fn release(self) {
        if let ImportLock::Postgres(conn) = self {
            use sqlx::Connection;
            let _ = conn.close().await;
        }
    }
}

fn memory_lock() -> Arc<tokio::sync::Mutex<()>> {
    static LOCK: std::sync::OnceLock<Arc<tokio::sync::Mutex<()>>> = std::sync::OnceLock::new();
    LOCK.get_or_init(Arc::default).clone()
}

impl Db {
    /// Waits until no other import or migration runs on this database, then
    /// holds it (migrations take the same lock: two servers starting at
    /// once take turns).
    pub(crate) async fn lock_exclusive(&self) -> Result<ImportLock> {
        match self {
            Db::Postgres(pool) => {
                let mut conn = pool.acquire().await?.detach();
                // Keyed by schema: tests give every database a schema of its own on one server.
                sqlx::query("SELECT pg_advisory_lock(72001, hashtext(current_schema()))")
                    .execute(&mut conn)
                    .await?;
                Ok(ImportLock::Postgres(Box::new(conn)))
            }
            Db::Sqlite(pool) => {
                let db_file = pool.connect_options().get_filename().to_path_buf();
                let name = db_file.to_string_lossy();
                if name.is_empty() || name == ":memory:" {
                    return Ok(ImportLock::Memory {
                        _held: memory_lock().lock_owned().await,
                    });
                }
                let path = db_file.with_file_name(format!(
                    "{}.import-lock",
                    db_file
                        .file_name()
                        .map(|n| n.to_string_lossy().into_owned())
                        .unwrap_or_default()
                ));
                let file =
                    tokio::task::spawn_blocking(move || -> std::io::Result<std::fs::File> {
                        let file = std::fs::OpenOptions::new()
                            .create(true)
                            .truncate(false)
                            .write(true)
                            .open(&path)?;
                        file.lock()?;
                        Ok(file)
                    })
                    .await
                    .map_err(|e| {
                        StoreError::Invalid(format!("сбой ожидания блокировки загрузки: {e}"))
                    })?
                    .map_err(|e| {
                        StoreError::Invalid(format!(
                            "не удалось заблокировать базу для загрузки: {e}"
                        ))
                    })?;
                Ok(ImportLock::File { _held: file })
            }
        }
    }
}
