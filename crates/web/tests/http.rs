//! HTTP-level tests of the web application on SQLite and PostgreSQL: the
//! real app on a free port, the demo region, the demo users; for every role
//! the positive paths and the negative ones (other scopes → 404, no CSRF →
//! 403, lock-out, upload limits).

mod common;

use common::*;
use opora_store::scope::Scope;
use opora_store::Db;

/// What each demo login should see.
struct Expect {
    login: &'static str,
    schools: usize,
    /// A school code inside the scope and one outside it.
    inside: String,
    outside: String,
    /// A municipality outside the scope (None for the region).
    other_municipality: Option<i64>,
}

async fn expectations(db: &Db) -> Vec<Expect> {
    let ms = municipalities(db).await;
    let (m1, m2) = (ms[0].id, ms[1].id);
    let first = schools(db, m1).await;
    let second = schools(db, m2).await;
    let all = db.schools(None).await.unwrap();
    vec![
        Expect {
            login: "region",
            schools: all.len(),
            inside: second[0].code.clone(),
            outside: String::new(),
            other_municipality: None,
        },
        Expect {
            login: "mo1",
            schools: first.len(),
            inside: first[5].code.clone(),
            outside: second[0].code.clone(),
            other_municipality: Some(m2),
        },
        Expect {
            login: "metod1",
            schools: 3,
            inside: first[2].code.clone(),
            outside: first[3].code.clone(),
            other_municipality: Some(m2),
        },
        Expect {
            login: "school1",
            schools: 1,
            inside: first[0].code.clone(),
            outside: first[1].code.clone(),
            other_municipality: Some(m2),
        },
        Expect {
            login: "teacher1",
            schools: 1,
            inside: first[0].code.clone(),
            outside: second[1].code.clone(),
            other_municipality: Some(m2),
        },
    ]
}

