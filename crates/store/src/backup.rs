//! Portable backups: `backup_to` writes every table of the schema to one ZIP
//! archive (a `manifest.json` and one JSON Lines file per table),
//! `restore_from` loads such an archive into an empty database of either
//! backend. The format is described in docs/backup.md.
//!
//! Tables and columns come from the database catalogue (`sqlite_master` /
//! `pragma_table_info`, `information_schema` / `pg_constraint`), so a new
//! migration is backed up without touching this file. Only the volatile
//! tables in [`EXCLUDED`] are left out.
//!
//! Each table file is its canonical serialisation: one JSON array per row,
//! columns sorted by name, rows in primary-key order (text compared byte by
//! byte, NULLs first), integers as JSON integers, reals as JSON numbers
//! (shortest round-trip form), text as strings, BLOBs as base64 strings.
//! The same data on SQLite and PostgreSQL serialises to the same bytes, so
//! the manifest's SHA-256 per table checks both the archive and a restore.

use crate::{Backend, Db, StoreError};
use base64::Engine as _;
use futures_util::TryStreamExt;
use serde::{Deserialize, Serialize};
use sha2::Digest;
use std::collections::{BTreeMap, BTreeSet};
use std::io::{BufRead, Read, Write};
use std::path::{Path, PathBuf};

/// The archive format this code writes and reads.
pub const FORMAT_VERSION: u32 = 1;
/// The `format` field of every manifest.
pub const FORMAT_NAME: &str = "opora-backup";
/// Tables never archived: login sessions and lock-out counters (volatile;
/// a restored system starts with everybody logged out) and the migration
/// bookkeeping (the manifest records the schema version instead).
pub const EXCLUDED: &[&str] = &["sessions", "login_failures", "schema_migrations"];
/// Reference tables the migrations fill (built-in procedures and subjects):
/// an "empty" database has these rows, and a restore replaces them with the
/// archive's.
pub const SEEDED_BY_MIGRATIONS: &[&str] = &["procedures", "subjects"];

/// Rows per INSERT statement are limited by this many bound values.
const VALUES_PER_INSERT: usize = 4000;

/// What can go wrong with a backup or a restore. Nothing is written to the
/// database by a failed restore; a failed backup leaves no archive.
#[derive(Debug, thiserror::Error)]
pub enum BackupError {
    #[error("не удалось записать архив «{path}»: {detail}")]
    Write { path: PathBuf, detail: String },
    #[error("не удалось прочитать архив «{path}»: {detail}")]
    Read { path: PathBuf, detail: String },
    #[error("файл «{path}» не является резервной копией Опоры: {detail}")]
    NotArchive { path: PathBuf, detail: String },
    #[error(
        "резервная копия в формате версии {found}, а эта программа читает формат версии {expected}"
    )]
    FormatVersion { found: u32, expected: u32 },
    #[error(
        "резервная копия сделана для схемы базы версии {archive} (Опора {opora_version}), а схема этой базы — версии {current}: \
         восстановите копию той версией Опоры, которой она сделана, затем обновите программу"
    )]
    SchemaVersion {
        archive: i64,
        current: i64,
        opora_version: String,
    },
    #[error(
        "база данных не пуста (в таблице «{table}» есть записи): восстанавливать можно только в пустую базу \
         (новая папка данных или новая база PostgreSQL после «opora migrate»); ничего не изменено"
    )]
    NotEmpty { table: String },
    #[error("резервная копия повреждена: таблица «{table}» не совпадает с контрольной суммой в manifest.json ({detail}); ничего не записано")]
    Checksum { table: String, detail: String },
    #[error("резервная копия повреждена: таблица «{table}», строка {line}: {detail}; ничего не записано")]
    BadRow {
        table: String,
        line: u64,
        detail: String,
    },
    #[error("резервная копия не подходит к схеме этой базы: {0}; ничего не записано")]
    Schema(String),
    #[error("после восстановления таблица «{table}» не совпадает с резервной копией (контрольная сумма); изменения отменены")]
    Verify { table: String },
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl From<sqlx::Error> for BackupError {
    fn from(e: sqlx::Error) -> Self {
        BackupError::Store(StoreError::from(e))
    }
}

type Result<T, E = BackupError> = std::result::Result<T, E>;

/// The kind of value a column holds, the same on both backends.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Kind {
    /// INTEGER / BIGINT (and booleans, as 0 and 1).
    Integer,
    /// REAL / DOUBLE PRECISION.
    Real,
    /// TEXT (and PostgreSQL JSON, kept as its text).
    Text,
    /// BLOB / BYTEA, base64 in the archive.
    Blob,
}

