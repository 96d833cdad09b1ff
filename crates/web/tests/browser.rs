//! End-to-end tests in headless Debian Chromium driven through chromedriver
//! (WebDriver, fantoccini), on SQLite and on PostgreSQL: every demo login,
//! an identification run, the scatter plot and a click on a school, an
//! upload with errors, XLSX exports, negative cases; screenshots at 1366×768
//! and at phone width into `<target>/screenshots/` for a person to look at.
//!
//! Skipped (with a message) only when chromedriver is not installed;
//! `scripts/test.sh` installs Debian's `chromium` and `chromium-driver`.

mod common;

use common::browser::*;
use common::*;
use fantoccini::{Client as Browser, ClientBuilder, Locator};
use std::path::Path;

async fn browser(driver: &Driver, chromium: &Path, profile: &Path) -> Browser {
    let args = vec![
        "--headless".to_string(),
        "--no-sandbox".into(),
        "--disable-gpu".into(),
        "--disable-dev-shm-usage".into(),
        "--disable-background-networking".into(),
        "--disable-component-update".into(),
        "--disable-sync".into(),
        "--no-first-run".into(),
        "--disable-quic".into(),
        "--lang=ru-RU".into(),
        "--window-size=1366,768".into(),
        format!("--user-data-dir={}", profile.display()),
    ];
    let mut caps = serde_json::Map::new();
    caps.insert(
        "goog:chromeOptions".into(),
        serde_json::json!({ "binary": chromium.to_string_lossy(), "args": args }),
    );
    let connector = hyper_util::client::legacy::connect::HttpConnector::new();
    let b = ClientBuilder::new(connector)
        .capabilities(caps)
        .connect(&driver.url)
        .await
        .expect("WebDriver session");
    b.set_window_size(1366, 768).await.unwrap();
    b
}

/// Screenshots at desktop (1366×768) and phone (390×844) width.
async fn shoot(b: &Browser, name: &str) {
    let dir = shots_dir();
    let png = b.screenshot().await.unwrap();
    std::fs::write(dir.join(format!("{name}-1366.png")), png).unwrap();
    b.set_window_size(390, 844).await.unwrap();
    let png = b.screenshot().await.unwrap();
    std::fs::write(dir.join(format!("{name}-phone.png")), png).unwrap();
    b.set_window_size(1366, 768).await.unwrap();
}

/// The text of the first element matching `css`. An element found while the
/// page is still being replaced (after a click) can go stale before it is
/// read: it is looked up again on the new page.
async fn text(b: &Browser, css: &str) -> String {
    let mut attempts = 0;
    loop {
        let element = b
            .wait()
            .for_element(Locator::Css(css))
            .await
            .unwrap_or_else(|e| panic!("{css}: {e}"));
        match element.text().await {
            Ok(t) => return t,
            Err(e) if attempts < 5 && e.is_stale_element_reference() => attempts += 1,
            Err(e) => panic!("{css}: {e}"),
        }
    }
}

async fn path(b: &Browser) -> String {
    let u = b.current_url().await.unwrap();
    match u.query() {
        Some(q) => format!("{}?{q}", u.path()),
        None => u.path().to_string(),
    }
}

/// Runs a fetch in the page and returns "status content-type".
async fn fetch(b: &Browser, url: &str, method: &str) -> String {
    let script = "const [url, method, done] = arguments; \
                  fetch(url, {method: method, credentials: 'same-origin'}) \
                  .then(r => done(r.status + ' ' + (r.headers.get('content-type') || ''))) \
                  .catch(e => done('error ' + e));";
    let v = b
        .execute_async(script, vec![url.into(), method.into()])
        .await
        .unwrap();
    v.as_str().unwrap_or_default().to_string()
}

