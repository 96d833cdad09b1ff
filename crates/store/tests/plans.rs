//! Plans in the database, on SQLite and PostgreSQL: saving an imported plan
//! and loading it back, re-import, the status workflow with history, overdue
//! lists by scope, evidence, comments, versions, support pairs, the cascade of
//! a municipal activity to schools and templates.

mod common;

use common::*;
use opora_plans::{import_file, ActivityStatus, Date, ImportOptions, Plan, PlanStatus};
use opora_store::plans::{NewEvidenceFile, NewSupportPair, PlanLinks, PlanSource, StatusUpdate};
use opora_store::scope::Scope;
use opora_store::users::{NewUser, Role};
use opora_store::Db;
use std::path::Path;

fn fixture(name: &str) -> Plan {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../plans/tests/fixtures")
        .join(name);
    import_file(&path, &ImportOptions::default()).unwrap()
}

fn d(s: &str) -> Date {
    Date::parse(s).unwrap()
}

async fn school_id(db: &Db, code: &str) -> i64 {
    db.school_by_code(code).await.unwrap().unwrap().id
}

async fn municipality_of(db: &Db, code: &str) -> i64 {
    db.school_by_code(code)
        .await
        .unwrap()
        .unwrap()
        .municipality_id
}

fn ids(p: &Plan) -> Vec<i64> {
    p.all_activities()
        .iter()
        .map(|l| l.activity.id.unwrap())
        .collect()
}

fn update(to: ActivityStatus, on: &str) -> StatusUpdate {
    StatusUpdate {
        to,
        actor: "test".into(),
        comment: String::new(),
        on: Some(d(on)),
    }
}

/// Compares two plans without storage ids and import notes.
fn same_content(a: &Plan, b: &Plan) {
    let mut a = serde_json::to_value(a).unwrap();
    let mut b = serde_json::to_value(b).unwrap();
    fn strip(v: &mut serde_json::Value) {
        match v {
            serde_json::Value::Object(m) => {
                m.remove("id");
                m.remove("import");
                m.remove("text_source");
                if let Some(serde_json::Value::Object(ap)) = m.get_mut("approval") {
                    ap.remove("text");
                }
                m.values_mut().for_each(strip);
            }
            serde_json::Value::Array(xs) => xs.iter_mut().for_each(strip),
            _ => {}
        }
    }
    strip(&mut a);
    strip(&mut b);
    assert_eq!(a, b);
}

#[tokio::test]
async fn imported_plan_round_trips_and_reimport_changes_nothing() {
    for_each_db!(|t| {
        with_registry(&t.db).await;
        let plan = fixture("synthetic_support.docx");
        let links = PlanLinks {
            school_id: Some(school_id(&t.db, "S001").await),
            municipality_id: Some(municipality_of(&t.db, "S001").await),
        };
        let source = PlanSource {
            file: "synthetic_support.docx".into(),
            hash: "abc".into(),
        };
        let saved =
            t.db.save_plan(&plan, &links, Some(&source), "test")
                .await
                .unwrap();
        assert!(saved.created);
        assert_eq!((saved.sections, saved.activities), (5, 10));
        let loaded = t.db.plan(saved.id).await.unwrap().unwrap();
        same_content(&plan, &loaded);
        assert_eq!(loaded.id, Some(saved.id));
        assert!(loaded
            .all_activities()
            .iter()
            .all(|l| l.activity.id.is_some()));
        // Responsibles keep their part.
        let first = loaded.all_activities()[0].activity.clone();
        assert_eq!(
            first.responsibles[0].part.as_deref(),
            Some("ОО, оказывающая поддержку")
        );
        // Same file again: nothing written.
        let again =
            t.db.save_plan(&plan, &links, Some(&source), "test")
                .await
                .unwrap();
        assert_eq!((again.id, again.created), (saved.id, false));
        assert_eq!(t.db.count("plans").await.unwrap(), 1);
        assert_eq!(t.db.count("plan_activities").await.unwrap(), 10);
        // Versions: the import is version 1.
        let v = t.db.plan_versions(saved.id).await.unwrap();
        assert_eq!(v.len(), 1);
        assert!(v[0].change.contains("synthetic_support.docx"));

        // A municipal plan with sections from a seed.
        let seed = fixture("seed_000_alekseevsky.docx");
        let m =
            t.db.save_plan(
                &seed,
                &PlanLinks {
                    municipality_id: Some(municipality_of(&t.db, "S003").await),
                    school_id: None,
                },
                None,
                "test",
            )
            .await
            .unwrap();
        let back = t.db.plan(m.id).await.unwrap().unwrap();
        same_content(&seed, &back);
        let list = t.db.plans(&Scope::Region, d("2021-01-15")).await.unwrap();
        assert_eq!(list.len(), 2);
        let s = list.iter().find(|p| p.id == m.id).unwrap();
        assert_eq!(
            (s.activities, s.done, s.level.as_str()),
            (19, 0, "municipality")
        );
        // As of 15.01.2021: 1.2 (April 2020), 1.3 (July 2020), 1.4 (August 2020), 1.8 and 2.2, 2.4 not yet (end in 2021).
        assert_eq!(s.overdue, 3);
    });
}

