//! The fixes of the web application, on SQLite and PostgreSQL: forms cannot
//! name what the caller could not choose, previews expire, CPU-heavy work
//! stays off the async runtime, sessions and failures are purged, anonymous
//! logins are rate-limited, the public URL behind a proxy, the CSRF token in
//! the body of file forms, audit entries with names, typed Russian errors.

mod common;

use common::*;
use opora_store::users::{NewUser, Role};
use opora_store::Db;
use std::time::{Duration, Instant};

const SEED_DOCX: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../plans/tests/fixtures/seed_002_school46.docx"
);

async fn exec(db: &Db, sql: &str) {
    match db {
        Db::Sqlite(p) => sqlx::query(sql).execute(p).await.map(|_| ()).unwrap(),
        Db::Postgres(p) => sqlx::query(sql).execute(p).await.map(|_| ()).unwrap(),
    }
}

async fn user_id(db: &Db, login: &str) -> i64 {
    db.users()
        .await
        .unwrap()
        .into_iter()
        .find(|u| u.login == login)
        .unwrap()
        .id
}

fn is_russian_error_page(p: &Page) -> bool {
    p.body.contains("<html lang=\"ru\">")
        && p.body.contains("role=\"alert\"")
        && !p.body.contains("Failed to deserialize")
}

#[tokio::test]
async fn support_pairs_accept_only_schools_and_curators_the_caller_could_choose() {
    for_each_db!(|t| {
        load_demo(&t.db).await;
        let base = spawn(&t.db, test_config()).await;
        let ms = municipalities(&t.db).await;
        let first = schools(&t.db, ms[0].id).await;
        let second = schools(&t.db, ms[1].id).await;
        // A curator of the second municipality, and users who are no curators.
        let other_curator =
            t.db.create_user(&NewUser {
                login: "metod2",
                display_name: "Смирнова Ольга Петровна",
                role: Role::Curator,
                municipality_id: Some(ms[1].id),
                school_id: None,
                password_hash: None,
                curated_schools: &[second[0].id],
            })
            .await
            .unwrap();
        let own_curator = user_id(&t.db, "metod1").await;
        let teacher = user_id(&t.db, "teacher1").await;
        let (leader, supported) = (first[3].id.to_string(), first[0].id.to_string());
        let mut mo = logged_in(&base, "mo1").await;
        mo.get("/support").await;
        let pairs_before =
            t.db.support_pairs(&opora_store::scope::Scope::Region)
                .await
                .unwrap()
                .len();
        let attempt = |curators: Vec<String>| {
            let mut f = vec![("leader", leader.clone()), ("supported", supported.clone())];
            f.extend(curators.into_iter().map(|c| ("curator", c)));
            f
        };
        for (curators, why) in [
            (vec!["999999".to_string()], "an unknown user"),
            (
                vec![other_curator.to_string()],
                "another municipality's curator",
            ),
            (vec![teacher.to_string()], "a teacher"),
            (vec!["abc".to_string()], "not a number"),
        ] {
            let f = attempt(curators);
            let fields: Vec<(&str, &str)> = f.iter().map(|(k, v)| (*k, v.as_str())).collect();
            let p = mo.post("/support", &fields).await;
            assert_eq!(p.status, 422, "{why}: {}", p.body);
            assert!(
                is_russian_error_page(&p) && p.body.contains("Куратор"),
                "{why}: {}",
                p.body
            );
        }
        let p = mo
            .post(
                "/support",
                &[
                    ("leader", &second[3].id.to_string()),
                    ("supported", &supported),
                ],
            )
            .await;
        assert_eq!(p.status, 422, "a school of another municipality");
        assert!(p.body.contains("не найдена в вашей зоне ответственности"));
        let p = mo
            .post(
                "/support",
                &[("leader", &supported), ("supported", &supported)],
            )
            .await;
        assert_eq!(p.status, 422, "a school supporting itself");
        assert_eq!(
            t.db.support_pairs(&opora_store::scope::Scope::Region)
                .await
                .unwrap()
                .len(),
            pairs_before,
            "nothing written"
        );
        // The own curator, twice (a repeated field and a comma list): one pair, one curator.
        let own = own_curator.to_string();
        let p = mo
            .post(
                "/support",
                &[
                    ("leader", &leader),
                    ("supported", &supported),
                    ("curator", &own),
                    ("curator", &format!("{own},{own}")),
                ],
            )
            .await;
        assert_eq!(p.status, 303, "{}", p.body);
        let pairs =
            t.db.support_pairs(&opora_store::scope::Scope::Region)
                .await
                .unwrap();
        assert_eq!(pairs.len(), pairs_before + 1);
        let new = pairs.iter().max_by_key(|p| p.id).unwrap();
        assert_eq!(new.curators.len(), 1);
        // The audit entry names the schools and the curator, not their ids.
        let metod1 =
            t.db.users()
                .await
                .unwrap()
                .into_iter()
                .find(|u| u.login == "metod1")
                .unwrap();
        let entry =
            t.db.audit_entries(50)
                .await
                .unwrap()
                .into_iter()
                .find(|e| e.action == "пара поддержки создана" && e.actor == "mo1")
                .unwrap();
        assert!(
            entry.object.contains(&first[3].short_name)
                && entry.object.contains(&first[0].short_name),
            "{}",
            entry.object
        );
        assert!(
            entry.details.contains(&metod1.display_name),
            "{}",
            entry.details
        );
        assert!(!entry.object.contains(&leader) || first[3].short_name.contains(&leader));
        // The municipal administrator reads it in its journal.
        assert!(mo
            .get("/audit")
            .await
            .body
            .contains("пара поддержки создана"));
    });
}