#[tokio::test]
async fn every_role_in_a_real_browser() {
    let Some((driver, chromium)) = start().await else {
        return;
    };
    for_each_db!(|t| {
        load_demo(&t.db).await;
        let base = spawn(&t.db, test_config()).await;
        let ms = municipalities(&t.db).await;
        let first = schools(&t.db, ms[0].id).await;
        let second = schools(&t.db, ms[1].id).await;
        let profiles = tempfile::tempdir().unwrap();
        let tag = t.name;

        // Региональный оператор: run, scatter plot, click a school, upload with errors, exports.
        let b = browser(&driver, &chromium, &profiles.path().join("region")).await;
        login(&b, &base, "region").await;
        b.goto(&format!("{base}/identification")).await.unwrap();
        b.find(Locator::Css("#run-form button[type=submit]"))
            .await
            .unwrap()
            .click()
            .await
            .unwrap();
        b.wait()
            .for_element(Locator::Id("scatter-plot"))
            .await
            .unwrap();
        let run_path = path(&b).await;
        assert!(run_path.starts_with("/identification/runs/"), "{run_path}");
        shoot(&b, &format!("{tag}-region-run")).await;
        let points = b
            .find_all(Locator::Css("#scatter-plot a circle"))
            .await
            .unwrap();
        assert!(points.len() > 50, "points: {}", points.len());
        let mut clicked = false;
        for p in points.iter().rev().take(40) {
            if p.click().await.is_ok() {
                clicked = true;
                break;
            }
        }
        assert!(clicked, "no point of the scatter plot could be clicked");
        b.wait()
            .for_element(Locator::Id("h-results"))
            .await
            .unwrap();
        let card_path = path(&b).await;
        assert!(card_path.starts_with("/schools/"), "{card_path}");
        assert!(text(&b, "#category").await.len() > 1);
        shoot(&b, &format!("{tag}-region-card")).await;
        // XLSX exports answer with a workbook.
        let lists = format!("{run_path}/lists.xlsx");
        b.goto(&format!("{base}{run_path}")).await.unwrap();
        let xlsx = fetch(&b, &lists, "GET").await;
        assert!(
            xlsx.starts_with("200 application/vnd.openxmlformats"),
            "{xlsx}"
        );
        b.goto(&format!("{base}/schools?category=shnor"))
            .await
            .unwrap();
        let href = b
            .find(Locator::Css("a[href^='/schools.xlsx']"))
            .await
            .unwrap()
            .attr("href")
            .await
            .unwrap()
            .unwrap();
        let xlsx = fetch(&b, &href, "GET").await;
        assert!(
            xlsx.starts_with("200 application/vnd.openxmlformats"),
            "{xlsx}"
        );
        shoot(&b, &format!("{tag}-region-schools")).await;
        // An upload with errors shows every error; nothing is written.
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("результаты-с-ошибками.csv");
        std::fs::write(
            &file,
            format!(
                "Год;Код ОО;Процедура;Предмет;Класс;Код участника;Первичный балл\n2025;{};ВПР;Математика;5;A1;abc\n2025;НЕТ-ТАКОЙ;ВПР;Математика;5;A2;5\n",
                first[0].code
            ),
        )
        .unwrap();
        let before = t.db.count("pupil_results").await.unwrap();
        b.goto(&format!("{base}/upload")).await.unwrap();
        b.find(Locator::Id("file"))
            .await
            .unwrap()
            .send_keys(&file.to_string_lossy())
            .await
            .unwrap();
        b.find(Locator::Css("#upload-form button[type=submit]"))
            .await
            .unwrap()
            .click()
            .await
            .unwrap();
        let msg = text(&b, "#check-errors").await;
        assert!(msg.contains("Найдено ошибок: 2"), "{msg}");
        let table = text(&b, "#error-table").await;
        assert!(
            table.contains("НЕТ-ТАКОЙ") && table.contains("abc"),
            "{table}"
        );
        assert!(
            b.find(Locator::Id("confirm")).await.is_err(),
            "no confirm button for a file with errors"
        );
        shoot(&b, &format!("{tag}-region-upload-errors")).await;
        assert_eq!(t.db.count("pupil_results").await.unwrap(), before);
        // The audit log shows the run and the exports.
        b.goto(&format!("{base}/audit")).await.unwrap();
        let audit = text(&b, "#audit-table").await;
        assert!(
            audit.contains("запуск идентификации") && audit.contains("экспорт"),
            "{audit}"
        );
        shoot(&b, &format!("{tag}-region-audit")).await;
        b.goto(&format!("{base}/")).await.unwrap();
        shoot(&b, &format!("{tag}-region-home")).await;
        b.close().await.unwrap();

        // Every other role: its home, its scope, and the negative cases.
        let cases = [
            ("mo1", first[5].code.clone(), second[0].code.clone()),
            ("metod1", first[2].code.clone(), first[3].code.clone()),
            ("school1", first[0].code.clone(), first[1].code.clone()),
            ("teacher1", first[0].code.clone(), second[1].code.clone()),
        ];
        for (user, inside, outside) in cases {
            let b = browser(&driver, &chromium, &profiles.path().join(user)).await;
            login(&b, &base, user).await;
            shoot(&b, &format!("{tag}-{user}-home")).await;
            b.goto(&format!("{base}/schools/{inside}")).await.unwrap();
            assert!(!text(&b, "h1").await.is_empty());
            b.wait()
                .for_element(Locator::Id("h-results"))
                .await
                .unwrap();
            shoot(&b, &format!("{tag}-{user}-card")).await;
            // Another school's card: not found.
            b.goto(&format!("{base}/schools/{outside}")).await.unwrap();
            assert_eq!(text(&b, "h1").await, "Не найдено", "{user} → {outside}");
            // Another municipality's list: empty.
            b.goto(&format!("{base}/schools?municipality={}", ms[1].id))
                .await
                .unwrap();
            assert_eq!(text(&b, "#found").await, "0", "{user}");
            // The run, limited to the scope; a click on a point opens an allowed card.
            b.goto(&format!("{base}{run_path}")).await.unwrap();
            let pts = b.find_all(Locator::Css("#scatter-plot a")).await.unwrap();
            for p in &pts {
                let href = p.attr("href").await.unwrap().unwrap_or_default();
                assert_ne!(
                    href,
                    format!("/schools/{outside}"),
                    "{user} sees {outside} in the plot"
                );
            }
            // A POST without the CSRF token is refused, and the session stays.
            assert!(
                fetch(&b, "/logout", "POST").await.starts_with("403"),
                "{user}"
            );
            b.goto(&format!("{base}/schools")).await.unwrap();
            assert_eq!(path(&b).await, "/schools", "{user} still logged in");
            shoot(&b, &format!("{tag}-{user}-schools")).await;
            // Areas of other roles.
            if user != "mo1" {
                b.goto(&format!("{base}/users")).await.unwrap();
                assert_eq!(text(&b, "h1").await, "Доступ запрещён", "{user}");
            }
            // The upload page: the municipality and the school upload staff files only.
            b.goto(&format!("{base}/upload")).await.unwrap();
            if matches!(user, "mo1" | "school1") {
                let kinds = text(&b, "select[name=kind]").await;
                assert!(
                    kinds.contains("Список педагогов") && !kinds.contains("оценочных процедур"),
                    "{user}: {kinds}"
                );
            } else {
                assert_eq!(text(&b, "h1").await, "Доступ запрещён", "{user}");
            }
            // Logout through the form.
            b.goto(&format!("{base}/")).await.unwrap();
            b.find(Locator::Css("form[action='/logout'] button"))
                .await
                .unwrap()
                .click()
                .await
                .unwrap();
            b.wait().for_element(Locator::Id("login")).await.unwrap();
            b.close().await.unwrap();
        }
        t.db.close().await;
    });
}

/// chromedriver started and Chromium's path, or None (with a message) when
/// they are not installed.
/// Clicks the first link whose text contains `label` and waits for the next page.
async fn click_link(b: &Browser, label: &str) {
    let links = b.find_all(Locator::Css("main a")).await.unwrap();
    for l in links {
        if l.text().await.unwrap_or_default().contains(label) {
            l.click().await.unwrap();
            b.wait().for_element(Locator::Css("h1")).await.unwrap();
            return;
        }
    }
    panic!("no link «{label}» on {}", path(b).await);
}

