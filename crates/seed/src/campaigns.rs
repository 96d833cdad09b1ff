//! The demo's data-collection loop (issue 12): the demo programme's
//! indicators get their sources (formulas over the run, the exams and the
//! campaigns' answers; one entered by hand), two periods, and two
//! campaigns to the municipality's ШНОР and ШНСУ: a spring one, accepted
//! and its period closed, and an autumn one half filled (accepted, sent,
//! returned with a comment, not started), so that a first look shows
//! target → data → fact → the schools behind it.
//!
//! Dates are relative to today, so the autumn campaign is open whenever
//! the demo is loaded.

use crate::story::Cast;
use opora_indicators::campaign::{Step, Value};
use opora_plans::date::Date;
use opora_store::campaigns::NewCampaign;
use opora_store::indicator_values::{ManualValue, Source};
use opora_store::scope::Scope;
use opora_store::{Db, StoreError};
use std::collections::BTreeMap;

const ACTOR: &str = "демо";

/// The form both campaigns use (what the coordinator's spreadsheet asked).
pub const DEMO_FORM: &str =
    "педагоги: Число педагогических работников | целое | обязательно | от 1 до 500 | чел.
диагностика: Из них прошли диагностику или самодиагностику | целое | обязательно | от 0 | чел.
программа: Школьная программа повышения качества размещена на сайте | да/нет | обязательно
ссылка: Адрес страницы с программой | текст
правило: диагностика <= педагоги | Прошедших диагностику не может быть больше, чем педагогов
";

/// Each indicator's source by the start of its name.
const FORMULAS: [(&str, &str); 5] = [
    (
        "Доля ШНОР и ШНСУ, на сайтах",
        "вид: доля\nзнаменатель: шнор = да или шнсу = да\nчислитель: анкета.программа = да",
    ),
    (
        "Доля учителей",
        "# Σ прошедших диагностику ÷ Σ педагогов школ ШНОР и ШНСУ\nвид: доля суммы анкета.диагностика от суммы анкета.педагоги\nзнаменатель: шнор = да или шнсу = да",
    ),
    (
        "Доля педагогов ШНОР и ШНСУ, которым оказана",
        "# Σ педагогов с планом развития или наставником ÷ Σ педагогов ШНОР и ШНСУ (кадровый учёт)\nвид: доля суммы кадры.поддержка от суммы кадры.педагоги\nзнаменатель: шнор = да или шнсу = да",
    ),
    (
        "Доля ШНОР и ШНСУ, в которых организована",
        "# каждый учитель математики, русского языка и начальных классов с дефицитом по последней диагностике имеет план развития\nвид: доля\nзнаменатель: шнор = да или шнсу = да\nчислитель: кадры.работа_с_дефицитами",
    ),
    (
        "Доля школ, от общего числа ШНОР и ШНСУ",
        "# «положительная динамика»: средний балл выше прошлогоднего\nвид: доля\nзнаменатель: (шнор = да или шнсу = да) и есть(огэ.математика.прошлый)\nчислитель: огэ.математика - огэ.математика.прошлый > 0",
    ),
];

fn day(today: Date, offset: i64) -> Date {
    Date::from_days(today.days() + offset).unwrap_or(today)
}

/// «июнь 2026».
fn month_title(d: Date) -> String {
    format!(
        "{} {}",
        opora_plans::deadline::MONTHS_NOMINATIVE[(d.month() - 1) as usize],
        d.year()
    )
}

/// A school's answer, made up from its id (stable across loads).
fn answer(school_id: i64, autumn: bool) -> BTreeMap<String, Value> {
    let teachers = 18 + (school_id * 7) % 40;
    let base = (teachers * (20 + (school_id * 13) % 50)) / 100;
    let diagnosed = if autumn {
        (base + teachers / 4).min(teachers)
    } else {
        base
    };
    let programme = autumn || school_id % 3 != 0;
    BTreeMap::from([
        ("педагоги".to_string(), Value::Number(teachers as f64)),
        ("диагностика".to_string(), Value::Number(diagnosed as f64)),
        ("программа".to_string(), Value::YesNo(programme)),
    ])
}

/// Seeds the loop unless a campaign exists. Returns whether it did.
pub async fn create_demo_campaigns(db: &Db, cast: &Cast) -> Result<bool, StoreError> {
    if !db.campaigns_in(&Scope::Region).await?.is_empty() {
        return Ok(false);
    }
    create_campaigns(db, cast).await
}