#[derive(Clone, Debug, Serialize, Deserialize, PartialEq, Eq)]
pub struct ColumnEntry {
    pub name: String,
    #[serde(rename = "type")]
    pub kind: Kind,
}

#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct TableEntry {
    pub name: String,
    /// The table's file in the archive.
    pub file: String,
    /// In the order of each row's array (sorted by name).
    pub columns: Vec<ColumnEntry>,
    /// The columns rows are ordered by.
    pub primary_key: Vec<String>,
    pub rows: u64,
    /// SHA-256 (hex) of the table file's bytes.
    pub sha256: String,
}

#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Manifest {
    pub format: String,
    pub format_version: u32,
    pub opora_version: String,
    pub schema_version: i64,
    /// UTC, RFC 3339.
    pub created_at: String,
    /// "sqlite" or "postgres".
    pub source_backend: String,
    pub tables: Vec<TableEntry>,
}

#[derive(Clone, Debug)]
pub struct BackupSummary {
    pub tables: usize,
    pub rows: u64,
    /// The archive's size in bytes.
    pub bytes: u64,
    pub schema_version: i64,
    /// (table, rows) in name order.
    pub per_table: Vec<(String, u64)>,
}

#[derive(Clone, Debug)]
pub struct RestoreSummary {
    pub tables: usize,
    pub rows: u64,
    pub schema_version: i64,
    pub source_backend: String,
    pub created_at: String,
    pub opora_version: String,
}

/// A column as the connected database has it.
#[derive(Clone, Debug)]
struct Col {
    name: String,
    kind: Kind,
    /// PostgreSQL `json`/`jsonb`/`boolean` need casts; else `None`.
    special: Option<&'static str>,
    identity: bool,
}

#[derive(Clone, Debug)]
struct Table {
    name: String,
    /// Sorted by name.
    columns: Vec<Col>,
    primary_key: Vec<String>,
}

impl Table {
    fn col(&self, name: &str) -> Option<&Col> {
        self.columns.iter().find(|c| c.name == name)
    }
    /// The columns rows are ordered by: the primary key, or every column.
    fn order(&self) -> Vec<&Col> {
        if self.primary_key.is_empty() {
            self.columns.iter().collect()
        } else {
            self.primary_key
                .iter()
                .filter_map(|k| self.col(k))
                .collect()
        }
    }
}

fn quote(name: &str) -> String {
    format!("\"{}\"", name.replace('"', "\"\""))
}

fn sqlite_kind(decl: &str) -> Option<Kind> {
    let d = decl.to_ascii_uppercase();
    if d.contains("INT") || d.contains("BOOL") {
        Some(Kind::Integer)
    } else if d.contains("CHAR") || d.contains("TEXT") || d.contains("CLOB") || d.contains("JSON") {
        Some(Kind::Text)
    } else if d.contains("BLOB") {
        Some(Kind::Blob)
    } else if d.contains("REAL") || d.contains("FLOA") || d.contains("DOUB") {
        Some(Kind::Real)
    } else {
        None
    }
}

fn postgres_kind(data_type: &str) -> Option<(Kind, Option<&'static str>)> {
    Some(match data_type {
        "bigint" | "integer" | "smallint" => (Kind::Integer, None),
        "boolean" => (Kind::Integer, Some("boolean")),
        "double precision" | "real" => (Kind::Real, None),
        "text" | "character varying" | "character" => (Kind::Text, None),
        "json" => (Kind::Text, Some("json")),
        "jsonb" => (Kind::Text, Some("jsonb")),
        "bytea" => (Kind::Blob, None),
        _ => return None,
    })
}

fn now_rfc3339() -> String {
    // Seconds since the epoch to a UTC date-time (the civil-from-days algorithm).
    let secs = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs() as i64)
        .unwrap_or(0);
    let (days, rem) = (secs.div_euclid(86_400), secs.rem_euclid(86_400));
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(m <= 2);
    format!(
        "{y:04}-{m:02}-{d:02}T{:02}:{:02}:{:02}Z",
        rem / 3600,
        rem % 3600 / 60,
        rem % 60
    )
}

