//! The security matrix, on SQLite and PostgreSQL: every route of the router
//! (`opora_web::route_table`, not a list kept here) asked by every role and
//! by an anonymous visitor, once with the ids of the demo's own world (the
//! demo municipality and school) and once with the ids of a second
//! municipality's world, and the answer compared with the rule written in
//! [`SPEC`]. A route the router has and the rules do not (or the other way
//! round) fails the test, so a new page cannot arrive without its rule.
//!
//! Outcomes: `ok` (done: 2xx, or a redirect other than to the login form),
//! `400` (the form was read and refused: 400, 409, 413, 415, 422), `403`
//! (the role may not), `404` (out of scope, or unknown), `login` (anonymous:
//! sent to the login form, or 401 from the API). A 405 or 500 is always a
//! failure. Every refused POST must leave the audit log as it was: nothing
//! was written.
//!
//! POST bodies carry the same world's ids in their fields (schools,
//! curators, users), so «every id in a form is checked against the caller's
//! scope» is asked of every form that names one.

mod common;

use common::worlds::{worlds, LOGINS as ROLES};
use common::*;
use opora_store::Db;
use opora_web::Verb;
use std::collections::BTreeMap;

/// One line per route: method, path, then one cell per role of [`ROLES`]:
/// `own/foreign` outcomes, or one outcome for both (routes without ids, or
/// the same answer for both worlds).
const SPEC: &str = include_str!("security_matrix.spec");

/// A rule's expected outcome for one role: own world, foreign world.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Cell {
    own: String,
    foreign: String,
}

struct Rule {
    cells: Vec<Cell>,
    body: String,
}

fn parse_spec() -> BTreeMap<(Verb, String), Rule> {
    let mut rules = BTreeMap::new();
    for (n, line) in SPEC.lines().enumerate() {
        let line = line.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let (line, body) = match line.split_once(" body ") {
            Some((l, b)) => (l, b.trim().to_string()),
            None => (line, String::new()),
        };
        let words: Vec<&str> = line.split_whitespace().collect();
        assert_eq!(
            words.len(),
            2 + ROLES.len(),
            "security_matrix.spec line {}: method, path and {} cells",
            n + 1,
            ROLES.len()
        );
        let verb = match words[0] {
            "GET" => Verb::Get,
            "POST" => Verb::Post,
            v => panic!("line {}: method {v}", n + 1),
        };
        let cells = words[2..]
            .iter()
            .map(|c| match c.split_once('/') {
                Some((o, f)) => Cell {
                    own: o.into(),
                    foreign: f.into(),
                },
                None => Cell {
                    own: c.to_string(),
                    foreign: c.to_string(),
                },
            })
            .collect();
        let key = (verb, words[1].to_string());
        assert!(
            rules.insert(key, Rule { cells, body }).is_none(),
            "line {}: {} {} twice",
            n + 1,
            words[0],
            words[1]
        );
    }
    rules
}

/// The newest audit entry's id (0 when the log is empty).
async fn last_audit_id(db: &Db) -> i64 {
    let sql = "SELECT COALESCE(MAX(id), 0) FROM audit_log";
    match db {
        Db::Sqlite(p) => sqlx::query_scalar(sql).fetch_one(p).await.unwrap(),
        Db::Postgres(p) => sqlx::query_scalar(sql).fetch_one(p).await.unwrap(),
    }
}

/// Waits until an audit entry newer than `after` exists (a background
/// job's), polling; gives up quietly after a while (the matrix then reports
/// what it finds).
async fn wait_for_audit(db: &Db, after: i64) {
    for _ in 0..400 {
        if last_audit_id(db).await > after {
            return;
        }
        tokio::time::sleep(std::time::Duration::from_millis(25)).await;
    }
}

/// The audit entries written after `after`, as «actor: action object».
async fn audit_since(db: &Db, after: i64) -> Vec<String> {
    let sql = "SELECT actor, action, object FROM audit_log WHERE id > $1 ORDER BY id";
    let rows: Vec<(String, String, String)> = match db {
        Db::Sqlite(p) => sqlx::query_as(sql).bind(after).fetch_all(p).await.unwrap(),
        Db::Postgres(p) => sqlx::query_as(sql).bind(after).fetch_all(p).await.unwrap(),
    };
    rows.into_iter()
        .map(|(actor, action, object)| format!("{actor}: {action} {object}"))
        .collect()
}

async fn client_for(base: &str, login: &str) -> Client {
    if login == "anonymous" {
        // With the login form's CSRF cookie: a POST reaches the handler.
        let mut c = Client::new(base);
        c.get("/login").await;
        c
    } else {
        logged_in(base, login).await
    }
}

async fn ask(c: &mut Client, verb: Verb, path: &str, body: &str) -> Page {
    match verb {
        Verb::Get => c.get(path).await,
        // `file …`: the page's file form (multipart, the CSRF token first).
        Verb::Post => match body.strip_prefix("file ") {
            Some(rest) => {
                let (name, fields) = rest.split_once(' ').unwrap_or((rest, ""));
                let mut all = vec![("csrf".to_string(), c.csrf.clone())];
                all.extend(url_pairs(fields));
                let refs: Vec<(&str, &str)> =
                    all.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
                let bytes = if name.ends_with(".pdf") {
                    b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n".to_vec()
                } else {
                    b"x\n".to_vec()
                };
                c.post_multipart(path, &refs, name, bytes).await
            }
            None => {
                let mut fields = url_pairs(body);
                fields.insert(0, ("csrf".into(), c.csrf.clone()));
                c.post_raw(path, &fields, &[]).await
            }
        },
    }
}

