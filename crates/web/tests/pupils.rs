//! Обучающиеся с НОР over HTTP (issue 14): the school keeps its register
//! (built from results, by hand, thresholds, the early warning), works a
//! route through (steps, reviews, closing) and uploads attendance, which
//! raises the warning; the curator reads and may not write; the region and
//! the municipality never see a pupil (404 as a page and through the API)
//! and see counts with those under 5 hidden; bad fields are refused in
//! Russian; reads of pupils are in the audit log.

mod common;

use common::*;
use opora_store::pupils::register::{Pupil, PupilFields};
use opora_store::scope::Scope;

async fn register(db: &opora_store::Db, school_id: i64) -> Vec<Pupil> {
    db.pupils(&Scope::School(school_id), "test").await.unwrap()
}

#[tokio::test]
async fn the_school_works_a_route_through_and_the_curator_reads_it() {
    for_each_db!(|t| {
        let cast = load_demo(&t.db).await;
        let base = spawn(&t.db, test_config()).await;
        let mut school = logged_in(&base, "school1").await;
        let list = school.get("/pupils").await;
        assert_eq!(list.status, 200);
        assert!(
            list.body.contains("id=\"pupils\""),
            "the demo school's register is listed"
        );
        assert!(list.body.contains("Сигналы без действий"));

        // A pupil added by hand, then a route opened, kept and closed through the forms.
        let added = school
            .post(
                "/pupils/new",
                &[
                    ("school_id", &cast.school_id.to_string()),
                    ("student_key", "hand-01"),
                    ("grade", "9"),
                    ("class_name", "9Б"),
                    ("subjects", "Математика, Русский язык"),
                    ("cause", "motivation"),
                    ("cause", "attendance"),
                ],
            )
            .await;
        assert_eq!(added.status, 303, "{}", added.body);
        let card = school.get(&added.location).await;
        assert_eq!(card.status, 200);
        assert!(card.body.contains("Обучающийся hand-01"));
        assert!(card.body.contains("низкая учебная мотивация"));
        let id = register(&t.db, cast.school_id)
            .await
            .into_iter()
            .find(|p| p.student_key == "hand-01")
            .unwrap()
            .id;
        let no_goal = school
            .post(
                &format!("/pupils/{id}/routes"),
                &[
                    ("tier", "2"),
                    ("review_weeks", "6"),
                    ("goal_subject", ""),
                    ("goal_target", ""),
                ],
            )
            .await;
        assert_eq!(no_goal.status, 400);
        assert!(
            no_goal.body.contains("хотя бы одну цель"),
            "{}",
            no_goal.body
        );
        let opened = school
            .post(
                &format!("/pupils/{id}/routes"),
                &[
                    ("tier", "3"),
                    ("started_on", "01.09.2026"),
                    ("review_weeks", "6"),
                    ("goal_subject", "Математика"),
                    ("goal_target", "минимальный балл ОГЭ"),
                    ("goal_subject", ""),
                    ("goal_target", ""),
                ],
            )
            .await;
        assert_eq!(opened.status, 303, "{}", opened.body);
        let route_path = opened.location.split('?').next().unwrap().to_string();
        let page = school.get(&opened.location).await;
        assert!(page.body.contains("минимальный балл ОГЭ"));
        assert!(
            page.body.contains("Профориентация"),
            "grade 9 graduates: career guidance is offered"
        );
        let step = school
            .post(
                &format!("{route_path}/steps"),
                &[
                    ("kind", "psychologist"),
                    ("title", "Беседа с родителями"),
                    ("owner", "педагог-психолог"),
                    ("due_on", "15.09.2026"),
                    ("with_family", "1"),
                ],
            )
            .await;
        assert_eq!(step.status, 303, "{}", step.body);
        let route_id: i64 = route_path.rsplit('/').next().unwrap().parse().unwrap();
        let route =
            t.db.pupil_route(&Scope::School(cast.school_id), route_id)
                .await
                .unwrap()
                .unwrap();
        let step_id = route.steps[0].id;
        let future = school
            .post(
                &format!("{route_path}/steps/{step_id}"),
                &[("status", "done"), ("done_on", "01.01.2099")],
            )
            .await;
        assert_eq!(future.status, 422);
        let done = school
            .post(
                &format!("{route_path}/steps/{step_id}"),
                &[
                    ("status", "done"),
                    ("done_on", "15.09.2026"),
                    ("note", "мама пришла"),
                ],
            )
            .await;
        assert_eq!(done.status, 303);
        let review = school
            .post(
                &format!("{route_path}/reviews"),
                &[("held_on", "13.10.2026"), ("note", "Посещает занятия")],
            )
            .await;
        assert_eq!(review.status, 303);
        let career = school
            .post(
                &format!("{route_path}/career"),
                &[
                    ("programme", "Профпробы в колледже"),
                    ("choice", "колледж, технический профиль"),
                    ("outcome", ""),
                ],
            )
            .await;
        assert_eq!(career.status, 303);
        let page = school.get(&route_path).await;
        assert!(page.body.contains("с участием семьи"));
        assert!(page.body.contains("Посещает занятия"));
        assert!(page.body.contains("колледж, технический профиль"));

        // The curator reads the route and may not write; a teacher of the school keeps it.
        let mut curator = logged_in(&base, "metod1").await;
        let read = curator.get(&route_path).await;
        assert_eq!(read.status, 200);
        assert!(read.body.contains("Посещает занятия"));
        assert!(
            !read.body.contains("id=\"review-form\""),
            "no forms for the curator"
        );
        let refused = curator
            .post(&format!("{route_path}/reviews"), &[("note", "куратор")])
            .await;
        assert_eq!(refused.status, 403);
        let mut teacher = logged_in(&base, "teacher1").await;
        let kept = teacher
            .post(
                &format!("{route_path}/reviews"),
                &[("note", "Учитель: есть успехи")],
            )
            .await;
        assert_eq!(kept.status, 303, "{}", kept.body);
        let closed = school
            .post(
                &format!("{route_path}/close"),
                &[("outcome", "partly"), ("closed_on", "30.11.2026")],
            )
            .await;
        assert_eq!(closed.status, 303);
        let page = school.get(&route_path).await;
        assert!(page.body.contains("цели достигнуты частично"));

        // Reads of a pupil are in the audit log under the reader's name.
        let audit = t.db.audit_entries(200).await.unwrap();
        assert!(audit
            .iter()
            .any(|e| e.actor == "metod1" && e.action == "просмотр: обучающийся"));
        assert!(audit
            .iter()
            .any(|e| e.actor == "school1" && e.action == "индивидуальный маршрут завершён"));
    });
}

