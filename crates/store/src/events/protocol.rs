//! The protocol of an event: what was discussed (text) and the decisions
//! — each with its responsible and deadline as written — and a decision
//! turned into an activity of a roadmap in one action (the roadmap's own
//! edit, so the plan's version history records it too).

use super::audit_object;
use super::register::Event;
use crate::audit::{audit_for_in, now_text};
use crate::plans::PlanEdit;
use crate::{Db, Result, StoreError};
use opora_events::EventStatus;
use opora_plans::date::Date;
use opora_plans::edit::ActivityFields;

/// The roadmap section that decisions of events go to.
pub const DECISIONS_SECTION: &str = "Решения по итогам мероприятий";

/// What people write about a decision.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct DecisionFields {
    pub text: String,
    pub responsible: String,
    /// As written: «до 20.12.2026», «ежемесячно», «декабрь».
    pub deadline: String,
}

/// A decision of the protocol.
#[derive(Debug, Clone, PartialEq)]
pub struct Decision {
    pub id: i64,
    pub fields: DecisionFields,
    /// The roadmap activity it became.
    pub activity: Option<DecisionActivity>,
}

/// Where a decision went.
#[derive(Debug, Clone, PartialEq)]
pub struct DecisionActivity {
    pub activity_id: i64,
    pub plan_id: i64,
    pub plan_title: String,
}

impl Db {
    /// Saves the protocol's text (from the event's first day; a planned
    /// event becomes held).
    pub async fn save_protocol(
        &self,
        event: &Event,
        text: &str,
        today: Date,
        actor: &str,
    ) -> Result<()> {
        let held = self.ready_for_protocol(event, today)?;
        let mut tx = self.begin().await?;
        on_tx!(&mut tx, c => sqlx::query(
            "UPDATE events SET protocol = $1, status = $2, updated_at = $3, updated_by = $4 WHERE id = $5")
            .bind(text.trim()).bind(held.code()).bind(now_text()).bind(actor).bind(event.id)
            .execute(&mut *c).await?.rows_affected());
        audit_for_in(
            &mut tx,
            actor,
            "протокол мероприятия сохранён",
            &audit_object(event.id, &event.fields.title),
            &format!("{} знаков", text.trim().chars().count()),
            event.fields.municipality_id,
        )
        .await?;
        tx.commit().await
    }

    /// The protocol's decisions, in the order written.
    pub async fn event_decisions(&self, event_id: i64) -> Result<Vec<Decision>> {
        let sql = "SELECT d.id, d.text, d.responsible, d.deadline, a.id, p.id, p.title FROM event_decisions d \
                   LEFT JOIN plan_activities a ON a.id = d.activity_id LEFT JOIN plans p ON p.id = a.plan_id \
                   WHERE d.event_id = $1 ORDER BY d.id";
        type Row = (
            i64,
            String,
            String,
            String,
            Option<i64>,
            Option<i64>,
            Option<String>,
        );
        let rows: Vec<Row> =
            on_db!(self, p => sqlx::query_as(sql).bind(event_id).fetch_all(p).await?);
        Ok(rows
            .into_iter()
            .map(
                |(id, text, responsible, deadline, activity, plan, title)| Decision {
                    id,
                    fields: DecisionFields {
                        text,
                        responsible,
                        deadline,
                    },
                    activity: match (activity, plan) {
                        (Some(activity_id), Some(plan_id)) => Some(DecisionActivity {
                            activity_id,
                            plan_id,
                            plan_title: title.unwrap_or_default(),
                        }),
                        _ => None,
                    },
                },
            )
            .collect())
    }

    /// Adds a decision to the protocol.
    pub async fn add_decision(
        &self,
        event: &Event,
        f: &DecisionFields,
        today: Date,
        actor: &str,
    ) -> Result<i64> {
        self.ready_for_protocol(event, today)?;
        let text = f.text.trim();
        if text.is_empty() {
            return Err(StoreError::Invalid("решение: заполните текст".into()));
        }
        let mut tx = self.begin().await?;
        let id: i64 = on_tx!(&mut tx, c => sqlx::query_scalar(
            "INSERT INTO event_decisions (event_id, text, responsible, deadline, created_at, created_by) \
             VALUES ($1, $2, $3, $4, $5, $6) RETURNING id")
            .bind(event.id).bind(text).bind(f.responsible.trim()).bind(f.deadline.trim())
            .bind(now_text()).bind(actor).fetch_one(&mut *c).await?);
        audit_for_in(
            &mut tx,
            actor,
            "решение мероприятия добавлено",
            &audit_object(event.id, &event.fields.title),
            text,
            event.fields.municipality_id,
        )
        .await?;
        tx.commit().await?;
        Ok(id)
    }