#[tokio::test]
async fn cascades_and_templates_refuse_ids_from_outside_the_callers_lists() {
    for_each_db!(|t| {
        load_demo(&t.db).await;
        let base = spawn(&t.db, test_config()).await;
        let ms = municipalities(&t.db).await;
        let second = schools(&t.db, ms[1].id).await;
        let plans =
            t.db.plans(
                &opora_store::scope::Scope::Region,
                opora_plans::Date::today(),
            )
            .await
            .unwrap();
        let muni = plans.iter().find(|p| p.level == "municipality").unwrap();
        let plan = t.db.plan(muni.id).await.unwrap().unwrap();
        let activity = plan.all_activities()[0].activity.id.unwrap();
        let mut mo = logged_in(&base, "mo1").await;
        mo.get(&format!("/activities/{activity}")).await;
        let p = mo
            .post(
                &format!("/activities/{activity}/cascade"),
                &[("school", &second[0].id.to_string())],
            )
            .await;
        assert_eq!(
            p.status, 422,
            "a school of another municipality is refused, not silently dropped"
        );
        assert!(p.body.contains("не школа этого муниципалитета"));
        assert_eq!(
            mo.post(
                &format!("/plans/{}/template", muni.id),
                &[("template", "1")]
            )
            .await
            .status,
            303
        );
        let p = mo
            .post(
                &format!("/plans/{}/apply", muni.id),
                &[("to", "all"), ("section", "999999")],
            )
            .await;
        assert_eq!(p.status, 422, "a section of another plan");
        let audit = t.db.audit_entries(20).await.unwrap();
        assert!(
            audit
                .iter()
                .any(|e| e.action == "план сделан шаблоном" && e.object.contains(&muni.title)),
            "marking a template is audited"
        );
    });
}

fn previews_config() -> opora_web::Config {
    opora_web::Config {
        preview_ttl: Duration::from_millis(1500),
        previews_per_user: 2,
        ..test_config()
    }
}

fn files_in(dir: &std::path::Path) -> Vec<String> {
    let mut out = Vec::new();
    for e in std::fs::read_dir(dir).unwrap().flatten() {
        if e.path().is_dir() {
            out.extend(files_in(&e.path()));
        } else if !e.file_name().to_string_lossy().starts_with('.') {
            out.push(e.file_name().to_string_lossy().to_string());
        }
    }
    out.sort();
    out
}