/// One row's canonical line (without the newline).
fn value_json<T: sqlx::Row>(row: &T, i: usize, kind: Kind) -> Result<serde_json::Value>
where
    usize: sqlx::ColumnIndex<T>,
    for<'r> Option<i64>: sqlx::Decode<'r, T::Database> + sqlx::Type<T::Database>,
    for<'r> Option<f64>: sqlx::Decode<'r, T::Database> + sqlx::Type<T::Database>,
    for<'r> Option<String>: sqlx::Decode<'r, T::Database> + sqlx::Type<T::Database>,
    for<'r> Option<Vec<u8>>: sqlx::Decode<'r, T::Database> + sqlx::Type<T::Database>,
{
    use serde_json::Value;
    Ok(match kind {
        Kind::Integer => row
            .try_get::<Option<i64>, _>(i)?
            .map_or(Value::Null, Value::from),
        Kind::Real => match row.try_get::<Option<f64>, _>(i)? {
            None => Value::Null,
            Some(f) if f.is_finite() => Value::from(f),
            Some(f) if f.is_nan() => Value::from("NaN"),
            Some(f) if f > 0.0 => Value::from("Infinity"),
            Some(_) => Value::from("-Infinity"),
        },
        Kind::Text => row
            .try_get::<Option<String>, _>(i)?
            .map_or(Value::Null, Value::from),
        Kind::Blob => row
            .try_get::<Option<Vec<u8>>, _>(i)?
            .map_or(Value::Null, |b| {
                Value::from(base64::engine::general_purpose::STANDARD.encode(b))
            }),
    })
}

/// The SELECT that reads `columns` of a table in canonical order.
fn select_sql(backend: Backend, table: &Table, columns: &[&Col]) -> String {
    let exprs: Vec<String> = columns
        .iter()
        .map(|c| {
            let q = quote(&c.name);
            match (backend, c.kind, c.special) {
                (Backend::Sqlite, _, _) => q,
                (Backend::Postgres, Kind::Integer, Some("boolean")) => {
                    format!("(CASE WHEN {q} IS NULL THEN NULL WHEN {q} THEN 1 ELSE 0 END)::bigint")
                }
                (Backend::Postgres, Kind::Integer, _) => format!("{q}::bigint"),
                (Backend::Postgres, Kind::Real, _) => format!("{q}::float8"),
                (Backend::Postgres, Kind::Text, _) => format!("{q}::text"),
                (Backend::Postgres, Kind::Blob, _) => q,
            }
        })
        .collect();
    let order: Vec<String> = table
        .order()
        .iter()
        .map(|c| {
            let q = quote(&c.name);
            let e = match (backend, c.kind) {
                (Backend::Postgres, Kind::Text) => format!("{q}::text COLLATE \"C\""),
                _ => q,
            };
            format!("{e} NULLS FIRST")
        })
        .collect();
    format!(
        "SELECT {} FROM {} ORDER BY {}",
        exprs.join(", "),
        quote(&table.name),
        order.join(", ")
    )
}

/// Reads a table in canonical form, handing each line (with its newline) to
/// `sink`; returns the row count.
async fn dump_table(
    tx: &mut crate::db::Tx,
    table: &Table,
    columns: &[&Col],
    mut sink: impl FnMut(&[u8]) -> Result<()>,
) -> Result<u64> {
    let sql = select_sql(tx.backend(), table, columns);
    let mut rows = 0u64;
    on_tx!(tx, c => {
        let mut stream = sqlx::query(&sql).fetch(&mut *c);
        while let Some(row) = stream.try_next().await? {
            let mut values = Vec::with_capacity(columns.len());
            for (i, col) in columns.iter().enumerate() {
                values.push(value_json(&row, i, col.kind)?);
            }
            let mut line = serde_json::to_vec(&values).map_err(StoreError::from)?;
            line.push(b'\n');
            sink(&line)?;
            rows += 1;
        }
    });
    Ok(rows)
}

