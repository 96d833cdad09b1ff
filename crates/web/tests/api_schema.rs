//! The OpenAPI document against real answers: the demo region with a run
//! and the demo plans, every GET endpoint of the document called as users
//! with rights, each answer validated (JSON Schema 2020-12, as OpenAPI 3.1
//! uses) against the document's schema for it, errors against `Error`.
//! Deliberately wrong payloads must not validate, so the check can fail.

mod common;

use common::*;
use serde_json::{json, Value};

/// The schemas of one OpenAPI document, compiled on demand.
struct Checker {
    doc: Value,
    compiler: boon::Compiler,
    schemas: boon::Schemas,
    compiled: std::collections::HashMap<String, boon::SchemaIndex>,
}

impl Checker {
    fn new(doc: Value) -> Checker {
        let mut compiler = boon::Compiler::new();
        compiler.set_default_draft(boon::Draft::V2020_12);
        Checker {
            doc,
            compiler,
            schemas: boon::Schemas::new(),
            compiled: Default::default(),
        }
    }

    /// The schema of the `status` answer of GET `path` (a documented path).
    fn response_schema(&self, path: &str, status: &str) -> Value {
        let s = &self.doc["paths"][path]["get"]["responses"][status]["content"]["application/json"]
            ["schema"];
        assert!(s.is_object(), "no schema for {status} of GET {path}");
        s.clone()
    }

    /// Validates `value` against `schema`, whose `$ref`s point into the
    /// document's `components` (the schema is compiled as a document of its
    /// own with the components beside it, so the references resolve).
    fn validate(&mut self, schema: &Value, value: &Value) -> Result<(), String> {
        let key = schema.to_string();
        let index = match self.compiled.get(&key) {
            Some(i) => *i,
            None => {
                let mut root = schema.clone();
                root["components"] = self.doc["components"].clone();
                let url = format!("http://opora.test/schema{}.json", self.compiled.len());
                self.compiler.add_resource(&url, root).unwrap();
                let i = self
                    .compiler
                    .compile(&url, &mut self.schemas)
                    .unwrap_or_else(|e| panic!("schema {key}: {e:#}"));
                self.compiled.insert(key, i);
                i
            }
        };
        self.schemas
            .validate(value, index)
            .map_err(|e| format!("{e}"))
    }

    fn check(&mut self, path: &str, status: &str, url: &str, value: &Value) {
        let schema = self.response_schema(path, status);
        if let Err(e) = self.validate(&schema, value) {
            panic!("GET {url} ({status}) does not match the document: {e}");
        }
    }
}

