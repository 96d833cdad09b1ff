//! The demo's events around today, so the calendar, «мои задачи», the
//! teachers' records and the support indicator have something real:
//!
//! - three weeks ago, the municipality's seminar for its ШНОР and ШНСУ —
//!   held, attendance marked (written into the plans of the teachers who
//!   have one), a protocol with two decisions, one of them already an
//!   activity of the municipal roadmap;
//! - two weeks ago, the region's internship at the mentor school (36 hours,
//!   with a certificate: the course is in the record of those who came);
//! - a methodological association of mathematics teachers in ten days, the
//!   demo school's teachers' council in five, a regional webinar next
//!   month, and a round table cancelled for a reason.
//!
//! Does nothing when any event exists.

use crate::story::Cast;
use opora_events::{Attendance, EventKind, EventLevel, EventStatus, Schedule};
use opora_plans::date::Date;
use opora_store::events::protocol::DecisionFields;
use opora_store::events::register::EventFields;
use opora_store::scope::Scope;
use opora_store::staff::teachers::TeacherFilter;
use opora_store::{Db, StoreError};

fn time(hour: i8) -> Option<opora_events::schedule::Time> {
    opora_events::schedule::Time::new(hour, 0, 0, 0).ok()
}

fn day(today: Date, offset: i64) -> Date {
    today.add_days(offset).unwrap_or(today)
}

#[allow(clippy::too_many_arguments)]
fn event(
    title: &str,
    kind: EventKind,
    level: EventLevel,
    schedule: Schedule,
    place: &str,
    organiser: &str,
    municipality_id: Option<i64>,
    school_ids: Vec<i64>,
) -> EventFields {
    EventFields {
        title: title.into(),
        kind,
        level,
        schedule,
        place: place.into(),
        organiser: organiser.into(),
        municipality_id,
        school_id: None,
        description: String::new(),
        materials: String::new(),
        hours: None,
        certificate: false,
        school_ids,
    }
}

