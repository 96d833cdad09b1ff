//! Import of assessment results, pupil level or school level.
//!
//! One pass inside one transaction. The first row of a (school, assessment)
//! group deletes that group's stored rows, so a corrected file replaces them;
//! the group's sufficient statistics (analytics::AssessmentStats) are built
//! while reading and stored at the end, so identification never rereads
//! pupil rows. An order-independent content hash per group tells whether a
//! re-import changed anything.

use super::writer::{Batch, Val};
use super::{report_progress, resolve, ImportOptions, ImportReport, ProgressFn};
use crate::db::Tx;
use crate::{Db, Result};
use opora_analytics::{AssessmentKey, AssessmentStats};
use opora_io::records::results::{is_school_level, parse_row, ResultBody, Scale, PUPIL_SCHEMA, SCHOOL_SCHEMA};
use opora_io::records::{Errors, Fields};
use opora_io::{ColumnMap, TableReader};
use sqlx::Row;
use std::collections::HashMap;

/// State of one (school, assessment) group met in the file.
struct Group {
    stats: AssessmentStats,
    hash: u64,
    rows: u64,
}

/// Everything an import pass needs from the registry, loaded once.
struct Registry {
    schools: HashMap<String, i64>,
    scales: HashMap<AssessmentKey, Scale>,
    assessments: HashMap<AssessmentKey, i64>,
    old_hashes: HashMap<(i64, i64), String>,
}

async fn load_registry(db: &Db) -> Result<Registry> {
    let schools = db.school_ids().await?;
    let sql = "SELECT a.year, a.procedure, a.subject, a.grade, a.id, s.max_score, s.min_3, s.min_4, s.min_5 \
               FROM assessments a LEFT JOIN scales s ON s.assessment_id = a.id";
    let mut scales = HashMap::new();
    let mut assessments = HashMap::new();
    on_db!(db, p => {
        for r in sqlx::query(sql).fetch_all(p).await? {
            let k = AssessmentKey { year: r.get::<i64, _>(0) as i32, procedure: r.get(1), subject: r.get(2), grade: r.get::<i64, _>(3) as i32 };
            assessments.insert(k.clone(), r.get::<i64, _>(4));
            if let Some(max) = r.get::<Option<f64>, _>(5) {
                scales.insert(k, Scale { max, thresholds: [r.get(6), r.get(7), r.get(8)] });
            }
        }
    });
    let old_hashes = on_db!(db, p => sqlx::query("SELECT school_id, assessment_id, content_hash FROM assessment_stats").fetch_all(p).await?
        .iter().map(|r| ((r.get::<i64, _>(0), r.get::<i64, _>(1)), r.get::<String, _>(2))).collect());
    Ok(Registry { schools, scales, assessments, old_hashes })
}

/// FNV-1a, stable across Rust versions (the hash is stored).
fn fnv1a(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf2_9ce4_8422_2325u64, |h, b| (h ^ *b as u64).wrapping_mul(0x0100_0000_01b3))
}

pub async fn import(db: &Db, table: TableReader, opts: &ImportOptions, progress: ProgressFn<'_>) -> Result<ImportReport> {
    let school_level = is_school_level(&table.file_name, &table.header, &opts.map);
    let map = resolve(&table, if school_level { &SCHOOL_SCHEMA } else { &PUPIL_SCHEMA }, opts)?;
    let reg = load_registry(db).await?;
    let mut pass = Pass::new(db, reg, &table.file_name, school_level).await?;
    pass.run(table, &map, progress).await?;
    let mut report = pass.finish().await?;
    report.ignored_columns = map.ignored.clone();
    if school_level {
        report.notes.push("файл распознан как результаты на уровне ОО (есть столбцы n и mean_score)".into());
    }
    Ok(report)
}

/// One import pass over a results file.
struct Pass {
    tx: Tx,
    reg: Registry,
    errors: Errors,
    school_level: bool,
    groups: HashMap<(i64, i64), Group>,
    pending_deletes: Vec<(i64, i64)>,
    /// Hash of (school, assessment, pupil) → first row, to catch duplicates.
    seen: HashMap<u64, u64>,
    batch: Batch,
    rows: u64,
    file: String,
}