/// Clicks `css` (a form's button) and waits until the page it leads to has
/// replaced this one: the old document goes stale. (Waiting for an `h1`
/// alone could read the old page, which has one too.)
async fn click(b: &Browser, css: &str) {
    let old = b.find(Locator::Css("html")).await.unwrap();
    b.find(Locator::Css(css))
        .await
        .unwrap_or_else(|e| panic!("{css}: {e}"))
        .click()
        .await
        .unwrap();
    for _ in 0..400 {
        match old.tag_name().await {
            Err(e) if e.is_stale_element_reference() => break,
            _ => tokio::time::sleep(std::time::Duration::from_millis(25)).await,
        }
    }
    b.wait().for_element(Locator::Css("h1")).await.unwrap();
}

#[tokio::test]
async fn a_roadmap_is_cascaded_and_worked_through_as_each_role_in_a_real_browser() {
    let Some((driver, chromium)) = start().await else {
        return;
    };
    for_each_db!(|t| {
        load_demo(&t.db).await;
        let base = spawn(&t.db, test_config()).await;
        let profiles = tempfile::tempdir().unwrap();
        let tag = t.name;

        // Муниципалитет: the plan table, the timeline, the cascade to every school.
        let b = browser(&driver, &chromium, &profiles.path().join("mo1")).await;
        login(&b, &base, "mo1").await;
        b.goto(&format!("{base}/plans")).await.unwrap();
        shoot(&b, &format!("{tag}-mo1-plans")).await;
        click_link(&b, "Дорожная карта по повышению качества").await;
        assert!(text(&b, "h1").await.starts_with("Дорожная карта"));
        b.find(Locator::Css("img.timeline")).await.unwrap();
        shoot(&b, &format!("{tag}-mo1-plan")).await;
        click_link(&b, "Заключить соглашения").await;
        let municipal_activity = path(&b).await;
        click(&b, "button[name=all][value='1']").await;
        // The confirmation names the targets with their category in the run.
        assert!(text(&b, "#cascade-targets").await.contains("ШНОР"));
        shoot(&b, &format!("{tag}-mo1-cascade-confirm")).await;
        click(&b, "input[name=confirmed] ~ div button.primary").await;
        assert!(text(&b, "#cascade-progress")
            .await
            .contains("запланировано"));
        shoot(&b, &format!("{tag}-mo1-cascade")).await;
        b.close().await.unwrap();

        // Администратор школы: «мои задачи» → the task → in progress → done with a document.
        let b = browser(&driver, &chromium, &profiles.path().join("school1")).await;
        login(&b, &base, "school1").await;
        b.goto(&format!("{base}/tasks")).await.unwrap();
        shoot(&b, &format!("{tag}-school1-tasks")).await;
        click_link(&b, "Заключить соглашения").await;
        let task = path(&b).await;
        assert_ne!(task, municipal_activity, "the school works on its own copy");
        click(&b, "button[value=in_progress]").await;
        assert!(
            text(&b, "#activity-status").await.starts_with("в работе"),
            "in progress (and overdue: the deadline was in October)"
        );
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("соглашение.pdf");
        std::fs::write(&file, b"%PDF-1.4 agreement").unwrap();
        b.find(Locator::Id("ev-file"))
            .await
            .unwrap()
            .send_keys(&file.to_string_lossy())
            .await
            .unwrap();
        click(&b, "form[action$='/evidence'] button[type=submit]").await;
        assert!(text(&b, "ul.evidence").await.contains("соглашение.pdf"));
        click(&b, "button[value=done]").await;
        assert_eq!(text(&b, "#activity-status").await, "выполнено");
        shoot(&b, &format!("{tag}-school1-activity")).await;
        b.close().await.unwrap();

        // Куратор: waiting for confirmation → confirms the document and the activity.
        let b = browser(&driver, &chromium, &profiles.path().join("metod1")).await;
        login(&b, &base, "metod1").await;
        b.goto(&format!("{base}/tasks")).await.unwrap();
        assert!(text(&b, "main").await.contains("Ждут вашего подтверждения"));
        b.find(Locator::Css(&format!("a[href='{task}']")))
            .await
            .unwrap()
            .click()
            .await
            .unwrap();
        b.wait()
            .for_element(Locator::Css("ul.evidence"))
            .await
            .unwrap();
        click(&b, "form[action$='/verify'] button").await;
        assert!(text(&b, "ul.evidence").await.contains("подтверждён"));
        click(&b, "button[value=verified]").await;
        assert_eq!(text(&b, "#activity-status").await, "подтверждено куратором");
        shoot(&b, &format!("{tag}-metod1-verified")).await;
        b.close().await.unwrap();

        // Учитель: its tasks; the municipality sees the confirmation in the progress.
        let b = browser(&driver, &chromium, &profiles.path().join("teacher1")).await;
        login(&b, &base, "teacher1").await;
        b.goto(&format!("{base}/tasks?all=1")).await.unwrap();
        assert_eq!(text(&b, "h1").await, "Мои задачи");
        shoot(&b, &format!("{tag}-teacher1-tasks")).await;
        b.close().await.unwrap();
        let b = browser(&driver, &chromium, &profiles.path().join("mo1-again")).await;
        login(&b, &base, "mo1").await;
        b.goto(&format!("{base}{municipal_activity}"))
            .await
            .unwrap();
        assert!(text(&b, "main").await.contains("подтверждено 1"));
        b.close().await.unwrap();
        t.db.close().await;
    });
}

/// Waits until the browser has left `before` (a form posted or a link
/// followed) and the new page has its heading: waiting for a heading alone
/// can find the old page's.
async fn wait_for_next_page(b: &Browser, before: &str) {
    for _ in 0..600 {
        if b.current_url().await.unwrap().as_str() != before {
            b.wait().for_element(Locator::Css("h1")).await.unwrap();
            return;
        }
        tokio::time::sleep(std::time::Duration::from_millis(25)).await;
    }
    panic!("the page stayed at {before}");
}

/// Clicks `css` (a submit button) and waits for the page it leads to.
async fn submit(b: &Browser, css: &str) {
    let before = b.current_url().await.unwrap().to_string();
    b.find(Locator::Css(css))
        .await
        .unwrap_or_else(|e| panic!("{css}: {e}"))
        .click()
        .await
        .unwrap();
    wait_for_next_page(b, &before).await;
}

