//! The demo's pupils with low results: in each ШНОР and ШНСУ of the demo
//! municipality, the register built from the year before the latest results
//! (so that the latest year shows who improved), a route in that school
//! year for some of them (closed in May with the outcome the next results
//! tell), attendance of the current half-year from the school journal (a
//! file through the ordinary import), the early warning of today, and
//! current routes for most of the pupils at risk — the rest are the
//! signals without action. Does nothing when any pupil is on a register.

use crate::story::{Cast, ACTOR};
use opora_plans::date::Date;
use opora_pupils::dynamics::Change;
use opora_pupils::model::{Outcome, StepKind, StepStatus, Tier};
use opora_pupils::warning::{Period, WarningLevel};
use opora_store::import::{ImportKind, ImportOptions};
use opora_store::pupils::register::Pupil;
use opora_store::pupils::routes::{Route, StepFields};
use opora_store::scope::Scope;
use opora_store::{Db, StoreError};

/// Routes of the earlier year per school, and current ones.
const PAST_ROUTES: usize = 8;
const CURRENT_ROUTES: usize = 6;

/// A stable number 0..100 of a pupil's key (the demo's choices).
fn hash(key: &str) -> u64 {
    key.bytes().fold(1469598103934665603u64, |h, b| {
        (h ^ u64::from(b)).wrapping_mul(1099511628211)
    }) % 100
}

pub async fn create_demo_pupils(db: &Db, cast: &Cast, today: Date) -> Result<(), StoreError> {
    if db.count("pupils").await? > 0 {
        return Ok(());
    }
    let schools = db
        .supported_schools_in(&Scope::Municipality(cast.municipality_id))
        .await?;
    for school_id in schools {
        let scope = Scope::School(school_id);
        let years = db.pupil_result_years(school_id).await?;
        let Some(&year) = years.get(1).or(years.first()) else {
            continue;
        };
        db.build_pupil_register(&scope, school_id, year, today, ACTOR)
            .await?;
        let pupils = db.pupils(&scope, ACTOR).await?;
        past_routes(db, &scope, &pupils, year).await?;
        attendance(db, &pupils, today).await?;
        db.compute_pupil_warnings(&scope, school_id, today, ACTOR)
            .await?;
        current_routes(db, &scope, school_id, today).await?;
    }
    Ok(())
}

fn step(kind: StepKind, title: &str, owner: &str, due: Option<Date>, family: bool) -> StepFields {
    StepFields {
        kind,
        title: title.into(),
        owner: owner.into(),
        due_on: due,
        with_family: family,
    }
}

fn date(y: i64, m: u32, d: u32) -> Date {
    Date::new(y as i32, m, d).expect("a calendar date")
}

/// Routes of the school year after the register's results, for every
/// other pupil, closed in May with what the next results say.
async fn past_routes(
    db: &Db,
    scope: &Scope,
    pupils: &[Pupil],
    year: i64,
) -> Result<(), StoreError> {
    let start = date(year, 9, 2);
    let chosen = pupils
        .iter()
        .filter(|p| hash(&p.student_key).is_multiple_of(2))
        .take(PAST_ROUTES);
    for p in chosen {
        let goals: Vec<(String, String)> = p
            .fields
            .subjects
            .iter()
            .map(|s| {
                (
                    s.clone(),
                    "отметка «3» и выше на следующей оценочной процедуре".to_string(),
                )
            })
            .collect();
        let id = db
            .open_pupil_route(p, Tier::Group, start, 6, &goals, ACTOR)
            .await?;
        let route = reload(db, scope, id).await?;
        let subject = p.fields.subjects.first().cloned().unwrap_or_default();
        db.add_route_step(
            &route,
            &step(
                StepKind::Consultation,
                &format!("Консультации по предмету «{subject}» раз в неделю"),
                "учитель-предметник",
                Some(date(year + 1, 4, 30)),
                false,
            ),
            ACTOR,
        )
        .await?;
        db.add_route_step(
            &route,
            &step(
                StepKind::Psychologist,
                "Диагностика учебной мотивации, беседа с родителями",
                "педагог-психолог",
                Some(date(year, 10, 15)),
                true,
            ),
            ACTOR,
        )
        .await?;
        let route = reload(db, scope, id).await?;
        for s in &route.steps {
            let on = s.fields.due_on.unwrap_or(start);
            db.set_route_step(&route, s.id, StepStatus::Done, Some(on), "выполнено", ACTOR)
                .await?;
        }
        db.add_route_review(&route, date(year, 10, 14), "Посещает консультации, пробелы по темам первой четверти закрыты частично; маршрут продолжен.", ACTOR)
            .await?;
        let results = db.pupil_results(p).await?;
        let outcome = match opora_store::pupils::dynamics::pupil_change(p, &results) {
            Some((Change::Better, _)) => Outcome::Achieved,
            Some((Change::Same, _)) => Outcome::Partly,
            _ => Outcome::NotAchieved,
        };
        db.close_pupil_route(&route, date(year + 1, 5, 30), outcome, "", ACTOR)
            .await?;
    }
    Ok(())
}