#[tokio::test]
async fn above_the_school_nobody_sees_a_pupil_and_counts_under_five_are_hidden() {
    for_each_db!(|t| {
        let cast = load_demo(&t.db).await;
        let base = spawn(&t.db, test_config()).await;
        let pupil = register(&t.db, cast.school_id).await.remove(0);
        // A school of another municipality with one pupil on its register.
        let ms = municipalities(&t.db).await;
        let far = schools(&t.db, ms[1].id).await.remove(0);
        let fields = PupilFields {
            class_name: "6А".into(),
            grade: 6,
            subjects: vec!["Математика".into()],
            causes: vec![],
            note: String::new(),
        };
        t.db.add_pupil(
            &Scope::School(far.id),
            far.id,
            "lonely-1",
            &fields,
            opora_plans::clock::today(),
            "test",
        )
        .await
        .unwrap();

        for login in ["region", "mo1"] {
            let mut c = logged_in(&base, login).await;
            assert_eq!(
                c.get(&format!("/pupils/{}", pupil.id)).await.status,
                404,
                "{login}"
            );
            assert_eq!(c.json("/api/pupils").await.0, 404, "{login}");
            let list = c.get("/pupils").await;
            assert_eq!(list.status, 200);
            assert!(
                !list.body.contains(&pupil.student_key),
                "{login}: no key above the school"
            );
            assert!(!list.body.contains("id=\"pupils\""), "{login}");
            let (status, counts) = c.json("/api/pupils/summary").await;
            assert_eq!(status, 200);
            for row in counts.as_array().unwrap() {
                for field in [
                    "on_register",
                    "at_risk",
                    "with_route",
                    "signals",
                    "compared",
                ] {
                    if let Some(n) = row[field].as_u64() {
                        assert!(n == 0 || n >= 5, "{login}: {field} = {n} shown");
                    } else {
                        assert_eq!(row[field], "<5", "{login}: {row}");
                    }
                }
            }
            if login == "region" {
                let lonely = counts
                    .as_array()
                    .unwrap()
                    .iter()
                    .find(|r| r["school"] == far.code.as_str())
                    .unwrap();
                assert_eq!(lonely["on_register"], "<5");
                let row = list
                    .body
                    .split("id=\"summary-")
                    .find(|r| r.contains(&far.short_name))
                    .unwrap_or("");
                assert!(
                    row.contains("&lt; 5") || row.contains("&#60; 5"),
                    "the page hides it too: {row}"
                );
            }
        }
        // The school sees its exact numbers and its pupils under their keys only.
        let mut school = logged_in(&base, "school1").await;
        let (status, mine) = school.json("/api/pupils").await;
        assert_eq!(status, 200);
        let mine = mine.as_array().unwrap();
        assert!(mine.iter().any(|p| p["key"] == pupil.student_key.as_str()));
        assert!(mine.iter().all(|p| p.get("name").is_none()));
        assert_eq!(
            school
                .json(&format!("/api/pupils?school={}", far.code))
                .await
                .0,
            404
        );
        let (_, counts) = school.json("/api/pupils/summary").await;
        assert!(counts
            .as_array()
            .unwrap()
            .iter()
            .all(|r| r["on_register"].is_u64()));
        // The school of another municipality is not the curator's either.
        let mut curator = logged_in(&base, "metod1").await;
        let lonely =
            t.db.pupils(&Scope::School(far.id), "test")
                .await
                .unwrap()
                .remove(0);
        assert_eq!(
            curator.get(&format!("/pupils/{}", lonely.id)).await.status,
            404
        );
    });
}

