//! Notifications in the database, on SQLite and PostgreSQL: a reminder with
//! a dedup key reaches each user once; a user reads and marks only their
//! own; recipients are found by school, municipality and region; an overdue
//! activity is told to its owners and responsible users once per deadline;
//! the e-mail queue holds the unread notices of users with an address.

mod common;

use common::*;
use opora_plans::{parse_deadline, Activity, ActivityStatus, Date, Level, Plan, PlanStatus};
use opora_store::notifications::{Notice, NoticeKind};
use opora_store::plans::{PlanLinks, StatusUpdate};
use opora_store::scope::Scope;
use opora_store::users::{NewUser, Role};
use opora_store::{Db, StoreError};

fn d(s: &str) -> Date {
    Date::parse(s).unwrap()
}

fn notice(title: &str, dedup: Option<&str>) -> Notice {
    Notice {
        kind: NoticeKind::Reminder,
        title: title.into(),
        body: "Проверьте дорожную карту.".into(),
        link: "/plans".into(),
        dedup: dedup.map(str::to_string),
    }
}

/// The people of the test region: S001 and S002 are in municipality `m1`,
/// S003 in another.
struct People {
    m1: i64,
    s1: i64,
    s3: i64,
    director1: i64,
    teacher1: i64,
    director3: i64,
    mo: i64,
    curator: i64,
    region: i64,
    blocked: i64,
}

async fn user(
    db: &Db,
    login: &str,
    role: Role,
    m: Option<i64>,
    s: Option<i64>,
    cur: &[i64],
) -> i64 {
    db.create_user(&NewUser {
        login,
        display_name: login,
        role,
        municipality_id: m,
        school_id: s,
        password_hash: None,
        curated_schools: cur,
    })
    .await
    .unwrap()
}

async fn people(db: &Db) -> People {
    with_registry(db).await;
    let school =
        |code: &'static str| async move { db.school_by_code(code).await.unwrap().unwrap() };
    let (s1, s3) = (school("S001").await, school("S003").await);
    let m1 = s1.municipality_id;
    let p = People {
        m1,
        s1: s1.id,
        s3: s3.id,
        director1: user(
            db,
            "director1",
            Role::SchoolAdmin,
            Some(m1),
            Some(s1.id),
            &[],
        )
        .await,
        teacher1: user(db, "teacher1", Role::Teacher, Some(m1), Some(s1.id), &[]).await,
        director3: user(
            db,
            "director3",
            Role::SchoolAdmin,
            Some(s3.municipality_id),
            Some(s3.id),
            &[],
        )
        .await,
        mo: user(db, "mo", Role::Municipality, Some(m1), None, &[]).await,
        curator: user(db, "curator", Role::Curator, Some(m1), None, &[s1.id]).await,
        region: user(db, "region", Role::Region, None, None, &[]).await,
        blocked: user(db, "blocked", Role::SchoolAdmin, Some(m1), Some(s1.id), &[]).await,
    };
    db.set_blocked(p.blocked, true).await.unwrap();
    p
}

#[tokio::test]
async fn a_reminder_with_a_dedup_key_reaches_each_user_once() {
    for_each_db!(|t| {
        let p = people(&t.db).await;
        let once = notice("Заполните отчёт за квартал", Some("report:2025-Q1"));
        // The same user twice in one call is one notification.
        assert_eq!(
            t.db.notify(&[p.director1, p.teacher1, p.director1], &once)
                .await
                .unwrap(),
            2
        );
        // Sent again: nothing new for those who have it, the newcomer gets it.
        assert_eq!(
            t.db.notify(&[p.director1, p.teacher1], &once)
                .await
                .unwrap(),
            0
        );
        assert_eq!(t.db.notify(&[p.director1, p.mo], &once).await.unwrap(), 1);
        assert_eq!(t.db.unread_count(p.director1).await.unwrap(), 1);
        // Without a key every notice is new.
        let plain = notice("Новый комментарий", None);
        assert_eq!(t.db.notify(&[p.director1], &plain).await.unwrap(), 1);
        assert_eq!(t.db.notify(&[p.director1], &plain).await.unwrap(), 1);
        assert_eq!(t.db.unread_count(p.director1).await.unwrap(), 3);
        assert_eq!(t.db.notify(&[], &plain).await.unwrap(), 0);
    });
}