async fn reload(db: &Db, scope: &Scope, id: i64) -> Result<Route, StoreError> {
    db.pupil_route(scope, id)
        .await?
        .ok_or_else(|| StoreError::NotFound(format!("маршрут {id}")))
}

/// The journal's attendance of the register's pupils from the start of the
/// current half-year to today's month: most attend, about one in six
/// misses more than a tenth of the lessons.
async fn attendance(db: &Db, pupils: &[Pupil], today: Date) -> Result<(), StoreError> {
    let period = Period::of(today);
    let mut csv =
        String::from("Код ОО;Код обучающегося;Месяц;Уроков;Пропущено;Без уважительной причины\n");
    let first_month = if period.half == 1 { 9 } else { 1 };
    for p in pupils {
        let h = hash(&p.student_key);
        for month in first_month..=today.month() {
            let lessons = 96 + (h % 7) as i64;
            let missed = if h % 6 == 1 {
                12 + (h % 13) as i64
            } else {
                (h % 5) as i64 + (month as i64 % 3)
            };
            let unexcused = if h % 12 == 1 { missed / 2 } else { 0 };
            csv.push_str(&format!(
                "{};{};{:02}.{};{lessons};{missed};{unexcused}\n",
                p.school_code,
                p.student_key,
                month,
                today.year()
            ));
        }
    }
    let dir = tempfile::tempdir().map_err(|e| StoreError::Invalid(e.to_string()))?;
    let path = dir.path().join("attendance.csv");
    std::fs::write(&path, csv).map_err(|e| StoreError::Invalid(e.to_string()))?;
    let opts = ImportOptions {
        actor: ACTOR.into(),
        ..ImportOptions::default()
    };
    db.import_file(ImportKind::Attendance, &path, &opts, &|_| {})
        .await?;
    Ok(())
}

/// Routes of this half-year for the pupils at risk, but for one in three:
/// those stay the signals without action.
async fn current_routes(
    db: &Db,
    scope: &Scope,
    school_id: i64,
    today: Date,
) -> Result<(), StoreError> {
    let period = Period::of(today);
    let start = if period.half == 1 {
        date(i64::from(period.academic_year) - 1, 9, 7)
    } else {
        date(i64::from(period.academic_year), 1, 12)
    };
    let pupils = db.pupils(scope, ACTOR).await?;
    let at_risk = pupils.iter().filter(|p| {
        p.school_id == school_id
            && p.route.is_none()
            && p.warning
                .as_ref()
                .is_some_and(|(l, _, _)| l.rank() >= WarningLevel::Risk.rank())
            && !hash(&p.student_key).is_multiple_of(3)
    });
    for p in at_risk.take(CURRENT_ROUTES) {
        let high = p
            .warning
            .as_ref()
            .is_some_and(|(l, _, _)| *l == WarningLevel::High);
        let goals: Vec<(String, String)> = p
            .fields
            .subjects
            .iter()
            .map(|s| (s.clone(), "отметка «3» на ВПР весной".to_string()))
            .collect();
        let tier = if high { Tier::Individual } else { Tier::Group };
        let id = db
            .open_pupil_route(p, tier, start, 6, &goals, ACTOR)
            .await?;
        let route = reload(db, scope, id).await?;
        let subject = p.fields.subjects.first().cloned().unwrap_or_default();
        db.add_route_step(
            &route,
            &step(
                StepKind::ExtraLessons,
                &format!("Дополнительные занятия по предмету «{subject}» в группе"),
                "учитель-предметник",
                None,
                false,
            ),
            ACTOR,
        )
        .await?;
        db.add_route_step(
            &route,
            &step(
                StepKind::SocialPedagogue,
                "Контроль посещения, встреча с семьёй",
                "социальный педагог",
                start.add_days(21),
                true,
            ),
            ACTOR,
        )
        .await?;
        let route = reload(db, scope, id).await?;
        if let Some(s) = route
            .steps
            .iter()
            .find(|s| s.fields.kind == StepKind::SocialPedagogue)
        {
            let on = start.add_days(20).unwrap_or(start);
            if on <= today {
                db.set_route_step(
                    &route,
                    s.id,
                    StepStatus::Done,
                    Some(on),
                    "семья предупреждена, пропуски сократились",
                    ACTOR,
                )
                .await?;
            }
        }
        // Half of the routes are reviewed every six weeks; the others have
        // missed a review and are signals.
        if hash(&p.student_key).is_multiple_of(2) {
            let mut review = start.add_days(42);
            while let Some(on) = review.filter(|d| *d <= today) {
                db.add_route_review(&route, on, "Пропусков меньше; по предмету — первые положительные отметки. Маршрут без изменений.", ACTOR)
                    .await?;
                review = on.add_days(42);
            }
        }
    }
    Ok(())
}