impl Db {
    /// The data tables of the schema (all but [`EXCLUDED`]), by name, with
    /// their columns sorted by name.
    async fn catalogue(&self, tx: &mut crate::db::Tx) -> Result<Vec<Table>> {
        let mut tables = Vec::new();
        match tx {
            crate::db::Tx::Sqlite(c) => {
                let names: Vec<String> = sqlx::query_scalar(
                    "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'",
                )
                .fetch_all(&mut **c)
                .await?;
                for name in names {
                    if EXCLUDED.contains(&name.as_str()) {
                        continue;
                    }
                    let cols: Vec<(String, String, i64)> =
                        sqlx::query_as("SELECT name, type, pk FROM pragma_table_info($1)")
                            .bind(&name)
                            .fetch_all(&mut **c)
                            .await?;
                    let mut columns = Vec::new();
                    let mut pk: Vec<(i64, String)> = Vec::new();
                    for (col, decl, pos) in cols {
                        let kind = sqlite_kind(&decl).ok_or_else(|| {
                            BackupError::Schema(format!(
                                "столбец «{name}.{col}» неподдерживаемого типа «{decl}»"
                            ))
                        })?;
                        if pos > 0 {
                            pk.push((pos, col.clone()));
                        }
                        columns.push(Col {
                            name: col,
                            kind,
                            special: None,
                            identity: false,
                        });
                    }
                    pk.sort();
                    tables.push(Table {
                        name,
                        columns,
                        primary_key: pk.into_iter().map(|(_, c)| c).collect(),
                    });
                }
            }
            crate::db::Tx::Postgres(c) => {
                let names: Vec<String> = sqlx::query_scalar(
                    "SELECT table_name::text FROM information_schema.tables \
                     WHERE table_schema = current_schema() AND table_type = 'BASE TABLE'",
                )
                .fetch_all(&mut **c)
                .await?;
                for name in names {
                    if EXCLUDED.contains(&name.as_str()) {
                        continue;
                    }
                    let cols: Vec<(String, String, String)> = sqlx::query_as(
                        "SELECT column_name::text, data_type::text, is_identity::text FROM information_schema.columns \
                         WHERE table_schema = current_schema() AND table_name = $1",
                    )
                    .bind(&name)
                    .fetch_all(&mut **c)
                    .await?;
                    let mut columns = Vec::new();
                    for (col, data_type, identity) in cols {
                        let (kind, special) = postgres_kind(&data_type).ok_or_else(|| {
                            BackupError::Schema(format!(
                                "столбец «{name}.{col}» неподдерживаемого типа «{data_type}»"
                            ))
                        })?;
                        columns.push(Col {
                            name: col,
                            kind,
                            special,
                            identity: identity == "YES",
                        });
                    }
                    let pk: Vec<String> = sqlx::query_scalar(
                        "SELECT a.attname::text FROM pg_index i \
                         JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = ANY(i.indkey) \
                         WHERE i.indisprimary AND i.indrelid = (quote_ident(current_schema()) || '.' || quote_ident($1))::regclass \
                         ORDER BY array_position(i.indkey::int2[], a.attnum)",
                    )
                    .bind(&name)
                    .fetch_all(&mut **c)
                    .await?;
                    tables.push(Table {
                        name,
                        columns,
                        primary_key: pk,
                    });
                }
            }
        }
        for t in &mut tables {
            t.columns.sort_by(|a, b| a.name.cmp(&b.name));
        }
        tables.sort_by(|a, b| a.name.cmp(&b.name));
        Ok(tables)
    }

    /// (table, table it references) for every foreign key.
    async fn references(
        &self,
        tx: &mut crate::db::Tx,
        tables: &[Table],
    ) -> Result<Vec<(String, String)>> {
        let mut edges = Vec::new();
        match tx {
            crate::db::Tx::Sqlite(c) => {
                for t in tables {
                    let to: Vec<String> =
                        sqlx::query_scalar("SELECT \"table\" FROM pragma_foreign_key_list($1)")
                            .bind(&t.name)
                            .fetch_all(&mut **c)
                            .await?;
                    edges.extend(to.into_iter().map(|to| (t.name.clone(), to)));
                }
            }
            crate::db::Tx::Postgres(c) => {
                edges = sqlx::query_as(
                    "SELECT c.relname::text, f.relname::text FROM pg_constraint k \
                     JOIN pg_class c ON c.oid = k.conrelid JOIN pg_class f ON f.oid = k.confrelid \
                     WHERE k.contype = 'f' AND k.connamespace = (SELECT oid FROM pg_namespace WHERE nspname = current_schema())",
                )
                .fetch_all(&mut **c)
                .await?;
            }
        }
        Ok(edges)
    }

    async fn schema_version_in(tx: &mut crate::db::Tx) -> Result<i64> {
        let v: Option<i64> = on_tx!(tx, c => sqlx::query_scalar("SELECT MAX(version) FROM schema_migrations")
            .fetch_one(&mut *c).await?);
        Ok(v.unwrap_or(0))
    }

