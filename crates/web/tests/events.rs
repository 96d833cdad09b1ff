//! Events over HTTP (issue 16): the municipality registers a seminar for
//! its schools through the form, invites a teacher, marks attendance — the
//! event appears in the teacher's record and plan — writes the protocol
//! and turns a decision into an activity of its roadmap; bad fields come
//! back in Russian with the form kept; the calendar, «мои задачи» and the
//! API show the events of the caller's scope and nothing outside it.

mod common;

use common::*;
use opora_store::events::register::EventFilter;
use opora_store::scope::Scope;

/// A teacher of the demo school with an active development plan.
async fn planned_teacher(db: &opora_store::Db, school_id: i64) -> i64 {
    let plans = db
        .development_plans_in(&Scope::School(school_id), None, "test")
        .await
        .unwrap();
    plans
        .iter()
        .find(|p| p.status == opora_staff::development::DevPlanStatus::Active)
        .map(|p| p.teacher_id)
        .expect("the demo school has teachers with development plans")
}

#[tokio::test]
async fn a_seminar_is_registered_held_and_its_decision_becomes_a_roadmap_activity() {
    for_each_db!(|t| {
        let cast = load_demo(&t.db).await;
        let base = spawn(&t.db, test_config()).await;
        let mut mo = logged_in(&base, "mo1").await;
        let code =
            t.db.schools_in(&Scope::School(cast.school_id))
                .await
                .unwrap()[0]
                .code
                .clone();

        // Bad fields come back together, in Russian, with the form kept.
        let bad = mo
            .post(
                "/events",
                &[
                    ("title", "Семинар по читательской грамотности"),
                    ("kind", "seminar"),
                    ("starts_on", "31.02.2026"),
                    ("starts_at", "25:00"),
                    ("target", "list"),
                    ("codes", "НЕТ-ТАКОЙ"),
                ],
            )
            .await;
        assert_eq!(bad.status, 422, "{}", bad.body);
        for part in [
            "дата «31.02.2026» не понята",
            "время «25:00» не распознано",
            "школа с кодом «НЕТ-ТАКОЙ» не найдена",
            "Семинар по читательской грамотности",
        ] {
            assert!(bad.body.contains(part), "{part}: {}", bad.body);
        }
        let short = mo
            .post(
                "/events",
                &[
                    ("title", "Курсы за один вечер"),
                    ("kind", "seminar"),
                    ("starts_on", "20.11.2026"),
                    ("hours", "4"),
                    ("certificate", "1"),
                    ("target", "list"),
                    ("codes", &code),
                ],
            )
            .await;
        assert_eq!(short.status, 422);
        assert!(short.body.contains("не короче 16 часов"), "{}", short.body);

        let made = mo
            .post(
                "/events",
                &[
                    ("title", "Семинар по читательской грамотности"),
                    ("kind", "seminar"),
                    ("starts_on", "20.11.2026"),
                    ("starts_at", "14:00"),
                    ("ends_at", "16.00"),
                    ("place", "ИМЦ"),
                    ("target", "list"),
                    ("codes", &code),
                ],
            )
            .await;
        assert_eq!(made.status, 303, "{}", made.body);
        let id: i64 = made
            .location
            .trim_start_matches("/events/")
            .split('?')
            .next()
            .unwrap()
            .parse()
            .unwrap();
        let page = mo.get(&made.location).await;
        assert!(
            page.body.contains("20.11.2026, 14:00–16:00"),
            "{}",
            page.body
        );

        // Invited: a teacher with a development plan gets the event in it.
        let teacher = planned_teacher(&t.db, cast.school_id).await;
        let invited = mo
            .post(
                &format!("/events/{id}/participants"),
                &[("teacher", &teacher.to_string())],
            )
            .await;
        assert_eq!(invited.status, 303, "{}", invited.body);
        let marked = mo
            .post(
                &format!("/events/{id}/attendance"),
                &[(&format!("a{teacher}"), "attended")],
            )
            .await;
        assert_eq!(marked.status, 303, "{}", marked.body);
        let page = mo.get(&format!("/events/{id}")).await;
        assert!(page.body.contains("проведено"), "attendance makes it held");

        // The school sees the event in the teacher's record and plan.
        let mut school = logged_in(&base, "school1").await;
        let card = school.get(&format!("/staff/{teacher}")).await;
        assert_eq!(card.status, 200);
        assert!(
            card.body.contains(&format!("id=\"teacher-event-{id}\"")),
            "{}",
            card.body
        );
        assert!(card.body.contains("присутствовал"));
        let plan =
            t.db.development_plans_of(teacher)
                .await
                .unwrap()
                .into_iter()
                .find(|p| p.status == opora_staff::development::DevPlanStatus::Active)
                .unwrap();
        let step = plan
            .steps
            .iter()
            .find(|s| s.event_id == Some(id))
            .expect("the event is a step of the plan");
        assert_eq!(step.status, opora_staff::development::StepStatus::Done);
        let plan_page = school.get(&format!("/staff/plans/{}", plan.id)).await;
        assert!(plan_page.body.contains(&format!("href=\"/events/{id}\"")));
        // The school does not keep the municipality's event.
        let refused = school
            .post(&format!("/events/{id}/protocol"), &[("protocol", "чужой")])
            .await;
        assert_eq!(refused.status, 403);

        // The protocol, a decision, and the decision into the roadmap.
        let saved = mo
            .post(
                &format!("/events/{id}/protocol"),
                &[("protocol", "Выступили учителя русского языка.")],
            )
            .await;
        assert_eq!(saved.status, 303);
        let added = mo
            .post(
                &format!("/events/{id}/decisions"),
                &[
                    (
                        "text",
                        "Провести диагностику читательской грамотности в 5–7 классах",
                    ),
                    ("responsible", "заместители директоров"),
                    ("deadline", "февраль"),
                ],
            )
            .await;
        assert_eq!(added.status, 303, "{}", added.body);
        let decision = t.db.event_decisions(id).await.unwrap()[0].id;
        let plan =
            t.db.plans(
                &Scope::Municipality(cast.municipality_id),
                opora_plans::clock::today(),
            )
            .await
            .unwrap()
            .into_iter()
            .find(|p| p.level == "municipality" && !p.is_template)
            .unwrap();
        let page = mo.get(&format!("/events/{id}")).await;
        assert!(page.body.contains(&format!("id=\"transfer-{decision}\"")));
        // The municipality's own roadmap is offered first.
        assert!(
            page.body.contains(&format!(
                "id=\"plan-for-{decision}\"><option value=\"{}\">",
                plan.id
            )),
            "{}",
            page.body
        );
        let moved = mo
            .post(
                &format!("/events/{id}/decisions/{decision}/activity"),
                &[("plan", &plan.id.to_string())],
            )
            .await;
        assert_eq!(moved.status, 303, "{}", moved.body);
        let activity = t.db.event_decisions(id).await.unwrap()[0]
            .activity
            .clone()
            .expect("the decision is an activity")
            .activity_id;
        let a = mo.get(&format!("/activities/{activity}")).await;
        assert_eq!(a.status, 200);
        assert!(a
            .body
            .contains("Провести диагностику читательской грамотности"));
        let page = mo.get(&format!("/events/{id}")).await;
        assert!(page
            .body
            .contains(&format!("id=\"activity-of-{decision}\"")));
    });
}

