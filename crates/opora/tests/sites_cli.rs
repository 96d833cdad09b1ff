//! `opora sites check` as users run it, against a school website served on
//! 127.0.0.1 by the test: the JSON shape and values, the text report, and
//! an unreachable site; `opora sites audit` over the registry, saved in the
//! database (SQLite and PostgreSQL).

use std::collections::BTreeSet;
use std::process::Command;

mod common;

use common::{text, BIN};

/// Serves a small school site on a free port of 127.0.0.1 from a thread of
/// its own (the binary runs as a separate process) and returns its address.
fn serve_school() -> String {
    use axum::http::header::CONTENT_TYPE;
    use axum::routing::get;
    fn html(title: &str, body: &str) -> ([(axum::http::HeaderName, &'static str); 1], String) {
        (
            [(CONTENT_TYPE, "text/html; charset=utf-8")],
            format!("<!DOCTYPE html><html><head><title>{title}</title></head><body><h1>{title}</h1>{body}</body></html>"),
        )
    }
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap();
        rt.block_on(async move {
            let app = axum::Router::new()
                .route(
                    "/",
                    get(|| async {
                        html(
                            "Школа № 7",
                            r#"<a href="/sveden/">Сведения об образовательной организации</a>
                            <a href="/docs/programma.pdf">Программа повышения качества образования</a>"#,
                        )
                    }),
                )
                .route(
                    "/sveden/",
                    get(|| async {
                        html(
                            "Сведения об образовательной организации",
                            r#"<a href="/sveden/common">Основные сведения</a>
                            <a href="/sveden/document">Документы</a>"#,
                        )
                    }),
                )
                .route("/sveden/common", get(|| async { html("Основные сведения", "") }))
                .route("/sveden/document", get(|| async { html("Документы", "") }))
                .route(
                    "/docs/programma.pdf",
                    get(|| async { ([(CONTENT_TYPE, "application/pdf")], "%PDF-1.4") }),
                );
            let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
            tx.send(listener.local_addr().unwrap()).unwrap();
            axum::serve(listener, app).await.unwrap();
        });
    });
    format!("http://{}", rx.recv().unwrap())
}

fn keys(v: &serde_json::Value) -> BTreeSet<&str> {
    v.as_object().unwrap().keys().map(String::as_str).collect()
}

#[test]
fn json_report_has_the_documented_shape_and_values() {
    let site = serve_school();
    let o = Command::new(BIN)
        .args(["sites", "check", &site, "--format", "json"])
        .env("OPORA_LOG", "warn")
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", text(&o));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(keys(&v), BTreeSet::from(["url", "checked_at", "items"]));
    // In the documented order.
    let out = String::from_utf8_lossy(&o.stdout);
    let at = |k: &str| out.find(&format!("\"{k}\":")).unwrap();
    assert!(
        at("url") < at("checked_at") && at("checked_at") < at("items"),
        "{out}"
    );
    assert!(at("requirement") < at("status"), "{out}");
    assert_eq!(v["url"], format!("{site}/"));
    // ISO 8601, UTC, to the second: 2026-11-25T14:21:07Z.
    let at = v["checked_at"].as_str().unwrap();
    let shape: String = at
        .chars()
        .map(|c| if c.is_ascii_digit() { 'N' } else { c })
        .collect();
    assert_eq!(shape, "NNNN-NN-NNTNN:NN:NNZ", "{at}");

    let items = v["items"].as_array().unwrap();
    let names: Vec<&str> = items
        .iter()
        .map(|i| i["requirement"].as_str().unwrap())
        .collect();
    let expected: Vec<String> = opora_sites::default_requirements()
        .into_iter()
        .map(|r| r.name)
        .collect();
    assert_eq!(names, expected);
    assert_eq!(names[0], "Основные сведения");
    for i in items {
        assert_eq!(keys(i), BTreeSet::from(["requirement", "status", "url"]));
        match i["status"].as_str().unwrap() {
            "found" => assert!(i["url"].as_str().unwrap().starts_with(&site), "{i}"),
            "missing" => assert!(i["url"].is_null(), "{i}"),
            other => panic!("status {other}"),
        }
    }
    let by_name = |n: &str| items.iter().find(|i| i["requirement"] == n).unwrap();
    assert_eq!(by_name("Основные сведения")["status"], "found");
    assert_eq!(
        by_name("Основные сведения")["url"],
        format!("{site}/sveden/common")
    );
    assert_eq!(
        by_name("Документы")["url"],
        format!("{site}/sveden/document")
    );
    assert_eq!(
        by_name("Программа повышения качества образования (перехода в эффективный режим работы)")
            ["url"],
        format!("{site}/docs/programma.pdf")
    );
    let missing = by_name("Международное сотрудничество");
    assert_eq!(missing["status"], "missing");
    assert!(missing["url"].is_null());
    let found = items.iter().filter(|i| i["status"] == "found").count();
    assert_eq!(found, 3, "{v:#}");
}

