//! Roadmaps in the web application, on SQLite and PostgreSQL: the demo
//! municipal plan cascaded to schools and worked through by each role
//! (statuses, evidence, the curator's confirmation), «мои задачи», import of
//! a Word roadmap with preview and confirmation, reports, support pairs —
//! and for every role what it must not see or change.

mod common;

use common::*;
use opora_plans::{Date, Level, Plan};
use opora_store::plans::PlanLinks;
use opora_store::scope::Scope;
use opora_store::Db;

const SEED_DOCX: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../plans/tests/fixtures/seed_002_school46.docx"
);

/// The demo municipal plan and the id of its activity numbered `number`.
async fn municipal_activity(db: &Db, number: &str) -> (i64, i64) {
    let plans = db.plans(&Scope::Region, Date::today()).await.unwrap();
    let muni = plans
        .iter()
        .find(|p| p.level == "municipality")
        .expect("the demo municipal plan");
    let plan = db.plan(muni.id).await.unwrap().unwrap();
    let id = plan
        .all_activities()
        .iter()
        .find(|x| x.activity.number.as_deref() == Some(number))
        .and_then(|x| x.activity.id)
        .unwrap();
    (muni.id, id)
}

/// The activity a school received by cascade from the municipal activity `parent_text`.
async fn school_activity(db: &Db, school_id: i64, parent_text: &str) -> (i64, i64) {
    let plans = db
        .plans(&Scope::School(school_id), Date::today())
        .await
        .unwrap();
    for p in plans.iter().filter(|p| p.school_id == Some(school_id)) {
        let plan = db.plan(p.id).await.unwrap().unwrap();
        if let Some(a) = plan
            .all_activities()
            .iter()
            .find(|x| x.activity.text == parent_text)
        {
            return (p.id, a.activity.id.unwrap());
        }
    }
    panic!("school {school_id} has no «{parent_text}»");
}

fn status_of(page: &Page) -> String {
    let i = page
        .body
        .find("id=\"activity-status\"")
        .expect("status badge");
    let rest = &page.body[i..];
    rest[rest.find('>').unwrap() + 1..rest.find("</span>").unwrap()].to_string()
}

