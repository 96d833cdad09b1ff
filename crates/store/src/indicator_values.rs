//! The facts of programme indicators (issue 12), one aggregate: a
//! programme's periods («февраль 2027», «июнь 2027»), each indicator's
//! source (a formula over Opora's data, or entered by hand), and its value
//! per period with the lists of schools behind it.
//!
//! While a period is open its computed values follow the data: each
//! computation that changes a value writes it with a line of history that
//! says what changed. Closing a period freezes its values: later changes to
//! the data, answers or formulas do not rewrite them, and entering a value
//! by hand is refused.

use crate::audit::now_text;
use crate::{Db, Result, StoreError};
use opora_indicators::formula::{Evaluation, Explained, Formula, Role};
use opora_plans::date::Date;
use serde::Serialize;
use sqlx::Row;

/// Where an indicator's value comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Source {
    /// Not set yet.
    None,
    /// Computed by a formula over Opora's data (campaign answers included).
    Formula,
    /// Entered by hand with a source note.
    Manual,
}

impl Source {
    pub fn code(self) -> &'static str {
        match self {
            Source::None => "none",
            Source::Formula => "formula",
            Source::Manual => "manual",
        }
    }
    pub fn from_code(code: &str) -> Option<Source> {
        [Source::None, Source::Formula, Source::Manual]
            .into_iter()
            .find(|s| s.code() == code)
    }
    pub fn title(self) -> &'static str {
        match self {
            Source::None => "не задан",
            Source::Formula => "расчёт по данным Опоры",
            Source::Manual => "вводится вручную",
        }
    }
}

/// A period of a programme.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Period {
    pub id: i64,
    pub plan_id: i64,
    pub title: String,
    pub ends_on: Date,
    /// When it was closed (its values frozen); `None` while open.
    pub closed_at: Option<String>,
    pub closed_by: String,
}

/// An indicator's value in a period.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct IndicatorValue {
    pub indicator_id: i64,
    pub period_id: i64,
    pub value: Option<f64>,
    /// The value as written («да», «45,5»); empty when there is none.
    pub value_text: String,
    pub numerator: Option<i64>,
    pub denominator: Option<i64>,
    /// The schools behind a computed value (outside the denominator dropped).
    pub lists: Vec<Explained>,
    pub note: String,
    pub document: String,
    pub at: String,
    pub actor: String,
}

/// A line of a value's history.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ValueChange {
    pub value_text: String,
    pub why: String,
    pub at: String,
    pub actor: String,
}

/// A manual value to enter.
#[derive(Debug, Clone)]
pub struct ManualValue<'a> {
    pub value: Option<f64>,
    pub value_text: &'a str,
    pub note: &'a str,
    pub document: &'a str,
}

/// The text of a computed value: a number with a decimal comma.
fn value_text(v: Option<f64>) -> String {
    v.map(|v| opora_indicators::campaign::number_text((v * 100.0).round() / 100.0))
        .unwrap_or_default()
}

impl Db {
    /// Adds a period to a programme (its title unique within it).
    pub async fn add_period(
        &self,
        plan_id: i64,
        title: &str,
        ends_on: Date,
        actor: &str,
    ) -> Result<i64> {
        let title = title.trim();
        if title.is_empty() {
            return Err(StoreError::Invalid(
                "укажите название периода («февраль 2027»)".into(),
            ));
        }
        if self
            .periods(plan_id)
            .await?
            .iter()
            .any(|p| p.title == title)
        {
            return Err(StoreError::Invalid(format!(
                "период «{title}» у программы уже есть"
            )));
        }
        let id: i64 = on_db!(self, p => sqlx::query_scalar("INSERT INTO indicator_periods (plan_id, title, ends_on) VALUES ($1, $2, $3) RETURNING id")
            .bind(plan_id).bind(title).bind(ends_on.iso()).fetch_one(p).await)?;
        let r = self.plan_ref(plan_id).await?;
        self.audit_for(
            actor,
            "период показателей добавлен",
            &r.object,
            title,
            r.municipality,
        )
        .await?;
        Ok(id)
    }

