//! The register of events: their owner (the region, a municipality or a
//! school), kind, schedule, place, organiser, target schools, materials and
//! state. Creating and editing check every school id against the caller's
//! scope; holding and cancelling keep the record.

use super::{audit_object, events_sql};
use crate::audit::{audit_for_in, now_text};
use crate::scope::Scope;
use crate::staff::teachers::stored_date;
use crate::{Db, Result, StoreError};
use opora_events::model::check_certificate;
use opora_events::schedule::{parse_time, time_text, Time};
use opora_events::{EventKind, EventLevel, EventStatus, Schedule};
use opora_plans::date::Date;
use sqlx::Row;
use std::collections::HashMap;

/// What people write about an event.
#[derive(Debug, Clone, PartialEq)]
pub struct EventFields {
    /// The topic.
    pub title: String,
    pub kind: EventKind,
    pub level: EventLevel,
    pub schedule: Schedule,
    pub place: String,
    /// Who runs it («ЦНППМ», «МКУ «ИМЦ»», a school).
    pub organiser: String,
    /// The owning municipality of a municipal event (a school's event
    /// takes its school's).
    pub municipality_id: Option<i64>,
    /// The owning school of a school's event.
    pub school_id: Option<i64>,
    pub description: String,
    /// Links to the programme, presentations, recordings.
    pub materials: String,
    pub hours: Option<u32>,
    /// Gives a certificate of further education: attending writes a course.
    pub certificate: bool,
    /// The schools it is for.
    pub school_ids: Vec<i64>,
}

/// A school an event is for.
#[derive(Debug, Clone, PartialEq)]
pub struct Target {
    pub id: i64,
    pub code: String,
    pub short_name: String,
    pub municipality_id: i64,
}

/// Participants by attendance.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Counts {
    pub invited: i64,
    pub attended: i64,
    pub absent: i64,
}

impl Counts {
    pub fn total(&self) -> i64 {
        self.invited + self.attended + self.absent
    }
}

/// An event as its pages show it.
#[derive(Debug, Clone, PartialEq)]
pub struct Event {
    pub id: i64,
    pub fields: EventFields,
    pub status: EventStatus,
    pub protocol: String,
    pub cancel_reason: String,
    /// «Министерство образования», a municipality's or a school's name.
    pub owner: String,
    pub targets: Vec<Target>,
    pub counts: Counts,
    pub created_by: String,
    pub updated_at: String,
    pub updated_by: String,
}

/// Which events a list shows.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct EventFilter {
    /// Events that take place on or after this day (any of their days).
    pub from: Option<Date>,
    /// …and on or before this one.
    pub to: Option<Date>,
    /// Owned by or for schools of this municipality.
    pub municipality_id: Option<i64>,
    /// Owned by or for this school.
    pub school_id: Option<i64>,
    pub kind: Option<EventKind>,
}

const COLUMNS: &str = "e.id, e.title, e.kind, e.level, e.status, e.starts_on, e.ends_on, e.starts_at, e.ends_at, \
    e.place, e.organiser, e.municipality_id, e.school_id, e.description, e.materials, e.hours, e.certificate, \
    e.protocol, e.cancel_reason, e.created_by, e.updated_at, e.updated_by, \
    COALESCE((SELECT s.short_name FROM schools s WHERE s.id = e.school_id), \
             (SELECT m.name FROM municipalities m WHERE m.id = e.municipality_id), '')";

fn stored_time(text: Option<String>) -> Result<Option<Time>> {
    let Some(t) = text else { return Ok(None) };
    parse_time(&t).map_err(|_| StoreError::stored("время мероприятия", &t))
}