#[tokio::test]
async fn a_municipal_plan_is_cascaded_and_worked_through_by_each_role() {
    for_each_db!(|t| {
        load_demo(&t.db).await;
        let base = spawn(&t.db, test_config()).await;
        let ms = municipalities(&t.db).await;
        let first = schools(&t.db, ms[0].id).await;
        let (muni_plan, develop) = municipal_activity(&t.db, "1.2.").await;
        let (_, agreements) = municipal_activity(&t.db, "1.3.").await;
        let develop_text =
            t.db.plan(muni_plan)
                .await
                .unwrap()
                .unwrap()
                .all_activities()
                .iter()
                .find(|x| x.activity.id == Some(develop))
                .unwrap()
                .activity
                .text
                .clone();

        // Муниципалитет: the plan, its table and timeline; the cascade to every school.
        let mut mo = logged_in(&base, "mo1").await;
        let p = mo.get("/plans").await;
        assert_eq!(p.status, 200);
        assert!(p
            .body
            .contains("Дорожная карта по повышению качества образования"));
        let p = mo.get(&format!("/plans/{muni_plan}?status=overdue")).await;
        assert_eq!(p.status, 200);
        assert!(
            p.body.contains("Заключить соглашения"),
            "1.3 (October) is overdue in the demo"
        );
        let (status, svg, ct) = mo
            .get_bytes(&format!("/plans/{muni_plan}/timeline.svg"))
            .await;
        assert_eq!((status, ct.as_str()), (200, "image/svg+xml; charset=utf-8"));
        assert!(String::from_utf8(svg).unwrap().contains("<svg"));
        let p = mo.get(&format!("/activities/{agreements}")).await;
        assert!(p.body.contains("Всем школам"));
        // The first post asks to confirm, naming the targets' categories;
        // nothing is sent yet.
        let p = mo
            .post(
                &format!("/activities/{agreements}/cascade"),
                &[("all", "support")],
            )
            .await;
        assert_eq!(p.status, 200, "{}", p.body);
        assert!(p.body.contains("id=\"cascade-targets\"") && p.body.contains("ШНОР"));
        let shown = p.body.matches("name=\"school\"").count();
        assert!(
            shown >= 3 && shown < first.len(),
            "only the schools that need support: {shown}"
        );
        let p = mo.get(&format!("/activities/{agreements}")).await;
        assert!(
            !p.body.contains("Направлено в школ"),
            "nothing sent before confirming"
        );
        let p = mo
            .post(
                &format!("/activities/{agreements}/cascade"),
                &[("all", "1"), ("confirmed", "1")],
            )
            .await;
        assert_eq!(p.status, 303, "{}", p.body);
        let p = mo.get(&format!("/activities/{agreements}")).await;
        assert!(
            p.body
                .contains(&format!("Направлено в школ: {}", first.len())),
            "progress over every school of the municipality"
        );
        // The demo cascade of 1.2 reached the curator's three schools.
        let p = mo.get(&format!("/activities/{develop}")).await;
        assert!(p.body.contains("Направлено в школ: 3"));
        // The municipality confirms but does not do a school's work.
        let (_, school_task) = school_activity(&t.db, first[0].id, &develop_text).await;
        let p = mo
            .post(
                &format!("/activities/{school_task}/status"),
                &[("status", "done")],
            )
            .await;
        assert_eq!(p.status, 403);

        // Администратор школы: «мои задачи», the workflow, evidence.
        let mut school = logged_in(&base, "school1").await;
        let p = school.get("/tasks").await;
        assert!(
            p.body.contains(&develop_text),
            "the cascaded activity is the school's task"
        );
        for to in ["in_progress", "done"] {
            let p = school
                .post(
                    &format!("/activities/{school_task}/status"),
                    &[("status", to), ("comment", "")],
                )
                .await;
            assert_eq!(p.status, 303, "{to}: {}", p.body);
        }
        let pdf = b"%PDF-1.4 programme of anti-risk measures".to_vec();
        let p = school
            .post_file(
                &format!("/activities/{school_task}/evidence"),
                &[],
                "программа.pdf",
                pdf.clone(),
            )
            .await;
        assert_eq!(p.status, 303, "{}", p.body);
        let p = school
            .post_file(
                &format!("/activities/{school_task}/evidence"),
                &[],
                "virus.exe",
                b"MZ".to_vec(),
            )
            .await;
        assert_eq!(p.status, 415, "a refused type");
        let p = school
            .post_file(
                &format!("/activities/{school_task}/evidence"),
                &[],
                "big.pdf",
                vec![b'x'; 21 * 1024 * 1024],
            )
            .await;
        assert_eq!(p.status, 413, "over the 20 MB limit");
        let p = school
            .post(
                &format!("/activities/{school_task}/status"),
                &[("status", "verified")],
            )
            .await;
        assert_eq!(p.status, 403, "a school does not confirm its own work");
        let p = school.get(&format!("/activities/{school_task}")).await;
        assert_eq!(status_of(&p), "выполнено");
        let evidence_id: i64 = t.db.evidence(school_task).await.unwrap()[0].id;

        // Куратор: waiting for confirmation, the evidence, the confirmation.
        let mut metod = logged_in(&base, "metod1").await;
        let p = metod.get("/tasks").await;
        assert!(
            p.body.contains("Ждут вашего подтверждения")
                && p.body.contains(&format!("/activities/{school_task}"))
        );
        let (status, bytes, _) = metod.get_bytes(&format!("/evidence/{evidence_id}")).await;
        assert_eq!((status, bytes), (200, pdf));
        assert_eq!(
            metod
                .post(&format!("/evidence/{evidence_id}/verify"), &[])
                .await
                .status,
            303
        );
        let p = metod
            .post(
                &format!("/activities/{school_task}/status"),
                &[("status", "verified"), ("comment", "Программа утверждена")],
            )
            .await;
        assert_eq!(p.status, 303, "{}", p.body);
        let p = metod.get(&format!("/activities/{school_task}")).await;
        assert_eq!(status_of(&p), "подтверждено куратором");
        assert!(
            p.body.contains("подтверждён"),
            "the evidence shows who confirmed it"
        );
        assert_eq!(
            metod
                .post(
                    &format!("/activities/{school_task}/comments"),
                    &[("text", "Хорошая программа")]
                )
                .await
                .status,
            303
        );
        // …and the municipal activity shows it.
        let p = mo.get(&format!("/activities/{develop}")).await;
        assert!(p.body.contains("подтверждено 1"));
        let audit = t.db.audit_entries(500).await.unwrap();
        assert!(
            audit
                .iter()
                .any(|e| e.action == "просмотр документа" && e.actor == "metod1"),
            "reading evidence is audited"
        );
        assert!(audit
            .iter()
            .any(|e| e.action == "статус мероприятия" && e.actor == "metod1"));

        // Учитель: works on the school's activities but cannot cancel them.
        let mut teacher = logged_in(&base, "teacher1").await;
        assert_eq!(teacher.get("/tasks?all=1").await.status, 200);
        let p = teacher
            .post(
                &format!("/activities/{school_task}/status"),
                &[("status", "cancelled"), ("comment", "нет")],
            )
            .await;
        assert_eq!(p.status, 403);

        // Reports of the plan, in both formats.
        for (format, magic) in [("xlsx", "spreadsheetml"), ("docx", "wordprocessingml")] {
            let (status, bytes, ct) = mo
                .get_bytes(&format!(
                    "/plans/{muni_plan}/report?quarter=2026-4&format={format}&of=scope"
                ))
                .await;
            assert_eq!(status, 200);
            assert!(ct.contains(magic) && bytes.starts_with(b"PK"), "{ct}");
        }
    });
}

