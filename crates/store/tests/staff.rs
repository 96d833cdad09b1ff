//! Staff in the database, on SQLite and PostgreSQL: a teachers' file as an
//! HR office keeps it (a title above the header, Russian headers, extra
//! columns) is imported all or nothing and a second import changes nothing;
//! a person is found by personnel number, else by name within the school;
//! courses need their teacher; the three-year clock and the due list; a
//! move keeps the courses; the school's upload writes only its school;
//! every read of staff data is in the audit log.

mod common;

use common::*;
use opora_plans::date::Date;
use opora_staff::clock::Light;
use opora_store::import::{ImportKind, ImportOptions};
use opora_store::scope::Scope;
use opora_store::staff::teachers::TeacherFilter;
use opora_store::{Db, StoreError};
use std::path::{Path, PathBuf};

/// An HR office's workbook: a merged title, a blank row, then the header
/// with a numbering column Opora does not need.
fn hr_workbook(path: &Path, rows: &[[&str; 9]]) {
    let mut book = rust_xlsxwriter::Workbook::new();
    let sheet = book.add_worksheet();
    sheet
        .merge_range(
            0,
            0,
            0,
            8,
            "Список педагогических работников на 01.09.2026",
            &rust_xlsxwriter::Format::new(),
        )
        .unwrap();
    let header = [
        "№ п/п",
        "Код ОО",
        "Табельный номер",
        "Ф.И.О.",
        "Должность",
        "Преподаваемые предметы",
        "Квалификационная категория",
        "Педагогический стаж",
        "Специальность по диплому",
    ];
    for (c, h) in header.iter().enumerate() {
        sheet.write_string(2, c as u16, *h).unwrap();
    }
    for (r, row) in rows.iter().enumerate() {
        for (c, v) in row.iter().enumerate() {
            sheet.write_string(3 + r as u32, c as u16, *v).unwrap();
        }
    }
    book.save(path).unwrap();
}

const STAFF: [[&str; 9]; 4] = [
    [
        "1",
        "S001",
        "ТН-1",
        "Иванова Мария Петровна",
        "учитель",
        "Математика; Информатика",
        "высшая",
        "21 год",
        "Математика",
    ],
    [
        "2",
        "S001",
        "ТН-2",
        "Петров Сергей Иванович",
        "учитель",
        "Химия",
        "первая",
        "8",
        "Биология",
    ],
    [
        "3",
        "S001",
        "ТН-3",
        "Семёнова Анна Олеговна",
        "директор",
        "",
        "",
        "30",
        "Русский язык и литература",
    ],
    [
        "4",
        "S002",
        "",
        "Кузнецова Ольга Викторовна",
        "учитель",
        "Начальные классы",
        "соответствие занимаемой должности",
        "2",
        "Педагогика и методика начального образования",
    ],
];

fn staff_file(dir: &Path) -> PathBuf {
    let path = dir.join("Педагоги.xlsx");
    hr_workbook(&path, &STAFF);
    path
}

const COURSES_CSV: &str = "Код ОО;Табельный номер;ФИО;Наименование программы;Количество часов;Организация;Дата окончания;Номер удостоверения;Вид обучения\n\
S001;ТН-1;Иванова Мария Петровна;Формирование функциональной грамотности на уроках математики;72;ГАУ ДПО «Институт развития образования»;15.03.2025;772401234567;повышение квалификации\n\
S001;ТН-2;Петров Сергей Иванович;Подготовка к ОГЭ по химии;36;ЦНППМ «Педагог XXI века»;20.10.2024;772401234568;КПК\n\
S002;;Кузнецова Ольга Викторовна;Обновлённые ФГОС НОО;36;ГАУ ДПО «Институт развития образования»;01.02.2022;772401234569;ПК\n";

async fn import_as(
    db: &Db,
    kind: ImportKind,
    path: &Path,
    scope: Option<Scope>,
) -> Result<opora_store::import::ImportReport, StoreError> {
    let opts = ImportOptions {
        actor: "test".into(),
        scope,
        ..Default::default()
    };
    db.import_file(kind, path, &opts, &|_| {}).await
}

async fn with_staff(db: &Db) -> PathBuf {
    let dir = with_registry(db).await;
    import(db, ImportKind::Teachers, &staff_file(&dir))
        .await
        .expect("teachers import");
    write_cp1251(&dir.join("courses.csv"), COURSES_CSV);
    import(db, ImportKind::Courses, &dir.join("courses.csv"))
        .await
        .expect("courses import");
    dir
}

async fn all_teachers(db: &Db) -> Vec<opora_store::staff::teachers::Teacher> {
    db.teachers(&Scope::Region, &TeacherFilter::default(), "test")
        .await
        .unwrap()
}

