//! Indicator facts over HTTP (issue 12): the demo programme's indicators
//! are computed from its own data, every value opens the schools behind it
//! and why, a campaign's accepted answer moves the open period's value with
//! a line of history, a closed period stays frozen, a wrong formula comes
//! back with its place, values entered by hand need their source, and only
//! those who manage the programme change any of it.

mod common;

use common::*;
use opora_indicators::campaign::{Step, Value};
use opora_store::scope::Scope;
use std::collections::BTreeMap;

#[tokio::test]
async fn values_come_from_the_data_with_the_schools_behind_them_and_closed_periods_stay_frozen() {
    for_each_db!(|t| {
        let cast = load_demo(&t.db).await;
        let base = spawn(&t.db, test_config()).await;
        let programme = demo_programme(&t.db, &cast).await;
        let indicators = t.db.indicators(programme).await.unwrap();
        let site = indicators
            .iter()
            .find(|i| i.name.contains("на сайтах"))
            .unwrap();
        let periods = t.db.periods(programme).await.unwrap();
        let (spring, autumn) = (&periods[0], &periods[1]);
        assert!(spring.closed_at.is_some() && autumn.closed_at.is_none());

        let mut mo = logged_in(&base, "mo1").await;
        let page = mo.get(&format!("/indicators/{}", site.id)).await;
        assert_eq!(page.status, 200, "{}", page.body);
        assert!(
            page.body.contains("Засчитаны") && page.body.contains("анкета.программа = да"),
            "the reason names the value"
        );
        assert!(page.body.contains("значения заморожены"));
        let dashboard = mo.get("/indicators").await;
        assert!(dashboard.body.contains(&site.name) && dashboard.body.contains("light-"));

        // One more accepted autumn answer moves the open period, not the closed one.
        let spring_before =
            t.db.indicator_value(site.id, spring.id)
                .await
                .unwrap()
                .unwrap();
        let autumn_before =
            t.db.indicator_value(site.id, autumn.id)
                .await
                .unwrap()
                .unwrap();
        let campaigns = t.db.campaigns_in(&Scope::Region).await.unwrap();
        let open = &campaigns
            .iter()
            .find(|c| c.campaign.period == autumn.title)
            .unwrap()
            .campaign;
        let values = BTreeMap::from([
            ("педагоги".to_string(), Value::Number(30.0)),
            ("диагностика".to_string(), Value::Number(10.0)),
            ("программа".to_string(), Value::YesNo(true)),
        ]);
        let today = opora_plans::Date::today();
        t.db.save_answer(open, cast.school_id, &values, true, today, "school1")
            .await
            .unwrap();
        t.db.review_answer(
            open,
            cast.school_id,
            Step::Accept,
            "",
            &BTreeMap::new(),
            "mo1",
        )
        .await
        .unwrap();
        mo.get(&format!("/plans/{programme}")).await;
        let autumn_after =
            t.db.indicator_value(site.id, autumn.id)
                .await
                .unwrap()
                .unwrap();
        assert_eq!(
            autumn_after.numerator,
            autumn_before.numerator.map(|n| n + 1)
        );
        let history = t.db.value_history(site.id, autumn.id).await.unwrap();
        assert!(
            history
                .last()
                .unwrap()
                .why
                .starts_with("пересчёт по данным: было"),
            "{history:?}"
        );
        assert_eq!(
            t.db.indicator_value(site.id, spring.id)
                .await
                .unwrap()
                .unwrap(),
            spring_before
        );

        // A formula with a typo comes back with its place; the stored one stays.
        let path = format!("/indicators/{}", site.id);
        mo.get(&path).await;
        let bad = mo
            .post(
                &format!("{path}/source"),
                &[
                    ("source", "formula"),
                    (
                        "formula",
                        "вид: доля\nзнаменатель: шнор = да\nчислитель: анкета.програма = да",
                    ),
                ],
            )
            .await;
        assert_eq!(bad.status, 422);
        assert!(
            bad.body.contains("строка 3")
                && bad.body.contains("анкета.програма")
                && bad.body.contains("анкета.программа"),
            "{}",
            bad.body
        );
        // A new formula changes the open period only.
        let good = mo
            .post(
                &format!("{path}/source"),
                &[
                    ("source", "formula"),
                    (
                        "formula",
                        "вид: количество\nчислитель: анкета.программа = да",
                    ),
                ],
            )
            .await;
        assert_eq!(good.status, 303, "{}", good.body);
        assert_eq!(
            t.db.indicator_value(site.id, spring.id)
                .await
                .unwrap()
                .unwrap(),
            spring_before,
            "frozen"
        );
        let counted =
            t.db.indicator_value(site.id, autumn.id)
                .await
                .unwrap()
                .unwrap();
        assert_eq!(counted.value, counted.numerator.map(|n| n as f64));

        // By hand: a source is required, and a closed period refuses.
        let manual = indicators
            .iter()
            .find(|i| i.target_number.is_none())
            .unwrap();
        let mpath = format!("/indicators/{}", manual.id);
        mo.get(&mpath).await;
        let period = autumn.id.to_string();
        let silent = mo
            .post(
                &format!("{mpath}/value"),
                &[("period", &period), ("value", "да"), ("note", " ")],
            )
            .await;
        assert_eq!(silent.status, 422);
        assert!(silent.body.contains("укажите источник значения"));
        let ok = mo
            .post(
                &format!("{mpath}/value"),
                &[
                    ("period", &period),
                    ("value", "да"),
                    ("note", "Протокол семинара № 4"),
                ],
            )
            .await;
        assert_eq!(ok.status, 303);
        let closed = spring.id.to_string();
        let refused = mo
            .post(
                &format!("{mpath}/value"),
                &[("period", &closed), ("value", "нет"), ("note", "Отчёт")],
            )
            .await;
        assert_eq!(refused.status, 422);
        assert!(refused.body.contains("закрыт, его значения заморожены"));

        // Reading is for everyone who sees the programme; changing is not.
        for login in ["school1", "metod1", "teacher1"] {
            let mut c = logged_in(&base, login).await;
            if c.get(&path).await.status != 200 {
                continue;
            }
            let p = c
                .post(&format!("{path}/source"), &[("source", "none")])
                .await;
            assert!(matches!(p.status, 403 | 404), "{login}: {}", p.status);
            let p = c
                .post(
                    &format!("{mpath}/value"),
                    &[("period", &period), ("value", "нет"), ("note", "x")],
                )
                .await;
            assert!(matches!(p.status, 403 | 404), "{login}: {}", p.status);
        }
        // A period id of another programme is not found.
        let p = mo
            .post(
                &format!("{mpath}/value"),
                &[("period", "999999"), ("value", "да"), ("note", "x")],
            )
            .await;
        assert_eq!(p.status, 404);
        // The period's report for the ministry, in Word.
        let (status, bytes, kind) = mo
            .get_bytes(&format!(
                "/plans/{programme}/periods/{}/report.docx",
                spring.id
            ))
            .await;
        assert_eq!(status, 200);
        assert!(kind.contains("wordprocessingml") && bytes.starts_with(b"PK"));
        assert!(bytes.windows(17).any(|w| w == b"word/document.xml"));
        // The export opens in Excel with the facts.
        let (status, bytes, kind) = mo
            .get_bytes(&format!("/indicators.xlsx?plan={programme}"))
            .await;
        assert_eq!(status, 200);
        assert!(kind.contains("spreadsheetml") && bytes.starts_with(b"PK"));
    });
}

