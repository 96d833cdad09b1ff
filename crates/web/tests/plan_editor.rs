//! The roadmap editor (issue 10, item 6) over HTTP on both databases: a plan
//! made without a file, every edit a version with its snapshot, rules that
//! keep work from being lost, scope, and a wrongly attached document removed
//! with its reason in the audit log.

mod common;

use common::*;
use opora_plans::Date;
use opora_store::scope::Scope;

/// The plan id a redirect to `/plans/{id}/edit…` names.
fn plan_of(location: &str) -> i64 {
    location
        .trim_start_matches("/plans/")
        .split('/')
        .next()
        .unwrap()
        .parse()
        .unwrap()
}

async fn version(db: &opora_store::Db, plan: i64) -> String {
    db.plan_summary(&Scope::Region, plan, Date::today())
        .await
        .unwrap()
        .unwrap()
        .version
        .to_string()
}

/// Posts one edit at the plan's current version.
async fn edit(c: &mut Client, db: &opora_store::Db, plan: i64, fields: &[(&str, &str)]) -> Page {
    let v = version(db, plan).await;
    let mut all = vec![("version", v.as_str())];
    all.extend_from_slice(fields);
    c.post(&format!("/plans/{plan}/edit"), &all).await
}

fn texts(plan: &opora_plans::Plan) -> Vec<String> {
    plan.all_activities()
        .iter()
        .map(|l| l.activity.text.clone())
        .collect()
}

