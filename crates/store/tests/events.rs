//! Events in the database, on SQLite and PostgreSQL: a municipal seminar is
//! for schools of its municipality only and seen by them, not by another
//! municipality; invited teachers with a development plan get it as a
//! planned step; attendance marks the step done and, for an event that
//! certifies a course, writes the course once (and takes it back when the
//! attendance is corrected); attending counts as methodological support in
//! the `кадры.поддержка` fact; a decision of the protocol becomes an
//! activity of a roadmap in one call; every change is audited.

mod common;

use common::*;
use opora_events::{Attendance, EventKind, EventLevel, EventStatus, Schedule};
use opora_plans::date::Date;
use opora_plans::{Level, Plan};
use opora_staff::development::StepStatus;
use opora_staff::records::teachers::TeacherFields;
use opora_staff::Category;
use opora_store::events::protocol::{DecisionFields, DECISIONS_SECTION};
use opora_store::events::register::{EventFields, EventFilter};
use opora_store::plans::PlanLinks;
use opora_store::scope::Scope;
use opora_store::{Db, StoreError};

fn on(y: i32, m: u32, d: u32) -> Date {
    Date::new(y, m, d).unwrap()
}

fn teacher(name: &str) -> TeacherFields {
    TeacherFields {
        personnel_no: None,
        full_name: name.into(),
        position: "учитель".into(),
        subjects: vec!["Математика".into()],
        grades: vec![5, 6],
        category: Category::First,
        experience_years: Some(10),
        education: "высшее".into(),
        education_subject: "Математика".into(),
        young_specialist: false,
    }
}

struct World {
    s1: i64,
    s2: i64,
    s3: i64,
    north: i64,
    south: i64,
    ivanova: i64,
    petrov: i64,
    sidorova: i64,
}

/// Three schools (S001 and S002 in one municipality, S003 in another) and
/// a teacher in each; Ivanova has an active development plan.
async fn world(db: &Db) -> World {
    with_registry(db).await;
    let school =
        |code: &'static str| async move { db.school_by_code(code).await.unwrap().unwrap() };
    let (s1, s2, s3) = (
        school("S001").await,
        school("S002").await,
        school("S003").await,
    );
    let region = Scope::Region;
    let ivanova = db
        .create_teacher(&region, s1.id, &teacher("Иванова Мария Петровна"), "кадры")
        .await
        .unwrap();
    let petrov = db
        .create_teacher(&region, s2.id, &teacher("Петров Сергей Иванович"), "кадры")
        .await
        .unwrap();
    let sidorova = db
        .create_teacher(&region, s3.id, &teacher("Сидорова Анна Олеговна"), "кадры")
        .await
        .unwrap();
    db.draft_development_plan(&region, ivanova, None, on(2026, 9, 1), "завуч")
        .await
        .unwrap();
    World {
        s1: s1.id,
        s2: s2.id,
        s3: s3.id,
        north: s1.municipality_id,
        south: s3.municipality_id,
        ivanova,
        petrov,
        sidorova,
    }
}

fn seminar(w: &World, certificate: bool) -> EventFields {
    EventFields {
        title: "Формирующее оценивание на уроках математики".into(),
        kind: EventKind::Seminar,
        level: EventLevel::Municipal,
        schedule: Schedule::new(on(2026, 11, 20), None, None, None).unwrap(),
        place: "ИМЦ, ул. Ленина, 5".into(),
        organiser: "ЦНППМ".into(),
        municipality_id: Some(w.north),
        school_id: None,
        description: String::new(),
        materials: String::new(),
        hours: certificate.then_some(18),
        certificate,
        school_ids: vec![w.s1, w.s2],
    }
}