#[tokio::test]
async fn website_audits_are_fields_of_the_formulas() {
    for_each_db!(|t| {
        let cast = load_demo(&t.db).await;
        let programme = demo_programme(&t.db, &cast).await;
        let fields = t.db.fact_fields(programme).await.unwrap();
        assert!(fields.iter().any(|f| f.name == "сайт.программа"));
        let audited =
            t.db.site_found(&Scope::Municipality(cast.municipality_id))
                .await
                .unwrap();
        let expected = audited
            .values()
            .filter(|f| f.contains_key("основные_сведения"))
            .count();
        assert!(
            expected > 0,
            "the demo audits schools of the demo municipality"
        );
        let i = &t.db.indicators(programme).await.unwrap()[0];
        t.db.set_indicator_source(
            i.id,
            opora_store::indicator_values::Source::Formula,
            "вид: количество\nчислитель: есть(сайт.основные_сведения)",
            "mo1",
        )
        .await
        .unwrap();
        t.db.compute_programme(programme, "mo1").await.unwrap();
        let period = t.db.periods(programme).await.unwrap().pop().unwrap();
        let v =
            t.db.indicator_value(i.id, period.id)
                .await
                .unwrap()
                .unwrap();
        assert_eq!(v.value, Some(expected as f64));
        assert!(
            v.lists
                .iter()
                .any(|r| r.reason.contains("сайт.основные_сведения")),
            "{:?}",
            v.lists
        );
    });
}

