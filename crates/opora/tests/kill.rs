//! Kill tests (issue 17, "Reliability under faults"): the real binary is
//! killed with SIGKILL at random moments of a results import, a plan import
//! and an identification run saved from the web, on SQLite and PostgreSQL.
//! After every kill the visible state is the state before the killed run or
//! the complete new one, never a mix; the next run succeeds and leaves
//! exactly what a clean run leaves.
//!
//! The moments are uniform over the duration of a complete run measured
//! first, from a seeded generator (`OPORA_KILL_SEED`, printed) so that a
//! failure can be replayed. Sizes: `OPORA_KILL_ROWS` rows of results
//! (default 100,000) and `OPORA_KILL_TIMES` kills per part (default 5);
//! `scripts/kill-test.sh` runs the figures (1,000,000 and 20).

use std::io::{BufRead, BufReader, Read, Write};
use std::path::Path;
use std::process::{Child, ChildStdout, Stdio};
use std::time::{Duration, Instant};

use opora_store::Db;
use sqlx::Row;

mod common;

use common::*;

// ---------------------------------------------------------------- results

/// A results import killed at random moments, first as the first import of
/// the file (nothing visible before), then as an update of it (every score
/// changed): each kill leaves the old state or the whole new one.
#[test]
fn a_killed_results_import_shows_the_old_state_or_the_whole_new_one() {
    let (rows, kills) = (setting("OPORA_KILL_ROWS", 100_000), kills());
    let mut rng = Rng::seeded();
    for b in backends() {
        let files = tempfile::tempdir().unwrap();
        let schools = files.path().join("schools.csv");
        let (first, changed) = (
            files.path().join("results.csv"),
            files.path().join("results_changed.csv"),
        );
        opora_testkit::big_results::write_schools(&schools).unwrap();
        opora_testkit::big_results::write_results(&first, rows, 0).unwrap();
        opora_testkit::big_results::write_results(&changed, rows, 1).unwrap();
        let clean = CleanImports::measure(&b, &schools, &first, &changed);

        let probe = Probe::open(&b);
        assert_ok(&opora(&b, &["import", "schools", path(&schools)]));
        let mut log = KillLog::default();
        kill_results_imports(
            (&b, &probe, &first),
            kills.div_ceil(2),
            (&mut rng, clean.first),
            Vec::new(),
            &clean.first_state,
            &mut log,
        );
        let took = timed_import(&b, &first);
        probe.assert_results_settled(&clean.first_state, rows, "the first import after kills");

        kill_results_imports(
            (&b, &probe, &changed),
            kills / 2,
            (&mut rng, clean.changed),
            clean.first_state.clone(),
            &clean.changed_state,
            &mut log,
        );
        let last = timed_import(&b, &changed);
        probe.assert_results_settled(&clean.changed_state, rows, "the update after kills");
        println!(
            "KILL results {}: rows {rows}, clean import {:.1} s, update {:.1} s; kills {}: {}; \
             next runs: first import {:.1} s, update {:.1} s",
            b.name,
            clean.first.as_secs_f64(),
            clean.changed.as_secs_f64(),
            log.0.len(),
            log.0.join(", "),
            took.as_secs_f64(),
            last.as_secs_f64(),
        );
        probe.close();
        drop_schema(&b);
    }
}

/// The visible state and duration of clean imports of both files, in a
/// database of their own on the same backend.
struct CleanImports {
    first: Duration,
    first_state: Vec<Vec<String>>,
    changed: Duration,
    changed_state: Vec<Vec<String>>,
}

impl CleanImports {
    fn measure(like: &Backend, schools: &Path, first: &Path, changed: &Path) -> CleanImports {
        let b = fresh_backend(like.name);
        assert_ok(&opora(&b, &["import", "schools", path(schools)]));
        let probe = Probe::open(&b);
        let first_took = timed_import(&b, first);
        let first_state = probe.visible_results();
        let changed_took = timed_import(&b, changed);
        let changed_state = probe.visible_results();
        probe.close();
        drop_schema(&b);
        assert_ne!(
            first_state, changed_state,
            "the changed file must change every group"
        );
        CleanImports {
            first: first_took,
            first_state,
            changed: changed_took,
            changed_state,
        }
    }
}

