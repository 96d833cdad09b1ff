//! Import of attendance per pupil and month: rows are keyed by (school,
//! pupil key, month); new months are added, known ones replaced when they
//! differ, unchanged ones left alone — so importing the same file again
//! changes nothing, and a corrected file corrects. Keys need not be on the
//! register (a journal exports the whole class); the early warning reads
//! the register's pupils.

use super::teachers::{schools_by_code, unknown_school};
use super::{report_progress, resolve, ImportOptions, ProgressFn, Tally};
use crate::{Db, Result};
use opora_io::records::{Errors, Fields};
use opora_io::TableReader;
use opora_pupils::records::attendance::{parse_row, SCHEMA};
use std::collections::HashMap;

type Key = (i64, String, String);

pub async fn import(
    db: &Db,
    mut table: TableReader,
    opts: &ImportOptions,
    progress: ProgressFn<'_>,
) -> Result<super::Written> {
    let map = resolve(&table, &SCHEMA, opts)?;
    let schools = schools_by_code(db, opts.scope.as_ref()).await?;
    let mut errors = Errors::new(&table.file_name);
    let mut rows: Vec<(Key, (i64, i64, i64))> = Vec::new();
    let mut seen: HashMap<Key, u64> = HashMap::new();
    let mut n = 0;
    while let Some(row) = table.next() {
        let row = row?;
        n += 1;
        report_progress(&table, n, progress);
        let mut f = Fields::new(&map, &row, &mut errors);
        let Some(rec) = parse_row(&mut f) else {
            continue;
        };
        let Some(&(school, _)) = schools.get(&rec.school_code) else {
            f.fail("school_id", unknown_school(opts.scope.is_some()));
            continue;
        };
        let key = (school, rec.student_key.clone(), rec.month_code());
        if let Some(first) = seen.insert(key.clone(), row.number) {
            f.fail(
                "month",
                format!(
                    "этот месяц этого обучающегося уже есть в строке {first}; оставьте одну строку"
                ),
            );
            continue;
        }
        rows.push((key, (rec.lessons, rec.missed, rec.unexcused)));
    }
    errors.into_result()?;
    let stored = stored_months(db, &rows).await?;
    let mut tx = db.begin().await?;
    let mut tally = Tally::default();
    let sql = "INSERT INTO pupil_attendance (school_id, student_key, month, lessons, missed, unexcused) VALUES ($1, $2, $3, $4, $5, $6) \
               ON CONFLICT (school_id, student_key, month) DO UPDATE SET lessons = EXCLUDED.lessons, missed = EXCLUDED.missed, unexcused = EXCLUDED.unexcused";
    for ((school, key, month), v) in rows {
        let before = stored.get(&(school, key.clone(), month.clone()));
        match before {
            Some(old) if *old == v => {
                tally.same += 1;
                continue;
            }
            Some(_) => tally.changed += 1,
            None => tally.added += 1,
        }
        on_tx!(&mut tx, c => sqlx::query(sql).bind(school).bind(&key).bind(&month)
            .bind(v.0).bind(v.1).bind(v.2).execute(&mut *c).await?.rows_affected());
    }
    let report = tally.report(&table, &map, "attendance", n, "месяцев посещаемости");
    Ok(super::Written {
        tx,
        report,
        generation: None,
    })
}

/// What is stored for the schools of the file.
async fn stored_months(
    db: &Db,
    rows: &[(Key, (i64, i64, i64))],
) -> Result<HashMap<Key, (i64, i64, i64)>> {
    let mut schools: Vec<i64> = rows.iter().map(|((s, _, _), _)| *s).collect();
    schools.sort_unstable();
    schools.dedup();
    let mut out = HashMap::new();
    for school in schools {
        let sql = "SELECT student_key, month, lessons, missed, unexcused FROM pupil_attendance WHERE school_id = $1";
        let found: Vec<(String, String, i64, i64, i64)> =
            on_db!(db, p => sqlx::query_as(sql).bind(school).fetch_all(p).await?);
        for (key, month, l, m, u) in found {
            out.insert((school, key, month), (l, m, u));
        }
    }
    Ok(out)
}