pub async fn create_demo_events(db: &Db, cast: &Cast, today: Date) -> Result<(), StoreError> {
    if db.count("events").await? > 0 {
        return Ok(());
    }
    let municipal = Scope::Municipality(cast.municipality_id);
    let supported = db.supported_schools_in(&municipal).await?;
    let one_day = |offset: i64, from: i8, to: i8| {
        Schedule::new(day(today, offset), None, time(from), time(to))
            .map_err(|e| StoreError::Invalid(e.to_string()))
    };

    // The municipality's seminar, held three weeks ago.
    let mut seminar = event(
        "Формирующее оценивание на уроках математики и русского языка",
        EventKind::Seminar,
        EventLevel::Municipal,
        one_day(-21, 14, 16)?,
        "Информационно-методический центр, актовый зал",
        "Информационно-методический центр",
        Some(cast.municipality_id),
        supported.clone(),
    );
    seminar.description = "Приёмы формирующего оценивания, обратная связь ученику, разбор заданий ВПР с типичными ошибками.".into();
    seminar.materials =
        "Программа семинара и презентации — на сайте ИМЦ, раздел «Методическая поддержка ШНОР»."
            .into();
    let seminar_id = db.create_event(&municipal, &seminar, "mo1").await?;
    let teachers = invite_all(db, &municipal, seminar_id, &supported).await?;
    mark(db, &municipal, seminar_id, &teachers, today).await?;
    let e = db
        .event(&municipal, seminar_id)
        .await?
        .expect("the seminar just made");
    db.save_protocol(
        &e,
        "Выступили руководители ШМО школ с низкими результатами: опыт введения листов самооценки, типичные ошибки ВПР по математике в 5–6 классах. Обсудили график взаимопосещения уроков.",
        today,
        "mo1",
    )
    .await?;
    let first = db
        .add_decision(
            &e,
            &DecisionFields {
                text: "Организовать взаимопосещение уроков математики с применением формирующего оценивания в школах с низкими результатами".into(),
                responsible: "руководители ШМО".into(),
                deadline: "май".into(),
            },
            today,
            "mo1",
        )
        .await?;
    db.add_decision(
        &e,
        &DecisionFields {
            text: "Подготовить банк заданий для входной диагностики по математике 5–6 классов"
                .into(),
            responsible: "ИМЦ".into(),
            deadline: "март".into(),
        },
        today,
        "mo1",
    )
    .await?;
    if let Some(plan) = db
        .plans(&municipal, today)
        .await?
        .into_iter()
        .find(|p| p.level == "municipality" && p.school_id.is_none() && !p.is_template)
    {
        db.decision_to_activity(&e, first, plan.id, plan.version, "mo1")
            .await?;
    }

    // The region's internship at the mentor school, two weeks ago.
    let pair = vec![cast.school_id, cast.leader_id];
    let mut internship = event(
        "Стажировка на базе школы-наставника: урок с высокой вовлечённостью обучающихся",
        EventKind::Internship,
        EventLevel::Regional,
        Schedule::new(day(today, -16), Some(day(today, -14)), time(9), time(15))
            .map_err(|e| StoreError::Invalid(e.to_string()))?,
        "Школа-наставник",
        "ЦНППМ",
        None,
        pair.clone(),
    );
    internship.hours = Some(36);
    internship.certificate = true;
    let internship_id = db
        .create_event(&Scope::Region, &internship, "region")
        .await?;
    let interns = invite_all(db, &Scope::Region, internship_id, &[cast.school_id]).await?;
    mark(db, &Scope::Region, internship_id, &interns, today).await?;

    // Coming: the association, the council, the webinar; a cancelled round table.
    let association = event(
        "РМО учителей математики: разбор результатов ВПР и планирование коррекционной работы",
        EventKind::Association,
        EventLevel::Municipal,
        one_day(10, 15, 17)?,
        "МБОУ «СОШ» — кабинет 12",
        "РМО учителей математики",
        Some(cast.municipality_id),
        supported.clone(),
    );
    let association_id = db.create_event(&municipal, &association, "metod1").await?;
    invite_all(db, &municipal, association_id, &supported).await?;

    let mut council = event(
        "Педагогический совет: итоги первого полугодия и индивидуальные маршруты обучающихся с рисками",
        EventKind::TeachersCouncil,
        EventLevel::School,
        one_day(5, 15, 17)?,
        "Учительская",
        "Администрация школы",
        None,
        vec![cast.school_id],
    );
    council.school_id = Some(cast.school_id);
    let council_id = db
        .create_event(&Scope::School(cast.school_id), &council, "school1")
        .await?;
    invite_all(
        db,
        &Scope::School(cast.school_id),
        council_id,
        &[cast.school_id],
    )
    .await?;

    let webinar = event(
        "Вебинар: читательская грамотность в 5–9 классах",
        EventKind::Webinar,
        EventLevel::Regional,
        one_day(24, 15, 16)?,
        "онлайн, ссылка придёт участникам",
        "Институт развития образования",
        None,
        Vec::new(),
    );
    db.create_event(&Scope::Region, &webinar, "region").await?;

    let round_table = event(
        "Круглый стол с родителями: как помочь ребёнку с учёбой",
        EventKind::RoundTable,
        EventLevel::Municipal,
        one_day(3, 18, 19)?,
        "Дом культуры",
        "Управление образования",
        Some(cast.municipality_id),
        supported,
    );
    let round_table_id = db.create_event(&municipal, &round_table, "mo1").await?;
    let e = db
        .event(&municipal, round_table_id)
        .await?
        .expect("the round table just made");
    db.set_event_status(
        &e,
        EventStatus::Cancelled,
        "перенесён на февраль из-за карантина",
        today,
        "mo1",
    )
    .await?;
    Ok(())
}

/// Invites every teacher of `schools`; returns their ids.
async fn invite_all(
    db: &Db,
    scope: &Scope,
    event_id: i64,
    schools: &[i64],
) -> Result<Vec<i64>, StoreError> {
    let mut ids = Vec::new();
    for school in schools {
        let filter = TeacherFilter {
            school_id: Some(*school),
            user_id: None,
        };
        ids.extend(
            db.teachers(scope, &filter, "demo")
                .await?
                .iter()
                .map(|t| t.id),
        );
    }
    if ids.is_empty() {
        return Ok(ids);
    }
    let e = db
        .event(scope, event_id)
        .await?
        .expect("the event just made");
    db.invite_teachers(scope, &e, &ids, "demo").await?;
    Ok(ids)
}

/// Marks four in five present (by id), the rest absent.
async fn mark(
    db: &Db,
    scope: &Scope,
    event_id: i64,
    teachers: &[i64],
    today: Date,
) -> Result<(), StoreError> {
    if teachers.is_empty() {
        return Ok(());
    }
    let e = db
        .event(scope, event_id)
        .await?
        .expect("the event just made");
    let marks: Vec<(i64, Attendance)> = teachers
        .iter()
        .map(|&t| {
            let a = if t % 5 == 0 {
                Attendance::Absent
            } else {
                Attendance::Attended
            };
            (t, a)
        })
        .collect();
    db.mark_attendance(scope, &e, &marks, today, "demo").await?;
    Ok(())
}
