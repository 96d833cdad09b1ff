//! Load test of issue 17: 64 logged-in clients mix reads and writes
//! (comments, status changes, evidence uploads, notifications marked read)
//! against the real application for `LOAD_SECONDS` (default 600).
//!
//! The example makes a fresh database (SQLite in a temporary folder, or a
//! fresh schema of the PostgreSQL server in `DATABASE_URL`, dropped at the
//! end), loads the demo region as `opora serve --demo` does, serves the
//! application with the production settings on 127.0.0.1:0 in this process
//! and drives it over HTTP like browsers do. At the end it prints a Markdown
//! table per request kind (count, errors, p50, p90, p99, max) and exits
//! non-zero if any request failed or the server's log mentions a locked or
//! busy database.
//!
//! ```sh
//! cargo build --release -p opora-web --example load
//! LOAD_SECONDS=20 target/release/examples/load
//! DATABASE_URL=postgres://postgres@127.0.0.1:5432/test target/release/examples/load
//! ```
//!
//! Settings: `LOAD_SECONDS`, `LOAD_CLIENTS` (64), `DATABASE_URL`,
//! `LOAD_LOG` (the server's log filter, `warn`).
//!
//! What each client may do comes from the application itself, as its
//! pages offer it: the plans it sees and its rights on each
//! (`/api/plans/{id}`), the status moves its activity page offers. A write
//! refused with 403 is therefore a mistake of this generator or of the
//! rights, and counts as an error like any other unexpected answer.

use opora_store::Db;
use std::collections::{BTreeMap, HashMap};
use std::io::Write;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// The demo logins the clients are spread over, in turn.
const USERS: [&str; 6] = ["region", "mo1", "metod1", "school1", "school2", "teacher1"];

/// Tables whose growth the report shows (rows written by the run).
const TABLES: [&str; 6] = [
    "plan_comments",
    "plan_evidence",
    "plan_activity_history",
    "notifications",
    "audit_log",
    "sessions",
];

fn main() -> std::process::ExitCode {
    let settings = Settings::from_env();
    let log = LogBuffer::install(&settings.log_filter);
    let server = Server::start(&settings);
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .expect("client runtime");
    let report = runtime.block_on(run_clients(&settings, &server.base));
    let counts = server.finish();
    let locks = log.lock_lines();
    print_report(&settings, &report, &counts, &log, locks);
    if report.errors() == 0 && locks == 0 {
        std::process::ExitCode::SUCCESS
    } else {
        std::process::ExitCode::FAILURE
    }
}

struct Settings {
    seconds: u64,
    clients: usize,
    database_url: Option<String>,
    log_filter: String,
}

impl Settings {
    fn from_env() -> Settings {
        let number = |name: &str, default: u64| -> u64 {
            match std::env::var(name) {
                Ok(v) => v
                    .trim()
                    .parse()
                    .unwrap_or_else(|_| panic!("{name}={v}: a whole number is expected")),
                Err(_) => default,
            }
        };
        Settings {
            seconds: number("LOAD_SECONDS", 600),
            clients: number("LOAD_CLIENTS", 64) as usize,
            database_url: std::env::var("DATABASE_URL")
                .ok()
                .filter(|u| !u.trim().is_empty()),
            log_filter: std::env::var("LOAD_LOG").unwrap_or_else(|_| "warn".into()),
        }
    }

    fn backend(&self) -> &'static str {
        if self.database_url.is_some() {
            "PostgreSQL"
        } else {
            "SQLite"
        }
    }
}

// ---------------------------------------------------------------------------
// The server's log, kept in memory to count what it says about locks.

#[derive(Clone, Default)]
struct LogBuffer(Arc<Mutex<Vec<u8>>>);

impl Write for LogBuffer {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl<'a> tracing_subscriber::fmt::MakeWriter<'a> for LogBuffer {
    type Writer = LogBuffer;
    fn make_writer(&'a self) -> LogBuffer {
        self.clone()
    }
}

impl LogBuffer {
    fn install(filter: &str) -> LogBuffer {
        let buffer = LogBuffer::default();
        tracing_subscriber::fmt()
            .with_env_filter(tracing_subscriber::EnvFilter::new(filter))
            .with_ansi(false)
            .with_writer(buffer.clone())
            .init();
        buffer
    }

    fn lines(&self) -> Vec<String> {
        String::from_utf8_lossy(&self.0.lock().unwrap())
            .lines()
            .map(str::to_string)
            .collect()
    }