#[tokio::test]
async fn no_role_reads_or_changes_a_plan_outside_its_scope() {
    for_each_db!(|t| {
        load_demo(&t.db).await;
        let base = spawn(&t.db, test_config()).await;
        let ms = municipalities(&t.db).await;
        let first = schools(&t.db, ms[0].id).await;
        let second = schools(&t.db, ms[1].id).await;
        // A plan of a school of the second municipality, and one of the
        // first municipality's fifth school (outside the curator's three).
        let mut plans = Vec::new();
        for s in [&second[0], &first[4]] {
            let mut p = Plan::new(Level::School, &format!("План {}", s.short_name));
            p.activities.push(opora_plans::Activity::new(
                "Педсовет",
                opora_plans::parse_deadline("март 2027", None),
            ));
            let links = PlanLinks {
                municipality_id: Some(s.municipality_id),
                school_id: Some(s.id),
            };
            let saved = t.db.save_plan(&p, &links, None, "test").await.unwrap();
            let a = t.db.plan(saved.id).await.unwrap().unwrap().all_activities()[0]
                .activity
                .id
                .unwrap();
            plans.push((saved.id, a));
        }
        let (other_municipality, fifth_school) = (plans[0], plans[1]);
        let outside_of = |login: &str| match login {
            "mo1" => vec![other_municipality],
            _ => vec![other_municipality, fifth_school],
        };
        for login in ["mo1", "metod1", "school1", "teacher1"] {
            let mut c = logged_in(&base, login).await;
            for (plan, activity) in outside_of(login) {
                for path in [
                    format!("/plans/{plan}"),
                    format!("/activities/{activity}"),
                    format!("/plans/{plan}/timeline.svg"),
                ] {
                    assert_eq!(c.get(&path).await.status, 404, "{login} GET {path}");
                }
                let p = c
                    .post(
                        &format!("/activities/{activity}/status"),
                        &[("status", "in_progress")],
                    )
                    .await;
                assert_eq!(
                    p.status, 404,
                    "{login} changes an activity outside its scope"
                );
                let p = c
                    .post(
                        &format!("/activities/{activity}/comments"),
                        &[("text", "x")],
                    )
                    .await;
                assert_eq!(p.status, 404, "{login} comments outside its scope");
                let p = c
                    .post_file(
                        &format!("/activities/{activity}/evidence"),
                        &[],
                        "a.pdf",
                        b"%PDF".to_vec(),
                    )
                    .await;
                assert_eq!(p.status, 404, "{login} attaches evidence outside its scope");
            }
            // The regional operator's plan list is not theirs.
            let p = c.get("/plans").await;
            assert!(
                !p.body.contains(&format!("План {}", second[0].short_name)),
                "{login} lists another municipality's plan"
            );
        }
        // The same through the API.
        for login in ["mo1", "school1"] {
            let mut c = logged_in(&base, login).await;
            let (status, body) = c
                .json(&format!("/api/plans/{}", other_municipality.0))
                .await;
            assert_eq!(
                (status, body["status"].as_u64()),
                (404, Some(404)),
                "{login}"
            );
            let (_, list) = c.json("/api/plans").await;
            assert!(
                list.as_array()
                    .unwrap()
                    .iter()
                    .all(|p| p["id"].as_i64() != Some(other_municipality.0)),
                "{login}"
            );
        }
        let mut mo = logged_in(&base, "mo1").await;
        let (_, overdue) = mo.json("/api/overdue").await;
        assert!(
            overdue
                .as_array()
                .unwrap()
                .iter()
                .any(|o| o["days_overdue"].as_i64().unwrap() > 0),
            "the demo plan's overdue activities"
        );
        let muni =
            t.db.plans(&Scope::Region, Date::today())
                .await
                .unwrap()
                .into_iter()
                .find(|p| p.level == "municipality")
                .unwrap();
        let (status, body) = mo.json(&format!("/api/plans/{}", muni.id)).await;
        assert_eq!(status, 200);
        assert_eq!(body["rights"]["manage"], true);
        assert!(body["plan"]["sections"].as_array().unwrap().len() >= 3);
        // Region sees both; a POST without the CSRF token is refused.
        let mut region = logged_in(&base, "region").await;
        assert_eq!(
            region
                .get(&format!("/plans/{}", other_municipality.0))
                .await
                .status,
            200
        );
        let p = region
            .post_raw(
                &format!("/activities/{}/status", other_municipality.1),
                &[("status".into(), "in_progress".into())],
                &[],
            )
            .await;
        assert_eq!(p.status, 403, "no CSRF token");
        // Only those who own plans import them; a teacher does not.
        let mut teacher = logged_in(&base, "teacher1").await;
        let p = teacher
            .post_file(
                "/plans/import",
                &[("target", &format!("s:{}", first[0].id))],
                "plan.docx",
                std::fs::read(SEED_DOCX).unwrap(),
            )
            .await;
        assert_eq!(p.status, 403);
        // A municipality may not import a plan for another municipality's school.
        let p = mo
            .post_file(
                "/plans/import",
                &[("target", &format!("s:{}", second[0].id))],
                "plan.docx",
                std::fs::read(SEED_DOCX).unwrap(),
            )
            .await;
        assert_eq!(p.status, 400);
        // Support pairs are created by the region and municipalities only.
        let mut school = logged_in(&base, "school1").await;
        let p = school
            .post(
                "/support",
                &[
                    ("leader", &first[3].id.to_string()),
                    ("supported", &first[0].id.to_string()),
                ],
            )
            .await;
        assert_eq!(p.status, 403);
        let p = mo
            .post(
                "/support",
                &[
                    ("leader", &second[3].id.to_string()),
                    ("supported", &first[0].id.to_string()),
                ],
            )
            .await;
        assert_eq!(p.status, 422, "a leader school outside the municipality");
    });
}