/// Σ teachers with a development plan or a mentor (active) or present at an
/// event of methodological support in the last year ÷ Σ teachers of the
/// ШНОР/ШНСУ of `scope`, computed from the staff records themselves.
async fn support_share_by_hand(db: &opora_store::Db, scope: &Scope) -> f64 {
    use opora_staff::development::DevPlanStatus;
    use opora_staff::mentoring::PairStatus;
    let (mut teachers, mut supported) = (0, 0);
    for school in db.supported_schools_in(scope).await.unwrap() {
        let filter = opora_store::staff::teachers::TeacherFilter {
            school_id: Some(school),
            user_id: None,
        };
        for t in db.teachers(scope, &filter, "test").await.unwrap() {
            teachers += 1;
            let planned = db
                .development_plans_of(t.id)
                .await
                .unwrap()
                .iter()
                .any(|p| p.status == DevPlanStatus::Active);
            let mentored = db
                .mentoring_pairs(&Scope::Region, Some(t.id), "test")
                .await
                .unwrap()
                .iter()
                .any(|p| p.mentee.teacher_id == t.id && p.status == PairStatus::Active);
            let year_ago = opora_plans::clock::today().add_days(-365).unwrap();
            let evented = db.teacher_events(t.id).await.unwrap().iter().any(|e| {
                e.attendance == opora_events::Attendance::Attended
                    && e.kind.is_methodical_support()
                    && e.ends_on.unwrap_or(e.starts_on) >= year_ago
            });
            supported += usize::from(planned || mentored || evented);
        }
    }
    100.0 * supported as f64 / teachers as f64
}

#[tokio::test]
async fn staff_indicators_are_computed_from_the_teachers_plans_and_mentors() {
    for_each_db!(|t| {
        let cast = load_demo(&t.db).await;
        let base = spawn(&t.db, test_config()).await;
        let programme = demo_programme(&t.db, &cast).await;
        let indicators = t.db.indicators(programme).await.unwrap();
        let support = indicators
            .iter()
            .find(|i| i.name.contains("методическая поддержка"))
            .unwrap();
        let work = indicators
            .iter()
            .find(|i| i.name.contains("профессиональных дефицитов"))
            .unwrap();
        let autumn = t.db.periods(programme).await.unwrap().pop().unwrap();
        let mut mo = logged_in(&base, "mo1").await;
        let page = mo.get(&format!("/indicators/{}", support.id)).await;
        assert_eq!(page.status, 200, "{}", page.body);
        assert!(
            page.body.contains("кадры.поддержка"),
            "the formula is shown"
        );

        let value =
            t.db.indicator_value(support.id, autumn.id)
                .await
                .unwrap()
                .unwrap();
        let expected =
            support_share_by_hand(&t.db, &Scope::Municipality(cast.municipality_id)).await;
        assert!(expected > 0.0, "the demo's plans and pairs support someone");
        assert!(
            (value.value.unwrap() - expected).abs() < 1e-9,
            "{:?} ≠ {expected}",
            value.value
        );
        // The yes/no field: each school of the denominator is listed with its reason.
        mo.get(&format!("/indicators/{}", work.id)).await;
        let value =
            t.db.indicator_value(work.id, autumn.id)
                .await
                .unwrap()
                .unwrap();
        let schools =
            t.db.supported_schools_in(&Scope::Municipality(cast.municipality_id))
                .await
                .unwrap();
        assert_eq!(value.denominator, Some(schools.len() as i64));
        assert!(value.numerator.is_some());
    });
}
