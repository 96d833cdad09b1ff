//! Pupils with low results in the database, on SQLite and PostgreSQL: the
//! register is built from the results already in Opora (failing, or below
//! the school's threshold) and building again changes nothing; pupils are
//! seen only in the school and by its curator; attendance is imported all
//! or nothing; the early warning is computed afresh per period with its
//! triggers; a route is opened, kept and closed, one active at a time; the
//! dynamics tell who improved, and a route counts only if it began in
//! time; every read and change is in the audit log.

mod common;

use common::*;
use opora_plans::date::Date;
use opora_pupils::model::{Cause, LeaveReason, Outcome, StepKind, StepStatus, Tier};
use opora_pupils::warning::WarningLevel;
use opora_store::import::ImportKind;
use opora_store::pupils::register::{Pupil, PupilFields};
use opora_store::pupils::routes::StepFields;
use opora_store::pupils::warnings::{signal, SignalReason};
use opora_store::scope::Scope;
use opora_store::{Db, StoreError};
use std::path::Path;

/// Two years of ВПР at S001 (and one pupil of S002): p1 fails mathematics
/// and passes it a year later; p2 fails both subjects twice; p3 is fine;
/// p4 passes Russian with a low score, then fails it.
const RESULTS: &str = "year,school_id,procedure,subject,grade,student_key,score,max_score,mark\n\
2024,S001,ВПР,Математика,5,p1,4,20,2\n\
2024,S001,ВПР,Русский язык,5,p1,30,40,4\n\
2024,S001,ВПР,Математика,5,p2,5,20,2\n\
2024,S001,ВПР,Русский язык,5,p2,10,40,2\n\
2024,S001,ВПР,Математика,5,p3,15,20,4\n\
2024,S001,ВПР,Русский язык,5,p4,11,40,3\n\
2024,S002,ВПР,Математика,5,q1,3,20,2\n\
2025,S001,ВПР,Математика,6,p1,12,20,3\n\
2025,S001,ВПР,Математика,6,p2,4,20,2\n\
2025,S001,ВПР,Русский язык,6,p2,9,40,2\n\
2025,S001,ВПР,Математика,6,p3,16,20,4\n\
2025,S001,ВПР,Русский язык,6,p4,5,40,2\n";

fn today() -> Date {
    Date::new(2026, 12, 1).unwrap()
}

async fn school(db: &Db, code: &str) -> i64 {
    db.school_by_code(code).await.unwrap().unwrap().id
}

/// The registry and the two years of results; returns the fixture folder.
async fn with_results(db: &Db) -> std::path::PathBuf {
    let dir = with_registry(db).await;
    let path = dir.join("results.csv");
    std::fs::write(&path, RESULTS).unwrap();
    import(db, ImportKind::Results, &path).await.unwrap();
    dir
}

async fn register(db: &Db, school_id: i64) -> Vec<Pupil> {
    db.pupils(&Scope::School(school_id), "test").await.unwrap()
}

fn by_key<'a>(pupils: &'a [Pupil], key: &str) -> &'a Pupil {
    pupils.iter().find(|p| p.student_key == key).unwrap()
}

fn write(dir: &Path, name: &str, text: &str) -> std::path::PathBuf {
    let path = dir.join(name);
    std::fs::write(&path, text).unwrap();
    path
}

#[tokio::test]
async fn a_register_built_from_results_holds_failing_and_low_pupils_and_building_again_changes_nothing(
) {
    for_each_db!(|t| {
        with_results(&t.db).await;
        let s1 = school(&t.db, "S001").await;
        let scope = Scope::School(s1);
        let report =
            t.db.build_pupil_register(&scope, s1, 2024, today(), "школа")
                .await
                .unwrap();
        assert_eq!((report.pupils_read, report.added), (4, 3), "{report:?}");
        let pupils = register(&t.db, s1).await;
        let keys: Vec<&str> = pupils.iter().map(|p| p.student_key.as_str()).collect();
        assert_eq!(keys.len(), 3);
        assert!(
            !keys.contains(&"p3"),
            "a pupil without low results stays off"
        );
        assert_eq!(
            by_key(&pupils, "p2").fields.subjects,
            ["Математика", "Русский язык"]
        );
        assert_eq!(
            by_key(&pupils, "p4").fields.subjects,
            ["Русский язык"],
            "27,5 % < 30 %"
        );
        // Grade 5 in 2023-2024 is grade 8 in 2026-2027.
        assert_eq!(by_key(&pupils, "p1").grade_on(today()), 8);
        assert_eq!(by_key(&pupils, "p1").fields.causes, [Cause::LearningGaps]);
        let before = dump(&t.db).await;
        let again =
            t.db.build_pupil_register(&scope, s1, 2024, today(), "школа")
                .await
                .unwrap();
        assert_eq!((again.added, again.updated, again.unchanged), (0, 0, 3));
        let mut after = dump(&t.db).await;
        after.retain(|l| !l.contains("реестр обучающихся с НОР сформирован"));
        let mut before = before;
        before.retain(|l| !l.contains("реестр обучающихся с НОР сформирован"));
        assert_eq!(
            after, before,
            "building again changes nothing but the audit"
        );
        let err =
            t.db.build_pupil_register(&scope, s1, 2019, today(), "школа")
                .await
                .unwrap_err();
        assert!(
            err.to_string()
                .contains("нет результатов обучающихся за 2019 год"),
            "{err}"
        );
    });
}