fn on(y: i32, m: u32, d: u32) -> Date {
    Date::new(y, m, d).unwrap()
}

#[tokio::test]
async fn an_hr_file_with_a_title_row_is_imported_and_a_second_import_changes_nothing() {
    for_each_db!(|t| {
        let db = &t.db;
        let dir = with_registry(db).await;
        let report = import(db, ImportKind::Teachers, &staff_file(&dir))
            .await
            .unwrap();
        assert_eq!((report.rows, report.written), (4, 4));
        assert_eq!(report.ignored_columns, vec!["№ п/п".to_string()]);
        let teachers = all_teachers(db).await;
        let ivanova = teachers
            .iter()
            .find(|t| t.fields.full_name == "Иванова Мария Петровна")
            .unwrap();
        assert_eq!(ivanova.school_code, "S001");
        assert_eq!(ivanova.fields.personnel_no.as_deref(), Some("ТН-1"));
        assert_eq!(ivanova.fields.subjects, vec!["Математика", "Информатика"]);
        assert_eq!(ivanova.fields.category, opora_staff::Category::Highest);
        assert_eq!(ivanova.fields.experience_years, Some(21));
        let director = teachers
            .iter()
            .find(|t| t.fields.position == "директор")
            .unwrap();
        assert_eq!(director.fields.category, opora_staff::Category::None);

        let before = dump_staff(db).await;
        let again = import(db, ImportKind::Teachers, &staff_file(&dir))
            .await
            .unwrap();
        assert_eq!(again.written, 0, "{:?}", again.notes);
        assert_eq!(
            again.notes,
            vec!["педагогов добавлено: 0, изменено: 0, без изменений: 4".to_string()]
        );
        assert_eq!(dump_staff(db).await, before);
    });
}

/// Every staff row as text (without the update stamps), to compare states.
async fn dump_staff(db: &Db) -> Vec<String> {
    let q = "SELECT t.id || '|' || t.school_id || '|' || COALESCE(t.personnel_no, '') || '|' || t.full_name || '|' || t.subjects || '|' || t.category \
             || '|' || COALESCE(CAST(t.experience_years AS TEXT), '') || '|' || t.updated_at FROM teachers t \
             UNION ALL SELECT c.id || '|' || c.teacher_id || '|' || c.title || '|' || c.end_date || '|' || c.created_at FROM courses c";
    let mut rows: Vec<String> = match db {
        Db::Sqlite(p) => sqlx::query_scalar(q).fetch_all(p).await.unwrap(),
        Db::Postgres(p) => sqlx::query_scalar(q).fetch_all(p).await.unwrap(),
    };
    rows.sort();
    rows
}

#[tokio::test]
async fn every_bad_row_is_reported_with_its_place_and_nothing_is_written() {
    for_each_db!(|t| {
        let db = &t.db;
        let dir = with_registry(db).await;
        let path = dir.join("bad.xlsx");
        hr_workbook(
            &path,
            &[
                [
                    "1",
                    "S001",
                    "ТН-1",
                    "Иванова Мария Петровна",
                    "учитель",
                    "Математика",
                    "высшая",
                    "21",
                    "",
                ],
                [
                    "2",
                    "S999",
                    "ТН-2",
                    "Петров Сергей Иванович",
                    "учитель",
                    "Химия",
                    "первая",
                    "8",
                    "",
                ],
                ["3", "S001", "ТН-3", "Семёнова", "учитель", "", "", "30", ""],
                [
                    "4",
                    "S001",
                    "ТН-4",
                    "Орлова Нина Павловна",
                    "учитель",
                    "",
                    "вторая",
                    "много",
                    "",
                ],
                [
                    "5",
                    "S001",
                    "ТН-1",
                    "Сидорова Вера Ивановна",
                    "учитель",
                    "",
                    "",
                    "3",
                    "",
                ],
            ],
        );
        let err = import(db, ImportKind::Teachers, &path).await.unwrap_err();
        let StoreError::Rejected { count, errors, .. } = err else {
            panic!("{err:?}")
        };
        assert_eq!(count, 5, "{errors:#?}");
        let place = |row: u64, column: &str| {
            errors
                .iter()
                .find(|e| e.row == row && e.column.as_deref() == Some(column))
                .unwrap_or_else(|| panic!("no error at row {row}, column {column}: {errors:#?}"))
        };
        assert!(place(5, "Код ОО").message.contains("нет в реестре"));
        assert_eq!(place(5, "Код ОО").value.as_deref(), Some("S999"));
        assert!(place(6, "Ф.И.О.").message.contains("фамилия, имя"));
        assert!(place(7, "Квалификационная категория")
            .message
            .contains("высшая"));
        assert!(place(7, "Педагогический стаж").message.contains("стаж"));
        assert!(place(8, "Табельный номер").message.contains("строке 4"));
        assert!(all_teachers(db).await.is_empty());
    });
}

