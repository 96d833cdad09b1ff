//! Self-assessment instruments: the region creates one (a diagnostic round
//! of its own with statements per competence area), opens and closes it;
//! a teacher answers it, and the answers are written as the teacher's
//! results of the round (`opora_staff::instruments::cells`), replacing
//! their earlier answers. Answers are personal data: writes are audited.

use super::audit_object;
use super::diagnostics::Round;
use super::teachers::{stored_date, Teacher};
use crate::audit::{audit_for_in, now_text};
use crate::{Db, Result, StoreError};
use opora_plans::date::Date;
use opora_staff::diagnostics::Competence;
use opora_staff::instruments::{cells, Item, SCALE};
use std::collections::HashMap;

/// An instrument with its statements.
#[derive(Debug, Clone, PartialEq)]
pub struct Instrument {
    pub id: i64,
    pub round: Round,
    /// The subject it is for; empty: the teacher names one of theirs.
    pub subject: String,
    pub open: bool,
    /// (item id, statement), in order.
    pub items: Vec<(i64, Item)>,
    /// Teachers who answered.
    pub answered: i64,
}

type InstrumentRow = (i64, i64, String, String, String, i64, i64);

impl Db {
    /// Every instrument, latest first.
    pub async fn instruments(&self) -> Result<Vec<Instrument>> {
        self.instruments_where(None).await
    }

    /// One instrument.
    pub async fn instrument(&self, id: i64) -> Result<Option<Instrument>> {
        Ok(self.instruments_where(Some(id)).await?.pop())
    }

    async fn instruments_where(&self, id: Option<i64>) -> Result<Vec<Instrument>> {
        let sql = "SELECT i.id, r.id, r.title, r.held_on, i.subject, i.open, \
             (SELECT COUNT(DISTINCT a.teacher_id) FROM instrument_answers a WHERE a.instrument_id = i.id) \
             FROM diagnostic_instruments i JOIN diagnostic_rounds r ON r.id = i.round_id \
             WHERE ($1 = 0 OR i.id = $1) ORDER BY r.held_on DESC, i.id DESC";
        let rows: Vec<InstrumentRow> =
            on_db!(self, p => sqlx::query_as(sql).bind(id.unwrap_or(0)).fetch_all(p).await?);
        let sql = "SELECT id, instrument_id, competence, text FROM instrument_items WHERE ($1 = 0 OR instrument_id = $1) ORDER BY position, id";
        let items: Vec<(i64, i64, String, String)> =
            on_db!(self, p => sqlx::query_as(sql).bind(id.unwrap_or(0)).fetch_all(p).await?);
        rows.into_iter()
            .map(|(id, round_id, title, on, subject, open, answered)| {
                Ok(Instrument {
                    id,
                    round: Round {
                        id: round_id,
                        title,
                        held_on: stored_date(&on)?,
                        self_assessment: true,
                    },
                    subject,
                    open: open != 0,
                    items: items
                        .iter()
                        .filter(|i| i.1 == id)
                        .map(|(item, _, c, text)| {
                            Ok((
                                *item,
                                Item {
                                    competence: Competence::from_code(c).ok_or_else(|| {
                                        StoreError::stored("область компетенций", c)
                                    })?,
                                    text: text.clone(),
                                },
                            ))
                        })
                        .collect::<Result<_>>()?,
                    answered,
                })
            })
            .collect()
    }

    /// Creates an instrument (and its round, dated `on`); a round of the
    /// same title is refused.
    pub async fn create_instrument(
        &self,
        title: &str,
        subject: &str,
        items: &[Item],
        on: Date,
        actor: &str,
    ) -> Result<i64> {
        let title = title.trim();
        if title.is_empty() {
            return Err(StoreError::Invalid(
                "укажите название самодиагностики".into(),
            ));
        }
        if items.is_empty() {
            return Err(StoreError::Invalid("нет ни одного утверждения".into()));
        }
        let exists = "SELECT COUNT(*) FROM diagnostic_rounds WHERE title = $1";
        let n: i64 = on_db!(self, p => sqlx::query_scalar(exists).bind(title).fetch_one(p).await?);
        if n > 0 {
            return Err(StoreError::Conflict(format!(
                "диагностика «{title}» уже есть; назовите самодиагностику иначе (например, добавьте год)"
            )));
        }
        let mut tx = self.begin().await?;
        let at = now_text();
        let sql = "INSERT INTO diagnostic_rounds (title, held_on, created_at, created_by) VALUES ($1, $2, $3, $4) RETURNING id";
        let round: i64 = on_tx!(&mut tx, c => sqlx::query_scalar(sql).bind(title).bind(on.iso()).bind(&at).bind(actor).fetch_one(&mut *c).await?);
        let sql = "INSERT INTO diagnostic_instruments (round_id, subject, created_at, created_by) VALUES ($1, $2, $3, $4) RETURNING id";
        let id: i64 = on_tx!(&mut tx, c => sqlx::query_scalar(sql).bind(round).bind(subject.trim()).bind(&at).bind(actor).fetch_one(&mut *c).await?);
        for (k, item) in items.iter().enumerate() {
            let sql = "INSERT INTO instrument_items (instrument_id, position, competence, text) VALUES ($1, $2, $3, $4)";
            on_tx!(&mut tx, c => sqlx::query(sql).bind(id).bind(k as i64).bind(item.competence.code()).bind(&item.text)
                .execute(&mut *c).await?.rows_affected());
        }
        audit_for_in(
            &mut tx,
            actor,
            "самодиагностика создана",
            &format!("самодиагностика {id}"),
            &format!("«{title}», утверждений: {}", items.len()),
            None,
        )
        .await?;
        tx.commit().await?;
        Ok(id)
    }

