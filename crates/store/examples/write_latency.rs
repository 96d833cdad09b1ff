//! How long other writers wait while a long results import runs.
//!
//! Writes a results file of ROWS rows (3 schools, ВПР mathematics, grades
//! 4–8), starts importing it, and every 100 ms performs the writes a login
//! (a new session) and any recorded action (an audit entry) make, timing
//! each. Prints the import's rows/s and the writes' median and maximum
//! latency. Run on SQLite (default) or PostgreSQL:
//!
//! ```sh
//! cargo run --release -p opora-store --example write_latency -- 8000000
//! cargo run --release -p opora-store --example write_latency -- 8000000 postgres://postgres@127.0.0.1:5432/test
//! ```

use opora_store::import::{ImportKind, ImportOptions};
use opora_store::Db;
use opora_testkit::big_results;
use std::time::{Duration, Instant};

fn write_files(dir: &std::path::Path, rows: usize) -> std::io::Result<()> {
    big_results::write_schools(&dir.join("schools.csv"))?;
    big_results::write_results(&dir.join("results.csv"), rows, 0)
}

#[tokio::main(flavor = "multi_thread")]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let rows: usize = args
        .next()
        .map(|a| a.parse())
        .transpose()?
        .unwrap_or(1_000_000);
    let url = args.next();
    let dir = tempfile::tempdir()?;
    write_files(dir.path(), rows)?;
    let db = match &url {
        Some(u) => {
            let schema = format!("latency_{}", std::process::id());
            let db = Db::connect_postgres(u, Some(&schema)).await?;
            db.migrate().await?;
            db
        }
        None => Db::open(None, dir.path()).await?,
    };
    let opts = ImportOptions {
        actor: "bench".into(),
        ..Default::default()
    };
    db.import_file(
        ImportKind::Schools,
        &dir.path().join("schools.csv"),
        &opts,
        &|_| {},
    )
    .await?;
    let user = db
        .create_user(&opora_store::users::NewUser {
            login: "bench",
            display_name: "Замер",
            role: opora_store::users::Role::Region,
            municipality_id: None,
            school_id: None,
            password_hash: None,
            curated_schools: &[],
        })
        .await?;

    let started = Instant::now();
    let importer = {
        let (db, path, opts) = (db.clone(), dir.path().join("results.csv"), opts.clone());
        tokio::spawn(async move {
            db.import_file(ImportKind::Results, &path, &opts, &|_| {})
                .await
        })
    };
    let mut latencies = Vec::new();
    let mut n = 0u64;
    while !importer.is_finished() {
        tokio::time::sleep(Duration::from_millis(100)).await;
        n += 1;
        let t = Instant::now();
        let expires = opora_store::auth::time_text_in(3600);
        db.create_session(&format!("bench-{n}"), user, "csrf", &expires)
            .await?;
        db.audit(
            "bench",
            "комментарий",
            "мероприятие",
            "запись во время загрузки",
        )
        .await?;
        latencies.push(t.elapsed());
    }
    let report = importer.await??;
    let secs = started.elapsed().as_secs_f64();
    latencies.sort();
    let ms = |d: Duration| d.as_secs_f64() * 1000.0;
    println!(
        "{}: imported {} rows in {:.1} s ({:.0} rows/s); {} login+audit writes during it: median {:.1} ms, p99 {:.1} ms, max {:.1} ms",
        if url.is_some() { "PostgreSQL" } else { "SQLite" },
        report.written,
        secs,
        report.written as f64 / secs,
        latencies.len(),
        ms(latencies[latencies.len() / 2]),
        ms(latencies[(latencies.len() * 99 / 100).min(latencies.len() - 1)]),
        ms(*latencies.last().unwrap()),
    );
    if let (Some(u), Db::Postgres(_)) = (&url, &db) {
        db.close().await;
        let admin = Db::connect_postgres(u, None).await?;
        if let Db::Postgres(p) = &admin {
            sqlx::query(&format!(
                "DROP SCHEMA latency_{} CASCADE",
                std::process::id()
            ))
            .execute(p)
            .await?;
        }
    }
    Ok(())
}
