//! Analytical notes over HTTP (issue 16): the school's administrator opens
//! the draft of its school's note from the card, edits the conclusions and
//! issues it; the issued note is kept as version 1 and downloads as DOCX
//! and PDF; the municipality sees it, another municipality does not; a
//! teacher issues none; a second issue is version 2.

mod common;

use common::*;
use opora_store::scope::Scope;

#[tokio::test]
async fn a_school_issues_its_note_and_downloads_it_as_docx_and_pdf() {
    for_each_db!(|t| {
        let cast = load_demo(&t.db).await;
        let base = spawn(&t.db, test_config()).await;
        let code =
            t.db.schools_in(&Scope::School(cast.school_id))
                .await
                .unwrap()[0]
                .code
                .clone();
        let mut school = logged_in(&base, "school1").await;
        let card = school.get(&format!("/schools/{code}")).await;
        assert!(
            card.body.contains("id=\"school-note\""),
            "the card links the note"
        );
        let draft = school
            .get(&format!("/notes/new?school={code}&date=01.12.2026"))
            .await;
        assert_eq!(draft.status, 200, "{}", draft.body);
        for part in [
            "Статус в перечнях ШНОР и ШНСУ",
            "Результаты и их динамика",
            "<svg",
            "Педагогические кадры",
            "Выводы и рекомендации",
        ] {
            assert!(draft.body.contains(part), "{part}");
        }
        let issued = school
            .post(
                "/notes",
                &[
                    ("school", &code),
                    ("date", "01.12.2026"),
                    (
                        "conclusions",
                        "Провести педсовет по итогам справки.\nУсилить работу ШМО.",
                    ),
                ],
            )
            .await;
        assert_eq!(issued.status, 303, "{}", issued.body);
        let page = school.get(&issued.location).await;
        assert!(page.body.contains("Версия 1"), "{}", page.body);
        assert!(page.body.contains("Провести педсовет по итогам справки."));
        let id = issued.location.trim_start_matches("/notes/").to_string();
        let (status, pdf, _) = school.get_bytes(&format!("/notes/{id}/note.pdf")).await;
        assert_eq!(status, 200);
        assert!(pdf.starts_with(b"%PDF-"));
        let (status, docx, _) = school.get_bytes(&format!("/notes/{id}/note.docx")).await;
        assert_eq!(status, 200);
        assert!(docx.starts_with(b"PK"));
        let text = String::from_utf8_lossy(&docx).to_string();
        assert!(
            text.contains("word/media/chart-1.png"),
            "the charts are pictures"
        );

        // The municipality sees it; another municipality and a teacher do not issue or see it.
        let mut mo = logged_in(&base, "mo1").await;
        assert_eq!(mo.get(&format!("/notes/{id}")).await.status, 200);
        let mut out = outsider(&t.db, &base, cast.municipality_id, "notes_outsider").await;
        assert_eq!(out.get(&format!("/notes/{id}")).await.status, 404);
        assert_eq!(
            out.get(&format!("/notes/new?school={code}")).await.status,
            404
        );
        let mut teacher = logged_in(&base, "teacher1").await;
        assert_eq!(
            teacher
                .get(&format!("/notes/new?school={code}"))
                .await
                .status,
            403
        );
        let bad = school
            .get(&format!("/notes/new?school={code}&date=вчера"))
            .await;
        assert_eq!(bad.status, 422);
        assert!(bad.body.contains("вчера"));

        // A second issue is version 2.
        let again = mo
            .post(
                "/notes",
                &[
                    ("school", &code),
                    ("date", "01.12.2026"),
                    ("conclusions", ""),
                ],
            )
            .await;
        assert_eq!(again.status, 303, "{}", again.body);
        let page = mo.get(&again.location).await;
        assert!(page.body.contains("Версия 2"), "{}", page.body);
    });
}