#[test]
fn text_report_has_a_line_per_requirement() {
    let site = serve_school();
    let o = Command::new(BIN)
        .args([
            "sites",
            "check",
            &site,
            "--delay-ms",
            "0",
            "--max-pages",
            "50",
        ])
        .env("OPORA_LOG", "warn")
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", text(&o));
    let out = String::from_utf8(o.stdout).unwrap();
    assert!(out.starts_with(&format!("Сайт: {site}/\n")), "{out}");
    assert!(
        out.contains(&format!(
            "\n  Основные сведения: найдено — {site}/sveden/common (адрес «/sveden/common»)\n"
        )),
        "{out}"
    );
    assert!(
        out.contains(
            "\n  Международное сотрудничество: не найдено (не встретилось; проверено страниц: "
        ),
        "{out}"
    );
    assert!(
        out.contains("\nСведения об образовательной организации\n"),
        "{out}"
    );
    assert!(out.contains("Итого: найдено 3 из 21;"), "{out}");
    let lines = out.lines().filter(|l| l.starts_with("  ")).count();
    assert_eq!(lines, 21, "{out}");
}

#[test]
fn an_unreachable_site_is_a_russian_error() {
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let o = Command::new(BIN)
        .args(["sites", "check", &format!("http://127.0.0.1:{port}")])
        .env("OPORA_LOG", "warn")
        .output()
        .unwrap();
    assert!(!o.status.success());
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(
        err.contains(&format!("Ошибка: сайт http://127.0.0.1:{port}/ недоступен")),
        "{err}"
    );
    assert!(o.stdout.is_empty());
}

/// The checks stored for a school: (actor, found of total or the error).
fn stored(b: &common::Backend, code: &str) -> Vec<(String, String)> {
    let rt = tokio::runtime::Runtime::new().unwrap();
    rt.block_on(async {
        let db = opora_store::Db::open(b.database_url.as_deref(), b.data.path())
            .await
            .unwrap();
        let id = db.school_by_code(code).await.unwrap().unwrap().id;
        let history = db.site_audit_history(id).await.unwrap();
        db.close().await;
        history
            .into_iter()
            .map(|h| {
                let result = match h.error {
                    Some(e) => e,
                    None => format!("{} из {}", h.found, h.total),
                };
                (h.actor, result)
            })
            .collect()
    })
}

#[test]
fn audit_checks_every_school_with_a_website_saves_each_and_goes_past_a_failing_one() {
    let site = serve_school();
    let closed = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap();
    for b in common::backends() {
        let dir = tempfile::tempdir().unwrap();
        let schools = dir.path().join("schools.csv");
        std::fs::write(
            &schools,
            format!(
                "school_id,municipality,full_name,short_name,website\n\
                 A1,Город,Школа № 1,Школа 1,{site}\n\
                 A2,Город,Школа № 2,Школа 2,http://{closed}\n\
                 A3,Город,Школа № 3,Школа 3,\n"
            ),
        )
        .unwrap();
        let o = common::opora(&b, &["import", "schools", schools.to_str().unwrap()]);
        assert!(o.status.success(), "{}: {}", b.name, text(&o));

        // Every school with a website, one after another; the one that does
        // not answer is recorded and the run goes on (exit code 0).
        let o = common::opora(
            &b,
            &["sites", "audit", "--delay-ms", "0", "--format", "json"],
        );
        assert!(o.status.success(), "{}: {}", b.name, text(&o));
        let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
        assert_eq!(
            (v["checked"].as_i64(), v["failed"].as_i64()),
            (Some(1), Some(1)),
            "{v:#}"
        );
        let lines = v["schools"].as_array().unwrap();
        assert_eq!(lines.len(), 2, "A3 has no website: {v:#}");
        let a1 = lines.iter().find(|l| l["school_code"] == "A1").unwrap();
        assert_eq!(a1["url"], format!("{site}/"));
        assert_eq!(
            (a1["found"].as_i64(), a1["total"].as_i64()),
            (Some(3), Some(21))
        );
        assert!(a1["error"].is_null() && a1["checked_at"].is_string());
        let a2 = lines.iter().find(|l| l["school_code"] == "A2").unwrap();
        let error = a2["error"].as_str().unwrap();
        assert!(
            error.starts_with(&format!("сайт http://{closed}/ недоступен")),
            "{error}"
        );
        assert!(a2["found"].is_null());

        // One school, as text.
        let o = common::opora(&b, &["sites", "audit", "--delay-ms", "0", "--school", "A1"]);
        assert!(o.status.success(), "{}: {}", b.name, text(&o));
        let out = String::from_utf8(o.stdout).unwrap();
        assert!(
            out.contains(&format!("A1 Школа 1 — {site}/: найдено 3 из 21\n")),
            "{out}"
        );
        assert!(
            out.contains("Итого: сайтов проверено 1, не удалось проверить 0."),
            "{out}"
        );

        // Saved, latest first, by «cli».
        assert_eq!(
            stored(&b, "A1"),
            [
                ("cli".to_string(), "3 из 21".to_string()),
                ("cli".to_string(), "3 из 21".to_string())
            ]
        );
        let a2 = stored(&b, "A2");
        assert_eq!(a2.len(), 1);
        assert!(a2[0].1.contains("недоступен"), "{a2:?}");

        // A school that is not there, or has no website: a Russian error.
        let o = common::opora(&b, &["sites", "audit", "--school", "ZZ"]);
        assert!(!o.status.success());
        assert!(
            text(&o).contains("школы с кодом «ZZ» нет в реестре"),
            "{}",
            text(&o)
        );
        let o = common::opora(&b, &["sites", "audit", "--school", "A3"]);
        assert!(!o.status.success());
        assert!(
            text(&o).contains("у школы Школа 3 (A3) в реестре не указан сайт"),
            "{}",
            text(&o)
        );
    }
}