#[tokio::test]
async fn previews_expire_and_a_user_keeps_only_the_newest() {
    for_each_db!(|t| {
        load_demo(&t.db).await;
        let (base, maintenance) = spawn_with_maintenance(&t.db, previews_config()).await;
        let mut c = logged_in(&base, "region").await;
        c.get("/upload").await;
        let csv = |n: usize| format!("Код ОО;Муниципалитет\nX{n};Где-то\n").into_bytes();
        let mut previews = Vec::new();
        for n in 1..=3 {
            let p = c
                .upload("schools", &format!("реестр-{n}.csv"), csv(n))
                .await;
            assert_eq!(p.status, 303, "{}", p.body);
            previews.push(p.location);
        }
        // The staged files keep the names they were uploaded with; only two remain.
        assert_eq!(
            files_in(maintenance.upload_dir()),
            ["реестр-2.csv", "реестр-3.csv"]
        );
        assert_eq!(
            c.get(&previews[0]).await.status,
            404,
            "the oldest preview was dropped"
        );
        assert_eq!(c.get(&previews[2]).await.status, 200);
        // A roadmap preview is a page by token too, and expires the same way.
        let mut school = logged_in(&base, "school1").await;
        school.get("/plans").await;
        let target = format!("s:{}", demo_school(&t.db).await);
        let p = school
            .post_file(
                "/plans/import",
                &[("target", &target)],
                "план.docx",
                std::fs::read(SEED_DOCX).unwrap(),
            )
            .await;
        assert_eq!(p.status, 303, "{}", p.body);
        assert_eq!(school.get(&p.location).await.status, 200);
        tokio::time::sleep(Duration::from_millis(1600)).await;
        assert_eq!(
            c.get(&previews[2]).await.status,
            404,
            "an expired preview is not served"
        );
        assert_eq!(
            school.get(&p.location).await.status,
            404,
            "an expired roadmap preview is not served"
        );
        let swept = maintenance.run_once().await;
        assert_eq!(swept.previews, 3);
        assert!(
            files_in(maintenance.upload_dir()).is_empty(),
            "their files are gone"
        );
    });
}

#[tokio::test]
async fn maintenance_purges_expired_sessions_and_old_login_failures() {
    for_each_db!(|t| {
        load_demo(&t.db).await;
        let (base, maintenance) = spawn_with_maintenance(&t.db, test_config()).await;
        let region = user_id(&t.db, "region").await;
        t.db.create_session("expired-session", region, "x", "2000-01-01T00:00:00Z")
            .await
            .unwrap();
        let mut live = logged_in(&base, "mo1").await;
        assert_eq!(
            Client::new(&base).login("somebody", "wrong").await.status,
            401
        );
        assert_eq!(
            Client::new(&base).login("nobody", "wrong").await.status,
            401
        );
        exec(
            &t.db,
            "UPDATE login_failures SET last_at = '2000-01-01T00:00:00Z' WHERE login = 'nobody'",
        )
        .await;
        let swept = maintenance.run_once().await;
        assert_eq!((swept.sessions, swept.login_failures), (1, 1));
        assert_eq!(live.get("/").await.status, 200, "a live session stays");
        assert_eq!(
            maintenance.run_once().await,
            opora_web::maintenance::Sweep::default(),
            "nothing left to remove"
        );
    });
}

#[tokio::test]
async fn anonymous_password_checks_are_limited_across_the_server() {
    for_each_db!(|t| {
        load_demo(&t.db).await;
        let base = spawn(
            &t.db,
            opora_web::Config {
                login_per_second: 1,
                ..test_config()
            },
        )
        .await;
        let mut statuses = Vec::new();
        let mut refused = None;
        let started = Instant::now();
        for n in 0..12 {
            // A different login each time: the per-login lock-out does not apply.
            let p = Client::new(&base)
                .login(&format!("guess{n}"), "wrong")
                .await;
            statuses.push(p.status);
            if p.status == 429 && refused.is_none() {
                refused = Some(p);
            }
        }
        // At most the burst (2) and one more per second that passed.
        let allowed = 2 + started.elapsed().as_secs() as usize + 1;
        assert!(
            statuses.iter().filter(|s| **s == 401).count() <= allowed,
            "{statuses:?} in {:?}",
            started.elapsed()
        );
        let p = refused.unwrap_or_else(|| panic!("no login was refused: {statuses:?}"));
        assert!(p.body.contains("слишком много попыток входа"), "{}", p.body);
        assert!(p.headers.get("retry-after").is_some());
        // Refused checks are no failures of the login.
        let failures =
            t.db.audit_entries(100)
                .await
                .unwrap()
                .iter()
                .filter(|e| e.action == "неудачный вход")
                .count();
        assert_eq!(failures, statuses.iter().filter(|s| **s == 401).count());
    });
}

