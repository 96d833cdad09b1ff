//! Imports of registry and results files: all or nothing.
//!
//! Every import reads the file once, row by row, inside one transaction. Each
//! row is checked; every bad row is reported (row, column, value, reason in
//! Russian) and, if there is any, the transaction is rolled back: nothing is
//! written. Writes are idempotent (upserts, or replacement of a whole
//! (school, assessment) group), so re-importing the same file changes nothing.

mod checklist;
mod context;
mod results;
mod scales;
mod schools;
mod writer;

use crate::{Db, Result, StoreError};
use opora_io::{ColumnMap, RowError, Schema, TableOptions};
use std::path::Path;

pub use writer::Val;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ImportKind {
    Schools,
    Results,
    Context,
    Checklist,
    Scales,
}

impl ImportKind {
    pub fn title(self) -> &'static str {
        match self {
            ImportKind::Schools => "реестр школ",
            ImportKind::Results => "результаты оценочных процедур",
            ImportKind::Context => "показатели контекста",
            ImportKind::Checklist => "данные чек-листа критериев",
            ImportKind::Scales => "шкалы и пороги отметок",
        }
    }
    pub fn schema(self) -> &'static Schema {
        match self {
            ImportKind::Schools => &schools::SCHEMA,
            ImportKind::Results => &results::PUPIL_SCHEMA,
            ImportKind::Context => &context::SCHEMA,
            ImportKind::Checklist => &checklist::SCHEMA,
            ImportKind::Scales => &scales::SCHEMA,
        }
    }
}

#[derive(Debug, Clone, Default)]
pub struct ImportOptions {
    pub sheet: Option<String>,
    /// Explicit column mapping: (canonical field, header as in the file).
    pub map: Vec<(String, String)>,
    /// Who imports (for the audit log).
    pub actor: String,
}

/// Progress of a running import, for a progress bar.
#[derive(Debug, Clone, Copy)]
pub struct Progress {
    pub rows: u64,
    pub bytes: u64,
    pub total_bytes: u64,
}

#[derive(Debug, Clone, Default, serde::Serialize)]
pub struct ImportReport {
    pub file: String,
    pub kind: String,
    /// Data rows read.
    pub rows: u64,
    /// Rows written (inserted or replaced).
    pub written: u64,
    /// (school, assessment) groups whose content changed, and unchanged ones.
    pub groups_changed: u64,
    pub groups_unchanged: u64,
    pub ignored_columns: Vec<String>,
    pub notes: Vec<String>,
}

/// At most this many row errors are kept in memory; all are counted.
pub const MAX_REPORTED_ERRORS: usize = 10_000;

/// Collects row errors of one file.
#[derive(Debug)]
pub struct Errors {
    pub file: String,
    pub list: Vec<RowError>,
    pub count: usize,
}

impl Errors {
    pub fn new(file: &str) -> Errors {
        Errors { file: file.to_string(), list: Vec::new(), count: 0 }
    }
    pub fn push(&mut self, row: u64, column: Option<String>, value: Option<&str>, message: impl Into<String>) {
        self.count += 1;
        if self.list.len() < MAX_REPORTED_ERRORS {
            self.list.push(RowError {
                file: self.file.clone(),
                row,
                column,
                value: value.map(str::to_string),
                message: message.into(),
            });
        }
    }
    pub fn into_result(self) -> Result<()> {
        if self.count == 0 {
            Ok(())
        } else {
            Err(StoreError::Rejected { file: self.file, count: self.count, errors: self.list })
        }
    }
}

/// Reading the fields of one row, recording every problem.
pub struct Fields<'a> {
    pub map: &'a ColumnMap,
    pub cells: &'a [String],
    pub row: u64,
    pub errors: &'a mut Errors,
    /// Whether any field of this row was bad.
    pub bad: bool,
}

