//! Import of assessment results, pupil level or school level.
//!
//! One pass inside one transaction. The first row of a (school, assessment)
//! group deletes that group's stored rows, so a corrected file replaces them;
//! the group's sufficient statistics (analytics::AssessmentStats) are built
//! while reading and stored at the end, so identification never rereads
//! pupil rows. An order-independent content hash per group tells whether a
//! re-import changed anything.

use super::writer::{Batch, Val};
use super::{resolve, ImportOptions, ImportReport, ProgressFn};
use crate::db::Tx;
use crate::{Db, Result};
use opora_analytics::{AssessmentKey, AssessmentStats};
use opora_io::records::results::{is_school_level, parse_row, KeyCache, ResultBody, Scale, PUPIL_SCHEMA, SCHOOL_SCHEMA};
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

/// FNV-1a, stable across Rust versions (the hash is stored), fed field by
/// field without formatting.
struct Fnv(u64);

impl Fnv {
    fn new() -> Fnv {
        Fnv(0xcbf2_9ce4_8422_2325)
    }
    fn bytes(mut self, b: &[u8]) -> Fnv {
        for x in b {
            self.0 = (self.0 ^ *x as u64).wrapping_mul(0x0100_0000_01b3);
        }
        // A separator, so that ("ab", "c") and ("a", "bc") differ.
        self.0 = (self.0 ^ 0xff).wrapping_mul(0x0100_0000_01b3);
        self
    }
    fn num(self, v: Option<f64>) -> Fnv {
        self.bytes(&v.map(f64::to_bits).unwrap_or(u64::MAX).to_le_bytes())
    }
    fn int(self, v: i64) -> Fnv {
        self.bytes(&v.to_le_bytes())
    }
}

pub async fn import(db: &Db, table: TableReader, opts: &ImportOptions, progress: ProgressFn<'_>) -> Result<ImportReport> {
    let school_level = is_school_level(&table.file_name, &table.header, &opts.map);
    let map = resolve(&table, if school_level { &SCHOOL_SCHEMA } else { &PUPIL_SCHEMA }, opts)?;
    let ignored = map.ignored.clone();
    let reg = load_registry(db).await?;
    let file = table.file_name.clone();
    let (total_bytes, read_bytes) = (table.total_bytes, table.progress.clone());
    let parser = Parser::new(table, map, school_level, reg.schools.clone(), reg.scales.clone());
    let mut pass = Pass::new(db, reg, &file, school_level).await?;
    // Parsing runs on its own thread while this task writes: on two cores
    // the CPU-bound parse and the database's work overlap.
    let (sender, mut chunks) = tokio::sync::mpsc::channel::<Vec<ParsedRow>>(4);
    let parsing = std::thread::spawn(move || parser.run(sender));
    let mut rows = 0u64;
    while let Some(chunk) = chunks.recv().await {
        rows += chunk.len() as u64;
        progress(super::Progress { rows, bytes: read_bytes.load(std::sync::atomic::Ordering::Relaxed), total_bytes });
        for r in chunk {
            pass.accept(r.school, &r.key, r.body).await?;
        }
    }
    let parsed = parsing.join().map_err(|_| crate::StoreError::Invalid("сбой разбора файла".into()))??;
    progress(super::Progress { rows: parsed.rows, bytes: total_bytes, total_bytes });
    parsed.errors.into_result()?; // drops the transaction: rollback
    let mut report = pass.finish(parsed.rows).await?;
    report.ignored_columns = ignored;
    if school_level {
        report.notes.push("файл распознан как результаты на уровне ОО (есть столбцы n и mean_score)".into());
    }
    Ok(report)
}

/// A valid row, resolved to the school's id.
struct ParsedRow {
    school: i64,
    key: AssessmentKey,
    body: ResultBody,
}

/// What the parsing thread found.
struct Parsed {
    rows: u64,
    errors: Errors,
}

/// Reads and checks every row of a results file (on its own thread).
struct Parser {
    table: TableReader,
    map: ColumnMap,
    school_level: bool,
    schools: HashMap<String, i64>,
    scales: HashMap<AssessmentKey, Scale>,
    /// Hash of (school, assessment, pupil) → first row, to catch duplicates.
    seen: HashMap<u64, u64>,
}

const CHUNK_ROWS: usize = 4096;

impl Parser {
    fn new(table: TableReader, map: ColumnMap, school_level: bool, schools: HashMap<String, i64>, scales: HashMap<AssessmentKey, Scale>) -> Parser {
        Parser { table, map, school_level, schools, scales, seen: HashMap::new() }
    }

    /// Parses the whole file. Valid rows go to `sender` until the first bad
    /// row; after it, rows are only checked, so that every error is reported.
    fn run(mut self, sender: tokio::sync::mpsc::Sender<Vec<ParsedRow>>) -> Result<Parsed> {
        let mut errors = Errors::new(&self.table.file_name);
        let mut keys = KeyCache::default();
        let mut chunk = Vec::with_capacity(CHUNK_ROWS);
        let mut rows = 0;
        while let Some(row) = self.table.next() {
            let row = row?;
            rows += 1;
            if row.is_blank() {
                continue;
            }
            let mut f = Fields::new(&self.map, &row, &mut errors);
            let (schools, scales) = (&self.schools, &self.scales);
            let Some(rec) = parse_row(&mut f, self.school_level, &mut keys, &|c| schools.contains_key(c), &|k| scales.get(k).copied()) else {
                continue;
            };
            let school = self.schools[&rec.school_code];
            if let Some(first) = self.duplicate_of(school, &rec.key, &rec.body, row.number) {
                let (field, what) = if self.school_level { ("school_id", "результат этой ОО") } else { ("student_key", "участник") };
                errors.push(row.number, Some(self.map.header_of(field)), self.map.get(&row.cells, field),
                    format!("{what} уже встречается в этой же процедуре в строке {first}; удалите повтор"));
                continue;
            }
            if errors.count > 0 {
                continue; // keep checking, stop sending: the import will be rolled back
            }
            chunk.push(ParsedRow { school, key: rec.key, body: rec.body });
            if chunk.len() == CHUNK_ROWS {
                let full = std::mem::replace(&mut chunk, Vec::with_capacity(CHUNK_ROWS));
                if sender.blocking_send(full).is_err() {
                    break; // the writer stopped (a database error): it reports why
                }
            }
        }
        if errors.count == 0 && !chunk.is_empty() {
            let _ = sender.blocking_send(chunk);
        }
        Ok(Parsed { rows, errors })
    }