#[tokio::test]
async fn a_municipal_event_is_for_its_municipality_and_seen_by_its_schools_only() {
    for_each_db!(|t| {
        let w = world(&t.db).await;
        let north = Scope::Municipality(w.north);
        let id =
            t.db.create_event(&north, &seminar(&w, false), "мо")
                .await
                .unwrap();

        // A school of another municipality cannot be invited to it…
        let mut wrong = seminar(&w, false);
        wrong.school_ids.push(w.s3);
        let e = t.db.create_event(&Scope::Region, &wrong, "регион").await;
        assert!(
            matches!(e, Err(StoreError::Invalid(ref m)) if m.contains("своего муниципалитета")),
            "{e:?}"
        );
        // …and a municipality cannot name a school outside its scope.
        let e = t.db.create_event(&north, &wrong, "мо").await;
        assert!(matches!(e, Err(StoreError::NotFound(_))), "{e:?}");
        // Only the region registers regional events.
        let mut regional = seminar(&w, false);
        regional.level = EventLevel::Regional;
        let e = t.db.create_event(&north, &regional, "мо").await;
        assert!(matches!(e, Err(StoreError::Invalid(_))), "{e:?}");

        let seen = |scope: Scope| {
            let db = &t.db;
            async move { db.event(&scope, id).await.unwrap().is_some() }
        };
        assert!(seen(Scope::Region).await);
        assert!(seen(north.clone()).await);
        assert!(seen(Scope::School(w.s2)).await);
        assert!(seen(Scope::Schools(vec![w.s1])).await);
        assert!(!seen(Scope::Municipality(w.south)).await);
        assert!(!seen(Scope::School(w.s3)).await);

        let e = t.db.event(&north, id).await.unwrap().unwrap();
        assert_eq!(e.owner, "г. Северск");
        assert_eq!(e.status, EventStatus::Planned);
        let mut targets = e.fields.school_ids.clone();
        targets.sort_unstable();
        assert_eq!(targets, vec![w.s1, w.s2]);
        // The month's list filters by period, school and kind.
        let month = EventFilter {
            from: Some(on(2026, 11, 1)),
            to: Some(on(2026, 11, 30)),
            ..EventFilter::default()
        };
        assert_eq!(t.db.events(&north, &month).await.unwrap().len(), 1);
        let december = EventFilter {
            from: Some(on(2026, 12, 1)),
            ..month.clone()
        };
        assert!(t.db.events(&north, &december).await.unwrap().is_empty());
        let of_s3 = EventFilter {
            school_id: Some(w.s3),
            ..month.clone()
        };
        assert!(t
            .db
            .events(&Scope::Region, &of_s3)
            .await
            .unwrap()
            .is_empty());
        let webinars = EventFilter {
            kind: Some(EventKind::Webinar),
            ..month
        };
        assert!(t.db.events(&north, &webinars).await.unwrap().is_empty());
    });
}