#[tokio::test]
async fn a_word_roadmap_is_previewed_then_saved_once() {
    for_each_db!(|t| {
        load_demo(&t.db).await;
        let base = spawn(&t.db, test_config()).await;
        let ms = municipalities(&t.db).await;
        let first = schools(&t.db, ms[0].id).await;
        let before =
            t.db.plans(&Scope::Region, Date::today())
                .await
                .unwrap()
                .len();
        let mut school = logged_in(&base, "school1").await;
        let docx = std::fs::read(SEED_DOCX).unwrap();
        let target = format!("s:{}", first[0].id);
        let p = school
            .post_file(
                "/plans/import",
                &[("target", &target), ("period", "")],
                "дорожная карта.docx",
                docx.clone(),
            )
            .await;
        assert_eq!(p.status, 303, "{}", p.body);
        assert!(
            p.location.starts_with("/plans/import/"),
            "the preview is a page by token: {}",
            p.location
        );
        let p = school.get(&p.location).await;
        assert_eq!(p.status, 200, "{}", p.body);
        let opts = opora_plans::ImportOptions {
            file_name: "x.docx".into(),
            period: None,
            level: Some(Level::School),
            title: None,
            owner: None,
        };
        let n = opora_plans::import_bytes(&docx, &opts)
            .unwrap()
            .activity_count();
        assert!(n > 10);
        assert!(
            p.body.contains("Сохранить план") && p.body.contains(&format!("мероприятий: {n}")),
            "the preview lists what was read"
        );
        assert_eq!(
            t.db.plans(&Scope::Region, Date::today())
                .await
                .unwrap()
                .len(),
            before,
            "nothing is written before confirmation"
        );
        let token = {
            let i = p.body.find("name=\"token\" value=\"").unwrap() + 20;
            p.body[i..i + p.body[i..].find('"').unwrap()].to_string()
        };
        let p = school
            .post("/plans/import/confirm", &[("token", &token)])
            .await;
        assert_eq!(p.status, 303);
        assert!(p.location.ends_with("?imported=1"), "{}", p.location);
        let saved = p.location.clone();
        // The same token again is refused; the same file again changes nothing.
        assert_eq!(
            school
                .post("/plans/import/confirm", &[("token", &token)])
                .await
                .status,
            400
        );
        let p = school
            .post_file(
                "/plans/import",
                &[("target", &target)],
                "дорожная карта.docx",
                docx,
            )
            .await;
        let p = school.get(&p.location).await;
        let token = {
            let i = p.body.find("name=\"token\" value=\"").unwrap() + 20;
            p.body[i..i + p.body[i..].find('"').unwrap()].to_string()
        };
        let p = school
            .post("/plans/import/confirm", &[("token", &token)])
            .await;
        assert_eq!(p.location, saved.replace("imported=1", "imported=2"));
        assert_eq!(
            t.db.plans(&Scope::Region, Date::today())
                .await
                .unwrap()
                .len(),
            before + 1
        );
        let p = school.get(&saved).await;
        assert!(p.body.contains("План загружен и сохранён"));
        // A file that is not a roadmap gets a clear message.
        let p = school
            .post_file(
                "/plans/import",
                &[("target", &target)],
                "notes.docx",
                b"hello".to_vec(),
            )
            .await;
        assert_eq!(p.status, 400);
        assert!(
            p.body.contains("не прочитан как дорожная карта"),
            "{}",
            p.body
        );
    });
}