#[tokio::test]
async fn a_school_uploading_its_staff_cannot_write_another_school() {
    for_each_db!(|t| {
        let db = &t.db;
        let dir = with_registry(db).await;
        let s1 = db.school_by_code("S001").await.unwrap().unwrap().id;
        let err = import_as(
            db,
            ImportKind::Teachers,
            &staff_file(&dir),
            Some(Scope::School(s1)),
        )
        .await
        .unwrap_err();
        let StoreError::Rejected { count, errors, .. } = err else {
            panic!("{err:?}")
        };
        assert_eq!(count, 1, "{errors:#?}");
        assert_eq!(errors[0].value.as_deref(), Some("S002"));
        assert!(
            errors[0].message.contains("вашей области доступа"),
            "{}",
            errors[0].message
        );
        assert!(all_teachers(db).await.is_empty());
    });
}

#[tokio::test]
async fn a_person_found_by_name_takes_the_personnel_number_of_a_later_file() {
    for_each_db!(|t| {
        let db = &t.db;
        let dir = with_staff(db).await;
        let first = all_teachers(db).await;
        let kuznetsova = first
            .iter()
            .find(|t| t.fields.full_name.starts_with("Кузнецова"))
            .unwrap();
        assert_eq!(kuznetsova.fields.personnel_no, None);
        let path = dir.join("numbered.xlsx");
        // The same person, now with a number and «ё» written as «е» in another case.
        hr_workbook(
            &path,
            &[[
                "1",
                "S002",
                "Л-7",
                "КУЗНЕЦОВА ОЛЬГА ВИКТОРОВНА",
                "учитель",
                "Начальные классы",
                "первая",
                "3",
                "Педагогика и методика начального образования",
            ]],
        );
        let report = import(db, ImportKind::Teachers, &path).await.unwrap();
        assert_eq!(
            report.notes,
            vec!["педагогов добавлено: 0, изменено: 1, без изменений: 0".to_string()]
        );
        let after = all_teachers(db).await;
        assert_eq!(after.len(), first.len());
        let same = after.iter().find(|t| t.id == kuznetsova.id).unwrap();
        assert_eq!(same.fields.personnel_no.as_deref(), Some("Л-7"));
        assert_eq!(same.fields.category, opora_staff::Category::First);
        assert_eq!(
            same.last_course_end,
            Some(on(2022, 2, 1)),
            "the course stays with the person"
        );
    });
}

#[tokio::test]
async fn courses_need_their_teacher_and_drive_the_three_year_clock() {
    for_each_db!(|t| {
        let db = &t.db;
        let dir = with_staff(db).await;
        let teachers = all_teachers(db).await;
        let by = |surname: &str| {
            teachers
                .iter()
                .find(|t| t.fields.full_name.starts_with(surname))
                .unwrap()
        };
        let day = on(2026, 12, 1);
        assert_eq!(by("Иванова").clock(day).light, Light::Green);
        assert_eq!(by("Иванова").clock(day).months_since, Some(20));
        assert_eq!(by("Петров").clock(day).light, Light::Amber);
        assert_eq!(by("Кузнецова").clock(day).light, Light::Red);
        assert_eq!(
            by("Семёнова").clock(day).light,
            Light::Red,
            "no course at all"
        );
        assert_eq!(by("Петров").uncovered_subjects(), vec!["Химия".to_string()]);
        assert!(by("Кузнецова").uncovered_subjects().is_empty());

        let due = db
            .teachers_due(&Scope::Region, &TeacherFilter::default(), day, "test")
            .await
            .unwrap();
        let names: Vec<&str> = due
            .iter()
            .map(|(t, _)| t.fields.full_name.as_str())
            .collect();
        assert_eq!(
            names,
            vec!["Семёнова Анна Олеговна", "Кузнецова Ольга Викторовна"]
        );

        // A course of someone the school does not have: refused, naming the row.
        let bad = dir.join("bad_courses.csv");
        std::fs::write(&bad, "Код ОО;ФИО;Наименование программы;Дата окончания\nS001;Сидорова Вера Ивановна;Курс;01.02.2026\nS001;Иванова Мария Петровна;Курс;31.02.2026\n").unwrap();
        let err = import(db, ImportKind::Courses, &bad).await.unwrap_err();
        let StoreError::Rejected { count, errors, .. } = err else {
            panic!("{err:?}")
        };
        assert_eq!(count, 2, "{errors:#?}");
        assert!(
            errors[0]
                .message
                .contains("сначала загрузите список педагогов"),
            "{}",
            errors[0].message
        );
        assert_eq!(
            (errors[1].row, errors[1].column.as_deref()),
            (3, Some("Дата окончания"))
        );

        // Re-importing the courses changes nothing.
        let before = dump_staff(db).await;
        let again = import(db, ImportKind::Courses, &dir.join("courses.csv"))
            .await
            .unwrap();
        assert_eq!(again.written, 0);
        assert_eq!(dump_staff(db).await, before);
    });
}