/// Follows the first link of the page's main part containing `label`.
async fn follow(b: &Browser, label: &str) {
    let before = b.current_url().await.unwrap().to_string();
    for l in b.find_all(Locator::Css("main a")).await.unwrap() {
        if l.text().await.unwrap_or_default().contains(label) {
            l.click().await.unwrap();
            wait_for_next_page(b, &before).await;
            return;
        }
    }
    panic!("no link «{label}» on {before}");
}

/// Clicks `button` inside the first `container` whose text contains
/// `containing`, and waits for the next page.
async fn submit_within(b: &Browser, container: &str, containing: &str, button: &str) {
    let before = b.current_url().await.unwrap().to_string();
    for c in b.find_all(Locator::Css(container)).await.unwrap() {
        if c.text().await.unwrap_or_default().contains(containing) {
            c.find(Locator::Css(button))
                .await
                .unwrap()
                .click()
                .await
                .unwrap();
            wait_for_next_page(b, &before).await;
            return;
        }
    }
    panic!("no {container} with «{containing}» on {before}");
}

/// Fills the field `css` (clearing what is there).
async fn fill(b: &Browser, css: &str, value: &str) {
    let e = b
        .find(Locator::Css(css))
        .await
        .unwrap_or_else(|e| panic!("{css}: {e}"));
    e.clear().await.unwrap();
    e.send_keys(value).await.unwrap();
}

#[tokio::test]
async fn a_roadmap_is_created_edited_and_worked_through_in_a_real_browser_without_a_file() {
    let Some((driver, chromium)) = start().await else {
        return;
    };
    for_each_db!(|t| {
        load_demo(&t.db).await;
        let base = spawn(&t.db, test_config()).await;
        let profiles = tempfile::tempdir().unwrap();
        let tag = t.name;
        let b = browser(&driver, &chromium, &profiles.path().join("school1")).await;
        login(&b, &base, "school1").await;
        b.goto(&format!("{base}/plans")).await.unwrap();
        fill(&b, "#new-title", "План работы с неуспевающими").await;
        fill(&b, "#new-period", "2026-2027").await;
        submit(&b, "#new-plan button[type=submit]").await;
        assert!(path(&b).await.ends_with("/edit"), "{}", path(&b).await);
        // A section, then two activities in it.
        fill(&b, "#ns-number", "1.").await;
        fill(&b, "#ns-title", "Работа с учителями").await;
        submit(&b, "#add-section button[type=submit]").await;
        for (n, text_, deadline) in [
            ("1.1.", "Посещение уроков математики", "ноябрь, март"),
            ("1.2.", "Методический семинар", "до 15.12.2026"),
        ] {
            b.find(Locator::Css("details.editor-add summary"))
                .await
                .unwrap()
                .click()
                .await
                .unwrap();
            fill(&b, "details.editor-add input[name=number]", n).await;
            fill(&b, "details.editor-add textarea[name=text]", text_).await;
            fill(&b, "details.editor-add input[name=deadline]", deadline).await;
            fill(
                &b,
                "details.editor-add input[name=responsible]",
                "Заместитель директора",
            )
            .await;
            submit(&b, "details.editor-add button[type=submit]").await;
        }
        let items = text(&b, ".editor").await;
        assert!(
            items.find("Посещение").unwrap() < items.find("Методический").unwrap(),
            "{items}"
        );
        // The seminar moves up; its deadline is corrected, an impossible
        // date is refused with the typed text kept.
        submit_within(&b, ".editor-activity", "Методический", "button[value=up]").await;
        let items = text(&b, ".editor").await;
        assert!(
            items.find("Методический").unwrap() < items.find("Посещение").unwrap(),
            "{items}"
        );
        follow(&b, "Изменить").await;
        fill(&b, "#f-deadline", "31.13.2026").await;
        submit(&b, "#activity-form button.primary").await;
        assert!(text(&b, "p.error").await.contains("31.13.2026"));
        assert_eq!(
            b.find(Locator::Css("#f-text"))
                .await
                .unwrap()
                .prop("value")
                .await
                .unwrap()
                .unwrap_or_default(),
            "Методический семинар"
        );
        fill(&b, "#f-deadline", "до 20.12.2026").await;
        submit(&b, "#activity-form button.primary").await;
        assert!(text(&b, ".editor").await.contains("до 20.12.2026"));
        shoot(&b, &format!("{tag}-school1-editor")).await;
        // The plan's history names every change; the school works the activity.
        follow(&b, "К плану").await;
        assert!(text(&b, "main").await.contains("Методический семинар"));
        follow(&b, "Методический семинар").await;
        submit(&b, "button[value=in_progress]").await;
        assert!(text(&b, "#activity-status").await.starts_with("в работе"));
        b.close().await.unwrap();
        t.db.close().await;
    });
}

/// Opens `path` with a marker query, so that a page answered at the form's
/// own address (a form shown again) still counts as a new page.
async fn open(b: &Browser, base: &str, path: &str) {
    b.goto(&format!("{base}{path}?from=test")).await.unwrap();
    b.wait().for_element(Locator::Css("h1")).await.unwrap();
}

/// Picks `value` in the select `css`.
async fn choose(b: &Browser, css: &str, value: &str) {
    b.find(Locator::Css(css))
        .await
        .unwrap_or_else(|e| panic!("{css}: {e}"))
        .select_by_value(value)
        .await
        .unwrap();
}

/// Fills and sends a school's form; confirms values far from the previous
/// ones when the page asks.
async fn send_answer(
    b: &Browser,
    base: &str,
    path: &str,
    teachers: &str,
    diagnosed: &str,
    programme: &str,
) {
    open(b, base, path).await;
    fill(b, "#v-педагоги", teachers).await;
    fill(b, "#v-диагностика", diagnosed).await;
    choose(b, "#v-программа", programme).await;
    choose(b, "#v-мероприятия", "да").await;
    submit(b, "#submit-answer").await;
    if b.find(Locator::Css("#confirm")).await.is_ok() {
        b.find(Locator::Css("#confirm"))
            .await
            .unwrap()
            .click()
            .await
            .unwrap();
        submit(b, "#submit-answer").await;
    }
    let main = text(b, "main").await;
    assert!(main.contains("Форма отправлена"), "{path}: {main}");
}