#[tokio::test]
async fn behind_a_reverse_proxy_the_public_url_is_the_origin() {
    for_each_db!(|t| {
        load_demo(&t.db).await;
        let cfg = opora_web::Config {
            public_url: opora_web::public_origin("HTTPS://Opora.Example.ru:443/"),
            ..test_config()
        };
        let base = spawn(&t.db, cfg).await;
        let form = |c: &Client| {
            vec![
                ("login".to_string(), "region".to_string()),
                ("password".into(), "demo".into()),
                ("csrf".into(), c.csrf.clone()),
            ]
        };
        // The browser talks to https://opora.example.ru; the server sees the proxy's Host.
        let mut c = Client::new(&base);
        let page = c.get("/login").await;
        assert!(
            page.headers
                .get("set-cookie")
                .unwrap()
                .to_str()
                .unwrap()
                .contains("Secure"),
            "an https public URL makes cookies Secure"
        );
        let p = c
            .post_raw(
                "/login",
                &form(&c),
                &[("origin", "https://opora.example.ru")],
            )
            .await;
        assert_eq!(p.status, 303, "{}", p.body);
        assert!(p
            .headers
            .get("set-cookie")
            .unwrap()
            .to_str()
            .unwrap()
            .contains("Secure"));
        let mut c = Client::new(&base);
        c.get("/login").await;
        let p = c
            .post_raw(
                "/login",
                &form(&c),
                &[("referer", "https://opora.example.ru/login")],
            )
            .await;
        assert_eq!(p.status, 303, "a Referer of the public URL");
        // The server's own address and other sites are not the public URL.
        for origin in [
            base.as_str(),
            "https://evil.example",
            "http://opora.example.ru",
        ] {
            let mut c = Client::new(&base);
            c.get("/login").await;
            let p = c.post_raw("/login", &form(&c), &[("origin", origin)]).await;
            assert_eq!(p.status, 403, "{origin}");
        }
    });
}

#[tokio::test]
async fn file_forms_carry_the_csrf_token_in_the_body_first_and_previews_are_get_pages() {
    for_each_db!(|t| {
        load_demo(&t.db).await;
        let base = spawn(&t.db, test_config()).await;
        let mut c = logged_in(&base, "region").await;
        for page in ["/upload", "/plans"] {
            let p = c.get(page).await;
            assert!(
                !p.body.contains("csrf="),
                "{page}: no token in a form's address"
            );
        }
        let csv = "Код ОО;Муниципалитет\nX1;Где-то\n".as_bytes().to_vec();
        let token = c.csrf.clone();
        // In the URL only: refused.
        let p = c
            .post_multipart(
                &format!("/upload?csrf={token}"),
                &[("kind", "schools")],
                "a.csv",
                csv.clone(),
            )
            .await;
        assert_eq!(p.status, 403, "a token in the URL is not accepted");
        // After the file: refused (the check reads only the head of the body).
        let form = reqwest::multipart::Form::new()
            .text("kind", "schools")
            .part(
                "file",
                reqwest::multipart::Part::bytes(csv.clone()).file_name("a.csv"),
            )
            .text("csrf", token.clone());
        let cookie = c
            .cookies
            .iter()
            .map(|(k, v)| format!("{k}={v}"))
            .collect::<Vec<_>>()
            .join("; ");
        let res = c
            .http
            .post(format!("{base}/upload"))
            .header("cookie", cookie)
            .multipart(form)
            .send()
            .await
            .unwrap();
        assert_eq!(res.status().as_u16(), 403);
        // First in the body: accepted, and the file arrives whole.
        let header = "Код ОО;Муниципалитет;Полное наименование;Краткое наименование;Тип;Местность;Контингент\n".to_string();
        let rows = (0..20_000).map(|n| format!("X{n};Район;Школа № {n};Школа {n};СОШ;город;100\n"));
        let big: Vec<u8> = std::iter::once(header)
            .chain(rows)
            .collect::<String>()
            .into_bytes();
        let p = c
            .post_file("/upload", &[("kind", "schools")], "большой.csv", big)
            .await;
        assert_eq!(p.status, 303, "{}", p.body);
        let preview = c.get(&p.location).await;
        assert!(
            preview.body.contains("большой.csv") && preview.body.contains("Строк: 20000"),
            "the file arrived whole: {}",
            &preview.body[..preview.body.len().min(3000)]
        );
        // The roadmap preview reloads; its form's address opened directly is a Russian page.
        c.get("/plans").await;
        let p = c
            .post_file(
                "/plans/import",
                &[("target", "region")],
                "план.docx",
                std::fs::read(SEED_DOCX).unwrap(),
            )
            .await;
        assert_eq!(p.status, 303, "{}", p.body);
        for _ in 0..2 {
            let again = c.get(&p.location).await;
            assert_eq!(again.status, 200, "reloading the preview");
            assert!(again.body.contains("Сохранить план"));
        }
        let p = c.get("/plans/import").await;
        assert_eq!(p.status, 405);
        assert!(
            is_russian_error_page(&p) && p.body.contains("только отправку формы"),
            "{}",
            p.body
        );
    });
}

