//! Hostile input, on SQLite and PostgreSQL: markup and formulas written
//! into every kind of text a user or an import can put into Opora (school
//! names, plan titles, activities, comments, evidence and file names,
//! indicator names, campaign answers, user names, notifications) are shown
//! escaped on every page of the router and neutralised in every export;
//! uploaded file names cannot reach the file system or the headers; a
//! session cannot be fixed before login; cookies carry their flags.

mod common;

use common::worlds::{notify, worlds, World};
use common::*;
use opora_store::Db;
use opora_web::Verb;
use std::collections::{BTreeMap, BTreeSet};

/// A formula (for spreadsheets), an attribute break and two HTML vectors.
const PAYLOAD: &str = "=1+2\"><img src=x onerror=alert(1)><script>alert(1)</script>";

/// What must never appear in a page: the payload's markup unescaped.
const RAW: [&str; 2] = ["<img src=x", "<script>alert"];

/// The payload as the pages escape it: askama writes numeric entities, the
/// SVG charts named ones.
const ESCAPED: [&str; 2] = ["&#60;script&#62;alert(1)", "&lt;script&gt;alert(1)"];

async fn exec(db: &Db, sql: &str, text: &str, id: i64) {
    match db {
        Db::Sqlite(p) => {
            sqlx::query(sql)
                .bind(text)
                .bind(id)
                .execute(p)
                .await
                .unwrap();
        }
        Db::Postgres(p) => {
            sqlx::query(sql)
                .bind(text)
                .bind(id)
                .execute(p)
                .await
                .unwrap();
        }
    }
}

/// Writes the payload into every kind of text of the own world.
async fn plant(db: &Db, w: &World) {
    let named = |what: &str| format!("{PAYLOAD} {what}");
    exec(
        db,
        "UPDATE schools SET full_name = $1 WHERE id = $2",
        &named("Школа"),
        w.school_id,
    )
    .await;
    exec(
        db,
        "UPDATE schools SET short_name = $1 WHERE id = $2",
        &named("Школа"),
        w.school_id,
    )
    .await;
    exec(
        db,
        "UPDATE plans SET title = $1 WHERE id = $2",
        &named("План"),
        w.plan_id,
    )
    .await;
    exec(
        db,
        "UPDATE plan_activities SET text = $1 WHERE id = $2",
        &named("Мероприятие"),
        w.activity_id,
    )
    .await;
    exec(
        db,
        "UPDATE programme_indicators SET name = $1 WHERE id = $2",
        &named("Показатель"),
        w.indicator_id,
    )
    .await;
    exec(
        db,
        "UPDATE users SET display_name = $1 WHERE id = $2",
        &named("Пользователь"),
        w.user_id,
    )
    .await;
    db.add_comment(w.activity_id, "school1", &named("Комментарий"))
        .await
        .unwrap();
    db.add_evidence_link(
        w.activity_id,
        &named("Документ"),
        "https://example.ru/x",
        "school1",
    )
    .await
    .unwrap();
    let users = db.users().await.unwrap();
    for u in users
        .iter()
        .filter(|u| ["region", "school1"].contains(&u.login.as_str()))
    {
        notify(db, u.id, &named("Уведомление")).await;
    }
    let campaign = db.campaign(w.campaign_id).await.unwrap().unwrap();
    let values = BTreeMap::from([
        (
            "педагоги".to_string(),
            opora_indicators::campaign::Value::Number(20.0),
        ),
        (
            "диагностика".to_string(),
            opora_indicators::campaign::Value::Number(5.0),
        ),
        (
            "программа".to_string(),
            opora_indicators::campaign::Value::YesNo(true),
        ),
        (
            "ссылка".to_string(),
            opora_indicators::campaign::Value::Text(named("Ответ")),
        ),
    ]);
    db.save_answer(
        &campaign,
        w.school_id,
        &values,
        false,
        opora_plans::Date::today(),
        "school1",
    )
    .await
    .unwrap();
}

fn is_markup(content_type: &str) -> bool {
    content_type.starts_with("text/html") || content_type.starts_with("image/svg")
}

fn is_spreadsheet(content_type: &str) -> bool {
    content_type.contains("spreadsheetml")
}