macro_rules! event_from_row {
    ($r:expr) => {{
        let r = $r;
        let kind: String = r.get(2);
        let level: String = r.get(3);
        let status: String = r.get(4);
        let starts: String = r.get(5);
        let ends: Option<String> = r.get(6);
        let schedule = Schedule {
            starts_on: stored_date(&starts)?,
            ends_on: ends.as_deref().map(stored_date).transpose()?,
            starts_at: stored_time(r.get(7))?,
            ends_at: stored_time(r.get(8))?,
        };
        let hours: Option<i64> = r.get(15);
        let owner: String = r.get(22);
        Event {
            id: r.get(0),
            fields: EventFields {
                title: r.get(1),
                kind: EventKind::from_code(&kind)
                    .ok_or_else(|| StoreError::stored("вид мероприятия", &kind))?,
                level: EventLevel::from_code(&level)
                    .ok_or_else(|| StoreError::stored("уровень мероприятия", &level))?,
                schedule,
                place: r.get(9),
                organiser: r.get(10),
                municipality_id: r.get(11),
                school_id: r.get(12),
                description: r.get(13),
                materials: r.get(14),
                hours: hours.and_then(|h| u32::try_from(h).ok()),
                certificate: r.get::<i64, _>(16) != 0,
                school_ids: Vec::new(),
            },
            status: EventStatus::from_code(&status)
                .ok_or_else(|| StoreError::stored("состояние мероприятия", &status))?,
            protocol: r.get(17),
            cancel_reason: r.get(18),
            created_by: r.get(19),
            updated_at: r.get(20),
            updated_by: r.get(21),
            owner: if owner.is_empty() {
                "регион".to_string()
            } else {
                owner
            },
            targets: Vec::new(),
            counts: Counts::default(),
        }
    }};
}

/// The values an insert or update writes, in the order of [`WRITE_COLUMNS`].
const WRITE_COLUMNS: [&str; 15] = [
    "title",
    "kind",
    "level",
    "starts_on",
    "ends_on",
    "starts_at",
    "ends_at",
    "place",
    "organiser",
    "municipality_id",
    "school_id",
    "description",
    "materials",
    "hours",
    "certificate",
];

/// Binds the values of [`WRITE_COLUMNS`] to a query, in order.
macro_rules! bind_fields {
    ($q:expr, $f:expr) => {{
        let f: &EventFields = $f;
        let s = &f.schedule;
        $q.bind(&f.title)
            .bind(f.kind.code())
            .bind(f.level.code())
            .bind(s.starts_on.iso())
            .bind(s.ends_on.map(|d| d.iso()))
            .bind(s.starts_at.map(time_text))
            .bind(s.ends_at.map(time_text))
            .bind(f.place.trim())
            .bind(f.organiser.trim())
            .bind(f.municipality_id)
            .bind(f.school_id)
            .bind(f.description.trim())
            .bind(f.materials.trim())
            .bind(f.hours.map(i64::from))
            .bind(i64::from(f.certificate))
    }};
}

impl Db {
    /// The events the caller sees that meet `filter`, by start.
    pub async fn events(&self, scope: &Scope, filter: &EventFilter) -> Result<Vec<Event>> {
        let mut cond = vec![events_sql(scope)];
        let mut binds: Vec<String> = Vec::new();
        if let Some(from) = filter.from {
            binds.push(from.iso());
            cond.push(format!(
                "COALESCE(e.ends_on, e.starts_on) >= ${}",
                binds.len()
            ));
        }
        if let Some(to) = filter.to {
            binds.push(to.iso());
            cond.push(format!("e.starts_on <= ${}", binds.len()));
        }
        if let Some(kind) = filter.kind {
            binds.push(kind.code().to_string());
            cond.push(format!("e.kind = ${}", binds.len()));
        }
        if let Some(m) = filter.municipality_id {
            cond.push(format!(
                "(e.municipality_id = {m} OR EXISTS (SELECT 1 FROM event_schools es JOIN schools s ON s.id = es.school_id \
                 WHERE es.event_id = e.id AND s.municipality_id = {m}))"
            ));
        }
        if let Some(s) = filter.school_id {
            cond.push(format!(
                "(e.school_id = {s} OR EXISTS (SELECT 1 FROM event_schools es WHERE es.event_id = e.id AND es.school_id = {s}))"
            ));
        }
        let sql = format!(
            "SELECT {COLUMNS} FROM events e WHERE {} ORDER BY e.starts_on, COALESCE(e.starts_at, ''), e.id",
            cond.join(" AND ")
        );
        let mut events = on_db!(self, p => {
            let mut q = sqlx::query(&sql);
            for b in &binds {
                q = q.bind(b);
            }
            let rows = q.fetch_all(p).await?;
            let mut out = Vec::with_capacity(rows.len());
            for r in &rows {
                out.push(event_from_row!(r));
            }
            out
        });
        self.complete_events(&mut events).await?;
        Ok(events)
    }

