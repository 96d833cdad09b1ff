//! Evidence of activities: files (metadata, or the content kept in the
//! database) and links, and the curator's confirmation.

use super::db_err;
use crate::audit::now_text;
use crate::{Db, Result, StoreError};
use opora_plans::{check_evidence_file, check_evidence_link, EVIDENCE_EXTENSIONS};
use serde::Serialize;
use sqlx::Row;
use std::collections::HashMap;

#[derive(Debug, Clone, Serialize)]
pub struct Evidence {
    pub id: i64,
    pub activity_id: i64,
    /// «file» or «link».
    pub kind: String,
    pub name: String,
    pub url: String,
    pub media_type: String,
    pub size_bytes: Option<i64>,
    pub sha256: String,
    pub storage_path: String,
    pub added_at: String,
    pub added_by: String,
    pub verified_at: Option<String>,
    pub verified_by: String,
}

const EVIDENCE_COLUMNS: &str =
    "id, activity_id, kind, name, url, media_type, size_bytes, sha256, storage_path, added_at, added_by, verified_at, verified_by";

/// Maps a row of [`EVIDENCE_COLUMNS`] (expanded once per backend's row type).
macro_rules! evidence_from_row {
    () => {
        |r| Evidence {
            id: r.get(0),
            activity_id: r.get(1),
            kind: r.get(2),
            name: r.get(3),
            url: r.get(4),
            media_type: r.get(5),
            size_bytes: r.get(6),
            sha256: r.get(7),
            storage_path: r.get(8),
            added_at: r.get(9),
            added_by: r.get(10),
            verified_at: r.get(11),
            verified_by: r.get(12),
        }
    };
}

/// A file to attach as evidence (its content is kept by the caller under `storage_path`).
#[derive(Debug, Clone, Default)]
pub struct NewEvidenceFile {
    pub name: String,
    pub media_type: String,
    pub size_bytes: u64,
    pub sha256: String,
    pub storage_path: String,
}

/// An evidence file's name and size by the evidence rules: a type that is
/// not accepted is [`StoreError::UnsupportedType`], any other refusal
/// [`StoreError::Invalid`].
pub(crate) fn check_file(name: &str, size: u64) -> Result<()> {
    let ext = name
        .rsplit_once('.')
        .map(|(_, e)| e.to_lowercase())
        .unwrap_or_default();
    let known_type = name.trim().is_empty() || EVIDENCE_EXTENSIONS.contains(&ext.as_str());
    check_evidence_file(name, size).map_err(|m| {
        if known_type {
            StoreError::Invalid(m)
        } else {
            StoreError::UnsupportedType(m)
        }
    })
}

impl Db {
    /// Attaches a file (its metadata; the content is the caller's) as evidence.
    pub async fn add_evidence_file(
        &self,
        activity_id: i64,
        f: &NewEvidenceFile,
        actor: &str,
    ) -> Result<i64> {
        check_file(&f.name, f.size_bytes)?;
        self.insert_evidence(
            activity_id,
            "file",
            &f.name,
            "",
            &f.media_type,
            Some(f.size_bytes as i64),
            &f.sha256,
            &f.storage_path,
            actor,
        )
        .await
    }

    /// Attaches a file as evidence with its content (kept in the database),
    /// in one transaction.
    pub async fn add_evidence_file_with_content(
        &self,
        activity_id: i64,
        f: &NewEvidenceFile,
        content: &[u8],
        actor: &str,
    ) -> Result<i64> {
        check_file(&f.name, content.len() as u64)?;
        if self.activity_plan_id(activity_id).await?.is_none() {
            return Err(StoreError::NotFound(format!("мероприятие № {activity_id}")));
        }
        let sql = "INSERT INTO plan_evidence (activity_id, kind, name, url, media_type, size_bytes, sha256, storage_path, added_at, added_by) \
                   VALUES ($1, 'file', $2, '', $3, $4, $5, 'db', $6, $7) RETURNING id";
        let mut tx = self.begin().await?;
        let id: i64 = on_tx!(&mut tx, c => {
            let id: i64 = sqlx::query_scalar(sql).bind(activity_id).bind(&f.name).bind(&f.media_type).bind(content.len() as i64)
                .bind(&f.sha256).bind(now_text()).bind(actor).fetch_one(&mut *c).await?;
            sqlx::query("INSERT INTO plan_evidence_files (evidence_id, content) VALUES ($1, $2)").bind(id).bind(content).execute(&mut *c).await?;
            id
        });
        tx.commit().await?;
        let r = self.activity_ref(activity_id).await?;
        self.audit_for(
            actor,
            "подтверждающий документ добавлен",
            &r.object,
            &format!("файл «{}»", f.name),
            r.municipality,
        )
        .await?;
        Ok(id)
    }