#[tokio::test]
async fn a_move_keeps_the_courses_and_stays_within_the_scope() {
    for_each_db!(|t| {
        let db = &t.db;
        with_staff(db).await;
        let s1 = db.school_by_code("S001").await.unwrap().unwrap();
        let s2 = db.school_by_code("S002").await.unwrap().unwrap();
        let s3 = db.school_by_code("S003").await.unwrap().unwrap();
        let ivanova = all_teachers(db)
            .await
            .into_iter()
            .find(|t| t.fields.full_name.starts_with("Иванова"))
            .unwrap();
        let municipal = Scope::Municipality(s1.municipality_id);
        // Another municipality's school is not there for this scope.
        let err = db
            .move_teacher(&municipal, ivanova.id, s3.id, on(2026, 9, 1), "mo")
            .await
            .unwrap_err();
        assert!(matches!(err, StoreError::NotFound(_)), "{err:?}");
        db.move_teacher(&municipal, ivanova.id, s2.id, on(2026, 9, 1), "mo")
            .await
            .unwrap();
        let card = db
            .teacher_card(&municipal, ivanova.id, "mo")
            .await
            .unwrap()
            .unwrap();
        assert_eq!(card.teacher.school_id, s2.id);
        assert_eq!(
            card.teacher.fields.personnel_no, None,
            "the old school's number is cleared"
        );
        assert_eq!(card.courses.len(), 1);
        assert_eq!(card.moves.len(), 1);
        assert_eq!(card.moves[0].from_school, s1.short_name);
        // The old school no longer sees her.
        assert!(db
            .teacher_card(&Scope::School(s1.id), ivanova.id, "school")
            .await
            .unwrap()
            .is_none());
    });
}

#[tokio::test]
async fn reads_and_changes_of_staff_are_in_the_audit_log() {
    for_each_db!(|t| {
        let db = &t.db;
        with_staff(db).await;
        let s1 = db.school_by_code("S001").await.unwrap().unwrap();
        let scope = Scope::School(s1.id);
        let list = db
            .teachers(&scope, &TeacherFilter::default(), "reader")
            .await
            .unwrap();
        assert_eq!(list.len(), 3);
        let id = list[0].id;
        db.teacher_card(&scope, id, "reader")
            .await
            .unwrap()
            .unwrap();
        let mut fields = list[0].fields.clone();
        fields.experience_years = Some(22);
        db.update_teacher(&scope, id, &fields, "editor")
            .await
            .unwrap();
        let entries = db.audit_entries(10).await.unwrap();
        let actions: Vec<(&str, &str)> = entries
            .iter()
            .map(|e| (e.actor.as_str(), e.action.as_str()))
            .collect();
        assert!(
            actions.contains(&("reader", "просмотр: список педагогов")),
            "{actions:?}"
        );
        assert!(
            actions.contains(&("reader", "просмотр: карточка педагога")),
            "{actions:?}"
        );
        assert!(
            actions.contains(&("editor", "педагог изменён")),
            "{actions:?}"
        );
        // Another school's teacher: not found, and a duplicate personnel number refused.
        let other = Scope::School(db.school_by_code("S002").await.unwrap().unwrap().id);
        assert!(db
            .teacher_card(&other, id, "reader")
            .await
            .unwrap()
            .is_none());
        let taken = list
            .iter()
            .find(|t| t.id != id && t.fields.personnel_no.is_some())
            .unwrap();
        fields.personnel_no = taken.fields.personnel_no.clone();
        let err = db
            .update_teacher(&scope, id, &fields, "editor")
            .await
            .unwrap_err();
        assert!(matches!(err, StoreError::Conflict(_)), "{err:?}");
    });
}