/// The demo periods and campaigns of `cast`'s municipality's programme,
/// whatever else exists (the tests build a second municipality's world with
/// it); `false` when the municipality has no programme or supported school.
pub async fn create_campaigns(db: &Db, cast: &Cast) -> Result<bool, StoreError> {
    let today = Date::today();
    let Some(programme) = db
        .plans(&Scope::Municipality(cast.municipality_id), today)
        .await?
        .into_iter()
        .find(|p| p.level == "municipality")
    else {
        return Ok(false);
    };
    let indicators = db.indicators(programme.id).await?;
    for i in &indicators {
        match FORMULAS.iter().find(|(start, _)| i.name.starts_with(start)) {
            Some((_, formula)) => {
                db.set_indicator_source(i.id, Source::Formula, formula, ACTOR)
                    .await?
            }
            None => {
                db.set_indicator_source(i.id, Source::Manual, "", ACTOR)
                    .await?
            }
        }
    }
    let schools = db
        .supported_schools_in(&Scope::Municipality(cast.municipality_id))
        .await?;
    if schools.is_empty() {
        return Ok(false);
    }
    let spring_deadline = day(today, -185);
    let autumn_deadline = day(today, 10);
    let spring_period = month_title(spring_deadline);
    let autumn_period = month_title(autumn_deadline);
    let spring_id = db
        .add_period(programme.id, &spring_period, day(today, -170), ACTOR)
        .await?;
    db.add_period(programme.id, &autumn_period, day(today, 20), ACTOR)
        .await?;

    let new = |title: &str, period: &str, opens: i64, deadline: Date, locks: i64| NewCampaign {
        title: title.into(),
        period: period.into(),
        municipality_id: Some(cast.municipality_id),
        plan_id: Some(programme.id),
        form: DEMO_FORM.into(),
        opens_on: day(today, opens),
        deadline,
        locks_on: day(today, locks),
        region_step: false,
        schools: schools.clone(),
    };
    let spring = db
        .create_campaign(
            &new(
                "Мониторинг программы: весна",
                &spring_period,
                -200,
                spring_deadline,
                -170,
            ),
            ACTOR,
        )
        .await?;
    let autumn = db
        .create_campaign(
            &new(
                "Мониторинг программы: осень",
                &autumn_period,
                -10,
                autumn_deadline,
                20,
            ),
            ACTOR,
        )
        .await?;
    let spring = db
        .campaign(spring)
        .await?
        .ok_or_else(|| StoreError::NotFound("кампания".into()))?;
    let autumn = db
        .campaign(autumn)
        .await?
        .ok_or_else(|| StoreError::NotFound("кампания".into()))?;
    let none = BTreeMap::new();
    for (k, &school) in schools.iter().enumerate() {
        // Spring: every school sent (one late) and was accepted.
        let sent = day(today, if k == 1 { -180 } else { -190 });
        db.save_answer(&spring, school, &answer(school, false), true, sent, ACTOR)
            .await?;
        db.review_answer(&spring, school, Step::Accept, "", &none, ACTOR)
            .await?;
        // Autumn: the demo school has not started; the others are accepted,
        // sent, or returned with a comment.
        if school == cast.school_id {
            continue;
        }
        let values = answer(school, true);
        db.save_answer(&autumn, school, &values, true, day(today, -3), ACTOR)
            .await?;
        match k % 3 {
            0 => {
                db.review_answer(&autumn, school, Step::Accept, "", &none, ACTOR)
                    .await?;
            }
            1 => {
                let comments = BTreeMap::from([(
                    "диагностика".to_string(),
                    "Число не совпадает с отчётом о диагностике".to_string(),
                )]);
                db.review_answer(
                    &autumn,
                    school,
                    Step::Return,
                    "Сверьте число прошедших диагностику",
                    &comments,
                    ACTOR,
                )
                .await?;
            }
            _ => {}
        }
    }
    db.compute_programme(programme.id, ACTOR).await?;
    if let Some(manual) = indicators.iter().find(|i| i.target_number.is_none()) {
        let v = ManualValue {
            value: Some(1.0),
            value_text: "да",
            note: "Протокол межрегионального семинара",
            document: "протокол № 3",
        };
        db.enter_value(manual.id, spring_id, &v, ACTOR).await?;
    }
    db.close_period(spring_id, ACTOR).await?;
    Ok(true)
}
