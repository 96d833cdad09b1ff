//! `opora import teachers|courses` and `opora staff due`, on SQLite and
//! PostgreSQL: an HR file with a title row and Russian headers, courses for
//! its people, the overdue list as JSON in the shape the issue fixes; a
//! second import changes nothing; a bad date is refused in Russian.

mod common;

use common::*;

const SCHOOLS: &str =
    "Код ОО,Муниципалитет,Полное наименование\nS1,Город,Школа № 1\nS2,Город,Школа № 2\n";

const TEACHERS: &str = "Список педагогических работников на 01.09.2026\n\
Код ОО;Таб. №;Ф.И.О.;Должность;Предметы;Категория;Стаж\n\
S1;1;Иванова Мария Петровна;учитель;Математика;высшая;21 год\n\
S1;2;Петров Сергей Иванович;учитель;Химия;первая;8\n\
S2;1;Кузнецова Ольга Викторовна;учитель;Начальные классы;;2\n";

const COURSES: &str = "Код ОО;Таб. №;ФИО;Программа;Часов;Дата окончания\n\
S1;1;Иванова Мария Петровна;Функциональная грамотность;72;15.03.2025\n\
S1;2;Петров Сергей Иванович;ОГЭ по химии;36;20.10.2022\n";

#[test]
fn teachers_and_courses_are_imported_and_the_overdue_are_listed_as_json() {
    for b in backends() {
        let dir = tempfile::tempdir().unwrap();
        let file = |name: &str, text: &str| {
            let p = dir.path().join(name);
            std::fs::write(&p, text).unwrap();
            p.to_string_lossy().into_owned()
        };
        let (schools, teachers, courses) = (
            file("schools.csv", SCHOOLS),
            file("teachers.csv", TEACHERS),
            file("courses.csv", COURSES),
        );
        for (kind, path) in [
            ("schools", &schools),
            ("teachers", &teachers),
            ("courses", &courses),
        ] {
            let o = opora(&b, &["import", kind, path]);
            assert!(o.status.success(), "{kind}: {}", text(&o));
        }
        let again = opora(&b, &["import", "teachers", &teachers]);
        assert!(
            text(&again).contains("педагогов добавлено: 0, изменено: 0, без изменений: 3"),
            "{}",
            text(&again)
        );

        let o = opora(
            &b,
            &["staff", "due", "--on", "01.12.2026", "--format", "json"],
        );
        assert!(o.status.success(), "{}", text(&o));
        let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
        assert_eq!(
            v,
            serde_json::json!({ "teachers": [
                { "school_id": "S1", "name": "Петров Сергей Иванович", "last_course_end": "2022-10-20", "months_since": 49 },
                { "school_id": "S2", "name": "Кузнецова Ольга Викторовна", "last_course_end": null, "months_since": null }
            ]})
        );
        let o = opora(&b, &["staff", "due", "--on", "01.12.2026"]);
        assert!(
            text(&o).contains("больше трёх лет на 01.12.2026: 2"),
            "{}",
            text(&o)
        );
        let bad = opora(&b, &["staff", "due", "--on", "31.02.2026"]);
        assert!(!bad.status.success());
        assert!(text(&bad).contains("не распознана"), "{}", text(&bad));
    }
}
