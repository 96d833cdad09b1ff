//! The column-mapping screen of an upload, through HTTP on SQLite and
//! PostgreSQL: a file (CSV or XLSX) with one required column under a header
//! the importer does not know shows every other field as recognised (field
//! ← column, with a sample value) and asks only for that one, offering the
//! file's unused columns; once the user picks the column, the check passes
//! and the file loads.

mod common;

use common::*;

/// The part of `html` from the element with `id` to the end of its tag
/// `tag` (first closing tag: no nesting of the same tag inside).
fn element<'a>(html: &'a str, id: &str, tag: &str) -> &'a str {
    let start = html
        .find(&format!("id=\"{id}\""))
        .unwrap_or_else(|| panic!("no #{id} in {html}"));
    let rest = &html[start..];
    let end = rest
        .find(&format!("</{tag}>"))
        .unwrap_or_else(|| panic!("#{id} does not end"));
    &rest[..end]
}

struct Case {
    file_name: &'static str,
    bytes: Vec<u8>,
    /// The field whose header is unknown, its Russian title and the header.
    field: &'static str,
    title: &'static str,
    header: &'static str,
    /// A field recognised by its header: (field, header, sample value).
    recognised: (&'static str, &'static str, String),
}

fn cases(code: &str) -> Vec<Case> {
    // CSV: the score under «Баллы за работу» (no alias of the score).
    let csv = format!(
        "Год;Код ОО;Процедура;Предмет;Класс;Код участника;Баллы за работу\n\
         2026;{code};ВПР;Математика;5;M1;12\n2026;{code};ВПР;Математика;5;M2;10\n"
    );
    // XLSX: the school's code under «Школа (код)».
    let rows = format!(
        "Год,Школа (код),Процедура,Предмет,Класс,Код участника,Первичный балл\n\
         2026,{code},ВПР,Математика,6,X1,7\n2026,{code},ВПР,Математика,6,X2,9\n"
    );
    let sheet =
        opora_io::xlsx_out::sheet_from_csv("Результаты", &rows, &|h| h.to_string());
    let xlsx = opora_io::xlsx_out::workbook(&[sheet]).unwrap();
    vec![
        Case {
            file_name: "результаты-переименован-балл.csv",
            bytes: csv.into_bytes(),
            field: "score",
            title: "Балл",
            header: "Баллы за работу",
            recognised: ("school_id", "Код ОО", code.to_string()),
        },
        Case {
            file_name: "результаты-переименован-код.xlsx",
            bytes: xlsx,
            field: "school_id",
            title: "Код ОО",
            header: "Школа (код)",
            recognised: ("score", "Первичный балл", "7".to_string()),
        },
    ]
}