    /// Lines that tell of SQLite's lock or busy answers (or PostgreSQL's
    /// lock timeouts): each is a writer that waited out or failed.
    fn lock_lines(&self) -> usize {
        self.lines()
            .iter()
            .filter(|l| {
                let l = l.to_lowercase();
                l.contains("database is locked") || l.contains("busy")
            })
            .count()
    }
}

// ---------------------------------------------------------------------------
// The application under test: its own thread and runtime, so that the
// clients' work is scheduled by the system like another process's.

struct Server {
    base: String,
    finished: std::sync::mpsc::Sender<()>,
    counts: std::sync::mpsc::Receiver<Vec<(String, i64, i64)>>,
}

impl Server {
    fn start(settings: &Settings) -> Server {
        let (bound_tx, bound_rx) = std::sync::mpsc::channel::<SocketAddr>();
        let (finished_tx, finished_rx) = std::sync::mpsc::channel::<()>();
        let (counts_tx, counts_rx) = std::sync::mpsc::channel();
        let url = settings.database_url.clone();
        std::thread::spawn(move || {
            let runtime = tokio::runtime::Builder::new_multi_thread()
                .enable_all()
                .build()
                .expect("server runtime");
            runtime.block_on(async move {
                let fresh = FreshDb::create(url.as_deref()).await;
                let before = table_counts(&fresh.db).await;
                let db = fresh.db.clone();
                tokio::spawn(async move {
                    let addr: SocketAddr = "127.0.0.1:0".parse().unwrap();
                    opora_web::serve_with(db, config(), addr, move |a| {
                        bound_tx.send(a).unwrap();
                    })
                    .await
                    .expect("serve");
                });
                // The clients' end comes from another runtime: wait for it
                // off this one's workers.
                tokio::task::spawn_blocking(move || finished_rx.recv())
                    .await
                    .unwrap()
                    .unwrap();
                let after = table_counts(&fresh.db).await;
                let counts = before
                    .into_iter()
                    .zip(after)
                    .map(|((t, b), (_, a))| (t, b, a))
                    .collect();
                fresh.drop_schema().await;
                counts_tx.send(counts).unwrap();
            });
        });
        let addr = bound_rx.recv().expect("the server did not start");
        Server {
            base: format!("http://{addr}"),
            finished: finished_tx,
            counts: counts_rx,
        }
    }

    /// Tells the server's thread the run is over; its table counts before
    /// and after.
    fn finish(self) -> Vec<(String, i64, i64)> {
        self.finished.send(()).unwrap();
        self.counts.recv().unwrap()
    }
}

/// The production defaults, as `opora serve --demo` runs them, except that
/// 64 logins at once are allowed and the demo's made-up school sites are
/// not crawled.
fn config() -> opora_web::Config {
    opora_web::Config {
        login_per_second: 1000,
        site_audits: false,
        ..opora_web::Config::default()
    }
}

async fn table_counts(db: &Db) -> Vec<(String, i64)> {
    let mut out = Vec::new();
    for t in TABLES {
        out.push((t.to_string(), db.count(t).await.expect("count rows")));
    }
    out
}

/// A fresh database loaded with the demo region.
struct FreshDb {
    db: Db,
    _dir: Option<tempfile::TempDir>,
    /// The PostgreSQL schema made for the run and its server.
    schema: Option<(String, String)>,
}

impl FreshDb {
    async fn create(url: Option<&str>) -> FreshDb {
        let started = Instant::now();
        let fresh = match url {
            None => {
                let dir = tempfile::tempdir().expect("temporary folder");
                let db = Db::open(None, dir.path()).await.expect("open SQLite");
                FreshDb {
                    db,
                    _dir: Some(dir),
                    schema: None,
                }
            }
            Some(url) => {
                let nanos = std::time::SystemTime::now()
                    .duration_since(std::time::UNIX_EPOCH)
                    .unwrap()
                    .subsec_nanos();
                let schema = format!("load_{}_{nanos}", std::process::id());
                let db = Db::connect_postgres(url, Some(&schema))
                    .await
                    .expect("connect PostgreSQL");
                db.migrate().await.expect("migrate PostgreSQL");
                FreshDb {
                    db,
                    _dir: None,
                    schema: Some((schema, url.to_string())),
                }
            }
        };
        opora_seed::load(&fresh.db, opora_seed::DEMO_SEED)
            .await
            .expect("load the demo region");
        eprintln!(
            "demo region loaded in {:.1} s",
            started.elapsed().as_secs_f64()
        );
        fresh
    }