#[tokio::test]
async fn pupils_are_seen_only_in_their_school_and_by_its_curator() {
    for_each_db!(|t| {
        with_results(&t.db).await;
        let (s1, s2) = (school(&t.db, "S001").await, school(&t.db, "S002").await);
        t.db.build_pupil_register(&Scope::School(s1), s1, 2024, today(), "школа")
            .await
            .unwrap();
        let id = register(&t.db, s1).await[0].id;
        let municipality =
            t.db.school_by_code("S001")
                .await
                .unwrap()
                .unwrap()
                .municipality_id;
        for blind in [
            Scope::Region,
            Scope::Municipality(municipality),
            Scope::School(s2),
            Scope::Schools(vec![s2]),
        ] {
            assert!(
                t.db.pupils(&blind, "x").await.unwrap().is_empty(),
                "{blind:?}"
            );
            assert!(t.db.pupil(&blind, id).await.unwrap().is_none(), "{blind:?}");
        }
        assert!(t
            .db
            .pupil(&Scope::Schools(vec![s1, s2]), id)
            .await
            .unwrap()
            .is_some());
        let err =
            t.db.build_pupil_register(&Scope::Municipality(municipality), s1, 2024, today(), "мо")
                .await
                .unwrap_err();
        assert!(matches!(err, StoreError::NotFound(_)), "{err:?}");
        let audit = t.db.audit_entries(50).await.unwrap();
        assert!(audit
            .iter()
            .any(|e| e.action == "просмотр: реестр обучающихся с НОР"));
    });
}

#[tokio::test]
async fn attendance_is_imported_all_or_nothing_and_importing_again_changes_nothing() {
    for_each_db!(|t| {
        let dir = with_results(&t.db).await;
        let good = write(
            &dir,
            "attendance.csv",
            "Код ОО;Код обучающегося;Месяц;Уроков;Пропущено;Без уважительной причины\n\
             S001;p1;сентябрь 2026;100;15;0\n\
             S001;p1;10.2026;100;5;0\n\
             S001;p2;2026-09;100;2;2\n",
        );
        let report = import(&t.db, ImportKind::Attendance, &good).await.unwrap();
        assert_eq!(report.written, 3);
        let before = dump(&t.db).await;
        let again = import(&t.db, ImportKind::Attendance, &good).await.unwrap();
        assert_eq!(again.written, 0);
        assert!(
            again.notes[0].contains("без изменений: 3"),
            "{:?}",
            again.notes
        );
        let mut after = dump(&t.db).await;
        after.retain(|l| !l.contains("импорт"));
        let mut before = before;
        before.retain(|l| !l.contains("импорт"));
        assert_eq!(after, before);
        let bad = write(
            &dir,
            "bad.csv",
            "Код ОО;Код обучающегося;Месяц;Уроков;Пропущено\n\
             S001;p3;сентябрь 2026;100;5\n\
             S001;p4;сентябрь 2026;80;90\n\
             S001;p4;осенью;80;9\n\
             S404;p5;сентябрь 2026;80;9\n",
        );
        let StoreError::Rejected { errors, .. } = import(&t.db, ImportKind::Attendance, &bad)
            .await
            .unwrap_err()
        else {
            panic!("a bad file is rejected")
        };
        let text: Vec<String> = errors.iter().map(|e| e.to_string()).collect();
        assert!(
            text.iter()
                .any(|m| m.contains("строка 3")
                    && m.contains("пропусков не может быть больше уроков")),
            "{text:?}"
        );
        assert!(
            text.iter()
                .any(|m| m.contains("строка 4") && m.contains("«осенью» не распознан")),
            "{text:?}"
        );
        assert!(
            text.iter()
                .any(|m| m.contains("строка 5") && m.contains("школы с таким кодом нет")),
            "{text:?}"
        );
        assert_eq!(
            t.db.count("pupil_attendance").await.unwrap(),
            3,
            "nothing of the bad file is written"
        );
    });
}