#[tokio::test]
async fn status_workflow_history_and_overdue() {
    for_each_db!(|t| {
        with_registry(&t.db).await;
        let s1 = school_id(&t.db, "S001").await;
        let m1 = municipality_of(&t.db, "S001").await;
        let s3 = school_id(&t.db, "S003").await;
        let m3 = municipality_of(&t.db, "S003").await;
        assert_ne!(m1, m3);
        let p1 =
            t.db.save_plan(
                &fixture("seed_002_school46.docx"),
                &PlanLinks {
                    school_id: Some(s1),
                    municipality_id: Some(m1),
                },
                None,
                "test",
            )
            .await
            .unwrap();
        let p3 =
            t.db.save_plan(
                &fixture("seed_002_school46.docx"),
                &PlanLinks {
                    school_id: Some(s3),
                    municipality_id: Some(m3),
                },
                None,
                "test",
            )
            .await
            .unwrap();
        let plan = t.db.plan(p1.id).await.unwrap().unwrap();
        let a = ids(&plan);

        // planned → in progress → done (on a day) → verified
        t.db.set_activity_status(a[0], &update(ActivityStatus::InProgress, "2023-02-10"))
            .await
            .unwrap();
        t.db.set_activity_status(a[0], &update(ActivityStatus::Done, "2023-02-20"))
            .await
            .unwrap();
        t.db.set_activity_status(
            a[0],
            &StatusUpdate {
                to: ActivityStatus::Verified,
                actor: "curator".into(),
                comment: "протокол проверен".into(),
                on: None,
            },
        )
        .await
        .unwrap();
        let h = t.db.activity_history(a[0]).await.unwrap();
        let steps: Vec<(String, String, String)> = h
            .iter()
            .map(|c| (c.from.clone(), c.to.clone(), c.actor.clone()))
            .collect();
        assert_eq!(
            steps,
            [
                ("planned".into(), "in_progress".into(), "test".into()),
                ("in_progress".into(), "done".into(), "test".into()),
                ("done".into(), "verified".into(), "curator".into()),
            ]
        );
        // Not allowed: verified straight from planned; cancelling without a reason.
        let e =
            t.db.set_activity_status(a[1], &update(ActivityStatus::Verified, "2023-02-10"))
                .await
                .unwrap_err()
                .to_string();
        assert!(e.contains("нельзя перейти"), "{e}");
        let e =
            t.db.set_activity_status(a[1], &update(ActivityStatus::Cancelled, "2023-02-10"))
                .await
                .unwrap_err()
                .to_string();
        assert!(e.contains("причину"), "{e}");
        t.db.set_activity_status(
            a[1],
            &StatusUpdate {
                to: ActivityStatus::Cancelled,
                actor: "test".into(),
                comment: "лицей отказался".into(),
                on: None,
            },
        )
        .await
        .unwrap();
        let e =
            t.db.set_activity_status(999_999, &update(ActivityStatus::Done, "2023-02-10"))
                .await
                .unwrap_err()
                .to_string();
        assert!(e.contains("не найдено"), "{e}");

        let loaded = t.db.plan(p1.id).await.unwrap().unwrap();
        let acts: Vec<_> = loaded
            .all_activities()
            .into_iter()
            .map(|l| l.activity.clone())
            .collect();
        assert_eq!(acts[0].status, ActivityStatus::Verified);
        assert_eq!(
            (acts[1].status, acts[1].cancel_reason.as_deref()),
            (ActivityStatus::Cancelled, Some("лицей отказался"))
        );

        // Overdue on 10.03.2023: February activities of both plans, except done and cancelled ones.
        let all = t.db.overdue(&Scope::Region, d("2023-03-10")).await.unwrap();
        let feb = 7; // activities 1–5, 8, 9 end in February; 10 runs to the end of March
        assert_eq!(all.len(), feb + feb - 2);
        assert!(all.iter().all(|o| o.deadline_end.as_str() < "2023-03-10"));
        assert_eq!(all[0].days_overdue, 10); // 28.02 → 10.03
                                             // Municipality scope: only its school's plan.
        let mine =
            t.db.overdue(&Scope::Municipality(m3), d("2023-03-10"))
                .await
                .unwrap();
        assert_eq!(mine.len(), feb);
        assert!(mine.iter().all(|o| o.plan_id == p3.id));
        // The day of the deadline itself is not late.
        assert!(t
            .db
            .overdue(&Scope::School(s3), d("2023-02-28"))
            .await
            .unwrap()
            .is_empty());
        // Archived plans are not chased.
        t.db.set_plan_status(p3.id, PlanStatus::Archived, "test")
            .await
            .unwrap();
        assert!(t
            .db
            .overdue(&Scope::School(s3), d("2023-03-10"))
            .await
            .unwrap()
            .is_empty());
    });
}

