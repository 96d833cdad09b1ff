//! `opora plan …` as users run it: dry-run import (text and JSON), saving,
//! re-import, statuses, overdue lists, quarterly reports, cascade — on SQLite
//! and, when OPORA_TEST_DATABASE_URL is set, on PostgreSQL.

use std::path::{Path, PathBuf};
use std::process::Command;

mod common;

use common::*;

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../plans/tests/fixtures")
        .join(name)
}

#[test]
fn dry_run_prints_the_parsed_plan() {
    let f = fixture("seed_000_alekseevsky.docx");
    let o = Command::new(BIN)
        .args([
            "plan",
            "import",
            f.to_str().unwrap(),
            "--dry-run",
            "--format",
            "json",
        ])
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", text(&o));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(v["level"], "municipality");
    assert_eq!(v["sections"].as_array().unwrap().len(), 2);
    let a = &v["sections"][1]["activities"][0];
    assert_eq!(a["number"], "2.1.");
    assert_eq!(a["deadline"]["text"], "С августа 2020");
    assert_eq!(a["deadline"]["kind"], "from");
    assert_eq!(a["deadline"]["start"], "2020-08-01");
    assert!(a["deadline"]["end"].is_null(), "an open start has no end");

    let o = Command::new(BIN)
        .args(["plan", "import", f.to_str().unwrap(), "--dry-run"])
        .output()
        .unwrap();
    let t = text(&o);
    assert!(
        t.contains("срок: «Апрель 2020» → 01.04.2020 – 30.04.2020"),
        "{t}"
    );
    assert!(t.contains("Итого: разделов 2, мероприятий 19"), "{t}");

    // A period given by the user changes months without a year.
    let s = fixture("synthetic_support.docx");
    let o = Command::new(BIN)
        .args([
            "plan",
            "import",
            s.to_str().unwrap(),
            "--dry-run",
            "--format",
            "json",
            "--period",
            "2030-2031",
        ])
        .output()
        .unwrap();
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(
        v["sections"][0]["sections"][0]["activities"][1]["deadline"]["start"],
        "2030-09-01"
    );

    // Not a plan: exit code 2 and the reason in Russian.
    let dir = tempfile::tempdir().unwrap();
    let bad = dir.path().join("x.docx");
    std::fs::write(&bad, b"hello").unwrap();
    let o = Command::new(BIN)
        .args(["plan", "import", bad.to_str().unwrap(), "--dry-run"])
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(2));
    assert!(
        text(&o).contains("не является документом DOCX"),
        "{}",
        text(&o)
    );
}