    async fn drop_schema(self) {
        let Some((schema, url)) = self.schema else {
            return;
        };
        if let Ok(Db::Postgres(p)) = Db::connect_postgres(&url, None).await {
            let _ = sqlx::query(&format!("DROP SCHEMA IF EXISTS \"{schema}\" CASCADE"))
                .execute(&p)
                .await;
            p.close().await;
        }
    }
}

// ---------------------------------------------------------------------------
// Request kinds and what was measured.

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
enum Kind {
    Login,
    Home,
    Schools,
    Card,
    Plans,
    Plan,
    Activity,
    Tasks,
    ApiSchools,
    ApiNotifications,
    Comment,
    Status,
    Evidence,
    MarkRead,
}

impl Kind {
    fn title(self) -> &'static str {
        match self {
            Kind::Login => "POST /login",
            Kind::Home => "GET /",
            Kind::Schools => "GET /schools",
            Kind::Card => "GET /schools/{code}",
            Kind::Plans => "GET /plans",
            Kind::Plan => "GET /plans/{id}",
            Kind::Activity => "GET /activities/{id}",
            Kind::Tasks => "GET /tasks",
            Kind::ApiSchools => "GET /api/schools",
            Kind::ApiNotifications => "GET /api/notifications",
            Kind::Comment => "write: comment",
            Kind::Status => "write: status",
            Kind::Evidence => "write: evidence upload",
            Kind::MarkRead => "write: notification read",
        }
    }

    fn is_write(self) -> bool {
        matches!(
            self,
            Kind::Comment | Kind::Status | Kind::Evidence | Kind::MarkRead
        )
    }
}

#[derive(Default)]
struct Stats {
    /// Microseconds of every answered request, by kind.
    times: BTreeMap<Kind, Vec<u32>>,
    errors: BTreeMap<Kind, u64>,
    /// The first failures, for the report.
    examples: Vec<String>,
    /// When the run started (`None` while logging in: not in the timeline).
    origin: Option<Instant>,
    /// (second of the run, microseconds, a write) of every answered
    /// request: how latency moves as the written rows pile up.
    timeline: Vec<(u32, u32, bool)>,
}

impl Stats {
    fn merge(&mut self, other: Stats) {
        for (k, v) in other.times {
            self.times.entry(k).or_default().extend(v);
        }
        for (k, n) in other.errors {
            *self.errors.entry(k).or_default() += n;
        }
        self.timeline.extend(other.timeline);
        for e in other.examples {
            if self.examples.len() < 20 {
                self.examples.push(e);
            }
        }
    }

    fn errors(&self) -> u64 {
        self.errors.values().sum()
    }

    fn fail(&mut self, kind: Kind, what: String) {
        *self.errors.entry(kind).or_default() += 1;
        if self.examples.len() < 20 {
            self.examples.push(what);
        }
    }
}

// ---------------------------------------------------------------------------
// A browser-like client: cookies, the CSRF token of the last page, no
// redirects followed (a write answers 303 to its page).

struct Answer {
    status: u16,
    location: String,
    body: String,
}

struct Client {
    login: &'static str,
    http: reqwest::Client,
    base: String,
    cookies: HashMap<String, String>,
    csrf: String,
    stats: Stats,
}

/// What a request should get: a page (200) or a redirect whose target
/// starts with this text.
enum Expect<'a> {
    Page,
    RedirectTo(&'a str),
}

impl Client {
    fn new(base: &str, login: &'static str) -> Client {
        let http = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .pool_max_idle_per_host(1)
            .build()
            .expect("HTTP client");
        Client {
            login,
            http,
            base: base.to_string(),
            cookies: HashMap::new(),
            csrf: String::new(),
            stats: Stats::default(),
        }
    }

    fn cookie_header(&self) -> String {
        self.cookies
            .iter()
            .map(|(k, v)| format!("{k}={v}"))
            .collect::<Vec<_>>()
            .join("; ")
    }

    fn keep_cookies(&mut self, headers: &reqwest::header::HeaderMap) {
        for c in headers.get_all(reqwest::header::SET_COOKIE) {
            let Ok(c) = c.to_str() else { continue };
            let first = c.split(';').next().unwrap_or_default();
            let Some((k, v)) = first.split_once('=') else {
                continue;
            };
            if c.contains("Max-Age=0") || v.is_empty() {
                self.cookies.remove(k);
            } else {
                self.cookies.insert(k.to_string(), v.to_string());
            }
        }
    }

