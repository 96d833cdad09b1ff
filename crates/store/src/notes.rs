//! Issued analytical notes: each issue of a subject's note kept as it was
//! issued (its content as JSON — the `opora_notes::Note` — with the
//! paragraphs as edited), numbered by version per subject. The files are
//! written again from the content on each download, so they never drift
//! from what was issued.
//!
//! A school's note is seen by those who see the school; a municipality's by
//! the municipality and the region; the region's by the region.

use crate::audit::{audit_for_in, now_text};
use crate::scope::Scope;
use crate::staff::teachers::stored_date;
use crate::{Db, Result};
use opora_plans::date::Date;

/// Whom an issued note is about.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NoteSubject {
    /// `school`, `municipality` or `region`.
    pub kind: &'static str,
    /// The school's code, the municipality's id, or empty.
    pub key: String,
    pub name: String,
    pub municipality_id: Option<i64>,
    pub school_id: Option<i64>,
}

/// An issued note.
#[derive(Debug, Clone, PartialEq)]
pub struct IssuedNote {
    pub id: i64,
    pub kind: String,
    pub key: String,
    pub name: String,
    pub as_of: Date,
    pub version: i64,
    /// The note as JSON.
    pub content: String,
    pub created_at: String,
    pub created_by: String,
}

fn notes_sql(scope: &Scope) -> String {
    match scope {
        Scope::Region => "1 = 1".into(),
        Scope::Municipality(m) => {
            format!("(n.municipality_id = {m} AND n.subject_kind <> 'region')")
        }
        Scope::School(_) | Scope::Schools(_) => format!(
            "n.school_id IN (SELECT s.id FROM schools s WHERE {})",
            scope.schools_sql("s")
        ),
    }
}

const COLUMNS: &str =
    "n.id, n.subject_kind, n.subject_key, n.subject_name, n.as_of, n.version, n.content, n.created_at, n.created_by";

type Row = (
    i64,
    String,
    String,
    String,
    String,
    i64,
    String,
    String,
    String,
);

fn from_row(r: Row) -> Result<IssuedNote> {
    let (id, kind, key, name, as_of, version, content, created_at, created_by) = r;
    Ok(IssuedNote {
        id,
        kind,
        key,
        name,
        as_of: stored_date(&as_of)?,
        version,
        content,
        created_at,
        created_by,
    })
}

impl Db {
    /// Keeps an issued note as the next version of its subject's notes;
    /// returns (id, version).
    pub async fn issue_note(
        &self,
        subject: &NoteSubject,
        as_of: Date,
        content: &str,
        actor: &str,
    ) -> Result<(i64, i64)> {
        let mut tx = self.begin().await?;
        let version: i64 = on_tx!(&mut tx, c => sqlx::query_scalar(
            "SELECT COALESCE(MAX(version), 0) + 1 FROM notes WHERE subject_kind = $1 AND subject_key = $2")
            .bind(subject.kind).bind(&subject.key).fetch_one(&mut *c).await?);
        let id: i64 = on_tx!(&mut tx, c => sqlx::query_scalar(
            "INSERT INTO notes (subject_kind, subject_key, subject_name, municipality_id, school_id, as_of, version, content, created_at, created_by) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) RETURNING id")
            .bind(subject.kind).bind(&subject.key).bind(&subject.name).bind(subject.municipality_id)
            .bind(subject.school_id).bind(as_of.iso()).bind(version).bind(content)
            .bind(now_text()).bind(actor).fetch_one(&mut *c).await?);
        audit_for_in(
            &mut tx,
            actor,
            "аналитическая справка выпущена",
            &format!("справка «{}», версия {version}", subject.name),
            &format!("на {}", as_of.ru()),
            subject.municipality_id,
        )
        .await?;
        tx.commit().await?;
        Ok((id, version))
    }

    /// The issued notes the caller sees, latest first.
    pub async fn issued_notes(&self, scope: &Scope) -> Result<Vec<IssuedNote>> {
        let sql = format!(
            "SELECT {COLUMNS} FROM notes n WHERE {} ORDER BY n.created_at DESC, n.id DESC",
            notes_sql(scope)
        );
        let rows: Vec<Row> = on_db!(self, p => sqlx::query_as(&sql).fetch_all(p).await?);
        rows.into_iter().map(from_row).collect()
    }

    /// One issued note the caller sees.
    pub async fn issued_note(&self, scope: &Scope, id: i64) -> Result<Option<IssuedNote>> {
        let sql = format!(
            "SELECT {COLUMNS} FROM notes n WHERE n.id = $1 AND {}",
            notes_sql(scope)
        );
        let row: Option<Row> =
            on_db!(self, p => sqlx::query_as(&sql).bind(id).fetch_optional(p).await?);
        row.map(from_row).transpose()
    }
}