/// Every text cell of a workbook that a spreadsheet would run, and every
/// formula, as «sheet!row:col text»; and how many cells carry the payload.
fn runnable_cells(bytes: &[u8]) -> (Vec<String>, usize) {
    use calamine::{Data, Reader, Xlsx};
    let mut book: Xlsx<_> = Xlsx::new(std::io::Cursor::new(bytes.to_vec())).unwrap();
    let mut found = Vec::new();
    let mut payloads = 0;
    for name in book.sheet_names() {
        let range = book.worksheet_range(&name).unwrap();
        for (r, c, cell) in range.used_cells() {
            if let Data::String(s) = cell {
                payloads += usize::from(s.contains("alert(1)"));
                if opora_io::text::looks_like_formula(s) {
                    found.push(format!("{name}!{r}:{c} {s}"));
                }
            }
        }
        let formulas = book.worksheet_formula(&name).unwrap();
        for (r, c, f) in formulas.used_cells() {
            if !f.is_empty() {
                found.push(format!("{name}!{r}:{c} formula {f}"));
            }
        }
    }
    (found, payloads)
}

#[tokio::test]
async fn hostile_text_is_escaped_on_every_page_and_neutralised_in_every_export() {
    for_each_db!(|t| {
        let cast = load_demo(&t.db).await;
        let (own, _) = worlds(&t.db, &cast).await;
        plant(&t.db, &own).await;
        let base = spawn(&t.db, test_config()).await;

        let mut shown_on: BTreeSet<&str> = BTreeSet::new();
        let mut exports = 0;
        let mut exported_payloads = 0;
        let mut problems = Vec::new();
        for login in ["region", "school1"] {
            let mut c = logged_in(&base, login).await;
            for r in opora_web::route_table()
                .iter()
                .filter(|r| r.verb == Verb::Get)
            {
                let path = own.path(r, login, false);
                let (status, bytes, content_type) = c.get_bytes(&path).await;
                if status != 200 {
                    continue;
                }
                if is_markup(&content_type) {
                    let body = String::from_utf8_lossy(&bytes);
                    for raw in RAW {
                        if body.contains(raw) {
                            problems.push(format!("{login} {path}: «{raw}» unescaped"));
                        }
                    }
                    if ESCAPED.iter().any(|e| body.contains(e)) {
                        shown_on.insert(r.path);
                    }
                } else if is_spreadsheet(&content_type) {
                    exports += 1;
                    let (runnable, payloads) = runnable_cells(&bytes);
                    exported_payloads += payloads;
                    for cell in runnable {
                        problems.push(format!("{login} {path}: {cell}"));
                    }
                }
            }
        }
        assert!(problems.is_empty(), "{}: {}", t.name, problems.join("\n"));
        // The payload was really shown: where each kind of text appears.
        for page in [
            "/schools/{code}",
            "/plans/{id}",
            "/activities/{id}",
            "/indicators/{id}",
            "/users/{id}",
            "/notifications",
            "/campaigns/{id}/schools/{school}",
            "/schools",
            "/indicators",
        ] {
            assert!(
                shown_on.contains(page),
                "{}: the payload is not shown on {page}; shown on {shown_on:?}",
                t.name
            );
        }
        // Schools, lists, indicators, campaign answers.
        assert!(exports >= 4, "{}: {exports} exports checked", t.name);
        // …and the payload is in them, as text that starts with an apostrophe.
        assert!(
            exported_payloads >= 4,
            "{}: {exported_payloads} cells",
            t.name
        );
        t.db.close().await;
    });
}

#[tokio::test]
async fn an_uploaded_file_name_reaches_neither_the_file_system_nor_the_headers() {
    for_each_db!(|t| {
        let cast = load_demo(&t.db).await;
        let (own, _) = worlds(&t.db, &cast).await;
        let dir = tempfile::tempdir().unwrap();
        let cfg = opora_web::Config {
            upload_parent: Some(dir.path().to_path_buf()),
            ..test_config()
        };
        let base = spawn(&t.db, cfg).await;
        let mut c = logged_in(&base, "region").await;
        c.get(&format!("/activities/{}", own.activity_id)).await;
        // (A browser escapes line breaks in a file name; a quote and a path pass.)
        let hostile = "../../../../tmp/opora-escape\";<img src=x onerror=alert(1)>отчёт.pdf";
        let pdf = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n".to_vec();
        let p = c
            .post_file(
                &format!("/activities/{}/evidence", own.activity_id),
                &[],
                hostile,
                pdf,
            )
            .await;
        assert_eq!(p.status, 303, "{}: {}", t.name, p.body);
        assert!(!std::path::Path::new("/tmp/opora-escape").exists());
        let evidence = t.db.evidence(own.activity_id).await.unwrap();
        let stored = evidence.iter().max_by_key(|e| e.id).unwrap();
        // Folders are dropped from the name; the rest is kept for people,
        // escaped on the page.
        assert_eq!(
            stored.name, "opora-escape\";<img src=x onerror=alert(1)>отчёт.pdf",
            "{}",
            t.name
        );
        let page = c.get(&format!("/activities/{}", own.activity_id)).await;
        assert!(!page.body.contains("<img src=x"), "{}", t.name);
        assert!(
            page.body
                .contains("&#60;img src=x onerror=alert(1)&#62;отчёт.pdf"),
            "{}",
            t.name
        );
        // The download's headers carry neither the path nor the line break.
        let res = c.get(&format!("/evidence/{}", stored.id)).await;
        assert_eq!(res.status, 200, "{}", t.name);
        let disposition = res
            .headers
            .get("content-disposition")
            .unwrap()
            .to_str()
            .unwrap()
            .to_string();
        assert!(disposition.starts_with("attachment"), "{disposition}");
        // The name's own quote cannot close the header's quoted name early.
        assert_eq!(
            disposition.matches('"').count(),
            2,
            "{}: {disposition}",
            t.name
        );
        for bad in ["/", "\r", "\n", "<img"] {
            assert!(
                !disposition.contains(bad),
                "{}: {bad:?} in {disposition}",
                t.name
            );
        }
        t.db.close().await;
    });
}