#[tokio::test]
async fn every_role_sees_its_scope_and_nothing_else_through_pages_and_api() {
    for_each_db!(|t| {
        let run_id = load_demo(&t.db).await.run_id;
        let base = spawn(&t.db, test_config()).await;
        for e in expectations(&t.db).await {
            eprintln!("role {}", e.login);
            let mut c = logged_in(&base, e.login).await;
            let home = c.get("/").await;
            assert_eq!(home.status, 200);
            // A school's staff see their school; the others the overview.
            let overview = if e.schools == 1 {
                "id=\"own-verdict\""
            } else {
                "Школы по категориям"
            };
            assert!(home.body.contains(overview), "{}", e.login);
            // The list: all schools of the scope, and only them.
            let (s, list) = c.json("/api/schools?per_page=1000").await;
            assert_eq!(s, 200);
            assert_eq!(
                list["total"].as_u64().unwrap() as usize,
                e.schools,
                "{}",
                e.login
            );
            let page = c.get("/schools").await;
            assert!(
                page.body
                    .contains(&format!("<strong id=\"found\">{}</strong>", e.schools)),
                "{}",
                e.login
            );
            // Own card opens, page and API.
            assert_eq!(
                c.get(&format!("/schools/{}", e.inside)).await.status,
                200,
                "{}",
                e.login
            );
            assert_eq!(c.json(&format!("/api/schools/{}", e.inside)).await.0, 200);
            if !e.outside.is_empty() {
                // Another school's card: 404, page and API.
                let p = c.get(&format!("/schools/{}", e.outside)).await;
                assert_eq!(p.status, 404, "{} sees {}", e.login, e.outside);
                assert!(!p.body.contains(&e.outside));
                // The error page keeps the user's navigation and shows no status code.
                assert!(
                    p.body.contains("aria-label=\"Разделы\"") && p.body.contains("Не найдено"),
                    "{}",
                    e.login
                );
                assert!(!p.body.contains("Код ответа"));
                let (s, j) = c.json(&format!("/api/schools/{}", e.outside)).await;
                assert_eq!(s, 404);
                assert!(j["error"].is_string());
            }
            if let Some(m) = e.other_municipality {
                // Another municipality's list is empty; its municipalities are not listed.
                let p = c.get(&format!("/schools?municipality={m}")).await;
                assert!(
                    p.body.contains("<strong id=\"found\">0</strong>"),
                    "{}",
                    e.login
                );
                let (_, j) = c.json(&format!("/api/schools?municipality={m}")).await;
                assert_eq!(j["total"], 0);
                let (_, ms) = c.json("/api/municipalities").await;
                assert!(
                    ms.as_array().unwrap().iter().all(|x| x["id"] != m),
                    "{}",
                    e.login
                );
                // The run's lists and XLSX hold only schools in scope.
                let (s, run) = c.json(&format!("/api/runs/{run_id}")).await;
                assert_eq!(s, 200);
                let codes: Vec<&str> = run["schools"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .map(|s| s["school_id"].as_str().unwrap())
                    .collect();
                assert!(codes.len() <= e.schools);
                assert!(!codes.contains(&e.outside.as_str()));
                let run_page = c.get(&format!("/identification/runs/{run_id}")).await;
                assert_eq!(run_page.status, 200);
                assert!(
                    !run_page.body.contains(&format!("/schools/{}\"", e.outside)),
                    "{} run page leaks",
                    e.login
                );
                // Each sign of non-objective results: found against expected by chance.
                assert!(
                    run_page.body.contains("id=\"sign-tests\"")
                        && run_page.body.contains("Ожидается случайно"),
                    "{}",
                    e.login
                );
            }
            // Role-limited areas.
            let admin = matches!(e.login, "region" | "mo1");
            assert_eq!(
                c.get("/users").await.status,
                if admin { 200 } else { 403 },
                "{}",
                e.login
            );
            assert_eq!(
                c.get("/audit").await.status,
                if admin { 200 } else { 403 },
                "{}",
                e.login
            );
            // The municipality and the school upload their staff files.
            assert_eq!(
                c.get("/upload").await.status,
                if matches!(e.login, "region" | "mo1" | "school1") {
                    200
                } else {
                    403
                },
                "{}",
                e.login
            );
            if e.login != "region" {
                c.get("/identification").await;
                let p = c.post("/identification", &[("low_percent", "10")]).await;
                assert_eq!(p.status, 403, "{} may not run identification", e.login);
            }
            let (s, me) = c.json("/api/me").await;
            assert_eq!(s, 200);
            assert_eq!(me["login"], e.login);
        }
        // The municipal administrator manages its own users only.
        let mut mo = logged_in(&base, "mo1").await;
        let users = t.db.users().await.unwrap();
        let region_user = users.iter().find(|u| u.login == "region").unwrap();
        let teacher = users.iter().find(|u| u.login == "teacher1").unwrap();
        assert_eq!(
            mo.get(&format!("/users/{}", region_user.id)).await.status,
            404
        );
        assert_eq!(mo.get(&format!("/users/{}", teacher.id)).await.status, 200);
        let list = mo.get("/users").await;
        assert!(!list.body.contains(">region<"));
        // Unknown objects are 404 as well.
        assert_eq!(mo.get("/schools/NO-SUCH-SCHOOL").await.status, 404);
        assert_eq!(mo.get("/identification/runs/999999").await.status, 404);
        t.db.close().await;
    });
}

#[tokio::test]
async fn state_changing_requests_need_the_csrf_token_and_same_origin() {
    for_each_db!(|t| {
        load_demo(&t.db).await;
        let base = spawn(&t.db, test_config()).await;
        for login in ["region", "mo1", "metod1", "school1", "teacher1"] {
            let mut c = logged_in(&base, login).await;
            // No token: 403, and the session is still there.
            let p = c.post_raw("/logout", &[], &[]).await;
            assert_eq!(p.status, 403, "{login}");
            assert!(p.body.contains("CSRF"));
            // A wrong token.
            let p = c
                .post_raw(
                    "/account",
                    &[
                        ("csrf".into(), "0".repeat(64)),
                        ("current".into(), "demo".into()),
                    ],
                    &[],
                )
                .await;
            assert_eq!(p.status, 403, "{login}");
            // The right token from another site.
            let token = c.csrf.clone();
            let p = c
                .post_raw(
                    "/logout",
                    &[("csrf".into(), token.clone())],
                    &[("origin", "http://evil.example")],
                )
                .await;
            assert_eq!(p.status, 403, "{login}");
            // The JSON API answers in JSON.
            let p = c.post_raw("/api/schools", &[], &[]).await;
            assert_eq!(p.status, 403);
            assert!(p.body.starts_with('{'));
            assert_eq!(c.get("/").await.status, 200, "{login} still logged in");
            // With the token and our origin it works.
            let p = c
                .post_raw("/logout", &[("csrf".into(), token)], &[("origin", &base)])
                .await;
            assert_eq!(p.status, 303, "{login}");
            assert_eq!(c.get("/").await.status, 303, "{login} logged out");
        }
        // The login form needs its own token too.
        let mut anon = Client::new(&base);
        let p = anon
            .post_raw(
                "/login",
                &[
                    ("login".into(), "region".into()),
                    ("password".into(), "demo".into()),
                ],
                &[],
            )
            .await;
        assert_eq!(p.status, 403);
        t.db.close().await;
    });
}

#[tokio::test]
async fn login_locks_out_after_repeated_failures_and_pages_need_login() {
    for_each_db!(|t| {
        load_demo(&t.db).await;
        let base = spawn(&t.db, test_config()).await;
        let mut anon = Client::new(&base);
        // Pages redirect to the login form; the API answers 401 in JSON.
        let p = anon.get("/schools?q=1").await;
        assert_eq!(p.status, 303);
        assert!(
            p.location.starts_with("/login?next=/schools"),
            "{}",
            p.location
        );
        let (s, j) = anon.json("/api/schools").await;
        assert_eq!((s, j["status"].as_u64()), (401, Some(401)));
        let login = anon.get("/login").await;
        assert_eq!(login.status, 200);
        assert!(login.body.contains("Вход"));
        let cookie = login
            .headers
            .get("set-cookie")
            .unwrap()
            .to_str()
            .unwrap()
            .to_string();
        assert!(
            cookie.contains("HttpOnly") && cookie.contains("SameSite=Strict"),
            "{cookie}"
        );
        // Wrong passwords: four are refused, the fifth locks the login.
        let mut c = Client::new(&base);
        for i in 1..=5 {
            let p = c.login("mo1", "wrong-password").await;
            assert_eq!(p.status, if i < 5 { 401 } else { 429 }, "attempt {i}");
        }
        // Now even the right password is refused.
        let p = c.login("mo1", "demo").await;
        assert_eq!(p.status, 429);
        assert!(p.body.contains("временно заблокирован"));
        // Other users are not affected; the session cookie is strict.
        let p = c.login("region", "demo").await;
        assert_eq!(p.status, 303);
        let cookie = p
            .headers
            .get("set-cookie")
            .unwrap()
            .to_str()
            .unwrap()
            .to_string();
        assert!(
            cookie.starts_with("opora_session=")
                && cookie.contains("HttpOnly")
                && cookie.contains("SameSite=Strict"),
            "{cookie}"
        );
        // The audit log shows the failures and the lock; the region reads it, filtered.
        c.get("/").await;
        let audit = c.get("/audit?actor=mo1").await;
        assert!(audit.body.contains("неудачный вход") && audit.body.contains("блокировка входа"));
        let audit = c
            .get(&format!("/audit?action={}", enc("блокировка входа")))
            .await;
        assert!(
            audit.body.contains("<strong id=\"audit-total\">1</strong>"),
            "{}",
            audit.body
        );
        // The administrator's password reset unlocks it.
        let mo1 =
            t.db.users()
                .await
                .unwrap()
                .into_iter()
                .find(|u| u.login == "mo1")
                .unwrap();
        c.get(&format!("/users/{}", mo1.id)).await;
        let p = c
            .post(
                &format!("/users/{}/password", mo1.id),
                &[("password", "new-secret-1"), ("repeat", "new-secret-1")],
            )
            .await;
        assert_eq!(
            (p.status, p.location.as_str()),
            (303, format!("/users/{}?done=password", mo1.id).as_str())
        );
        assert!(c.get(&p.location).await.body.contains("Пароль изменён"));
        assert_eq!(
            Client::new(&base).login("mo1", "new-secret-1").await.status,
            303
        );
        t.db.close().await;
    });
}

#[tokio::test]
async fn security_headers_on_every_page() {
    for_each_db!(|t| {
        load_demo(&t.db).await;
        let base = spawn(&t.db, test_config()).await;
        let mut c = logged_in(&base, "region").await;
        for path in [
            "/",
            "/schools",
            "/login",
            "/static/opora.css",
            "/api/me",
            "/nope",
        ] {
            let p = c.get(path).await;
            let csp = p
                .headers
                .get("content-security-policy")
                .unwrap()
                .to_str()
                .unwrap();
            assert!(
                csp.contains("default-src 'self'")
                    && csp.contains("script-src 'self'")
                    && !csp.contains("unsafe-inline"),
                "{path}"
            );
            assert_eq!(p.headers.get("x-content-type-options").unwrap(), "nosniff");
        }
        // No inline scripts or styles in the pages.
        let home = c.get("/").await;
        assert!(
            !home.body.contains("<script>")
                && !home.body.contains("style=")
                && !home.body.contains("<style")
        );
        t.db.close().await;
    });
}

#[tokio::test]
async fn uploads_are_checked_before_anything_is_written() {
    for_each_db!(|t| {
        load_demo(&t.db).await;
        let base = spawn(&t.db, test_config()).await;
        let mut c = logged_in(&base, "region").await;
        c.get("/upload").await;
        // Too large: 413.
        let p = c
            .upload("results", "big.csv", vec![b'a'; 3 * 1024 * 1024])
            .await;
        assert_eq!(p.status, 413, "{}", p.body);
        // Not CSV or XLSX: 415.
        let p = c
            .upload("results", "report.pdf", b"%PDF-1.4".to_vec())
            .await;
        assert_eq!(p.status, 415);
        let p = c
            .upload("results", "fake.xlsx", b"year,school_id\n".to_vec())
            .await;
        assert_eq!(p.status, 415);
        // Without the token: 403.
        let token = std::mem::take(&mut c.csrf);
        let p = c.upload("results", "r.csv", b"x".to_vec()).await;
        assert_eq!(p.status, 403);
        c.csrf = token;
        // A results file with errors: the preview lists them; nothing is written.
        let before = t.db.count("pupil_results").await.unwrap();
        let codes = t.db.schools(None).await.unwrap();
        let bad = format!(
            "Год;Код ОО;Процедура;Предмет;Класс;Код участника;Первичный балл;Отметка\n\
             2025;{};ВПР;Математика;5;X1;12;4\n2025;NO-SUCH;ВПР;Математика;5;X2;10;3\n2025;{};ВПР;Математика;5;X3;много;3\n",
            codes[0].code, codes[0].code
        );
        let p = c.upload("results", "ошибки.csv", bad.into_bytes()).await;
        assert_eq!(p.status, 303, "{}", p.body);
        let preview = c.get(&p.location).await;
        assert_eq!(preview.status, 200);
        assert!(
            preview.body.contains("id=\"check-errors\""),
            "{}",
            preview.body
        );
        assert!(preview.body.contains("NO-SUCH") && preview.body.contains("много"));
        assert!(!preview.body.contains("id=\"confirm\""));
        // Confirming anyway is refused by the all-or-nothing import.
        let done = c.post(&format!("{}/confirm", p.location), &[]).await;
        assert_eq!(
            (done.status, done.location.clone()),
            (303, format!("{}/result", p.location))
        );
        let done = c.get(&done.location).await;
        assert_eq!(done.status, 422);
        assert!(done.body.contains("Ничего не записано"));
        assert_eq!(t.db.count("pupil_results").await.unwrap(), before);
        // Someone else's upload is not found (by another uploader), nor
        // open to one who uploads nothing.
        let mut other = logged_in(&base, "mo1").await;
        assert_eq!(other.get(&p.location).await.status, 404);
        let mut curator = logged_in(&base, "metod1").await;
        assert_eq!(curator.get(&p.location).await.status, 403);
        // A good registry file: preview, mapping, confirm; then the school is there.
        let m = municipalities(&t.db).await[0].name.clone();
        let good = format!("Код;Район;Наименование;Краткое\nNEW-001;{m};Муниципальное бюджетное общеобразовательное учреждение «Новая школа»;МБОУ «Новая школа»\n");
        let p = c.upload("schools", "новая.csv", good.into_bytes()).await;
        let preview = c.get(&p.location).await;
        // «Код», «Район», «Краткое» are not known aliases: the mapping is asked for.
        assert!(
            preview.body.contains("id=\"mapping-error\""),
            "{}",
            preview.body
        );
        let mapped = c
            .post(
                &format!("{}/map", p.location),
                &[
                    ("map_school_id", "Код"),
                    ("map_municipality", "Район"),
                    ("map_full_name", "Наименование"),
                    ("map_short_name", "Краткое"),
                ],
            )
            .await;
        assert_eq!(mapped.status, 303);
        let preview = c.get(&p.location).await;
        assert!(preview.body.contains("id=\"check-ok\""), "{}", preview.body);
        assert!(
            t.db.school_by_code("NEW-001").await.unwrap().is_none(),
            "nothing written before confirmation"
        );
        let done = c.post(&format!("{}/confirm", p.location), &[]).await;
        assert_eq!(done.status, 303, "{}", done.body);
        let done = c.get(&done.location).await;
        assert_eq!(done.status, 200, "{}", done.body);
        assert!(t.db.school_by_code("NEW-001").await.unwrap().is_some());
        let audit = c.get("/audit").await;
        assert!(audit.body.contains("импорт: реестр школ"));
        t.db.close().await;
    });
}

#[tokio::test]
async fn identification_runs_compare_and_export_lists() {
    for_each_db!(|t| {
        load_demo(&t.db).await;
        let base = spawn(&t.db, test_config()).await;
        let mut c = logged_in(&base, "region").await;
        let page = c.get("/identification").await;
        assert!(page.body.contains("id=\"run-form\""));
        // A bad parameter comes back with a message.
        let p = c
            .post(
                "/identification",
                &[
                    ("low_percent", "150"),
                    ("shnsu_percent", "10"),
                    ("years_k", "2"),
                    ("years_y", "3"),
                    ("min_results", "10"),
                    ("select", "backward"),
                    ("p_remove", "0,05"),
                    ("weights", "none"),
                ],
            )
            .await;
        assert_eq!(p.status, 400);
        assert!(p.body.contains("id=\"run-error\""));
        let run = |low: &'static str| {
            [
                ("low_percent", low),
                ("shnsu_percent", "10"),
                ("years_k", "2"),
                ("years_y", "3"),
                ("min_results", "10"),
                ("select", "backward"),
                ("p_remove", "0,05"),
                ("weights", "none"),
            ]
        };
        let p = c.post("/identification", &run("10")).await;
        assert_eq!(p.status, 303, "{}", p.body);
        let first = p.location.clone();
        let shown = c.get(&first).await;
        assert_eq!(shown.status, 200);
        assert!(shown.body.contains("<svg") && shown.body.contains("<a href=\"/schools/"));
        assert!(shown.body.contains("Коэффициенты") && shown.body.contains("ШНОР"));
        c.get("/identification").await;
        let p = c.post("/identification", &run("20")).await;
        assert_eq!(p.status, 303);
        let second = p.location.clone();
        let (a, b) = (
            first.rsplit('/').next().unwrap(),
            second.rsplit('/').next().unwrap(),
        );
        let cmp = c.get(&format!("/identification/compare?a={a}&b={b}")).await;
        assert_eq!(cmp.status, 200);
        assert!(
            cmp.body.contains("Вошли"),
            "a wider list has schools entering"
        );
        // Home shows the latest run and the changes.
        let home = c.get("/").await;
        assert!(
            home.body.contains(&format!("Расчёт № {b}"))
                && home.body.contains("Изменения по сравнению")
        );
        // XLSX: the lists as an order's appendix, and the school list.
        let (s, bytes, ct) = c.get_bytes(&format!("{second}/lists.xlsx")).await;
        assert_eq!(s, 200);
        assert!(ct.contains("spreadsheetml") && bytes.starts_with(b"PK"));
        let (s, bytes, _) = c.get_bytes("/schools.xlsx?category=shnor").await;
        assert_eq!(s, 200);
        assert!(bytes.starts_with(b"PK"));
        let (s, svg, ct) = c.get_bytes(&format!("{second}/scatter.svg")).await;
        assert_eq!(s, 200);
        assert!(ct.starts_with("image/svg+xml") && svg.starts_with(b"<svg"));
        let audit = c.get("/audit").await;
        assert!(
            audit.body.contains("запуск идентификации")
                && audit.body.contains("экспорт: списки расчёта")
        );
        // A school's card shows its line in both runs.
        let code = t.db.schools(None).await.unwrap()[0].code.clone();
        let card = c.get(&format!("/schools/{code}")).await;
        assert!(card.body.contains(&format!("№ {a}")) && card.body.contains(&format!("№ {b}")));
        assert!(card.body.contains("Динамика результатов") && card.body.contains("<svg"));
        t.db.close().await;
    });
}