const DIAGNOSTICS_CSV: &str = "Диагностика;Дата проведения;Код ОО;Табельный номер;ФИО;Предмет;Компетенция;Результат, %;Выявленные дефициты\n\
Весна;20.03.2026;S001;ТН-1;Иванова Мария Петровна;Математика;Предметная;35;\"Задачи с параметром; Вероятность\"\n\
Весна;20.03.2026;S001;ТН-1;Иванова Мария Петровна;Математика;Методическая;72;\n\
Весна;20.03.2026;S001;ТН-2;Петров Сергей Иванович;Химия;Предметная;44;Органическая химия\n\
Осень;15.10.2026;S001;ТН-1;Иванова Мария Петровна;Математика;Предметная;64;\n\
Осень;15.10.2026;S001;ТН-1;Иванова Мария Петровна;Математика;Методическая;41;Формирующее оценивание\n\
Осень;15.10.2026;S001;ТН-2;Петров Сергей Иванович;Химия;Предметная;47;Органическая химия\n";

#[tokio::test]
async fn diagnostics_give_each_teacher_a_profile_and_the_scope_a_heat_map() {
    for_each_db!(|t| {
        let db = &t.db;
        let dir = with_staff(db).await;
        let path = dir.join("diagnostics.csv");
        std::fs::write(&path, DIAGNOSTICS_CSV).unwrap();
        let report = import(db, ImportKind::Diagnostics, &path).await.unwrap();
        assert_eq!(report.written, 6);
        let again = import(db, ImportKind::Diagnostics, &path).await.unwrap();
        assert_eq!(
            again.notes,
            vec!["результатов добавлено: 0, изменено: 0, без изменений: 6".to_string()]
        );

        let rounds = db.diagnostic_rounds().await.unwrap();
        assert_eq!(
            rounds.iter().map(|r| r.title.as_str()).collect::<Vec<_>>(),
            ["Весна", "Осень"]
        );
        let ivanova = all_teachers(db)
            .await
            .into_iter()
            .find(|t| t.fields.full_name.starts_with("Иванова"))
            .unwrap();
        let profile = db.teacher_diagnostics(ivanova.id).await.unwrap();
        assert_eq!(profile.len(), 2);
        assert_eq!(
            profile[0].1[0].weak_topics,
            vec!["Задачи с параметром", "Вероятность"]
        );
        let changes = opora_staff::diagnostics::compare(&profile[0].1, &profile[1].1);
        use opora_staff::diagnostics::{Change, Competence};
        assert_eq!(
            changes,
            vec![
                (
                    "Математика".to_string(),
                    Competence::Subject,
                    Change::Closed
                ),
                (
                    "Математика".to_string(),
                    Competence::Methodical,
                    Change::New
                ),
            ]
        );

        let s1 = db.school_by_code("S001").await.unwrap().unwrap();
        let (map, schools) = db
            .diagnostics_heat_map(&Scope::Municipality(s1.municipality_id), rounds[1].id, None)
            .await
            .unwrap();
        let cell = |subject: &str, k: Competence| {
            map.iter()
                .find(|c| c.subject == subject && c.competence == k)
                .unwrap()
        };
        assert_eq!(
            (
                cell("Математика", Competence::Methodical).diagnosed,
                cell("Математика", Competence::Methodical).with_deficit
            ),
            (1, 1)
        );
        assert_eq!(cell("Химия", Competence::Subject).with_deficit, 1);
        assert_eq!(
            (schools.len(), schools[0].diagnosed, schools[0].with_deficit),
            (1, 2, 2)
        );
        // Another municipality's scope sees none of it.
        let s3 = db.school_by_code("S003").await.unwrap().unwrap();
        let (other, _) = db
            .diagnostics_heat_map(&Scope::Municipality(s3.municipality_id), rounds[1].id, None)
            .await
            .unwrap();
        assert!(other.is_empty());

        // A round keeps its date; a stranger is refused; nothing is written.
        let bad = dir.join("bad_diagnostics.csv");
        std::fs::write(
            &bad,
            "Диагностика;Дата проведения;Код ОО;ФИО;Предмет;Компетенция;Результат, %\n\
Весна;21.03.2026;S001;Иванова Мария Петровна;Математика;Предметная;50\n\
Зима;01.02.2027;S001;Сидорова Вера Ивановна;Математика;Предметная;50\n\
Зима;01.02.2027;S001;Иванова Мария Петровна;Математика;Цифровая;50\n",
        )
        .unwrap();
        let err = import(db, ImportKind::Diagnostics, &bad).await.unwrap_err();
        let StoreError::Rejected { count, errors, .. } = err else {
            panic!("{err:?}")
        };
        assert_eq!(count, 3, "{errors:#?}");
        assert!(
            errors[0].message.contains("20.03.2026"),
            "{}",
            errors[0].message
        );
        assert!(errors[2].message.contains("предметная"));
        assert_eq!(db.diagnostic_rounds().await.unwrap().len(), 2);
    });
}