fn url_pairs(body: &str) -> Vec<(String, String)> {
    body.split('&')
        .filter(|p| !p.is_empty())
        .map(|p| match p.split_once('=') {
            Some((k, v)) => (k.to_string(), v.replace('+', " ")),
            None => (p.to_string(), String::new()),
        })
        .collect()
}

#[tokio::test]
async fn every_route_answers_every_role_as_its_rule_says() {
    for_each_db!(|t| {
        let cast = load_demo(&t.db).await;
        let (own, foreign) = worlds(&t.db, &cast).await;
        let cfg = opora_web::Config {
            // The matrix logs in again and again: not a password attack.
            login_per_second: 1000,
            ..test_config()
        };
        let base = spawn(&t.db, cfg).await;
        let rules = parse_spec();
        let routes = opora_web::route_table();

        let mut problems = Vec::new();
        let routed: Vec<(Verb, String)> = routes
            .iter()
            .map(|r| (r.verb, r.path.to_string()))
            .collect();
        for r in &routes {
            if !rules.contains_key(&(r.verb, r.path.to_string())) {
                problems.push(format!(
                    "{:?} {}: no rule in security_matrix.spec",
                    r.verb, r.path
                ));
            }
        }
        for key in rules.keys() {
            if !routed.contains(key) {
                problems.push(format!(
                    "{:?} {}: a rule for a route the router does not have",
                    key.0, key.1
                ));
            }
        }

        let mut observed = Vec::new();
        for (col, login) in ROLES.iter().enumerate() {
            let mut c = client_for(&base, login).await;
            // GETs first: a POST that is allowed may change what a GET finds.
            for verb in [Verb::Get, Verb::Post] {
                for r in routes.iter().filter(|r| r.verb == verb) {
                    let Some(rule) = rules.get(&(r.verb, r.path.to_string())) else {
                        continue;
                    };
                    let mut got = Vec::new();
                    for (world, foreign_world) in [(&own, false), (&foreign, true)] {
                        let path = world.path(r, login, foreign_world);
                        let body = world.fill(&rule.body, login);
                        let before = last_audit_id(&t.db).await;
                        let page = ask(&mut c, r.verb, &path, &body).await;
                        let out = outcome(&page);
                        let expected = if foreign_world {
                            &rule.cells[col].foreign
                        } else {
                            &rule.cells[col].own
                        };
                        if &out != expected {
                            problems.push(format!(
                                "{login}: {:?} {path} → {} ({out}), the rule says {expected}",
                                r.verb, page.status
                            ));
                        }
                        if r.path.ends_with("/check") && out == "ok" {
                            // The website check runs in the background and
                            // writes its result when done: wait for it, so
                            // that it is not taken for a later request's.
                            wait_for_audit(&t.db, before).await;
                        }
                        // Refused: nothing written. (A failed login is written on purpose.)
                        if r.verb == Verb::Post && ["400", "403", "404"].contains(&out.as_str()) {
                            let written = audit_since(&t.db, before).await;
                            if !written.is_empty() {
                                problems.push(format!("{login}: POST {path} was refused ({out}) but wrote {written:?}"));
                            }
                        }
                        if std::env::var("OPORA_MATRIX_PRINT").is_ok() && out == "400" {
                            println!("400 {login} {path}: {}", text_of(&page.body));
                        }
                        got.push(out);
                        if r.path == "/logout" && *login != "anonymous" {
                            c = client_for(&base, login).await;
                        }
                        if r.path == "/login" {
                            // A new session: its own CSRF token.
                            c.get("/").await;
                        }
                    }
                    observed.push((r.verb, r.path, col, got));
                }
            }
        }
        if std::env::var("OPORA_MATRIX_PRINT").is_ok() {
            print_observed(&observed);
        }
        assert!(
            problems.is_empty(),
            "{} {} differ from the matrix:\n{}",
            t.name,
            problems.len(),
            problems.join("\n")
        );
        t.db.close().await;
    });
}

/// The observed matrix in the spec's format (to review, never to paste blindly).
fn print_observed(observed: &[(Verb, &str, usize, Vec<String>)]) {
    let mut rows: BTreeMap<(Verb, &str), Vec<String>> = BTreeMap::new();
    for (verb, path, col, got) in observed {
        let cell = if got[0] == got[1] {
            got[0].clone()
        } else {
            format!("{}/{}", got[0], got[1])
        };
        let row = rows
            .entry((*verb, path))
            .or_insert_with(|| vec![String::new(); ROLES.len()]);
        row[*col] = cell;
    }
    for ((verb, path), cells) in rows {
        let m = if verb == Verb::Get { "GET " } else { "POST" };
        let cells: Vec<String> = cells.iter().map(|c| format!("{c:<8}")).collect();
        println!("{m} {path:<48} {}", cells.join(" "));
    }
}

/// The visible text of a page's main part, shortened (for reviewing refusals).
fn text_of(html: &str) -> String {
    let main = html.split("<main").nth(1).unwrap_or(html);
    let mut text = String::new();
    let mut in_tag = false;
    for ch in main.chars() {
        match ch {
            '<' => in_tag = true,
            '>' => {
                in_tag = false;
                text.push(' ');
            }
            c if !in_tag => text.push(c),
            _ => {}
        }
    }
    let text = text.split_whitespace().collect::<Vec<_>>().join(" ");
    text.chars().take(160).collect()
}