    /// Writes the whole database to the archive `path` from one consistent
    /// snapshot (a read transaction; REPEATABLE READ on PostgreSQL), safe
    /// while the server runs. The archive is written beside `path` and
    /// renamed at the end, so a failure leaves no partial archive.
    pub async fn backup_to(&self, path: &Path) -> Result<BackupSummary> {
        let write_err = |e: &dyn std::fmt::Display| BackupError::Write {
            path: path.to_path_buf(),
            detail: e.to_string(),
        };
        let mut tx = self.begin().await?;
        if let crate::db::Tx::Postgres(c) = &mut tx {
            sqlx::query("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
                .execute(&mut **c)
                .await?;
        }
        let schema_version = Self::schema_version_in(&mut tx).await?;
        let tables = self.catalogue(&mut tx).await?;

        let part = path.with_file_name(format!(
            ".{}.part",
            path.file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_else(|| "backup".into())
        ));
        let file = std::fs::File::create(&part).map_err(|e| write_err(&e))?;
        let outcome = async {
            let mut zip = zip::ZipWriter::new(std::io::BufWriter::new(file));
            let opts = zip::write::SimpleFileOptions::default()
                .compression_method(zip::CompressionMethod::Deflated)
                .large_file(true);
            let mut entries = Vec::new();
            for t in &tables {
                let file_name = format!("tables/{}.jsonl", t.name);
                zip.start_file(file_name.as_str(), opts)
                    .map_err(|e| write_err(&e))?;
                let mut hash = sha2::Sha256::new();
                let cols: Vec<&Col> = t.columns.iter().collect();
                let rows = dump_table(&mut tx, t, &cols, |line| {
                    hash.update(line);
                    zip.write_all(line).map_err(|e| write_err(&e))
                })
                .await?;
                entries.push(TableEntry {
                    name: t.name.clone(),
                    file: file_name,
                    columns: t
                        .columns
                        .iter()
                        .map(|c| ColumnEntry {
                            name: c.name.clone(),
                            kind: c.kind,
                        })
                        .collect(),
                    primary_key: t.order().iter().map(|c| c.name.clone()).collect(),
                    rows,
                    sha256: hex::encode(hash.finalize()),
                });
            }
            let manifest = Manifest {
                format: FORMAT_NAME.into(),
                format_version: FORMAT_VERSION,
                opora_version: env!("CARGO_PKG_VERSION").into(),
                schema_version,
                created_at: now_rfc3339(),
                source_backend: match self.backend() {
                    Backend::Sqlite => "sqlite",
                    Backend::Postgres => "postgres",
                }
                .into(),
                tables: entries,
            };
            zip.start_file("manifest.json", opts)
                .map_err(|e| write_err(&e))?;
            let json = serde_json::to_vec_pretty(&manifest).map_err(StoreError::from)?;
            zip.write_all(&json).map_err(|e| write_err(&e))?;
            let mut out = zip.finish().map_err(|e| write_err(&e))?;
            out.flush().map_err(|e| write_err(&e))?;
            out.get_ref().sync_all().map_err(|e| write_err(&e))?;
            Ok::<_, BackupError>(manifest)
        }
        .await;
        // Read-only: nothing to keep (dropping rolls back).
        drop(tx);
        let manifest = match outcome {
            Ok(m) => m,
            Err(e) => {
                let _ = std::fs::remove_file(&part);
                return Err(e);
            }
        };
        std::fs::rename(&part, path).map_err(|e| {
            let _ = std::fs::remove_file(&part);
            write_err(&e)
        })?;
        let bytes = std::fs::metadata(path).map(|m| m.len()).unwrap_or(0);
        Ok(BackupSummary {
            tables: manifest.tables.len(),
            rows: manifest.tables.iter().map(|t| t.rows).sum(),
            bytes,
            schema_version,
            per_table: manifest
                .tables
                .iter()
                .map(|t| (t.name.clone(), t.rows))
                .collect(),
        })
    }

    /// Loads the archive `path` into this database, which must be empty
    /// (migrated, no data) and at the archive's schema version. The archive
    /// is checked against its checksums first; then every table is inserted
    /// in one transaction in foreign-key order, PostgreSQL identity sequences
    /// are moved past the restored ids, and every table is read back and
    /// compared with the archive's checksum before the commit. All or nothing.
    pub async fn restore_from(&self, path: &Path) -> Result<RestoreSummary> {
        let mut archive = Archive::open(path)?;
        let manifest = archive.manifest.clone();
        // The whole archive is checked before anything is written.
        for t in &manifest.tables {
            archive.verify(t)?;
        }

        let lock = self.lock_exclusive().await?;
        let outcome = self.restore_locked(&mut archive).await;
        lock.release().await;
        outcome
    }

    async fn restore_locked(&self, archive: &mut Archive) -> Result<RestoreSummary> {
        let manifest = archive.manifest.clone();
        let mut tx = self.begin().await?;
        let current = Self::schema_version_in(&mut tx).await?;
        if current != manifest.schema_version {
            return Err(BackupError::SchemaVersion {
                archive: manifest.schema_version,
                current,
                opora_version: manifest.opora_version.clone(),
            });
        }
        let tables = self.catalogue(&mut tx).await?;
        let by_name: BTreeMap<&str, &Table> = tables.iter().map(|t| (t.name.as_str(), t)).collect();

        // The archive and this schema must have the same tables and columns.
        let archived: BTreeSet<&str> = manifest.tables.iter().map(|t| t.name.as_str()).collect();
        let here: BTreeSet<&str> = by_name.keys().copied().collect();
        if let Some(t) = archived.difference(&here).next() {
            return Err(BackupError::Schema(format!(
                "в этой базе нет таблицы «{t}»"
            )));
        }
        if let Some(t) = here.difference(&archived).next() {
            return Err(BackupError::Schema(format!("в копии нет таблицы «{t}»")));
        }
        for entry in &manifest.tables {
            let t = by_name[entry.name.as_str()];
            let names: BTreeSet<&str> = t.columns.iter().map(|c| c.name.as_str()).collect();
            let archived: BTreeSet<&str> = entry.columns.iter().map(|c| c.name.as_str()).collect();
            if names != archived {
                return Err(BackupError::Schema(format!(
                    "столбцы таблицы «{}» различаются",
                    entry.name
                )));
            }
            for c in &entry.columns {
                if t.col(&c.name).map(|col| col.kind) != Some(c.kind) {
                    return Err(BackupError::Schema(format!(
                        "тип столбца «{}.{}» различается",
                        entry.name, c.name
                    )));
                }
            }
        }

        // Empty: no rows anywhere but in the tables the migrations fill.
        for t in &tables {
            if SEEDED_BY_MIGRATIONS.contains(&t.name.as_str()) {
                continue;
            }
            let sql = format!(
                "SELECT COUNT(*) FROM (SELECT 1 FROM {} LIMIT 1) AS x",
                quote(&t.name)
            );
            let n: i64 = on_tx!(&mut tx, c => sqlx::query_scalar(&sql).fetch_one(&mut *c).await?);
            if n > 0 {
                return Err(BackupError::NotEmpty {
                    table: t.name.clone(),
                });
            }
        }

        match &mut tx {
            crate::db::Tx::Sqlite(c) => {
                sqlx::query("PRAGMA defer_foreign_keys = ON")
                    .execute(&mut **c)
                    .await?;
            }
            crate::db::Tx::Postgres(c) => {
                sqlx::query("SET CONSTRAINTS ALL DEFERRED")
                    .execute(&mut **c)
                    .await?;
            }
        }
        for name in SEEDED_BY_MIGRATIONS {
            if by_name.contains_key(name) {
                let sql = format!("DELETE FROM {}", quote(name));
                on_tx!(&mut tx, c => sqlx::query(&sql).execute(&mut *c).await.map(|_| ()))?;
            }
        }

        let edges = self.references(&mut tx, &tables).await?;
        let order = dependency_order(&manifest.tables, &edges);
        for entry in &order {
            let t = by_name[entry.name.as_str()];
            let cols: Vec<&Col> = entry
                .columns
                .iter()
                .map(|c| t.col(&c.name).expect("checked above"))
                .collect();
            insert_table(&mut tx, archive, entry, &cols).await?;
        }

        if let crate::db::Tx::Postgres(c) = &mut tx {
            for t in &tables {
                for col in t.columns.iter().filter(|c| c.identity) {
                    let sql = format!(
                        "SELECT setval(pg_get_serial_sequence($1, $2), COALESCE((SELECT MAX({}) FROM {}), 0) + 1, false)",
                        quote(&col.name),
                        quote(&t.name)
                    );
                    sqlx::query(&sql)
                        .bind(quote(&t.name))
                        .bind(&col.name)
                        .execute(&mut **c)
                        .await?;
                }
            }
        }

        // Read everything back: the canonical form must match the archive's.
        for entry in &manifest.tables {
            let t = by_name[entry.name.as_str()];
            let cols: Vec<&Col> = entry
                .columns
                .iter()
                .map(|c| t.col(&c.name).expect("checked above"))
                .collect();
            let mut hash = sha2::Sha256::new();
            let rows = dump_table(&mut tx, t, &cols, |line| {
                hash.update(line);
                Ok(())
            })
            .await?;
            if rows != entry.rows || hex::encode(hash.finalize()) != entry.sha256 {
                return Err(BackupError::Verify {
                    table: entry.name.clone(),
                });
            }
        }
        tx.commit().await?;
        Ok(RestoreSummary {
            tables: manifest.tables.len(),
            rows: manifest.tables.iter().map(|t| t.rows).sum(),
            schema_version: manifest.schema_version,
            source_backend: manifest.source_backend.clone(),
            created_at: manifest.created_at.clone(),
            opora_version: manifest.opora_version.clone(),
        })
    }
}

/// Tables referenced first (Kahn's algorithm, ties by name); a table's
/// references to itself are left to the row order (parents have smaller
/// ids) and, on SQLite, to the deferred foreign keys.
fn dependency_order<'a>(
    tables: &'a [TableEntry],
    edges: &[(String, String)],
) -> Vec<&'a TableEntry> {
    let names: BTreeSet<&str> = tables.iter().map(|t| t.name.as_str()).collect();
    let mut needs: BTreeMap<&str, BTreeSet<&str>> =
        names.iter().map(|n| (*n, BTreeSet::new())).collect();
    for (from, to) in edges {
        if from != to && names.contains(from.as_str()) && names.contains(to.as_str()) {
            needs.get_mut(from.as_str()).unwrap().insert(to.as_str());
        }
    }
    let mut done: Vec<&str> = Vec::new();
    while done.len() < names.len() {
        let next = needs
            .iter()
            .find(|(n, deps)| !done.contains(n) && deps.iter().all(|d| done.contains(d)))
            .map(|(n, _)| *n)
            // A cycle: take the first remaining table; the foreign keys decide.
            .or_else(|| names.iter().find(|n| !done.contains(n)).copied())
            .unwrap();
        done.push(next);
    }
    done.iter()
        .map(|n| tables.iter().find(|t| t.name == *n).unwrap())
        .collect()
}