/// The documented GET paths with their path parameters filled from what
/// `c` can see; a documented parameter without sample values fails the test.
async fn urls(c: &mut Client, doc: &Value) -> Vec<(String, String)> {
    let ids = |list: &Value, key: &str| -> Vec<String> {
        list.as_array()
            .unwrap()
            .iter()
            .take(3)
            .map(|v| v[key].to_string().trim_matches('"').to_string())
            .collect()
    };
    let schools = c.json("/api/schools").await.1;
    let codes: Vec<String> = schools["rows"]
        .as_array()
        .unwrap()
        .iter()
        .take(3)
        .map(|r| r["school"]["code"].as_str().unwrap().to_string())
        .collect();
    let runs = ids(&c.json("/api/runs").await.1, "id");
    let plans = ids(&c.json("/api/plans").await.1, "id");
    let events = ids(&c.json("/api/events").await.1, "id");
    let mut out = Vec::new();
    for (path, item) in doc["paths"].as_object().unwrap() {
        if item.get("get").is_none() {
            continue;
        }
        let mut filled = vec![path.clone()];
        for p in item["get"]["parameters"].as_array().into_iter().flatten() {
            if p["in"] != "path" {
                continue;
            }
            let name = p["name"].as_str().unwrap();
            let values: Vec<String> = match (name, path.as_str()) {
                ("code", _) => codes.clone(),
                ("id", p) if p.starts_with("/api/runs/") => runs.clone(),
                ("id", p) if p.starts_with("/api/plans/") => plans.clone(),
                ("id", p) if p.starts_with("/api/events/") => events.clone(),
                ("list", _) => p["schema"]["enum"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .map(|v| v.as_str().unwrap().to_string())
                    .collect(),
                _ => panic!("no sample values for {{{name}}} of {path}: add them to this test"),
            };
            assert!(
                !values.is_empty(),
                "nothing to fill {{{name}}} of {path} with"
            );
            filled = filled
                .iter()
                .flat_map(|f| {
                    values
                        .iter()
                        .map(move |v| f.replace(&format!("{{{name}}}"), v))
                })
                .collect();
        }
        out.extend(filled.into_iter().map(|u| (path.clone(), u)));
    }
    out
}

#[tokio::test]
async fn every_answer_matches_the_openapi_document() {
    for_each_db!(|t| {
        load_demo(&t.db).await;
        // The demo's overdue activity: /api/notifications answers items to validate.
        t.db.notify_overdue_activities(opora_plans::Date::today())
            .await
            .unwrap();
        let base = spawn(&t.db, test_config()).await;
        let (status, doc) = Client::new(&base).json("/api/openapi.json").await;
        assert_eq!(status, 200);
        let mut checker = Checker::new(doc.clone());
        // Paths that answered something to validate (not an empty list).
        let mut seen = std::collections::BTreeSet::new();
        for login in ["region", "mo1", "school1"] {
            let mut c = logged_in(&base, login).await;
            for (path, url) in urls(&mut c, &doc).await {
                let (status, body) = c.json(&url).await;
                if path == "/api/pupils" && login != "school1" {
                    // Pupils stay in the school: above it, 404 (the documented error).
                    assert_eq!(status, 404, "{login} GET {url}: {body}");
                    checker.check(&path, "404", &url, &body);
                    continue;
                }
                assert_eq!(status, 200, "{login} GET {url}: {body}");
                if path == "/api/openapi.json" {
                    assert_eq!(body, doc, "the document is the same for everyone");
                    continue;
                }
                if body != json!([]) {
                    seen.insert(path.clone());
                }
                checker.check(&path, "200", &url, &body);
            }
            // Errors answer the documented error body.
            let (status, body) = c.json("/api/schools/нет-такой").await;
            assert_eq!(status, 404);
            checker.check(
                "/api/schools/{code}",
                "404",
                "/api/schools/нет-такой",
                &body,
            );
        }
        for path in doc["paths"].as_object().unwrap().keys() {
            assert!(
                seen.contains(path) || path == "/api/openapi.json",
                "{path}: only empty answers in the demo, nothing was validated"
            );
        }
        let (status, body) = Client::new(&base).json("/api/me").await;
        assert_eq!(status, 401);
        checker.check("/api/me", "401", "/api/me (anonymous)", &body);
        t.db.close().await;
    });
}

/// The check is not vacuous: answers that differ from the document in a
/// type, a missing field, an extra field or an enum value are refused.
#[tokio::test]
async fn wrong_payloads_do_not_validate() {
    for_each_db!(|t| {
        load_demo(&t.db).await;
        let base = spawn(&t.db, test_config()).await;
        let doc = Client::new(&base).json("/api/openapi.json").await.1;
        let mut checker = Checker::new(doc);
        let mut c = logged_in(&base, "region").await;
        let page = c.json("/api/schools").await.1;
        let me = c.json("/api/me").await.1;
        let code = page["rows"][0]["school"]["code"]
            .as_str()
            .unwrap()
            .to_string();
        let card = c.json(&format!("/api/schools/{code}")).await.1;
        let schools = checker.response_schema("/api/schools", "200");
        let me_schema = checker.response_schema("/api/me", "200");
        let card_schema = checker.response_schema("/api/schools/{code}", "200");
        let error = checker.response_schema("/api/me", "404");
        assert_eq!(checker.validate(&schools, &page), Ok(()));
        assert_eq!(checker.validate(&me_schema, &me), Ok(()));
        assert_eq!(checker.validate(&card_schema, &card), Ok(()));

        let wrong = |edit: &dyn Fn(&mut Value), of: &Value| {
            let mut v = of.clone();
            edit(&mut v);
            v
        };
        let bad_pages = [
            wrong(
                &|v| v["rows"][0]["school"]["enrolment"] = json!("много"),
                &page,
            ),
            wrong(&|v| v["rows"][0]["school"]["code"] = json!(17), &page),
            wrong(&|v| drop(v.as_object_mut().unwrap().remove("total")), &page),
            wrong(&|v| v["rows"][0]["latest"] = json!({ "run_id": 1 }), &page),
            wrong(&|v| v["pages"] = json!(-1), &page),
            wrong(&|v| v["extra"] = json!(1), &page),
        ];
        for bad in &bad_pages {
            assert!(checker.validate(&schools, bad).is_err(), "{bad}");
        }
        let bad_me = [
            wrong(&|v| v["scope"] = json!("Planet"), &me),
            wrong(&|v| v["scope"] = json!({ "Municipality": "один" }), &me),
            wrong(&|v| drop(v.as_object_mut().unwrap().remove("role")), &me),
        ];
        for bad in &bad_me {
            assert!(checker.validate(&me_schema, bad).is_err(), "{bad}");
        }
        let bad_card = wrong(&|v| v["context"] = json!([{ "code": "x" }]), &card);
        assert!(checker.validate(&card_schema, &bad_card).is_err());
        assert!(checker
            .validate(&error, &json!({ "error": 404, "status": "не найдено" }))
            .is_err());
        t.db.close().await;
    });
}