const PUPIL_COLS: &[&str] = &["assessment_id", "school_id", "student_key", "score", "max_score", "mark", "journal_mark", "tasks", "held_on"];
const SCHOOL_COLS: &[&str] = &["assessment_id", "school_id", "n", "mean_score", "sd_score", "se", "share_2", "share_3", "share_4", "share_5"];
const FLUSH_ROWS: usize = 20_000;

impl Pass {
    async fn new(db: &Db, reg: Registry, file: &str, school_level: bool) -> Result<Pass> {
        let batch = if school_level {
            Batch::new("school_results", SCHOOL_COLS, &[])
        } else {
            Batch::new("pupil_results", PUPIL_COLS, &[])
        };
        Ok(Pass {
            tx: db.begin().await?,
            reg,
            errors: Errors::new(file),
            school_level,
            groups: HashMap::new(),
            pending_deletes: Vec::new(),
            seen: HashMap::new(),
            batch,
            rows: 0,
            file: file.to_string(),
        })
    }

    async fn run(&mut self, mut table: TableReader, map: &ColumnMap, progress: ProgressFn<'_>) -> Result<()> {
        while let Some(row) = table.next() {
            let row = row?;
            self.rows += 1;
            report_progress(&table, self.rows, progress);
            if row.cells.iter().all(|c| c.trim().is_empty()) {
                continue;
            }
            let mut f = Fields::new(map, &row, &mut self.errors);
            let (schools, scales) = (&self.reg.schools, &self.reg.scales);
            let Some(rec) = parse_row(&mut f, self.school_level, &|c| schools.contains_key(c), &|k| scales.get(k).copied()) else {
                continue;
            };
            let school = self.reg.schools[&rec.school_code];
            if let Some(first) = self.duplicate_of(school, &rec.key, &rec.body, row.number) {
                let (field, what) = if self.school_level { ("school_id", "результат этой ОО") } else { ("student_key", "участник") };
                self.errors.push(row.number, Some(map.header_of(field)), map.get(&row.cells, field),
                    format!("{what} уже встречается в этой же процедуре в строке {first}; удалите повтор"));
                continue;
            }
            if self.errors.count > 0 {
                continue; // keep validating, stop writing: the import will be rolled back
            }
            self.accept(school, &rec.key, rec.body).await?;
        }
        progress(super::Progress { rows: self.rows, bytes: table.total_bytes, total_bytes: table.total_bytes });
        Ok(())
    }

    /// The row number where the same pupil (or school, for school-level
    /// files) already appeared in the same assessment.
    fn duplicate_of(&mut self, school: i64, key: &AssessmentKey, body: &ResultBody, row: u64) -> Option<u64> {
        let pupil = match body {
            ResultBody::Pupil { result, .. } => result.student_key.as_str(),
            ResultBody::School(_) => "",
        };
        let text = format!("{school}|{}|{}|{}|{}|{pupil}", key.year, key.procedure, key.subject, key.grade);
        match self.seen.entry(fnv1a(text.as_bytes())) {
            std::collections::hash_map::Entry::Occupied(e) => Some(*e.get()),
            std::collections::hash_map::Entry::Vacant(e) => {
                e.insert(row);
                None
            }
        }
    }