/// Kills an import of `file` at `moment` and checks that the visible state
/// is the one `before` it or the complete `new` one; returns it.
/// `times` imports of `file` killed at random moments within `span` (the
/// duration of a complete one), starting from the `visible` state.
fn kill_results_imports(
    (b, probe, file): (&Backend, &Probe, &Path),
    times: usize,
    (rng, span): (&mut Rng, Duration),
    mut visible: Vec<Vec<String>>,
    new: &[Vec<String>],
    log: &mut KillLog,
) {
    for _ in 0..times {
        let moment = rng.within(span);
        visible = kill_results_import(b, probe, file, moment, visible, new, log);
    }
}

fn kill_results_import(
    b: &Backend,
    probe: &Probe,
    file: &Path,
    moment: Duration,
    before: Vec<Vec<String>>,
    new: &[Vec<String>],
    log: &mut KillLog,
) -> Vec<Vec<String>> {
    let killed = kill_at(command(b, &["import", "results", path(file)]), moment);
    let state = probe.visible_results();
    let found = match () {
        _ if state == before && before.is_empty() => "empty",
        _ if state == before && state == new => "new, as before",
        _ if state == before => "old",
        _ if state == new => "new",
        _ => panic!(
            "{}: a results import killed at {moment:?} left {} groups visible that are neither \
             the state before it ({} groups) nor the new one ({} groups)",
            b.name,
            state.len(),
            before.len(),
            new.len()
        ),
    };
    log.note(moment, killed, found);
    state
}

/// Imports a results file to the end and returns how long the command took.
fn timed_import(b: &Backend, file: &Path) -> Duration {
    let started = Instant::now();
    let o = opora(b, &["import", "results", path(file)]);
    let took = started.elapsed();
    assert_ok(&o);
    took
}

// ---------------------------------------------------------------- plans

/// A plan import killed at random moments: the plan is absent or complete,
/// the next run succeeds, and running it again changes nothing. Each kill
/// gets a database of its own, since once the plan is saved an import of
/// the same file writes nothing that a kill could cut.
#[test]
fn a_killed_plan_import_leaves_no_plan_or_the_whole_plan() {
    let kills = kills();
    let mut rng = Rng::seeded();
    let plan = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../plans/tests/fixtures/seed_000_alekseevsky.docx");
    let args = [
        "plan",
        "import",
        path(&plan),
        "--municipality",
        "Алексеевский район",
    ];
    for name in backends().iter().map(|b| b.name) {
        // The quickest of three: a first start reads the binary from disk.
        let (clean, full) = (0..3)
            .map(|_| clean_plan_import(name, &args))
            .min_by_key(|(took, _)| *took)
            .unwrap();
        let mut log = KillLog::default();
        for _ in 0..kills {
            let b = fresh_backend(name);
            import_plan_registry(&b);
            let probe = Probe::open(&b);
            let moment = rng.within(clean);
            let killed = kill_at(command(&b, &args), moment);
            let found = match plan_list(&b).as_slice() {
                [] => "absent",
                [p] if summary(p) == full => "complete",
                plans => panic!("{name}: a plan import killed at {moment:?} left {plans:?}"),
            };
            probe.assert_every_plan_audited();
            log.note(moment, killed, found);

            assert_ok(&opora(&b, &args));
            let saved = plan_list(&b);
            assert_eq!(
                saved.iter().map(summary).collect::<Vec<_>>(),
                std::slice::from_ref(&full),
                "{name}"
            );
            let again = opora(&b, &args);
            assert!(text(&again).contains("уже загружен"), "{}", text(&again));
            assert_eq!(
                plan_list(&b),
                saved,
                "{name}: re-running the import changed the plans"
            );
            probe.assert_every_plan_audited();
            probe.close();
            drop_schema(&b);
        }
        println!(
            "KILL plan {name}: clean import {:.2} s; kills {}: {}; each next run succeeded, re-run unchanged",
            clean.as_secs_f64(),
            log.0.len(),
            log.0.join(", ")
        );
    }
}