#[tokio::test]
async fn attendance_uploaded_by_the_school_raises_the_early_warning() {
    for_each_db!(|t| {
        let cast = load_demo(&t.db).await;
        let base = spawn(&t.db, test_config()).await;
        let mut school = logged_in(&base, "school1").await;
        let code =
            t.db.schools_in(&Scope::School(cast.school_id))
                .await
                .unwrap()
                .remove(0)
                .code;
        let fields = PupilFields {
            class_name: "8В".into(),
            grade: 8,
            subjects: vec![],
            causes: vec![opora_pupils::model::Cause::Family],
            note: String::new(),
        };
        let today = opora_plans::clock::today();
        let id =
            t.db.add_pupil(
                &Scope::School(cast.school_id),
                cast.school_id,
                "absent-1",
                &fields,
                today,
                "test",
            )
            .await
            .unwrap();
        let template = school.get("/templates/attendance.csv").await;
        assert_eq!(template.status, 200);
        assert!(
            template.body.contains("Код обучающегося"),
            "{}",
            template.body
        );
        let month = format!("{:02}.{}", today.month(), today.year());
        let file = format!("Посещаемость за месяц\n\nКод ОО;Код обучающегося;Месяц;Уроков;Пропущено;Без уважительной причины\n{code};absent-1;{month};80;20;8\n");
        let p = school
            .upload("attendance", "посещаемость.csv", file.into_bytes())
            .await;
        assert_eq!(p.status, 303, "{}", p.body);
        let done = school.post(&format!("{}/confirm", p.location), &[]).await;
        let result = school.get(&done.location).await;
        assert_eq!(result.status, 200, "{}", result.body);
        let recompute = school
            .post(
                "/pupils/warnings",
                &[("school_id", &cast.school_id.to_string())],
            )
            .await;
        assert_eq!(recompute.status, 303);
        let card = school.get(&format!("/pupils/{id}")).await;
        // Family (1 point): attention; 25 % missed: chronic and severe — two steps up.
        assert!(card.body.contains("высокий риск"), "{}", card.body);
        assert!(card.body.contains("пропущено 25 % уроков"), "{}", card.body);
        assert!(card
            .body
            .contains("без уважительной причины пропущено 10 % уроков"));
        // Thresholds: a bad value is refused in Russian, a good one is kept.
        let bad = school
            .post(
                "/pupils/thresholds",
                &[
                    ("school_id", &cast.school_id.to_string()),
                    ("low_result_pct", "150"),
                    ("chronic_absence_pct", "10"),
                    ("review_weeks", "6"),
                ],
            )
            .await;
        assert_eq!(bad.status, 422);
        assert!(bad.body.contains("от 0 до 100"), "{}", bad.body);
        let without_token = school
            .post_raw(
                "/pupils/warnings",
                &[("school_id".into(), cast.school_id.to_string())],
                &[],
            )
            .await;
        assert_eq!(without_token.status, 403);
        // The curator does not upload attendance nor recompute.
        let mut curator = logged_in(&base, "metod1").await;
        let refused = curator
            .post(
                "/pupils/warnings",
                &[("school_id", &cast.school_id.to_string())],
            )
            .await;
        assert_eq!(refused.status, 403);
    });
}

