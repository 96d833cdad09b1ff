//! `opora backup FILE` and `opora restore FILE`: the portable archive of
//! the store's `backup` module (docs/backup.md), on whichever database the
//! other commands use (`OPORA_DATA` / `DATABASE_URL`).

use crate::cli::DbArgs;
use anyhow::{Context, Result};
use std::path::Path;

pub async fn backup(db_args: &DbArgs, file: &Path) -> Result<()> {
    let db = db_args.open().await?;
    let started = std::time::Instant::now();
    let s = db
        .backup_to(file)
        .await
        .with_context(|| format!("резервная копия базы ({}) не создана", db_args.describe()))?;
    db.close().await;
    say!(
        "Резервная копия записана в «{}»: таблиц {}, строк {}, размер {} (база: {}, схема версии {}, {:.1} с).",
        file.display(),
        s.tables,
        s.rows,
        size(s.bytes),
        db_args.describe(),
        s.schema_version,
        started.elapsed().as_secs_f64()
    );
    Ok(())
}

pub async fn restore(db_args: &DbArgs, file: &Path) -> Result<()> {
    let db = db_args.open().await?;
    let started = std::time::Instant::now();
    let outcome = db.restore_from(file).await;
    db.close().await;
    let s = outcome.with_context(|| {
        format!(
            "резервная копия «{}» не восстановлена в базу {}",
            file.display(),
            db_args.describe()
        )
    })?;
    let source = match s.source_backend.as_str() {
        "sqlite" => "SQLite",
        "postgres" => "PostgreSQL",
        other => other,
    };
    say!(
        "Восстановлено из «{}» в базу {}: таблиц {}, строк {}, размер копии {} \
         (копия от {} из {}, Опора {}, схема версии {}; {:.1} с). Все таблицы сверены по контрольным суммам.",
        file.display(),
        db_args.describe(),
        s.tables,
        s.rows,
        size(std::fs::metadata(file).map(|m| m.len()).unwrap_or(0)),
        s.created_at,
        source,
        s.opora_version,
        s.schema_version,
        started.elapsed().as_secs_f64()
    );
    Ok(())
}

/// A size in bytes for people: «812 Б», «3,4 КБ», «12,0 МБ».
fn size(bytes: u64) -> String {
    const UNITS: [&str; 4] = ["КБ", "МБ", "ГБ", "ТБ"];
    if bytes < 1024 {
        return format!("{bytes} Б");
    }
    let mut v = bytes as f64 / 1024.0;
    let mut unit = 0;
    while v >= 1024.0 && unit + 1 < UNITS.len() {
        v /= 1024.0;
        unit += 1;
    }
    format!("{v:.1} {}", UNITS[unit]).replace('.', ",")
}
