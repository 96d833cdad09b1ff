//! A PDF attached as evidence opens in the browser («Открыть»), on SQLite
//! and PostgreSQL: served inline as `application/pdf` in a sandbox (no
//! scripts), without type sniffing, only when the content really is a PDF
//! (its first bytes, not its name); anything else is still a download. The
//! same scope checks and audit entry as a download.

mod common;

use common::*;
use opora_plans::{Level, Plan};
use opora_store::plans::{NewEvidenceFile, PlanLinks};
use opora_store::registry::School;
use opora_store::Db;

/// A plan of `school` with one activity; returns the activity's id.
async fn plan_of(db: &Db, school: &School) -> i64 {
    let mut p = Plan::new(Level::School, &format!("План {}", school.short_name));
    p.activities.push(opora_plans::Activity::new(
        "Утвердить программу антирисковых мер",
        opora_plans::parse_deadline("март 2027", None),
    ));
    let links = PlanLinks {
        municipality_id: Some(school.municipality_id),
        school_id: Some(school.id),
    };
    let saved = db.save_plan(&p, &links, None, "test").await.unwrap();
    db.plan(saved.id).await.unwrap().unwrap().all_activities()[0]
        .activity
        .id
        .unwrap()
}

async fn attach(db: &Db, activity: i64, name: &str, content: &[u8]) -> i64 {
    let f = NewEvidenceFile {
        name: name.to_string(),
        media_type: "application/pdf".to_string(),
        size_bytes: content.len() as u64,
        sha256: String::new(),
        storage_path: "db".to_string(),
    };
    db.add_evidence_file_with_content(activity, &f, content, "test")
        .await
        .unwrap()
}

fn header(p: &Page, name: &str) -> String {
    p.headers
        .get(name)
        .map(|v| v.to_str().unwrap().to_string())
        .unwrap_or_default()
}

#[tokio::test]
async fn a_pdf_opens_in_a_sandbox_and_anything_else_is_still_a_download() {
    for_each_db!(|t| {
        load_demo(&t.db).await;
        let base = spawn(&t.db, test_config()).await;
        let ms = municipalities(&t.db).await;
        let own = schools(&t.db, ms[0].id).await[0].clone();
        let other = schools(&t.db, ms[1].id).await[0].clone();
        let activity = plan_of(&t.db, &own).await;
        let pdf = b"%PDF-1.4\n% the school's programme\n".to_vec();
        let fake = b"<html><script>alert(document.cookie)</script></html>".to_vec();
        let real = attach(&t.db, activity, "Программа.pdf", &pdf).await;
        let renamed = attach(&t.db, activity, "не-pdf.pdf", &fake).await;
        let outside = attach(&t.db, plan_of(&t.db, &other).await, "чужой.pdf", &pdf).await;

        let mut school = logged_in(&base, "school1").await;
        // The activity page offers «Открыть» beside a PDF.
        let page = school.get(&format!("/activities/{activity}")).await;
        assert_eq!(page.status, 200);
        assert!(
            page.body.contains(&format!(
                "<a href=\"/evidence/{real}/view\" target=\"_blank\" rel=\"noopener\">Открыть</a>"
            )),
            "{}",
            page.body
        );
        assert!(header(&page, "content-security-policy").contains("default-src 'self'"));

        // A PDF: inline, in a sandbox, not sniffed.
        let seen_before = t.db.audit_entries(1_000_000).await.unwrap().len();
        let p = school.get(&format!("/evidence/{real}/view")).await;
        assert_eq!(p.status, 200);
        assert_eq!(header(&p, "content-type"), "application/pdf");
        let disposition = header(&p, "content-disposition");
        assert!(
            disposition.starts_with("inline;")
                && disposition.contains(
                    "filename*=UTF-8''%D0%9F%D1%80%D0%BE%D0%B3%D1%80%D0%B0%D0%BC%D0%BC%D0%B0.pdf"
                ),
            "{disposition}"
        );
        assert_eq!(header(&p, "x-content-type-options"), "nosniff");
        assert_eq!(header(&p, "content-security-policy"), "sandbox");
        let (status, bytes, _) = school.get_bytes(&format!("/evidence/{real}/view")).await;
        assert_eq!((status, bytes), (200, pdf.clone()));
        // Viewing is a read of the document: audited as a download is.
        let audit = t.db.audit_entries(1_000_000).await.unwrap();
        assert_eq!(audit.len(), seen_before + 2, "one entry per view");
        assert!(audit.iter().any(|e| e.action == "просмотр документа"
            && e.actor == "school1"
            && e.object.contains("Программа.pdf")));

        // Named .pdf but not a PDF: a download, never shown.
        let p = school.get(&format!("/evidence/{renamed}/view")).await;
        assert_eq!(p.status, 200);
        assert_eq!(header(&p, "content-type"), "application/octet-stream");
        assert!(header(&p, "content-disposition").starts_with("attachment;"));
        assert_ne!(header(&p, "content-security-policy"), "sandbox");
        assert_eq!(p.body.as_bytes(), fake.as_slice());
        // The download itself is unchanged.
        let p = school.get(&format!("/evidence/{real}")).await;
        assert_eq!(header(&p, "content-type"), "application/octet-stream");
        assert!(header(&p, "content-disposition").starts_with("attachment;"));

        // Outside the scope: not found, for viewing as for downloading.
        for login in ["school1", "teacher1", "metod1", "mo1"] {
            let mut c = logged_in(&base, login).await;
            for path in [
                format!("/evidence/{outside}/view"),
                format!("/evidence/{outside}"),
            ] {
                assert_eq!(c.get(&path).await.status, 404, "{login} GET {path}");
            }
        }
        let mut region = logged_in(&base, "region").await;
        let p = region.get(&format!("/evidence/{outside}/view")).await;
        assert_eq!(
            (p.status, header(&p, "content-type").as_str()),
            (200, "application/pdf")
        );
        // Not logged in: to the login page.
        let mut anonymous = Client::new(&base);
        let p = anonymous.get(&format!("/evidence/{real}/view")).await;
        assert_ne!(p.status, 200);
        assert_ne!(header(&p, "content-type"), "application/pdf");
        t.db.close().await;
    });
}