    /// One event the caller sees.
    pub async fn event(&self, scope: &Scope, id: i64) -> Result<Option<Event>> {
        let sql = format!(
            "SELECT {COLUMNS} FROM events e WHERE e.id = $1 AND {}",
            events_sql(scope)
        );
        let event = on_db!(self, p => match sqlx::query(&sql).bind(id).fetch_optional(p).await? {
            Some(r) => Some(event_from_row!(&r)),
            None => None,
        });
        let Some(event) = event else { return Ok(None) };
        let mut events = vec![event];
        self.complete_events(&mut events).await?;
        Ok(events.pop())
    }

    /// Fills in the targets and the participants' counts.
    async fn complete_events(&self, events: &mut [Event]) -> Result<()> {
        if events.is_empty() {
            return Ok(());
        }
        let ids = events
            .iter()
            .map(|e| e.id.to_string())
            .collect::<Vec<_>>()
            .join(", ");
        let sql = format!(
            "SELECT es.event_id, s.id, s.code, s.short_name, s.municipality_id FROM event_schools es \
             JOIN schools s ON s.id = es.school_id WHERE es.event_id IN ({ids}) ORDER BY s.short_name, s.id"
        );
        let rows: Vec<(i64, i64, String, String, i64)> =
            on_db!(self, p => sqlx::query_as(&sql).fetch_all(p).await?);
        let mut targets: HashMap<i64, Vec<Target>> = HashMap::new();
        for (event, id, code, short_name, municipality_id) in rows {
            targets.entry(event).or_default().push(Target {
                id,
                code,
                short_name,
                municipality_id,
            });
        }
        let sql = format!(
            "SELECT event_id, attendance, COUNT(*) FROM event_participants WHERE event_id IN ({ids}) GROUP BY event_id, attendance"
        );
        let rows: Vec<(i64, String, i64)> =
            on_db!(self, p => sqlx::query_as(&sql).fetch_all(p).await?);
        let mut counts: HashMap<i64, Counts> = HashMap::new();
        for (event, attendance, n) in rows {
            let c = counts.entry(event).or_default();
            match attendance.as_str() {
                "attended" => c.attended = n,
                "absent" => c.absent = n,
                _ => c.invited = n,
            }
        }
        for e in events {
            e.targets = targets.remove(&e.id).unwrap_or_default();
            e.fields.school_ids = e.targets.iter().map(|t| t.id).collect();
            e.counts = counts.remove(&e.id).unwrap_or_default();
        }
        Ok(())
    }

    /// Registers an event; the owner and every target school must be in
    /// the caller's scope.
    pub async fn create_event(&self, scope: &Scope, f: &EventFields, actor: &str) -> Result<i64> {
        let f = self.checked(scope, f).await?;
        let at = now_text();
        let mut columns: Vec<&str> = WRITE_COLUMNS.to_vec();
        columns.extend(["created_at", "created_by", "updated_at", "updated_by"]);
        let placeholders = (1..=columns.len())
            .map(|i| format!("${i}"))
            .collect::<Vec<_>>()
            .join(", ");
        let sql = format!(
            "INSERT INTO events ({}) VALUES ({placeholders}) RETURNING id",
            columns.join(", ")
        );
        let mut tx = self.begin().await?;
        let id: i64 = on_tx!(&mut tx, c => bind_fields!(sqlx::query_scalar(&sql), &f)
            .bind(&at).bind(actor).bind(&at).bind(actor).fetch_one(&mut *c).await?);
        write_targets(&mut tx, id, &f.school_ids).await?;
        audit_for_in(
            &mut tx,
            actor,
            "мероприятие создано",
            &audit_object(id, &f.title),
            &describe(&f),
            f.municipality_id,
        )
        .await?;
        tx.commit().await?;
        Ok(id)
    }