/// One decoded value of a row, typed by its column.
enum Val {
    Int(Option<i64>),
    Real(Option<f64>),
    Text(Option<String>),
    Blob(Option<Vec<u8>>),
}

fn decode_value(raw: &serde_json::value::RawValue, kind: Kind) -> Result<Val, String> {
    use serde_json::Value;
    let text = raw.get();
    if kind == Kind::Real && !text.starts_with('"') && text != "null" {
        // Parsed here, not by serde_json, which may round the last digit.
        return text
            .parse::<f64>()
            .map(|f| Val::Real(Some(f)))
            .map_err(|_| format!("«{text}» — не число"));
    }
    let v: Value = serde_json::from_str(text).map_err(|e| e.to_string())?;
    Ok(match (kind, v) {
        (Kind::Integer, Value::Null) => Val::Int(None),
        (Kind::Integer, Value::Number(n)) => Val::Int(Some(
            n.as_i64()
                .ok_or_else(|| format!("«{n}» — не целое число"))?,
        )),
        (Kind::Integer, Value::Bool(b)) => Val::Int(Some(i64::from(b))),
        (Kind::Real, Value::Null) => Val::Real(None),
        (Kind::Real, Value::String(s)) => Val::Real(Some(match s.as_str() {
            "NaN" => f64::NAN,
            "Infinity" => f64::INFINITY,
            "-Infinity" => f64::NEG_INFINITY,
            _ => return Err(format!("«{s}» — не число")),
        })),
        (Kind::Text, Value::Null) => Val::Text(None),
        (Kind::Text, Value::String(s)) => Val::Text(Some(s)),
        (Kind::Blob, Value::Null) => Val::Blob(None),
        (Kind::Blob, Value::String(s)) => Val::Blob(Some(
            base64::engine::general_purpose::STANDARD
                .decode(s.as_bytes())
                .map_err(|e| format!("base64: {e}"))?,
        )),
        (kind, v) => return Err(format!("значение {v} не подходит к типу {kind:?}")),
    })
}