#[tokio::test]
async fn a_mentor_is_suggested_appointed_met_and_the_pair_closed_within_the_scope() {
    use opora_staff::mentoring::{MentoringForm, PairStatus};
    use opora_store::staff::mentoring::PairFields;
    for_each_db!(|t| {
        let db = &t.db;
        let dir = with_staff(db).await;
        // A strong mathematician in the lyceum (S002, same municipality) and one in another municipality.
        let path = dir.join("mentors.xlsx");
        hr_workbook(
            &path,
            &[
                [
                    "1",
                    "S002",
                    "Л-1",
                    "Соколова Татьяна Ивановна",
                    "учитель",
                    "Математика",
                    "высшая",
                    "25",
                    "Математика",
                ],
                [
                    "2",
                    "S003",
                    "И-1",
                    "Орлов Пётр Андреевич",
                    "учитель",
                    "Математика",
                    "высшая",
                    "30",
                    "Математика",
                ],
                [
                    "3",
                    "S002",
                    "Л-2",
                    "Зайцева Нина Олеговна",
                    "учитель",
                    "Математика",
                    "соответствие занимаемой должности",
                    "3",
                    "Математика",
                ],
            ],
        );
        import(db, ImportKind::Teachers, &path).await.unwrap();
        let teachers = all_teachers(db).await;
        let by = |surname: &str| {
            teachers
                .iter()
                .find(|t| t.fields.full_name.starts_with(surname))
                .unwrap()
                .clone()
        };
        let (ivanova, sokolova, orlov) = (by("Иванова"), by("Соколова"), by("Орлов"));
        let municipal = Scope::Municipality(ivanova.municipality_id);

        let suggested = db
            .mentor_suggestions(&municipal, &ivanova, 5, "mo")
            .await
            .unwrap();
        let names: Vec<&str> = suggested
            .iter()
            .map(|(t, _)| t.fields.full_name.as_str())
            .collect();
        assert_eq!(
            names,
            vec!["Соколова Татьяна Ивановна"],
            "same subject, a category, experience; the scope only"
        );

        let fields = PairFields {
            form: MentoringForm::TeacherTeacher,
            goals: "Подготовка к ОГЭ".into(),
            starts_on: on(2026, 9, 1),
            ends_on: Some(on(2027, 5, 31)),
            order_ref: "Приказ № 45 от 01.09.2026".into(),
        };
        // A mentor outside the scope is not there.
        let err = db
            .create_mentoring_pair(&municipal, ivanova.id, orlov.id, &fields, "mo")
            .await
            .unwrap_err();
        assert!(matches!(err, StoreError::NotFound(_)), "{err:?}");
        let pair_id = db
            .create_mentoring_pair(&municipal, ivanova.id, sokolova.id, &fields, "mo")
            .await
            .unwrap();
        let again = db
            .create_mentoring_pair(&municipal, ivanova.id, sokolova.id, &fields, "mo")
            .await
            .unwrap_err();
        assert!(matches!(again, StoreError::Conflict(_)), "{again:?}");

        let pair = db
            .mentoring_pair(&municipal, pair_id)
            .await
            .unwrap()
            .unwrap();
        db.add_mentoring_meeting(
            &pair,
            on(2026, 10, 1),
            "План на год",
            "Договорились о трёх открытых уроках",
            "teacher",
        )
        .await
        .unwrap();
        // Both schools see the pair; another municipality does not.
        let s2 = Scope::School(sokolova.school_id);
        let seen = db.mentoring_pairs(&s2, None, "school2").await.unwrap();
        assert_eq!((seen.len(), seen[0].meetings), (1, 1));
        assert!(db
            .mentoring_pair(&Scope::School(orlov.school_id), pair_id)
            .await
            .unwrap()
            .is_none());

        db.close_mentoring_pair(&pair, on(2027, 5, 31), "mo")
            .await
            .unwrap();
        let closed = db
            .mentoring_pair(&municipal, pair_id)
            .await
            .unwrap()
            .unwrap();
        assert_eq!(closed.status, PairStatus::Closed);
        assert!(matches!(
            db.close_mentoring_pair(&pair, on(2027, 5, 31), "mo")
                .await
                .unwrap_err(),
            StoreError::Conflict(_)
        ));
        assert!(matches!(
            db.add_mentoring_meeting(&closed, on(2027, 6, 1), "Ещё", "", "mo")
                .await
                .unwrap_err(),
            StoreError::Invalid(_)
        ));
        let actions: Vec<String> = db
            .audit_entries(20)
            .await
            .unwrap()
            .into_iter()
            .map(|e| e.action)
            .collect();
        for a in [
            "наставник назначен",
            "встреча наставника",
            "наставническая пара завершена",
            "просмотр: подбор наставника",
        ] {
            assert!(actions.iter().any(|x| x == a), "{a}: {actions:?}");
        }
    });
}

