//! Who takes part in an event, and what their attendance writes into their
//! records:
//!
//! - invited, a teacher with an active development plan gets a planned step
//!   «taking part in the event», due on its last day;
//! - attended, that step is done (a teacher whose plan had none gets a done
//!   one), and an event that certifies a course (≥ 16 hours with a
//!   certificate) writes the course into their courses, so the three-year
//!   clock sees it — linked, not doubled, when the HR file has it already;
//! - absent, the step is cancelled and a course the event wrote is removed.
//!
//! Participants are staff data: listed only within the caller's scope, each
//! list read audited, each change audited on the teacher.

use super::register::Event;
use crate::audit::{audit_for_in, now_text};
use crate::scope::Scope;
use crate::staff::courses::insert_course;
use crate::staff::development::insert_step;
use crate::staff::{audit_object as teacher_object, teachers_sql};
use crate::{Db, Result, StoreError};
use opora_events::{Attendance, EventStatus};
use opora_plans::date::Date;
use opora_staff::development::{StepFields, StepStatus};
use opora_staff::model::{CourseKind, ProviderKind};
use opora_staff::records::courses::CourseFields;

/// A participant as the event's page lists them.
#[derive(Debug, Clone, PartialEq)]
pub struct Participant {
    pub teacher_id: i64,
    pub full_name: String,
    pub school_id: i64,
    pub school_name: String,
    pub position: String,
    pub subjects: String,
    pub attendance: Attendance,
    /// The course record the event wrote or linked.
    pub course_id: Option<i64>,
    /// Whether the teacher has an active development plan (the event is in it).
    pub in_plan: bool,
}

/// A teacher who can still be invited.
#[derive(Debug, Clone, PartialEq)]
pub struct Candidate {
    pub teacher_id: i64,
    pub full_name: String,
    pub school_name: String,
    pub subjects: String,
}

/// An event in a teacher's record.
#[derive(Debug, Clone, PartialEq)]
pub struct TeacherEvent {
    pub event_id: i64,
    pub title: String,
    pub kind: opora_events::EventKind,
    pub starts_on: Date,
    pub ends_on: Option<Date>,
    pub status: EventStatus,
    pub attendance: Attendance,
    pub course_id: Option<i64>,
}

/// One teacher, as the write-back needs them.
struct Person {
    id: i64,
    full_name: String,
    municipality_id: i64,
    attendance: Option<Attendance>,
    course_id: Option<i64>,
    course_created: bool,
}

fn attendance_of(code: &str) -> Result<Attendance> {
    Attendance::from_code(code).ok_or_else(|| StoreError::stored("присутствие", code))
}

impl Db {
    /// The event's participants within the caller's scope (the read is
    /// audited as a read of staff data), by school and name.
    pub async fn event_participants(
        &self,
        scope: &Scope,
        event: &Event,
        actor: &str,
    ) -> Result<Vec<Participant>> {
        let sql = format!(
            "SELECT t.id, t.full_name, s.id, s.short_name, t.position, t.subjects, p.attendance, p.course_id, \
             (SELECT COUNT(*) FROM development_plans d WHERE d.teacher_id = t.id AND d.status = 'active') \
             FROM event_participants p JOIN teachers t ON t.id = p.teacher_id JOIN schools s ON s.id = t.school_id \
             WHERE p.event_id = $1 AND {} ORDER BY s.short_name, t.name_key, t.id",
            teachers_sql(scope)
        );
        type Row = (
            i64,
            String,
            i64,
            String,
            String,
            String,
            String,
            Option<i64>,
            i64,
        );
        let rows: Vec<Row> =
            on_db!(self, p => sqlx::query_as(&sql).bind(event.id).fetch_all(p).await?);
        let out = rows
            .into_iter()
            .map(
                |(id, name, school, school_name, position, subjects, a, course, plans)| {
                    Ok(Participant {
                        teacher_id: id,
                        full_name: name,
                        school_id: school,
                        school_name,
                        position,
                        subjects,
                        attendance: attendance_of(&a)?,
                        course_id: course,
                        in_plan: plans > 0,
                    })
                },
            )
            .collect::<Result<Vec<_>>>()?;
        if !out.is_empty() {
            self.audit_for(
                actor,
                "просмотр участников мероприятия",
                &super::audit_object(event.id, &event.fields.title),
                &format!("педагогов: {}", out.len()),
                event.fields.municipality_id,
            )
            .await?;
        }
        Ok(out)
    }