#[tokio::test]
async fn attendance_writes_the_event_into_plans_and_courses_and_counts_as_support() {
    for_each_db!(|t| {
        let w = world(&t.db).await;
        let north = Scope::Municipality(w.north);
        let id =
            t.db.create_event(&north, &seminar(&w, true), "мо")
                .await
                .unwrap();
        let e = t.db.event(&north, id).await.unwrap().unwrap();

        // A teacher of another municipality is not a candidate and cannot be invited.
        let candidates = t.db.event_candidates(&Scope::Region, &e).await.unwrap();
        let ids: Vec<i64> = candidates.iter().map(|c| c.teacher_id).collect();
        assert_eq!(ids.len(), 2);
        assert!(!ids.contains(&w.sidorova));
        let e3 =
            t.db.invite_teachers(&Scope::Region, &e, &[w.sidorova], "мо")
                .await;
        assert!(matches!(e3, Err(StoreError::NotFound(_))), "{e3:?}");

        let n =
            t.db.invite_teachers(&north, &e, &[w.ivanova, w.petrov], "мо")
                .await
                .unwrap();
        assert_eq!(n, 2);
        // Inviting again invites nobody new.
        assert_eq!(
            t.db.invite_teachers(&north, &e, &[w.ivanova], "мо")
                .await
                .unwrap(),
            0
        );
        let step_of = |teacher: i64| {
            let db = &t.db;
            async move {
                let plans = db.development_plans_of(teacher).await.unwrap();
                plans
                    .first()
                    .and_then(|p| p.steps.iter().find(|s| s.event_id == Some(id)).cloned())
            }
        };
        let step = step_of(w.ivanova)
            .await
            .expect("the event is a step of her plan");
        assert_eq!(step.status, StepStatus::Planned);
        assert_eq!(step.fields.due_on, on(2026, 11, 20));
        assert!(
            step.fields.title.contains("Формирующее оценивание"),
            "{}",
            step.fields.title
        );
        assert!(step_of(w.petrov).await.is_none(), "Petrov has no plan");

        // Not before the day of the event.
        let e = t.db.event(&north, id).await.unwrap().unwrap();
        let early =
            t.db.mark_attendance(
                &north,
                &e,
                &[(w.ivanova, Attendance::Attended)],
                on(2026, 11, 19),
                "мо",
            )
            .await;
        assert!(
            matches!(early, Err(StoreError::Invalid(ref m)) if m.contains("20.11.2026")),
            "{early:?}"
        );

        let changed =
            t.db.mark_attendance(
                &north,
                &e,
                &[
                    (w.ivanova, Attendance::Attended),
                    (w.petrov, Attendance::Absent),
                ],
                on(2026, 11, 20),
                "мо",
            )
            .await
            .unwrap();
        assert_eq!(changed, 2);
        let e = t.db.event(&north, id).await.unwrap().unwrap();
        assert_eq!(e.status, EventStatus::Held, "attendance makes it held");
        assert_eq!((e.counts.attended, e.counts.absent), (1, 1));
        let step = step_of(w.ivanova).await.unwrap();
        assert_eq!(step.status, StepStatus::Done);
        assert_eq!(step.done_on, Some(on(2026, 11, 20)));
        let course = step.course_id.expect("the step names the course");

        // The course is in her record, once, and the three-year clock sees it.
        let card = t.db.teacher(&north, w.ivanova).await.unwrap().unwrap();
        assert_eq!(card.last_course_end, Some(on(2026, 11, 20)));
        let participants = t.db.event_participants(&north, &e, "мо").await.unwrap();
        let ivanova = participants
            .iter()
            .find(|p| p.teacher_id == w.ivanova)
            .unwrap();
        assert_eq!(ivanova.course_id, Some(course));
        assert!(ivanova.in_plan);

        // Marking the same again changes nothing.
        let again =
            t.db.mark_attendance(
                &north,
                &e,
                &[(w.ivanova, Attendance::Attended)],
                on(2026, 11, 21),
                "мо",
            )
            .await
            .unwrap();
        assert_eq!(again, 0);

        // The teacher's record lists the event.
        let history = t.db.teacher_events(w.ivanova).await.unwrap();
        assert_eq!(history.len(), 1);
        assert_eq!(history[0].attendance, Attendance::Attended);

        // Attending is methodological support of S001's teachers.
        let facts = t.db.region_staff_facts(on(2026, 12, 1)).await.unwrap();
        assert_eq!(facts[&w.s1].supported, 1);
        assert_eq!(facts[&w.s2].supported, 0, "absent");

        // A corrected attendance takes the course back and cancels the step.
        t.db.mark_attendance(
            &north,
            &e,
            &[(w.ivanova, Attendance::Absent)],
            on(2026, 11, 21),
            "мо",
        )
        .await
        .unwrap();
        let card = t.db.teacher(&north, w.ivanova).await.unwrap().unwrap();
        assert_eq!(card.last_course_end, None);
        assert_eq!(
            step_of(w.ivanova).await.unwrap().status,
            StepStatus::Cancelled
        );
        let facts = t.db.region_staff_facts(on(2026, 12, 1)).await.unwrap();
        assert_eq!(facts[&w.s1].supported, 1, "her plan is still support");

        // A participant with a mark is not removed from the list; a cancelled
        // event with people who attended is refused.
        let e = t.db.event(&north, id).await.unwrap().unwrap();
        let removed = t.db.remove_participant(&north, &e, w.petrov, "мо").await;
        assert!(
            matches!(removed, Err(StoreError::Invalid(_))),
            "{removed:?}"
        );
        t.db.mark_attendance(
            &north,
            &e,
            &[(w.petrov, Attendance::Attended)],
            on(2026, 11, 21),
            "мо",
        )
        .await
        .unwrap();
        let e = t.db.event(&north, id).await.unwrap().unwrap();
        let cancel =
            t.db.set_event_status(
                &e,
                EventStatus::Cancelled,
                "карантин",
                on(2026, 11, 21),
                "мо",
            )
            .await;
        assert!(matches!(cancel, Err(StoreError::Invalid(_))), "{cancel:?}");

        let log = audit_actions(&t.db).await;
        for action in [
            "мероприятие создано",
            "приглашение на мероприятие",
            "присутствие на мероприятии отмечено",
            "курс добавлен",
            "просмотр участников мероприятия",
        ] {
            assert!(log.iter().any(|a| a == action), "{action} in {log:?}");
        }
    });
}

