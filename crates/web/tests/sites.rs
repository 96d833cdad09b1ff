//! Сайты школ over HTTP (issue 12): everyone reads the sites of the schools
//! in its scope and nothing else (404, as a page and through the API); the
//! demo shows checks, a history and a reviewer's override; an override
//! needs a comment and shows with its author, and only the municipality
//! and the region set one; a check on demand runs in the background
//! against a site the test serves itself and its result shows on the page;
//! a school's administrator may check its own site, not override.

mod common;

use common::*;
use std::time::Duration;

/// A school site on 127.0.0.1: two subsections and the programme.
async fn serve_site() -> String {
    use axum::http::header::CONTENT_TYPE;
    use axum::routing::get;
    fn html(title: &str, body: &str) -> ([(axum::http::HeaderName, &'static str); 1], String) {
        (
            [(CONTENT_TYPE, "text/html; charset=utf-8")],
            format!("<!DOCTYPE html><html><head><title>{title}</title></head><body><h1>{title}</h1>{body}</body></html>"),
        )
    }
    let app = axum::Router::new()
        .route(
            "/",
            get(|| async {
                html(
                    "Школа",
                    r#"<a href="/sveden/common">Основные сведения</a> <a href="/sveden/document">Документы</a>
                    <a href="/docs/programma.pdf">Программа повышения качества образования</a>"#,
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
    let base = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    base
}

/// Points a school's registry address at `url` (as a re-imported registry would).
async fn set_website(db: &opora_store::Db, school_id: i64, url: &str) {
    let sql = "UPDATE schools SET website = $1 WHERE id = $2";
    match db {
        opora_store::Db::Sqlite(p) => sqlx::query(sql)
            .bind(url)
            .bind(school_id)
            .execute(p)
            .await
            .map(|_| ()),
        opora_store::Db::Postgres(p) => sqlx::query(sql)
            .bind(url)
            .bind(school_id)
            .execute(p)
            .await
            .map(|_| ()),
    }
    .unwrap();
}

fn fast_config() -> opora_web::Config {
    opora_web::Config {
        site_delay: Duration::ZERO,
        ..test_config()
    }
}

#[tokio::test]
async fn everyone_reads_the_sites_of_its_schools_and_nothing_else() {
    for_each_db!(|t| {
        let cast = load_demo(&t.db).await;
        let base = spawn(&t.db, test_config()).await;
        let ms = municipalities(&t.db).await;
        let own = schools(&t.db, cast.municipality_id).await;
        let other = schools(&t.db, ms[1].id).await;
        let demo = format!("/sites/{}", cast.school_id);
        let neighbour = format!("/sites/{}", own[4].id);
        let outside = format!("/sites/{}", other[0].id);

        for login in ["region", "mo1", "metod1", "school1", "teacher1"] {
            let mut c = logged_in(&base, login).await;
            let list = c.get("/sites").await;
            assert_eq!(list.status, 200, "{login}");
            assert!(
                list.body.contains(&format!("href=\"{demo}\"")),
                "{login}: the demo school is listed"
            );
            assert!(
                list.body.contains("href=\"/sites\"") && list.body.contains("Сайты школ"),
                "{login}: in the menu"
            );
            assert_eq!(c.get(&demo).await.status, 200, "{login}");
            let (status, api) = c.json("/api/sites").await;
            assert_eq!(status, 200, "{login}");
            let ids: Vec<i64> = api
                .as_array()
                .unwrap()
                .iter()
                .map(|s| s["school_id"].as_i64().unwrap())
                .collect();
            assert!(ids.contains(&cast.school_id), "{login}");
            if login == "region" {
                assert_eq!(c.get(&outside).await.status, 200);
                assert!(ids.contains(&other[0].id));
                continue;
            }
            assert_eq!(c.get(&outside).await.status, 404, "{login}");
            assert!(
                !list.body.contains(&format!("href=\"{outside}\"")),
                "{login}"
            );
            assert!(!ids.contains(&other[0].id), "{login}");
            for path in [format!("{outside}/check"), format!("{outside}/override")] {
                c.get(&demo).await;
                let p = c
                    .post(
                        &path,
                        &[
                            ("requirement", "programme"),
                            ("status", "found"),
                            ("comment", "есть"),
                        ],
                    )
                    .await;
                assert_eq!(p.status, 404, "{login} {path}");
            }
            if matches!(login, "school1" | "teacher1") {
                assert_eq!(ids, [cast.school_id], "{login}: its own school only");
                assert_eq!(c.get(&neighbour).await.status, 404, "{login}");
            }
        }
        // A bad id is not found.
        let mut region = logged_in(&base, "region").await;
        assert_eq!(region.get("/sites/999999").await.status, 404);
        assert_eq!(region.get("/sites/abc").await.status, 404);
    });
}

#[tokio::test]
async fn the_demo_shows_checks_their_history_and_a_reviewers_override() {
    for_each_db!(|t| {
        let cast = load_demo(&t.db).await;
        // Seeding again (`serve --demo` on a seeded database) adds nothing.
        opora_seed::story_from_run(&t.db).await.unwrap();
        let base = spawn(&t.db, test_config()).await;
        let mut mo = logged_in(&base, "mo1").await;
        let page = mo.get(&format!("/sites/{}", cast.school_id)).await;
        assert_eq!(page.status, 200);
        // The latest check: thirteen subsections and three documents.
        assert!(
            page.body.contains("id=\"summary\">найдено 16 из 21"),
            "{}",
            page.body
        );
        assert!(page.body.contains(
            "Программа повышения качества образования (перехода в эффективный режим работы)"
        ));
        assert!(
            page.body
                .contains("/files/programma_povysheniya_kachestva.pdf"),
            "the document's address"
        );
        assert!(
            page.body.contains("gosweb.gosuslugi.ru"),
            "stored under the school's own address"
        );
        assert!(!page.body.contains("127.0.0.1"));
        // The history: two checks, the older with nine subsections.
        let history = &page.body[page.body.find("id=\"history\"").unwrap()..];
        assert_eq!(
            history.matches("<tr>").count(),
            3,
            "a header and two checks"
        );
        assert!(history.contains("найдено 16 из 21") && history.contains("найдено 9 из 21"));

        // The curator's third school: the road map marked missing by mo1, with the reason.
        let third = mo.get(&format!("/sites/{}", cast.curated[2])).await;
        assert!(third.body.contains("Отметка «не найдено»: Размещена дорожная карта 2022 года; актуальной на этот год на сайте нет — mo1"), "{}", third.body);
        assert!(
            third.body.contains("проверка: найдено"),
            "what the check said stays visible"
        );

        // The list: dates, results, a failed check with its reason.
        let list = mo.get("/sites").await;
        assert!(list.body.contains("найдено 16 из 21"));
        assert!(
            list.body.contains("не удалась: главная страница https://"),
            "{}",
            list.body
        );
        assert!(list.body.contains("ручных отметок: 1"));
        let today = opora_plans::Date::today().ru();
        assert!(list.body.contains(&today), "the latest checks are today's");
        let (_, api) = mo.json("/api/sites").await;
        let demo = api
            .as_array()
            .unwrap()
            .iter()
            .find(|s| s["school_id"] == cast.school_id)
            .unwrap()
            .clone();
        assert_eq!(
            (demo["found"].as_i64(), demo["total"].as_i64()),
            (Some(16), Some(21))
        );
        assert!(demo["last_error"].is_null() && demo["audited_at"].is_string());
    });
}

#[tokio::test]
async fn an_override_needs_a_comment_shows_with_its_author_and_is_the_reviewers() {
    for_each_db!(|t| {
        let cast = load_demo(&t.db).await;
        let base = spawn(&t.db, test_config()).await;
        let page = format!("/sites/{}", cast.school_id);
        let action = format!("{page}/override");
        let mut mo = logged_in(&base, "mo1").await;
        assert!(mo.get(&page).await.body.contains("id=\"override-form\""));

        // No comment: a Russian 422 naming the requirement; nothing saved.
        let refused = mo
            .post(
                &action,
                &[
                    ("requirement", "inter"),
                    ("status", "found"),
                    ("comment", " "),
                ],
            )
            .await;
        assert_eq!(refused.status, 422);
        assert!(refused.body.contains("Напишите комментарий: почему «Международное сотрудничество» отмечается как «найдено» вручную"), "{}", refused.body);
        let refused = mo
            .post(
                &action,
                &[
                    ("requirement", "inter"),
                    ("status", "может быть"),
                    ("comment", "есть"),
                ],
            )
            .await;
        assert_eq!(refused.status, 422);
        assert!(refused
            .body
            .contains("Выберите, найдено требование на сайте или нет"));
        let refused = mo
            .post(
                &action,
                &[
                    ("requirement", "расписание"),
                    ("status", "found"),
                    ("comment", "есть"),
                ],
            )
            .await;
        assert_eq!(refused.status, 422);

        // With a comment: saved, shown to everyone with the author.
        let saved = mo
            .post(
                &action,
                &[
                    ("requirement", "inter"),
                    ("status", "found"),
                    (
                        "comment",
                        "Подраздел есть, в меню называется «Сотрудничество»",
                    ),
                ],
            )
            .await;
        assert_eq!(saved.status, 303);
        assert_eq!(saved.location, format!("{page}?done=override"));
        let mut school = logged_in(&base, "school1").await;
        let shown = school.get(&page).await;
        assert!(
            shown.body.contains(
                "Отметка «найдено»: Подраздел есть, в меню называется «Сотрудничество» — mo1"
            ),
            "{}",
            shown.body
        );
        assert!(
            shown.body.contains("найдено 17 из 21"),
            "the override counts"
        );
        assert!(
            !shown.body.contains("id=\"override-form\"")
                && !shown.body.contains("id=\"remove-inter\"")
        );
        let (_, api) = school.json("/api/sites").await;
        assert_eq!(api[0]["overridden"], 1);

        // Only the municipality and the region set or remove overrides.
        for login in ["school1", "teacher1", "metod1"] {
            let mut c = logged_in(&base, login).await;
            c.get(&page).await;
            let p = c
                .post(
                    &action,
                    &[
                        ("requirement", "inter"),
                        ("status", "missing"),
                        ("comment", "нет"),
                    ],
                )
                .await;
            assert_eq!(p.status, 403, "{login}");
            let p = c
                .post(&action, &[("requirement", "inter"), ("action", "remove")])
                .await;
            assert_eq!(p.status, 403, "{login}");
        }
        // A form without the session's token is refused.
        let fields = vec![
            ("requirement".to_string(), "inter".to_string()),
            ("status".to_string(), "missing".to_string()),
            ("comment".to_string(), "нет".to_string()),
        ];
        assert_eq!(mo.post_raw(&action, &fields, &[]).await.status, 403);

        // The region replaces it, then removes it: the check counts again.
        let mut region = logged_in(&base, "region").await;
        region.get(&page).await;
        let p = region
            .post(
                &action,
                &[
                    ("requirement", "inter"),
                    ("status", "missing"),
                    ("comment", "Страница пустая"),
                ],
            )
            .await;
        assert_eq!(p.status, 303);
        assert!(region
            .get(&page)
            .await
            .body
            .contains("Отметка «не найдено»: Страница пустая — region"));
        let p = region
            .post(&action, &[("requirement", "inter"), ("action", "remove")])
            .await;
        assert_eq!(p.location, format!("{page}?done=removed"));
        let after = region.get(&page).await;
        assert!(!after.body.contains("Страница пустая") && after.body.contains("найдено 16 из 21"));
        let log = region.get("/audit").await;
        assert!(
            log.body.contains("требование к сайту отмечено вручную")
                && log.body.contains("ручная отметка требования к сайту снята")
        );
    });
}

#[tokio::test]
async fn a_check_on_demand_runs_in_the_background_and_its_result_shows() {
    for_each_db!(|t| {
        let cast = load_demo(&t.db).await;
        let site = serve_site().await;
        set_website(&t.db, cast.school_id, &site).await;
        let base = spawn(&t.db, fast_config()).await;
        let page = format!("/sites/{}", cast.school_id);
        let check = format!("{page}/check");

        // A teacher and a curator read; they cannot start a check.
        for login in ["teacher1", "metod1"] {
            let mut c = logged_in(&base, login).await;
            assert!(
                !c.get(&page).await.body.contains("id=\"check-now\""),
                "{login}"
            );
            assert_eq!(c.post(&check, &[]).await.status, 403, "{login}");
        }
        // The school's administrator checks its own site.
        let mut school = logged_in(&base, "school1").await;
        assert!(school.get(&page).await.body.contains("id=\"check-now\""));
        let started = school.post(&check, &[]).await;
        assert_eq!(started.status, 303);
        assert_eq!(started.location, format!("{page}?done=started"));
        assert!(school
            .get(&started.location)
            .await
            .body
            .contains("Проверка запущена"));
        let mut shown = String::new();
        for _ in 0..100 {
            shown = school.get(&page).await.body;
            if shown.contains(&format!("{site}/sveden/common")) && !shown.contains("id=\"running\"")
            {
                break;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        assert!(
            shown.contains(&format!("href=\"{site}/sveden/common\"")),
            "{shown}"
        );
        assert!(shown.contains(&format!("{site}/docs/programma.pdf")));
        assert!(
            shown.contains("id=\"summary\">найдено 3 из 21"),
            "the latest check counts now"
        );
        assert!(
            shown.contains("<td>school1</td>"),
            "who ran it, in the history"
        );
        let (_, api) = school.json("/api/sites").await;
        assert_eq!(
            (api[0]["found"].as_i64(), api[0]["website"].as_str()),
            (Some(3), Some(site.as_str()))
        );

        // A site that does not answer: the check is saved with the reason.
        let closed = std::net::TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap();
        set_website(&t.db, cast.school_id, &format!("http://{closed}")).await;
        let mut mo = logged_in(&base, "mo1").await;
        mo.get(&page).await;
        assert_eq!(mo.post(&check, &[]).await.status, 303);
        let mut shown = String::new();
        for _ in 0..100 {
            shown = mo.get(&page).await.body;
            if shown.contains("id=\"last-error\"") {
                break;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        assert!(
            shown.contains(&format!(
                "Последняя проверка не удалась: сайт http://{closed}/ недоступен"
            )),
            "{shown}"
        );
        assert!(shown.contains("найдено 3 из 21"), "what was found stands");
    });
}