#[tokio::test]
async fn a_notice_needs_a_title_a_link_on_the_site_and_a_known_user() {
    for_each_db!(|t| {
        let p = people(&t.db).await;
        let mut bad = notice("  ", None);
        assert!(matches!(
            t.db.notify(&[p.director1], &bad).await,
            Err(StoreError::Invalid(_))
        ));
        for link in [
            "https://evil.example/",
            "//evil.example",
            "javascript:alert(1)",
        ] {
            bad = notice("Ссылка", None);
            bad.link = link.into();
            assert!(
                matches!(t.db.notify(&[p.director1], &bad).await, Err(StoreError::Invalid(m)) if m.contains("этого сайта")),
                "{link}"
            );
        }
        assert!(matches!(
            t.db.notify(&[p.director1, 999_999], &notice("Кому-то", None))
                .await,
            Err(StoreError::ForeignKey(_))
        ));
        // All or nothing: the known user did not get it either.
        assert_eq!(t.db.unread_count(p.director1).await.unwrap(), 0);
    });
}

#[tokio::test]
async fn a_user_reads_and_marks_only_their_own_notifications() {
    for_each_db!(|t| {
        let p = people(&t.db).await;
        t.db.notify(&[p.director1], &notice("Первое", None))
            .await
            .unwrap();
        t.db.notify(&[p.director1, p.teacher1], &notice("Второе", None))
            .await
            .unwrap();

        let mine = t.db.notifications_for(p.director1, 50).await.unwrap();
        assert_eq!(
            mine.iter().map(|n| n.title.as_str()).collect::<Vec<_>>(),
            ["Второе", "Первое"],
            "newest first"
        );
        assert!(mine
            .iter()
            .all(|n| n.user_id == p.director1 && !n.is_read()));
        assert_eq!(mine[0].kind, NoticeKind::Reminder);
        assert_eq!(
            t.db.notifications_for(p.director1, 1).await.unwrap().len(),
            1
        );
        let theirs = t.db.notifications_for(p.teacher1, 50).await.unwrap();
        assert_eq!(theirs.len(), 1);

        // Another user's notification is not found, and stays unread.
        let err = t.db.mark_read(p.director1, theirs[0].id).await.unwrap_err();
        assert!(matches!(err, StoreError::NotFound(_)), "{err:?}");
        assert!(t
            .db
            .notification(p.director1, theirs[0].id)
            .await
            .unwrap()
            .is_none());
        assert_eq!(t.db.unread_count(p.teacher1).await.unwrap(), 1);
        assert!(matches!(
            t.db.mark_read(p.director1, 999_999).await,
            Err(StoreError::NotFound(_))
        ));

        // Own: read, and reading again keeps the first time.
        t.db.mark_read(p.director1, mine[1].id).await.unwrap();
        let first =
            t.db.notification(p.director1, mine[1].id)
                .await
                .unwrap()
                .unwrap()
                .read_at;
        assert!(first.is_some());
        t.db.mark_read(p.director1, mine[1].id).await.unwrap();
        assert_eq!(
            t.db.notification(p.director1, mine[1].id)
                .await
                .unwrap()
                .unwrap()
                .read_at,
            first
        );
        assert_eq!(t.db.unread_count(p.director1).await.unwrap(), 1);

        // All of one's own at once; the other user's stay.
        assert_eq!(t.db.mark_all_read(p.director1).await.unwrap(), 1);
        assert_eq!(t.db.mark_all_read(p.director1).await.unwrap(), 0);
        assert_eq!(t.db.unread_count(p.director1).await.unwrap(), 0);
        assert_eq!(t.db.unread_count(p.teacher1).await.unwrap(), 1);
    });
}