    /// Teachers of the caller's scope who can be invited: of the event's
    /// schools (any school, for an event without a list), not yet invited.
    pub async fn event_candidates(&self, scope: &Scope, event: &Event) -> Result<Vec<Candidate>> {
        let sql = format!(
            "SELECT t.id, t.full_name, s.short_name, t.subjects FROM teachers t JOIN schools s ON s.id = t.school_id \
             WHERE {} AND {} AND NOT EXISTS (SELECT 1 FROM event_participants p WHERE p.event_id = $1 AND p.teacher_id = t.id) \
             ORDER BY s.short_name, t.name_key, t.id",
            teachers_sql(scope),
            targets_sql(event)
        );
        let rows: Vec<(i64, String, String, String)> =
            on_db!(self, p => sqlx::query_as(&sql).bind(event.id).fetch_all(p).await?);
        Ok(rows
            .into_iter()
            .map(|(teacher_id, full_name, school_name, subjects)| Candidate {
                teacher_id,
                full_name,
                school_name,
                subjects,
            })
            .collect())
    }

    /// Invites teachers (each in the caller's scope and of the event's
    /// schools); a teacher with an active development plan gets the event
    /// as a planned step. Inviting twice invites once. Returns how many
    /// were invited now.
    pub async fn invite_teachers(
        &self,
        scope: &Scope,
        event: &Event,
        teacher_ids: &[i64],
        actor: &str,
    ) -> Result<usize> {
        if event.status == EventStatus::Cancelled {
            return Err(StoreError::Invalid(
                "мероприятие отменено: приглашать на него нельзя".into(),
            ));
        }
        let people = self.people(scope, event, teacher_ids).await?;
        let mut tx = self.begin().await?;
        let mut invited = 0;
        let at = now_text();
        for person in people.iter().filter(|p| p.attendance.is_none()) {
            on_tx!(&mut tx, c => sqlx::query(
                "INSERT INTO event_participants (event_id, teacher_id, attendance, added_at, added_by) VALUES ($1, $2, 'invited', $3, $4)")
                .bind(event.id).bind(person.id).bind(&at).bind(actor).execute(&mut *c).await?.rows_affected());
            if let Some(plan) = active_plan(&mut tx, person.id).await? {
                if linked_step(&mut tx, plan, event.id).await?.is_none() {
                    insert_step(&mut tx, plan, &step_fields(event), Some(event.id), actor).await?;
                }
            }
            audit_for_in(
                &mut tx,
                actor,
                "приглашение на мероприятие",
                &teacher_object(person.id, &person.full_name),
                &super::audit_object(event.id, &event.fields.title),
                Some(person.municipality_id),
            )
            .await?;
            invited += 1;
        }
        tx.commit().await?;
        Ok(invited)
    }