#[tokio::test]
async fn the_audit_log_names_files_schools_and_users() {
    for_each_db!(|t| {
        load_demo(&t.db).await;
        let base = spawn(&t.db, test_config()).await;
        let mut region = logged_in(&base, "region").await;
        region.get("/upload").await;
        let m = municipalities(&t.db).await[0].name.clone();
        let good = format!("Код ОО;Муниципалитет;Полное наименование;Краткое наименование;Тип;Местность;Контингент\nNEW-9;{m};Школа «Новая»;Новая;СОШ;город;100\n");
        let p = region
            .upload("schools", "реестр новых школ.csv", good.into_bytes())
            .await;
        assert_eq!(
            region
                .post(&format!("{}/confirm", p.location), &[])
                .await
                .status,
            303
        );
        let teacher = user_id(&t.db, "teacher1").await;
        region.get(&format!("/users/{teacher}")).await;
        region.get("/users").await;
        let audit = t.db.audit_entries(100).await.unwrap();
        let import = audit
            .iter()
            .find(|e| e.action.starts_with("импорт"))
            .unwrap();
        assert_eq!(
            import.object, "реестр новых школ.csv",
            "the file as uploaded, not the temporary name"
        );
        let viewed = audit
            .iter()
            .find(|e| e.action == "просмотр пользователя")
            .expect("reading a user's page is audited");
        assert!(
            viewed.object.starts_with("teacher1 (") && viewed.object.len() > "teacher1 ()".len(),
            "{}",
            viewed.object
        );
        assert!(audit
            .iter()
            .any(|e| e.action == "просмотр списка пользователей"));
    });
}

#[tokio::test]
async fn errors_are_typed_and_answered_in_russian() {
    for_each_db!(|t| {
        load_demo(&t.db).await;
        let base = spawn(&t.db, test_config()).await;
        let mut mo = logged_in(&base, "mo1").await;
        mo.get("/support").await;
        // A form without its field: the Russian error page, not axum's English text.
        let plans =
            t.db.plans(
                &opora_store::scope::Scope::Region,
                opora_plans::Date::today(),
            )
            .await
            .unwrap();
        let plan = plans.iter().find(|p| p.level == "municipality").unwrap().id;
        let p = mo.post(&format!("/plans/{plan}/status"), &[]).await;
        assert_eq!(p.status, 422);
        assert!(
            is_russian_error_page(&p) && p.body.contains("Форма заполнена неверно"),
            "{}",
            p.body
        );
        let p = mo.get("/plans/abc").await;
        assert_eq!(p.status, 404);
        assert!(is_russian_error_page(&p));
        let (status, j) = mo.json("/api/runs/abc").await;
        assert_eq!(status, 404);
        assert!(j["error"].as_str().unwrap().contains("не найдена"), "{j}");
        // A body that is not a form.
        let token = mo.csrf.clone();
        let cookie = mo
            .cookies
            .iter()
            .map(|(k, v)| format!("{k}={v}"))
            .collect::<Vec<_>>()
            .join("; ");
        let res = mo
            .http
            .post(format!("{base}/support"))
            .header("cookie", cookie)
            .header("x-csrf-token", token)
            .header("content-type", "text/plain")
            .body("leader=1")
            .send()
            .await
            .unwrap();
        assert_eq!(res.status().as_u16(), 415);
        assert!(res.text().await.unwrap().contains("<html lang=\"ru\">"));
        // Two administrators create the same login at once: one wins, the other gets 409.
        let mut region = logged_in(&base, "region").await;
        region.get("/users").await;
        mo.get("/users").await;
        let ms = municipalities(&t.db).await;
        let form = |c: &Client| {
            vec![
                ("login".to_string(), "twin".to_string()),
                ("display_name".into(), "Двойник".into()),
                ("role".into(), "municipality".into()),
                ("municipality".into(), ms[0].id.to_string()),
                ("password".into(), "password-1".into()),
                ("repeat".into(), "password-1".into()),
                ("csrf".into(), c.csrf.clone()),
            ]
        };
        let (fa, fb) = (form(&region), form(&mo));
        let (a, b) = tokio::join!(
            region.post_raw("/users", &fa, &[]),
            mo.post_raw("/users", &fb, &[])
        );
        let mut statuses = [a.status, b.status];
        statuses.sort();
        assert!(
            statuses == [303, 409] || statuses == [303, 400],
            "{statuses:?}"
        );
        let loser = if a.status == 303 { &b } else { &a };
        assert!(loser.body.contains("«twin» уже занят"), "{}", loser.body);
        // A damaged stored value is a 500 with a Russian page, never read as a default.
        exec(
            &t.db,
            &format!("UPDATE plan_activities SET status = 'потеряно' WHERE plan_id = {plan}"),
        )
        .await;
        let p = region.get(&format!("/plans/{plan}")).await;
        assert_eq!(p.status, 500);
        assert!(
            p.body.contains("Сохранённые данные повреждены"),
            "{}",
            p.body
        );
    });
}