#[tokio::test]
async fn the_early_warning_is_computed_afresh_each_period_with_its_triggers() {
    for_each_db!(|t| {
        let dir = with_results(&t.db).await;
        let s1 = school(&t.db, "S001").await;
        let scope = Scope::School(s1);
        t.db.build_pupil_register(&scope, s1, 2024, today(), "школа")
            .await
            .unwrap();
        let attendance = write(
            &dir,
            "attendance.csv",
            "Код ОО;Код обучающегося;Месяц;Уроков;Пропущено;Без уважительной причины\n\
             S001;p1;сентябрь 2026;100;15;0\n\
             S001;p1;октябрь 2026;100;9;0\n",
        );
        import(&t.db, ImportKind::Attendance, &attendance)
            .await
            .unwrap();
        let report =
            t.db.compute_pupil_warnings(&scope, s1, today(), "школа")
                .await
                .unwrap();
        assert_eq!(report.period, "2027-1");
        assert_eq!(
            report.results_year,
            Some(2025),
            "the latest results are read"
        );
        let pupils = register(&t.db, s1).await;
        let level = |key: &str| by_key(&pupils, key).warning.as_ref().unwrap().0;
        // p1 passed mathematics in 2025; learning gaps count a point
        // («внимание»), and 24 of 200 lessons missed (12 %) raise it to «риск».
        assert_eq!(level("p1"), WarningLevel::Risk);
        // p2 fails two subjects (2 + 2) and has learning gaps (1): «высокий риск».
        assert_eq!(level("p2"), WarningLevel::High);
        assert_eq!(level("p4"), WarningLevel::Attention);
        let history =
            t.db.pupil_warning_history(by_key(&pupils, "p1"))
                .await
                .unwrap();
        assert!(
            history[0]
                .2
                .iter()
                .any(|t| t.contains("пропущено 12 % уроков")),
            "{history:?}"
        );
        // The school raises its own threshold of absence: p1 loses the absence trigger.
        let mut th = t.db.pupil_thresholds(s1).await.unwrap();
        th.chronic_absence_pct = 15.0;
        t.db.set_pupil_thresholds(&scope, s1, &th, "школа")
            .await
            .unwrap();
        t.db.compute_pupil_warnings(&scope, s1, today(), "школа")
            .await
            .unwrap();
        let pupils = register(&t.db, s1).await;
        let history =
            t.db.pupil_warning_history(by_key(&pupils, "p1"))
                .await
                .unwrap();
        assert_eq!(history.len(), 1, "the same period is replaced");
        assert!(
            !history[0].2.iter().any(|t| t.contains("пропущено")),
            "{history:?}"
        );
        // The next half-year starts clean (no attendance yet) and keeps the first.
        let spring = Date::new(2027, 2, 1).unwrap();
        t.db.compute_pupil_warnings(&scope, s1, spring, "школа")
            .await
            .unwrap();
        let pupils = register(&t.db, s1).await;
        let history =
            t.db.pupil_warning_history(by_key(&pupils, "p1"))
                .await
                .unwrap();
        assert_eq!(history.len(), 2);
        assert_eq!(history[0].0.code(), "2027-2");
        // p2 at high risk and without a route is a signal without action.
        assert_eq!(
            signal(by_key(&pupils, "p2"), spring),
            Some(SignalReason::NoRoute)
        );
        assert_eq!(
            signal(by_key(&pupils, "p2"), today()),
            None,
            "another period's level is not a signal"
        );
    });
}