#[tokio::test]
async fn leader_schools_are_suggested_from_the_latest_run() {
    for_each_db!(|t| {
        load_demo(&t.db).await;
        let base = spawn(&t.db, test_config()).await;
        let mut region = logged_in(&base, "region").await;
        let p = region.get("/support").await;
        assert_eq!(p.status, 200);
        assert!(
            p.body.contains("предложения по"),
            "{}",
            &p.body[..p.body.len().min(3000)]
        );
        let shnor =
            t.db.leader_suggestions(&Scope::Region, t.db.runs().await.unwrap()[0].id)
                .await
                .unwrap();
        assert!(!shnor.is_empty());
        assert!(shnor
            .iter()
            .all(|s| s.candidates.iter().all(|c| c.school_id != s.school_id)));
        let with = shnor
            .iter()
            .find(|s| !s.candidates.is_empty())
            .expect("some ШНОР has a leader candidate");
        let (leader, supported) = (
            with.candidates[0].school_id.to_string(),
            with.school_id.to_string(),
        );
        let p = region
            .post(
                "/support",
                &[
                    ("leader", &leader),
                    ("supported", &supported),
                    ("agreement_link", "ftp://x"),
                ],
            )
            .await;
        assert_eq!(p.status, 400, "an agreement link must be http(s)");
        let p = region
            .post(
                "/support",
                &[
                    ("leader", &leader),
                    ("supported", &supported),
                    ("agreement_number", "7"),
                    ("agreement_date", "01.10.2026"),
                    ("agreement_link", "https://example.ru/s7.pdf"),
                ],
            )
            .await;
        assert_eq!(p.status, 303, "{}", p.body);
        let p = region.get("/support").await;
        assert!(p.body.contains(&with.short_name));
        assert!(
            p.body.contains("href=\"https://example.ru/s7.pdf\"")
                && p.body.contains("№ 7 от 01.10.2026")
        );
        // The curator sees the pairs of its schools but may not create one.
        let mut metod = logged_in(&base, "metod1").await;
        assert!(metod.get("/support").await.body.contains("Пары поддержки"));
    });
}