/// How long a clean plan import takes, and what it shows (a fresh database).
fn clean_plan_import(name: &str, args: &[&str]) -> (Duration, serde_json::Value) {
    let b = fresh_backend(name);
    import_plan_registry(&b);
    let started = Instant::now();
    let o = opora(&b, args);
    let took = started.elapsed();
    assert_ok(&o);
    let plans = plan_list(&b);
    drop_schema(&b);
    assert_eq!(plans.len(), 1, "{plans:?}");
    (took, summary(&plans[0]))
}

/// The municipality the plan belongs to.
fn import_plan_registry(b: &Backend) {
    let schools = b.data.path().join("plan_schools.csv");
    std::fs::write(
        &schools,
        "Код ОО;Муниципалитет;Полное наименование\nS001;Алексеевский район;МОУ «Средняя школа № 46»\n",
    )
    .unwrap();
    assert_ok(&opora(b, &["import", "schools", path(&schools)]));
}

fn plan_list(b: &Backend) -> Vec<serde_json::Value> {
    let o = opora(b, &["plan", "list", "--format", "json"]);
    assert_ok(&o);
    serde_json::from_slice(&o.stdout).unwrap_or_else(|_| panic!("{}", text(&o)))
}

/// What a plan list shows of a plan, ids and times aside.
fn summary(p: &serde_json::Value) -> serde_json::Value {
    serde_json::json!([
        p["title"],
        p["level"],
        p["unit"],
        p["activities"],
        p["status"]
    ])
}

// ---------------------------------------------------------------- web

/// `opora serve` killed at random moments of a POST /identification: after
/// a restart every saved run is whole (listed with all its schools, audited)
/// and a new run succeeds.
#[test]
fn a_server_killed_while_saving_a_run_keeps_only_whole_runs() {
    let kills = kills();
    let mut rng = Rng::seeded();
    for b in backends() {
        assert_ok(&opora(&b, &["demo"]));
        let probe = Probe::open(&b);
        let mut server = Server::start(&b);
        let mut runs = probe.assert_runs_whole();
        let (answer, duration) = server.login().run_identification();
        assert!(
            answer.starts_with("HTTP/1.1 303"),
            "{}: the measured run failed: {answer}",
            b.name
        );
        runs += 1;
        assert_eq!(probe.assert_runs_whole(), runs, "{}", b.name);
        let mut log = KillLog::default();
        for _ in 0..kills {
            let moment = rng.within(duration);
            let mut request = server.login().send_identification();
            std::thread::sleep(moment);
            server.kill();
            let mut answer = String::new();
            let _ = request.read_to_string(&mut answer); // cut short by the kill, or complete
                                                         // The restart repairs what the kill left (ensure_runs_indexed).
            server = Server::start(&b);
            let now = probe.assert_runs_whole();
            let found = match now - runs {
                0 => "absent",
                1 => "saved",
                n => panic!("{}: one request saved {n} runs", b.name),
            };
            runs = now;
            log.note(moment, !answer.starts_with("HTTP/1.1 303"), found);
        }
        let (answer, last) = server.login().run_identification();
        assert!(
            answer.starts_with("HTTP/1.1 303"),
            "{}: the run after the kills failed: {answer}",
            b.name
        );
        assert_eq!(probe.assert_runs_whole(), runs + 1, "{}", b.name);
        server.kill();
        println!(
            "KILL identification {}: complete request {:.2} s; kills {}: {}; next run {:.2} s",
            b.name,
            duration.as_secs_f64(),
            log.0.len(),
            log.0.join(", "),
            last.as_secs_f64()
        );
        probe.close();
        drop_schema(&b);
    }
}

/// `opora serve` on a free port of the loopback.
struct Server {
    child: Child,
    addr: String,
    /// Kept open: the server may still print.
    _stdout: BufReader<ChildStdout>,
}