    /// Sends a request, times it to the last byte of the answer, and checks
    /// the answer; `None` (counted as an error) when it is not the expected one.
    async fn send(
        &mut self,
        kind: Kind,
        path: &str,
        req: reqwest::RequestBuilder,
        expect: Expect<'_>,
    ) -> Option<Answer> {
        let started = Instant::now();
        let answer = self.exchange(req).await;
        let micros = started.elapsed().as_micros().min(u32::MAX as u128) as u32;
        let answer = match answer {
            Ok(a) => a,
            Err(e) => {
                self.stats.fail(kind, format!("{} {path}: {e}", self.login));
                return None;
            }
        };
        self.stats.times.entry(kind).or_default().push(micros);
        if let Some(origin) = self.stats.origin {
            let second = started.duration_since(origin).as_secs() as u32;
            self.stats.timeline.push((second, micros, kind.is_write()));
        }
        let ok = match expect {
            Expect::Page => answer.status == 200,
            Expect::RedirectTo(to) => answer.status == 303 && answer.location.starts_with(to),
        };
        if !ok {
            // The page's message, not its head.
            let main = answer.body.find("<main").unwrap_or(0);
            let snippet: String = answer.body[main..].chars().take(300).collect();
            self.stats.fail(
                kind,
                format!(
                    "{} {path}: {} {} {snippet}",
                    self.login, answer.status, answer.location
                ),
            );
            return None;
        }
        Some(answer)
    }

    async fn exchange(&mut self, req: reqwest::RequestBuilder) -> reqwest::Result<Answer> {
        let res = req.header("cookie", self.cookie_header()).send().await?;
        let status = res.status().as_u16();
        let headers = res.headers().clone();
        self.keep_cookies(&headers);
        let location = headers
            .get("location")
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
            .to_string();
        let body = res.text().await?;
        if let Some(t) = csrf_of(&body) {
            self.csrf = t;
        }
        Ok(Answer {
            status,
            location,
            body,
        })
    }

    async fn get(&mut self, kind: Kind, path: &str) -> Option<Answer> {
        let req = self.http.get(format!("{}{path}", self.base));
        self.send(kind, path, req, Expect::Page).await
    }

    /// POSTs a form as the pages do, with the session's CSRF token.
    async fn post(
        &mut self,
        kind: Kind,
        path: &str,
        fields: &[(&str, &str)],
        expect: Expect<'_>,
    ) -> Option<Answer> {
        let body = form_body(fields, &self.csrf);
        let req = self
            .http
            .post(format!("{}{path}", self.base))
            .header("content-type", "application/x-www-form-urlencoded")
            .body(body);
        self.send(kind, path, req, expect).await
    }

    /// POSTs the evidence form as a browser does: the CSRF token first,
    /// the file, then the empty link fields.
    async fn upload(&mut self, path: &str, name: &str, bytes: Vec<u8>, back: &str) -> bool {
        let form = reqwest::multipart::Form::new()
            .text("csrf", self.csrf.clone())
            .part(
                "file",
                reqwest::multipart::Part::bytes(bytes)
                    .file_name(name.to_string())
                    .mime_str("application/pdf")
                    .expect("PDF type"),
            )
            .text("url", "")
            .text("name", "");
        let req = self
            .http
            .post(format!("{}{path}", self.base))
            .multipart(form);
        self.send(Kind::Evidence, path, req, Expect::RedirectTo(back))
            .await
            .is_some()
    }

    async fn log_in(&mut self) -> bool {
        let login = self.login;
        // The login form (its CSRF cookie and token) is not measured.
        let form = self.http.get(format!("{}/login", self.base));
        if self.exchange(form).await.is_err() {
            return false;
        }
        self.post(
            Kind::Login,
            "/login",
            &[
                ("login", login),
                ("password", opora_seed::DEMO_PASSWORD),
                ("next", "/"),
            ],
            Expect::RedirectTo("/"),
        )
        .await
        .is_some()
            // The browser follows the login's redirect: the first page gives
            // the session's CSRF token (the login form's is no longer valid).
            && self
                .exchange(self.http.get(format!("{}/", self.base)))
                .await
                .is_ok_and(|a| a.status == 200)
    }

    /// A GET outside the measurements (finding what the user sees).
    async fn json(&mut self, path: &str) -> serde_json::Value {
        let answer = self
            .exchange(self.http.get(format!("{}{path}", self.base)))
            .await
            .unwrap_or_else(|e| panic!("{} {path}: {e}", self.login));
        assert_eq!(answer.status, 200, "{} {path}: {}", self.login, answer.body);
        serde_json::from_str(&answer.body).expect("JSON")
    }
}

/// The fields and the CSRF token, URL-encoded (the serializer is not
/// `Send`: it must not live across an await).
fn form_body(fields: &[(&str, &str)], csrf: &str) -> String {
    let mut body = form_urlencoded::Serializer::new(String::new());
    for (k, v) in fields {
        body.append_pair(k, v);
    }
    body.append_pair("csrf", csrf);
    body.finish()
}

