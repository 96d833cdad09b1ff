//! Import of the school registry: upsert by school code; municipalities are
//! created by name.

use super::writer::{Batch, Val};
use super::{report_progress, resolve, ImportOptions, ImportReport, ProgressFn};
use crate::{Db, Result};
use opora_io::records::schools::{parse_row, SchoolRecord, SCHEMA};
use opora_io::records::{Errors, Fields};
use opora_io::TableReader;
use sqlx::Row;
use std::collections::{HashMap, HashSet};

pub async fn import(
    db: &Db,
    mut table: TableReader,
    opts: &ImportOptions,
    progress: ProgressFn<'_>,
) -> Result<super::Written> {
    let map = resolve(&table, &SCHEMA, opts)?;
    let mut errors = Errors::new(&table.file_name);
    let mut rows = Vec::new();
    let mut seen: HashMap<String, u64> = HashMap::new();
    let mut n = 0;
    while let Some(row) = table.next() {
        let row = row?;
        n += 1;
        report_progress(&table, n, progress);
        let mut f = Fields::new(&map, &row, &mut errors);
        let Some(rec) = parse_row(&mut f) else {
            continue;
        };
        if let Some(first) = seen.insert(rec.code.clone(), row.number) {
            f.fail(
                "school_id",
                format!(
                    "код ОО повторяется (впервые в строке {first}); оставьте одну строку на школу"
                ),
            );
            continue;
        }
        rows.push(rec);
    }
    errors.into_result()?;
    let tx = write(db, &rows).await?;
    let report = ImportReport {
        file: table.file_name.clone(),
        kind: "schools".into(),
        rows: n,
        written: rows.len() as u64,
        ignored_columns: map.ignored.clone(),
        ..Default::default()
    };
    Ok(super::Written {
        tx,
        report,
        generation: None,
    })
}

/// Writes the rows in a transaction left open for the caller.
async fn write(db: &Db, rows: &[SchoolRecord]) -> Result<crate::db::Tx> {
    let mut tx = db.begin().await?;
    let names: HashSet<&str> = rows.iter().map(|r| r.municipality.as_str()).collect();
    let mut ids: HashMap<String, i64> = HashMap::new();
    for name in names {
        let id: i64 = on_tx!(&mut tx, c => {
            sqlx::query("INSERT INTO municipalities (name) VALUES ($1) ON CONFLICT (name) DO NOTHING").bind(name).execute(&mut *c).await?;
            sqlx::query("SELECT id FROM municipalities WHERE name = $1").bind(name).fetch_one(&mut *c).await?.get(0)
        });
        ids.insert(name.to_string(), id);
    }
    const COLS: &[&str] = &[
        "code",
        "municipality_id",
        "full_name",
        "short_name",
        "kind",
        "locality",
        "address",
        "website",
        "enrolment",
    ];
    let mut batch = Batch::new("schools", COLS, &["code"]);
    for r in rows {
        let t = |s: &str| Val::Text(Some(s.to_string()));
        batch.push(vec![
            t(&r.code),
            Val::Int(Some(ids[&r.municipality])),
            t(&r.full_name),
            t(&r.short_name),
            t(&r.kind),
            t(&r.locality),
            t(&r.address),
            t(&r.website),
            Val::Int(r.enrolment),
        ]);
    }
    batch.flush(&mut tx).await?;
    Ok(tx)
}