impl<'a> Fields<'a> {
    pub fn new(map: &'a ColumnMap, row: &'a opora_io::Row, errors: &'a mut Errors) -> Fields<'a> {
        Fields { map, cells: &row.cells, row: row.number, errors, bad: false }
    }

    /// Records a problem with `field` (its cell value is quoted if present).
    pub fn fail(&mut self, field: &str, message: impl Into<String>) {
        let value = self.map.get(self.cells, field);
        self.errors.push(self.row, Some(self.map.header_of(field)), value, message);
        self.bad = true;
    }

    /// A required field, parsed; `None` (and an error) if empty or bad.
    pub fn req<T>(&mut self, field: &str, parse: impl Fn(&str) -> std::result::Result<T, String>) -> Option<T> {
        match self.map.get(self.cells, field) {
            None => {
                self.fail(field, "не заполнено обязательное поле; заполните ячейку");
                None
            }
            Some(text) => self.parse_text(field, text, parse),
        }
    }

    /// An optional field: `None` when empty; an error when present but bad.
    pub fn opt<T>(&mut self, field: &str, parse: impl Fn(&str) -> std::result::Result<T, String>) -> Option<T> {
        let text = self.map.get(self.cells, field)?;
        self.parse_text(field, text, parse)
    }

    fn parse_text<T>(&mut self, field: &str, text: &str, parse: impl Fn(&str) -> std::result::Result<T, String>) -> Option<T> {
        match parse(text) {
            Ok(v) => Some(v),
            Err(msg) => {
                self.fail(field, msg);
                None
            }
        }
    }

    pub fn text(&mut self, field: &str) -> Option<String> {
        self.req(field, |s| Ok(s.to_string()))
    }

    pub fn opt_text(&self, field: &str) -> Option<String> {
        self.map.get(self.cells, field).map(str::to_string)
    }
}

/// Parses a non-negative number.
pub fn non_negative(s: &str) -> std::result::Result<f64, String> {
    let v = opora_io::values::parse_number(s)?;
    if v < 0.0 {
        return Err("значение не может быть отрицательным".into());
    }
    Ok(v)
}

/// Parses a non-negative whole number.
pub fn count(s: &str) -> std::result::Result<i64, String> {
    let v = opora_io::values::parse_integer(s)?;
    if v < 0 {
        return Err("значение не может быть отрицательным".into());
    }
    Ok(v)
}

/// Parses a percentage 0..100.
pub fn percent(s: &str) -> std::result::Result<f64, String> {
    let v = opora_io::values::parse_number(s)?;
    if !(0.0..=100.0).contains(&v) {
        return Err("ожидается доля в процентах от 0 до 100".into());
    }
    Ok(v)
}

pub type ProgressFn<'a> = &'a (dyn Fn(Progress) + Send + Sync);

impl Db {
    /// Imports one file of the given kind. On bad rows returns
    /// [`StoreError::Rejected`] and writes nothing.
    pub async fn import_file(
        &self,
        kind: ImportKind,
        path: &Path,
        opts: &ImportOptions,
        progress: ProgressFn<'_>,
    ) -> Result<ImportReport> {
        let table = opora_io::open_table(path, &TableOptions { sheet: opts.sheet.clone() })?;
        let file = table.file_name.clone();
        let result = match kind {
            ImportKind::Schools => schools::import(self, table, opts, progress).await,
            ImportKind::Results => results::import(self, table, opts, progress).await,
            ImportKind::Context => context::import(self, table, opts, progress).await,
            ImportKind::Checklist => checklist::import(self, table, opts, progress).await,
            ImportKind::Scales => scales::import(self, table, opts, progress).await,
        };
        let actor = if opts.actor.is_empty() { "cli" } else { &opts.actor };
        match &result {
            Ok(r) => {
                let details = format!(
                    "строк: {}, записано: {}, групп изменено: {}, без изменений: {}",
                    r.rows, r.written, r.groups_changed, r.groups_unchanged
                );
                self.audit(actor, &format!("импорт: {}", kind.title()), &file, &details).await?;
            }
            Err(e) => self.audit(actor, &format!("импорт отклонён: {}", kind.title()), &file, &e.to_string()).await?,
        }
        result
    }
}

/// Iterates the rows of a table, reporting progress every 8192 rows.
pub(crate) fn report_progress(table: &opora_io::TableReader, rows: u64, progress: ProgressFn<'_>) {
    if rows % 8192 == 0 {
        progress(Progress {
            rows,
            bytes: table.progress.load(std::sync::atomic::Ordering::Relaxed),
            total_bytes: table.total_bytes,
        });
    }
}

/// Resolves the header of a table against a schema.
pub(crate) fn resolve(table: &opora_io::TableReader, schema: &Schema, opts: &ImportOptions) -> Result<ColumnMap> {
    Ok(ColumnMap::resolve(&table.file_name, &table.header, schema, &opts.map)?)
}

/// The id of an assessment, creating it (with its procedure, subject and
/// academic year) inside the transaction if it is new.
pub(crate) async fn ensure_assessment(tx: &mut crate::db::Tx, key: &opora_analytics::AssessmentKey) -> Result<i64> {
    use sqlx::Row;
    let (year, grade) = (key.year as i64, key.grade as i64);
    Ok(on_tx!(tx, c => {
        sqlx::query("INSERT INTO procedures (code, name) VALUES ($1, $1) ON CONFLICT (code) DO NOTHING").bind(&key.procedure).execute(&mut *c).await?;
        sqlx::query("INSERT INTO subjects (name) VALUES ($1) ON CONFLICT (name) DO NOTHING").bind(&key.subject).execute(&mut *c).await?;
        sqlx::query("INSERT INTO academic_years (year, title) VALUES ($1, $2) ON CONFLICT (year) DO NOTHING")
            .bind(year).bind(opora_io::values::academic_year(key.year)).execute(&mut *c).await?;
        sqlx::query("INSERT INTO assessments (year, procedure, subject, grade) VALUES ($1, $2, $3, $4) \
                     ON CONFLICT (year, procedure, subject, grade) DO NOTHING")
            .bind(year).bind(&key.procedure).bind(&key.subject).bind(grade).execute(&mut *c).await?;
        sqlx::query("SELECT id FROM assessments WHERE year = $1 AND procedure = $2 AND subject = $3 AND grade = $4")
            .bind(year).bind(&key.procedure).bind(&key.subject).bind(grade).fetch_one(&mut *c).await?.get::<i64, _>(0)
    }))
}

/// Normalises a name typed by people: trimmed, single spaces.
pub fn clean_name(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}