    /// Removes a participant whose attendance is not marked; the event's
    /// planned step leaves their plan.
    pub async fn remove_participant(
        &self,
        scope: &Scope,
        event: &Event,
        teacher_id: i64,
        actor: &str,
    ) -> Result<()> {
        let people = self.people(scope, event, &[teacher_id]).await?;
        let person = &people[0];
        match person.attendance {
            None => return Err(StoreError::NotFound(format!("участник {teacher_id}"))),
            Some(Attendance::Invited) => {}
            Some(a) => {
                return Err(StoreError::Invalid(format!(
                    "у педагога уже отмечено «{}»: исправьте отметку присутствия, а не список",
                    a.title()
                )))
            }
        }
        let mut tx = self.begin().await?;
        on_tx!(&mut tx, c => sqlx::query("DELETE FROM event_participants WHERE event_id = $1 AND teacher_id = $2")
            .bind(event.id).bind(teacher_id).execute(&mut *c).await?.rows_affected());
        on_tx!(&mut tx, c => sqlx::query(
            "DELETE FROM development_steps WHERE event_id = $1 AND status = 'planned' \
             AND plan_id IN (SELECT id FROM development_plans WHERE teacher_id = $2)")
            .bind(event.id).bind(teacher_id).execute(&mut *c).await?.rows_affected());
        audit_for_in(
            &mut tx,
            actor,
            "приглашение на мероприятие отозвано",
            &teacher_object(person.id, &person.full_name),
            &super::audit_object(event.id, &event.fields.title),
            Some(person.municipality_id),
        )
        .await?;
        tx.commit().await
    }

    /// Marks attendance (from the event's first day; not of a cancelled
    /// event) and writes it into each teacher's plan and courses, all in one
    /// transaction. A planned event becomes held.
    pub async fn mark_attendance(
        &self,
        scope: &Scope,
        event: &Event,
        marks: &[(i64, Attendance)],
        today: Date,
        actor: &str,
    ) -> Result<usize> {
        let s = &event.fields.schedule;
        if event.status == EventStatus::Cancelled {
            return Err(StoreError::Invalid(
                "мероприятие отменено: присутствие не отмечают".into(),
            ));
        }
        if s.starts_on > today {
            return Err(StoreError::Invalid(format!(
                "мероприятие назначено на {}: присутствие отмечают с этого дня",
                s.starts_on.ru()
            )));
        }
        let ids: Vec<i64> = marks.iter().map(|(id, _)| *id).collect();
        let people = self.people(scope, event, &ids).await?;
        let mut tx = self.begin().await?;
        let mut changed = 0;
        for (person, (_, to)) in people.iter().zip(marks) {
            let Some(from) = person.attendance else {
                return Err(StoreError::Invalid(format!(
                    "педагог {} не в списке участников: сначала пригласите его",
                    crate::staff::short_name(&person.full_name)
                )));
            };
            if from == *to {
                continue;
            }
            write_back(&mut tx, event, person, *to, actor).await?;
            changed += 1;
        }
        if event.status == EventStatus::Planned && changed > 0 {
            on_tx!(&mut tx, c => sqlx::query("UPDATE events SET status = 'held', updated_at = $1, updated_by = $2 WHERE id = $3")
                .bind(now_text()).bind(actor).bind(event.id).execute(&mut *c).await?.rows_affected());
        }
        tx.commit().await?;
        Ok(changed)
    }

    /// The events of a teacher (the caller has checked the teacher), latest
    /// first.
    pub async fn teacher_events(&self, teacher_id: i64) -> Result<Vec<TeacherEvent>> {
        let sql = "SELECT e.id, e.title, e.kind, e.starts_on, e.ends_on, e.status, p.attendance, p.course_id \
                   FROM event_participants p JOIN events e ON e.id = p.event_id WHERE p.teacher_id = $1 \
                   ORDER BY e.starts_on DESC, e.id DESC";
        type Row = (
            i64,
            String,
            String,
            String,
            Option<String>,
            String,
            String,
            Option<i64>,
        );
        let rows: Vec<Row> =
            on_db!(self, p => sqlx::query_as(sql).bind(teacher_id).fetch_all(p).await?);
        use crate::staff::teachers::stored_date;
        rows.into_iter()
            .map(|(id, title, kind, starts, ends, status, a, course)| {
                Ok(TeacherEvent {
                    event_id: id,
                    title,
                    kind: opora_events::EventKind::from_code(&kind)
                        .ok_or_else(|| StoreError::stored("вид мероприятия", &kind))?,
                    starts_on: stored_date(&starts)?,
                    ends_on: ends.as_deref().map(stored_date).transpose()?,
                    status: EventStatus::from_code(&status)
                        .ok_or_else(|| StoreError::stored("состояние мероприятия", &status))?,
                    attendance: attendance_of(&a)?,
                    course_id: course,
                })
            })
            .collect()
    }

