//! Imports of registry and results files: all or nothing.
//!
//! Every import reads the file once, row by row. Each row is checked; every
//! bad row is reported (row, column, value, reason in Russian) and, if there
//! is any, nothing becomes visible. Registry files (small) are written in one
//! transaction; results files in short transactions made visible by a last
//! one (see `results`). The audit entry commits with the data. Writes are
//! idempotent (upserts, or replacement of a whole (school, assessment)
//! group), so re-importing the same file changes nothing. One import runs at
//! a time per database (`lock`); a second waits.

mod attendance;
mod checklist;
mod context;
mod courses;
mod diagnostics;
mod lock;
mod results;
mod scales;
mod schools;
mod teachers;
mod writer;

use crate::{Db, Result};
use opora_io::{ColumnMap, Schema, TableOptions};
use std::path::Path;

pub use opora_io::records::MAX_REPORTED_ERRORS;
pub use writer::Val;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ImportKind {
    Schools,
    Results,
    Context,
    Checklist,
    Scales,
    Teachers,
    Courses,
    Diagnostics,
    Attendance,
}

impl ImportKind {
    pub fn title(self) -> &'static str {
        match self {
            ImportKind::Schools => "реестр школ",
            ImportKind::Results => "результаты оценочных процедур",
            ImportKind::Context => "показатели контекста",
            ImportKind::Checklist => "данные чек-листа критериев",
            ImportKind::Scales => "шкалы и пороги отметок",
            ImportKind::Teachers => "список педагогов",
            ImportKind::Courses => "курсы повышения квалификации",
            ImportKind::Diagnostics => "результаты диагностики профессиональных дефицитов",
            ImportKind::Attendance => "посещаемость обучающихся",
        }
    }
    pub fn schema(self) -> &'static Schema {
        match self {
            ImportKind::Schools => &opora_io::records::schools::SCHEMA,
            ImportKind::Results => &opora_io::records::results::PUPIL_SCHEMA,
            ImportKind::Context => &opora_io::records::context::SCHEMA,
            ImportKind::Checklist => &opora_io::records::checklist::SCHEMA,
            ImportKind::Scales => &opora_io::records::scales::SCHEMA,
            ImportKind::Teachers => &opora_staff::records::teachers::SCHEMA,
            ImportKind::Courses => &opora_staff::records::courses::SCHEMA,
            ImportKind::Diagnostics => &opora_staff::records::diagnostics::SCHEMA,
            ImportKind::Attendance => &opora_pupils::records::attendance::SCHEMA,
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
    /// Create procedures and subjects the system does not know yet. Without
    /// it such a file is refused with [`crate::StoreError::NewNames`].
    pub allow_new_names: bool,
    /// The schools the importer may write to (a school uploading its own
    /// staff); `None`: any school of the registry (the region, the command
    /// line). Rows of other schools are refused.
    pub scope: Option<crate::scope::Scope>,
}

impl ImportOptions {
    /// Who the audit log and the rows name: the importer, or «cli».
    pub(crate) fn actor(&self) -> &str {
        if self.actor.is_empty() {
            "cli"
        } else {
            &self.actor
        }
    }
}

/// What an import of records matched one by one (teachers, courses) did:
/// new, changed and unchanged records.
#[derive(Debug, Default)]
pub(crate) struct Tally {
    pub added: u64,
    pub changed: u64,
    pub same: u64,
}

impl Tally {
    /// The import's report; `noun` names the records («педагогов»).
    pub(crate) fn report(
        &self,
        table: &opora_io::TableReader,
        map: &ColumnMap,
        kind: &str,
        rows: u64,
        noun: &str,
    ) -> ImportReport {
        ImportReport {
            file: table.file_name.clone(),
            kind: kind.into(),
            rows,
            written: self.added + self.changed,
            ignored_columns: map.ignored.clone(),
            notes: vec![format!(
                "{noun} добавлено: {}, изменено: {}, без изменений: {}",
                self.added, self.changed, self.same
            )],
            ..Default::default()
        }
    }
}

/// An import whose rows are written and whose last transaction is open: the
/// caller adds the audit entry to it and commits.
pub(crate) struct Written {
    pub tx: crate::db::Tx,
    pub report: ImportReport,
    /// For results: the generation whose leftovers are swept after commit.
    pub generation: Option<i64>,
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

pub type ProgressFn<'a> = &'a (dyn Fn(Progress) + Send + Sync);

impl Db {
    /// Imports one file of the given kind. On bad rows returns
    /// [`StoreError::Rejected`] and writes nothing. Waits while another
    /// import runs on the same database.
    ///
    /// [`StoreError::Rejected`]: crate::StoreError::Rejected
    pub async fn import_file(
        &self,
        kind: ImportKind,
        path: &Path,
        opts: &ImportOptions,
        progress: ProgressFn<'_>,
    ) -> Result<ImportReport> {
        let table = opora_io::open_table(
            path,
            &TableOptions {
                sheet: opts.sheet.clone(),
            },
        )?;
        let file = table.file_name.clone();
        let actor = opts.actor();
        let lock = self.lock_exclusive().await?;
        let result = match kind {
            ImportKind::Schools => schools::import(self, table, opts, progress).await,
            ImportKind::Results => results::import(self, table, opts, progress).await,
            ImportKind::Context => context::import(self, table, opts, progress).await,
            ImportKind::Checklist => checklist::import(self, table, opts, progress).await,
            ImportKind::Scales => scales::import(self, table, opts, progress).await,
            ImportKind::Teachers => teachers::import(self, table, opts, progress).await,
            ImportKind::Courses => courses::import(self, table, opts, progress).await,
            ImportKind::Diagnostics => diagnostics::import(self, table, opts, progress).await,
            ImportKind::Attendance => attendance::import(self, table, opts, progress).await,
        };
        let outcome = match result {
            Ok(written) => self.commit_import(kind, &file, actor, written).await,
            Err(e) => {
                self.audit(
                    actor,
                    &format!("импорт отклонён: {}", kind.title()),
                    &file,
                    &e.to_string(),
                )
                .await?;
                Err(e)
            }
        };
        lock.release().await;
        outcome
    }

