//! Shared helpers of the integration tests: readers of the canonical fixture
//! CSVs and number-by-number comparison with the reference outputs.
#![allow(dead_code)]

pub mod demo_region;

use opora_analytics::{
    export, ChecklistRow, ContextRow, ContextTable, PupilResult, Run, SchoolInfo, SchoolResult,
    StatsAccumulator, StatsTable,
};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

pub fn fixture(rel: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(rel)
}

fn records(path: &Path) -> (Vec<String>, Vec<csv::StringRecord>) {
    let mut r = csv::Reader::from_path(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let h = r.headers().unwrap().iter().map(|s| s.to_string()).collect();
    (h, r.records().map(|x| x.unwrap()).collect())
}

fn opt_f(s: &str) -> Option<f64> {
    let s = s.trim();
    (!s.is_empty()).then(|| s.parse().unwrap_or_else(|_| panic!("not a number: {s}")))
}

/// Reads canonical results (pupil or school level) into the accumulator.
pub fn read_results(path: &Path, acc: &mut StatsAccumulator) {
    let (h, rows) = records(path);
    let col = |name: &str| h.iter().position(|c| c == name);
    let need = |name: &str| col(name).unwrap_or_else(|| panic!("column {name}"));
    let tasks: Vec<usize> = h
        .iter()
        .enumerate()
        .filter(|(_, c)| c.starts_with("task_"))
        .map(|(i, _)| i)
        .collect();
    for r in rows {
        let year = r[need("year")].parse().unwrap();
        let school_id = r[need("school_id")].to_string();
        let procedure = r[need("procedure")].to_string();
        let subject = r[need("subject")].to_string();
        let grade = r[need("grade")].parse().unwrap();
        let get = |n: &str| col(n).and_then(|i| opt_f(&r[i]));
        if col("score").is_some() {
            acc.add_pupil(&PupilResult {
                year,
                school_id,
                procedure,
                subject,
                grade,
                student_key: col("student_key")
                    .map(|i| r[i].to_string())
                    .unwrap_or_default(),
                score: get("score").unwrap(),
                max_score: get("max_score"),
                mark: get("mark").map(|v| v as u8),
                journal_mark: get("journal_mark").map(|v| v as u8),
                tasks: tasks.iter().map(|&i| opt_f(&r[i])).collect(),
            });
        } else {
            let share = |n: &str| get(n);
            acc.add_school(&SchoolResult {
                year,
                school_id,
                procedure,
                subject,
                grade,
                n: get("n").unwrap() as u64,
                mean_score: get("mean_score").unwrap(),
                sd_score: get("sd_score"),
                se: get("se"),
                mark_shares: [
                    share("share_2"),
                    share("share_3"),
                    share("share_4"),
                    share("share_5"),
                ],
            });
        }
    }
}

pub fn read_stats(paths: &[PathBuf]) -> StatsTable {
    let mut acc = StatsAccumulator::new();
    for p in paths {
        read_results(p, &mut acc);
    }
    acc.into_table()
}

pub fn read_context(path: &Path) -> ContextTable {
    let (h, rows) = records(path);
    let year_col = h.iter().position(|c| c == "year");
    let factor_cols: Vec<usize> = (0..h.len())
        .filter(|&i| h[i] != "school_id" && Some(i) != year_col)
        .collect();
    ContextTable {
        factors: factor_cols.iter().map(|&i| h[i].clone()).collect(),
        rows: rows
            .iter()
            .map(|r| ContextRow {
                school_id: r[0].to_string(),
                year: year_col.and_then(|i| opt_f(&r[i])).map(|v| v as i32),
                values: factor_cols.iter().map(|&i| opt_f(&r[i])).collect(),
            })
            .collect(),
    }
}

/// School register: `school_id, name, is_lyceum_or_gymnasium`, or the demo
/// generator's `schools.csv` (`short_name`, `type`).
pub fn read_info(path: &Path) -> Vec<SchoolInfo> {
    let (h, rows) = records(path);
    let col = |n: &str| h.iter().position(|c| c == n);
    let name = col("name").or(col("short_name")).unwrap_or(0);
    rows.iter()
        .map(|r| {
            let lyceum = match (col("is_lyceum_or_gymnasium"), col("type")) {
                (Some(i), _) => &r[i] == "true",
                (None, Some(i)) => {
                    let t = r[i].to_lowercase();
                    t.contains("лицей") || t.contains("гимназ")
                }
                _ => false,
            };
            SchoolInfo {
                school_id: r[0].into(),
                name: r[name].into(),
                is_lyceum_or_gymnasium: lyceum,
            }
        })
        .collect()
}

pub fn read_checklist(path: &Path) -> Vec<ChecklistRow> {
    let (h, rows) = records(path);
    let col = |n: &str| h.iter().position(|c| c == n).unwrap();
    rows.iter()
        .map(|r| {
            let f = |n: &str| opt_f(&r[col(n)]);
            ChecklistRow {
                school_id: r[col("school_id")].into(),
                year: r[col("year")].parse().unwrap(),
                continuation_rate: f("continuation_rate"),
                graduates: f("graduates").map(|v| v as u64),
                ege_below_min: f("ege_below_min").map(|v| v as u64),
                olympiad_participants: f("olympiad_participants").map(|v| v as u64),
                pupils: f("pupils").map(|v| v as u64),
                kdn_pdn: f("kdn_pdn").map(|v| v as u64),
                noko_satisfaction: f("noko_satisfaction"),
            }
        })
        .collect()
}

/// Relative difference with an absolute floor near zero.
pub fn close(a: f64, b: f64, rel: f64) -> bool {
    (a - b).abs() <= rel * a.abs().max(b.abs()) + 1e-12
}

/// Worst relative error seen, for the report.
#[derive(Default, Debug)]
pub struct Worst {
    pub rel: f64,
    pub what: String,
    pub compared: usize,
}

impl Worst {
    pub fn check(&mut self, what: &str, a: Option<f64>, b: Option<f64>) {
        match (a, b) {
            (Some(a), Some(b)) => {
                self.compared += 1;
                let rel = if a == b {
                    0.0
                } else {
                    (a - b).abs() / a.abs().max(b.abs())
                };
                if rel > self.rel {
                    self.rel = rel;
                    self.what = what.to_string();
                }
                assert!(close(a, b, 1e-8), "{what}: engine {a} vs reference {b}");
            }
            (None, None) => {}
            _ => panic!("{what}: engine {a:?} vs reference {b:?}"),
        }
    }
}

/// Compares schools.csv of the run with the reference file, every column the
/// reference has.
pub fn compare_schools(run: &Run, expected: &Path, worst: &mut Worst) {
    let ours = export::schools_csv(run);
    let mut r = csv::Reader::from_reader(ours.as_bytes());
    let oh: Vec<String> = r.headers().unwrap().iter().map(String::from).collect();
    let mine: BTreeMap<String, csv::StringRecord> = r
        .records()
        .map(|x| x.unwrap())
        .map(|x| (x[0].to_string(), x))
        .collect();
    let (eh, rows) = records(expected);
    assert_eq!(mine.len(), rows.len(), "number of schools");
    for e in rows {
        let id = &e[0];
        let m = mine
            .get(id)
            .unwrap_or_else(|| panic!("school {id} missing"));
        for (j, col) in eh.iter().enumerate() {
            let oj = oh
                .iter()
                .position(|c| c == col)
                .unwrap_or_else(|| panic!("column {col} missing"));
            let (a, b) = (&m[oj], &e[j]);
            match col.as_str() {
                "school_id" | "years_flagged" | "years_low_results" => {
                    assert_eq!(a, b, "{id} {col}")
                }
                c if c.starts_with("is_") || c == "insufficient_data" || c == "no_context" => {
                    assert_eq!(a, b, "{id} {col}")
                }
                "n" | "rank" | "index_rank" => assert_eq!(a, b, "{id} {col}"),
                _ => worst.check(&format!("{id} {col}"), opt_f(a), opt_f(b)),
            }
        }
    }
}

fn jf(v: &serde_json::Value) -> Option<f64> {
    v.as_f64()
}

/// Compares model.json of the run with the reference model.
pub fn compare_model(run: &Run, expected: &Path, worst: &mut Worst) {
    let e: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(expected).unwrap()).unwrap();
    let m: serde_json::Value = serde_json::from_str(&export::model_json(run)).unwrap();
    for k in ["n_schools", "dropped", "years", "factors", "df_resid"] {
        assert_eq!(m[k], e[k], "model.{k}");
    }
    for k in ["r2", "adj_r2", "tau2", "residual_sd"] {
        worst.check(&format!("model.{k}"), jf(&m[k]), jf(&e[k]));
    }
    let (mc, ec) = (
        m["coefficients"].as_array().unwrap(),
        e["coefficients"].as_array().unwrap(),
    );
    assert_eq!(mc.len(), ec.len(), "coefficients");
    for (a, b) in mc.iter().zip(ec) {
        assert_eq!(a["name"], b["name"]);
        for k in ["estimate", "se", "t", "p"] {
            worst.check(&format!("coef {} {k}", b["name"]), jf(&a[k]), jf(&b[k]));
        }
    }
    let (mp, ep) = (
        m["per_year"].as_array().unwrap(),
        e["per_year"].as_array().unwrap(),
    );
    assert_eq!(mp.len(), ep.len());
    for (a, b) in mp.iter().zip(ep) {
        assert_eq!(a["year"], b["year"]);
        assert_eq!(a["n_schools"], b["n_schools"]);
        assert_eq!(a["factors"], b["factors"]);
        worst.check(
            &format!("per_year {} r2", b["year"]),
            jf(&a["r2"]),
            jf(&b["r2"]),
        );
        worst.check(
            &format!("per_year {} tau2", b["year"]),
            jf(&a["tau2"]),
            jf(&b["tau2"]),
        );
    }
}