    /// The programme's periods by end date.
    pub async fn periods(&self, plan_id: i64) -> Result<Vec<Period>> {
        let sql = "SELECT id, plan_id, title, ends_on, closed_at, closed_by FROM indicator_periods WHERE plan_id = $1 ORDER BY ends_on, id";
        on_db!(self, p => sqlx::query(sql).bind(plan_id).fetch_all(p).await?.iter().map(|r| -> Result<Period> {
            let ends: String = r.get(3);
            Ok(Period {
                id: r.get(0), plan_id: r.get(1), title: r.get(2),
                ends_on: Date::parse(&ends).ok_or_else(|| StoreError::Invalid(format!("дата «{ends}» в базе повреждена")))?,
                closed_at: r.get(4), closed_by: r.get(5),
            })
        }).collect())
    }

    async fn period(&self, period_id: i64) -> Result<Period> {
        let plan_id: Option<i64> = on_db!(self, p => sqlx::query_scalar("SELECT plan_id FROM indicator_periods WHERE id = $1")
            .bind(period_id).fetch_optional(p).await)?;
        let plan_id =
            plan_id.ok_or_else(|| StoreError::NotFound(format!("период № {period_id}")))?;
        self.periods(plan_id)
            .await?
            .into_iter()
            .find(|p| p.id == period_id)
            .ok_or_else(|| StoreError::NotFound(format!("период № {period_id}")))
    }

    async fn open_period(&self, period_id: i64) -> Result<Period> {
        let p = self.period(period_id).await?;
        if p.closed_at.is_some() {
            return Err(StoreError::Invalid(format!(
                "период «{}» закрыт, его значения заморожены",
                p.title
            )));
        }
        Ok(p)
    }

    /// Closes a period: its values are frozen from now on.
    pub async fn close_period(&self, period_id: i64, actor: &str) -> Result<()> {
        let p = self.open_period(period_id).await?;
        on_db!(self, c => sqlx::query("UPDATE indicator_periods SET closed_at = $1, closed_by = $2 WHERE id = $3")
            .bind(now_text()).bind(actor).bind(period_id).execute(c).await.map(|_| ()))?;
        let r = self.plan_ref(p.plan_id).await?;
        self.audit_for(
            actor,
            "период показателей закрыт",
            &r.object,
            &p.title,
            r.municipality,
        )
        .await
    }

    /// Sets where an indicator's value comes from. A formula is stored as
    /// written, comments included (the caller has checked it against the
    /// dictionary; it is read again against the dictionary of the day).
    pub async fn set_indicator_source(
        &self,
        indicator_id: i64,
        source: Source,
        formula: &str,
        actor: &str,
    ) -> Result<()> {
        let text = if source == Source::Formula {
            formula.trim().to_string()
        } else {
            String::new()
        };
        let plan_id: Option<i64> = on_db!(self, p => sqlx::query_scalar("SELECT plan_id FROM programme_indicators WHERE id = $1")
            .bind(indicator_id).fetch_optional(p).await)?;
        let plan_id =
            plan_id.ok_or_else(|| StoreError::NotFound(format!("показатель № {indicator_id}")))?;
        on_db!(self, c => sqlx::query("UPDATE programme_indicators SET source = $1, formula = $2, updated_at = $3, updated_by = $4 WHERE id = $5")
            .bind(source.code()).bind(&text).bind(now_text()).bind(actor).bind(indicator_id).execute(c).await.map(|_| ()))?;
        let r = self.plan_ref(plan_id).await?;
        self.audit_for(
            actor,
            "источник показателя изменён",
            &r.object,
            &format!(
                "показатель № {indicator_id}: {}{}",
                source.title(),
                if text.is_empty() {
                    String::new()
                } else {
                    format!("; формула: {}", text.replace('\n', "; "))
                }
            ),
            r.municipality,
        )
        .await
    }