#[tokio::test]
async fn evidence_comments_and_versions() {
    for_each_db!(|t| {
        with_registry(&t.db).await;
        let s1 = school_id(&t.db, "S001").await;
        let p =
            t.db.save_plan(
                &fixture("seed_002_school46.docx"),
                &PlanLinks {
                    school_id: Some(s1),
                    municipality_id: None,
                },
                None,
                "test",
            )
            .await
            .unwrap();
        let a = ids(&t.db.plan(p.id).await.unwrap().unwrap());
        let file = NewEvidenceFile {
            name: "Соглашение.pdf".into(),
            media_type: "application/pdf".into(),
            size_bytes: 12_345,
            sha256: "00ff".into(),
            storage_path: "evidence/1.pdf".into(),
        };
        let e1 = t.db.add_evidence_file(a[1], &file, "school").await.unwrap();
        t.db.add_evidence_link(
            a[1],
            "Страница на сайте",
            "https://school46.example/doc",
            "school",
        )
        .await
        .unwrap();
        let bad = NewEvidenceFile {
            name: "setup.exe".into(),
            size_bytes: 10,
            ..Default::default()
        };
        assert!(t
            .db
            .add_evidence_file(a[1], &bad, "school")
            .await
            .unwrap_err()
            .to_string()
            .contains("не принимается"));
        assert!(t
            .db
            .add_evidence_link(a[1], "", "ftp://x", "school")
            .await
            .is_err());
        t.db.verify_evidence(e1, "curator").await.unwrap();
        let ev = t.db.evidence(a[1]).await.unwrap();
        assert_eq!(ev.len(), 2);
        assert_eq!(
            (
                ev[0].kind.as_str(),
                ev[0].size_bytes,
                ev[0].verified_by.as_str()
            ),
            ("file", Some(12_345), "curator")
        );
        assert_eq!(ev[1].url, "https://school46.example/doc");

        t.db.add_comment(a[1], "curator", "Приложите подписанный экземпляр")
            .await
            .unwrap();
        assert!(t.db.add_comment(a[1], "curator", "  ").await.is_err());
        let c = t.db.comments(a[1]).await.unwrap();
        assert_eq!((c.len(), c[0].author.as_str()), (1, "curator"));

        // Plan versions (the seed's plan was approved by its director): archive, then back; each is a snapshot.
        assert_eq!(
            t.db.plan(p.id).await.unwrap().unwrap().status,
            PlanStatus::Approved
        );
        assert_eq!(
            t.db.set_plan_status(p.id, PlanStatus::Archived, "head")
                .await
                .unwrap(),
            2
        );
        assert_eq!(
            t.db.set_plan_status(p.id, PlanStatus::Draft, "head")
                .await
                .unwrap(),
            3
        );
        let v = t.db.plan_versions(p.id).await.unwrap();
        assert_eq!(v.iter().map(|x| x.version).collect::<Vec<_>>(), [1, 2, 3]);
        assert_eq!(v[1].change, "статус: утверждён → в архиве");
        assert_eq!(
            t.db.plan_version(p.id, 2).await.unwrap().unwrap().status,
            PlanStatus::Archived
        );
        assert_eq!(
            t.db.plan(p.id).await.unwrap().unwrap().status,
            PlanStatus::Draft
        );
    });
}

