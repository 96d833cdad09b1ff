//! What a head of department reads: Russian numbers and words on the run
//! page and the card, a verdict in one plain sentence with the numbers one
//! click away, a glossary, and import templates on the upload page.

mod common;

use common::*;

/// Codes and English that must never reach a page.
const CODES: &[&str] = &[
    "backward",
    "p&gt;",
    ">none<",
    "_share",
    "(intercept)",
    "--map",
    "opora import",
    "docs/",
];

#[tokio::test]
async fn the_run_page_reads_in_plain_russian() {
    for_each_db!(|t| {
        let run_id = load_demo(&t.db).await.run_id;
        let base = spawn(&t.db, test_config()).await;
        let mut c = logged_in(&base, "region").await;
        let page = c.get(&format!("/identification/runs/{run_id}")).await;
        assert_eq!(page.status, 200);
        for code in CODES {
            assert!(!page.body.contains(code), "«{code}» on the run page");
        }
        let mut shown = 0;
        for cell in page.body.split("<td class=\"reason\">").skip(1) {
            let cell = &cell[..cell.find("</td>").expect("a closed cell")];
            // The sentence first; the statistics only inside «Цифры».
            let (summary, numbers) = cell
                .split_once("<details>")
                .expect("numbers one click away");
            assert!(!summary.trim().is_empty(), "a verdict sentence: {cell}");
            assert!(
                !summary.contains('λ') && !summary.contains("процентиль"),
                "{summary}"
            );
            assert!(numbers.starts_with("<summary>Цифры</summary>"), "{numbers}");
            shown += 1;
        }
        assert!(shown > 0, "the lists have schools");
        // Numbers with a decimal comma and one minus sign.
        for cell in page.body.split("<td class=\"num\">").skip(1) {
            let value = &cell[..cell.find("</td>").expect("a closed cell")];
            assert!(
                !value.contains('-') && !value.contains('.'),
                "a number with a comma and «−»: {value}"
            );
        }
        let glossary = c.get("/glossary").await;
        assert_eq!(glossary.status, 200);
        for term in [
            "ШНОР",
            "ШНСУ",
            "ИПР",
            "Социальный индекс",
            "Эффект",
            "Интервал",
            "λ",
        ] {
            assert!(glossary.body.contains(term), "{term} explained");
        }
        assert!(
            page.body.contains("href=\"/glossary#effect\""),
            "headers link their term"
        );
    });
}

#[tokio::test]
async fn the_upload_page_offers_a_template_of_every_kind_that_reads_back() {
    for_each_db!(|t| {
        load_demo(&t.db).await;
        let base = spawn(&t.db, test_config()).await;
        let mut c = logged_in(&base, "region").await;
        let page = c.get("/upload").await;
        for code in CODES {
            assert!(!page.body.contains(code), "«{code}» on the upload page");
        }
        for kind in [
            "schools",
            "results",
            "context",
            "checklist",
            "scales",
            "teachers",
            "courses",
            "diagnostics",
        ] {
            let (status, bytes, _) = c.get_bytes(&format!("/templates/{kind}.xlsx")).await;
            assert_eq!(status, 200, "{kind}");
            assert_eq!(&bytes[..2], b"PK", "{kind}: a workbook");
            assert!(
                page.body.contains(&format!("/templates/{kind}.csv")),
                "{kind}"
            );
            let (status, csv, _) = c.get_bytes(&format!("/templates/{kind}.csv")).await;
            assert_eq!(status, 200);
            assert!(String::from_utf8(csv).unwrap().contains(';'));
        }
        assert_eq!(c.get_bytes("/templates/pupils.csv").await.0, 404);
        // The region loads every kind; a school only its staff files, and
        // gets only their templates; a teacher loads nothing.
        let mut school = logged_in(&base, "school1").await;
        assert_eq!(school.get_bytes("/templates/schools.csv").await.0, 404);
        assert_eq!(school.get_bytes("/templates/teachers.xlsx").await.0, 200);
        let mut teacher = logged_in(&base, "teacher1").await;
        assert_eq!(teacher.get_bytes("/templates/teachers.csv").await.0, 403);
    });
}