#[test]
fn import_status_overdue_report_cascade() {
    for b in backends() {
        eprintln!("backend: {}", b.name);
        let schools = b.data.path().join("schools.csv");
        std::fs::write(
            &schools,
            "Код ОО;Муниципалитет;Полное наименование;Краткое наименование;Тип;Местность;Контингент\n\
             S001;Алексеевский район;Муниципальное общеобразовательное учреждение «Средняя школа № 46»;МОУ «Средняя школа № 46»;СОШ;город;800\n\
             S002;Алексеевский район;Муниципальное бюджетное общеобразовательное учреждение «Лицей № 2»;МБОУ «Лицей № 2»;лицей;город;650\n",
        )
        .unwrap();
        let o = opora(&b, &["import", "schools", schools.to_str().unwrap()]);
        assert!(o.status.success(), "{}", text(&o));

        let muni = fixture("seed_000_alekseevsky.docx");
        let o = opora(
            &b,
            &[
                "plan",
                "import",
                muni.to_str().unwrap(),
                "--municipality",
                "алексеевский район",
            ],
        );
        assert!(text(&o).contains("План сохранён: № 1"), "{}", text(&o));
        let o = opora(
            &b,
            &[
                "plan",
                "import",
                muni.to_str().unwrap(),
                "--municipality",
                "Алексеевский район",
            ],
        );
        assert!(text(&o).contains("уже загружен: план № 1"), "{}", text(&o));
        let school = fixture("seed_002_school46.docx");
        let o = opora(
            &b,
            &[
                "plan",
                "import",
                school.to_str().unwrap(),
                "--school",
                "S001",
                "--format",
                "json",
            ],
        );
        let v: serde_json::Value =
            serde_json::from_slice(&o.stdout).unwrap_or_else(|_| panic!("{}", text(&o)));
        assert_eq!(
            (v["id"].as_i64(), v["activities"].as_i64()),
            (Some(2), Some(15))
        );

        let o = opora(&b, &["plan", "show", "2", "--format", "json"]);
        let plan: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
        let ids: Vec<i64> = plan["activities"]
            .as_array()
            .unwrap()
            .iter()
            .map(|a| a["id"].as_i64().unwrap())
            .collect();
        let (a1, a2, a3) = (ids[0].to_string(), ids[1].to_string(), ids[2].to_string());

        assert!(opora(&b, &["plan", "status", &a1, "в работе"])
            .status
            .success());
        let o = opora(&b, &["plan", "status", &a1, "done", "--date", "20.02.2023"]);
        assert!(text(&o).contains("в работе → выполнено"), "{}", text(&o));
        assert!(opora(
            &b,
            &["plan", "status", &a2, "выполнено", "--date", "05.03.2023"]
        )
        .status
        .success());
        let o = opora(&b, &["plan", "status", &a3, "отменено"]);
        assert!(
            !o.status.success() && text(&o).contains("укажите причину"),
            "{}",
            text(&o)
        );
        let o = opora(&b, &["plan", "status", &a3, "verified"]);
        assert!(text(&o).contains("нельзя перейти"), "{}", text(&o));

        // School S001 on 01.03.2023: February activities 3, 4, 5, 8, 9 are overdue (1 and 2 were done).
        let o = opora(
            &b,
            &[
                "plan",
                "overdue",
                "--date",
                "01.03.2023",
                "--school",
                "S001",
                "--format",
                "json",
            ],
        );
        let v: serde_json::Value =
            serde_json::from_slice(&o.stdout).unwrap_or_else(|_| panic!("{}", text(&o)));
        assert_eq!(v.as_array().unwrap().len(), 5, "{v}");
        let o = opora(
            &b,
            &[
                "plan",
                "overdue",
                "--date",
                "01.03.2023",
                "--municipality",
                "Алексеевский район",
            ],
        );
        assert!(
            text(&o).contains("Просрочено на 01.03.2023"),
            "{}",
            text(&o)
        );

        // Quarterly reports.
        let xlsx = b.data.path().join("q1.xlsx");
        let o = opora(
            &b,
            &[
                "plan",
                "report",
                "--quarter",
                "2023-1",
                "--school",
                "S001",
                "--out",
                xlsx.to_str().unwrap(),
                "--date",
                "01.04.2023",
            ],
        );
        let t = text(&o);
        assert!(t.contains("в срок 1, с опозданием 1"), "{t}");
        assert!(std::fs::read(&xlsx).unwrap().starts_with(b"PK"));
        let docx = b.data.path().join("q1.docx");
        let o = opora(
            &b,
            &[
                "plan",
                "report",
                "--quarter",
                "I квартал 2023",
                "--plan",
                "2",
                "--out",
                docx.to_str().unwrap(),
                "--date",
                "01.04.2023",
            ],
        );
        assert!(o.status.success(), "{}", text(&o));
        let doc = opora_plans::docx::read_docx(&std::fs::read(&docx).unwrap()).unwrap();
        assert!(doc.tables().count() >= 2);

        // Cascade of municipal 1.4 to every school of the municipality.
        let o = opora(&b, &["plan", "show", "1", "--format", "json"]);
        let m: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
        let act = m["sections"][0]["activities"][3]["id"]
            .as_i64()
            .unwrap()
            .to_string();
        let o = opora(&b, &["plan", "cascade", &act, "--all"]);
        assert!(
            text(&o).contains("создано 2, уже было у 0, новых планов школ 1"),
            "{}",
            text(&o)
        );
        let o = opora(&b, &["plan", "cascade", &act, "--all"]);
        assert!(text(&o).contains("создано 0, уже было у 2"), "{}", text(&o));
        let o = opora(&b, &["plan", "list"]);
        assert!(
            text(&o).contains("План мероприятий МБОУ «Лицей № 2»"),
            "{}",
            text(&o)
        );
    }
}

/// The quarterly reports open in LibreOffice (required under CI).
#[test]
fn reports_open_in_libreoffice() {
    let Some(lo) = ["libreoffice", "soffice"].into_iter().find(|p| {
        Command::new(p)
            .arg("--version")
            .output()
            .is_ok_and(|o| o.status.success())
    }) else {
        opora_testkit::missing_tool("LibreOffice");
        return;
    };
    let b = Backend {
        name: "sqlite",
        data: tempfile::tempdir().unwrap(),
        database_url: None,
    };
    let school = fixture("seed_002_school46.docx");
    assert!(opora(&b, &["plan", "import", school.to_str().unwrap()])
        .status
        .success());
    let out = b.data.path().join("pdf");
    for ext in ["docx", "xlsx"] {
        let file = b.data.path().join(format!("q1.{ext}"));
        let o = opora(
            &b,
            &[
                "plan",
                "report",
                "--quarter",
                "2023-1",
                "--out",
                file.to_str().unwrap(),
                "--date",
                "01.04.2023",
            ],
        );
        assert!(o.status.success(), "{}", text(&o));
        let profile = format!(
            "-env:UserInstallation=file://{}",
            b.data.path().join("lo-profile").display()
        );
        let o = Command::new(lo)
            .args([
                profile.as_str(),
                "--headless",
                "--convert-to",
                "pdf",
                "--outdir",
                out.to_str().unwrap(),
                file.to_str().unwrap(),
            ])
            .output()
            .unwrap();
        let pdf = out.join("q1.pdf");
        assert!(
            pdf.exists(),
            "LibreOffice did not convert {ext}: {}",
            text(&o)
        );
        assert!(std::fs::read(&pdf).unwrap().starts_with(b"%PDF"));
        std::fs::remove_file(&pdf).unwrap();
    }
}