#[tokio::test]
async fn a_plan_is_made_and_edited_in_the_browser_and_every_change_is_a_version() {
    for_each_db!(|t| {
        load_demo(&t.db).await;
        let base = spawn(&t.db, test_config()).await;
        let mut mo = logged_in(&base, "mo1").await;
        mo.get("/plans").await;
        let own = municipalities(&t.db).await[0].id;
        let p = mo
            .post(
                "/plans/new",
                &[
                    ("title", "План методической поддержки"),
                    ("target", &format!("m:{own}")),
                    ("period", "2026-2027"),
                ],
            )
            .await;
        assert_eq!(p.status, 303, "{}", p.body);
        let plan = plan_of(&p.location);
        assert_eq!(mo.get(&p.location).await.status, 200);

        let p = edit(
            &mut mo,
            &t.db,
            plan,
            &[
                ("op", "add_section"),
                ("number", "1."),
                ("title", "Семинары"),
            ],
        )
        .await;
        assert_eq!(p.status, 303, "{}", p.body);
        let section = t.db.plan(plan).await.unwrap().unwrap().sections[0]
            .id
            .unwrap()
            .to_string();
        for (text, deadline) in [
            ("Семинар по ВПР", "ноябрь"),
            ("Семинар по ОГЭ", "до 15.03.2027"),
        ] {
            let p = edit(
                &mut mo,
                &t.db,
                plan,
                &[
                    ("op", "add_activity"),
                    ("section", &section),
                    ("text", text),
                    ("deadline", deadline),
                    ("responsible", "Методический центр, руководители ОО"),
                ],
            )
            .await;
            assert_eq!(p.status, 303, "{}", p.body);
        }
        let stored = t.db.plan(plan).await.unwrap().unwrap();
        assert_eq!(texts(&stored), ["Семинар по ВПР", "Семинар по ОГЭ"]);
        let oge = stored.all_activities()[1].activity.clone();
        assert_eq!(oge.deadline.end.unwrap().iso(), "2027-03-15");
        assert_eq!(oge.responsibles.len(), 2);
        let oge_id = oge.id.unwrap().to_string();

        // Moved up; the deadline corrected; the history names both.
        let p = edit(
            &mut mo,
            &t.db,
            plan,
            &[("op", "move_activity"), ("activity", &oge_id), ("to", "up")],
        )
        .await;
        assert_eq!(p.status, 303, "{}", p.body);
        let p = edit(
            &mut mo,
            &t.db,
            plan,
            &[
                ("op", "edit_activity"),
                ("activity", &oge_id),
                ("section", &section),
                ("text", "Семинар по ОГЭ"),
                ("deadline", "до 22.03.2027"),
                ("responsible", "Методический центр, руководители ОО"),
            ],
        )
        .await;
        assert_eq!(p.status, 303, "{}", p.body);
        let stored = t.db.plan(plan).await.unwrap().unwrap();
        assert_eq!(texts(&stored), ["Семинар по ОГЭ", "Семинар по ВПР"]);
        assert_eq!(
            stored.all_activities()[0]
                .activity
                .deadline
                .end
                .unwrap()
                .iso(),
            "2027-03-22"
        );
        let versions = t.db.plan_versions(plan).await.unwrap();
        let last = versions.last().unwrap();
        assert!(
            last.change
                .contains("срок «до 15.03.2027» → «до 22.03.2027»"),
            "{}",
            last.change
        );
        assert!(versions
            .iter()
            .any(|v| v.change.contains("перемещено выше")));
        // Each version's snapshot is the plan as it became.
        let snapshot =
            t.db.plan_version(plan, last.version)
                .await
                .unwrap()
                .unwrap();
        assert_eq!(texts(&snapshot), texts(&stored));
        let before_move =
            t.db.plan_version(plan, last.version - 2)
                .await
                .unwrap()
                .unwrap();
        assert_eq!(texts(&before_move), ["Семинар по ВПР", "Семинар по ОГЭ"]);
        let page = mo
            .get(&format!("/plans/{plan}/versions/{}", last.version - 2))
            .await;
        assert_eq!(page.status, 200);
        let listed = &page.body[page.body.find("class=\"editor\"").unwrap()..];
        assert!(listed.find("Семинар по ВПР").unwrap() < listed.find("Семинар по ОГЭ").unwrap());

        // An impossible date is refused with what was typed kept; nothing changes.
        let v = version(&t.db, plan).await;
        let p = edit(
            &mut mo,
            &t.db,
            plan,
            &[
                ("op", "edit_activity"),
                ("activity", &oge_id),
                ("section", &section),
                ("text", "Семинар по ОГЭ (новый)"),
                ("deadline", "31.02.2027"),
            ],
        )
        .await;
        assert_eq!(p.status, 422, "{}", p.body);
        assert!(p.body.contains("31.02.2027") && p.body.contains("Семинар по ОГЭ (новый)"));
        assert_eq!(version(&t.db, plan).await, v);
        // A page read before someone else's change cannot overwrite it.
        let stale = (v.parse::<i64>().unwrap() - 1).to_string();
        let p = mo
            .post(
                &format!("/plans/{plan}/edit"),
                &[
                    ("version", &stale),
                    ("op", "move_activity"),
                    ("activity", &oge_id),
                    ("to", "down"),
                ],
            )
            .await;
        assert_eq!(p.status, 409, "{}", p.body);
        assert!(p.body.contains("обновите страницу"));
        // A section with activities is not deleted; an activity in work is not deleted.
        let p = edit(
            &mut mo,
            &t.db,
            plan,
            &[("op", "delete_section"), ("section", &section)],
        )
        .await;
        assert_eq!(p.status, 422);
        assert!(p.body.contains("есть мероприятия"));
        let (a, _) = (oge_id.parse::<i64>().unwrap(), ());
        mo.get(&format!("/activities/{a}")).await;
        let p = mo
            .post(
                &format!("/activities/{a}/status"),
                &[("status", "in_progress")],
            )
            .await;
        assert_eq!(p.status, 303, "{}", p.body);
        let p = edit(
            &mut mo,
            &t.db,
            plan,
            &[("op", "delete_activity"), ("activity", &oge_id)],
        )
        .await;
        assert_eq!(p.status, 422);
        assert!(p.body.contains("отменяют"), "{}", p.body);
        let vpr = t.db.plan(plan).await.unwrap().unwrap().all_activities()[1]
            .activity
            .id
            .unwrap()
            .to_string();
        let p = edit(
            &mut mo,
            &t.db,
            plan,
            &[("op", "delete_activity"), ("activity", &vpr)],
        )
        .await;
        assert_eq!(p.status, 303, "{}", p.body);
        assert_eq!(
            texts(&t.db.plan(plan).await.unwrap().unwrap()),
            ["Семинар по ОГЭ"]
        );
        let audit = t.db.audit_entries(1000).await.unwrap();
        assert!(audit
            .iter()
            .any(|e| e.action == "план изменён" && e.details.contains("удалено мероприятие")));
    });
}

