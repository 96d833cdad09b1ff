//! Schema migrations, one list per backend, applied in order at start-up.
//! Each migration runs in its own transaction and is recorded in
//! `schema_migrations`, so applying twice is a no-op.

use crate::{Db, Result, StoreError};

struct Migration {
    version: i64,
    name: &'static str,
    sqlite: &'static str,
    postgres: &'static str,
}

const MIGRATIONS: &[Migration] = &[Migration {
    version: 1,
    name: "registry, results, statistics, users, audit",
    sqlite: include_str!("../migrations/sqlite/0001_init.sql"),
    postgres: include_str!("../migrations/postgres/0001_init.sql"),
}, Migration {
    version: 2,
    name: "identification runs",
    sqlite: include_str!("../migrations/sqlite/0002_runs.sql"),
    postgres: include_str!("../migrations/postgres/0002_runs.sql"),
}, Migration {
    version: 3,
    name: "web: sessions, login failures, audit scope, run index",
    sqlite: include_str!("../migrations/sqlite/0003_web.sql"),
    postgres: include_str!("../migrations/postgres/0003_web.sql"),
}, Migration {
    version: 4,
    name: "plans: sections, activities, responsibles, history, versions, evidence, comments, support pairs, templates",
    sqlite: include_str!("../migrations/sqlite/0004_plans.sql"),
    postgres: include_str!("../migrations/postgres/0004_plans.sql"),
}, Migration {
    version: 5,
    name: "evidence files in the database",
    sqlite: include_str!("../migrations/sqlite/0005_evidence_files.sql"),
    postgres: include_str!("../migrations/postgres/0005_evidence_files.sql"),
}, Migration {
    version: 6,
    name: "results imports in generations (short transactions), test scores, common subjects",
    sqlite: include_str!("../migrations/sqlite/0006_import_generations.sql"),
    postgres: include_str!("../migrations/postgres/0006_import_generations.sql"),
}];

impl Db {
    pub async fn migrate(&self) -> Result<()> {
        let create = "CREATE TABLE IF NOT EXISTS schema_migrations (version BIGINT PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)";
        on_db!(self, p => sqlx::query(create).execute(p).await.map(|_| ()))?;
        for m in MIGRATIONS {
            let done: Option<i64> = on_db!(self, p => sqlx::query_scalar("SELECT version FROM schema_migrations WHERE version = $1")
                .bind(m.version).fetch_optional(p).await)?;
            if done.is_some() {
                continue;
            }
            let sql = match self.backend() {
                crate::Backend::Sqlite => m.sqlite,
                crate::Backend::Postgres => m.postgres,
            };
            let mut tx = self.begin().await?;
            let wrap =
                |e: sqlx::Error| StoreError::Migration(format!("{} ({}): {e}", m.version, m.name));
            on_tx!(&mut tx, c => {
                sqlx::raw_sql(sql).execute(&mut *c).await.map_err(wrap)?;
                sqlx::query("INSERT INTO schema_migrations (version, name, applied_at) VALUES ($1, $2, $3)")
                    .bind(m.version).bind(m.name).bind(crate::audit::now_text()).execute(&mut *c).await?;
            });
            tx.commit().await?;
        }
        Ok(())
    }
}