/// An XLSX roadmap of `rows` activities.
fn big_roadmap(rows: usize) -> Vec<u8> {
    let mut book = rust_xlsxwriter::Workbook::new();
    let ws = book.add_worksheet();
    ws.write_string(0, 0, "План мероприятий школы на 2026-2027 учебный год")
        .unwrap();
    for (c, h) in ["№", "Мероприятие", "Срок", "Ответственный", "Результат"]
        .iter()
        .enumerate()
    {
        ws.write_string(2, c as u16, *h).unwrap();
    }
    for r in 0..rows {
        let row = 3 + r as u32;
        ws.write_string(row, 0, format!("{}.", r + 1)).unwrap();
        ws.write_string(
            row,
            1,
            format!("Мероприятие номер {r}: методический семинар для учителей"),
        )
        .unwrap();
        ws.write_string(
            row,
            2,
            [
                "октябрь 2026",
                "до 15.12.2026",
                "ежемесячно",
                "в течение года",
            ][r % 4],
        )
        .unwrap();
        ws.write_string(row, 3, "Заместитель директора по УВР")
            .unwrap();
        ws.write_string(row, 4, "Протокол").unwrap();
    }
    book.save_to_buffer().unwrap()
}

#[tokio::test]
async fn reading_a_roadmap_does_not_stall_other_requests() {
    // The test runtime has one thread: work done inline would hold every request.
    for_each_db!(|t| {
        load_demo(&t.db).await;
        let base = spawn(&t.db, test_config()).await;
        // A document that takes the parser at least a third of a second here.
        let opts = opora_plans::ImportOptions {
            file_name: "big.xlsx".into(),
            ..Default::default()
        };
        let (mut rows, mut bytes, mut parse) = (2_000, Vec::new(), Duration::ZERO);
        while parse < Duration::from_millis(400) && rows <= 128_000 {
            bytes = big_roadmap(rows);
            let started = Instant::now();
            opora_plans::import_bytes(&bytes, &opts).unwrap();
            parse = started.elapsed();
            rows *= 2;
        }
        assert!(
            parse >= Duration::from_millis(400),
            "the roadmap parses too fast to measure: {parse:?}"
        );
        let mut school = logged_in(&base, "school1").await;
        school.get("/plans").await;
        let target = format!("s:{}", demo_school(&t.db).await);
        let probe = reqwest::Client::new();
        let done = std::cell::Cell::new(false);
        let upload = async {
            let p = school
                .post_file(
                    "/plans/import",
                    &[("target", &target)],
                    "большой план.xlsx",
                    bytes,
                )
                .await;
            done.set(true);
            p
        };
        // Health checks every 10 ms for as long as the upload is being handled.
        let watch = async {
            let (mut worst, until) = (Duration::ZERO, Instant::now() + Duration::from_secs(120));
            while !done.get() && Instant::now() < until {
                let started = Instant::now();
                assert_eq!(
                    probe
                        .get(format!("{base}/healthz"))
                        .send()
                        .await
                        .unwrap()
                        .status(),
                    200
                );
                worst = worst.max(started.elapsed());
                tokio::time::sleep(Duration::from_millis(10)).await;
            }
            worst
        };
        let (p, worst) = tokio::join!(upload, watch);
        assert_eq!(p.status, 303, "{}", p.body);
        assert!(
            worst < parse / 3,
            "a health check waited {worst:?} while a {parse:?} parse ran"
        );
    });
}