#[tokio::test]
async fn school_search_ignores_case_and_yo_and_sorts() {
    for_each_db!(|t| {
        load_demo(&t.db).await;
        let base = spawn(&t.db, test_config()).await;
        let mut c = logged_in(&base, "region").await;
        // A school whose name has «ё» or «е».
        let schools = t.db.schools(None).await.unwrap();
        let s = schools
            .iter()
            .find(|s| s.full_name.contains('ё') || s.full_name.contains("Берёз"))
            .unwrap_or(&schools[0]);
        let word = s
            .full_name
            .split(' ')
            .find(|w| w.contains('ё'))
            .unwrap_or("Берёзовский")
            .trim_matches(|c: char| !c.is_alphabetic());
        let variants = [
            word.to_string(),
            word.to_uppercase(),
            word.replace('ё', "е"),
            word.replace('ё', "е").to_lowercase(),
        ];
        let mut totals = Vec::new();
        for v in &variants {
            let (_, j) = c
                .json(&format!("/api/schools?per_page=1000&q={}", enc(v)))
                .await;
            totals.push(j["total"].as_u64().unwrap());
        }
        assert!(totals[0] > 0, "{word}");
        assert!(
            totals.iter().all(|n| *n == totals[0]),
            "{variants:?} → {totals:?}"
        );
        // Sorting by name descending reverses the ascending order; pages cut it.
        let (_, asc) = c.json("/api/schools?sort=name&per_page=1000").await;
        let (_, desc) = c
            .json("/api/schools?sort=name&dir=desc&per_page=1000")
            .await;
        let names = |j: &serde_json::Value| {
            j["rows"]
                .as_array()
                .unwrap()
                .iter()
                .map(|r| r["school"]["code"].as_str().unwrap().to_string())
                .collect::<Vec<_>>()
        };
        let (mut a, d) = (names(&asc), names(&desc));
        a.reverse();
        assert_eq!(a, d);
        let p2 = c.get("/schools?page=2").await;
        assert!(p2.body.contains("Страница 2 из"));
        // Filters: type and locality.
        let (_, j) = c
            .json(&format!(
                "/api/schools?per_page=1000&locality={}",
                enc("село")
            ))
            .await;
        assert!(j["rows"]
            .as_array()
            .unwrap()
            .iter()
            .all(|r| r["school"]["locality"] == "село"));
        t.db.close().await;
    });
}

