//! Schema migrations, one list per backend, applied in order at start-up.
//! Each migration runs in its own transaction and is recorded in
//! `schema_migrations` with the SHA-256 of its text, so applying twice is a
//! no-op and a migration edited after it was applied is refused (the
//! database would no longer match the code). Two servers starting at once on
//! one database take turns: the second waits for the first's lock (the same
//! per-database lock imports take) and then finds the work done.

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
}, Migration {
    version: 7,
    name: "one plain sentence per school of a run",
    sqlite: include_str!("../migrations/sqlite/0007_plain_summary.sql"),
    postgres: include_str!("../migrations/postgres/0007_plain_summary.sql"),
}, Migration {
    version: 8,
    name: "programme indicators",
    sqlite: include_str!("../migrations/sqlite/0008_indicators.sql"),
    postgres: include_str!("../migrations/postgres/0008_indicators.sql"),
}, Migration {
    version: 9,
    name: "campaigns: forms, answers, values, history; indicator sources, periods and values",
    sqlite: include_str!("../migrations/sqlite/0009_campaigns.sql"),
    postgres: include_str!("../migrations/postgres/0009_campaigns.sql"),
}, Migration {
    version: 10,
    name: "notifications, users' e-mail",
    sqlite: include_str!("../migrations/sqlite/0010_notifications.sql"),
    postgres: include_str!("../migrations/postgres/0010_notifications.sql"),
}, Migration {
    version: 11,
    name: "website audits: checks, items, manual overrides",
    sqlite: include_str!("../migrations/sqlite/0011_site_audits.sql"),
    postgres: include_str!("../migrations/postgres/0011_site_audits.sql"),
}, Migration {
    version: 12,
    name: "staff: teachers, courses, moves between schools",
    sqlite: include_str!("../migrations/sqlite/0012_staff.sql"),
    postgres: include_str!("../migrations/postgres/0012_staff.sql"),
}, Migration {
    version: 13,
    name: "staff: diagnostics of professional deficits",
    sqlite: include_str!("../migrations/sqlite/0013_diagnostics.sql"),
    postgres: include_str!("../migrations/postgres/0013_diagnostics.sql"),
}, Migration {
    version: 14,
    name: "staff: mentoring pairs and meetings",
    sqlite: include_str!("../migrations/sqlite/0014_mentoring.sql"),
    postgres: include_str!("../migrations/postgres/0014_mentoring.sql"),
}, Migration {
    version: 15,
    name: "staff: catalogue of programmes, individual development plans",
    sqlite: include_str!("../migrations/sqlite/0015_development.sql"),
    postgres: include_str!("../migrations/postgres/0015_development.sql"),
}, Migration {
    version: 16,
    name: "staff: principals' efficiency criteria and evaluations",
    sqlite: include_str!("../migrations/sqlite/0016_principals.sql"),
    postgres: include_str!("../migrations/postgres/0016_principals.sql"),
}, Migration {
    version: 17,
    name: "staff: self-assessment instruments",
    sqlite: include_str!("../migrations/sqlite/0017_instruments.sql"),
    postgres: include_str!("../migrations/postgres/0017_instruments.sql"),
}, Migration {
    version: 18,
    name: "staff: comments on development plans",
    sqlite: include_str!("../migrations/sqlite/0018_plan_comments.sql"),
    postgres: include_str!("../migrations/postgres/0018_plan_comments.sql"),
}, Migration {
    version: 19,
    name: "pupils with low results",
    sqlite: include_str!("../migrations/sqlite/0019_pupils.sql"),
    postgres: include_str!("../migrations/postgres/0019_pupils.sql"),
}, Migration {
    version: 20,
    name: "pupils' names sealed",
    sqlite: include_str!("../migrations/sqlite/0020_pupil_names.sql"),
    postgres: include_str!("../migrations/postgres/0020_pupil_names.sql"),
}, Migration {
    version: 21,
    name: "events",
    sqlite: include_str!("../migrations/sqlite/0021_events.sql"),
    postgres: include_str!("../migrations/postgres/0021_events.sql"),
}, Migration {
    version: 22,
    name: "orders",
    sqlite: include_str!("../migrations/sqlite/0022_orders.sql"),
    postgres: include_str!("../migrations/postgres/0022_orders.sql"),
}, Migration {
    version: 23,
    name: "issued notes",
    sqlite: include_str!("../migrations/sqlite/0023_notes.sql"),
    postgres: include_str!("../migrations/postgres/0023_notes.sql"),
}];

