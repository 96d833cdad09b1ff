//! The binary as users run it: help, imports with exit codes, the demo
//! region, identification over files and over the database, the web page —
//! on SQLite and, when OPORA_TEST_DATABASE_URL is set, on PostgreSQL.

use std::io::{BufRead, BufReader, Read, Write};
use std::path::PathBuf;
use std::process::{Command, Stdio};

mod common;

use common::*;

fn demo_files() -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("demo");
    let o = Command::new(BIN)
        .args(["demo", "--out", out.to_str().unwrap()])
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", text(&o));
    (dir, out)
}

#[test]
fn help_is_in_russian_with_examples() {
    let o = Command::new(BIN).arg("--help").output().unwrap();
    let t = text(&o);
    assert!(t.contains("Загрузить файл") && t.contains("Примеры"), "{t}");
    let o = Command::new(BIN)
        .args(["import", "--help"])
        .output()
        .unwrap();
    assert!(text(&o).contains("--map"));
}

#[test]
fn a_rejected_import_exits_non_zero_and_lists_every_bad_row() {
    for b in backends() {
        let dir = tempfile::tempdir().unwrap();
        let schools = dir.path().join("schools.csv");
        std::fs::write(&schools, "school_id,municipality,full_name\nA1,Город,Школа 1\nA1,Город,Школа 1 ещё раз\nA2,,Школа 2\n").unwrap();
        let o = opora(&b, &["import", "schools", schools.to_str().unwrap()]);
        assert_eq!(o.status.code(), Some(2), "{}: {}", b.name, text(&o));
        let t = text(&o);
        assert!(
            t.contains("строка 3") && t.contains("строка 4") && t.contains("ничего не записано"),
            "{t}"
        );
    }
}

#[test]
fn a_file_without_its_columns_gets_the_command_line_way_to_map_them() {
    for b in backends() {
        let dir = tempfile::tempdir().unwrap();
        let schools = dir.path().join("schools.csv");
        std::fs::write(&schools, "Учреждение,Район\nШкола 1,Город\n").unwrap();
        let o = opora(&b, &["import", "schools", schools.to_str().unwrap()]);
        assert!(!o.status.success(), "{}: {}", b.name, text(&o));
        let t = text(&o);
        assert!(t.contains("не найдены обязательные столбцы"), "{t}");
        assert!(t.contains("параметром --map"), "{t}");
    }
}

#[test]
fn demo_region_identification_over_the_database_and_the_web_page() {
    let (_keep, files) = demo_files();
    for b in backends() {
        let o = opora(&b, &["demo"]);
        assert!(o.status.success(), "{}: {}", b.name, text(&o));
        // Loading the same files again changes nothing.
        let again = opora(
            &b,
            &[
                "import",
                "results",
                files.join("results_2024.csv").to_str().unwrap(),
            ],
        );
        assert!(text(&again).contains("изменено 0"), "{}", text(&again));
        let out = b.data.path().join("run");
        let o = opora(&b, &["identify", "--db", "--out", out.to_str().unwrap()]);
        assert!(o.status.success(), "{}: {}", b.name, text(&o));
        assert!(text(&o).contains("ШНОР"), "{}", text(&o));
        for f in [
            "schools.csv",
            "model.json",
            "objectivity.csv",
            "scatter.svg",
            "report.xlsx",
            "checklist.csv",
        ] {
            assert!(out.join(f).exists(), "{f} missing");
        }
        check_home_page(&b);
    }
}

/// Starts `opora serve` on a free port and reads the home page.
fn check_home_page(b: &Backend) {
    let mut cmd = Command::new(BIN);
    cmd.args(["serve", "--addr", "127.0.0.1:0"])
        .env("OPORA_DATA", b.data.path())
        .env("OPORA_LOG", "warn")
        .stdout(Stdio::piped());
    if let Some(u) = &b.database_url {
        cmd.env("DATABASE_URL", u);
    }
    let mut child = cmd.spawn().unwrap();
    let mut line = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut line)
        .unwrap();
    let addr = line
        .split("http://")
        .nth(1)
        .and_then(|s| s.split('/').next())
        .unwrap_or_else(|| panic!("no address in «{line}»"))
        .to_string();
    // Pages need a login (crates/web tests cover them); the login page names the region.
    let home = http_get(&addr, "/");
    let page = http_get(&addr, "/login");
    child.kill().ok();
    child.wait().ok();
    assert!(
        home.starts_with("HTTP/1.1 303") && home.contains("location: /login"),
        "{home}"
    );
    assert!(page.starts_with("HTTP/1.1 200"), "{page}");
    assert!(page.contains("Северная область"), "{page}");
}

fn http_get(addr: &str, path: &str) -> String {
    let mut s = std::net::TcpStream::connect(addr).unwrap();
    write!(
        s,
        "GET {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\r\n"
    )
    .unwrap();
    let mut out = String::new();
    s.read_to_string(&mut out).unwrap();
    out
}