#[tokio::test]
async fn only_those_who_manage_a_plan_edit_it_and_ids_from_other_plans_are_not_found() {
    for_each_db!(|t| {
        load_demo(&t.db).await;
        let base = spawn(&t.db, test_config()).await;
        let plans = t.db.plans(&Scope::Region, Date::today()).await.unwrap();
        let municipal = plans.iter().find(|p| p.level == "municipality").unwrap().id;
        let demo = demo_school(&t.db).await;
        let school_plan = plans.iter().find(|p| p.school_id == Some(demo)).unwrap().id;
        // The curator and the teacher see the plan but do not edit it; the
        // school does not edit the municipality's plan.
        for login in ["metod1", "teacher1", "school1"] {
            let mut c = logged_in(&base, login).await;
            let plan = if login == "metod1" {
                school_plan
            } else {
                municipal
            };
            let p = c.get(&format!("/plans/{plan}/edit")).await;
            assert!(matches!(p.status, 403 | 404), "{login}: {}", p.status);
            c.get("/plans").await;
            let v = version(&t.db, plan).await;
            let p = c
                .post(
                    &format!("/plans/{plan}/edit"),
                    &[
                        ("version", &v),
                        ("op", "add_section"),
                        ("title", "Чужой раздел"),
                    ],
                )
                .await;
            assert!(matches!(p.status, 403 | 404), "{login}: {}", p.status);
        }
        // Another municipality's user does not even see it.
        let second = municipalities(&t.db).await[1].id;
        t.db.create_user(&opora_store::users::NewUser {
            login: "mo2",
            display_name: "Другое управление",
            role: opora_store::users::Role::Municipality,
            municipality_id: Some(second),
            school_id: None,
            password_hash: Some(&opora_store::password::hash_password("demo")),
            curated_schools: &[],
        })
        .await
        .unwrap();
        let mut other = logged_in(&base, "mo2").await;
        assert_eq!(
            other.get(&format!("/plans/{municipal}/edit")).await.status,
            404
        );
        // An activity of the school's plan named in an edit of the municipal plan: not found.
        let mut mo = logged_in(&base, "mo1").await;
        mo.get("/plans").await;
        let foreign =
            t.db.plan(school_plan)
                .await
                .unwrap()
                .unwrap()
                .all_activities()[0]
                .activity
                .id
                .unwrap()
                .to_string();
        let v = version(&t.db, municipal).await;
        let p = mo
            .post(
                &format!("/plans/{municipal}/edit"),
                &[
                    ("version", &v),
                    ("op", "delete_activity"),
                    ("activity", &foreign),
                ],
            )
            .await;
        assert_eq!(p.status, 404, "{}", p.body);
        assert!(t
            .db
            .plan(school_plan)
            .await
            .unwrap()
            .unwrap()
            .all_activities()
            .iter()
            .any(|l| l.activity.id.map(|i| i.to_string()) == Some(foreign.clone())));
        // Without the CSRF token nothing is changed.
        mo.csrf = "wrong".into();
        let p = mo
            .post(
                &format!("/plans/{municipal}/edit"),
                &[
                    ("version", &v),
                    ("op", "add_section"),
                    ("title", "Без токена"),
                ],
            )
            .await;
        assert_eq!(p.status, 403);
        assert_eq!(version(&t.db, municipal).await, v);
    });
}

#[tokio::test]
async fn a_wrongly_attached_document_is_removed_with_its_reason_in_the_audit_log() {
    for_each_db!(|t| {
        load_demo(&t.db).await;
        let base = spawn(&t.db, test_config()).await;
        let school = demo_school(&t.db).await;
        let plan =
            t.db.plans(&Scope::School(school), Date::today())
                .await
                .unwrap()
                .into_iter()
                .find(|p| p.school_id == Some(school))
                .unwrap();
        let activity = t.db.plan(plan.id).await.unwrap().unwrap().all_activities()[0]
            .activity
            .id
            .unwrap();
        let mut c = logged_in(&base, "school1").await;
        c.get(&format!("/activities/{activity}")).await;
        let p = c
            .post_file(
                &format!("/activities/{activity}/evidence"),
                &[],
                "не тот файл.pdf",
                b"%PDF-1.4 wrong".to_vec(),
            )
            .await;
        assert_eq!(p.status, 303, "{}", p.body);
        let evidence = t.db.evidence(activity).await.unwrap()[0].id;
        let page = c.get(&format!("/activities/{activity}")).await;
        assert!(page.body.contains(&format!("/evidence/{evidence}/remove")));
        // The reason is required.
        let p = c
            .post(&format!("/evidence/{evidence}/remove"), &[("reason", " ")])
            .await;
        assert_eq!(p.status, 400, "{}", p.body);
        assert!(p.body.contains("Укажите, почему"), "{}", p.body);
        // The curator (who only confirms) cannot remove it.
        let mut curator = logged_in(&base, "metod1").await;
        curator.get(&format!("/activities/{activity}")).await;
        let p = curator
            .post(
                &format!("/evidence/{evidence}/remove"),
                &[("reason", "лишний")],
            )
            .await;
        assert_eq!(p.status, 403, "{}", p.body);
        let p = c
            .post(
                &format!("/evidence/{evidence}/remove"),
                &[("reason", "приложен не тот файл")],
            )
            .await;
        assert_eq!(p.status, 303, "{}", p.body);
        assert!(t.db.evidence(activity).await.unwrap().is_empty());
        assert_eq!(c.get(&format!("/evidence/{evidence}")).await.status, 404);
        let audit = t.db.audit_entries(1000).await.unwrap();
        let e = audit
            .iter()
            .find(|e| e.action == "подтверждающий документ удалён")
            .expect("logged");
        assert!(
            e.details.contains("не тот файл.pdf") && e.details.contains("приложен не тот файл"),
            "{}",
            e.details
        );
        assert_eq!(e.actor, "school1");
    });
}