    /// Opens or closes an instrument for answers.
    pub async fn set_instrument_open(&self, id: i64, open: bool, actor: &str) -> Result<()> {
        let mut tx = self.begin().await?;
        let sql = "UPDATE diagnostic_instruments SET open = $1 WHERE id = $2";
        let n = on_tx!(&mut tx, c => sqlx::query(sql).bind(i64::from(open)).bind(id).execute(&mut *c).await?.rows_affected());
        if n == 0 {
            return Err(StoreError::NotFound(format!("самодиагностика {id}")));
        }
        let action = if open {
            "самодиагностика открыта"
        } else {
            "самодиагностика закрыта"
        };
        audit_for_in(
            &mut tx,
            actor,
            action,
            &format!("самодиагностика {id}"),
            "",
            None,
        )
        .await?;
        tx.commit().await
    }

    /// A teacher's answers to an instrument: the subject and, per item id,
    /// the answer (none before they answer).
    pub async fn instrument_answers(
        &self,
        instrument: &Instrument,
        teacher_id: i64,
    ) -> Result<Option<(String, HashMap<i64, u8>)>> {
        let sql = "SELECT item_id, subject, answer FROM instrument_answers WHERE instrument_id = $1 AND teacher_id = $2";
        let rows: Vec<(i64, String, i64)> = on_db!(self, p => sqlx::query_as(sql).bind(instrument.id).bind(teacher_id).fetch_all(p).await?);
        let Some(subject) = rows.first().map(|r| r.1.clone()) else {
            return Ok(None);
        };
        Ok(Some((
            subject,
            rows.into_iter().map(|(i, _, a)| (i, a as u8)).collect(),
        )))
    }

    /// Writes a teacher's answers (one per item, 1–4) for `subject`, and
    /// their results of the instrument's round, replacing earlier ones.
    pub async fn answer_instrument(
        &self,
        instrument: &Instrument,
        t: &Teacher,
        subject: &str,
        answers: &[u8],
        actor: &str,
    ) -> Result<()> {
        if !instrument.open {
            return Err(StoreError::Invalid(
                "самодиагностика закрыта: ответы больше не принимаются".into(),
            ));
        }
        if answers.len() != instrument.items.len()
            || answers.iter().any(|a| !(1..=SCALE.len() as u8).contains(a))
        {
            return Err(StoreError::Invalid(
                "оцените каждое утверждение по шкале от 1 до 4".into(),
            ));
        }
        let items: Vec<Item> = instrument.items.iter().map(|(_, i)| i.clone()).collect();
        let results = cells(subject, &items, answers);
        let mut tx = self.begin().await?;
        for table in ["instrument_answers", "diagnostic_results"] {
            let (column, id) = if table == "instrument_answers" {
                ("instrument_id", instrument.id)
            } else {
                ("round_id", instrument.round.id)
            };
            let sql = format!("DELETE FROM {table} WHERE {column} = $1 AND teacher_id = $2");
            on_tx!(&mut tx, c => sqlx::query(&sql).bind(id).bind(t.id).execute(&mut *c).await?.rows_affected());
        }
        for ((item, _), answer) in instrument.items.iter().zip(answers) {
            let sql = "INSERT INTO instrument_answers (instrument_id, teacher_id, item_id, subject, answer) VALUES ($1, $2, $3, $4, $5)";
            on_tx!(&mut tx, c => sqlx::query(sql).bind(instrument.id).bind(t.id).bind(item).bind(subject).bind(i64::from(*answer))
                .execute(&mut *c).await?.rows_affected());
        }
        for cell in &results {
            let sql = "INSERT INTO diagnostic_results (round_id, teacher_id, subject, competence, score, weak_topics) VALUES ($1, $2, $3, $4, $5, $6)";
            on_tx!(&mut tx, c => sqlx::query(sql).bind(instrument.round.id).bind(t.id).bind(&cell.subject)
                .bind(cell.competence.code()).bind(cell.score).bind(cell.weak_topics.join("; "))
                .execute(&mut *c).await?.rows_affected());
        }
        audit_for_in(
            &mut tx,
            actor,
            "самодиагностика пройдена",
            &audit_object(t.id, &t.fields.full_name),
            &format!("«{}», предмет: {subject}", instrument.round.title),
            Some(t.municipality_id),
        )
        .await?;
        tx.commit().await
    }
}