    /// Commits an import together with its audit entry, then sweeps what a
    /// results import left behind (a failed sweep is repeated by the next
    /// import; the data is committed either way).
    async fn commit_import(
        &self,
        kind: ImportKind,
        file: &str,
        actor: &str,
        mut w: Written,
    ) -> Result<ImportReport> {
        let r = &w.report;
        let details = format!(
            "строк: {}, записано: {}, групп изменено: {}, без изменений: {}",
            r.rows, r.written, r.groups_changed, r.groups_unchanged
        );
        crate::audit::audit_in(
            &mut w.tx,
            actor,
            &format!("импорт: {}", kind.title()),
            file,
            &details,
        )
        .await?;
        w.tx.commit().await?;
        if let Some(generation) = w.generation {
            if let Err(e) = results::sweep(self, generation, "done").await {
                tracing::warn!("leftover rows of import {generation} are left for the next import to sweep: {e}");
            }
        }
        Ok(w.report)
    }

    /// Deletes what imports killed mid-way left behind (invisible rows).
    /// Imports do it themselves; the server calls it at start.
    pub async fn recover_imports(&self) -> Result<()> {
        let lock = self.lock_exclusive().await?;
        let outcome = results::recover(self).await;
        lock.release().await;
        outcome
    }
}

/// Iterates the rows of a table, reporting progress every 8192 rows.
pub(crate) fn report_progress(table: &opora_io::TableReader, rows: u64, progress: ProgressFn<'_>) {
    if rows.is_multiple_of(8192) {
        progress(Progress {
            rows,
            bytes: table.progress.load(std::sync::atomic::Ordering::Relaxed),
            total_bytes: table.total_bytes,
        });
    }
}

/// Resolves the header of a table against a schema.
pub(crate) fn resolve(
    table: &opora_io::TableReader,
    schema: &Schema,
    opts: &ImportOptions,
) -> Result<ColumnMap> {
    Ok(table.resolve(schema, &opts.map)?)
}

/// The id of an assessment, creating it (with its procedure, subject and
/// academic year) inside the transaction if it is new.
pub(crate) async fn ensure_assessment(
    tx: &mut crate::db::Tx,
    key: &opora_analytics::AssessmentKey,
) -> Result<i64> {
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

/// Procedures and subjects the system knows: a file naming others is
/// refused unless the new names are confirmed ([`ImportOptions::allow_new_names`]).
#[derive(Clone, Default)]
pub(crate) struct KnownNames {
    procedures: std::collections::HashSet<String>,
    subjects: std::collections::HashSet<String>,
}

impl KnownNames {
    pub(crate) async fn load(db: &Db) -> Result<KnownNames> {
        Ok(on_db!(db, p => KnownNames {
            procedures: sqlx::query_scalar("SELECT code FROM procedures").fetch_all(p).await?.into_iter().collect(),
            subjects: sqlx::query_scalar("SELECT name FROM subjects").fetch_all(p).await?.into_iter().collect(),
        }))
    }

    /// The names of `keys` (with the row each first appears in) not known yet.
    pub(crate) fn new_in<'a>(
        &self,
        keys: impl Iterator<Item = (&'a opora_analytics::AssessmentKey, u64)>,
    ) -> Vec<crate::error::NewName> {
        let mut found = std::collections::BTreeMap::new();
        for (key, row) in keys {
            self.note(key, row, &mut found);
        }
        found.into_values().collect()
    }

    /// Adds the unknown names of `key` to `found` unless already there.
    pub(crate) fn note(
        &self,
        key: &opora_analytics::AssessmentKey,
        row: u64,
        found: &mut std::collections::BTreeMap<String, crate::error::NewName>,
    ) {
        use crate::error::{NameKind, NewName};
        if !self.procedures.contains(&key.procedure) {
            found
                .entry(format!("p|{}", key.procedure))
                .or_insert(NewName {
                    kind: NameKind::Procedure,
                    name: key.procedure.clone(),
                    first_row: row,
                });
        }
        if !self.subjects.contains(&key.subject) {
            found
                .entry(format!("s|{}", key.subject))
                .or_insert(NewName {
                    kind: NameKind::Subject,
                    name: key.subject.clone(),
                    first_row: row,
                });
        }
    }
}
