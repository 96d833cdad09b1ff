//! Driving Debian's Chromium through chromedriver (WebDriver, fantoccini)
//! for the browser tests (`browser.rs`, `phone.rs`): finding the programs,
//! starting the driver, logging in as a demo user, the screenshots folder.

#![allow(dead_code)]

use fantoccini::{Client as Browser, Locator};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};

pub fn find_program(names: &[&str]) -> Option<PathBuf> {
    let path = std::env::var_os("PATH").unwrap_or_default();
    for dir in std::env::split_paths(&path).chain([
        PathBuf::from("/usr/bin"),
        PathBuf::from("/usr/lib/chromium"),
    ]) {
        for n in names {
            let p = dir.join(n);
            if p.is_file() {
                return Some(p);
            }
        }
    }
    None
}

pub struct Driver {
    child: Child,
    pub url: String,
}

impl Drop for Driver {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

pub async fn start_driver(exe: &Path) -> Driver {
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let child = Command::new(exe)
        .arg(format!("--port={port}"))
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("start chromedriver");
    // Wait until it listens (bounded number of attempts).
    for _ in 0..300 {
        if tokio::net::TcpStream::connect(("127.0.0.1", port))
            .await
            .is_ok()
        {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    Driver {
        child,
        url: format!("http://127.0.0.1:{port}"),
    }
}

/// The driver and Chromium, or `None` (a loud skip; a failure under CI)
/// when they are not installed.
pub async fn start() -> Option<(Driver, PathBuf)> {
    let (Some(driver_exe), Some(chromium)) = (
        find_program(&["chromedriver"]),
        find_program(&["chromium", "chromium-browser", "google-chrome"]),
    ) else {
        opora_testkit::missing_tool(
            "Chromium and chromedriver (Debian's chromium, chromium-driver)",
        );
        return None;
    };
    Some((start_driver(&driver_exe).await, chromium))
}

pub fn shots_dir() -> PathBuf {
    let target = std::env::var("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|_| PathBuf::from("../../target"));
    let d = target.join("screenshots");
    std::fs::create_dir_all(&d).unwrap();
    d
}

/// Logs in as a demo user and waits for the home page.
pub async fn login(b: &Browser, base: &str, user: &str) {
    b.goto(&format!("{base}/login")).await.unwrap();
    b.find(Locator::Id("login"))
        .await
        .unwrap()
        .send_keys(user)
        .await
        .unwrap();
    b.find(Locator::Id("password"))
        .await
        .unwrap()
        .send_keys(opora_seed::DEMO_PASSWORD)
        .await
        .unwrap();
    b.find(Locator::Css("form button[type=submit]"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    b.wait()
        .for_element(Locator::Css("header.top .who"))
        .await
        .unwrap();
    let u = b.current_url().await.unwrap();
    assert_eq!(u.path(), "/", "{user} lands on the home page");
}
