//! Comments on activities.

use super::{db_err, short};
use crate::audit::now_text;
use crate::{Db, Result, StoreError};
use serde::Serialize;
use sqlx::Row;

#[derive(Debug, Clone, Serialize)]
pub struct Comment {
    pub id: i64,
    pub activity_id: i64,
    pub at: String,
    pub author: String,
    pub text: String,
}

impl Db {
    pub async fn add_comment(&self, activity_id: i64, author: &str, text: &str) -> Result<i64> {
        let text = text.trim();
        if text.is_empty() {
            return Err(db_err("пустой комментарий"));
        }
        if self.activity_plan_id(activity_id).await?.is_none() {
            return Err(StoreError::NotFound(format!("мероприятие № {activity_id}")));
        }
        let sql = "INSERT INTO plan_comments (activity_id, at, author, text) VALUES ($1, $2, $3, $4) RETURNING id";
        let id: i64 = on_db!(self, p => sqlx::query_scalar(sql).bind(activity_id).bind(now_text()).bind(author).bind(text).fetch_one(p).await)?;
        let r = self.activity_ref(activity_id).await?;
        self.audit_for(
            author,
            "комментарий к мероприятию",
            &r.object,
            &short(text),
            r.municipality,
        )
        .await?;
        Ok(id)
    }

    pub async fn comments(&self, activity_id: i64) -> Result<Vec<Comment>> {
        let sql = "SELECT id, activity_id, at, author, text FROM plan_comments WHERE activity_id = $1 ORDER BY id";
        Ok(
            on_db!(self, p => sqlx::query(sql).bind(activity_id).fetch_all(p).await?.iter().map(|r| Comment {
            id: r.get(0), activity_id: r.get(1), at: r.get(2), author: r.get(3), text: r.get(4),
        }).collect()),
        )
    }
}