#[tokio::test]
async fn recipients_are_a_schools_staff_and_curators_a_municipalitys_users_or_the_whole_region() {
    for_each_db!(|t| {
        let p = people(&t.db).await;
        let mut school = vec![p.director1, p.teacher1, p.curator];
        school.sort();
        assert_eq!(
            t.db.recipients(&Scope::School(p.s1), &[]).await.unwrap(),
            school,
            "the blocked user is left out"
        );
        assert_eq!(
            t.db.recipients(&Scope::School(p.s1), &[Role::SchoolAdmin])
                .await
                .unwrap(),
            [p.director1]
        );
        assert_eq!(
            t.db.recipients(&Scope::School(p.s1), &[Role::Curator])
                .await
                .unwrap(),
            [p.curator]
        );
        assert_eq!(
            t.db.recipients(&Scope::Schools(vec![p.s1, p.s3]), &[Role::SchoolAdmin])
                .await
                .unwrap(),
            [p.director1, p.director3]
        );

        let mut municipality = vec![p.director1, p.teacher1, p.mo, p.curator];
        municipality.sort();
        assert_eq!(
            t.db.recipients(&Scope::Municipality(p.m1), &[])
                .await
                .unwrap(),
            municipality
        );
        assert_eq!(
            t.db.recipients(&Scope::Municipality(p.m1), &[Role::Municipality])
                .await
                .unwrap(),
            [p.mo]
        );

        let mut everyone = vec![
            p.director1,
            p.teacher1,
            p.director3,
            p.mo,
            p.curator,
            p.region,
        ];
        everyone.sort();
        assert_eq!(
            t.db.recipients(&Scope::Region, &[]).await.unwrap(),
            everyone
        );
        assert_eq!(
            t.db.recipients(&Scope::Region, &[Role::Region])
                .await
                .unwrap(),
            [p.region]
        );

        let n = notice("Совещание директоров", Some("meeting:2025-03"));
        assert_eq!(
            t.db.notify_scope(&Scope::Municipality(p.m1), &[Role::SchoolAdmin], &n)
                .await
                .unwrap(),
            1
        );
        assert_eq!(
            t.db.notify_scope(&Scope::Region, &[Role::SchoolAdmin], &n)
                .await
                .unwrap(),
            1,
            "only the new director"
        );
        assert_eq!(t.db.unread_count(p.director3).await.unwrap(), 1);
        assert_eq!(t.db.unread_count(p.blocked).await.unwrap(), 0);
    });
}

fn activity(text: &str, deadline: &str, status: ActivityStatus) -> Activity {
    let mut a = Activity::new(text, parse_deadline(deadline, None));
    a.status = status;
    a
}

/// Saves a plan of `level` with the activities; returns their ids in order.
async fn plan(
    db: &Db,
    level: Level,
    links: PlanLinks,
    status: PlanStatus,
    activities: Vec<Activity>,
) -> Vec<i64> {
    let mut plan = Plan::new(level, "Дорожная карта поддержки");
    plan.status = status;
    plan.activities = activities;
    let saved = db.save_plan(&plan, &links, None, "test").await.unwrap();
    let sql = "SELECT id FROM plan_activities WHERE plan_id = $1 ORDER BY position";
    match db {
        Db::Sqlite(c) => sqlx::query_scalar(sql)
            .bind(saved.id)
            .fetch_all(c)
            .await
            .unwrap(),
        Db::Postgres(c) => sqlx::query_scalar(sql)
            .bind(saved.id)
            .fetch_all(c)
            .await
            .unwrap(),
    }
}