#[tokio::test]
async fn a_decision_of_the_protocol_becomes_a_roadmap_activity_once() {
    for_each_db!(|t| {
        let w = world(&t.db).await;
        let north = Scope::Municipality(w.north);
        let id =
            t.db.create_event(&north, &seminar(&w, false), "мо")
                .await
                .unwrap();
        let e = t.db.event(&north, id).await.unwrap().unwrap();
        let decision = DecisionFields {
            text: "Провести открытые уроки по формирующему оцениванию в каждой школе".into(),
            responsible: "руководители ШМО".into(),
            deadline: "до 20.12.2026".into(),
        };
        // Not before the event.
        let early =
            t.db.add_decision(&e, &decision, on(2026, 11, 1), "мо")
                .await;
        assert!(matches!(early, Err(StoreError::Invalid(_))), "{early:?}");
        t.db.save_protocol(&e, "Выступили: Иванова М. П.", on(2026, 11, 20), "мо")
            .await
            .unwrap();
        let d =
            t.db.add_decision(&e, &decision, on(2026, 11, 20), "мо")
                .await
                .unwrap();

        let mut plan = Plan::new(Level::Municipality, "Дорожная карта г. Северска");
        plan.period = None;
        let saved =
            t.db.save_plan(
                &plan,
                &PlanLinks {
                    municipality_id: Some(w.north),
                    school_id: None,
                },
                None,
                "мо",
            )
            .await
            .unwrap();
        let version =
            t.db.plan_summary(&north, saved.id, on(2026, 11, 20))
                .await
                .unwrap()
                .unwrap()
                .version;
        let activity =
            t.db.decision_to_activity(&e, d, saved.id, version, "мо")
                .await
                .unwrap();
        let plan = t.db.plan(saved.id).await.unwrap().unwrap();
        let section = plan
            .sections
            .iter()
            .find(|s| s.title == DECISIONS_SECTION)
            .expect("the section of decisions");
        let a = &section.activities[0];
        assert_eq!(a.id, Some(activity));
        assert_eq!(a.text, decision.text);
        assert_eq!(a.responsible_text, "руководители ШМО");
        assert!(a.form.as_deref().unwrap_or("").contains("семинар"));
        let decisions = t.db.event_decisions(id).await.unwrap();
        assert_eq!(
            decisions[0].activity.as_ref().map(|a| a.activity_id),
            Some(activity)
        );

        // Twice is refused; a transferred decision is not deleted.
        let version =
            t.db.plan_summary(&north, saved.id, on(2026, 11, 20))
                .await
                .unwrap()
                .unwrap()
                .version;
        let twice =
            t.db.decision_to_activity(&e, d, saved.id, version, "мо")
                .await;
        assert!(matches!(twice, Err(StoreError::Conflict(_))), "{twice:?}");
        let delete = t.db.delete_decision(&e, d, "мо").await;
        assert!(matches!(delete, Err(StoreError::Invalid(_))), "{delete:?}");
        let e = t.db.event(&north, id).await.unwrap().unwrap();
        assert_eq!(e.status, EventStatus::Held);
        assert_eq!(e.protocol, "Выступили: Иванова М. П.");
    });
}

async fn audit_actions(db: &Db) -> Vec<String> {
    db.audit_entries(1000)
        .await
        .unwrap()
        .into_iter()
        .map(|e| e.action)
        .collect()
}