#[tokio::test]
async fn a_session_cannot_be_fixed_before_login_and_ends_at_logout() {
    for_each_db!(|t| {
        load_demo(&t.db).await;
        let base = spawn(&t.db, test_config()).await;
        let mut c = Client::new(&base);
        // An attacker plants a session token of their choosing.
        let planted = "a".repeat(64);
        c.cookies.insert("opora_session".into(), planted.clone());
        let p = c.login("mo1", opora_seed::DEMO_PASSWORD).await;
        assert_eq!(p.status, 303, "{}", t.name);
        let issued = c.cookies.get("opora_session").cloned().unwrap();
        assert_ne!(issued, planted, "{}", t.name);
        let mut attacker = Client::new(&base);
        attacker.cookies.insert("opora_session".into(), planted);
        assert_eq!(
            outcome(&attacker.get("/schools").await),
            "login",
            "{}",
            t.name
        );
        // After logout the issued token opens nothing.
        let first = issued.clone();
        c.get("/").await;
        let p = c.post("/logout", &[]).await;
        assert_eq!(p.status, 303, "{}", t.name);
        let mut old = Client::new(&base);
        old.cookies.insert("opora_session".into(), first);
        assert_eq!(outcome(&old.get("/schools").await), "login", "{}", t.name);
        t.db.close().await;
    });
}

/// `Set-Cookie` headers of a response.
fn set_cookies(p: &Page) -> Vec<String> {
    p.headers
        .get_all("set-cookie")
        .iter()
        .map(|v| v.to_str().unwrap().to_string())
        .collect()
}

#[tokio::test]
async fn cookies_are_http_only_strict_and_secure_when_served_over_https() {
    for_each_db!(|t| {
        load_demo(&t.db).await;
        for (cfg, secure) in [
            (test_config(), false),
            (
                opora_web::Config {
                    public_url: opora_web::public_origin("https://opora.example.ru"),
                    ..test_config()
                },
                true,
            ),
            (
                opora_web::Config {
                    secure_cookies: true,
                    ..test_config()
                },
                true,
            ),
        ] {
            let public = cfg.public_url.clone();
            let base = spawn(&t.db, cfg).await;
            let mut c = Client::new(&base);
            let login_page = c.get("/login").await;
            let mut cookies = set_cookies(&login_page);
            let origin = public.unwrap_or_else(|| base.clone());
            let token = c.csrf.clone();
            let p = c
                .post_raw(
                    "/login",
                    &[
                        ("csrf".into(), token),
                        ("login".into(), "region".into()),
                        ("password".into(), opora_seed::DEMO_PASSWORD.into()),
                        ("next".into(), "/".into()),
                    ],
                    &[("origin", origin.as_str())],
                )
                .await;
            assert_eq!(p.status, 303, "{}: {}", t.name, p.body);
            cookies.extend(set_cookies(&p));
            assert!(
                cookies.iter().any(|c| c.starts_with("opora_session=")),
                "{cookies:?}"
            );
            for cookie in &cookies {
                assert!(
                    cookie.contains("HttpOnly")
                        && cookie.contains("SameSite=Strict")
                        && cookie.contains("Path=/"),
                    "{cookie}"
                );
                assert_eq!(cookie.contains("; Secure"), secure, "{cookie}");
            }
        }
        t.db.close().await;
    });
}