/// Runs a statement with integer parameters (what the application has no
/// call for: a responsible user linked, a deadline moved).
async fn exec(db: &Db, sql: &str, params: &[i64]) {
    match db {
        Db::Sqlite(c) => params
            .iter()
            .fold(sqlx::query(sql), |q, v| q.bind(*v))
            .execute(c)
            .await
            .map(|_| ()),
        Db::Postgres(c) => params
            .iter()
            .fold(sqlx::query(sql), |q, v| q.bind(*v))
            .execute(c)
            .await
            .map(|_| ()),
    }
    .unwrap();
}

#[tokio::test]
async fn an_overdue_activity_is_told_to_its_owners_and_responsibles_once_per_deadline() {
    for_each_db!(|t| {
        let p = people(&t.db).await;
        let school = PlanLinks {
            municipality_id: None,
            school_id: Some(p.s1),
        };
        let ids = plan(
            &t.db,
            Level::School,
            school,
            PlanStatus::Approved,
            vec![
                activity(
                    "Провести педагогический совет по итогам ВПР",
                    "до 31.01.2025",
                    ActivityStatus::InProgress,
                ),
                activity(
                    "Утвердить программу антирисковых мер",
                    "до 15.01.2025",
                    ActivityStatus::Done,
                ),
                activity("Открытые уроки", "до 30.04.2025", ActivityStatus::Planned),
                activity("Отменённое", "до 10.01.2025", ActivityStatus::Cancelled),
            ],
        )
        .await;
        // Only the first is overdue: the second is done, the third ahead, the fourth cancelled.
        let overdue = ids[0];
        let municipal = PlanLinks {
            municipality_id: Some(p.m1),
            school_id: None,
        };
        let m_ids = plan(
            &t.db,
            Level::Municipality,
            municipal,
            PlanStatus::Approved,
            vec![activity(
                "Семинар для заместителей директоров",
                "до 20.01.2025",
                ActivityStatus::Planned,
            )],
        )
        .await;
        let archived = PlanLinks {
            municipality_id: None,
            school_id: Some(p.s3),
        };
        plan(
            &t.db,
            Level::School,
            archived,
            PlanStatus::Archived,
            vec![activity(
                "Старое мероприятие",
                "до 20.01.2024",
                ActivityStatus::Planned,
            )],
        )
        .await;
        // The teacher is named responsible for the overdue activity.
        exec(&t.db, "INSERT INTO plan_responsibles (activity_id, position, name, role, user_id) VALUES ($1, 0, 'Учитель', 'person', $2)", &[overdue, p.teacher1]).await;

        let today = d("2025-02-10");
        // The school's administrator and the responsible teacher; the
        // municipality's administrator for its own plan. Not the curator,
        // not the blocked user, nothing of the archived plan.
        assert_eq!(t.db.notify_overdue_activities(today).await.unwrap(), 3);
        for (user, activity) in [
            (p.director1, overdue),
            (p.teacher1, overdue),
            (p.mo, m_ids[0]),
        ] {
            let got = t.db.notifications_for(user, 10).await.unwrap();
            assert_eq!(got.len(), 1, "user {user}");
            let n = &got[0];
            assert_eq!(n.kind, NoticeKind::OverdueActivity);
            assert_eq!(n.link, format!("/activities/{activity}"));
            assert!(n.title.starts_with("Просрочено мероприятие"), "{}", n.title);
        }
        let n = &t.db.notifications_for(p.director1, 1).await.unwrap()[0];
        assert!(
            n.title.contains("Провести педагогический совет"),
            "{}",
            n.title
        );
        assert!(
            n.body.contains("31.01.2025") && n.body.contains("в работе"),
            "{}",
            n.body
        );
        for user in [p.curator, p.blocked, p.director3, p.region] {
            assert_eq!(t.db.unread_count(user).await.unwrap(), 0, "user {user}");
        }

        // Daily runs tell nothing new.
        assert_eq!(t.db.notify_overdue_activities(today).await.unwrap(), 0);
        assert_eq!(
            t.db.notify_overdue_activities(d("2025-02-11"))
                .await
                .unwrap(),
            0
        );

        // A new deadline that passes again is a new reminder, once.
        exec(
            &t.db,
            "UPDATE plan_activities SET deadline_end = '2025-02-28' WHERE id = $1",
            &[overdue],
        )
        .await;
        assert_eq!(
            t.db.notify_overdue_activities(d("2025-03-01"))
                .await
                .unwrap(),
            2
        );
        assert_eq!(
            t.db.notify_overdue_activities(d("2025-03-02"))
                .await
                .unwrap(),
            0
        );
        assert_eq!(t.db.unread_count(p.director1).await.unwrap(), 2);

        // A done activity is not reminded of, whatever its deadline.
        exec(
            &t.db,
            "UPDATE plan_activities SET deadline_end = '2025-03-15' WHERE id = $1",
            &[overdue],
        )
        .await;
        t.db.set_activity_status(
            overdue,
            &StatusUpdate {
                to: ActivityStatus::Done,
                actor: "director1".into(),
                comment: String::new(),
                on: Some(d("2025-03-20")),
            },
        )
        .await
        .unwrap();
        assert_eq!(
            t.db.notify_overdue_activities(d("2025-03-21"))
                .await
                .unwrap(),
            0
        );
    });
}