    /// An indicator's source and formula text.
    pub async fn indicator_source(&self, indicator_id: i64) -> Result<(Source, String)> {
        let row: Option<(String, String)> = on_db!(self, p => sqlx::query("SELECT source, formula FROM programme_indicators WHERE id = $1")
            .bind(indicator_id).fetch_optional(p).await?.map(|r| (r.get(0), r.get(1))));
        let (source, formula) =
            row.ok_or_else(|| StoreError::NotFound(format!("показатель № {indicator_id}")))?;
        Ok((Source::from_code(&source).unwrap_or(Source::None), formula))
    }

    /// Enters a value by hand (refused in a closed period).
    pub async fn enter_value(
        &self,
        indicator_id: i64,
        period_id: i64,
        v: &ManualValue<'_>,
        actor: &str,
    ) -> Result<()> {
        self.open_period(period_id).await?;
        if v.note.trim().is_empty() {
            return Err(StoreError::Invalid(
                "укажите источник значения: откуда оно взято (отчёт, приказ, протокол)".into(),
            ));
        }
        let why = format!("введено вручную; источник: {}", v.note.trim());
        self.write_value(
            indicator_id,
            period_id,
            v.value,
            v.value_text.trim(),
            None,
            None,
            &[],
            v.note.trim(),
            v.document.trim(),
            &why,
            actor,
        )
        .await
        .map(|_| ())
    }

    /// Writes a computed value when it differs from the stored one (open
    /// periods only); returns whether it changed.
    pub async fn record_computed(
        &self,
        indicator_id: i64,
        period_id: i64,
        e: &Evaluation,
        actor: &str,
    ) -> Result<bool> {
        self.open_period(period_id).await?;
        let lists: Vec<Explained> = e
            .rows
            .iter()
            .filter(|r| r.role != Role::Outside)
            .cloned()
            .collect();
        let old = self.indicator_value(indicator_id, period_id).await?;
        let text = value_text(e.value);
        let why = match &old {
            Some(o) if o.value_text == text && o.lists == lists => return Ok(false),
            Some(o) if o.value_text == text => {
                "пересчёт: изменились списки школ при том же значении".to_string()
            }
            Some(o) => format!(
                "пересчёт по данным: было {} ({} из {}), стало {} ({} из {})",
                if o.value_text.is_empty() {
                    "—"
                } else {
                    &o.value_text
                },
                o.numerator.unwrap_or(0),
                o.denominator.unwrap_or(0),
                if text.is_empty() { "—" } else { &text },
                e.numerator,
                e.denominator
            ),
            None => format!(
                "первый расчёт: {} ({} из {})",
                if text.is_empty() { "—" } else { &text },
                e.numerator,
                e.denominator
            ),
        };
        self.write_value(
            indicator_id,
            period_id,
            e.value,
            &text,
            Some(e.numerator as i64),
            Some(e.denominator as i64),
            &lists,
            "",
            "",
            &why,
            actor,
        )
        .await?;
        Ok(true)
    }

    #[allow(clippy::too_many_arguments)]
    async fn write_value(
        &self,
        indicator_id: i64,
        period_id: i64,
        value: Option<f64>,
        text: &str,
        numerator: Option<i64>,
        denominator: Option<i64>,
        lists: &[Explained],
        note: &str,
        document: &str,
        why: &str,
        actor: &str,
    ) -> Result<bool> {
        let at = now_text();
        let lists = serde_json::to_string(lists).map_err(|e| StoreError::Invalid(e.to_string()))?;
        let mut tx = self.begin().await?;
        on_tx!(&mut tx, c => sqlx::query("INSERT INTO indicator_values (indicator_id, period_id, value, value_text, numerator, denominator, lists, note, document, at, actor) \
            VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) ON CONFLICT (indicator_id, period_id) DO UPDATE SET value = excluded.value, \
            value_text = excluded.value_text, numerator = excluded.numerator, denominator = excluded.denominator, lists = excluded.lists, \
            note = excluded.note, document = excluded.document, at = excluded.at, actor = excluded.actor")
            .bind(indicator_id).bind(period_id).bind(value).bind(text).bind(numerator).bind(denominator).bind(&lists)
            .bind(note).bind(document).bind(&at).bind(actor).execute(&mut *c).await.map(|_| ()))?;
        on_tx!(&mut tx, c => sqlx::query("INSERT INTO indicator_value_history (indicator_id, period_id, value_text, why, at, actor) VALUES ($1, $2, $3, $4, $5, $6)")
            .bind(indicator_id).bind(period_id).bind(text).bind(why).bind(&at).bind(actor).execute(&mut *c).await.map(|_| ()))?;
        tx.commit().await?;
        Ok(true)
    }

