//! Test support shared by the crates' integration tests: every test body runs
//! against SQLite (a temporary folder) and, when `OPORA_TEST_DATABASE_URL`
//! names a PostgreSQL server, against PostgreSQL in a fresh schema of its
//! own (dropped afterwards), so the same tests check both backends.

use opora_store::Db;

pub mod big_results;

pub struct TestDb {
    pub db: Db,
    /// "sqlite" or "postgres" (for messages and file names).
    pub name: &'static str,
    _dir: Option<tempfile::TempDir>,
    schema: Option<String>,
    url: Option<String>,
}

impl TestDb {
    /// Closes the database and drops its PostgreSQL schema.
    pub async fn drop_schema(self) {
        self.db.close().await;
        if let (Some(schema), Some(url)) = (self.schema, self.url) {
            if let Ok(admin) = Db::connect_postgres(&url, None).await {
                if let Db::Postgres(p) = &admin {
                    let _ = sqlx::query(&format!("DROP SCHEMA IF EXISTS \"{schema}\" CASCADE"))
                        .execute(p)
                        .await;
                }
                admin.close().await;
            }
        }
    }
}

/// Whether the tests run under CI (`CI=true`), where every tool a test needs
/// must be present: a missing one fails the run instead of skipping.
pub fn under_ci() -> bool {
    std::env::var("CI").is_ok_and(|v| !v.is_empty() && v != "false" && v != "0")
}

/// Call when a test cannot run because `what` is missing: a failure under
/// CI, a loud skip on a developer's machine.
pub fn missing_tool(what: &str) {
    assert!(
        !under_ci(),
        "{what} is required under CI (scripts/test.sh installs it)"
    );
    eprintln!("SKIPPED: {what} is not installed (scripts/test.sh installs it)");
}

/// The PostgreSQL server of the tests, if any. Under CI it must be set.
pub fn postgres_url() -> Option<String> {
    let url = std::env::var("OPORA_TEST_DATABASE_URL")
        .ok()
        .filter(|u| !u.is_empty());
    if url.is_none() {
        missing_tool("PostgreSQL (OPORA_TEST_DATABASE_URL)");
    }
    url
}

/// A name no other test process or call uses (schemas, folders).
pub fn unique_name(prefix: &str) -> String {
    use std::sync::atomic::{AtomicU64, Ordering};
    static N: AtomicU64 = AtomicU64::new(0);
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_nanos();
    format!(
        "{prefix}_{}_{}_{}",
        std::process::id(),
        nanos % 1_000_000_000,
        N.fetch_add(1, Ordering::Relaxed)
    )
}

/// The databases every test runs against, migrated and empty.
pub async fn databases() -> Vec<TestDb> {
    let dir = tempfile::tempdir().unwrap();
    let db = Db::open(None, dir.path()).await.expect("open SQLite");
    let mut out = vec![TestDb {
        db,
        name: "sqlite",
        _dir: Some(dir),
        schema: None,
        url: None,
    }];
    if let Some(url) = postgres_url() {
        let schema = unique_name("t");
        let db = Db::connect_postgres(&url, Some(&schema))
            .await
            .expect("connect PostgreSQL");
        db.migrate().await.expect("migrate PostgreSQL");
        out.push(TestDb {
            db,
            name: "postgres",
            _dir: None,
            schema: Some(schema),
            url: Some(url),
        });
    }
    out
}

/// Runs `body` once per database: `for_each_db!(|t| { … t.db … })`.
#[macro_export]
macro_rules! for_each_db {
    (|$t:ident| $body:block) => {
        for $t in $crate::databases().await {
            eprintln!("backend: {}", $t.name);
            $body
            $t.drop_schema().await;
        }
    };
}