#[tokio::test]
async fn a_renamed_required_column_is_the_only_one_asked_for_and_the_file_then_loads() {
    for_each_db!(|t| {
        load_demo(&t.db).await;
        let base = spawn(&t.db, test_config()).await;
        let mut c = logged_in(&base, "region").await;
        let code = t.db.schools(None).await.unwrap()[0].code.clone();
        for case in cases(&code) {
            let name = case.file_name;
            let before = t.db.count("pupil_results").await.unwrap();
            c.get("/upload").await;
            let p = c.upload("results", name, case.bytes).await;
            assert_eq!(p.status, 303, "{name}: {}", p.body);
            let preview = p.location.clone();
            let page = c.get(&preview).await;
            assert_eq!(page.status, 200, "{name}");
            let body = &page.body;

            // The error names the one field, and nothing says «не найден» about the others.
            let error = element(body, "mapping-error", "p");
            assert!(
                error.contains(&format!("«{}»", case.title)),
                "{name}: {error}"
            );
            assert!(!body.contains("не найден</span>"), "{name}");
            assert!(!body.contains("id=\"confirm\""), "{name}: no import yet");

            // Asked for: that field only, from the columns no field uses.
            let missing = element(body, "missing", "fieldset");
            assert_eq!(missing.matches("<select").count(), 1, "{name}: {missing}");
            assert!(
                missing.contains(&format!("name=\"map_{}\"", case.field)),
                "{name}: {missing}"
            );
            assert!(
                missing.contains(&format!("<option value=\"{}\">", case.header)),
                "{name}: {missing}"
            );
            let (rf, rh, rs) = &case.recognised;
            assert!(
                !missing.contains(&format!("<option value=\"{rh}\">")),
                "{name}: a recognised column is not offered: {missing}"
            );

            // Recognised: every other required field, with its column and a sample.
            let recognised = element(body, "recognised", "table");
            for field in ["year", "procedure", "subject", "grade", "student_key", rf] {
                assert!(
                    recognised.contains(&format!("id=\"field-{field}\"")),
                    "{name}: {field} not listed as recognised: {recognised}"
                );
            }
            assert!(!recognised.contains(&format!("id=\"field-{}\"", case.field)));
            let row = element(recognised, &format!("field-{rf}"), "tr");
            assert!(
                row.contains(&format!("← «{rh}»")) && row.contains(&format!("<td>{rs}</td>")),
                "{name}: {row}"
            );

            // The user picks the column: the check passes, the choice is shown.
            let map = c
                .post(
                    &format!("{preview}/map"),
                    &[(&format!("map_{}", case.field), case.header)],
                )
                .await;
            assert_eq!(map.status, 303, "{name}: {}", map.body);
            assert_eq!(map.location, preview);
            let page = c.get(&preview).await;
            assert!(
                page.body.contains("id=\"check-ok\""),
                "{name}: {}",
                page.body
            );
            assert!(!page.body.contains("id=\"missing\""), "{name}");
            let row = element(&page.body, &format!("field-{}", case.field), "tr");
            assert!(
                row.contains(&format!("← «{}»", case.header)) && row.contains("выбран вами"),
                "{name}: {row}"
            );

            // And the file loads with that mapping.
            let done = c.post(&format!("{preview}/confirm"), &[]).await;
            assert_eq!(done.status, 303, "{name}");
            let result = c.get(&done.location).await;
            assert_eq!(result.status, 200, "{name}: {}", result.body);
            assert!(result.body.contains("Файл загружен"), "{name}");
            assert_eq!(
                t.db.count("pupil_results").await.unwrap(),
                before + 2,
                "{name}"
            );
        }
        t.db.close().await;
    });
}

#[tokio::test]
async fn one_column_chosen_for_two_fields_is_refused_and_choices_can_be_forgotten() {
    for_each_db!(|t| {
        load_demo(&t.db).await;
        let base = spawn(&t.db, test_config()).await;
        let mut c = logged_in(&base, "region").await;
        let code = t.db.schools(None).await.unwrap()[0].code.clone();
        let file = format!(
            "Год;Код ОО;Процедура;Предмет;Класс;Участник;Баллы за работу\n\
             2026;{code};ВПР;Математика;5;M1;12\n"
        );
        c.get("/upload").await;
        let p = c.upload("results", "два-поля.csv", file.into_bytes()).await;
        let preview = p.location.clone();
        let page = c.get(&preview).await;
        let missing = element(&page.body, "missing", "fieldset");
        assert_eq!(missing.matches("<select").count(), 2, "{missing}");

        c.post(
            &format!("{preview}/map"),
            &[
                ("map_score", "Баллы за работу"),
                ("map_student_key", "Баллы за работу"),
            ],
        )
        .await;
        let page = c.get(&preview).await;
        let error = element(&page.body, "mapping-error", "p");
        assert!(
            error.contains("«Баллы за работу»") && error.contains("свой столбец"),
            "{error}"
        );
        assert!(!page.body.contains("id=\"confirm\""));

        c.post(&format!("{preview}/map"), &[("reset", "1")]).await;
        c.post(
            &format!("{preview}/map"),
            &[
                ("map_score", "Баллы за работу"),
                ("map_student_key", "Участник"),
            ],
        )
        .await;
        let page = c.get(&preview).await;
        assert!(page.body.contains("id=\"check-ok\""), "{}", page.body);
        t.db.close().await;
    });
}