    /// One indicator's value in a period.
    pub async fn indicator_value(
        &self,
        indicator_id: i64,
        period_id: i64,
    ) -> Result<Option<IndicatorValue>> {
        Ok(self
            .value_rows(
                "v.indicator_id = $1 AND v.period_id = $2",
                indicator_id,
                Some(period_id),
            )
            .await?
            .pop())
    }

    /// Every value of a programme's indicators.
    pub async fn programme_values(&self, plan_id: i64) -> Result<Vec<IndicatorValue>> {
        self.value_rows("i.plan_id = $1", plan_id, None).await
    }

    async fn value_rows(
        &self,
        cond: &str,
        first: i64,
        second: Option<i64>,
    ) -> Result<Vec<IndicatorValue>> {
        let sql = format!(
            "SELECT v.indicator_id, v.period_id, v.value, v.value_text, v.numerator, v.denominator, v.lists, v.note, v.document, v.at, v.actor \
             FROM indicator_values v JOIN programme_indicators i ON i.id = v.indicator_id WHERE {cond} ORDER BY v.indicator_id, v.period_id"
        );
        on_db!(self, p => {
            let q = sqlx::query(&sql).bind(first);
            let q = match second { Some(s) => q.bind(s), None => q };
            q.fetch_all(p).await?.iter().map(|r| -> Result<IndicatorValue> {
                let lists: String = r.get(6);
                Ok(IndicatorValue {
                    indicator_id: r.get(0), period_id: r.get(1), value: r.get(2), value_text: r.get(3),
                    numerator: r.get(4), denominator: r.get(5),
                    lists: serde_json::from_str(&lists).map_err(|e| StoreError::Invalid(format!("списки показателя в базе повреждены: {e}")))?,
                    note: r.get(7), document: r.get(8), at: r.get(9), actor: r.get(10),
                })
            }).collect()
        })
    }

    /// How a value came to be, oldest first.
    pub async fn value_history(
        &self,
        indicator_id: i64,
        period_id: i64,
    ) -> Result<Vec<ValueChange>> {
        let sql = "SELECT value_text, why, at, actor FROM indicator_value_history WHERE indicator_id = $1 AND period_id = $2 ORDER BY id";
        Ok(
            on_db!(self, p => sqlx::query(sql).bind(indicator_id).bind(period_id).fetch_all(p).await?.iter().map(|r| ValueChange {
            value_text: r.get(0), why: r.get(1), at: r.get(2), actor: r.get(3),
        }).collect()),
        )
    }

    /// Computes every formula indicator of a programme in each open period
    /// and records what changed; returns how many values changed. A formula
    /// that no longer fits the dictionary (a campaign field removed) is
    /// skipped and reported by the page that shows it.
    pub async fn compute_programme(&self, plan_id: i64, actor: &str) -> Result<usize> {
        let indicators = self.indicators(plan_id).await?;
        let mut changed = 0;
        for period in self
            .periods(plan_id)
            .await?
            .into_iter()
            .filter(|p| p.closed_at.is_none())
        {
            let facts = self.school_facts(plan_id, &period.title).await?;
            let defs = facts.defs();
            for i in &indicators {
                let (source, text) = self.indicator_source(i.id).await?;
                if source != Source::Formula {
                    continue;
                }
                let Ok(formula) = Formula::parse(&text, &defs) else {
                    continue;
                };
                let e = formula.evaluate(&facts.schools);
                if self.record_computed(i.id, period.id, &e, actor).await? {
                    changed += 1;
                }
            }
        }
        Ok(changed)
    }
}