    /// Changes an event's fields and targets (not of a cancelled one).
    pub async fn edit_event(
        &self,
        scope: &Scope,
        event: &Event,
        f: &EventFields,
        actor: &str,
    ) -> Result<()> {
        if event.status == EventStatus::Cancelled {
            return Err(StoreError::Invalid(
                "мероприятие отменено: его не редактируют (верните его в план, если оно всё же состоится)".into(),
            ));
        }
        let f = self.checked(scope, f).await?;
        let set = WRITE_COLUMNS
            .iter()
            .enumerate()
            .map(|(i, c)| format!("{c} = ${}", i + 1))
            .collect::<Vec<_>>()
            .join(", ");
        let n = WRITE_COLUMNS.len();
        let sql = format!(
            "UPDATE events SET {set}, updated_at = ${}, updated_by = ${} WHERE id = ${}",
            n + 1,
            n + 2,
            n + 3
        );
        let mut tx = self.begin().await?;
        on_tx!(&mut tx, c => bind_fields!(sqlx::query(&sql), &f)
            .bind(now_text()).bind(actor).bind(event.id).execute(&mut *c).await?.rows_affected());
        on_tx!(&mut tx, c => sqlx::query("DELETE FROM event_schools WHERE event_id = $1")
            .bind(event.id).execute(&mut *c).await?.rows_affected());
        write_targets(&mut tx, event.id, &f.school_ids).await?;
        audit_for_in(
            &mut tx,
            actor,
            "мероприятие изменено",
            &audit_object(event.id, &f.title),
            &describe(&f),
            f.municipality_id,
        )
        .await?;
        tx.commit().await
    }

    /// Marks an event held (not before its first day), cancelled (with the
    /// reason) or planned again.
    pub async fn set_event_status(
        &self,
        event: &Event,
        to: EventStatus,
        reason: &str,
        today: Date,
        actor: &str,
    ) -> Result<()> {
        let reason = reason.trim();
        match to {
            EventStatus::Held if event.fields.schedule.starts_on > today => {
                return Err(StoreError::Invalid(format!(
                    "мероприятие назначено на {}: отметить его проведённым можно с этого дня",
                    event.fields.schedule.starts_on.ru()
                )))
            }
            EventStatus::Cancelled if reason.is_empty() => {
                return Err(StoreError::Invalid(
                    "укажите причину отмены: участники увидят её в календаре".into(),
                ))
            }
            EventStatus::Cancelled if event.counts.attended > 0 => {
                return Err(StoreError::Invalid(format!(
                    "у мероприятия уже отмечены присутствовавшие ({}): проведённое мероприятие не отменяют",
                    event.counts.attended
                )))
            }
            _ => {}
        }
        let mut tx = self.begin().await?;
        on_tx!(&mut tx, c => sqlx::query(
            "UPDATE events SET status = $1, cancel_reason = $2, updated_at = $3, updated_by = $4 WHERE id = $5")
            .bind(to.code()).bind(if to == EventStatus::Cancelled { reason } else { "" })
            .bind(now_text()).bind(actor).bind(event.id).execute(&mut *c).await?.rows_affected());
        let details = if to == EventStatus::Cancelled {
            format!("{}: {reason}", to.title())
        } else {
            to.title().to_string()
        };
        audit_for_in(
            &mut tx,
            actor,
            "состояние мероприятия изменено",
            &audit_object(event.id, &event.fields.title),
            &details,
            event.fields.municipality_id,
        )
        .await?;
        tx.commit().await
    }