async fn insert_table(
    tx: &mut crate::db::Tx,
    archive: &mut Archive,
    entry: &TableEntry,
    cols: &[&Col],
) -> Result<()> {
    if entry.rows == 0 {
        return Ok(());
    }
    let backend = tx.backend();
    let per_batch = (VALUES_PER_INSERT / cols.len().max(1)).max(1);
    let head = format!(
        "INSERT INTO {} ({}) VALUES ",
        quote(&entry.name),
        cols.iter()
            .map(|c| quote(&c.name))
            .collect::<Vec<_>>()
            .join(", ")
    );
    let placeholder = |n: usize, c: &Col| match (backend, c.special) {
        (Backend::Postgres, Some("boolean")) => format!("(CAST(${n} AS bigint) <> 0)"),
        (Backend::Postgres, Some(cast)) => format!("CAST(${n} AS {cast})"),
        _ => format!("${n}"),
    };
    let mut lines = archive.lines(entry)?;
    let mut line_no = 0u64;
    loop {
        let mut batch: Vec<Vec<Val>> = Vec::with_capacity(per_batch);
        while batch.len() < per_batch {
            let Some(line) = lines.next() else { break };
            line_no += 1;
            let bad = |detail: String| BackupError::BadRow {
                table: entry.name.clone(),
                line: line_no,
                detail,
            };
            let line = line.map_err(|e| bad(e.to_string()))?;
            let values: Vec<&serde_json::value::RawValue> =
                serde_json::from_str(&line).map_err(|e| bad(e.to_string()))?;
            if values.len() != cols.len() {
                return Err(bad(format!(
                    "{} значений вместо {}",
                    values.len(),
                    cols.len()
                )));
            }
            let row = values
                .into_iter()
                .zip(cols)
                .map(|(v, c)| decode_value(v, c.kind))
                .collect::<Result<Vec<_>, _>>()
                .map_err(bad)?;
            batch.push(row);
        }
        if batch.is_empty() {
            break;
        }
        let mut sql = head.clone();
        let mut n = 0;
        for (r, _) in batch.iter().enumerate() {
            if r > 0 {
                sql.push_str(", ");
            }
            sql.push('(');
            for (i, c) in cols.iter().enumerate() {
                if i > 0 {
                    sql.push_str(", ");
                }
                n += 1;
                sql.push_str(&placeholder(n, c));
            }
            sql.push(')');
        }
        on_tx!(&mut *tx, c => {
            let mut q = sqlx::query(&sql);
            for row in batch {
                for v in row {
                    q = match v {
                        Val::Int(x) => q.bind(x),
                        Val::Real(x) => q.bind(x),
                        Val::Text(x) => q.bind(x),
                        Val::Blob(x) => q.bind(x),
                    };
                }
            }
            q.execute(&mut *c).await?;
        });
    }
    Ok(())
}