    async fn accept(&mut self, school: i64, key: &AssessmentKey, body: ResultBody) -> Result<()> {
        let assessment = match self.reg.assessments.get(key) {
            Some(id) => *id,
            None => {
                let id = super::ensure_assessment(&mut self.tx, key).await?;
                self.reg.assessments.insert(key.clone(), id);
                id
            }
        };
        let group = self.groups.entry((school, assessment)).or_insert_with(|| {
            self.pending_deletes.push((school, assessment));
            Group { stats: AssessmentStats::default(), hash: 0, rows: 0 }
        });
        let (vals, row_hash) = match body {
            ResultBody::Pupil { result: p, held_on } => {
                group.stats.add_pupil(&p);
                let tasks = p.tasks.iter().map(|t| t.map(|v| v.to_string()).unwrap_or_default()).collect::<Vec<_>>().join(";");
                let text = format!("{}|{}|{:?}|{:?}|{:?}|{}|{:?}", p.student_key, p.score, p.max_score, p.mark, p.journal_mark, tasks, held_on);
                let hash = fnv1a(text.as_bytes());
                (vec![
                    Val::Int(Some(assessment)), Val::Int(Some(school)), Val::Text(Some(p.student_key)),
                    Val::Real(Some(p.score)), Val::Real(p.max_score), Val::Int(p.mark.map(i64::from)),
                    Val::Int(p.journal_mark.map(i64::from)), Val::Text((!tasks.is_empty()).then_some(tasks)), Val::Text(held_on),
                ], hash)
            }
            ResultBody::School(s) => {
                group.stats = AssessmentStats::from_school_result(&s);
                let text = format!("{:?}", (s.n, s.mean_score, s.sd_score, s.se, s.mark_shares));
                let sh = s.mark_shares;
                (vec![
                    Val::Int(Some(assessment)), Val::Int(Some(school)), Val::Int(Some(s.n as i64)), Val::Real(Some(s.mean_score)),
                    Val::Real(s.sd_score), Val::Real(s.se), Val::Real(sh[0]), Val::Real(sh[1]), Val::Real(sh[2]), Val::Real(sh[3]),
                ], fnv1a(text.as_bytes()))
            }
        };
        group.hash = group.hash.wrapping_add(row_hash);
        group.rows += 1;
        self.batch.push(vals);
        if self.batch.len() >= FLUSH_ROWS {
            self.flush().await?;
        }
        Ok(())
    }

    /// Deletes the stored rows of groups met for the first time, then writes
    /// the pending rows (which may belong to those groups).
    async fn flush(&mut self) -> Result<()> {
        let table = if self.school_level { "school_results" } else { "pupil_results" };
        for chunk in self.pending_deletes.chunks(400) {
            let conditions: Vec<String> =
                (0..chunk.len()).map(|i| format!("(school_id = ${} AND assessment_id = ${})", 2 * i + 1, 2 * i + 2)).collect();
            let sql = format!("DELETE FROM {table} WHERE {}", conditions.join(" OR "));
            on_tx!(&mut self.tx, c => {
                let mut q = sqlx::query(&sql);
                for (s, a) in chunk {
                    q = q.bind(*s).bind(*a);
                }
                q.execute(&mut *c).await?;
            });
        }
        self.pending_deletes.clear();
        self.batch.flush_bulk(&mut self.tx).await
    }

    async fn finish(mut self) -> Result<ImportReport> {
        let errors = std::mem::replace(&mut self.errors, Errors::new(&self.file));
        errors.into_result()?; // drops the transaction: rollback
        self.flush().await?;
        let (changed, unchanged) = self.write_stats().await?;
        let written = self.batch.written;
        self.tx.commit().await?;
        Ok(ImportReport {
            file: self.file,
            kind: "results".into(),
            rows: self.rows,
            written,
            groups_changed: changed,
            groups_unchanged: unchanged,
            ..Default::default()
        })
    }

    /// Stores each group's statistics; counts groups whose content changed.
    async fn write_stats(&mut self) -> Result<(u64, u64)> {
        const COLS: &[&str] = &["assessment_id", "school_id", "n", "sum", "sum_sq", "stats", "content_hash"];
        let mut batch = Batch::new("assessment_stats", COLS, &["assessment_id", "school_id"]);
        let (mut changed, mut unchanged) = (0, 0);
        for ((school, assessment), g) in &self.groups {
            let hash = format!("{:016x}-{}", g.hash, g.rows);
            if self.reg.old_hashes.get(&(*school, *assessment)) == Some(&hash) {
                unchanged += 1;
                continue; // identical content: the stored statistics stand
            }
            changed += 1;
            batch.push(vec![
                Val::Int(Some(*assessment)), Val::Int(Some(*school)), Val::Int(Some(g.stats.n as i64)),
                Val::Real(Some(g.stats.sum)), Val::Real(Some(g.stats.sum_sq)),
                Val::Text(Some(serde_json::to_string(&g.stats)?)), Val::Text(Some(hash)),
            ]);
        }
        batch.flush(&mut self.tx).await?;
        Ok((changed, unchanged))
    }
}