/// A catalogue of three programmes: one for the spring deficit of
/// mathematics (naming its weak topic), one for any subject's methodical
/// deficits, and one withdrawn.
async fn with_catalogue(db: &Db) -> (i64, i64) {
    use opora_staff::diagnostics::Competence;
    use opora_staff::model::{CourseKind, ProviderKind};
    use opora_store::staff::development::ProgrammeFields;
    let programme =
        |title: &str, subject: &str, competence: Competence, topics: &[&str]| ProgrammeFields {
            title: title.into(),
            provider: "ГАУ ДПО «Институт развития образования»".into(),
            provider_kind: ProviderKind::Iro,
            kind: CourseKind::Upgrade,
            hours: Some(36),
            subject: subject.into(),
            competences: vec![competence],
            topics: topics.iter().map(|t| t.to_string()).collect(),
        };
    let general = db
        .add_programme(
            &programme("Общая математика", "Математика", Competence::Subject, &[]),
            "test",
        )
        .await
        .unwrap();
    let parameters = db
        .add_programme(
            &programme(
                "Задачи с параметром на ЕГЭ",
                "Математика",
                Competence::Subject,
                &["задачи с параметром"],
            ),
            "test",
        )
        .await
        .unwrap();
    let withdrawn = db
        .add_programme(
            &programme(
                "Снятая программа",
                "Математика",
                Competence::Subject,
                &["задачи с параметром", "вероятность"],
            ),
            "test",
        )
        .await
        .unwrap();
    db.set_programme_active(withdrawn, false, "test")
        .await
        .unwrap();
    let again = db
        .add_programme(
            &programme("Общая математика", "Математика", Competence::Subject, &[]),
            "test",
        )
        .await;
    assert!(matches!(again, Err(StoreError::Conflict(_))), "{again:?}");
    (general, parameters)
}

