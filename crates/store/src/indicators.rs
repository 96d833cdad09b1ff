//! Programme indicators (issue 12), one aggregate: an indicator set saved
//! to a programme (a plan of region or municipality level) in one
//! transaction, matched by name, so that importing the same passport again
//! changes nothing and a corrected passport changes only what differs.
//! Indicators missing from a later file are kept (a shorter file is not a
//! reason to lose an indicator and its history).

use crate::audit::now_text;
use crate::plans::plans_sql;
use crate::scope::Scope;
use crate::{Db, Result, StoreError};
use opora_indicators::{Indicator, Target};
use serde::Serialize;
use sqlx::Row;

/// An indicator as stored.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct StoredIndicator {
    pub id: i64,
    pub plan_id: i64,
    /// The programme's (plan's) title.
    pub programme: String,
    pub name: String,
    pub group: String,
    /// `percent`, `count`, `score`, `yes_no`.
    pub unit: String,
    pub target_number: Option<f64>,
    /// The target as written.
    pub target_text: String,
    /// `at_least`, `at_most`, `equal`.
    pub direction: String,
}

/// What saving a set did.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct SavedIndicators {
    pub added: usize,
    pub changed: usize,
    pub unchanged: usize,
}

fn target_number(i: &Indicator) -> Option<f64> {
    match i.target {
        Target::Number(v) => Some(v),
        Target::Text(_) => None,
    }
}

/// The stored row an indicator would become (without id and plan).
fn same(s: &StoredIndicator, i: &Indicator) -> bool {
    s.group == i.group
        && s.unit == i.unit.code()
        && s.target_number == target_number(i)
        && s.target_text == i.target_text
        && s.direction == i.direction.code()
}

impl Db {
    /// Saves an indicator set to programme `plan_id` (all or nothing).
    pub async fn save_indicators(
        &self,
        plan_id: i64,
        set: &[Indicator],
        source_file: &str,
        actor: &str,
    ) -> Result<SavedIndicators> {
        let level: Option<String> = on_db!(self, p => sqlx::query_scalar("SELECT level FROM plans WHERE id = $1")
            .bind(plan_id).fetch_optional(p).await)?;
        match level.as_deref() {
            None => return Err(StoreError::NotFound(format!("план № {plan_id}"))),
            Some("school") => {
                return Err(StoreError::Invalid(format!(
                    "план № {plan_id} — план школы; показатели задаются программе региона или муниципалитета"
                )))
            }
            Some(_) => {}
        }
        let existing = self.indicators(plan_id).await?;
        let mut saved = SavedIndicators {
            added: 0,
            changed: 0,
            unchanged: 0,
        };
        let at = now_text();
        let mut tx = self.begin().await?;
        for (k, i) in set.iter().enumerate() {
            let position = k as i64 + 1;
            match existing.iter().find(|s| s.name == i.name) {
                Some(s) if same(s, i) => saved.unchanged += 1,
                Some(s) => {
                    saved.changed += 1;
                    on_tx!(&mut tx, c => sqlx::query("UPDATE programme_indicators SET position = $1, group_name = $2, unit = $3, target_number = $4, \
                        target_text = $5, direction = $6, source_file = $7, updated_at = $8, updated_by = $9 WHERE id = $10")
                        .bind(position).bind(&i.group).bind(i.unit.code()).bind(target_number(i)).bind(&i.target_text)
                        .bind(i.direction.code()).bind(source_file).bind(&at).bind(actor).bind(s.id)
                        .execute(&mut *c).await.map(|_| ())?);
                }
                None => {
                    saved.added += 1;
                    on_tx!(&mut tx, c => sqlx::query("INSERT INTO programme_indicators (plan_id, position, name, group_name, unit, target_number, \
                        target_text, direction, source_file, updated_at, updated_by) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)")
                        .bind(plan_id).bind(position).bind(&i.name).bind(&i.group).bind(i.unit.code()).bind(target_number(i))
                        .bind(&i.target_text).bind(i.direction.code()).bind(source_file).bind(&at).bind(actor)
                        .execute(&mut *c).await.map(|_| ())?);
                }
            }
        }
        tx.commit().await?;
        if saved.added + saved.changed > 0 {
            let r = self.plan_ref(plan_id).await?;
            self.audit_for(
                actor,
                "показатели программы загружены",
                &r.object,
                &format!(
                    "файл «{source_file}»: добавлено {}, изменено {}, без изменений {}",
                    saved.added, saved.changed, saved.unchanged
                ),
                r.municipality,
            )
            .await?;
        }
        Ok(saved)
    }

    /// The programme an indicator belongs to.
    pub async fn indicator_plan(&self, indicator_id: i64) -> Result<Option<i64>> {
        Ok(
            on_db!(self, p => sqlx::query_scalar("SELECT plan_id FROM programme_indicators WHERE id = $1")
            .bind(indicator_id).fetch_optional(p).await)?,
        )
    }

    /// The indicators of a programme in the passport's order.
    pub async fn indicators(&self, plan_id: i64) -> Result<Vec<StoredIndicator>> {
        self.indicator_rows("i.plan_id = $1", Some(plan_id)).await
    }

    /// The indicators of every programme the scope may see (as its plans),
    /// programme by programme.
    pub async fn indicators_in(&self, scope: &Scope) -> Result<Vec<StoredIndicator>> {
        self.indicator_rows(&plans_sql(scope, "p"), None).await
    }

    /// Indicators matching `cond`, which uses `$1` when `plan_id` is given.
    async fn indicator_rows(
        &self,
        cond: &str,
        plan_id: Option<i64>,
    ) -> Result<Vec<StoredIndicator>> {
        let sql = format!(
            "SELECT i.id, i.plan_id, p.title, i.name, i.group_name, i.unit, i.target_number, i.target_text, i.direction \
             FROM programme_indicators i JOIN plans p ON p.id = i.plan_id WHERE {cond} ORDER BY i.plan_id, i.position, i.id"
        );
        Ok(on_db!(self, p => {
            let query = sqlx::query(&sql);
            let query = match plan_id {
                Some(id) => query.bind(id),
                None => query,
            };
            query.fetch_all(p).await?.iter().map(|r| StoredIndicator {
                id: r.get(0), plan_id: r.get(1), programme: r.get(2), name: r.get(3), group: r.get(4), unit: r.get(5),
                target_number: r.get(6), target_text: r.get(7), direction: r.get(8),
            }).collect()
        }))
    }
}