#[tokio::test]
async fn the_calendar_tasks_and_api_show_the_events_of_the_scope_only() {
    for_each_db!(|t| {
        let cast = load_demo(&t.db).await;
        let base = spawn(&t.db, test_config()).await;
        let today = opora_plans::clock::today();
        let events =
            t.db.events(&Scope::Region, &EventFilter::default())
                .await
                .unwrap();
        assert!(events.len() >= 5, "the demo's calendar: {}", events.len());
        let council = events
            .iter()
            .find(|e| e.fields.level == opora_events::EventLevel::School)
            .expect("the demo school's council");
        let seminar = events
            .iter()
            .find(|e| e.fields.kind == opora_events::EventKind::Seminar)
            .unwrap();

        // The calendar of the council's month shows it on its day.
        let month = opora_events::calendar::Month::of(council.fields.schedule.starts_on);
        let mut school = logged_in(&base, "school1").await;
        let page = school.get(&format!("/events?month={}", month.code())).await;
        assert_eq!(page.status, 200);
        assert!(page
            .body
            .contains(&format!("href=\"/events/{}\"", council.id)));
        let bad = school.get("/events?month=2026-13").await;
        assert_eq!(bad.status, 422);
        assert!(bad.body.contains("2026-13"));

        // The teacher invited to the council finds it in «мои задачи».
        let mut teacher = logged_in(&base, "teacher1").await;
        let tasks = teacher.get("/tasks").await;
        assert!(tasks.body.contains("Ближайшие мероприятия"));
        if council.fields.schedule.starts_on >= today {
            assert!(
                tasks
                    .body
                    .contains(&format!("href=\"/events/{}\"", council.id)),
                "{}",
                tasks.body
            );
        }
        // A teacher sees only its own line among the participants.
        let (status, json) = teacher.json(&format!("/api/events/{}", seminar.id)).await;
        assert_eq!(status, 200);
        let list = json["participant_list"].as_array().unwrap();
        assert!(list.len() <= 1, "{list:?}");

        // Another municipality does not see the demo municipality's events.
        let mut out = outsider(&t.db, &base, cast.municipality_id, "events_outsider").await;
        assert_eq!(
            out.get(&format!("/events/{}", seminar.id)).await.status,
            404
        );
        assert_eq!(
            out.json(&format!("/api/events/{}", seminar.id)).await.0,
            404
        );
        let (status, json) = out.json("/api/events").await;
        assert_eq!(status, 200);
        let ids: Vec<i64> = json
            .as_array()
            .unwrap()
            .iter()
            .map(|e| e["id"].as_i64().unwrap())
            .collect();
        assert!(!ids.contains(&seminar.id) && !ids.contains(&council.id));
        // Regional events are everyone's.
        let webinar = events
            .iter()
            .find(|e| e.fields.kind == opora_events::EventKind::Webinar)
            .unwrap();
        assert!(ids.contains(&webinar.id));
        // A municipality or school outside the scope in the query: 404.
        let (status, _) = out
            .json(&format!(
                "/api/events?municipality={}",
                cast.municipality_id
            ))
            .await;
        assert_eq!(status, 404);

        // The region's API reads filters and dates.
        let mut region = logged_in(&base, "region").await;
        let (status, json) = region
            .json(&format!("/api/events?kind=webinar&from={}", today.iso()))
            .await;
        assert_eq!(status, 200);
        assert!(json
            .as_array()
            .unwrap()
            .iter()
            .all(|e| e["kind"] == "webinar"));
        let (status, json) = region.json("/api/events?from=вчера").await;
        assert_eq!(status, 400);
        assert!(json["error"].as_str().unwrap().contains("вчера"));
    });
}