impl Server {
    fn start(b: &Backend) -> Server {
        let mut child = command(b, &["serve", "--addr", "127.0.0.1:0"])
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let mut stdout = BufReader::new(child.stdout.take().unwrap());
        let mut line = String::new();
        // The address is printed once the start (with its repairs) is over.
        while !line.contains("http://") {
            line.clear();
            assert!(
                stdout.read_line(&mut line).unwrap() > 0,
                "{}: the server stopped before listening",
                b.name
            );
        }
        let addr = line
            .split("http://")
            .nth(1)
            .and_then(|s| s.split('/').next())
            .unwrap()
            .to_string();
        Server {
            child,
            addr,
            _stdout: stdout,
        }
    }

    /// SIGKILL on unix: no shutdown code runs.
    fn kill(&mut self) {
        self.child.kill().unwrap();
        self.child.wait().unwrap();
    }

    /// A browser session of the demo's regional operator.
    fn login(&self) -> Web {
        let mut web = Web {
            addr: self.addr.clone(),
            cookies: Vec::new(),
        };
        let page = web.request("GET", "/login", None);
        let token = csrf(&page.body);
        let body = format!("login=region&password=demo&csrf={token}&next=/");
        let r = web.request("POST", "/login", Some(&body));
        assert_eq!(r.status, 303, "login failed: {}", r.body);
        web
    }
}

/// A failing test leaves no server behind.
impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A browser: cookies and form posts over plain HTTP/1.1.
struct Web {
    addr: String,
    cookies: Vec<(String, String)>,
}

struct Response {
    status: u16,
    body: String,
}

/// The identification form with the methodology's defaults.
const RUN_FORM: &str = "low_percent=10&shnsu_percent=10&years_k=2&years_y=3&min_results=10&select=backward&p_remove=0%2C05&weights=none";

impl Web {
    /// Runs an identification and waits for the answer; returns the answer
    /// and how long the POST took.
    fn run_identification(mut self) -> (String, Duration) {
        let form = self.identification_form();
        let started = Instant::now();
        let mut answer = String::new();
        self.send("POST", "/identification", Some(&form))
            .read_to_string(&mut answer)
            .unwrap();
        (answer, started.elapsed())
    }

    /// Sends the run's request and returns without waiting for the answer.
    fn send_identification(mut self) -> std::net::TcpStream {
        let form = self.identification_form();
        self.send("POST", "/identification", Some(&form))
    }

    fn identification_form(&mut self) -> String {
        let token = csrf(&self.request("GET", "/identification", None).body);
        format!("csrf={token}&{RUN_FORM}")
    }

    fn send(&self, method: &str, path: &str, body: Option<&str>) -> std::net::TcpStream {
        let mut s = std::net::TcpStream::connect(&self.addr).unwrap();
        let cookies: Vec<String> = self
            .cookies
            .iter()
            .map(|(k, v)| format!("{k}={v}"))
            .collect();
        let body = body.unwrap_or("");
        write!(
            s,
            "{method} {path} HTTP/1.1\r\nHost: {}\r\nConnection: close\r\nCookie: {}\r\n\
             Content-Type: application/x-www-form-urlencoded\r\nContent-Length: {}\r\n\r\n{body}",
            self.addr,
            cookies.join("; "),
            body.len()
        )
        .unwrap();
        s
    }

    fn request(&mut self, method: &str, path: &str, body: Option<&str>) -> Response {
        let mut s = self.send(method, path, body);
        let mut raw = String::new();
        s.read_to_string(&mut raw).unwrap();
        let (head, body) = raw.split_once("\r\n\r\n").unwrap_or((&raw, ""));
        for line in head.lines() {
            let Some(cookie) = line.strip_prefix("set-cookie: ") else {
                continue;
            };
            let pair = cookie.split(';').next().unwrap_or("");
            if let Some((k, v)) = pair.split_once('=') {
                self.cookies.retain(|(name, _)| name != k);
                self.cookies.push((k.to_string(), v.to_string()));
            }
        }
        let status = head
            .split(' ')
            .nth(1)
            .and_then(|s| s.parse().ok())
            .unwrap_or(0);
        Response {
            status,
            body: body.to_string(),
        }
    }
}