#[tokio::test]
async fn support_pairs_cascade_and_templates() {
    for_each_db!(|t| {
        with_registry(&t.db).await;
        let (s1, s2, s3) = (
            school_id(&t.db, "S001").await,
            school_id(&t.db, "S002").await,
            school_id(&t.db, "S003").await,
        );
        let m1 = municipality_of(&t.db, "S001").await;
        let curator =
            t.db.create_user(&NewUser {
                login: "curator",
                display_name: "Иванова А.А.",
                role: Role::Curator,
                municipality_id: Some(m1),
                school_id: None,
                password_hash: None,
                curated_schools: &[s1],
            })
            .await
            .unwrap();

        // Support pair: the lyceum supports school 1.
        let pair = NewSupportPair {
            leader_school_id: s2,
            supported_school_id: s1,
            period_start: Some(d("2024-09-01")),
            period_end: Some(d("2025-08-31")),
            agreement_number: "15".into(),
            agreement_date: Some(d("2024-09-02")),
            agreement_file: "evidence/agreement.pdf".into(),
            curator_user_ids: vec![curator],
        };
        let pid = t.db.add_support_pair(&pair, "test").await.unwrap();
        assert!(t
            .db
            .add_support_pair(
                &NewSupportPair {
                    leader_school_id: s1,
                    supported_school_id: s1,
                    ..Default::default()
                },
                "test"
            )
            .await
            .is_err());
        let pairs = t.db.support_pairs(&Scope::Municipality(m1)).await.unwrap();
        assert_eq!(pairs.len(), 1);
        assert_eq!(
            (
                pairs[0].id,
                pairs[0].leader.as_str(),
                pairs[0].supported.as_str()
            ),
            (pid, "МБОУ «Лицей № 2»", "МБОУ «СОШ № 1»")
        );
        assert_eq!(pairs[0].curators, ["Иванова А.А."]);
        assert!(t
            .db
            .support_pairs(&Scope::School(s3))
            .await
            .unwrap()
            .is_empty());
        t.db.close_support_pair(pid, "test").await.unwrap();
        assert_eq!(
            t.db.support_pairs(&Scope::Region).await.unwrap()[0].status,
            "closed"
        );

        // Cascade: the municipal «разработать план» goes to two schools.
        let muni =
            t.db.save_plan(
                &fixture("seed_000_alekseevsky.docx"),
                &PlanLinks {
                    municipality_id: Some(m1),
                    school_id: None,
                },
                None,
                "test",
            )
            .await
            .unwrap();
        let muni_acts = ids(&t.db.plan(muni.id).await.unwrap().unwrap());
        let parent = muni_acts[3]; // 1.4: «Коррекция действующих программ … в школах»
        let r =
            t.db.cascade_activity(parent, &[s1, s2], "test")
                .await
                .unwrap();
        assert_eq!((r.created, r.existing, r.plans_created), (2, 0, 2));
        let again =
            t.db.cascade_activity(parent, &[s1, s2], "test")
                .await
                .unwrap();
        assert_eq!(
            (again.created, again.existing, again.plans_created),
            (0, 2, 0)
        );
        let (_, school_plan) = r.targets[0];
        let sp = t.db.plan(school_plan).await.unwrap().unwrap();
        assert_eq!(sp.sections[0].title, "Мероприятия муниципального плана");
        let child = sp.sections[0].activities[0].clone();
        assert!(child.text.starts_with("Коррекция действующих программ"));
        assert_eq!(child.deadline.text, "Август 2020");
        // Progress of the parent follows the schools.
        t.db.set_activity_status(
            child.id.unwrap(),
            &update(ActivityStatus::Done, "2020-08-20"),
        )
        .await
        .unwrap();
        let pr =
            t.db.cascade_progress(parent, d("2020-09-15"))
                .await
                .unwrap();
        assert_eq!((pr.total, pr.done, pr.planned, pr.overdue), (2, 1, 1, 1));
        assert!(pr
            .schools
            .iter()
            .any(|(n, st, late)| n == "МБОУ «Лицей № 2»" && st == "planned" && *late));

        // Template: the invariant block of a programme applied to two schools.
        let tpl =
            t.db.save_plan(
                &fixture("synthetic_support.docx"),
                &PlanLinks::default(),
                None,
                "test",
            )
            .await
            .unwrap();
        t.db.set_template(tpl.id, true).await.unwrap();
        let tpl_plan = t.db.plan(tpl.id).await.unwrap().unwrap();
        let invariant = tpl_plan.sections[0].id.unwrap();
        let r =
            t.db.apply_template(tpl.id, Some(&[invariant]), &[s1, s3], "test")
                .await
                .unwrap();
        assert_eq!(
            (r.created, r.existing, r.plans_created),
            (12, 0, 1),
            "6 activities × 2 schools; school 3 had no plan yet"
        );
        let r2 =
            t.db.apply_template(tpl.id, Some(&[invariant]), &[s1, s3], "test")
                .await
                .unwrap();
        assert_eq!((r2.created, r2.existing), (0, 2));
        let s1_plan = t.db.plan(r.targets[0].1).await.unwrap().unwrap();
        let titles: Vec<String> = s1_plan
            .all_sections()
            .iter()
            .map(|(_, s)| s.title.clone())
            .collect();
        assert_eq!(
            titles,
            [
                "Мероприятия муниципального плана",
                "Инвариантная часть",
                "Организационные мероприятия",
                "Работа с педагогическими кадрами"
            ]
        );
        // Templates are not in overdue lists.
        let overdue = t.db.overdue(&Scope::Region, d("2030-01-01")).await.unwrap();
        assert!(overdue.iter().all(|o| o.plan_id != tpl.id));

        // Execution rows for reports: by scope, with evidence counts.
        let rows = t.db.execution_rows(&Scope::School(s1), None).await.unwrap();
        assert!(rows.iter().all(|r| r.plan_id != tpl.id));
        assert!(rows
            .iter()
            .any(|r| r.status == ActivityStatus::Done && r.done_at == Some(d("2020-08-20"))));
        let muni_rows =
            t.db.execution_rows(&Scope::Region, Some(muni.id))
                .await
                .unwrap();
        assert_eq!(muni_rows.len(), 19);
    });
}