    /// The fields made consistent with the level and checked against the
    /// scope: a school's event is its school's and for it; a municipal one
    /// is for schools of its municipality; the region's are for anyone.
    async fn checked(&self, scope: &Scope, f: &EventFields) -> Result<EventFields> {
        let mut f = f.clone();
        f.title = f.title.trim().to_string();
        if f.title.is_empty() {
            return Err(StoreError::Invalid(
                "тема мероприятия: заполните поле".into(),
            ));
        }
        if f.title.chars().count() > 500 {
            return Err(StoreError::Invalid(
                "тема мероприятия длиннее 500 знаков: сократите её, подробности — в описании"
                    .into(),
            ));
        }
        check_certificate(f.certificate, f.hours).map_err(StoreError::Invalid)?;
        f.school_ids.sort_unstable();
        f.school_ids.dedup();
        let targets = self.schools_in_scope(scope, &f.school_ids).await?;
        if targets.len() != f.school_ids.len() {
            return Err(StoreError::NotFound(
                "школа из списка участников мероприятия вне вашей зоны ответственности".into(),
            ));
        }
        match f.level {
            EventLevel::School => {
                let school = f.school_id.ok_or_else(|| {
                    StoreError::Invalid("школьное мероприятие: выберите школу".into())
                })?;
                let own = self.schools_in_scope(scope, &[school]).await?;
                let Some((_, municipality)) = own.first() else {
                    return Err(StoreError::NotFound(format!("школа {school}")));
                };
                if f.school_ids.iter().any(|s| *s != school) {
                    return Err(StoreError::Invalid(
                        "школьное мероприятие проводится для своей школы: другие школы приглашают на муниципальное".into(),
                    ));
                }
                f.school_ids = vec![school];
                f.municipality_id = Some(*municipality);
            }
            EventLevel::Municipal => {
                let m = f.municipality_id.ok_or_else(|| {
                    StoreError::Invalid("муниципальное мероприятие: выберите муниципалитет".into())
                })?;
                if !self.municipality_in_scope(scope, m).await? {
                    return Err(StoreError::NotFound(format!("муниципалитет {m}")));
                }
                if targets.iter().any(|(_, tm)| *tm != m) {
                    return Err(StoreError::Invalid(
                        "на муниципальное мероприятие приглашают школы своего муниципалитета: для школ нескольких муниципалитетов проводят региональное".into(),
                    ));
                }
                f.school_id = None;
            }
            EventLevel::Regional | EventLevel::Federal => {
                if !scope.is_region() {
                    return Err(StoreError::Invalid(
                        "региональные и федеральные мероприятия вносит региональный оператор"
                            .into(),
                    ));
                }
                f.municipality_id = None;
                f.school_id = None;
            }
        }
        Ok(f)
    }

    /// The ids (with their municipality) among `ids` that are in `scope`.
    async fn schools_in_scope(&self, scope: &Scope, ids: &[i64]) -> Result<Vec<(i64, i64)>> {
        if ids.is_empty() {
            return Ok(Vec::new());
        }
        let list = ids
            .iter()
            .map(|i| i.to_string())
            .collect::<Vec<_>>()
            .join(", ");
        let sql = format!(
            "SELECT s.id, s.municipality_id FROM schools s WHERE s.id IN ({list}) AND {}",
            scope.schools_sql("s")
        );
        Ok(on_db!(self, p => sqlx::query_as(&sql).fetch_all(p).await?))
    }

    /// Whether a municipality is the caller's (or has a school of theirs).
    async fn municipality_in_scope(&self, scope: &Scope, m: i64) -> Result<bool> {
        let sql = format!(
            "SELECT COUNT(*) FROM schools s WHERE s.municipality_id = $1 AND {}",
            scope.schools_sql("s")
        );
        let n: i64 = on_db!(self, p => sqlx::query_scalar(&sql).bind(m).fetch_one(p).await?);
        Ok(n > 0 || scope.is_region())
    }
}

async fn write_targets(tx: &mut crate::db::Tx, event_id: i64, schools: &[i64]) -> Result<()> {
    for school in schools {
        on_tx!(tx, c => sqlx::query("INSERT INTO event_schools (event_id, school_id) VALUES ($1, $2)")
            .bind(event_id).bind(school).execute(&mut *c).await?.rows_affected());
    }
    Ok(())
}

/// The audit entry's details: «семинар, 05.12.2026, 10:00–12:00; школ: 3».
fn describe(f: &EventFields) -> String {
    format!(
        "{}, {}; школ: {}",
        f.kind.title(),
        f.schedule.ru(),
        f.school_ids.len()
    )
}
