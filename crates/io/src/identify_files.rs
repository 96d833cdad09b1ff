//! The input files of an identification run over files (`opora identify
//! --results … --context …`) read into the engine's tables, row by row
//! through the same `records` parsers as the database import: results into
//! a [`StatsAccumulator`], the context, the checklist and the school names.
//!
//! Every bad row of a file is collected (a run over files reports them all
//! at once); the fast parallel reader of pupil-level CSV is `opora-scan`,
//! which falls back to [`read_results`] for everything else.

use crate::records::{Errors, Fields};
use crate::{open_table, IoError, Row, TableOptions, TableReader};
use opora_analytics::{ChecklistRow, ContextRow, ContextTable, SchoolInfo, StatsAccumulator};
use std::path::{Path, PathBuf};

/// Why input files could not be read.
#[derive(Debug, thiserror::Error)]
pub enum FilesError {
    /// Bad rows, all of them, across the files (printed one by one).
    #[error("в файлах ошибок — {}", rows_count(.0))]
    Rows(Vec<Errors>),
    /// A file that cannot be opened as a table.
    #[error("файл «{}»", path.display())]
    Open {
        path: PathBuf,
        #[source]
        source: Box<IoError>,
    },
    /// A file that stopped being readable part-way (or lacks columns).
    #[error(transparent)]
    Read(Box<IoError>),
    /// A context file with no factor columns.
    #[error("в файле контекста «{file}» нет столбцов с факторами после school_id (и year)")]
    NoFactors { file: String },
    /// A system error while reading a file in ranges.
    #[error("ошибка чтения файла «{}»: {cause}", path.display())]
    System {
        path: PathBuf,
        cause: std::io::Error,
    },
}

impl From<IoError> for FilesError {
    fn from(e: IoError) -> Self {
        FilesError::Read(Box::new(e))
    }
}

fn rows_count(errors: &[Errors]) -> usize {
    errors.iter().map(|e| e.count).sum()
}

impl FilesError {
    /// Keeps the bad rows of a file in `bad` (to report them with those of
    /// the other files) and gives `empty` in place of its contents; any
    /// other error is passed on.
    pub fn collect_rows<T>(self, bad: &mut Vec<Errors>, empty: T) -> Result<T, FilesError> {
        match self {
            FilesError::Rows(mut r) => {
                bad.append(&mut r);
                Ok(empty)
            }
            other => Err(other),
        }
    }
}

/// Opens one input file as a table.
pub fn open(path: &Path, options: &TableOptions) -> Result<TableReader, FilesError> {
    open_table(path, options).map_err(|source| FilesError::Open {
        path: path.to_path_buf(),
        source: Box::new(source),
    })
}

/// Reads every row of `t` through `parse`, which records bad fields in the
/// errors it is given; the file's bad rows, if any, as [`FilesError::Rows`].
fn each_row(
    t: &mut TableReader,
    mut parse: impl FnMut(&Row, &mut Errors),
) -> Result<(), FilesError> {
    let mut errors = Errors::new(&t.file_name);
    for row in t.by_ref() {
        parse(&row?, &mut errors);
    }
    errors.into_result().map_err(|e| FilesError::Rows(vec![e]))
}

/// Streams one results file (pupil or school level) into the accumulator.
pub fn read_results(
    path: &Path,
    options: &TableOptions,
    acc: &mut StatsAccumulator,
) -> Result<(), FilesError> {
    use crate::records::results::{
        is_school_level, parse_row, KeyCache, ResultBody, PUPIL_SCHEMA, SCHOOL_SCHEMA,
    };
    let mut t = open(path, options)?;
    let school_level = is_school_level(&t.file_name, &t.header, &[]);
    let schema = if school_level {
        &SCHOOL_SCHEMA
    } else {
        &PUPIL_SCHEMA
    };
    let map = t.resolve(schema, &[])?;
    let mut cache = KeyCache::default();
    each_row(&mut t, |row, errors| {
        let mut f = Fields::new(&map, row, errors);
        let rec = parse_row(&mut f, school_level, &mut cache, &|_| true, &|_| None);
        // Nothing more is added once a row of the file was bad.
        match rec {
            Some(rec) if errors.count == 0 => match rec.body {
                ResultBody::Pupil { result, .. } => acc.add_pupil(&result),
                ResultBody::School(s) => acc.add_school(&s),
            },
            _ => {}
        }
    })
}

/// The context file: one factor per column after `school_id` (and `year`).
pub fn read_context(path: &Path, options: &TableOptions) -> Result<ContextTable, FilesError> {
    use crate::records::context::{parse_row, SCHEMA};
    let mut t = open(path, options)?;
    let map = t.resolve(&SCHEMA, &[])?;
    if map.free.is_empty() {
        return Err(FilesError::NoFactors {
            file: t.file_name.clone(),
        });
    }
    let factors = map.free.iter().map(|(h, _)| h.clone()).collect();
    let mut rows = Vec::new();
    each_row(&mut t, |row, errors| {
        if let Some(r) = parse_row(&mut Fields::new(&map, row, errors), &|_| true) {
            rows.push(ContextRow {
                school_id: r.school_code,
                year: r.year,
                values: r.values,
            });
        }
    })?;
    Ok(ContextTable { factors, rows })
}

/// The checklist file.
pub fn read_checklist(
    path: &Path,
    options: &TableOptions,
) -> Result<Vec<ChecklistRow>, FilesError> {
    use crate::records::checklist::{parse_row, SCHEMA};
    let mut t = open(path, options)?;
    let map = t.resolve(&SCHEMA, &[])?;
    let mut rows = Vec::new();
    each_row(&mut t, |row, errors| {
        rows.extend(parse_row(&mut Fields::new(&map, row, errors), &|_| true));
    })?;
    Ok(rows)
}

/// School names and types from a registry file (optional: names in the
/// scatter plot, type for sign O5).
pub fn read_school_infos(
    path: &Path,
    options: &TableOptions,
) -> Result<Vec<SchoolInfo>, FilesError> {
    use crate::records::schools::{parse_row, SCHEMA};
    let mut t = open(path, options)?;
    let map = t.resolve(&SCHEMA, &[])?;
    let mut rows = Vec::new();
    each_row(&mut t, |row, errors| {
        if let Some(r) = parse_row(&mut Fields::new(&map, row, errors)) {
            let lyceum = r.kind == "лицей" || r.kind == "гимназия";
            rows.push(SchoolInfo {
                school_id: r.code,
                name: r.short_name,
                is_lyceum_or_gymnasium: lyceum,
            });
        }
    })?;
    Ok(rows)
}