#[tokio::test]
async fn a_route_is_opened_kept_and_closed_and_a_pupil_has_one_active_route() {
    for_each_db!(|t| {
        with_results(&t.db).await;
        let s1 = school(&t.db, "S001").await;
        let scope = Scope::School(s1);
        t.db.build_pupil_register(&scope, s1, 2024, today(), "школа")
            .await
            .unwrap();
        let pupils = register(&t.db, s1).await;
        let p2 = by_key(&pupils, "p2");
        let goals = vec![("Математика".to_string(), "отметка «3» на ВПР".to_string())];
        let start = Date::new(2026, 9, 7).unwrap();
        let id =
            t.db.open_pupil_route(p2, Tier::Individual, start, 6, &goals, "школа")
                .await
                .unwrap();
        let again =
            t.db.open_pupil_route(p2, Tier::Group, start, 6, &goals, "школа")
                .await
                .unwrap_err();
        assert!(matches!(again, StoreError::Conflict(_)), "{again:?}");
        let no_goals =
            t.db.open_pupil_route(by_key(&pupils, "p1"), Tier::Group, start, 6, &[], "школа")
                .await
                .unwrap_err();
        assert!(
            no_goals.to_string().contains("хотя бы одну цель"),
            "{no_goals}"
        );
        let route = t.db.pupil_route(&scope, id).await.unwrap().unwrap();
        let step = StepFields {
            kind: StepKind::Psychologist,
            title: "Беседа с семьёй о пропусках".into(),
            owner: "педагог-психолог".into(),
            due_on: Date::new(2026, 10, 1),
            with_family: true,
        };
        t.db.add_route_step(&route, &step, "школа").await.unwrap();
        let route = t.db.pupil_route(&scope, id).await.unwrap().unwrap();
        let step_id = route.steps[0].id;
        assert!(route.steps[0].fields.with_family);
        let no_date =
            t.db.set_route_step(&route, step_id, StepStatus::Done, None, "", "школа")
                .await
                .unwrap_err();
        assert!(no_date.to_string().contains("дата выполнения"), "{no_date}");
        t.db.set_route_step(
            &route,
            step_id,
            StepStatus::Done,
            Date::new(2026, 9, 30),
            "семья пришла",
            "школа",
        )
        .await
        .unwrap();
        assert_eq!(
            route.next_review(),
            Date::new(2026, 10, 19).unwrap(),
            "six weeks after the start"
        );
        t.db.add_route_review(
            &route,
            Date::new(2026, 10, 20).unwrap(),
            "Пропуски сократились",
            "школа",
        )
        .await
        .unwrap();
        let route = t.db.pupil_route(&scope, id).await.unwrap().unwrap();
        assert_eq!(route.steps[0].status, StepStatus::Done);
        assert_eq!(
            route.next_review(),
            Date::new(2026, 12, 1).unwrap(),
            "six weeks after the review"
        );
        assert!(signal(
            &register(&t.db, s1)
                .await
                .into_iter()
                .find(|p| p.student_key == "p2")
                .unwrap(),
            today()
        )
        .is_none());
        t.db.close_pupil_route(
            &route,
            Date::new(2026, 11, 30).unwrap(),
            Outcome::Partly,
            "",
            "школа",
        )
        .await
        .unwrap();
        let closed = t.db.pupil_route(&scope, id).await.unwrap().unwrap();
        let late =
            t.db.add_route_step(&closed, &step, "школа")
                .await
                .unwrap_err();
        assert!(late.to_string().contains("маршрут завершён"), "{late}");
        // The route is the pupil's: another school and the municipality do not find it.
        let s2 = school(&t.db, "S002").await;
        assert!(t
            .db
            .pupil_route(&Scope::School(s2), id)
            .await
            .unwrap()
            .is_none());
        assert!(t
            .db
            .pupil_route(&Scope::Region, id)
            .await
            .unwrap()
            .is_none());
        // A new route may follow; taking the pupil off closes it.
        let p2 = register(&t.db, s1)
            .await
            .into_iter()
            .find(|p| p.student_key == "p2")
            .unwrap();
        let next =
            t.db.open_pupil_route(&p2, Tier::Group, today(), 4, &goals, "школа")
                .await
                .unwrap();
        t.db.pupil_leaves(&p2, today(), LeaveReason::Moved, "школа")
            .await
            .unwrap();
        let next = t.db.pupil_route(&scope, next).await.unwrap().unwrap();
        assert_eq!(next.outcome, Some(Outcome::Left));
        let audit: Vec<String> =
            t.db.audit_entries(60)
                .await
                .unwrap()
                .into_iter()
                .map(|e| e.action)
                .collect();
        for action in [
            "индивидуальный маршрут открыт",
            "шаг маршрута отмечен",
            "пересмотр маршрута",
            "индивидуальный маршрут завершён",
            "обучающийся снят с учёта",
        ] {
            assert!(audit.iter().any(|a| a == action), "{action}: {audit:?}");
        }
    });
}