#[tokio::test]
async fn a_name_the_school_keeps_is_sealed_in_the_database_and_seen_only_in_the_school() {
    for_each_db!(|t| {
        let cast = load_demo(&t.db).await;
        let base = spawn(&t.db, test_config()).await;
        let pupil = register(&t.db, cast.school_id).await.remove(0);
        let mut school = logged_in(&base, "school1").await;
        let saved = school
            .post(
                &format!("/pupils/{}/name", pupil.id),
                &[("name", "Смирнова Ольга")],
            )
            .await;
        assert_eq!(saved.status, 303, "{}", saved.body);
        let card = school.get(&format!("/pupils/{}", pupil.id)).await;
        assert!(
            card.body.contains("Смирнова Ольга"),
            "the school reads the name"
        );
        // The database holds ciphertext only, bound to the pupil.
        let stored =
            t.db.pupil(&Scope::School(cast.school_id), pupil.id)
                .await
                .unwrap()
                .unwrap()
                .name_sealed
                .unwrap();
        assert!(!stored.contains("Смирнова"));
        let key = opora_pupils::names::NameKey::parse(TEST_NAME_KEY).unwrap();
        assert_eq!(
            key.open(&stored, cast.school_id, &pupil.student_key)
                .unwrap(),
            "Смирнова Ольга"
        );
        assert!(key.open(&stored, cast.school_id, "другой-код").is_err());
        // The curator reads the card without the name; the API never carries it.
        let mut curator = logged_in(&base, "metod1").await;
        let card = curator.get(&format!("/pupils/{}", pupil.id)).await;
        assert_eq!(card.status, 200);
        assert!(!card.body.contains("Смирнова"));
        let (_, api) = school.json("/api/pupils").await;
        assert!(!api.to_string().contains("Смирнова"));
        // Without a key on the server, nothing is kept and the card says why.
        let keyless = spawn(
            &t.db,
            opora_web::Config {
                pupil_names: None,
                ..test_config()
            },
        )
        .await;
        let mut school = logged_in(&keyless, "school1").await;
        let refused = school
            .post(
                &format!("/pupils/{}/name", pupil.id),
                &[("name", "Другое Имя")],
            )
            .await;
        assert_eq!(refused.status, 422);
        assert!(refused.body.contains("OPORA_PUPIL_NAME_KEY"));
        let card = school.get(&format!("/pupils/{}", pupil.id)).await;
        assert!(card.body.contains("ключ не задан"), "{}", card.body);
        let audit = t.db.audit_entries(100).await.unwrap();
        assert!(audit
            .iter()
            .any(|e| e.action == "имя обучающегося сохранено (зашифровано)"));
    });
}
