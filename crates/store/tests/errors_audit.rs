//! On SQLite and PostgreSQL: errors come typed by kind (a taken login is a
//! conflict, a reference to nothing a foreign-key error, a damaged stored
//! value is never read as a default), support pairs check their curators,
//! the audit log names what was touched, and expired sessions and old login
//! failures can be purged.

mod common;

use common::*;
use opora_plans::{parse_deadline, Activity, Level, Plan};
use opora_store::auth::LockPolicy;
use opora_store::plans::{NewSupportPair, PlanLinks};
use opora_store::users::{NewUser, Role};
use opora_store::{Db, StoreError};

async fn school_ids(db: &Db) -> (i64, i64, i64) {
    let s = db.schools(None).await.unwrap();
    let id = |code: &str| s.iter().find(|x| x.code == code).unwrap().id;
    (
        id("S001"),
        id("S002"),
        s.iter().find(|x| x.code == "S001").unwrap().municipality_id,
    )
}

fn user<'a>(login: &'a str, name: &'a str, role: Role, municipality: Option<i64>) -> NewUser<'a> {
    NewUser {
        login,
        display_name: name,
        role,
        municipality_id: municipality,
        school_id: None,
        password_hash: None,
        curated_schools: &[],
    }
}

/// Runs SQL the store has no function for (to damage a row on purpose).
async fn exec(db: &Db, sql: &str) {
    match db {
        Db::Sqlite(p) => sqlx::query(sql).execute(p).await.map(|_| ()).unwrap(),
        Db::Postgres(p) => sqlx::query(sql).execute(p).await.map(|_| ()).unwrap(),
    }
}

#[tokio::test]
async fn constraint_violations_are_typed_by_kind() {
    for_each_db!(|t| {
        with_registry(&t.db).await;
        let (_, _, m) = school_ids(&t.db).await;
        t.db.create_user(&user(
            "ivanova",
            "Иванова А. А.",
            Role::Municipality,
            Some(m),
        ))
        .await
        .unwrap();
        match t
            .db
            .create_user(&user("ivanova", "Другая", Role::Municipality, Some(m)))
            .await
        {
            Err(StoreError::Conflict(msg)) => assert!(msg.contains("«ivanova» уже занят"), "{msg}"),
            other => panic!("a taken login is a conflict, got {other:?}"),
        }
        match t
            .db
            .create_user(&user("ghost", "Никто", Role::Municipality, Some(999_999)))
            .await
        {
            Err(StoreError::ForeignKey(_)) => {}
            other => panic!("an unknown municipality is a foreign-key error, got {other:?}"),
        }
        t.db.close().await;
    });
}

#[tokio::test]
async fn damaged_stored_values_are_errors_not_defaults() {
    for_each_db!(|t| {
        with_registry(&t.db).await;
        let (s1, _, m) = school_ids(&t.db).await;
        let mut plan = Plan::new(Level::School, "План школы");
        plan.activities
            .push(Activity::new("Педсовет", parse_deadline("март 2027", None)));
        let saved =
            t.db.save_plan(
                &plan,
                &PlanLinks {
                    municipality_id: Some(m),
                    school_id: Some(s1),
                },
                None,
                "test",
            )
            .await
            .unwrap();
        exec(
            &t.db,
            &format!(
                "UPDATE plan_activities SET status = 'потеряно' WHERE plan_id = {}",
                saved.id
            ),
        )
        .await;
        assert!(
            matches!(t.db.plan(saved.id).await, Err(StoreError::InvalidStored(_))),
            "an unknown status is not read as «запланировано»"
        );
        t.db.create_user(&user("boss", "Начальник", Role::Region, None))
            .await
            .unwrap();
        exec(&t.db, "UPDATE users SET role = 'king' WHERE login = 'boss'").await;
        assert!(
            matches!(
                t.db.user_for_login("boss").await,
                Err(StoreError::InvalidStored(_))
            ),
            "an unknown role is not a teacher"
        );
        t.db.close().await;
    });
}