#[tokio::test]
async fn a_campaign_is_run_by_a_municipality_and_two_schools_and_its_values_reach_the_indicator() {
    let Some((driver, chromium)) = start().await else {
        return;
    };
    for_each_db!(|t| {
        let cast = load_demo(&t.db).await;
        let base = spawn(&t.db, test_config()).await;
        let own = schools(&t.db, cast.municipality_id).await;
        let programme = demo_programme(&t.db, &cast).await;
        let autumn = t.db.periods(programme).await.unwrap().pop().unwrap();
        let site =
            t.db.indicators(programme)
                .await
                .unwrap()
                .into_iter()
                .find(|i| i.name.contains("на сайтах"))
                .unwrap();
        let profiles = tempfile::tempdir().unwrap();
        let tag = t.name;

        // The municipality creates the campaign for its two schools.
        let mo = browser(&driver, &chromium, &profiles.path().join("mo1")).await;
        login(&mo, &base, "mo1").await;
        open(&mo, &base, "/campaigns/new").await;
        fill(&mo, "#c-title", "Сведения о программе на сайте").await;
        fill(&mo, "#c-period", &autumn.title).await;
        choose(&mo, "#c-programme", &programme.to_string()).await;
        choose(&mo, "#c-target", "list").await;
        fill(
            &mo,
            "#c-codes",
            &format!("{}\n{}", own[0].code, own[1].code),
        )
        .await;
        submit(&mo, "#campaign-form button[type=submit]").await;
        let campaign = path(&mo).await;
        assert!(text(&mo, "#progress").await.contains("получено 0 из 2"));
        let answer = |school: i64| format!("{campaign}/schools/{school}");

        // Each school finds the form in its inbox and sends it.
        let s1 = browser(&driver, &chromium, &profiles.path().join("school1")).await;
        login(&s1, &base, "school1").await;
        open(&s1, &base, "/campaigns").await;
        assert!(text(&s1, "#inbox")
            .await
            .contains("Сведения о программе на сайте"));
        send_answer(&s1, &base, &answer(own[0].id), "31", "12", "нет").await;
        let s2 = browser(&driver, &chromium, &profiles.path().join("school2")).await;
        login(&s2, &base, "school2").await;
        send_answer(&s2, &base, &answer(own[1].id), "24", "6", "нет").await;

        // The municipality returns the first with a comment, then accepts both.
        open(&mo, &base, &answer(own[0].id)).await;
        fill(
            &mo,
            "#return-comment-text",
            "Программа уже на сайте: проверьте ответ",
        )
        .await;
        submit(&mo, "#return-answer").await;
        open(&s1, &base, "/campaigns").await;
        assert!(text(&s1, "#inbox").await.contains("Программа уже на сайте"));
        shoot(&s1, &format!("{tag}-school1-returned")).await;
        send_answer(&s1, &base, &answer(own[0].id), "31", "12", "да").await;
        for school in [own[0].id, own[1].id] {
            open(&mo, &base, &answer(school)).await;
            submit(&mo, "#accept-answer").await;
            assert!(text(&mo, "#answer-status").await.contains("принята"));
        }
        open(&mo, &base, &campaign).await;
        assert!(text(&mo, "#progress").await.contains("получено 2 из 2"));
        shoot(&mo, &format!("{tag}-mo1-campaign")).await;

        // The values are in the indicator: the first school counts, the second does not.
        open(&mo, &base, &format!("/indicators/{}", site.id)).await;
        let period = text(&mo, &format!("#period-{}", autumn.id)).await;
        let counted = period.find("Засчитаны").unwrap();
        let only = period.find("Только в знаменателе").unwrap();
        let first = period.find(&own[0].short_name).unwrap();
        assert!(counted < first && first < only, "{period}");
        assert!(period[only..].contains(&own[1].short_name), "{period}");
        shoot(&mo, &format!("{tag}-mo1-indicator")).await;
    });
}