#[tokio::test]
async fn a_template_block_is_applied_to_every_shnor_of_a_run_in_one_action() {
    for_each_db!(|t| {
        let run = load_demo(&t.db).await.run_id;
        let base = spawn(&t.db, test_config()).await;
        let (muni_plan, _) = municipal_activity(&t.db, "1.1.").await;
        let mut mo = logged_in(&base, "mo1").await;
        mo.get(&format!("/plans/{muni_plan}")).await;
        assert_eq!(
            mo.post(
                &format!("/plans/{muni_plan}/template"),
                &[("template", "1")]
            )
            .await
            .status,
            303
        );
        let page = mo.get(&format!("/plans/{muni_plan}")).await;
        assert!(page.body.contains("Применить шаблон"));
        let p = mo
            .post(&format!("/plans/{muni_plan}/apply"), &[("to", "shnor")])
            .await;
        let ms = municipalities(&t.db).await;
        let shnor: Vec<String> =
            t.db.run_lines_in(&Scope::Municipality(ms[0].id), run)
                .await
                .unwrap()
                .into_iter()
                .filter(|l| l.is_shnor)
                .map(|l| l.school_code)
                .collect();
        if shnor.is_empty() {
            assert_eq!(
                p.status, 400,
                "no ШНОР in the municipality: a clear message"
            );
        } else {
            assert_eq!(p.status, 303, "{}", p.body);
            for code in &shnor {
                let s = t.db.school_by_code(code).await.unwrap().unwrap();
                let plans =
                    t.db.plans(&Scope::School(s.id), Date::today())
                        .await
                        .unwrap();
                assert!(
                    plans
                        .iter()
                        .any(|p| p.school_id == Some(s.id) && p.activities >= 9),
                    "{code} got the template's activities"
                );
            }
            // Once per school: applying again adds nothing.
            let before: i64 =
                t.db.plans(&Scope::Region, Date::today())
                    .await
                    .unwrap()
                    .iter()
                    .map(|p| p.activities)
                    .sum();
            assert_eq!(
                mo.post(&format!("/plans/{muni_plan}/apply"), &[("to", "shnor")])
                    .await
                    .status,
                303
            );
            let after: i64 =
                t.db.plans(&Scope::Region, Date::today())
                    .await
                    .unwrap()
                    .iter()
                    .map(|p| p.activities)
                    .sum();
            assert_eq!(before, after);
        }
        // A school may not apply the municipality's template.
        let mut school = logged_in(&base, "school1").await;
        assert_eq!(
            school
                .post(&format!("/plans/{muni_plan}/apply"), &[("to", "all")])
                .await
                .status,
            403
        );
    });
}