#[tokio::test]
async fn a_plan_drafted_from_the_deficits_writes_its_course_and_the_next_round_shows_the_deficit_closed(
) {
    use opora_staff::development::{outcome, Outcome, StepKind, StepStatus};
    use opora_store::staff::development::{rediagnosis, Completion};
    for_each_db!(|t| {
        let db = &t.db;
        let dir = with_staff(db).await;
        let path = dir.join("diagnostics.csv");
        std::fs::write(&path, DIAGNOSTICS_CSV).unwrap();
        import(db, ImportKind::Diagnostics, &path).await.unwrap();
        let (_, parameters) = with_catalogue(db).await;
        let rounds = db.diagnostic_rounds().await.unwrap();
        let teachers = all_teachers(db).await;
        let ivanova = teachers
            .iter()
            .find(|t| t.fields.full_name.starts_with("Иванова"))
            .unwrap();
        let petrov = teachers
            .iter()
            .find(|t| t.fields.full_name.starts_with("Петров"))
            .unwrap();
        let municipal = Scope::Municipality(ivanova.municipality_id);

        // Drafted from the spring round: the programme naming the weak
        // topic (not the withdrawn one), and the topics for the ШМО.
        let id = db
            .draft_development_plan(
                &municipal,
                ivanova.id,
                Some(rounds[0].id),
                on(2026, 3, 23),
                "завуч",
            )
            .await
            .unwrap();
        let (plan, teacher) = db.development_plan(&municipal, id).await.unwrap().unwrap();
        assert_eq!(
            (plan.starts_on, plan.ends_on),
            (on(2026, 3, 23), on(2026, 9, 23))
        );
        let kinds: Vec<StepKind> = plan.steps.iter().map(|s| s.fields.kind).collect();
        assert_eq!(kinds, [StepKind::Association, StepKind::Course]);
        let course = &plan.steps[1];
        assert_eq!(course.fields.programme_id, Some(parameters));
        assert_eq!(course.fields.due_on, on(2026, 6, 23));
        assert!(plan.steps[0].fields.title.contains("Вероятность"));

        // One active plan per teacher.
        let twice = db
            .draft_development_plan(&municipal, ivanova.id, None, on(2026, 4, 1), "завуч")
            .await;
        assert!(matches!(twice, Err(StoreError::Conflict(_))), "{twice:?}");
        // Outside the scope the teacher and the plan do not exist.
        let s3 = db.school_by_code("S003").await.unwrap().unwrap();
        let elsewhere = Scope::Municipality(s3.municipality_id);
        assert!(db.development_plan(&elsewhere, id).await.unwrap().is_none());
        let foreign = db
            .draft_development_plan(&elsewhere, petrov.id, None, on(2026, 4, 1), "чужой")
            .await;
        assert!(
            matches!(foreign, Err(StoreError::NotFound(_))),
            "{foreign:?}"
        );

        // The course step done: the course is in the record, once, and the clock counts from it.
        let done = Completion {
            done_on: on(2026, 6, 10),
            evidence: "удостоверение".into(),
            certificate_no: "772400000001".into(),
        };
        db.set_development_step(
            &plan,
            &teacher,
            course.id,
            StepStatus::Done,
            Some(&done),
            "Иванова",
        )
        .await
        .unwrap();
        let (plan, teacher) = db.development_plan(&municipal, id).await.unwrap().unwrap();
        db.set_development_step(
            &plan,
            &teacher,
            course.id,
            StepStatus::Done,
            Some(&done),
            "Иванова",
        )
        .await
        .unwrap();
        let card = db
            .teacher_card(&municipal, ivanova.id, "test")
            .await
            .unwrap()
            .unwrap();
        let written: Vec<_> = card
            .courses
            .iter()
            .filter(|c| c.fields.title == "Задачи с параметром на ЕГЭ")
            .collect();
        assert_eq!(written.len(), 1);
        assert_eq!(
            (
                written[0].fields.end,
                written[0].fields.certificate_no.as_str(),
                written[0].fields.hours
            ),
            (on(2026, 6, 10), "772400000001", Some(36))
        );
        assert_eq!(card.teacher.last_course_end, Some(on(2026, 6, 10)));

        // The autumn round says the deficit the step aimed at has closed.
        let (plan, teacher) = db.development_plan(&municipal, id).await.unwrap().unwrap();
        let results = db.teacher_diagnostics(ivanova.id).await.unwrap();
        let (later_round, later) = rediagnosis(&plan, &results).unwrap();
        assert_eq!(later_round.title, "Осень");
        let step = plan.steps.iter().find(|s| s.id == course.id).unwrap();
        assert_eq!(step.status, StepStatus::Done);
        assert_eq!(
            outcome(
                &step.fields.subject,
                step.fields.competence.unwrap(),
                Some(later)
            ),
            Outcome::Closed
        );

        // Closed once; a closed plan takes no steps.
        db.close_development_plan(
            &plan,
            &teacher,
            on(2026, 10, 20),
            "Дефицит преодолён",
            "завуч",
        )
        .await
        .unwrap();
        let closed_twice = db
            .close_development_plan(&plan, &teacher, on(2026, 10, 21), "", "завуч")
            .await;
        assert!(
            matches!(closed_twice, Err(StoreError::Conflict(_))),
            "{closed_twice:?}"
        );
        let (closed, teacher) = db.development_plan(&municipal, id).await.unwrap().unwrap();
        let step = opora_store::staff::development::StepFields {
            kind: StepKind::OpenLesson,
            title: "Открытый урок".into(),
            subject: String::new(),
            competence: None,
            programme_id: None,
            due_on: on(2026, 11, 1),
        };
        let late = db
            .add_development_step(&closed, &teacher, &step, "завуч")
            .await;
        assert!(matches!(late, Err(StoreError::Invalid(_))), "{late:?}");

        // A deficit the catalogue has no programme for: self-education on its topics.
        let id = db
            .draft_development_plan(&municipal, petrov.id, None, on(2026, 10, 20), "завуч")
            .await
            .unwrap();
        let (plan, _) = db.development_plan(&municipal, id).await.unwrap().unwrap();
        assert_eq!(plan.round.as_ref().map(|r| r.title.as_str()), Some("Осень"));
        assert_eq!(plan.steps[1].fields.kind, StepKind::SelfEducation);
        assert!(plan.steps[1].fields.title.contains("Органическая химия"));

        let all = db
            .development_plans_in(&municipal, None, "test")
            .await
            .unwrap();
        assert_eq!(all.len(), 2);
        assert!(db
            .development_plans_in(&elsewhere, None, "test")
            .await
            .unwrap()
            .is_empty());
        let audit = db.audit_entries(200).await.unwrap();
        for action in [
            "план развития составлен",
            "шаг плана развития изменён",
            "курс добавлен",
            "план развития завершён",
        ] {
            assert!(
                audit.iter().any(|e| e.action == action),
                "no «{action}» in the audit log"
            );
        }
    });
}