    /// The row number where the same pupil (or school, for school-level
    /// files) already appeared in the same assessment.
    fn duplicate_of(&mut self, school: i64, key: &AssessmentKey, body: &ResultBody, row: u64) -> Option<u64> {
        let pupil = match body {
            ResultBody::Pupil { result, .. } => result.student_key.as_str(),
            ResultBody::School(_) => "",
        };
        let h = Fnv::new().int(school).int(key.year as i64).int(key.grade as i64);
        let h = h.bytes(key.procedure.as_bytes()).bytes(key.subject.as_bytes()).bytes(pupil.as_bytes());
        match self.seen.entry(h.0) {
            std::collections::hash_map::Entry::Occupied(e) => Some(*e.get()),
            std::collections::hash_map::Entry::Vacant(e) => {
                e.insert(row);
                None
            }
        }
    }
}

/// The writing side of an import: one transaction.
struct Pass {
    tx: Tx,
    reg: Registry,
    school_level: bool,
    groups: HashMap<(i64, i64), Group>,
    pending_deletes: Vec<(i64, i64)>,
    batch: Batch,
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
            school_level,
            groups: HashMap::new(),
            pending_deletes: Vec::new(),
            batch,
            file: file.to_string(),
        })
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
        let stored = &self.reg.old_hashes;
        let group = self.groups.entry((school, assessment)).or_insert_with(|| {
            // Only groups with stored rows (they always have statistics) need deleting.
            if stored.contains_key(&(school, assessment)) {
                self.pending_deletes.push((school, assessment));
            }
            Group { stats: AssessmentStats::default(), hash: 0, rows: 0 }
        });
        let (vals, row_hash) = match body {
            ResultBody::Pupil { result: p, held_on, tasks_text: tasks } => {
                group.stats.add_pupil(&p);
                let hash = Fnv::new().bytes(p.student_key.as_bytes()).num(Some(p.score)).num(p.max_score)
                    .int(p.mark.map_or(-1, i64::from)).int(p.journal_mark.map_or(-1, i64::from))
                    .bytes(tasks.as_bytes()).bytes(held_on.as_deref().unwrap_or("").as_bytes()).0;
                (vec![
                    Val::Int(Some(assessment)), Val::Int(Some(school)), Val::Text(Some(p.student_key)),
                    Val::Real(Some(p.score)), Val::Real(p.max_score), Val::Int(p.mark.map(i64::from)),
                    Val::Int(p.journal_mark.map(i64::from)), Val::Text((!tasks.is_empty()).then_some(tasks)), Val::Text(held_on),
                ], hash)
            }
            ResultBody::School(s) => {
                group.stats = AssessmentStats::from_school_result(&s);
                let sh = s.mark_shares;
                let hash = Fnv::new().int(s.n as i64).num(Some(s.mean_score)).num(s.sd_score).num(s.se)
                    .num(sh[0]).num(sh[1]).num(sh[2]).num(sh[3]).0;
                (vec![
                    Val::Int(Some(assessment)), Val::Int(Some(school)), Val::Int(Some(s.n as i64)), Val::Real(Some(s.mean_score)),
                    Val::Real(s.sd_score), Val::Real(s.se), Val::Real(sh[0]), Val::Real(sh[1]), Val::Real(sh[2]), Val::Real(sh[3]),
                ], hash)
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
        if self.pending_deletes.is_empty() {
            return self.batch.flush_bulk(&mut self.tx).await;
        }
        let table = if self.school_level { "school_results" } else { "pupil_results" };
        match &mut self.tx {
            // PostgreSQL: one statement for all pending groups (a round trip
            // per group would dominate a re-import).
            Tx::Postgres(t) => {
                let (schools, assessments): (Vec<i64>, Vec<i64>) = self.pending_deletes.iter().copied().unzip();
                let sql = format!(
                    "DELETE FROM {table} t USING UNNEST($1::BIGINT[], $2::BIGINT[]) AS d(school_id, assessment_id) \
                     WHERE t.school_id = d.school_id AND t.assessment_id = d.assessment_id"
                );
                sqlx::query(&sql).bind(schools).bind(assessments).execute(&mut **t).await?;
            }
            // SQLite runs in process: one primary-key-prefix DELETE per group
            // is cheap, while an OR of many pairs would scan the table.
            Tx::Sqlite(t) => {
                let sql = format!("DELETE FROM {table} WHERE assessment_id = $1 AND school_id = $2");
                for (school, assessment) in &self.pending_deletes {
                    sqlx::query(&sql).bind(*assessment).bind(*school).execute(&mut **t).await?;
                }
            }
        }
        self.pending_deletes.clear();
        self.batch.flush_bulk(&mut self.tx).await
    }

    async fn finish(mut self, rows: u64) -> Result<ImportReport> {
        self.flush().await?;
        let (changed, unchanged) = self.write_stats().await?;
        let written = self.batch.written;
        self.tx.commit().await?;
        Ok(ImportReport {
            file: self.file,
            kind: "results".into(),
            rows,
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