/// The CSRF token of a page's form.
fn csrf(page: &str) -> String {
    let start = page
        .find("name=\"csrf\" value=\"")
        .unwrap_or_else(|| panic!("no CSRF token in {page}"));
    let rest = &page[start + "name=\"csrf\" value=\"".len()..];
    rest[..rest.find('"').unwrap()].to_string()
}

// ---------------------------------------------------------------- the database

/// A connection of the test's own to the backend, for what the tables hold
/// (the killed process cannot be asked).
struct Probe {
    rt: tokio::runtime::Runtime,
    db: Db,
}

impl Probe {
    fn open(b: &Backend) -> Probe {
        let rt = tokio::runtime::Runtime::new().unwrap();
        let db = rt
            .block_on(Db::open(b.database_url.as_deref(), b.data.path()))
            .unwrap();
        Probe { rt, db }
    }

    fn close(self) {
        self.rt.block_on(self.db.close());
    }

    /// Every column of every row as text (`CAST(… AS TEXT)` in the query).
    fn texts(&self, sql: &str) -> Vec<Vec<String>> {
        fn read<R: Row>(r: &R) -> Vec<String>
        where
            for<'a> String: sqlx::Decode<'a, R::Database> + sqlx::Type<R::Database>,
            usize: sqlx::ColumnIndex<R>,
        {
            (0..r.len()).map(|i| r.get::<String, _>(i)).collect()
        }
        self.rt.block_on(async {
            match &self.db {
                Db::Sqlite(p) => sqlx::query(sql)
                    .fetch_all(p)
                    .await
                    .unwrap()
                    .iter()
                    .map(read)
                    .collect(),
                Db::Postgres(p) => sqlx::query(sql)
                    .fetch_all(p)
                    .await
                    .unwrap()
                    .iter()
                    .map(read)
                    .collect(),
            }
        })
    }

    fn count(&self, sql: &str) -> i64 {
        self.texts(sql)[0][0].parse().unwrap()
    }

    /// The results users see: each (school, assessment) group's statistics,
    /// which identification and the school card read.
    fn visible_results(&self) -> Vec<Vec<String>> {
        self.texts(
            "SELECT CAST(a.year AS TEXT), a.procedure, a.subject, CAST(a.grade AS TEXT), s.code, \
             CAST(st.n AS TEXT), CAST(st.sum AS TEXT), CAST(st.sum_sq AS TEXT), st.content_hash \
             FROM assessment_stats st JOIN assessments a ON a.id = st.assessment_id JOIN schools s ON s.id = st.school_id \
             ORDER BY a.year, a.procedure, a.subject, a.grade, s.code",
        )
    }

    /// After a complete import: the clean state, one stored row per file
    /// row (the killed imports' rows swept), no import left open.
    fn assert_results_settled(&self, clean: &[Vec<String>], rows: usize, what: &str) {
        assert_eq!(
            self.visible_results(),
            clean,
            "{what}: not the clean import's state"
        );
        assert_eq!(
            self.count("SELECT CAST(COUNT(*) AS TEXT) FROM pupil_results"),
            rows as i64,
            "{what}: rows left behind"
        );
        let open = "SELECT CAST(COUNT(*) AS TEXT) FROM result_imports WHERE state IN ('writing', 'sweeping')";
        assert_eq!(self.count(open), 0, "{what}: an import is left open");
        assert_eq!(
            self.count("SELECT CAST(COUNT(*) AS TEXT) FROM result_import_groups"),
            0,
            "{what}"
        );
    }

    /// A saved plan is audited: the log names every plan it holds.
    fn assert_every_plan_audited(&self) {
        let plans = self.count("SELECT CAST(COUNT(*) AS TEXT) FROM plans");
        let audited = self
            .count("SELECT CAST(COUNT(*) AS TEXT) FROM audit_log WHERE action = 'план сохранён'");
        assert_eq!(plans, audited, "a plan was saved without its audit entry");
    }