/// An archive opened for reading.
struct Archive {
    path: PathBuf,
    zip: zip::ZipArchive<std::io::BufReader<std::fs::File>>,
    manifest: Manifest,
}

impl Archive {
    fn open(path: &Path) -> Result<Archive> {
        let read_err = |detail: String| BackupError::Read {
            path: path.to_path_buf(),
            detail,
        };
        let not_archive = |detail: String| BackupError::NotArchive {
            path: path.to_path_buf(),
            detail,
        };
        let file = std::fs::File::open(path).map_err(|e| read_err(e.to_string()))?;
        let mut zip = zip::ZipArchive::new(std::io::BufReader::new(file))
            .map_err(|e| not_archive(format!("не ZIP-архив ({e})")))?;
        let mut text = String::new();
        zip.by_name("manifest.json")
            .map_err(|_| not_archive("в архиве нет manifest.json".into()))?
            .read_to_string(&mut text)
            .map_err(|e| read_err(e.to_string()))?;
        let manifest: Manifest = serde_json::from_str(&text)
            .map_err(|e| not_archive(format!("manifest.json не читается ({e})")))?;
        if manifest.format != FORMAT_NAME {
            return Err(not_archive(format!("формат «{}»", manifest.format)));
        }
        if manifest.format_version != FORMAT_VERSION {
            return Err(BackupError::FormatVersion {
                found: manifest.format_version,
                expected: FORMAT_VERSION,
            });
        }
        Ok(Archive {
            path: path.to_path_buf(),
            zip,
            manifest,
        })
    }

    /// Checks a table file against the manifest's row count and checksum.
    fn verify(&mut self, t: &TableEntry) -> Result<()> {
        let path = self.path.clone();
        let mut file = self
            .zip
            .by_name(&t.file)
            .map_err(|_| BackupError::Checksum {
                table: t.name.clone(),
                detail: format!("нет файла {}", t.file),
            })?;
        let mut hash = sha2::Sha256::new();
        let mut rows = 0u64;
        let mut buf = vec![0u8; 1 << 16];
        loop {
            let n = file.read(&mut buf).map_err(|e| BackupError::Read {
                path: path.clone(),
                detail: e.to_string(),
            })?;
            if n == 0 {
                break;
            }
            rows += buf[..n].iter().filter(|b| **b == b'\n').count() as u64;
            hash.update(&buf[..n]);
        }
        let sum = hex::encode(hash.finalize());
        if sum != t.sha256 || rows != t.rows {
            return Err(BackupError::Checksum {
                table: t.name.clone(),
                detail: format!("строк {rows}, в manifest.json {}", t.rows),
            });
        }
        Ok(())
    }

    /// The lines of a table file.
    fn lines(
        &mut self,
        t: &TableEntry,
    ) -> Result<impl Iterator<Item = std::io::Result<String>> + '_> {
        let file = self
            .zip
            .by_name(&t.file)
            .map_err(|_| BackupError::Checksum {
                table: t.name.clone(),
                detail: format!("нет файла {}", t.file),
            })?;
        Ok(std::io::BufReader::new(file).lines())
    }
}

/// Reads an archive's manifest (for `opora restore` to describe the copy).
pub fn read_manifest(path: &Path) -> Result<Manifest> {
    Ok(Archive::open(path)?.manifest)
}
