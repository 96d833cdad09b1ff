//! Import of checklist data (methodology step 5), upserted per (school, year).

use super::writer::{Batch, Val};
use super::{report_progress, resolve, ImportOptions, ImportReport, ProgressFn};
use crate::{Db, Result};
use opora_io::records::checklist::{parse_row, SCHEMA};
use opora_io::records::{Errors, Fields};
use opora_io::TableReader;
use std::collections::HashMap;

const COLS: &[&str] = &[
    "school_id",
    "year",
    "continuation_rate",
    "graduates",
    "ege_below_min",
    "olympiad_participants",
    "pupils",
    "kdn_pdn",
    "noko_satisfaction",
];

pub async fn import(
    db: &Db,
    mut table: TableReader,
    opts: &ImportOptions,
    progress: ProgressFn<'_>,
) -> Result<super::Written> {
    let map = resolve(&table, &SCHEMA, opts)?;
    let schools = db.school_ids().await?;
    let mut errors = Errors::new(&table.file_name);
    let mut batch = Batch::new("checklist", COLS, &["school_id", "year"]);
    let mut seen: HashMap<(i64, i32), u64> = HashMap::new();
    let mut n = 0;
    while let Some(row) = table.next() {
        let row = row?;
        n += 1;
        report_progress(&table, n, progress);
        let mut f = Fields::new(&map, &row, &mut errors);
        let Some(r) = parse_row(&mut f, &|c| schools.contains_key(c)) else {
            continue;
        };
        let school = schools[&r.school_id];
        if let Some(first) = seen.insert((school, r.year), row.number) {
            f.fail(
                "school_id",
                format!("школа и год уже встречаются в строке {first}; оставьте одну строку"),
            );
            continue;
        }
        let int = |v: Option<u64>| Val::Int(v.map(|x| x as i64));
        batch.push(vec![
            Val::Int(Some(school)),
            Val::Int(Some(r.year as i64)),
            Val::Real(r.continuation_rate),
            int(r.graduates),
            int(r.ege_below_min),
            int(r.olympiad_participants),
            int(r.pupils),
            int(r.kdn_pdn),
            Val::Real(r.noko_satisfaction),
        ]);
    }
    errors.into_result()?;
    let mut tx = db.begin().await?;
    batch.flush(&mut tx).await?;
    let report = ImportReport {
        file: table.file_name.clone(),
        kind: "checklist".into(),
        rows: n,
        written: batch.written,
        ignored_columns: map.ignored.clone(),
        ..Default::default()
    };
    Ok(super::Written {
        tx,
        report,
        generation: None,
    })
}