#[tokio::test]
async fn support_pairs_take_curators_only_and_are_audited_by_name() {
    for_each_db!(|t| {
        with_registry(&t.db).await;
        let (s1, s2, m) = school_ids(&t.db).await;
        let curator =
            t.db.create_user(&user(
                "metod",
                "Петрова Мария Ивановна",
                Role::Curator,
                Some(m),
            ))
            .await
            .unwrap();
        let teacher =
            t.db.create_user(&NewUser {
                school_id: Some(s1),
                ..user("teach", "Сидоров Пётр", Role::Teacher, Some(m))
            })
            .await
            .unwrap();
        let pair = |curators: Vec<i64>| NewSupportPair {
            leader_school_id: s2,
            supported_school_id: s1,
            curator_user_ids: curators,
            ..Default::default()
        };
        assert!(matches!(
            t.db.add_support_pair(&pair(vec![999_999]), "test").await,
            Err(StoreError::ForeignKey(_))
        ));
        assert!(matches!(
            t.db.add_support_pair(&pair(vec![teacher]), "test").await,
            Err(StoreError::Invalid(_))
        ));
        assert!(
            t.db.support_pairs(&opora_store::scope::Scope::Region)
                .await
                .unwrap()
                .is_empty(),
            "nothing written"
        );
        // The same curator twice is one curator.
        t.db.add_support_pair(&pair(vec![curator, curator]), "test")
            .await
            .unwrap();
        let pairs =
            t.db.support_pairs(&opora_store::scope::Scope::Region)
                .await
                .unwrap();
        assert_eq!(pairs[0].curators, ["Петрова Мария Ивановна"]);
        t.db.close_support_pair(pairs[0].id, "test").await.unwrap();
        let audit = t.db.audit_entries(10).await.unwrap();
        let created = audit
            .iter()
            .find(|e| e.action == "пара поддержки создана")
            .expect("creation is audited");
        assert_eq!(created.object, "«МБОУ «Лицей № 2»» → «МБОУ «СОШ № 1»»");
        assert!(
            created.details.contains("Петрова Мария Ивановна"),
            "{}",
            created.details
        );
        assert!(audit
            .iter()
            .any(|e| e.action == "пара поддержки закрыта" && e.object.contains("МБОУ «СОШ № 1»")));
        assert!(
            audit
                .iter()
                .all(|e| !e.object.contains(&format!("школа {s1}"))),
            "no database ids"
        );
        t.db.close().await;
    });
}

#[tokio::test]
async fn confirming_evidence_and_commenting_are_audited_with_names() {
    for_each_db!(|t| {
        with_registry(&t.db).await;
        let (s1, _, m) = school_ids(&t.db).await;
        let mut plan = Plan::new(Level::School, "План повышения качества");
        let mut a = Activity::new(
            "Провести педсовет по итогам ВПР",
            parse_deadline("март 2027", None),
        );
        a.number = Some("1.1.".into());
        plan.activities.push(a);
        let saved =
            t.db.save_plan(
                &plan,
                &PlanLinks {
                    municipality_id: Some(m),
                    school_id: Some(s1),
                },
                None,
                "test",
            )
            .await
            .unwrap();
        let aid = t.db.plan(saved.id).await.unwrap().unwrap().all_activities()[0]
            .activity
            .id
            .unwrap();
        let e =
            t.db.add_evidence_link(
                aid,
                "Протокол педсовета",
                "https://school.example/protocol",
                "school",
            )
            .await
            .unwrap();
        t.db.verify_evidence(e, "metod").await.unwrap();
        t.db.add_comment(aid, "metod", "Протокол принят")
            .await
            .unwrap();
        let audit = t.db.audit_entries(10).await.unwrap();
        let object =
            "мероприятие 1.1. «Провести педсовет по итогам ВПР» плана «План повышения качества»";
        let verified = audit
            .iter()
            .find(|e| e.action == "подтверждающий документ подтверждён")
            .expect("the curator's confirmation is audited");
        assert_eq!(
            (
                verified.actor.as_str(),
                verified.object.as_str(),
                verified.details.as_str()
            ),
            ("metod", object, "«Протокол педсовета»")
        );
        let comment = audit
            .iter()
            .find(|e| e.action == "комментарий к мероприятию")
            .expect("comments are audited");
        assert_eq!(
            (comment.object.as_str(), comment.details.as_str()),
            (object, "Протокол принят")
        );
        // The municipality's administrator reads them.
        let (rows, _) =
            t.db.audit_in(
                &opora_store::scope::Scope::Municipality(m),
                &Default::default(),
            )
            .await
            .unwrap();
        assert!(rows.iter().any(|r| r.action == "комментарий к мероприятию"));
        t.db.close().await;
    });
}

#[tokio::test]
async fn expired_sessions_and_old_login_failures_are_purged() {
    for_each_db!(|t| {
        with_registry(&t.db).await;
        let id =
            t.db.create_user(&user("u1", "Пользователь", Role::Region, None))
                .await
                .unwrap();
        t.db.create_session("expired", id, "c1", "2000-01-01T00:00:00Z")
            .await
            .unwrap();
        t.db.create_session("live", id, "c2", "2999-01-01T00:00:00Z")
            .await
            .unwrap();
        assert_eq!(t.db.purge_sessions().await.unwrap(), 1);
        assert!(t.db.session("live").await.unwrap().is_some());
        t.db.record_login_failure("old-typo", LockPolicy::default())
            .await
            .unwrap();
        t.db.record_login_failure("fresh-typo", LockPolicy::default())
            .await
            .unwrap();
        exec(
            &t.db,
            "UPDATE login_failures SET last_at = '2000-01-01T00:00:00Z' WHERE login = 'old-typo'",
        )
        .await;
        // A locked login is kept while the lock lasts, however old its last failure.
        for _ in 0..5 {
            t.db.record_login_failure("locked", LockPolicy::default())
                .await
                .unwrap();
        }
        exec(
            &t.db,
            "UPDATE login_failures SET last_at = '2000-01-01T00:00:00Z' WHERE login = 'locked'",
        )
        .await;
        assert_eq!(t.db.purge_login_failures(24 * 3600).await.unwrap(), 1);
        assert!(t.db.login_locked_until("locked").await.unwrap().is_some());
        t.db.close().await;
    });
}
