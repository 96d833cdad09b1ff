//! The pages at phone width (390 px, an ordinary smartphone held upright)
//! in headless Chromium, on SQLite and on PostgreSQL: for every demo role,
//! the main pages do not overflow the screen sideways — wide tables scroll
//! inside their own box, the navigation wraps, forms stack. A failure names
//! the page and the elements that stick out. Screenshots of the support
//! pairs and of a run at 390 px go to `<target>/screenshots/` for a person
//! to look at (with `OPORA_PHONE_SHOTS=1`, the first screen of every page).
//!
//! Skipped (with a message) only when chromedriver is not installed, as the
//! other browser tests (driver helpers in `common/browser.rs`).

mod common;

use common::browser::*;
use common::*;
use fantoccini::{Client as Browser, ClientBuilder, Locator};
use std::path::Path;

const WIDTH: u32 = 390;
const HEIGHT: u32 = 844;
const ROLES: [&str; 5] = ["region", "mo1", "metod1", "school1", "teacher1"];

/// A browser whose page is 390 px wide: a phone's viewport (device metrics
/// emulation, so that the width does not depend on the window manager's
/// smallest window).
async fn phone(driver: &Driver, chromium: &Path, profile: &Path) -> Browser {
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
        "--hide-scrollbars".into(),
        "--lang=ru-RU".into(),
        format!("--window-size={WIDTH},{HEIGHT}"),
        format!("--user-data-dir={}", profile.display()),
    ];
    let mut caps = serde_json::Map::new();
    caps.insert(
        "goog:chromeOptions".into(),
        serde_json::json!({
            "binary": chromium.to_string_lossy(),
            "args": args,
            "mobileEmulation": {
                "deviceMetrics": { "width": WIDTH, "height": HEIGHT, "pixelRatio": 1.0, "touch": true }
            }
        }),
    );
    let connector = hyper_util::client::legacy::connect::HttpConnector::new();
    ClientBuilder::new(connector)
        .capabilities(caps)
        .connect(&driver.url)
        .await
        .expect("WebDriver session")
}

/// The page's width and the viewport's, and (when the page is wider than the
/// screen) the innermost elements that reach past the screen's right edge
/// outside any box of their own that scrolls or clips.
const MEASURE: &str = r#"
const screen = arguments[0];
const vw = window.innerWidth;
const sw = document.documentElement.scrollWidth;
const out = [];
if (sw > vw || vw > screen) {
  const clipped = (el) => {
    for (let p = el.parentElement; p && p !== document.body; p = p.parentElement) {
      const o = getComputedStyle(p).overflowX;
      if (o === 'auto' || o === 'scroll' || o === 'hidden') return true;
    }
    return false;
  };
  const sticks = (el) => el.getBoundingClientRect().right > screen + 0.5 && !clipped(el);
  for (const el of document.body.querySelectorAll('*')) {
    // The innermost: the element sticks out, none of its children does.
    if (!sticks(el) || Array.from(el.children).some(sticks)) continue;
    const name = el.tagName.toLowerCase() + (el.id ? '#' + el.id : '') +
      (el.className && typeof el.className === 'string' ? '.' + el.className.trim().split(/\s+/).join('.') : '');
    const item = name + ' ' + Math.round(el.getBoundingClientRect().right) + 'px';
    if (!out.includes(item)) out.push(item);
    if (out.length >= 8) break;
  }
}
return [sw, vw, out.join(', ')];
"#;

async fn measure(b: &Browser) -> (u64, u64, String) {
    let v = b.execute(MEASURE, vec![WIDTH.into()]).await.unwrap();
    (
        v[0].as_u64().unwrap_or(0),
        v[1].as_u64().unwrap_or(0),
        v[2].as_str().unwrap_or_default().to_string(),
    )
}

/// The first link in the page's content whose address matches `pattern` (a
/// JavaScript regular expression).
async fn first_link(b: &Browser, pattern: &str) -> Option<String> {
    let script = "const re = new RegExp(arguments[0]); \
                  const a = Array.from(document.querySelectorAll('main a')) \
                    .map(a => a.getAttribute('href')).find(h => h && re.test(h)); \
                  return a || null;";
    let v = b.execute(script, vec![pattern.into()]).await.unwrap();
    v.as_str().map(str::to_string)
}