#[tokio::test]
async fn the_dynamics_tell_who_improved_and_a_route_counts_only_if_it_began_in_time() {
    for_each_db!(|t| {
        with_results(&t.db).await;
        let s1 = school(&t.db, "S001").await;
        let scope = Scope::School(s1);
        t.db.build_pupil_register(&scope, s1, 2024, today(), "школа")
            .await
            .unwrap();
        let pupils = register(&t.db, s1).await;
        let goals = vec![("Математика".to_string(), "отметка «3»".to_string())];
        // p1's route ran in 2024-2025, before the 2025 results; p2's began later.
        let early =
            t.db.open_pupil_route(
                by_key(&pupils, "p1"),
                Tier::Group,
                Date::new(2024, 9, 2).unwrap(),
                6,
                &goals,
                "школа",
            )
            .await
            .unwrap();
        let r = t.db.pupil_route(&scope, early).await.unwrap().unwrap();
        t.db.close_pupil_route(
            &r,
            Date::new(2025, 5, 30).unwrap(),
            Outcome::Achieved,
            "",
            "школа",
        )
        .await
        .unwrap();
        t.db.open_pupil_route(
            by_key(&pupils, "p2"),
            Tier::Group,
            Date::new(2026, 9, 7).unwrap(),
            6,
            &goals,
            "школа",
        )
        .await
        .unwrap();
        let summary = t.db.pupil_summary(&Scope::Region, today()).await.unwrap();
        assert_eq!(summary.len(), 1, "only schools with a register");
        let s = &summary[0];
        assert_eq!(
            (s.code.as_str(), s.on_register, s.with_route),
            ("S001", 3, 1)
        );
        assert_eq!(
            (s.dynamics.better, s.dynamics.same, s.dynamics.worse),
            (1, 1, 1),
            "p1 better, p2 same, p4 worse"
        );
        assert_eq!(
            (s.routed.better, s.routed.total()),
            (1, 1),
            "p1's route began in time"
        );
        assert_eq!(
            s.not_routed.total(),
            2,
            "p2's route began after the results compared"
        );
        let p1 = by_key(&pupils, "p1");
        let results = t.db.pupil_results(p1).await.unwrap();
        assert_eq!(results.len(), 3, "both years, every subject");
        let (change, year) = opora_store::pupils::dynamics::pupil_change(p1, &results).unwrap();
        assert_eq!((change.code(), year), ("better", 2025));
        // A curator's scope sees only its schools' counts.
        let s2 = school(&t.db, "S002").await;
        assert!(t
            .db
            .pupil_summary(&Scope::Schools(vec![s2]), today())
            .await
            .unwrap()
            .is_empty());
    });
}

#[tokio::test]
async fn a_pupil_added_by_hand_needs_a_key_not_a_name_and_a_reason() {
    for_each_db!(|t| {
        with_results(&t.db).await;
        let s1 = school(&t.db, "S001").await;
        let scope = Scope::School(s1);
        let fields = PupilFields {
            class_name: "7Б".into(),
            grade: 7,
            subjects: vec!["Математика".into()],
            causes: vec![Cause::Health],
            note: String::new(),
        };
        let name =
            t.db.add_pupil(&scope, s1, "Иванов Иван", &fields, today(), "школа")
                .await
                .unwrap_err();
        assert!(name.to_string().contains("без имён"), "{name}");
        let id =
            t.db.add_pupil(&scope, s1, "k-77", &fields, today(), "школа")
                .await
                .unwrap();
        let twice =
            t.db.add_pupil(&scope, s1, "k-77", &fields, today(), "школа")
                .await
                .unwrap_err();
        assert!(matches!(twice, StoreError::Conflict(_)), "{twice:?}");
        let empty = PupilFields {
            subjects: vec![],
            causes: vec![],
            ..fields.clone()
        };
        let why =
            t.db.add_pupil(&scope, s1, "k-78", &empty, today(), "школа")
                .await
                .unwrap_err();
        assert!(
            why.to_string().contains("предметы с риском или причины"),
            "{why}"
        );
        let p = t.db.pupil(&scope, id).await.unwrap().unwrap();
        assert_eq!(
            (p.fields.class_name.as_str(), p.grade_on(today())),
            ("7Б", 7)
        );
        let foreign =
            t.db.add_pupil(
                &Scope::School(school(&t.db, "S002").await),
                s1,
                "k-79",
                &fields,
                today(),
                "чужая",
            )
            .await
            .unwrap_err();
        assert!(matches!(foreign, StoreError::NotFound(_)), "{foreign:?}");
    });
}