    /// Deletes a decision that has not become an activity.
    pub async fn delete_decision(
        &self,
        event: &Event,
        decision_id: i64,
        actor: &str,
    ) -> Result<()> {
        let d = self.decision(event, decision_id).await?;
        if d.activity.is_some() {
            return Err(StoreError::Invalid(
                "решение уже перенесено в дорожную карту: отмените мероприятие плана, а решение останется в протоколе".into(),
            ));
        }
        let mut tx = self.begin().await?;
        on_tx!(&mut tx, c => sqlx::query("DELETE FROM event_decisions WHERE id = $1 AND event_id = $2")
            .bind(decision_id).bind(event.id).execute(&mut *c).await?.rows_affected());
        audit_for_in(
            &mut tx,
            actor,
            "решение мероприятия удалено",
            &audit_object(event.id, &event.fields.title),
            &d.fields.text,
            event.fields.municipality_id,
        )
        .await?;
        tx.commit().await
    }

    /// Turns a decision into an activity at the end of the section
    /// [`DECISIONS_SECTION`] of plan `plan_id` (added when the plan has
    /// none), the plan read at `plan_version`; the caller has checked it
    /// may edit the plan. Returns the activity's id.
    pub async fn decision_to_activity(
        &self,
        event: &Event,
        decision_id: i64,
        plan_id: i64,
        plan_version: i64,
        actor: &str,
    ) -> Result<i64> {
        let d = self.decision(event, decision_id).await?;
        if let Some(a) = &d.activity {
            return Err(StoreError::Conflict(format!(
                "решение уже перенесено в план «{}»",
                a.plan_title
            )));
        }
        let f = &event.fields;
        let fields = ActivityFields {
            number: String::new(),
            text: d.fields.text.clone(),
            deadline: d.fields.deadline.clone(),
            responsible: d.fields.responsible.clone(),
            form: format!(
                "решение: {} «{}», {}",
                f.kind.title(),
                f.title,
                f.schedule.starts_on.ru()
            ),
            result: String::new(),
        };
        let (section_id, version) = self.decisions_section(plan_id, plan_version, actor).await?;
        let edited = self
            .edit_plan(
                plan_id,
                version,
                &PlanEdit::AddActivity {
                    section_id: Some(section_id),
                    fields,
                },
                actor,
            )
            .await?;
        let activity = edited
            .activity_id
            .ok_or_else(|| StoreError::InvalidStored("правка не вернула мероприятие".into()))?;
        let linked = on_db!(self, p => sqlx::query(
            "UPDATE event_decisions SET activity_id = $1 WHERE id = $2 AND activity_id IS NULL")
            .bind(activity).bind(decision_id).execute(p).await?.rows_affected());
        if linked == 0 {
            // Someone transferred it a moment earlier: the plan keeps both
            // activities, and the refusal says so.
            return Err(StoreError::Conflict(
                "решение уже перенесено другим пользователем: проверьте план, одно из двух мероприятий лишнее".into(),
            ));
        }
        self.audit_for(
            actor,
            "решение мероприятия перенесено в дорожную карту",
            &audit_object(event.id, &f.title),
            &format!("{} → план {plan_id}, мероприятие {activity}", d.fields.text),
            f.municipality_id,
        )
        .await?;
        Ok(activity)
    }

    /// The plan's section of decisions and the plan's version once it
    /// exists (adding it is a version of its own).
    async fn decisions_section(
        &self,
        plan_id: i64,
        version: i64,
        actor: &str,
    ) -> Result<(i64, i64)> {
        let plan = self
            .plan(plan_id)
            .await?
            .ok_or_else(|| StoreError::NotFound(format!("план № {plan_id}")))?;
        let found = plan
            .sections
            .iter()
            .find(|s| s.title == DECISIONS_SECTION)
            .and_then(|s| s.id);
        if let Some(id) = found {
            return Ok((id, version));
        }
        let edited = self
            .edit_plan(
                plan_id,
                version,
                &PlanEdit::AddSection {
                    number: String::new(),
                    title: DECISIONS_SECTION.into(),
                },
                actor,
            )
            .await?;
        let id = edited
            .section_id
            .ok_or_else(|| StoreError::InvalidStored("правка не вернула раздел".into()))?;
        Ok((id, edited.version))
    }

    async fn decision(&self, event: &Event, decision_id: i64) -> Result<Decision> {
        self.event_decisions(event.id)
            .await?
            .into_iter()
            .find(|d| d.id == decision_id)
            .ok_or_else(|| StoreError::NotFound(format!("решение {decision_id}")))
    }

    /// A protocol is written from the event's first day, not for a
    /// cancelled one; returns the state the event has once it is written.
    fn ready_for_protocol(&self, event: &Event, today: Date) -> Result<EventStatus> {
        match event.status {
            EventStatus::Cancelled => Err(StoreError::Invalid(
                "мероприятие отменено: протокол не ведут".into(),
            )),
            _ if event.fields.schedule.starts_on > today => Err(StoreError::Invalid(format!(
                "мероприятие назначено на {}: протокол пишут с этого дня",
                event.fields.schedule.starts_on.ru()
            ))),
            _ => Ok(EventStatus::Held),
        }
    }
}