fn csrf_of(html: &str) -> Option<String> {
    let i = html.find("name=\"csrf\" value=\"")?;
    let rest = &html[i + 19..];
    Some(rest[..rest.find('"')?].to_string())
}

// ---------------------------------------------------------------------------
// What a user sees and may do, found through the application as that user.

#[derive(Default)]
struct View {
    schools: Vec<String>,
    plans: Vec<i64>,
    activities: Vec<i64>,
    /// Activities of plans the user works on or verifies (may comment).
    commentable: Vec<i64>,
    /// Activities of plans the user works on (statuses, evidence).
    workable: Vec<i64>,
    /// Activities of plans the user both works on and verifies: their
    /// status can go round the whole workflow.
    verifiable: Vec<i64>,
}

async fn discover(c: &mut Client) -> View {
    let mut v = View::default();
    let schools = c.json("/api/schools?per_page=1000").await;
    for row in schools["rows"].as_array().into_iter().flatten() {
        if let Some(code) = row["school"]["code"].as_str() {
            v.schools.push(code.to_string());
        }
    }
    let plans = c.json("/api/plans").await;
    for p in plans.as_array().into_iter().flatten() {
        let Some(id) = p["id"].as_i64() else { continue };
        v.plans.push(id);
        let detail = c.json(&format!("/api/plans/{id}")).await;
        let rights = &detail["rights"];
        let work = rights["work"].as_bool() == Some(true);
        let verify = rights["verify"].as_bool() == Some(true);
        let mut ids = Vec::new();
        activity_ids(&detail["plan"], &mut ids);
        for a in ids {
            v.activities.push(a);
            if work || verify {
                v.commentable.push(a);
            }
            if work {
                v.workable.push(a);
            }
            if work && verify {
                v.verifiable.push(a);
            }
        }
    }
    v
}

/// The ids of every activity of a plan's JSON, at any depth of sections.
fn activity_ids(node: &serde_json::Value, out: &mut Vec<i64>) {
    match node {
        serde_json::Value::Object(m) => {
            if let Some(list) = m.get("activities").and_then(|a| a.as_array()) {
                out.extend(list.iter().filter_map(|a| a["id"].as_i64()));
            }
            for (k, v) in m {
                if k != "activities" {
                    activity_ids(v, out);
                }
            }
        }
        serde_json::Value::Array(list) => {
            for v in list {
                activity_ids(v, out);
            }
        }
        _ => {}
    }
}

