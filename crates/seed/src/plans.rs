//! The demo municipality's roadmap, so that `opora serve --demo` shows plans
//! at work on the first day: a municipal plan of the cast's municipality
//! (sections, deadlines written as people write them, one activity done and
//! confirmed, one overdue), its «Руководителям ОО: разработать…» activity
//! and the teachers' lesson visits cascaded to the curator's schools (the
//! run's ШНОР), a support pair of the demo school with its mentor, and the
//! programme's indicator set from its passport.
//!
//! Dates are relative to the academic year that contains today, so the demo
//! stays alive whatever the date.

use opora_plans::{
    parse_deadline, Activity, ActivityStatus, Approval, Date, DocumentType, Level, Period, Plan,
    PlanStatus, Responsible, Section,
};
use opora_store::plans::{NewSupportPair, PlanLinks, StatusUpdate};
use opora_store::scope::Scope;
use opora_store::{Db, StoreError};

use crate::story::{Cast, ACTOR};

/// (number, text, deadline as written, responsible, form, expected result)
type Row = (
    &'static str,
    &'static str,
    String,
    &'static str,
    &'static str,
    &'static str,
);

fn sections(y: i32) -> Vec<(&'static str, &'static str, Vec<Row>)> {
    let n = y + 1;
    vec![
        ("1.", "Организационно-управленческие мероприятия", vec![
            ("1.1.", "Утвердить перечень школ с низкими образовательными результатами и школ-наставников", format!("сентябрь {y}"),
             "Управление образования", "", "Приказ управления образования"),
            ("1.2.", "Руководителям ОО: разработать и утвердить программы антирисковых мер по рискам, выявленным при самодиагностике", format!("до 15.10.{y}"),
             "Руководители общеобразовательных организаций", "", "Программа антирисковых мер, приказ ОО"),
            ("1.3.", "Заключить соглашения о сетевом взаимодействии школ-наставников и школ с низкими результатами", format!("Октябрь {y}"),
             "Управление образования; Школа-наставник — ОО, оказывающая поддержку; Поддерживаемая школа — ОО, которой оказывается поддержка", "", "Соглашения"),
        ]),
        ("2.", "Методическое сопровождение", vec![
            ("2.1.", "Семинар для заместителей директоров «Анализ результатов ВПР и планирование коррекционной работы»", "Ноябрь, декабрь, март, май".into(),
             "Муниципальный методический центр", "семинар", "Протокол, аналитическая справка"),
            ("2.2.", "Консультации учителей математики и русского языка школ с низкими результатами", "По запросу".into(),
             "Муниципальный методический центр, учителя-предметники", "консультации офлайн и онлайн", "Журнал консультаций"),
            ("2.3.", "Курсы повышения квалификации учителей по формированию функциональной грамотности", "В течение учебного года".into(),
             "Институт развития образования, руководители ОО", "курсы", "Удостоверения о повышении квалификации"),
            ("2.4.", "Взаимопосещение уроков учителями школ-наставников и поддерживаемых школ", format!("Декабрь {y} – апрель {n}"),
             "Школа-наставник — ОО, оказывающая поддержку; Поддерживаемая школа — ОО, которой оказывается поддержка; учителя", "открытые уроки", "Отчёт"),
        ]),
        ("3.", "Мониторинг эффективности", vec![
            ("3.1.", "Анализ результатов ВПР в школах с низкими результатами", format!("май-июнь {n}"),
             "Муниципальный методический центр", "", "Аналитическая справка"),
            ("3.2.", "Отчёт об исполнении дорожной карты на совещании руководителей", format!("декабрь {y}, май {n}"),
             "Управление образования", "совещание", "Протокол совещания"),
        ]),
    ]
}

/// The programme's indicator set, as its passport lists it (the wording of
/// a real municipal programme).
const PASSPORT: &str = "Показатели\tИндикаторы
По оценке процессов управления качеством образования\t
Доля ШНОР и ШНСУ, на сайтах которых размещена школьная программа повышения качества образования\t100%
Участие в мероприятиях межрегионального уровня\tДа
По учёту педагогических работников, прошедших диагностику\t
Доля учителей, прошедших профессиональную диагностику/самодиагностику, от общего числа педагогов ШНОР и ШНСУ\t50%
По методической поддержке педагогов\t
Доля педагогов ШНОР и ШНСУ, которым оказана методическая поддержка\t50%
Доля ШНОР и ШНСУ, в которых организована работа по преодолению профессиональных дефицитов учителей математики, русского языка и начальных классов\t100%
По выявлению динамики образовательных результатов\t
Доля школ, от общего числа ШНОР и ШНСУ, достигших положительной динамики в результатах ОГЭ по математике\t20%
";

/// «Имя — часть; …»: the responsibles with their parts, as a two-row header
/// of a real roadmap gives them; a plain list is split as the import does.
fn responsibles(text: &str) -> Vec<Responsible> {
    if !text.contains(';') {
        return Responsible::split(text, None);
    }
    text.split(';')
        .map(|item| {
            let (name, part) = match item.split_once(" — ") {
                Some((n, p)) => (n.trim(), Some(p.trim())),
                None => (item.trim(), None),
            };
            let mut r = Responsible::split(name, part)
                .into_iter()
                .next()
                .expect("a name");
            r.part = part.map(str::to_string);
            r
        })
        .collect()
}

