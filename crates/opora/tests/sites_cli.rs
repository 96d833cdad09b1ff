//! `opora sites check` as users run it, against a school website served on
//! 127.0.0.1 by the test: the JSON shape and values, the text report, and
//! an unreachable site.

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
