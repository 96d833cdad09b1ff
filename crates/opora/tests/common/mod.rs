//! Running the binary as users do, on SQLite (a temporary data folder) and,
//! when OPORA_TEST_DATABASE_URL is set, on PostgreSQL in a fresh schema
//! (given to the binary through `DATABASE_URL`'s `search_path`).

#![allow(dead_code)]

use std::process::{Command, Output};

pub const BIN: &str = env!("CARGO_BIN_EXE_opora");

/// A data location: a SQLite folder or a PostgreSQL schema.
pub struct Backend {
    pub name: &'static str,
    pub data: tempfile::TempDir,
    pub database_url: Option<String>,
}

pub fn backends() -> Vec<Backend> {
    let mut v = vec![Backend {
        name: "sqlite",
        data: tempfile::tempdir().unwrap(),
        database_url: None,
    }];
    if let Some(url) = opora_testkit::postgres_url() {
        {
            let nanos = std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .unwrap()
                .as_nanos();
            let schema = format!("cli_{}_{}", std::process::id(), nanos % 1_000_000_000);
            let admin = Command::new("psql")
                .args([url.as_str(), "-qc", &format!("CREATE SCHEMA {schema}")])
                .output();
            assert!(
                admin.map(|o| o.status.success()).unwrap_or(false),
                "cannot create schema {schema} with psql"
            );
            let sep = if url.contains('?') { '&' } else { '?' };
            let with_schema = format!("{url}{sep}options=-csearch_path%3D{schema}");
            v.push(Backend {
                name: "postgres",
                data: tempfile::tempdir().unwrap(),
                database_url: Some(with_schema),
            });
        }
    }
    v
}

/// `opora ARGS` on a backend.
pub fn opora(b: &Backend, args: &[&str]) -> Output {
    command(b, args).output().unwrap()
}

/// The command `opora ARGS` on a backend, for tests that spawn it.
pub fn command(b: &Backend, args: &[&str]) -> Command {
    let mut cmd = Command::new(BIN);
    cmd.args(args)
        .env("OPORA_DATA", b.data.path())
        .env("OPORA_LOG", "warn");
    match &b.database_url {
        Some(u) => cmd.env("DATABASE_URL", u),
        None => cmd.env_remove("DATABASE_URL"),
    };
    cmd
}

/// Standard output and error, for messages.
pub fn text(o: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    )
}