async fn post(c: &mut Client, f: Vec<(&'static str, String)>) -> Page {
    let mut v: Vec<(String, String)> = f.into_iter().map(|(k, v)| (k.to_string(), v)).collect();
    v.push(("csrf".into(), c.csrf.clone()));
    c.post_raw("/users", &v, &[]).await
}

#[tokio::test]
async fn user_administration_within_scope() {
    for_each_db!(|t| {
        load_demo(&t.db).await;
        let base = spawn(&t.db, test_config()).await;
        let ms = municipalities(&t.db).await;
        let own = schools(&t.db, ms[0].id).await;
        let other = schools(&t.db, ms[1].id).await;
        let mut mo = logged_in(&base, "mo1").await;
        mo.get("/users").await;
        let m1 = ms[0].id.to_string();
        let m2 = ms[1].id.to_string();
        let form = |login: &'static str,
                    role: &'static str,
                    m: String,
                    school: String,
                    curated: String| {
            vec![
                ("login", login.to_string()),
                ("display_name", "Тест".to_string()),
                ("role", role.to_string()),
                ("municipality", m),
                ("school", school),
                ("curated", curated),
                ("password", "password-1".into()),
                ("repeat", "password-1".into()),
            ]
        };
        // A teacher of a school in its own municipality: created.
        let p = post(
            &mut mo,
            form(
                "teacher2",
                "teacher",
                m1.clone(),
                own[1].code.clone(),
                String::new(),
            ),
        )
        .await;
        assert_eq!(p.status, 303, "{}", p.body);
        assert!(mo
            .get(&p.location)
            .await
            .body
            .contains("id=\"user-created\""));
        // A school of another municipality, another municipality, a regional role: refused.
        let p = post(
            &mut mo,
            form(
                "teacher3",
                "teacher",
                m1.clone(),
                other[0].code.clone(),
                String::new(),
            ),
        )
        .await;
        assert_eq!(p.status, 400);
        let p = post(
            &mut mo,
            form(
                "mo2x",
                "municipality",
                m2.clone(),
                String::new(),
                String::new(),
            ),
        )
        .await;
        assert_eq!(p.status, 400);
        let p = post(
            &mut mo,
            form(
                "boss",
                "region",
                String::new(),
                String::new(),
                String::new(),
            ),
        )
        .await;
        assert_eq!(p.status, 400);
        // A curator of two schools.
        let p = post(
            &mut mo,
            form(
                "metod2",
                "curator",
                m1.clone(),
                String::new(),
                format!("{}, {}", own[4].code, own[5].code),
            ),
        )
        .await;
        assert_eq!(p.status, 303, "{}", p.body);
        let mut m2c = Client::new(&base);
        assert_eq!(m2c.login("metod2", "password-1").await.status, 303);
        let (_, j) = m2c.json("/api/schools").await;
        assert_eq!(j["total"], 2);
        // The new teacher logs in and sees its school only.
        let mut tc = Client::new(&base);
        assert_eq!(tc.login("teacher2", "password-1").await.status, 303);
        let (_, j) = tc.json("/api/schools").await;
        assert_eq!(j["total"], 1);
        // Blocking ends the sessions and refuses login.
        let id =
            t.db.users()
                .await
                .unwrap()
                .into_iter()
                .find(|u| u.login == "teacher2")
                .unwrap()
                .id;
        mo.get(&format!("/users/{id}")).await;
        let p = mo
            .post(&format!("/users/{id}/block"), &[("blocked", "1")])
            .await;
        assert_eq!(p.status, 303);
        assert_eq!(tc.get("/").await.status, 303, "session ended");
        assert_eq!(
            Client::new(&base)
                .login("teacher2", "password-1")
                .await
                .status,
            403
        );
        // Password change by the user.
        let mut sc = logged_in(&base, "school1").await;
        sc.get("/account").await;
        let p = sc
            .post(
                "/account",
                &[
                    ("current", "wrong"),
                    ("new_password", "longer-pass"),
                    ("repeat", "longer-pass"),
                ],
            )
            .await;
        assert_eq!(p.status, 400);
        let p = sc
            .post(
                "/account",
                &[
                    ("current", "demo"),
                    ("new_password", "longer-pass"),
                    ("repeat", "longer-pass"),
                ],
            )
            .await;
        assert_eq!((p.status, p.location.as_str()), (303, "/account?done=1"));
        assert!(sc
            .get("/account?done=1")
            .await
            .body
            .contains("Пароль изменён"));
        assert_eq!(
            Client::new(&base)
                .login("school1", "longer-pass")
                .await
                .status,
            303
        );
        assert_eq!(
            Client::new(&base).login("school1", "demo").await.status,
            401
        );
        // The municipal audit shows its own actions, not the region's.
        t.db.audit("region", "запуск идентификации", "расчёт № 1", "")
            .await
            .unwrap();
        let audit = mo.get("/audit").await;
        assert!(audit.body.contains("создание пользователя"));
        assert!(!audit.body.contains("запуск идентификации"));
        let (rows, _) =
            t.db.audit_in(&Scope::Municipality(ms[1].id), &Default::default())
                .await
                .unwrap();
        assert!(rows.iter().all(|r| r.actor != "mo1"));
        t.db.close().await;
    });
}

#[tokio::test]
async fn openapi_document_lists_the_api() {
    for_each_db!(|t| {
        let base = spawn(&t.db, test_config()).await;
        let mut c = Client::new(&base);
        let (s, doc) = c.json("/api/openapi.json").await;
        assert_eq!(s, 200);
        assert_eq!(doc["openapi"], "3.1.0");
        for p in opora_web::api::paths() {
            assert!(doc["paths"].get(p).is_some(), "{p}");
        }
        t.db.close().await;
    });
}