/// SHA-256 of a migration's text, line endings normalised (a checkout with
/// CRLF must not look like an edited migration).
fn checksum(sql: &str) -> String {
    use sha2::Digest;
    hex::encode(sha2::Sha256::digest(sql.replace('\r', "").as_bytes()))
}

impl Db {
    /// Applies the migrations this database has not had yet.
    pub async fn migrate(&self) -> Result<()> {
        let lock = self.lock_exclusive().await?;
        let outcome = self.apply_migrations().await;
        lock.release().await;
        outcome
    }

    /// Adds the checksum column to a `schema_migrations` made before it existed.
    async fn ensure_checksum_column(&self) -> Result<()> {
        let has: i64 = match self {
            Db::Sqlite(p) => sqlx::query_scalar("SELECT COUNT(*) FROM pragma_table_info('schema_migrations') WHERE name = 'checksum'")
                .fetch_one(p)
                .await?,
            Db::Postgres(p) => sqlx::query_scalar(
                "SELECT COUNT(*) FROM information_schema.columns WHERE table_schema = current_schema() \
                 AND table_name = 'schema_migrations' AND column_name = 'checksum'",
            )
            .fetch_one(p)
            .await?,
        };
        if has == 0 {
            on_db!(self, p => sqlx::query("ALTER TABLE schema_migrations ADD COLUMN checksum TEXT").execute(p).await.map(|_| ()))?;
        }
        Ok(())
    }

    async fn apply_migrations(&self) -> Result<()> {
        let create = "CREATE TABLE IF NOT EXISTS schema_migrations (version BIGINT PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)";
        on_db!(self, p => sqlx::query(create).execute(p).await.map(|_| ()))?;
        self.ensure_checksum_column().await?;
        for m in MIGRATIONS {
            let sql = match self.backend() {
                crate::Backend::Sqlite => m.sqlite,
                crate::Backend::Postgres => m.postgres,
            };
            let sum = checksum(sql);
            let applied: Option<Option<String>> = on_db!(self, p => sqlx::query_scalar("SELECT checksum FROM schema_migrations WHERE version = $1")
                .bind(m.version).fetch_optional(p).await)?;
            match applied {
                Some(Some(stored)) if stored != sum => {
                    return Err(StoreError::Migration(format!(
                        "миграция {} ({}) изменена после того, как была применена к этой базе: схема базы не совпадает с программой. \
                         Верните прежний текст миграции и добавьте изменение новой миграцией",
                        m.version, m.name
                    )))
                }
                Some(Some(_)) => continue,
                Some(None) => {
                    // Applied before checksums were kept: record it now.
                    on_db!(self, p => sqlx::query("UPDATE schema_migrations SET checksum = $1 WHERE version = $2")
                        .bind(&sum).bind(m.version).execute(p).await.map(|_| ()))?;
                    continue;
                }
                None => {}
            }
            let mut tx = self.begin().await?;
            let wrap =
                |e: sqlx::Error| StoreError::Migration(format!("{} ({}): {e}", m.version, m.name));
            on_tx!(&mut tx, c => {
                sqlx::raw_sql(sql).execute(&mut *c).await.map_err(wrap)?;
                sqlx::query("INSERT INTO schema_migrations (version, name, applied_at, checksum) VALUES ($1, $2, $3, $4)")
                    .bind(m.version).bind(m.name).bind(crate::audit::now_text()).bind(&sum).execute(&mut *c).await?;
            });
            tx.commit().await?;
        }
        Ok(())
    }
}