#[tokio::test]
async fn every_main_page_fits_a_phone_screen_for_every_role() {
    let Some((driver, chromium)) = start().await else {
        return;
    };
    for_each_db!(|t| {
        let cast = load_demo(&t.db).await;
        let base = spawn(&t.db, test_config()).await;
        let ms = municipalities(&t.db).await;
        let school = schools(&t.db, ms[0].id).await[0].code.clone();
        let run = format!("/identification/runs/{}", cast.run_id);
        let profiles = tempfile::tempdir().unwrap();
        let mut too_wide = Vec::new();
        let mut checked = 0;
        for user in ROLES {
            let b = phone(&driver, &chromium, &profiles.path().join(user)).await;
            login(&b, &base, user).await;
            b.goto(&format!("{base}/plans")).await.unwrap();
            let mut pages: Vec<String> = [
                "/",
                "/schools",
                &format!("/schools/{school}"),
                "/identification",
                &run,
                "/plans",
                "/tasks",
                "/support",
                "/upload",
                "/users",
                "/audit",
                "/glossary",
                "/account",
            ]
            .iter()
            .map(|s| s.to_string())
            .collect();
            let plan = first_link(&b, r"^/plans/\d+$")
                .await
                .unwrap_or_else(|| panic!("{user}: no plan on /plans"));
            b.goto(&format!("{base}{plan}")).await.unwrap();
            let activity = first_link(&b, r"^/activities/\d+$")
                .await
                .unwrap_or_else(|| panic!("{user}: no activity on {plan}"));
            pages.push(plan.clone());
            pages.push(activity.clone());
            // The roadmap editor and a version, where the role may edit.
            if matches!(user, "region" | "mo1") {
                pages.push(format!("{plan}/edit"));
                pages.push(format!("{plan}/versions/1"));
            }
            for p in &pages {
                b.goto(&format!("{base}{p}")).await.unwrap();
                let (sw, vw, culprits) = measure(&b).await;
                assert!(vw > 0, "{p}: no viewport");
                eprintln!("{} {user} {p}: {sw}/{vw}", t.name);
                // A phone shows a page wider than its screen zoomed out: the
                // visual viewport (innerWidth) grows past the screen's width.
                if sw > vw || vw > u64::from(WIDTH) {
                    too_wide.push(format!(
                        "{user} {p}: {sw} px wide, seen {vw} px wide on a {WIDTH} px screen ({culprits})"
                    ));
                }
                checked += 1;
                if std::env::var_os("OPORA_PHONE_SHOTS").is_some() {
                    // Every page's first screen, for a person to look through.
                    let name: String = p
                        .chars()
                        .map(|c| if c.is_alphanumeric() { c } else { '_' })
                        .collect();
                    let png = b.screenshot().await.unwrap();
                    let file = shots_dir().join(format!("{}-phone-{user}{name}.png", t.name));
                    std::fs::write(&file, png).unwrap();
                }
            }
            if user == "region" {
                // The mapping screen of an upload whose score column has a
                // header the importer does not know.
                let dir = tempfile::tempdir().unwrap();
                let file = dir.path().join("результаты.csv");
                std::fs::write(
                    &file,
                    format!(
                        "Год;Код ОО;Процедура;Предмет;Класс;Код участника;Баллы за работу\n\
                         2026;{school};ВПР;Математика;5;M1;12\n"
                    ),
                )
                .unwrap();
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
                b.wait().for_element(Locator::Id("missing")).await.unwrap();
                let (sw, vw, culprits) = measure(&b).await;
                if sw > vw || vw > u64::from(WIDTH) {
                    too_wide.push(format!(
                        "{user} the mapping screen: {sw} px wide, seen {vw} px wide ({culprits})"
                    ));
                }
                let png = b.screenshot().await.unwrap();
                let file = shots_dir().join(format!("{}-phone-mapping-{WIDTH}.png", t.name));
                std::fs::write(&file, png).unwrap();
                let shots = [
                    ("support", "/support".to_string()),
                    ("run", run.clone()),
                    ("plan", plan),
                    ("activity", activity),
                ];
                for (name, p) in shots {
                    b.goto(&format!("{base}{p}")).await.unwrap();
                    // Screen by screen, from the top: the first four screens.
                    for screen in 0..4 {
                        b.execute(
                            "window.scrollTo(0, arguments[0]);",
                            vec![(screen * (HEIGHT - 60)).into()],
                        )
                        .await
                        .unwrap();
                        let png = b.screenshot().await.unwrap();
                        let file = shots_dir()
                            .join(format!("{}-phone-{name}-{WIDTH}-{screen}.png", t.name));
                        std::fs::write(&file, png).unwrap();
                    }
                }
            }
            b.close().await.unwrap();
        }
        assert!(checked >= ROLES.len() * 14, "{checked} pages checked");
        assert!(
            too_wide.is_empty(),
            "pages wider than a phone's screen:\n{}",
            too_wide.join("\n")
        );
        t.db.close().await;
    });
}