/// Two people change one activity at the same moment (one starts it, the
/// other cancels it): at most one change applies to the status both saw;
/// the other is refused as a conflict unless it came after the first. The
/// history of every activity stays a chain — each step starts where the
/// previous ended, and the last ends at the activity's status.
#[tokio::test]
async fn simultaneous_status_changes_never_both_win_and_the_history_stays_a_chain() {
    for_each_db!(|t| {
        with_registry(&t.db).await;
        let s1 = school_id(&t.db, "S001").await;
        let m1 = municipality_of(&t.db, "S001").await;
        let saved =
            t.db.save_plan(
                &fixture("seed_002_school46.docx"),
                &PlanLinks {
                    school_id: Some(s1),
                    municipality_id: Some(m1),
                },
                None,
                "test",
            )
            .await
            .unwrap();
        let plan = t.db.plan(saved.id).await.unwrap().unwrap();
        let start = update(ActivityStatus::InProgress, "2023-02-10");
        let cancel = StatusUpdate {
            comment: "передано другой школе".into(),
            ..update(ActivityStatus::Cancelled, "2023-02-10")
        };
        let mut conflicts = 0;
        for id in ids(&plan) {
            let (a, b) = tokio::join!(
                t.db.set_activity_status(id, &start),
                t.db.set_activity_status(id, &cancel)
            );
            for r in [&a, &b] {
                match r {
                    Ok(_) => {}
                    Err(opora_store::StoreError::Conflict(m)) => {
                        assert!(m.contains("другой пользователь"), "{m}");
                        conflicts += 1;
                    }
                    // Came second and found the activity cancelled: the workflow refuses.
                    Err(opora_store::StoreError::Invalid(m)) => {
                        assert!(m.contains("нельзя перейти"), "{m}")
                    }
                    Err(e) => panic!("{e:?}"),
                }
            }
            assert!(a.is_ok() || b.is_ok(), "one of two changes applies");
            let history = t.db.activity_history(id).await.unwrap();
            let mut status = "planned".to_string();
            for step in &history {
                assert_eq!(step.from, status, "activity {id}: {history:?}");
                status = step.to.clone();
            }
            let now = t.db.plan(saved.id).await.unwrap().unwrap();
            let current = now
                .all_activities()
                .into_iter()
                .find(|l| l.activity.id == Some(id))
                .unwrap()
                .activity
                .status;
            assert_eq!(current.code(), status, "activity {id}");
        }
        eprintln!("simultaneous changes refused as conflicts: {conflicts}");
    });
}