    /// The teachers `ids` (in that order) with their part in the event:
    /// each must be in the caller's scope and of the event's schools.
    async fn people(&self, scope: &Scope, event: &Event, ids: &[i64]) -> Result<Vec<Person>> {
        if ids.is_empty() {
            return Err(StoreError::Invalid("выберите педагогов".into()));
        }
        let list = ids
            .iter()
            .map(|i| i.to_string())
            .collect::<Vec<_>>()
            .join(", ");
        let sql = format!(
            "SELECT t.id, t.full_name, s.municipality_id, p.attendance, p.course_id, COALESCE(p.course_created, 0) \
             FROM teachers t JOIN schools s ON s.id = t.school_id \
             LEFT JOIN event_participants p ON p.teacher_id = t.id AND p.event_id = $1 \
             WHERE t.id IN ({list}) AND {} AND ({} OR p.teacher_id IS NOT NULL)",
            teachers_sql(scope),
            targets_sql(event)
        );
        type Row = (i64, String, i64, Option<String>, Option<i64>, i64);
        let rows: Vec<Row> =
            on_db!(self, p => sqlx::query_as(&sql).bind(event.id).fetch_all(p).await?);
        ids.iter()
            .map(|id| {
                let (id, full_name, municipality_id, a, course_id, created) = rows
                    .iter()
                    .find(|r| r.0 == *id)
                    .cloned()
                    .ok_or_else(|| {
                        StoreError::NotFound(format!(
                            "педагог {id} (вне вашей зоны ответственности или не из школ мероприятия)"
                        ))
                    })?;
                Ok(Person {
                    id,
                    full_name,
                    municipality_id,
                    attendance: a.as_deref().map(attendance_of).transpose()?,
                    course_id,
                    course_created: created != 0,
                })
            })
            .collect()
    }
}

/// An SQL condition on the teacher's school `s`: one of the event's
/// schools, or any for an event without a list.
fn targets_sql(event: &Event) -> String {
    if event.targets.is_empty() {
        "1 = 1".into()
    } else {
        format!(
            "s.id IN (SELECT es.school_id FROM event_schools es WHERE es.event_id = {})",
            event.id
        )
    }
}

/// The step «taking part in the event» of a development plan.
fn step_fields(event: &Event) -> StepFields {
    let f = &event.fields;
    StepFields {
        kind: f.kind.step_kind(),
        title: format!("{}: «{}»", capitalised(f.kind.title()), f.title),
        subject: String::new(),
        competence: None,
        programme_id: None,
        due_on: f.schedule.last_day(),
    }
}

fn capitalised(s: &str) -> String {
    let mut c = s.chars();
    c.next()
        .map(|f| f.to_uppercase().chain(c).collect())
        .unwrap_or_default()
}

async fn active_plan(tx: &mut crate::db::Tx, teacher_id: i64) -> Result<Option<i64>> {
    Ok(on_tx!(tx, c => sqlx::query_scalar(
        "SELECT id FROM development_plans WHERE teacher_id = $1 AND status = 'active'")
        .bind(teacher_id).fetch_optional(&mut *c).await?))
}

async fn linked_step(tx: &mut crate::db::Tx, plan_id: i64, event_id: i64) -> Result<Option<i64>> {
    Ok(on_tx!(tx, c => sqlx::query_scalar(
        "SELECT id FROM development_steps WHERE plan_id = $1 AND event_id = $2 ORDER BY id LIMIT 1")
        .bind(plan_id).bind(event_id).fetch_optional(&mut *c).await?))
}