    /// Every saved run has its index rows (one per school of the run) and
    /// its audit entry; returns how many runs there are.
    fn assert_runs_whole(&self) -> i64 {
        let ids = self.texts("SELECT CAST(id AS TEXT) FROM identification_runs ORDER BY id");
        for id in ids.iter().map(|r| r[0].parse::<i64>().unwrap()) {
            let run = self.rt.block_on(self.db.run(id)).unwrap().unwrap();
            let indexed = self.count(&format!(
                "SELECT CAST(COUNT(*) AS TEXT) FROM run_schools WHERE run_id = {id}"
            ));
            assert_eq!(
                indexed,
                run.schools.len() as i64,
                "run {id} is listed without all its schools"
            );
            let audited = self.count(&format!(
                "SELECT CAST(COUNT(*) AS TEXT) FROM audit_log WHERE action = 'запуск идентификации' AND object = 'расчёт № {id}'"
            ));
            assert_eq!(audited, 1, "run {id} was saved without its audit entry");
        }
        ids.len() as i64
    }
}

// ---------------------------------------------------------------- support

/// Starts `cmd`, waits `moment` and sends SIGKILL; returns whether the
/// process was still running (a moment past its end kills nothing).
fn kill_at(mut cmd: std::process::Command, moment: Duration) -> bool {
    let mut child = cmd
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    std::thread::sleep(moment);
    let running = child.try_wait().unwrap().is_none();
    child.kill().unwrap();
    child.wait().unwrap();
    running
}

/// The moments and findings of the kills, for the summary line.
#[derive(Default)]
struct KillLog(Vec<String>);

impl KillLog {
    fn note(&mut self, moment: Duration, killed: bool, found: &str) {
        let ended = if killed { "" } else { " (had ended)" };
        self.0
            .push(format!("{:.2} s → {found}{ended}", moment.as_secs_f64()));
    }
}

/// xorshift64*: reproducible moments without a dependency.
struct Rng {
    state: u64,
}

impl Rng {
    fn seeded() -> Rng {
        let seed = std::env::var("OPORA_KILL_SEED")
            .ok()
            .and_then(|s| s.parse().ok())
            .unwrap_or_else(|| {
                std::time::SystemTime::now()
                    .duration_since(std::time::UNIX_EPOCH)
                    .unwrap()
                    .as_nanos() as u64
            });
        println!("kill moments: OPORA_KILL_SEED={seed}");
        Rng { state: seed | 1 }
    }

    /// A moment uniform in (0, d).
    fn within(&mut self, d: Duration) -> Duration {
        self.state ^= self.state >> 12;
        self.state ^= self.state << 25;
        self.state ^= self.state >> 27;
        let x = self.state.wrapping_mul(0x2545_f491_4f6c_dd1d) >> 11;
        d.mul_f64((x as f64 + 0.5) / (1u64 << 53) as f64)
    }
}

fn setting(name: &str, default: usize) -> usize {
    std::env::var(name).ok().map_or(default, |v| {
        v.parse()
            .unwrap_or_else(|_| panic!("{name}={v}: not a number"))
    })
}

fn kills() -> usize {
    setting("OPORA_KILL_TIMES", 5).max(1)
}

/// A new, empty data location of the backend named `name`.
fn fresh_backend(name: &str) -> Backend {
    backends().into_iter().find(|b| b.name == name).unwrap()
}

/// Drops the PostgreSQL schema of a backend: the kill tests write millions of rows.
fn drop_schema(b: &Backend) {
    let Some(url) = &b.database_url else { return };
    let (server, schema) = url.split_once("options=-csearch_path%3D").unwrap();
    let server = server.trim_end_matches(['?', '&']);
    let o = std::process::Command::new("psql")
        .args([server, "-qc", &format!("DROP SCHEMA {schema} CASCADE")])
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", text(&o));
}

fn assert_ok(o: &std::process::Output) {
    assert!(o.status.success(), "{}", text(o));
}

fn path(p: &Path) -> &str {
    p.to_str().unwrap()
}
