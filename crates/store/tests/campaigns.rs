//! Data-collection campaigns in the database, on SQLite and PostgreSQL: a
//! school's answer goes draft → submitted → returned with comments →
//! submitted → accepted with every change in its history; completeness and
//! timeliness count what came in and when; the lock date holds unless an
//! administrator reopens one school; only final values feed indicators.

mod common;

use common::*;
use opora_indicators::campaign::{Status, Step, Value};
use opora_plans::Date;
use opora_store::campaigns::{Campaign, NewCampaign};
use opora_store::scope::Scope;
use opora_store::Db;
use std::collections::BTreeMap;

const FORM: &str = "педагоги: Число педагогов | целое | обязательно | от 1 до 500
диагностика: Прошли диагностику | целое | обязательно | от 0
программа: Программа на сайте | да/нет | обязательно
правило: диагностика <= педагоги | Прошедших диагностику не может быть больше, чем педагогов
";

fn d(s: &str) -> Date {
    Date::parse(s).unwrap()
}

async fn school(db: &Db, code: &str) -> i64 {
    db.school_by_code(code).await.unwrap().unwrap().id
}

fn values(pairs: &[(&str, Value)]) -> BTreeMap<String, Value> {
    pairs
        .iter()
        .map(|(k, v)| (k.to_string(), v.clone()))
        .collect()
}

fn answer_values(teachers: f64, diagnosed: f64, programme: bool) -> BTreeMap<String, Value> {
    values(&[
        ("педагоги", Value::Number(teachers)),
        ("диагностика", Value::Number(diagnosed)),
        ("программа", Value::YesNo(programme)),
    ])
}

async fn campaign(db: &Db, period: &str, deadline: &str, schools: Vec<i64>) -> Campaign {
    let id = db
        .create_campaign(
            &NewCampaign {
                title: format!("Мониторинг: {period}"),
                period: period.into(),
                municipality_id: None,
                plan_id: None,
                form: FORM.into(),
                opens_on: d("2027-02-01"),
                deadline: d(deadline),
                locks_on: d("2027-03-31"),
                region_step: false,
                schools,
            },
            "region",
        )
        .await
        .unwrap();
    db.campaign(id).await.unwrap().unwrap()
}

#[tokio::test]
async fn an_answer_is_drafted_sent_returned_with_comments_sent_again_and_accepted() {
    for_each_db!(|t| {
        with_registry(&t.db).await;
        let (s1, s2, s3) = (
            school(&t.db, "S001").await,
            school(&t.db, "S002").await,
            school(&t.db, "S003").await,
        );
        let c = campaign(&t.db, "февраль 2027", "2027-02-15", vec![s1, s2, s3]).await;
        let day = d("2027-02-10");

        let draft = values(&[("педагоги", Value::Number(30.0))]);
        let s =
            t.db.save_answer(&c, s1, &draft, false, day, "school1")
                .await
                .unwrap();
        assert_eq!(s, Status::Draft);
        let s =
            t.db.save_answer(
                &c,
                s1,
                &answer_values(30.0, 12.0, true),
                true,
                day,
                "school1",
            )
            .await
            .unwrap();
        assert_eq!(s, Status::Submitted);
        let refused =
            t.db.save_answer(
                &c,
                s1,
                &answer_values(31.0, 12.0, true),
                false,
                day,
                "school1",
            )
            .await
            .unwrap_err();
        assert!(
            refused.to_string().contains("изменить ответы нельзя"),
            "{refused}"
        );

        // A return needs words; with them, the comment reaches the value.
        let silent =
            t.db.review_answer(&c, s1, Step::Return, " ", &BTreeMap::new(), "mo1")
                .await
                .unwrap_err();
        assert!(silent.to_string().contains("напишите, что исправить"));
        let comments =
            BTreeMap::from([("диагностика".to_string(), "Сверьте с приказом".to_string())]);
        t.db.review_answer(&c, s1, Step::Return, "Проверьте число", &comments, "mo1")
            .await
            .unwrap();
        let a = t.db.answer(c.id, s1).await.unwrap().unwrap();
        assert_eq!(a.status, Status::Returned);
        assert_eq!(a.comment, "Проверьте число");
        assert_eq!(a.values["диагностика"].comment, "Сверьте с приказом");

        // Sent again after the deadline: received, but the first sending was on time.
        t.db.save_answer(
            &c,
            s1,
            &answer_values(30.0, 14.0, true),
            true,
            d("2027-02-20"),
            "school1",
        )
        .await
        .unwrap();
        t.db.review_answer(&c, s1, Step::Accept, "", &BTreeMap::new(), "mo1")
            .await
            .unwrap();
        let a = t.db.answer(c.id, s1).await.unwrap().unwrap();
        assert_eq!(a.status, Status::Accepted);
        assert_eq!(a.first_submitted_on, Some(day));
        assert!(a.on_time(c.deadline));
        assert_eq!(a.values["диагностика"].value, "14");

        // A second school sends late; the third never does.
        t.db.save_answer(
            &c,
            s2,
            &answer_values(50.0, 10.0, false),
            true,
            d("2027-02-16"),
            "school2",
        )
        .await
        .unwrap();
        let summary = &t.db.campaigns_in(&Scope::Region).await.unwrap()[0];
        let p = summary.progress;
        assert_eq!(
            (p.expected, p.received, p.on_time, p.accepted),
            (3, 2, 1, 1)
        );
        assert_eq!(p.completeness().map(|v| v.round()), Some(67.0));
        assert_eq!(p.timeliness().map(|v| v.round()), Some(33.0));

        let history = t.db.answer_history(c.id, s1).await.unwrap();
        let steps: Vec<&str> = history
            .iter()
            .filter(|h| h.field_key.is_empty())
            .map(|h| h.status.as_str())
            .collect();
        assert_eq!(
            steps,
            ["draft", "submitted", "returned", "submitted", "accepted"]
        );
        let changes: Vec<(&str, &str)> = history
            .iter()
            .filter(|h| h.field_key == "диагностика" && h.note.is_empty())
            .map(|h| (h.value.as_str(), h.actor.as_str()))
            .collect();
        assert_eq!(changes, [("12", "school1"), ("14", "school1")]);
        let audit = t.db.audit_entries(50).await.unwrap();
        assert!(audit
            .iter()
            .any(|e| e.action == "форма кампании возвращена на доработку" && e.actor == "mo1"));

        // Only the accepted answer is final.
        let fin = t.db.final_values_of(&c).await.unwrap();
        assert!(fin.iter().all(|v| v.school_id == s1), "{fin:?}");
        assert_eq!(fin.len(), 3);
    });
}

