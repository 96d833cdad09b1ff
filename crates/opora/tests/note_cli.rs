//! `opora note` on the demo region, on SQLite and PostgreSQL: a school's
//! note as DOCX and PDF, and the region's. The PDF is read back as text
//! (pdftotext): the school's name, the sections, Russian words set in
//! Cyrillic; the DOCX opens in LibreOffice and converts to a PDF that says
//! the same; a wrong extension and an unknown school are refused in
//! Russian; each issue is a new version.

mod common;

use common::*;
use std::path::Path;
use std::process::Command;

/// The text of a PDF (pdftotext, required under CI).
fn pdf_text(path: &Path) -> Option<String> {
    let out = Command::new("pdftotext")
        .args(["-layout", path.to_str().unwrap(), "-"])
        .output();
    match out {
        Ok(o) if o.status.success() => Some(String::from_utf8_lossy(&o.stdout).into_owned()),
        _ => {
            opora_testkit::missing_tool("pdftotext (poppler-utils)");
            None
        }
    }
}

fn libreoffice() -> Option<&'static str> {
    let found = ["libreoffice", "soffice"].into_iter().find(|p| {
        Command::new(p)
            .arg("--version")
            .output()
            .is_ok_and(|o| o.status.success())
    });
    if found.is_none() {
        opora_testkit::missing_tool("LibreOffice");
    }
    found
}

#[test]
fn a_schools_note_is_written_as_docx_and_pdf_that_say_the_same() {
    for b in backends() {
        let demo = opora(&b, &["demo"]);
        assert!(demo.status.success(), "{}", text(&demo));
        let dir = tempfile::tempdir().unwrap();
        let pdf = dir.path().join("справка.pdf");
        let docx = dir.path().join("справка.docx");
        let school = demo_school(&b);
        for out in [&pdf, &docx] {
            let o = opora(
                &b,
                &[
                    "note",
                    "--school",
                    &school,
                    "--out",
                    out.to_str().unwrap(),
                    "--date",
                    "01.12.2026",
                ],
            );
            assert!(o.status.success(), "{}", text(&o));
            assert!(text(&o).contains("на 01.12.2026"), "{}", text(&o));
        }
        let bytes = std::fs::read(&pdf).unwrap();
        assert!(bytes.starts_with(b"%PDF-"));
        if let Some(t) = pdf_text(&pdf) {
            for part in [
                "Аналитическая справка",
                "на 01.12.2026",
                "Статус в перечнях ШНОР и ШНСУ",
                "Результаты и их динамика",
                "Педагогические кадры",
                "Выводы и рекомендации",
            ] {
                assert!(t.contains(part), "{part} in the PDF:\n{t}");
            }
        }
        let zip = std::fs::read(&docx).unwrap();
        assert!(zip.starts_with(b"PK"));
        if let Some(lo) = libreoffice() {
            let converted = dir.path().join("lo");
            let o = Command::new(lo)
                .args(["--headless", "--convert-to", "pdf", "--outdir"])
                .arg(&converted)
                .arg(&docx)
                .env("HOME", dir.path())
                .output()
                .unwrap();
            assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
            if let Some(t) = pdf_text(&converted.join("справка.pdf")) {
                assert!(t.contains("Аналитическая справка"), "{t}");
                assert!(t.contains("Педагогические кадры"), "{t}");
            }
        }

        // The region's note; a second issue is version 2.
        let region = dir.path().join("регион.pdf");
        let o = opora(&b, &["note", "--region", "--out", region.to_str().unwrap()]);
        assert!(o.status.success(), "{}", text(&o));
        let o = opora(&b, &["note", "--region", "--out", region.to_str().unwrap()]);
        assert!(text(&o).contains("версия 2"), "{}", text(&o));

        // Mistakes are refused in Russian.
        let o = opora(&b, &["note", "--school", &school, "--out", "справка.txt"]);
        assert!(!o.status.success());
        assert!(text(&o).contains(".docx или .pdf"), "{}", text(&o));
        let o = opora(&b, &["note", "--school", "НЕТ", "--out", "x.pdf"]);
        assert!(!o.status.success());
        assert!(text(&o).contains("школы с кодом «НЕТ» нет"), "{}", text(&o));
    }
}

/// The code of a ШНОР of the demo (from `opora demo`'s saved run).
fn demo_school(b: &Backend) -> String {
    let o = opora(b, &["staff", "due", "--format", "json"]);
    assert!(o.status.success(), "{}", text(&o));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    v["teachers"][0]["school_id"]
        .as_str()
        .expect("a teacher due for a course in the demo")
        .to_string()
}