#[tokio::test]
async fn the_email_queue_holds_unread_notices_of_users_with_an_address_once() {
    for_each_db!(|t| {
        let p = people(&t.db).await;
        t.db.set_user_email(p.director1, Some(" director@school1.ru "))
            .await
            .unwrap();
        t.db.set_user_email(p.blocked, Some("blocked@school1.ru"))
            .await
            .unwrap();
        assert_eq!(
            t.db.user_by_id(p.director1)
                .await
                .unwrap()
                .unwrap()
                .email
                .as_deref(),
            Some("director@school1.ru")
        );
        assert!(matches!(
            t.db.set_user_email(p.teacher1, Some("не адрес")).await,
            Err(StoreError::Invalid(m)) if m.contains("не похоже")
        ));
        assert!(matches!(
            t.db.set_user_email(999_999, Some("a@b.ru")).await,
            Err(StoreError::NotFound(_))
        ));

        t.db.notify(
            &[p.director1, p.teacher1, p.blocked],
            &notice("Срок отчёта", None),
        )
        .await
        .unwrap();
        t.db.notify(&[p.director1], &notice("Уже прочитано", None))
            .await
            .unwrap();
        let read = t.db.notifications_for(p.director1, 1).await.unwrap()[0].id;
        t.db.mark_read(p.director1, read).await.unwrap();

        // Only the director's unread one: the teacher has no address, the
        // blocked user gets no letters, a read notice needs none.
        let queue = t.db.unsent_emails(10).await.unwrap();
        assert_eq!(queue.len(), 1, "{queue:?}");
        let letter = &queue[0];
        assert_eq!(
            (letter.user_id, letter.email.as_str(), letter.title.as_str()),
            (p.director1, "director@school1.ru", "Срок отчёта")
        );
        assert_eq!(letter.display_name, "director1");

        // Taken once: a second server finds it gone.
        assert!(t.db.mark_emailed(letter.id).await.unwrap());
        assert!(!t.db.mark_emailed(letter.id).await.unwrap());
        assert!(t.db.unsent_emails(10).await.unwrap().is_empty());
        let n =
            t.db.notification(p.director1, letter.id)
                .await
                .unwrap()
                .unwrap();
        assert!(
            n.emailed_at.is_some() && !n.is_read(),
            "e-mailed is not read"
        );

        // Put back when the server could not be reached.
        t.db.unmark_emailed(letter.id).await.unwrap();
        assert_eq!(t.db.unsent_emails(10).await.unwrap().len(), 1);

        // Clearing the address empties the queue.
        t.db.set_user_email(p.director1, None).await.unwrap();
        assert!(t.db.unsent_emails(10).await.unwrap().is_empty());
        assert_eq!(
            t.db.user_by_id(p.director1).await.unwrap().unwrap().email,
            None
        );
    });
}