    /// One piece of evidence and, for a file kept in the database, its content.
    pub async fn evidence_item(
        &self,
        evidence_id: i64,
    ) -> Result<Option<(Evidence, Option<Vec<u8>>)>> {
        let sql = format!("SELECT {EVIDENCE_COLUMNS} FROM plan_evidence WHERE id = $1");
        let e = on_db!(self, p => sqlx::query(&sql).bind(evidence_id).fetch_optional(p).await?.map(evidence_from_row!()));
        let Some(e) = e else { return Ok(None) };
        let content: Option<Vec<u8>> = on_db!(self, p => sqlx::query_scalar("SELECT content FROM plan_evidence_files WHERE evidence_id = $1")
            .bind(evidence_id).fetch_optional(p).await)?;
        Ok(Some((e, content)))
    }

    /// Evidence count per activity of a plan.
    pub async fn evidence_counts(&self, plan_id: i64) -> Result<HashMap<i64, i64>> {
        let sql = "SELECT e.activity_id, COUNT(*) FROM plan_evidence e JOIN plan_activities a ON a.id = e.activity_id WHERE a.plan_id = $1 GROUP BY e.activity_id";
        Ok(
            on_db!(self, p => sqlx::query(sql).bind(plan_id).fetch_all(p).await?.iter().map(|r| (r.get::<i64, _>(0), r.get::<i64, _>(1))).collect()),
        )
    }

    /// Attaches a link (a page on the school's site, a shared folder) as evidence.
    pub async fn add_evidence_link(
        &self,
        activity_id: i64,
        name: &str,
        url: &str,
        actor: &str,
    ) -> Result<i64> {
        check_evidence_link(url).map_err(db_err)?;
        let name = if name.trim().is_empty() {
            url.trim()
        } else {
            name.trim()
        };
        self.insert_evidence(
            activity_id,
            "link",
            name,
            url.trim(),
            "",
            None,
            "",
            "",
            actor,
        )
        .await
    }

    #[allow(clippy::too_many_arguments)]
    async fn insert_evidence(
        &self,
        activity_id: i64,
        kind: &str,
        name: &str,
        url: &str,
        media_type: &str,
        size: Option<i64>,
        sha256: &str,
        path: &str,
        actor: &str,
    ) -> Result<i64> {
        if self.activity_plan_id(activity_id).await?.is_none() {
            return Err(StoreError::NotFound(format!("мероприятие № {activity_id}")));
        }
        let sql = "INSERT INTO plan_evidence (activity_id, kind, name, url, media_type, size_bytes, sha256, storage_path, added_at, added_by) \
                   VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) RETURNING id";
        let id: i64 = on_db!(self, p => sqlx::query_scalar(sql).bind(activity_id).bind(kind).bind(name).bind(url).bind(media_type)
            .bind(size).bind(sha256).bind(path).bind(now_text()).bind(actor).fetch_one(p).await)?;
        let r = self.activity_ref(activity_id).await?;
        let what = if kind == "link" {
            format!("ссылка «{name}»: {url}")
        } else {
            format!("файл «{name}»")
        };
        self.audit_for(
            actor,
            "подтверждающий документ добавлен",
            &r.object,
            &what,
            r.municipality,
        )
        .await?;
        Ok(id)
    }

    /// A curator confirms that a piece of evidence proves the result.
    pub async fn verify_evidence(&self, evidence_id: i64, actor: &str) -> Result<()> {
        let sql = "SELECT activity_id, name FROM plan_evidence WHERE id = $1";
        let found: Option<(i64, String)> = on_db!(self, p => sqlx::query(sql).bind(evidence_id).fetch_optional(p).await?.map(|r| (r.get(0), r.get(1))));
        let (activity_id, name) =
            found.ok_or_else(|| StoreError::NotFound(format!("документ № {evidence_id}")))?;
        let sql = "UPDATE plan_evidence SET verified_at = $1, verified_by = $2 WHERE id = $3";
        on_db!(self, p => sqlx::query(sql).bind(now_text()).bind(actor).bind(evidence_id).execute(p).await.map(|_| ()))?;
        let r = self.activity_ref(activity_id).await?;
        self.audit_for(
            actor,
            "подтверждающий документ подтверждён",
            &r.object,
            &format!("«{name}»"),
            r.municipality,
        )
        .await
    }

    pub async fn evidence(&self, activity_id: i64) -> Result<Vec<Evidence>> {
        let sql = format!(
            "SELECT {EVIDENCE_COLUMNS} FROM plan_evidence WHERE activity_id = $1 ORDER BY id"
        );
        Ok(
            on_db!(self, p => sqlx::query(&sql).bind(activity_id).fetch_all(p).await?.iter().map(evidence_from_row!()).collect()),
        )
    }
}
