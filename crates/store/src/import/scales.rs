//! Import of maximum scores and mark thresholds per assessment.

use super::writer::{Batch, Val};
use super::{report_progress, resolve, ImportOptions, ImportReport, ProgressFn};
use crate::{Db, Result};
use opora_io::records::scales::{parse_row, SCHEMA};
use opora_io::records::{Errors, Fields};
use opora_io::TableReader;

pub async fn import(
    db: &Db,
    mut table: TableReader,
    opts: &ImportOptions,
    progress: ProgressFn<'_>,
) -> Result<super::Written> {
    let map = resolve(&table, &SCHEMA, opts)?;
    let mut errors = Errors::new(&table.file_name);
    let mut rows = Vec::new();
    let mut n = 0;
    while let Some(row) = table.next() {
        let row = row?;
        n += 1;
        report_progress(&table, n, progress);
        if let Some(r) = parse_row(&mut Fields::new(&map, &row, &mut errors)) {
            rows.push((r, row.number));
        }
    }
    errors.into_result()?;
    if !opts.allow_new_names {
        let known = super::KnownNames::load(db).await?;
        let names = known.new_in(rows.iter().map(|((key, _), row)| (key, *row)));
        if !names.is_empty() {
            return Err(crate::StoreError::NewNames {
                file: table.file_name.clone(),
                names,
            });
        }
    }
    let mut tx = db.begin().await?;
    let mut batch = Batch::new(
        "scales",
        &["assessment_id", "max_score", "min_3", "min_4", "min_5"],
        &["assessment_id"],
    );
    for ((key, scale), _) in &rows {
        let id = super::ensure_assessment(&mut tx, key).await?;
        let [t3, t4, t5] = scale.thresholds;
        batch.push(vec![
            Val::Int(Some(id)),
            Val::Real(Some(scale.max)),
            Val::Real(t3),
            Val::Real(t4),
            Val::Real(t5),
        ]);
    }
    batch.flush(&mut tx).await?;
    let report = ImportReport {
        file: table.file_name.clone(),
        kind: "scales".into(),
        rows: n,
        written: batch.written,
        ..Default::default()
    };
    Ok(super::Written {
        tx,
        report,
        generation: None,
    })
}