#[test]
fn identification_over_files_writes_the_contract_outputs() {
    let (_keep, d) = demo_files();
    let out = d.join("run");
    let p = |n: &str| d.join(n).to_str().unwrap().to_string();
    let args = [
        "identify",
        "--results",
        &p("results_2023.csv"),
        "--results",
        &p("results_2024.csv"),
        "--results",
        &p("results_2025.csv"),
        "--context",
        &p("context.csv"),
        "--checklist",
        &p("checklist.csv"),
        "--schools",
        &p("schools.csv"),
        "--out",
        out.to_str().unwrap(),
    ];
    let o = Command::new(BIN).args(args).output().unwrap();
    assert!(o.status.success(), "{}", text(&o));
    let header = std::fs::read_to_string(out.join("schools.csv"))
        .unwrap()
        .lines()
        .next()
        .unwrap()
        .to_string();
    for col in [
        "school_id",
        "n",
        "result_index",
        "result_se",
        "expected",
        "social_index",
        "residual",
        "effect",
        "effect_se",
        "ci_low",
        "ci_high",
        "rank",
        "percentile",
        "is_shnor",
        "is_low_results",
        "is_shnsu",
        "is_resilient",
        "insufficient_data",
        "years_flagged",
        "reason",
    ] {
        assert!(
            header.split(',').any(|h| h == col),
            "column {col} missing in {header}"
        );
    }
    let model: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(out.join("model.json")).unwrap()).unwrap();
    for key in [
        "n_schools",
        "r2",
        "adj_r2",
        "tau2",
        "dropped",
        "years",
        "coefficients",
    ] {
        assert!(model.get(key).is_some(), "model.json lacks {key}");
    }
    assert_eq!(model["coefficients"][0]["name"], "(intercept)");
    // Same files, same numbers: the run is deterministic.
    let out2 = d.join("run2");
    let mut args2 = args.to_vec();
    let last = args2.len() - 1;
    let out2s = out2.to_str().unwrap().to_string();
    args2[last] = &out2s;
    assert!(Command::new(BIN)
        .args(&args2)
        .output()
        .unwrap()
        .status
        .success());
    assert_eq!(
        std::fs::read(out.join("schools.csv")).unwrap(),
        std::fs::read(out2.join("schools.csv")).unwrap()
    );
}

#[test]
fn identification_rejects_bad_rows_naming_file_row_and_column() {
    let dir = tempfile::tempdir().unwrap();
    let res = dir.path().join("r.csv");
    std::fs::write(
        &res,
        "year,school_id,procedure,subject,grade,student_key,score\n2024,A,ВПР,Математика,5,p1,-3\n",
    )
    .unwrap();
    let ctx = dir.path().join("c.csv");
    std::fs::write(&ctx, "school_id,f1\nA,1\n").unwrap();
    let o = Command::new(BIN)
        .args([
            "identify",
            "--results",
            res.to_str().unwrap(),
            "--context",
            ctx.to_str().unwrap(),
        ])
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(2));
    let t = text(&o);
    assert!(
        t.contains("r.csv, строка 2, столбец «score»") && t.contains("«-3»"),
        "{t}"
    );
}

#[test]
fn a_bad_setting_stops_the_start_with_a_message_naming_it() {
    for (name, value) in [
        ("OPORA_THREADS", "много"),
        ("OPORA_THREADS", "0"),
        ("OPORA_NO_MMAP", "возможно"),
        ("OPORA_TIMEZONE", "Europe/Atlantis"),
        ("OPORA_UPLOAD_LIMIT_MB", "-5"),
    ] {
        let dir = tempfile::tempdir().unwrap();
        let o = Command::new(BIN)
            .arg("migrate")
            .env("OPORA_DATA", dir.path())
            .env_remove("DATABASE_URL")
            .env(name, value)
            .output()
            .unwrap();
        let t = text(&o);
        assert!(!o.status.success(), "{name}={value}: {t}");
        assert!(t.contains(name), "{name}={value}: {t}");
        assert!(
            !dir.path().join("opora.db").exists(),
            "{name}={value}: nothing is started"
        );
    }
}

#[test]
fn output_into_a_closed_pipe_ends_quietly() {
    // `opora … | head`: the reader has gone before the output is written.
    let (reader, writer) = std::io::pipe().unwrap();
    drop(reader);
    let plan = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../plans/tests/fixtures/seed_000_alekseevsky.docx");
    let o = Command::new(BIN)
        .args(["plan", "import", plan.to_str().unwrap(), "--dry-run"])
        .stdout(writer)
        .stderr(Stdio::piped())
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(o.status.success(), "{:?}: {err}", o.status);
    assert!(!err.contains("panicked"), "{err}");
}