#[tokio::test]
async fn a_teacher_is_added_trained_and_moved_as_each_role_in_a_real_browser() {
    let Some((driver, chromium)) = start().await else {
        return;
    };
    for_each_db!(|t| {
        let cast = load_demo(&t.db).await;
        let base = spawn(&t.db, test_config()).await;
        let profiles = tempfile::tempdir().unwrap();
        let tag = t.name;

        // Администратор школы: the school's list, a new teacher, a course.
        let b = browser(&driver, &chromium, &profiles.path().join("school")).await;
        login(&b, &base, "school1").await;
        open(&b, &base, "/staff").await;
        assert!(!b
            .find_all(Locator::Css("#teachers tbody tr"))
            .await
            .unwrap()
            .is_empty());
        shoot(&b, &format!("{tag}-staff-school-list")).await;
        follow(&b, "Добавить педагога").await;
        fill(&b, "#t-full-name", "Громова Елена Викторовна").await;
        fill(&b, "#t-subjects", "Русский язык; Литература").await;
        fill(&b, "#t-grades", "5-9").await;
        choose(&b, "#t-category", "first").await;
        fill(&b, "#t-experience", "6").await;
        fill(&b, "#t-education-subject", "Русский язык и литература").await;
        submit(&b, "#save-teacher").await;
        assert_eq!(text(&b, "h1").await, "Громова Елена Викторовна");
        assert_eq!(text(&b, "#clock").await, "просрочено");
        let card = path(&b).await;
        let card = card.split('?').next().unwrap().to_string();
        fill(
            &b,
            "#c-title",
            "Читательская грамотность на уроках литературы",
        )
        .await;
        fill(&b, "#c-hours", "72").await;
        fill(&b, "#c-provider", "ГАУ ДПО «Институт развития образования»").await;
        fill(&b, "#c-end", "20.11.2026").await;
        submit(&b, "#save-course").await;
        assert_eq!(text(&b, "#notice").await, "Курс добавлен.");
        assert_eq!(text(&b, "#clock").await, "в срок");
        assert!(text(&b, "#courses")
            .await
            .contains("Читательская грамотность"));
        shoot(&b, &format!("{tag}-staff-card")).await;
        b.close().await.unwrap();

        // Учитель: their own card, and a course of their own.
        let b = browser(&driver, &chromium, &profiles.path().join("teacher")).await;
        login(&b, &base, "teacher1").await;
        open(&b, &base, "/staff").await;
        assert!(path(&b).await.starts_with("/staff/"), "{}", path(&b).await);
        b.find(Locator::Css("#add-course summary"))
            .await
            .unwrap()
            .click()
            .await
            .unwrap();
        fill(
            &b,
            "#c-title",
            "Наставничество в образовательной организации",
        )
        .await;
        fill(&b, "#c-end", "01.11.2026").await;
        submit(&b, "#save-course").await;
        assert_eq!(text(&b, "#notice").await, "Курс добавлен.");
        b.close().await.unwrap();

        // Методист: reads the card, no forms.
        let b = browser(&driver, &chromium, &profiles.path().join("metod")).await;
        login(&b, &base, "metod1").await;
        open(&b, &base, &card).await;
        assert_eq!(text(&b, "h1").await, "Громова Елена Викторовна");
        assert!(b
            .find_all(Locator::Css("#edit-teacher, #add-course, #move-teacher"))
            .await
            .unwrap()
            .is_empty());
        b.close().await.unwrap();

        // Муниципальный администратор: the summary, the overdue list, a move.
        let b = browser(&driver, &chromium, &profiles.path().join("mo")).await;
        login(&b, &base, "mo1").await;
        open(&b, &base, "/staff").await;
        assert!(text(&b, "#summary-total").await.starts_with("Всего"));
        // A filter's select applies on change (the button is for keyboards and no-JS).
        let before = b.current_url().await.unwrap().to_string();
        choose(&b, "#f-clock", "overdue").await;
        wait_for_next_page(&b, &before).await;
        assert!(path(&b).await.contains("clock=overdue"));
        assert!(!b
            .find_all(Locator::Css("#teachers tbody tr"))
            .await
            .unwrap()
            .is_empty());
        shoot(&b, &format!("{tag}-staff-municipality")).await;
        // The diagnostics' heat map of the demo's two rounds.
        open(&b, &base, "/staff/diagnostics").await;
        assert!(text(&b, "#round-title").await.contains("осень"));
        assert!(!b
            .find_all(Locator::Css("#heat-map tbody tr"))
            .await
            .unwrap()
            .is_empty());
        shoot(&b, &format!("{tag}-staff-diagnostics")).await;
        open(&b, &base, &card).await;
        b.find(Locator::Css("#move-teacher summary"))
            .await
            .unwrap()
            .click()
            .await
            .unwrap();
        choose(&b, "#m-school", &cast.leader_id.to_string()).await;
        submit(&b, "#save-move").await;
        assert!(text(&b, "#notice").await.contains("переведён"));
        assert!(text(&b, "#moves").await.contains("из "));
        assert!(
            text(&b, "#courses")
                .await
                .contains("Читательская грамотность"),
            "the course stays"
        );
        b.close().await.unwrap();
    });
}

/// The provider's file of a later diagnostic round in which every deficit
/// of the teacher's latest round is overcome.
fn later_round_file(
    dir: &Path,
    t: &opora_store::staff::teachers::Teacher,
    cells: &[opora_staff::diagnostics::Cell],
) -> std::path::PathBuf {
    let mut csv = String::from(
        "Диагностика;Дата проведения;Код ОО;ФИО;Предмет;Компетенция;Результат, %;Выявленные дефициты\n",
    );
    let today = opora_plans::clock::today().ru();
    for c in cells.iter().filter(|c| c.is_deficit()) {
        csv.push_str(&format!(
            "Повторная диагностика;{today};{};{};{};{};74;\n",
            t.school_code,
            t.fields.full_name,
            c.subject,
            c.competence.title()
        ));
    }
    let path = dir.join("повторная диагностика.csv");
    std::fs::write(&path, csv).unwrap();
    path
}

#[tokio::test]
async fn a_teachers_plan_runs_from_the_deficits_to_a_closed_deficit_in_a_real_browser() {
    let Some((driver, chromium)) = start().await else {
        return;
    };
    for_each_db!(|t| {
        let cast = load_demo(&t.db).await;
        let base = spawn(&t.db, test_config()).await;
        let profiles = tempfile::tempdir().unwrap();
        let tag = t.name;
        let teacher = teacher_with_deficits(&t.db, cast.school_id).await;
        let card = format!("/staff/{}", teacher.id);

        // Администратор школы: the profile on the card, a plan drafted
        // from it, the course step done with its certificate.
        let b = browser(&driver, &chromium, &profiles.path().join("school")).await;
        login(&b, &base, "school1").await;
        open(&b, &base, &card).await;
        assert!(text(&b, "table.diagnostics").await.contains("%"));
        submit(&b, "#draft-plan").await;
        assert!(text(&b, "#notice").await.starts_with("План составлен"));
        let plan = path(&b).await.split('?').next().unwrap().to_string();
        assert!(text(&b, "#plan-deficits")
            .await
            .contains("повторная диагностика ещё не проводилась"));
        shoot(&b, &format!("{tag}-plan-drafted")).await;
        let cert = b
            .find(Locator::Css("input[id^='cert-']"))
            .await
            .unwrap()
            .attr("id")
            .await
            .unwrap()
            .unwrap();
        let step = cert.trim_start_matches("cert-").to_string();
        b.find(Locator::Css(&format!("#step-{step} details summary")))
            .await
            .unwrap()
            .click()
            .await
            .unwrap();
        fill(&b, &format!("#cert-{step}"), "772411112222").await;
        fill(
            &b,
            &format!("#evidence-{step}"),
            "удостоверение о повышении квалификации",
        )
        .await;
        submit(&b, &format!("#done-{step}")).await;
        assert_eq!(
            text(&b, "#notice").await,
            "Шаг выполнен; курс записан в карточку педагога."
        );
        open(&b, &base, &card).await;
        assert!(text(&b, "#courses").await.contains("772411112222"));
        assert_eq!(text(&b, "#clock").await, "в срок");
        b.close().await.unwrap();

        // Муниципальный администратор: a mentor from the suggestions.
        let b = browser(&driver, &chromium, &profiles.path().join("mo")).await;
        login(&b, &base, "mo1").await;
        open(&b, &base, &card).await;
        b.find(Locator::Css("#appoint-mentor summary"))
            .await
            .unwrap()
            .click()
            .await
            .unwrap();
        submit(&b, "#save-pair").await;
        assert!(text(&b, "#notice").await.contains("Наставник назначен"));
        b.close().await.unwrap();

        // The provider's next round: the deficits are overcome, and the
        // curator reads it on the plan.
        let rounds = t.db.teacher_diagnostics(teacher.id).await.unwrap();
        let dir = tempfile::tempdir().unwrap();
        let file = later_round_file(dir.path(), &teacher, &rounds.last().unwrap().1);
        let opts = opora_store::import::ImportOptions {
            actor: "test".into(),
            ..Default::default()
        };
        t.db.import_file(
            opora_store::import::ImportKind::Diagnostics,
            &file,
            &opts,
            &|_| {},
        )
        .await
        .unwrap();
        let b = browser(&driver, &chromium, &profiles.path().join("metod")).await;
        login(&b, &base, "metod1").await;
        open(&b, &base, &plan).await;
        assert!(text(&b, "#later-round")
            .await
            .contains("Повторная диагностика"));
        assert!(text(&b, "#plan-deficits")
            .await
            .contains("дефицит преодолён"));
        assert!(b
            .find_all(Locator::Css("#step-form, #close-form"))
            .await
            .unwrap()
            .is_empty());
        shoot(&b, &format!("{tag}-plan-closed-deficits")).await;
        b.close().await.unwrap();
    });
}

