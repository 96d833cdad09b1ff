//! Test support: a fresh database per test on SQLite and (when
//! `OPORA_TEST_DATABASE_URL` is set) on PostgreSQL in a schema of its own,
//! loaded with the demo region (pupil results thinned to every 6th row so
//! that a load takes seconds), the demo users, and the real application on
//! a free port of 127.0.0.1; a small cookie-keeping HTTP client.

#![allow(dead_code)]

pub mod browser;
pub mod worlds;

use opora_store::Db;
use std::collections::HashMap;
use std::path::{Path, PathBuf};

// Not every test file runs on both backends one by one (moved.rs compares them).
#[allow(unused_imports)]
pub use opora_testkit::for_each_db;

/// The demo region's files, written once per test process, results thinned.
pub fn demo_files() -> &'static Path {
    static DIR: std::sync::OnceLock<PathBuf> = std::sync::OnceLock::new();
    DIR.get_or_init(|| {
        let dir = std::env::temp_dir().join(format!("opora-web-demo-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        let summary =
            opora_demo::write_demo(&dir, &opora_demo::DemoOptions::default()).expect("demo files");
        for f in &summary.files {
            let name = f.file_name().unwrap().to_string_lossy().to_string();
            if name.starts_with("results") {
                let text = std::fs::read_to_string(f).unwrap();
                let mut lines = text.lines();
                let mut out = String::from(lines.next().unwrap());
                out.push('\n');
                for (i, l) in lines.enumerate() {
                    if i % 6 == 0 {
                        out.push_str(l);
                        out.push('\n');
                    }
                }
                std::fs::write(f, out).unwrap();
            }
        }
        dir
    })
}

/// Loads the (thinned) demo region and its story: a saved run, the demo
/// users and roadmap chosen from it.
pub async fn load_demo(db: &Db) -> opora_seed::story::Cast {
    opora_seed::region::import_files(db, demo_files(), "test")
        .await
        .unwrap_or_else(|e| panic!("demo import: {e:?}"));
    opora_seed::story_from_run(db)
        .await
        .unwrap_or_else(|e| panic!("demo story: {e:?}"))
}

/// The municipalities with the demo's own first (the `mo1` scope), then the
/// others in registry order: `[0]` is inside the demo users' scope, `[1]` outside.
pub async fn municipalities(db: &Db) -> Vec<opora_store::registry::Municipality> {
    let cast = opora_seed::story::cast(db)
        .await
        .unwrap()
        .expect("demo cast");
    let mut ms = db.municipalities().await.unwrap();
    ms.sort_by_key(|m| m.id != cast.municipality_id);
    ms
}

/// The schools of a municipality; for the demo's own, in the cast's order:
/// `[0]` is the demo school (school1, teacher1), `[0..3]` the curator's
/// schools, `[3]` the demo school's mentor, then the rest.
pub async fn schools(db: &Db, municipality_id: i64) -> Vec<opora_store::registry::School> {
    let cast = opora_seed::story::cast(db)
        .await
        .unwrap()
        .expect("demo cast");
    let mut order = cast.curated.clone();
    order.push(cast.leader_id);
    let mut schools = db.schools(Some(municipality_id)).await.unwrap();
    schools.sort_by_key(|s| {
        order
            .iter()
            .position(|id| *id == s.id)
            .unwrap_or(order.len())
    });
    schools
}

/// Starts the application on 127.0.0.1:0; returns its base URL.
pub async fn spawn(db: &Db, cfg: opora_web::Config) -> String {
    spawn_with_maintenance(db, cfg).await.0
}

/// Starts the application; returns its base URL and its maintenance (not
/// started: tests run it when they mean to).
pub async fn spawn_with_maintenance(
    db: &Db,
    cfg: opora_web::Config,
) -> (String, opora_web::Maintenance) {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let (app, maintenance) = opora_web::build(db.clone(), cfg);
    tokio::spawn(async move {
        axum::serve(listener, app).await.unwrap();
    });
    (format!("http://{addr}"), maintenance)
}

pub fn test_config() -> opora_web::Config {
    opora_web::Config {
        upload_limit: 2 * 1024 * 1024,
        pupil_names: Some(opora_pupils::names::NameKey::parse(TEST_NAME_KEY).unwrap()),
        ..opora_web::Config::default()
    }
}

/// The key pupils' names are sealed with in tests.
pub const TEST_NAME_KEY: &str = "4f706f72612074657374206b657920666f7220707570696c73206e616d657321";

/// A browser-like client: keeps cookies, does not follow redirects, fills
/// the CSRF token from the last page it saw.
pub struct Client {
    pub http: reqwest::Client,
    pub base: String,
    pub cookies: HashMap<String, String>,
    pub csrf: String,
}

pub struct Page {
    pub status: u16,
    pub body: String,
    pub location: String,
    pub headers: reqwest::header::HeaderMap,
}

impl Client {
    pub fn new(base: &str) -> Client {
        let http = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .unwrap();
        Client {
            http,
            base: base.to_string(),
            cookies: HashMap::new(),
            csrf: String::new(),
        }
    }

    fn cookie_header(&self) -> String {
        self.cookies
            .iter()
            .map(|(k, v)| format!("{k}={v}"))
            .collect::<Vec<_>>()
            .join("; ")
    }

    async fn finish(&mut self, res: reqwest::Response) -> Page {
        let status = res.status().as_u16();
        let headers = res.headers().clone();
        for c in headers.get_all(reqwest::header::SET_COOKIE) {
            let c = c.to_str().unwrap();
            let first = c.split(';').next().unwrap();
            let (k, v) = first.split_once('=').unwrap();
            if c.contains("Max-Age=0") || v.is_empty() {
                self.cookies.remove(k);
            } else {
                self.cookies.insert(k.to_string(), v.to_string());
            }
        }
        let location = headers
            .get("location")
            .map(|v| v.to_str().unwrap().to_string())
            .unwrap_or_default();
        let body = res.text().await.unwrap_or_default();
        if let Some(t) = csrf_of(&body) {
            self.csrf = t;
        }
        Page {
            status,
            body,
            location,
            headers,
        }
    }

    pub async fn get(&mut self, path: &str) -> Page {
        let res = self
            .http
            .get(format!("{}{path}", self.base))
            .header("cookie", self.cookie_header())
            .send()
            .await
            .unwrap();
        self.finish(res).await
    }

    pub async fn get_bytes(&mut self, path: &str) -> (u16, Vec<u8>, String) {
        let res = self
            .http
            .get(format!("{}{path}", self.base))
            .header("cookie", self.cookie_header())
            .send()
            .await
            .unwrap();
        let status = res.status().as_u16();
        let ct = res
            .headers()
            .get("content-type")
            .map(|v| v.to_str().unwrap().to_string())
            .unwrap_or_default();
        (status, res.bytes().await.unwrap().to_vec(), ct)
    }

    /// POSTs a form with the current CSRF token added.
    pub async fn post(&mut self, path: &str, fields: &[(&str, &str)]) -> Page {
        let mut f: Vec<(String, String)> = fields
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        f.push(("csrf".into(), self.csrf.clone()));
        self.post_raw(path, &f, &[]).await
    }

    /// POSTs exactly these fields with extra headers (no CSRF added).
    pub async fn post_raw(
        &mut self,
        path: &str,
        fields: &[(String, String)],
        headers: &[(&str, &str)],
    ) -> Page {
        let body: String = fields
            .iter()
            .map(|(k, v)| format!("{}={}", enc(k), enc(v)))
            .collect::<Vec<_>>()
            .join("&");
        let mut req = self
            .http
            .post(format!("{}{path}", self.base))
            .header("cookie", self.cookie_header())
            .header("content-type", "application/x-www-form-urlencoded")
            .body(body);
        for (k, v) in headers {
            req = req.header(*k, *v);
        }
        let res = req.send().await.unwrap();
        self.finish(res).await
    }

    /// Uploads a file as the upload form does (the CSRF token the first field).
    pub async fn upload(&mut self, kind: &str, name: &str, bytes: Vec<u8>) -> Page {
        self.post_file("/upload", &[("kind", kind)], name, bytes)
            .await
    }

    /// POSTs a multipart form as the pages' file forms do: the CSRF token
    /// first, then the text fields, then one file.
    pub async fn post_file(
        &mut self,
        path: &str,
        fields: &[(&str, &str)],
        name: &str,
        bytes: Vec<u8>,
    ) -> Page {
        let csrf = self.csrf.clone();
        let mut all = vec![("csrf", csrf.as_str())];
        all.extend_from_slice(fields);
        self.post_multipart(path, &all, name, bytes).await
    }

    /// POSTs exactly these multipart text fields, in order, and one file last.
    pub async fn post_multipart(
        &mut self,
        path: &str,
        fields: &[(&str, &str)],
        name: &str,
        bytes: Vec<u8>,
    ) -> Page {
        let mut form = reqwest::multipart::Form::new();
        for (k, v) in fields {
            form = form.text(k.to_string(), v.to_string());
        }
        form = form.part(
            "file",
            reqwest::multipart::Part::bytes(bytes).file_name(name.to_string()),
        );
        let res = self
            .http
            .post(format!("{}{path}", self.base))
            .header("cookie", self.cookie_header())
            .multipart(form)
            .send()
            .await
            .unwrap();
        self.finish(res).await
    }

    pub async fn login(&mut self, login: &str, password: &str) -> Page {
        self.get("/login").await;
        self.post(
            "/login",
            &[("login", login), ("password", password), ("next", "/")],
        )
        .await
    }

    pub async fn json(&mut self, path: &str) -> (u16, serde_json::Value) {
        let p = self.get(path).await;
        (
            p.status,
            serde_json::from_str(&p.body).unwrap_or(serde_json::Value::Null),
        )
    }
}

/// What an answer means for an access check: `ok` (done: 2xx, or a
/// redirect other than to the login form), `400` (the form was read and
/// refused), `403`, `404`, `login` (sent to log in, or 401 from the API),
/// or the status itself.
pub fn outcome(p: &Page) -> String {
    match p.status {
        401 => "login".into(),
        303 | 302 if p.location.starts_with("/login") => "login".into(),
        403 => "403".into(),
        404 => "404".into(),
        // The form was read and refused (a value, a state, a conflict).
        400 | 409 | 413 | 415 | 422 => "400".into(),
        200..=399 => "ok".into(),
        other => other.to_string(),
    }
}

/// Percent-encodes all but the unreserved characters of RFC 3986.
pub fn enc(s: &str) -> String {
    use percent_encoding::{utf8_percent_encode, NON_ALPHANUMERIC};
    const UNRESERVED: &percent_encoding::AsciiSet = &NON_ALPHANUMERIC
        .remove(b'-')
        .remove(b'_')
        .remove(b'.')
        .remove(b'~');
    utf8_percent_encode(s, UNRESERVED).to_string()
}

pub fn csrf_of(html: &str) -> Option<String> {
    let i = html.find("name=\"csrf\" value=\"")?;
    let rest = &html[i + 19..];
    Some(rest[..rest.find('"')?].to_string())
}

/// A logged-in client for a demo login.
pub async fn logged_in(base: &str, login: &str) -> Client {
    let mut c = Client::new(base);
    let p = c.login(login, opora_seed::DEMO_PASSWORD).await;
    assert_eq!(p.status, 303, "login {login}: {}", p.body);
    c.get("/").await;
    c
}

/// The demo school (school1's and teacher1's): a ШНОР of the demo's run.
pub async fn demo_school(db: &Db) -> i64 {
    opora_seed::story::cast(db)
        .await
        .unwrap()
        .expect("demo cast")
        .school_id
}

/// The demo programme (the municipality's plan with the indicator set).
pub async fn demo_programme(db: &Db, cast: &opora_seed::story::Cast) -> i64 {
    db.plans(
        &opora_store::scope::Scope::Municipality(cast.municipality_id),
        opora_plans::Date::today(),
    )
    .await
    .unwrap()
    .into_iter()
    .find(|p| p.level == "municipality")
    .expect("the demo programme")
    .id
}

/// A teacher of `school_id` with a deficit in their latest diagnostic
/// round, no login and no mentor, and no active development plan (an
/// active one is closed first).
pub async fn teacher_with_deficits(
    db: &opora_store::Db,
    school_id: i64,
) -> opora_store::staff::teachers::Teacher {
    use opora_staff::development::DevPlanStatus;
    let teachers = db
        .teachers(
            &opora_store::scope::Scope::School(school_id),
            &opora_store::staff::teachers::TeacherFilter::default(),
            "test",
        )
        .await
        .unwrap();
    for t in teachers {
        let rounds = db.teacher_diagnostics(t.id).await.unwrap();
        let Some((_, cells)) = rounds.last() else {
            continue;
        };
        if t.user_id.is_some() || !cells.iter().any(|c| c.is_deficit()) {
            continue;
        }
        let region = opora_store::scope::Scope::Region;
        if !db
            .mentoring_pairs(&region, Some(t.id), "test")
            .await
            .unwrap()
            .is_empty()
        {
            continue;
        }
        for p in db.development_plans_of(t.id).await.unwrap() {
            if p.status == DevPlanStatus::Active {
                let (plan, teacher) = db
                    .development_plan(&opora_store::scope::Scope::Region, p.id)
                    .await
                    .unwrap()
                    .unwrap();
                db.close_development_plan(
                    &plan,
                    &teacher,
                    opora_plans::Date::new(2026, 6, 1).unwrap(),
                    "",
                    "test",
                )
                .await
                .unwrap();
            }
        }
        return t;
    }
    panic!("the demo school has a teacher with deficits")
}

/// A signed-in school administrator of another municipality than
/// `except` (a user made for the test under `login`).
pub async fn outsider(db: &Db, base: &str, except: i64, login: &str) -> Client {
    let other = municipalities(db)
        .await
        .into_iter()
        .find(|m| m.id != except)
        .expect("a second municipality");
    let school = schools(db, other.id).await.remove(0);
    let id = worlds::make_user(db, login, other.id, school.id).await;
    let password = format!("{login}-password");
    db.set_password_hash(id, &opora_store::password::hash_password(&password))
        .await
        .unwrap();
    let mut c = Client::new(base);
    assert_eq!(c.login(login, &password).await.status, 303);
    c
}