/// Gives every activity someone may work on to one client, so that no two
/// clients move the same activity at once (two people pressing buttons on
/// the same activity in the same second is a conflict the store answers
/// by its workflow, not load). Users take activities in turn.
fn assign_owners(
    clients: &[(usize, &'static str)],
    views: &HashMap<&'static str, Arc<View>>,
) -> HashMap<usize, (i64, bool)> {
    let mut all: Vec<i64> = views
        .values()
        .flat_map(|v| v.workable.iter().copied())
        .collect();
    all.sort_unstable();
    all.dedup();
    let mut owners = HashMap::new();
    for (i, a) in all.into_iter().enumerate() {
        let candidates: Vec<&str> = USERS
            .iter()
            .copied()
            .filter(|u| views[u].workable.contains(&a))
            .collect();
        let user = candidates[i % candidates.len()];
        if let Some((client, _)) = clients
            .iter()
            .find(|(n, login)| *login == user && !owners.contains_key(n))
        {
            owners.insert(*client, (a, views[user].verifiable.contains(&a)));
        }
    }
    owners
}

// ---------------------------------------------------------------------------
// The run.

struct Report {
    stats: Stats,
    elapsed: Duration,
    owners: usize,
}

impl Report {
    fn errors(&self) -> u64 {
        self.stats.errors()
    }
}

async fn run_clients(settings: &Settings, base: &str) -> Report {
    let names: Vec<(usize, &'static str)> = (0..settings.clients)
        .map(|i| (i, USERS[i % USERS.len()]))
        .collect();
    let mut clients = log_in_all(base, &names).await;
    let mut views = HashMap::new();
    for login in USERS {
        let c = clients.iter_mut().find(|c| c.login == login).unwrap();
        views.insert(login, Arc::new(discover(c).await));
    }
    let owners = assign_owners(&names, &views);
    eprintln!(
        "{} clients logged in; {} of them own an activity's status; running {} s",
        clients.len(),
        owners.len(),
        settings.seconds
    );
    let deadline = Instant::now() + Duration::from_secs(settings.seconds);
    let started = Instant::now();
    let mut tasks = Vec::new();
    for (n, mut client) in clients.into_iter().enumerate() {
        client.stats.origin = Some(started);
        let worker = Worker {
            n,
            view: views[client.login].clone(),
            owned: owners.get(&n).copied(),
            rng: 0x9E37_79B9_7F4A_7C15 ^ (n as u64 + 1).wrapping_mul(0x2545_F491_4F6C_DD1D),
            writes: 0,
            client,
        };
        tasks.push(tokio::spawn(worker.run(deadline)));
    }
    let mut stats = Stats::default();
    for t in tasks {
        stats.merge(t.await.expect("client task"));
    }
    Report {
        stats,
        elapsed: started.elapsed(),
        owners: owners.len(),
    }
}

/// Logs every client in at once (as people arriving at nine).
async fn log_in_all(base: &str, names: &[(usize, &'static str)]) -> Vec<Client> {
    let tasks: Vec<_> = names
        .iter()
        .map(|(_, login)| {
            let mut c = Client::new(base, login);
            tokio::spawn(async move {
                let ok = c.log_in().await;
                (c, ok)
            })
        })
        .collect();
    let mut out = Vec::new();
    for t in tasks {
        let (c, ok) = t.await.expect("login task");
        assert!(ok, "login {}: {:?}", c.login, c.stats.examples);
        out.push(c);
    }
    out
}

struct Worker {
    n: usize,
    client: Client,
    view: Arc<View>,
    /// The activity whose status this client moves, and whether its user
    /// verifies it too.
    owned: Option<(i64, bool)>,
    rng: u64,
    writes: u64,
}

/// The mix of one step, by weight: two thirds reads, one third writes.
const MIX: [(Kind, u64); 13] = [
    (Kind::Home, 8),
    (Kind::Schools, 8),
    (Kind::Card, 10),
    (Kind::Plans, 6),
    (Kind::Plan, 8),
    (Kind::Activity, 10),
    (Kind::Tasks, 6),
    (Kind::ApiSchools, 6),
    (Kind::ApiNotifications, 4),
    (Kind::Comment, 12),
    (Kind::Status, 10),
    (Kind::Evidence, 6),
    (Kind::MarkRead, 6),
];

impl Worker {
    async fn run(mut self, deadline: Instant) -> Stats {
        let mix: Vec<(Kind, u64)> = MIX.iter().copied().filter(|(k, _)| self.may(*k)).collect();
        let total: u64 = mix.iter().map(|(_, w)| w).sum();
        while Instant::now() < deadline {
            let mut pick = self.next() % total;
            let kind = mix
                .iter()
                .find(|(_, w)| {
                    let hit = pick < *w;
                    pick = pick.saturating_sub(*w);
                    hit
                })
                .map(|(k, _)| *k)
                .unwrap();
            self.step(kind).await;
        }
        self.client.stats
    }

    /// Whether this client's user may do this kind of step at all.
    fn may(&self, kind: Kind) -> bool {
        match kind {
            Kind::Comment => !self.view.commentable.is_empty(),
            Kind::Evidence => !self.view.workable.is_empty(),
            Kind::Status => self.owned.is_some(),
            Kind::Card => !self.view.schools.is_empty(),
            Kind::Plan | Kind::Activity => !self.view.activities.is_empty(),
            _ => true,
        }
    }

    /// xorshift64*: a fixed sequence per client, so runs are alike.
    fn next(&mut self) -> u64 {
        self.rng ^= self.rng >> 12;
        self.rng ^= self.rng << 25;
        self.rng ^= self.rng >> 27;
        self.rng.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    fn index(&mut self, len: usize) -> usize {
        (self.next() % len as u64) as usize
    }

    fn choose(&mut self, list: &[i64]) -> i64 {
        list[self.index(list.len())]
    }

    async fn step(&mut self, kind: Kind) {
        let path = match kind {
            Kind::Comment => return self.comment().await,
            Kind::Status => return self.status().await,
            Kind::Evidence => return self.evidence().await,
            Kind::MarkRead => return self.mark_read().await,
            Kind::Login => return,
            Kind::Home => "/".to_string(),
            Kind::Schools => "/schools".to_string(),
            Kind::Plans => "/plans".to_string(),
            Kind::Tasks => "/tasks".to_string(),
            Kind::ApiSchools => "/api/schools?per_page=50".to_string(),
            Kind::ApiNotifications => "/api/notifications".to_string(),
            Kind::Card => {
                let i = self.index(self.view.schools.len());
                format!("/schools/{}", self.view.schools[i])
            }
            Kind::Plan => format!("/plans/{}", self.choose(&self.view.plans.clone())),
            Kind::Activity => {
                format!("/activities/{}", self.choose(&self.view.activities.clone()))
            }
        };
        self.client.get(kind, &path).await;
    }

    async fn comment(&mut self) {
        let id = self.choose(&self.view.commentable.clone());
        self.writes += 1;
        let text = format!(
            "Комментарий нагрузочного теста: клиент {}, запись {}",
            self.n, self.writes
        );
        let path = format!("/activities/{id}/comments");
        let back = format!("/activities/{id}?done=comment");
        self.client
            .post(
                Kind::Comment,
                &path,
                &[("text", &text)],
                Expect::RedirectTo(&back),
            )
            .await;
    }

    /// Opens the owned activity and presses the status button its page
    /// offers: a verifier goes round (done → verified → in progress →
    /// done…), a worker alone between planned and in progress (done would
    /// wait for a curator who is not this client).
    async fn status(&mut self) {
        let Some((id, verifies)) = self.owned else {
            return;
        };
        let page = format!("/activities/{id}");
        let Some(answer) = self.client.get(Kind::Activity, &page).await else {
            return;
        };
        let offered = offered_moves(&answer.body);
        let order: &[&str] = if verifies {
            &["verified", "done", "in_progress"]
        } else {
            &["in_progress", "planned"]
        };
        let Some(to) = order.iter().find(|m| offered.iter().any(|o| o == *m)) else {
            self.client.stats.fail(
                Kind::Status,
                format!(
                    "{} {page}: no status move offered ({offered:?})",
                    self.client.login
                ),
            );
            return;
        };
        self.writes += 1;
        let comment = format!("нагрузочный тест, запись {}", self.writes);
        self.client
            .post(
                Kind::Status,
                &format!("{page}/status"),
                &[("status", to), ("comment", &comment)],
                Expect::RedirectTo(&format!("{page}?done=status")),
            )
            .await;
    }

    async fn evidence(&mut self) {
        let id = self.choose(&self.view.workable.clone());
        self.writes += 1;
        let name = format!("протокол-{}-{}.pdf", self.n, self.writes);
        self.client
            .upload(
                &format!("/activities/{id}/evidence"),
                &name,
                small_pdf(self.n, self.writes),
                &format!("/activities/{id}?done=evidence"),
            )
            .await;
    }

    /// Reads the inbox; marks the newest unread notification read, or all
    /// when none is unread (the button people press).
    async fn mark_read(&mut self) {
        let Some(answer) = self
            .client
            .get(Kind::ApiNotifications, "/api/notifications")
            .await
        else {
            return;
        };
        let inbox: serde_json::Value = serde_json::from_str(&answer.body).unwrap_or_default();
        let unread = inbox["items"]
            .as_array()
            .into_iter()
            .flatten()
            .find(|n| n["read"].as_bool() == Some(false))
            .and_then(|n| n["id"].as_i64());
        self.writes += 1;
        match unread {
            Some(id) => {
                let path = format!("/notifications/{id}/read");
                self.client
                    .post(
                        Kind::MarkRead,
                        &path,
                        &[],
                        Expect::RedirectTo(&format!("/notifications#n{id}")),
                    )
                    .await
            }
            None => {
                self.client
                    .post(
                        Kind::MarkRead,
                        "/notifications/read-all",
                        &[],
                        Expect::RedirectTo("/notifications"),
                    )
                    .await
            }
        };
    }
}

/// The status codes of the buttons of an activity page's status form.
fn offered_moves(html: &str) -> Vec<String> {
    html.split("name=\"status\" value=\"")
        .skip(1)
        .filter_map(|rest| rest.split('"').next())
        .filter(|code| *code != "cancelled")
        .map(str::to_string)
        .collect()
}

/// A small PDF (about 2 KB), different for every upload.
fn small_pdf(client: usize, n: u64) -> Vec<u8> {
    let mut pdf = format!(
        "%PDF-1.4\n% протокол заседания, клиент {client}, документ {n}\n1 0 obj << /Type /Catalog >> endobj\n"
    )
    .into_bytes();
    while pdf.len() < 2000 {
        pdf.extend_from_slice(b"% padding of a scanned page\n");
    }
    pdf.extend_from_slice(b"%%EOF\n");
    pdf
}

// ---------------------------------------------------------------------------
// The report.

fn percentile(sorted: &[u32], q: f64) -> u32 {
    if sorted.is_empty() {
        return 0;
    }
    let rank = ((q * sorted.len() as f64).ceil() as usize).clamp(1, sorted.len());
    sorted[rank - 1]
}

fn ms(micros: u32) -> String {
    let ms = micros as f64 / 1000.0;
    if ms >= 100.0 {
        format!("{ms:.0} ms")
    } else {
        format!("{ms:.1} ms")
    }
}

fn print_report(
    settings: &Settings,
    report: &Report,
    counts: &[(String, i64, i64)],
    log: &LogBuffer,
    locks: usize,
) {
    let secs = report.elapsed.as_secs_f64();
    println!();
    println!(
        "{}, {} clients, {:.0} s, {} of them moving statuses",
        settings.backend(),
        settings.clients,
        secs,
        report.owners
    );
    println!();
    println!("| request | count | errors | p50 | p90 | p99 | max |");
    println!("|---|---:|---:|---:|---:|---:|---:|");
    let mut all_reads = Vec::new();
    let mut all_writes = Vec::new();
    let mut kinds: Vec<Kind> = report.stats.times.keys().copied().collect();
    kinds.extend(report.stats.errors.keys().copied());
    kinds.sort_unstable();
    kinds.dedup();
    for kind in kinds {
        let times = report.stats.times.get(&kind).cloned().unwrap_or_default();
        let mut sorted = times.clone();
        sorted.sort_unstable();
        row(kind.title(), &sorted, report.stats.errors.get(&kind));
        if kind != Kind::Login {
            if kind.is_write() {
                all_writes.extend_from_slice(&times);
            } else {
                all_reads.extend_from_slice(&times);
            }
        }
    }
    let read_errors = sum_errors(report, |k| !k.is_write() && k != Kind::Login);
    let write_errors = sum_errors(report, Kind::is_write);
    all_reads.sort_unstable();
    all_writes.sort_unstable();
    row("**all reads**", &all_reads, Some(&read_errors));
    row("**all writes**", &all_writes, Some(&write_errors));
    let total = all_reads.len() + all_writes.len();
    println!();
    println!(
        "{total} requests in {secs:.0} s: {:.0} requests/s ({:.0} writes/s); errors: {}",
        total as f64 / secs,
        all_writes.len() as f64 / secs,
        report.errors()
    );
    println!();
    println!("Rows written by the run:");
    for (t, before, after) in counts {
        println!("- {t}: {before} → {after} (+{})", after - before);
    }
    print_timeline(&report.stats.timeline, settings.seconds);
    let lines = log.lines();
    println!();
    println!(
        "Server log (filter {}): {} lines, {} about a locked or busy database",
        settings.log_filter,
        lines.len(),
        locks
    );
    for l in lines.iter().take(10) {
        println!("  {l}");
    }
    if !report.stats.examples.is_empty() {
        println!();
        println!("First failures:");
        for e in &report.stats.examples {
            println!("  {e}");
        }
    }
}

fn sum_errors(report: &Report, which: impl Fn(Kind) -> bool) -> u64 {
    report
        .stats
        .errors
        .iter()
        .filter(|(k, _)| which(**k))
        .map(|(_, n)| n)
        .sum()
}

fn row(title: &str, sorted: &[u32], errors: Option<&u64>) {
    println!(
        "| {title} | {} | {} | {} | {} | {} | {} |",
        sorted.len(),
        errors.copied().unwrap_or(0),
        ms(percentile(sorted, 0.50)),
        ms(percentile(sorted, 0.90)),
        ms(percentile(sorted, 0.99)),
        ms(sorted.last().copied().unwrap_or(0)),
    );
}

/// Latency by tenth of the run (by minute in a 10-minute run).
fn print_timeline(timeline: &[(u32, u32, bool)], seconds: u64) {
    let window = (seconds / 10).max(1) as u32;
    let windows = (seconds as u32).div_ceil(window);
    println!();
    println!("| seconds | requests/s | reads p50 | reads p99 | writes p50 | writes p99 |");
    println!("|---|---:|---:|---:|---:|---:|");
    for w in 0..windows {
        let (from, to) = (w * window, (w + 1) * window);
        let part = |write: bool| {
            let mut v: Vec<u32> = timeline
                .iter()
                .filter(|(s, _, wr)| (from..to).contains(s) && *wr == write)
                .map(|(_, m, _)| *m)
                .collect();
            v.sort_unstable();
            v
        };
        let (reads, writes) = (part(false), part(true));
        println!(
            "| {from}–{to} | {:.0} | {} | {} | {} | {} |",
            (reads.len() + writes.len()) as f64 / window as f64,
            ms(percentile(&reads, 0.5)),
            ms(percentile(&reads, 0.99)),
            ms(percentile(&writes, 0.5)),
            ms(percentile(&writes, 0.99)),
        );
    }
}