#[tokio::test]
async fn a_teacher_answers_a_self_assessment_and_the_region_reads_the_principals_in_a_real_browser()
{
    let Some((driver, chromium)) = start().await else {
        return;
    };
    for_each_db!(|t| {
        load_demo(&t.db).await;
        let base = spawn(&t.db, test_config()).await;
        let profiles = tempfile::tempdir().unwrap();
        let tag = t.name;

        // Учитель: the open self-assessment from their card, every statement rated.
        let b = browser(&driver, &chromium, &profiles.path().join("teacher")).await;
        login(&b, &base, "teacher1").await;
        open(&b, &base, "/staff").await;
        b.find(Locator::Css("#open-instruments a"))
            .await
            .unwrap()
            .click()
            .await
            .unwrap();
        b.wait()
            .for_element(Locator::Css("#answers-form"))
            .await
            .unwrap();
        let items = b
            .find_all(Locator::Css("#answers-form fieldset"))
            .await
            .unwrap();
        for (k, item) in items.iter().enumerate() {
            // Alternately «не владею» and «владею полностью».
            let value = if k % 2 == 0 { "1" } else { "4" };
            item.find(Locator::Css(&format!("input[value='{value}']")))
                .await
                .unwrap()
                .click()
                .await
                .unwrap();
        }
        shoot(&b, &format!("{tag}-self-assessment")).await;
        submit(&b, "#save-answers").await;
        assert!(text(&b, "#notice").await.starts_with("Ответы сохранены"));
        follow(&b, "Открыть карточку").await;
        assert!(text(&b, "main")
            .await
            .contains("Самодиагностика профессиональных затруднений"));
        b.close().await.unwrap();

        // Региональный оператор: the demo's evaluation of principals.
        let b = browser(&driver, &chromium, &profiles.path().join("region")).await;
        login(&b, &base, "region").await;
        open(&b, &base, "/staff").await;
        follow(&b, "Эффективность руководителей").await;
        assert!(text(&b, "#evaluation-title").await.ends_with("учебный год"));
        assert!(!b
            .find_all(Locator::Css("#principals tbody tr"))
            .await
            .unwrap()
            .is_empty());
        shoot(&b, &format!("{tag}-principals")).await;
        b.close().await.unwrap();
    });
}

#[tokio::test]
async fn a_pupil_is_registered_and_routed_by_the_school_and_read_by_the_curator_in_a_real_browser()
{
    let Some((driver, chromium)) = start().await else {
        return;
    };
    for_each_db!(|t| {
        load_demo(&t.db).await;
        let base = spawn(&t.db, test_config()).await;
        let profiles = tempfile::tempdir().unwrap();
        let tag = t.name;

        // Администратор школы: the register built from the latest results.
        let b = browser(&driver, &chromium, &profiles.path().join("school")).await;
        login(&b, &base, "school1").await;
        open(&b, &base, "/").await;
        follow_nav(&b, "Обучающиеся с НОР").await;
        choose(&b, "#b-year", "2025").await;
        submit(&b, "#build").await;
        assert!(text(&b, "#notice").await.starts_with("Реестр сформирован"));
        shoot(&b, &format!("{tag}-register")).await;
        // A pupil without a route: the card, then a route opened from it.
        let before = b.current_url().await.unwrap().to_string();
        let mut opened = false;
        for row in b.find_all(Locator::Css("#pupils tbody tr")).await.unwrap() {
            let cells = row.find_all(Locator::Css("td")).await.unwrap();
            let last = cells.last().unwrap().text().await.unwrap();
            if last.trim() == "нет" && !row.text().await.unwrap().contains("снят") {
                row.find(Locator::Css("td a"))
                    .await
                    .unwrap()
                    .click()
                    .await
                    .unwrap();
                opened = true;
                break;
            }
        }
        assert!(opened, "a pupil on the register without a route");
        wait_for_next_page(&b, &before).await;
        assert!(text(&b, "h1").await.starts_with("Обучающийся"));
        assert!(
            !text(&b, "#results").await.is_empty(),
            "the results behind the register"
        );
        choose(&b, "#r-tier", "3").await;
        fill(&b, "#g-subject-1", "Математика").await;
        fill(&b, "#g-target-1", "отметка «3» на ВПР").await;
        submit(&b, "#open-route").await;
        assert!(text(&b, "#notice").await.starts_with("Маршрут открыт"));
        choose(&b, "#s-kind", "psychologist").await;
        fill(&b, "#s-title", "Встреча с семьёй и педагогом-психологом").await;
        fill(&b, "#s-owner", "педагог-психолог").await;
        b.find(Locator::Css("#s-family"))
            .await
            .unwrap()
            .click()
            .await
            .unwrap();
        submit(&b, "#add-step").await;
        submit(&b, "#steps button[id^='done-']").await;
        assert!(text(&b, "#steps").await.contains("выполнен"));
        fill(&b, "#v-note", "Пропусков нет, по математике — первая «3».").await;
        submit(&b, "#save-review").await;
        assert!(text(&b, "#reviews").await.contains("первая «3»"));
        let route = path(&b).await.split('?').next().unwrap().to_string();
        shoot(&b, &format!("{tag}-route")).await;
        b.close().await.unwrap();

        // Куратор: reads the route, without its forms.
        let b = browser(&driver, &chromium, &profiles.path().join("curator")).await;
        login(&b, &base, "metod1").await;
        open(&b, &base, &route).await;
        assert!(text(&b, "#reviews").await.contains("первая «3»"));
        assert!(b
            .find_all(Locator::Css("#review-form"))
            .await
            .unwrap()
            .is_empty());
        b.close().await.unwrap();

        // Региональный оператор: counts per school, no pupil.
        let b = browser(&driver, &chromium, &profiles.path().join("region")).await;
        login(&b, &base, "region").await;
        open(&b, &base, "/pupils").await;
        assert!(!b
            .find_all(Locator::Css("#pupils-summary tbody tr"))
            .await
            .unwrap()
            .is_empty());
        assert!(b
            .find_all(Locator::Css("#pupils"))
            .await
            .unwrap()
            .is_empty());
        shoot(&b, &format!("{tag}-pupils-region")).await;
        b.close().await.unwrap();
    });
}

