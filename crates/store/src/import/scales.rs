//! Import of maximum scores and mark thresholds per assessment.

use super::results::{normalize_procedure, normalize_subject};
use super::writer::Batch;
use super::{non_negative, report_progress, resolve, Errors, Fields, ImportOptions, ImportReport, ProgressFn, Val};
use crate::{Db, Result};
use opora_io::values::{parse_integer, parse_year};
use opora_io::{Field, Schema, TableReader};
use opora_analytics::AssessmentKey;

pub static SCHEMA: Schema = Schema {
    fields: &[
        Field { name: "year", aliases: &["Год", "Учебный год"], required: true },
        Field { name: "procedure", aliases: &["Процедура", "Оценочная процедура"], required: true },
        Field { name: "subject", aliases: &["Предмет"], required: true },
        Field { name: "grade", aliases: &["Класс", "Параллель"], required: true },
        Field { name: "max_score", aliases: &["Максимальный балл", "Макс балл"], required: true },
        Field { name: "min_3", aliases: &["Порог 3", "Минимальный балл на 3", "Порог «3»"], required: false },
        Field { name: "min_4", aliases: &["Порог 4", "Минимальный балл на 4", "Порог «4»"], required: false },
        Field { name: "min_5", aliases: &["Порог 5", "Минимальный балл на 5", "Порог «5»"], required: false },
    ],
    tasks: false,
    keep_unknown: false,
};

pub async fn import(db: &Db, mut table: TableReader, opts: &ImportOptions, progress: ProgressFn<'_>) -> Result<ImportReport> {
    let map = resolve(&table, &SCHEMA, opts)?;
    let mut errors = Errors::new(&table.file_name);
    let mut rows = Vec::new();
    let mut n = 0;
    while let Some(row) = table.next() {
        let row = row?;
        n += 1;
        report_progress(&table, n, progress);
        let mut f = Fields::new(&map, &row, &mut errors);
        let year = f.req("year", parse_year);
        let procedure = f.req("procedure", |s| Ok(normalize_procedure(s)));
        let subject = f.req("subject", |s| Ok(normalize_subject(s)));
        let grade = f.req("grade", parse_integer);
        let max = f.req("max_score", non_negative);
        let t = [f.opt("min_3", non_negative), f.opt("min_4", non_negative), f.opt("min_5", non_negative)];
        let ordered = t.iter().flatten().zip(t.iter().flatten().skip(1)).all(|(a, b)| a < b);
        if !ordered {
            f.fail("min_4", "пороги отметок должны возрастать: порог «3» < порог «4» < порог «5»");
        }
        if let Some(m) = max {
            if t.iter().flatten().any(|v| *v > m) {
                f.fail("max_score", "порог отметки больше максимального балла");
            }
        }
        if f.bad {
            continue;
        }
        rows.push((year.unwrap(), procedure.unwrap(), subject.unwrap(), grade.unwrap(), max.unwrap(), t));
    }
    errors.into_result()?;
    let mut tx = db.begin().await?;
    let mut batch = Batch::new("scales", &["assessment_id", "max_score", "min_3", "min_4", "min_5"], &["assessment_id"]);
    for (year, procedure, subject, grade, max, t) in &rows {
        let key = AssessmentKey { year: *year, procedure: procedure.clone(), subject: subject.clone(), grade: *grade as i32 };
        let id = super::ensure_assessment(&mut tx, &key).await?;
        batch.push(vec![Val::Int(Some(id)), Val::Real(Some(*max)), Val::Real(t[0]), Val::Real(t[1]), Val::Real(t[2])]);
    }
    batch.flush(&mut tx).await?;
    tx.commit().await?;
    Ok(ImportReport { file: table.file_name.clone(), kind: "scales".into(), rows: n, written: batch.written, ..Default::default() })
}