#[tokio::test]
async fn entry_locks_after_its_date_unless_reopened_for_one_school() {
    for_each_db!(|t| {
        with_registry(&t.db).await;
        let (s1, s2) = (school(&t.db, "S001").await, school(&t.db, "S002").await);
        let c = campaign(&t.db, "июнь 2027", "2027-03-15", vec![s1, s2]).await;
        let late = d("2027-04-02");
        let e =
            t.db.save_answer(
                &c,
                s1,
                &answer_values(30.0, 1.0, true),
                true,
                late,
                "school1",
            )
            .await
            .unwrap_err();
        assert!(e.to_string().contains("ввод закрыт 31.03.2027"), "{e}");
        let early =
            t.db.save_answer(
                &c,
                s1,
                &answer_values(30.0, 1.0, true),
                false,
                d("2027-01-20"),
                "school1",
            )
            .await
            .unwrap_err();
        assert!(
            early.to_string().contains("ввод откроется 01.02.2027"),
            "{early}"
        );

        t.db.reopen_answer(&c, s1, "mo1").await.unwrap();
        t.db.save_answer(
            &c,
            s1,
            &answer_values(30.0, 1.0, true),
            true,
            late,
            "school1",
        )
        .await
        .unwrap();
        let other =
            t.db.save_answer(
                &c,
                s2,
                &answer_values(30.0, 1.0, true),
                true,
                late,
                "school2",
            )
            .await;
        assert!(other.is_err(), "reopening is for one school only");
        let a = t.db.answer(c.id, s1).await.unwrap().unwrap();
        assert!(!a.on_time(c.deadline), "sent after the deadline");
    });
}

#[tokio::test]
async fn a_campaign_is_refused_whole_with_what_is_wrong() {
    for_each_db!(|t| {
        with_registry(&t.db).await;
        let s1 = school(&t.db, "S001").await;
        let mut new = NewCampaign {
            title: "Мониторинг".into(),
            period: "февраль 2027".into(),
            municipality_id: None,
            plan_id: None,
            form: "педагоги: Число | дата".into(),
            opens_on: d("2027-02-01"),
            deadline: d("2027-02-15"),
            locks_on: d("2027-02-28"),
            region_step: false,
            schools: vec![s1],
        };
        let e = t.db.create_campaign(&new, "region").await.unwrap_err();
        assert!(
            e.to_string().contains("строка 1") && e.to_string().contains("«дата»"),
            "{e}"
        );
        new.form = FORM.into();
        new.deadline = d("2027-03-15");
        let e = t.db.create_campaign(&new, "region").await.unwrap_err();
        assert!(e.to_string().contains("даты не по порядку"), "{e}");
        new.deadline = d("2027-02-15");
        new.schools = vec![];
        let e = t.db.create_campaign(&new, "region").await.unwrap_err();
        assert!(e.to_string().contains("ни одной школы"), "{e}");
        assert!(t.db.campaigns_in(&Scope::Region).await.unwrap().is_empty());
    });
}

#[tokio::test]
async fn the_previous_campaigns_final_value_is_remembered_for_the_next() {
    for_each_db!(|t| {
        with_registry(&t.db).await;
        let s1 = school(&t.db, "S001").await;
        let first = campaign(&t.db, "февраль 2027", "2027-02-15", vec![s1]).await;
        let day = d("2027-02-10");
        t.db.save_answer(
            &first,
            s1,
            &answer_values(30.0, 12.0, true),
            true,
            day,
            "school1",
        )
        .await
        .unwrap();
        let second = campaign(&t.db, "июнь 2027", "2027-03-20", vec![s1]).await;
        assert!(
            t.db.previous_values(&second, s1).await.unwrap().is_empty(),
            "a value not yet accepted is not a reference"
        );
        t.db.review_answer(&first, s1, Step::Accept, "", &BTreeMap::new(), "mo1")
            .await
            .unwrap();
        let previous = t.db.previous_values(&second, s1).await.unwrap();
        assert_eq!(previous["педагоги"].number, 30.0);
        assert_eq!(previous["программа"].number, 1.0);
        assert_eq!(previous["педагоги"].campaign, "Мониторинг: февраль 2027");
    });
}