/// Follows a link of the navigation menu.
async fn follow_nav(b: &Browser, label: &str) {
    let before = b.current_url().await.unwrap().to_string();
    for l in b.find_all(Locator::Css("nav a")).await.unwrap() {
        if l.text().await.unwrap_or_default().contains(label) {
            l.click().await.unwrap();
            wait_for_next_page(b, &before).await;
            return;
        }
    }
    panic!("no menu item «{label}»");
}

#[tokio::test]
async fn an_event_is_planned_held_and_its_decision_put_into_the_roadmap_in_a_real_browser() {
    let Some((driver, chromium)) = start().await else {
        return;
    };
    for_each_db!(|t| {
        load_demo(&t.db).await;
        let base = spawn(&t.db, test_config()).await;
        let profiles = tempfile::tempdir().unwrap();
        let tag = t.name;
        let held_on = opora_plans::clock::today().add_days(-2).unwrap();

        // Муниципальный администратор: the seminar from the calendar.
        let b = browser(&driver, &chromium, &profiles.path().join("mo")).await;
        login(&b, &base, "mo1").await;
        open(&b, &base, "/").await;
        follow_nav(&b, "Мероприятия").await;
        assert!(!text(&b, "#calendar").await.is_empty());
        follow(&b, "Новое мероприятие").await;
        fill(
            &b,
            "#e-title",
            "Семинар: смысловое чтение на уроках истории",
        )
        .await;
        choose(&b, "#e-kind", "seminar").await;
        fill(&b, "#e-starts-on", &held_on.ru()).await;
        fill(&b, "#e-starts-at", "14:00").await;
        fill(&b, "#e-ends-at", "15.30").await;
        fill(&b, "#e-place", "ИМЦ, ауд. 3").await;
        choose(&b, "#e-target", "supported").await;
        submit(&b, "#save-event").await;
        assert!(text(&b, "#notice").await.starts_with("Мероприятие внесено"));
        assert!(text(&b, "#when").await.contains("14:00–15:30"));
        assert!(!text(&b, "#targets").await.is_empty());
        // Invite the first two teachers of the list.
        for c in b
            .find_all(Locator::Css("#invite-form input[type=checkbox]"))
            .await
            .unwrap()
            .into_iter()
            .take(2)
        {
            c.click().await.unwrap();
        }
        submit(&b, "#invite-submit").await;
        assert!(text(&b, "#notice")
            .await
            .starts_with("Участники приглашены"));
        let rows = b
            .find_all(Locator::Css("#participants-table tbody tr"))
            .await
            .unwrap();
        assert_eq!(rows.len(), 2);
        choose(&b, "#participants-table select", "attended").await;
        submit(&b, "#save-attendance").await;
        assert!(text(&b, "#notice")
            .await
            .starts_with("Присутствие отмечено"));
        assert!(text(&b, "#status").await.contains("проведено"));
        fill(
            &b,
            "#p-text",
            "Обсудили приёмы смыслового чтения; выступили два учителя.",
        )
        .await;
        submit(&b, "#save-protocol").await;
        fill(
            &b,
            "#d-text",
            "Включить приёмы смыслового чтения в планы уроков истории 6–8 классов",
        )
        .await;
        fill(&b, "#d-responsible", "руководители ШМО").await;
        fill(&b, "#d-deadline", "март").await;
        submit(&b, "#add-decision").await;
        assert!(text(&b, "#decisions-list")
            .await
            .contains("смыслового чтения"));
        submit(&b, "#decisions-list button[id^='transfer-']").await;
        assert!(text(&b, "#notice").await.starts_with("Решение перенесено"));
        shoot(&b, &format!("{tag}-event")).await;
        let event = path(&b).await.split('?').next().unwrap().to_string();
        submit(&b, "#decisions-list a[id^='activity-of-']").await;
        assert!(text(&b, "main")
            .await
            .contains("смыслового чтения в планы уроков"));
        b.close().await.unwrap();

        // Администратор школы: the event in the calendar of its month, read only.
        let b = browser(&driver, &chromium, &profiles.path().join("school")).await;
        login(&b, &base, "school1").await;
        let month = opora_events::calendar::Month::of(held_on).code();
        b.goto(&format!("{base}/events?month={month}"))
            .await
            .unwrap();
        b.wait()
            .for_element(Locator::Css("#calendar"))
            .await
            .unwrap();
        assert!(text(&b, "#calendar").await.contains("смысловое чтение"));
        shoot(&b, &format!("{tag}-calendar")).await;
        open(&b, &base, &event).await;
        assert!(text(&b, "#protocol-text")
            .await
            .contains("смыслового чтения"));
        assert!(b
            .find_all(Locator::Css("#protocol-form"))
            .await
            .unwrap()
            .is_empty());
        b.close().await.unwrap();
    });
}
