//! Batched writes inside an import transaction: multi-row `INSERT` on both
//! backends, `COPY … FROM STDIN` for bulk pupil rows on PostgreSQL.

use crate::db::Tx;
use crate::Backend;
use crate::Result;

/// A value to bind.
#[derive(Debug, Clone)]
pub enum Val {
    Int(Option<i64>),
    Real(Option<f64>),
    Text(Option<String>),
}

/// Rows waiting to be inserted into one table.
pub struct Batch {
    table: &'static str,
    columns: &'static [&'static str],
    /// `ON CONFLICT …` clause or empty.
    conflict: String,
    rows: Vec<Vec<Val>>,
    rows_per_statement: usize,
    pub written: u64,
}

impl Batch {
    /// `upsert_key`: conflict target columns; other columns are updated.
    pub fn new(
        table: &'static str,
        columns: &'static [&'static str],
        upsert_key: &[&str],
    ) -> Batch {
        let conflict = if upsert_key.is_empty() {
            String::new()
        } else {
            let updates: Vec<String> = columns
                .iter()
                .filter(|c| !upsert_key.contains(c))
                .map(|c| format!("{c} = excluded.{c}"))
                .collect();
            if updates.is_empty() {
                format!(" ON CONFLICT ({}) DO NOTHING", upsert_key.join(", "))
            } else {
                format!(
                    " ON CONFLICT ({}) DO UPDATE SET {}",
                    upsert_key.join(", "),
                    updates.join(", ")
                )
            }
        };
        // Stay well below SQLite's 32,766 bound parameters per statement.
        let rows_per_statement = (4000 / columns.len()).max(1);
        Batch {
            table,
            columns,
            conflict,
            rows: Vec::new(),
            rows_per_statement,
            written: 0,
        }
    }

    /// Inserts rows whose key is new; existing rows stay untouched.
    pub fn insert_or_ignore(
        table: &'static str,
        columns: &'static [&'static str],
        key: &[&str],
    ) -> Batch {
        let mut b = Batch::new(table, columns, &[]);
        b.conflict = format!(" ON CONFLICT ({}) DO NOTHING", key.join(", "));
        b
    }

    pub fn len(&self) -> usize {
        self.rows.len()
    }

    pub fn push(&mut self, row: Vec<Val>) {
        debug_assert_eq!(row.len(), self.columns.len());
        self.rows.push(row);
    }

    /// The multi-row statement. SQLite gets anonymous `?` placeholders:
    /// resolving `$N` names costs SQLite a walk over all names per bound
    /// value, quadratic in a statement with thousands of values.
    fn sql(&self, n: usize, backend: Backend) -> String {
        let k = self.columns.len();
        let mut sql = format!(
            "INSERT INTO {} ({}) VALUES ",
            self.table,
            self.columns.join(", ")
        );
        for r in 0..n {
            if r > 0 {
                sql.push(',');
            }
            sql.push('(');
            for c in 0..k {
                if c > 0 {
                    sql.push(',');
                }
                match backend {
                    Backend::Sqlite => sql.push('?'),
                    Backend::Postgres => sql.push_str(&format!("${}", r * k + c + 1)),
                }
            }
            sql.push(')');
        }
        sql.push_str(&self.conflict);
        sql
    }

    /// Writes all pending rows.
    pub async fn flush(&mut self, tx: &mut Tx) -> Result<()> {
        let rows = std::mem::take(&mut self.rows);
        for chunk in rows.chunks(self.rows_per_statement) {
            let sql = self.sql(chunk.len(), tx.backend());
            on_tx!(tx, c => {
                let mut q = sqlx::query(&sql);
                for row in chunk {
                    for v in row {
                        q = match v {
                            Val::Int(x) => q.bind(*x),
                            Val::Real(x) => q.bind(*x),
                            Val::Text(x) => q.bind(x.clone()),
                        };
                    }
                }
                q.execute(&mut *c).await?;
            });
            self.written += chunk.len() as u64;
        }
        Ok(())
    }

    /// Writes pending rows with `COPY` on PostgreSQL (no conflict handling:
    /// the caller has deleted what the rows replace), multi-row INSERT on SQLite.
    pub async fn flush_bulk(&mut self, tx: &mut Tx) -> Result<()> {
        let Tx::Postgres(t) = tx else {
            return self.flush(tx).await;
        };
        if self.rows.is_empty() {
            return Ok(());
        }
        let mut buf = String::with_capacity(self.rows.len() * 64);
        for row in &self.rows {
            for (i, v) in row.iter().enumerate() {
                if i > 0 {
                    buf.push('\t');
                }
                copy_value(&mut buf, v);
            }
            buf.push('\n');
        }
        let stmt = format!(
            "COPY {} ({}) FROM STDIN",
            self.table,
            self.columns.join(", ")
        );
        let conn: &mut sqlx::PgConnection = t;
        let mut copy = conn.copy_in_raw(&stmt).await?;
        copy.send(buf.into_bytes()).await?;
        copy.finish().await?;
        self.written += self.rows.len() as u64;
        self.rows.clear();
        Ok(())
    }
}

/// One value in PostgreSQL's COPY text format.
fn copy_value(buf: &mut String, v: &Val) {
    use std::fmt::Write;
    match v {
        Val::Int(Some(x)) => {
            let _ = write!(buf, "{x}");
        }
        Val::Real(Some(x)) => {
            let _ = write!(buf, "{x}");
        }
        Val::Text(Some(s)) => {
            for ch in s.chars() {
                match ch {
                    '\\' => buf.push_str("\\\\"),
                    '\t' => buf.push_str("\\t"),
                    '\n' => buf.push_str("\\n"),
                    '\r' => buf.push_str("\\r"),
                    c => buf.push(c),
                }
            }
        }
        _ => buf.push_str("\\N"),
    }
}