/// Writes one teacher's changed attendance and what follows from it.
async fn write_back(
    tx: &mut crate::db::Tx,
    event: &Event,
    person: &Person,
    to: Attendance,
    actor: &str,
) -> Result<()> {
    let f = &event.fields;
    let (mut course_id, mut course_created) = (person.course_id, person.course_created);
    if to == Attendance::Attended && f.certificate && course_id.is_none() {
        (course_id, course_created) = write_course(tx, event, person, actor).await?;
    }
    if to != Attendance::Attended && course_created {
        if let Some(id) = course_id {
            on_tx!(tx, c => sqlx::query("DELETE FROM courses WHERE id = $1")
                .bind(id).execute(&mut *c).await?.rows_affected());
        }
    }
    if to != Attendance::Attended {
        (course_id, course_created) = (None, false);
    }
    on_tx!(tx, c => sqlx::query(
        "UPDATE event_participants SET attendance = $1, course_id = $2, course_created = $3, marked_at = $4, marked_by = $5 \
         WHERE event_id = $6 AND teacher_id = $7")
        .bind(to.code()).bind(course_id).bind(i64::from(course_created)).bind(now_text()).bind(actor)
        .bind(event.id).bind(person.id).execute(&mut *c).await?.rows_affected());
    if let Some(plan) = active_plan(tx, person.id).await? {
        let step = match linked_step(tx, plan, event.id).await? {
            Some(step) => step,
            None => insert_step(tx, plan, &step_fields(event), Some(event.id), actor).await?,
        };
        let (status, done_on, evidence) = match to {
            Attendance::Attended => (
                StepStatus::Done,
                Some(f.schedule.last_day().iso()),
                format!(
                    "присутствие на мероприятии № {} ({})",
                    event.id,
                    f.schedule.ru()
                ),
            ),
            Attendance::Absent => (
                StepStatus::Cancelled,
                None,
                format!("отсутствовал на мероприятии № {}", event.id),
            ),
            Attendance::Invited => (StepStatus::Planned, None, String::new()),
        };
        on_tx!(tx, c => sqlx::query(
            "UPDATE development_steps SET status = $1, done_on = $2, evidence = $3, course_id = $4 WHERE id = $5")
            .bind(status.code()).bind(done_on).bind(evidence).bind(course_id).bind(step)
            .execute(&mut *c).await?.rows_affected());
    }
    audit_for_in(
        tx,
        actor,
        "присутствие на мероприятии отмечено",
        &teacher_object(person.id, &person.full_name),
        &format!(
            "{}: {}",
            super::audit_object(event.id, &f.title),
            to.title()
        ),
        Some(person.municipality_id),
    )
    .await
}

/// The course a certifying event gives: the HR file's record of it when
/// there is one (linked), otherwise a new one. Returns (id, created).
async fn write_course(
    tx: &mut crate::db::Tx,
    event: &Event,
    person: &Person,
    actor: &str,
) -> Result<(Option<i64>, bool)> {
    let f = &event.fields;
    let course = CourseFields {
        title: f.title.clone(),
        kind: CourseKind::Upgrade,
        hours: f.hours.map(i64::from),
        provider: f.organiser.clone(),
        provider_kind: ProviderKind::guess(&f.organiser),
        start: f.schedule.ends_on.map(|_| f.schedule.starts_on),
        end: f.schedule.last_day(),
        certificate_no: String::new(),
        subject_area: String::new(),
    };
    let same = "SELECT id FROM courses WHERE teacher_id = $1 AND title = $2 AND end_date = $3";
    let found: Option<i64> = on_tx!(tx, c => sqlx::query_scalar(same).bind(person.id)
        .bind(&course.title).bind(course.end.iso()).fetch_optional(&mut *c).await?);
    if found.is_some() {
        return Ok((found, false));
    }
    let id = insert_course(tx, person.id, &course, actor).await?;
    audit_for_in(
        tx,
        actor,
        "курс добавлен",
        &teacher_object(person.id, &person.full_name),
        &format!(
            "«{}», окончание {} (по мероприятию № {})",
            course.title,
            course.end.ru(),
            event.id
        ),
        Some(person.municipality_id),
    )
    .await?;
    Ok((Some(id), true))
}