/// Creates the demo roadmap unless there are plans already.
pub async fn create_demo_plans(db: &Db, cast: &Cast) -> Result<bool, StoreError> {
    if !db.plans(&Scope::Region, Date::today()).await?.is_empty() {
        return Ok(false);
    }
    create_programme(db, cast).await.map(|id| id.is_some())
}

/// The demo programme of `cast`'s municipality with its activities, states,
/// cascade and support pair, whatever else exists (the tests build a second
/// municipality's world with it). Returns the plan's id; `None` when the
/// municipality is unknown.
pub async fn create_programme(db: &Db, cast: &Cast) -> Result<Option<i64>, StoreError> {
    let today = Date::today();
    let Some(municipality) = db
        .municipalities()
        .await?
        .into_iter()
        .find(|m| m.id == cast.municipality_id)
    else {
        return Ok(None);
    };
    // The academic year that contains today.
    let y = if today.month() >= 9 {
        today.year()
    } else {
        today.year() - 1
    };
    let period = Period::academic_years(y, y + 1)
        .ok_or_else(|| StoreError::Invalid("демо-план: период".into()))?;
    let mut plan = Plan::new(
        Level::Municipality,
        &format!("Дорожная карта по повышению качества образования в школах с низкими образовательными результатами на {y}-{} учебный год", y + 1),
    );
    plan.owner = format!("Управление образования: {}", municipality.name);
    plan.period = Some(period.clone());
    plan.goal = Some("Повышение качества образования в школах с низкими результатами обучения и школах, функционирующих в неблагоприятных социальных условиях".into());
    plan.tasks = vec![
        "Обеспечить адресную методическую поддержку школ с низкими результатами".into(),
        "Организовать сетевое взаимодействие со школами-наставниками".into(),
    ];
    plan.status = PlanStatus::Approved;
    plan.approval = Some(Approval {
        document: "приказ".into(),
        number: Some("245-од".into()),
        date: Date::new(y, 9, 1),
        by: Some("Управление образования".into()),
        text: format!("Утверждена приказом управления образования от 01.09.{y} № 245-од"),
    });
    for (number, title, rows) in sections(y) {
        let mut s = Section::new(Some(number.into()), title);
        for (n, text, deadline, resp, form, result) in rows {
            let mut a = Activity::new(text, parse_deadline(&deadline, Some(&period)));
            a.number = Some(n.into());
            a.responsible_text = resp.into();
            a.responsibles = responsibles(resp);
            a.form = Some(form.to_string()).filter(|f| !f.is_empty());
            a.result_document = DocumentType::detect(result);
            a.result = Some(result.into());
            s.activities.push(a);
        }
        plan.sections.push(s);
    }
    let links = PlanLinks {
        municipality_id: Some(municipality.id),
        school_id: None,
    };
    let saved = db.save_plan(&plan, &links, None, ACTOR).await?;
    let indicators = opora_indicators::passport::indicators_from_document(
        &opora_plans::Document::from_tsv_text(PASSPORT),
        "паспорт программы",
    )
    .map_err(|e| StoreError::Invalid(e.to_string()))?;
    db.save_indicators(saved.id, &indicators, "паспорт программы", ACTOR)
        .await?;
    let stored = db
        .plan(saved.id)
        .await?
        .ok_or_else(|| StoreError::NotFound("демо-план".into()))?;
    let id_of = |number: &str| {
        stored
            .all_activities()
            .iter()
            .find(|x| x.activity.number.as_deref() == Some(number))
            .and_then(|x| x.activity.id)
    };
    // 1.1 done on time and confirmed; 2.1 in progress; 1.3 left overdue.
    if let Some(a) = id_of("1.1.") {
        let on = Date::new(y, 9, 20);
        db.set_activity_status(
            a,
            &StatusUpdate {
                to: ActivityStatus::Done,
                actor: ACTOR.into(),
                comment: "Приказ № 250-од от 20.09".into(),
                on,
            },
        )
        .await?;
        db.add_evidence_link(
            a,
            "Приказ на сайте управления",
            "https://example.ru/docs/prikaz-250",
            ACTOR,
        )
        .await?;
        db.set_activity_status(
            a,
            &StatusUpdate {
                to: ActivityStatus::Verified,
                actor: ACTOR.into(),
                comment: String::new(),
                on: None,
            },
        )
        .await?;
    }
    if let Some(a) = id_of("2.1.") {
        db.set_activity_status(
            a,
            &StatusUpdate {
                to: ActivityStatus::InProgress,
                actor: ACTOR.into(),
                comment: String::new(),
                on: None,
            },
        )
        .await?;
    }
    // «Руководителям ОО: разработать…» and the lesson visits (teachers' work)
    // go to the curator's schools: the run's ШНОР.
    for number in ["1.2.", "2.4."] {
        if let Some(a) = id_of(number) {
            db.cascade_activity(a, &cast.curated, ACTOR).await?;
        }
    }
    let mut curators = Vec::new();
    for u in db.users().await? {
        if u.role == opora_store::users::Role::Curator
            && db.curated_schools(u.id).await?.contains(&cast.school_id)
        {
            curators.push(u.id);
        }
    }
    db.add_support_pair(
        &NewSupportPair {
            leader_school_id: cast.leader_id,
            supported_school_id: cast.school_id,
            period_start: Date::new(y, 10, 1),
            period_end: Date::new(y + 1, 5, 31),
            agreement_number: "12".into(),
            agreement_date: Date::new(y, 10, 1),
            agreement_file: String::new(),
            curator_user_ids: curators,
        },
        ACTOR,
    )
    .await?;
    Ok(Some(saved.id))
}
