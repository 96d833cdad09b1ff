//! Import of assessment results, pupil level or school level.
//!
//! One pass over the file. Rows are written in short transactions under a
//! new generation number and stay invisible until the last, small
//! transaction stores each (school, assessment) group's sufficient statistics
//! (analytics::AssessmentStats) naming that generation: a corrected file
//! replaces a group whole, identification never rereads pupil rows, and no
//! other writer waits behind an import for more than one chunk. An
//! order-independent content hash per group tells whether a re-import
//! changed anything; the copies it wrote of unchanged groups are swept.

use super::writer::{Batch, Val};
use super::{resolve, ImportOptions, ImportReport, KnownNames, ProgressFn};
use crate::db::Tx;
use crate::{Db, Result};
use opora_analytics::{AssessmentKey, AssessmentStats};
use opora_io::records::results::{
    is_school_level, parse_row, KeyCache, ResultBody, Scale, PUPIL_SCHEMA, SCHOOL_SCHEMA,
};
use opora_io::records::{Errors, Fields};
use opora_io::{ColumnMap, TableReader};
use sqlx::Row;
use std::collections::{BTreeMap, HashMap};

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
    names: KnownNames,
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
    let names = KnownNames::load(db).await?;
    Ok(Registry {
        schools,
        scales,
        assessments,
        old_hashes,
        names,
    })
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

pub async fn import(
    db: &Db,
    table: TableReader,
    opts: &ImportOptions,
    progress: ProgressFn<'_>,
) -> Result<super::Written> {
    recover(db).await?;
    let school_level = is_school_level(&table.file_name, &table.header, &opts.map);
    let map = resolve(
        &table,
        if school_level {
            &SCHOOL_SCHEMA
        } else {
            &PUPIL_SCHEMA
        },
        opts,
    )?;
    let ignored = map.ignored.clone();
    let reg = load_registry(db).await?;
    let file = table.file_name.clone();
    let names = (!opts.allow_new_names).then(|| reg.names.clone());
    let parser = Parser::new(
        table,
        map,
        school_level,
        reg.schools.clone(),
        reg.scales.clone(),
        names,
    );
    let mut pass = Pass::new(db, reg, &file, &opts.actor, school_level).await?;
    let generation = pass.generation;
    match run(&mut pass, parser, progress).await {
        Ok(rows) => {
            let mut written = pass.finish(rows).await?;
            written.report.ignored_columns = ignored;
            if school_level {
                written.report.notes.push(
                    "файл распознан как результаты на уровне ОО (есть столбцы n и mean_score)"
                        .into(),
                );
            }
            Ok(written)
        }
        Err(e) => {
            // Rows written so far were never visible; delete them now.
            if let Err(sweep_error) = sweep(db, generation, "abandoned").await {
                tracing::warn!("rows of the rejected import {generation} are left for the next import to sweep: {sweep_error}");
            }
            Err(e)
        }
    }
}

/// Parses on a thread of its own while this task writes: on two cores the
/// CPU-bound parse and the database's work overlap. Returns the rows read.
async fn run(pass: &mut Pass, parser: Parser, progress: ProgressFn<'_>) -> Result<u64> {
    let (total_bytes, read_bytes) = (parser.table.total_bytes, parser.table.progress.clone());
    let (sender, mut chunks) = tokio::sync::mpsc::channel::<Vec<ParsedRow>>(4);
    let parsing = std::thread::spawn(move || parser.run(sender));
    let mut rows = 0u64;
    let mut failed = None;
    while let Some(chunk) = chunks.recv().await {
        rows += chunk.len() as u64;
        progress(super::Progress {
            rows,
            bytes: read_bytes.load(std::sync::atomic::Ordering::Relaxed),
            total_bytes,
        });
        for r in chunk {
            if let Err(e) = pass.accept(r.school, &r.key, r.body).await {
                failed = Some(e);
                break;
            }
        }
        if failed.is_some() {
            break;
        }
    }
    drop(chunks); // the parser stops at its next send
    let parsed = parsing
        .join()
        .map_err(|_| crate::StoreError::Invalid("сбой разбора файла".into()))?;
    if let Some(e) = failed {
        return Err(e);
    }
    let parsed = parsed?;
    progress(super::Progress {
        rows: parsed.rows,
        bytes: total_bytes,
        total_bytes,
    });
    parsed.errors.into_result()?;
    if !parsed.new_names.is_empty() {
        return Err(crate::StoreError::NewNames {
            file: pass.file.clone(),
            names: parsed.new_names.into_values().collect(),
        });
    }
    Ok(parsed.rows)
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
    /// Procedures and subjects not yet known, by name, with the first row.
    new_names: BTreeMap<String, crate::error::NewName>,
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
    /// Known procedures and subjects, when new ones need confirmation.
    known: Option<KnownNames>,
    new_names: BTreeMap<String, crate::error::NewName>,
}

const CHUNK_ROWS: usize = 4096;

impl Parser {
    fn new(
        table: TableReader,
        map: ColumnMap,
        school_level: bool,
        schools: HashMap<String, i64>,
        scales: HashMap<AssessmentKey, Scale>,
        known: Option<KnownNames>,
    ) -> Parser {
        Parser {
            table,
            map,
            school_level,
            schools,
            scales,
            seen: HashMap::new(),
            known,
            new_names: BTreeMap::new(),
        }
    }

    /// Notes a procedure or subject the system does not know yet (its first row).
    fn note_new_names(&mut self, key: &AssessmentKey, row: u64) {
        if let Some(known) = &self.known {
            known.note(key, row, &mut self.new_names);
        }
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
            let Some(rec) = parse_row(
                &mut f,
                self.school_level,
                &mut keys,
                &|c| schools.contains_key(c),
                &|k| scales.get(k).copied(),
            ) else {
                continue;
            };
            let school = self.schools[&rec.school_code];
            if let Some(first) = self.duplicate_of(school, &rec.key, &rec.body, row.number) {
                let (field, what) = if self.school_level {
                    ("school_id", "результат этой ОО")
                } else {
                    ("student_key", "участник")
                };
                errors.push(row.number, Some(self.map.header_of(field)), self.map.get(&row.cells, field),
                    format!("{what} уже встречается в этой же процедуре в строке {first}; удалите повтор"));
                continue;
            }
            self.note_new_names(&rec.key, row.number);
            if errors.count > 0 || !self.new_names.is_empty() {
                continue; // keep checking, stop sending: the import will be rolled back
            }
            chunk.push(ParsedRow {
                school,
                key: rec.key,
                body: rec.body,
            });
            if chunk.len() == CHUNK_ROWS {
                let full = std::mem::replace(&mut chunk, Vec::with_capacity(CHUNK_ROWS));
                if sender.blocking_send(full).is_err() {
                    break; // the writer stopped (a database error): it reports why
                }
            }
        }
        if errors.count == 0 && self.new_names.is_empty() && !chunk.is_empty() {
            let _ = sender.blocking_send(chunk);
        }
        Ok(Parsed {
            rows,
            errors,
            new_names: self.new_names,
        })
    }

    /// The row number where the same pupil (or school, for school-level
    /// files) already appeared in the same assessment.
    fn duplicate_of(
        &mut self,
        school: i64,
        key: &AssessmentKey,
        body: &ResultBody,
        row: u64,
    ) -> Option<u64> {
        let pupil = match body {
            ResultBody::Pupil { result, .. } => result.student_key.as_str(),
            ResultBody::School(_) => "",
        };
        let h = Fnv::new()
            .int(school)
            .int(key.year as i64)
            .int(key.grade as i64);
        let h = h
            .bytes(key.procedure.as_bytes())
            .bytes(key.subject.as_bytes())
            .bytes(pupil.as_bytes());
        match self.seen.entry(h.0) {
            std::collections::hash_map::Entry::Occupied(e) => Some(*e.get()),
            std::collections::hash_map::Entry::Vacant(e) => {
                e.insert(row);
                None
            }
        }
    }
}

/// The writing side of an import.
///
/// Rows are written in short transactions of [`FLUSH_ROWS`] rows under a
/// new generation number, invisible until [`Pass::finish`] points the
/// groups' statistics at that generation in one small transaction: a long
/// import never holds the database's write lock for longer than one chunk,
/// and a crash at any moment leaves nothing visible (see `sweep`).
struct Pass {
    db: Db,
    reg: Registry,
    generation: i64,
    groups: HashMap<(i64, i64), Group>,
    /// Groups met since the last flush, recorded with that flush's rows.
    new_groups: Vec<(i64, i64)>,
    batch: Batch,
    file: String,
}

const PUPIL_COLS: &[&str] = &[
    "assessment_id",
    "school_id",
    "generation",
    "student_key",
    "score",
    "test_score",
    "max_score",
    "mark",
    "journal_mark",
    "tasks",
    "held_on",
];
const SCHOOL_COLS: &[&str] = &[
    "assessment_id",
    "school_id",
    "generation",
    "n",
    "mean_score",
    "sd_score",
    "se",
    "share_2",
    "share_3",
    "share_4",
    "share_5",
];
/// Rows per write transaction: about a tenth of a second of SQLite's time,
/// the longest another writer (a login, a comment) waits behind an import.
const FLUSH_ROWS: usize = 10_000;

impl Pass {
    async fn new(
        db: &Db,
        reg: Registry,
        file: &str,
        actor: &str,
        school_level: bool,
    ) -> Result<Pass> {
        let batch = if school_level {
            Batch::new("school_results", SCHOOL_COLS, &[])
        } else {
            Batch::new("pupil_results", PUPIL_COLS, &[])
        };
        let generation = start_generation(db, file, actor).await?;
        Ok(Pass {
            db: db.clone(),
            reg,
            generation,
            groups: HashMap::new(),
            new_groups: Vec::new(),
            batch,
            file: file.to_string(),
        })
    }

    async fn accept(&mut self, school: i64, key: &AssessmentKey, body: ResultBody) -> Result<()> {
        let assessment = match self.reg.assessments.get(key) {
            Some(id) => *id,
            None => {
                let mut tx = self.db.begin().await?;
                let id = super::ensure_assessment(&mut tx, key).await?;
                tx.commit().await?;
                self.reg.assessments.insert(key.clone(), id);
                id
            }
        };
        let generation = self.generation;
        let new_groups = &mut self.new_groups;
        let group = self.groups.entry((school, assessment)).or_insert_with(|| {
            new_groups.push((school, assessment));
            Group {
                stats: AssessmentStats::default(),
                hash: 0,
                rows: 0,
            }
        });
        let (vals, row_hash) = match body {
            ResultBody::Pupil {
                result: p,
                test_score,
                held_on,
                tasks_text: tasks,
            } => {
                group.stats.add_pupil(&p);
                let hash = Fnv::new()
                    .bytes(p.student_key.as_bytes())
                    .num(Some(p.score))
                    .num(p.max_score)
                    .int(p.mark.map_or(-1, i64::from))
                    .int(p.journal_mark.map_or(-1, i64::from))
                    .bytes(tasks.as_bytes())
                    .bytes(held_on.as_deref().unwrap_or("").as_bytes());
                // Hashed only when present, so files without it keep their stored hashes.
                let hash = match test_score {
                    Some(t) => hash.num(Some(t)).0,
                    None => hash.0,
                };
                (
                    vec![
                        Val::Int(Some(assessment)),
                        Val::Int(Some(school)),
                        Val::Int(Some(generation)),
                        Val::Text(Some(p.student_key)),
                        Val::Real(Some(p.score)),
                        Val::Real(test_score),
                        Val::Real(p.max_score),
                        Val::Int(p.mark.map(i64::from)),
                        Val::Int(p.journal_mark.map(i64::from)),
                        Val::Text((!tasks.is_empty()).then_some(tasks)),
                        Val::Text(held_on),
                    ],
                    hash,
                )
            }
            ResultBody::School(s) => {
                group.stats = AssessmentStats::from_school_result(&s);
                let sh = s.mark_shares;
                let hash = Fnv::new()
                    .int(s.n as i64)
                    .num(Some(s.mean_score))
                    .num(s.sd_score)
                    .num(s.se)
                    .num(sh[0])
                    .num(sh[1])
                    .num(sh[2])
                    .num(sh[3])
                    .0;
                (
                    vec![
                        Val::Int(Some(assessment)),
                        Val::Int(Some(school)),
                        Val::Int(Some(generation)),
                        Val::Int(Some(s.n as i64)),
                        Val::Real(Some(s.mean_score)),
                        Val::Real(s.sd_score),
                        Val::Real(s.se),
                        Val::Real(sh[0]),
                        Val::Real(sh[1]),
                        Val::Real(sh[2]),
                        Val::Real(sh[3]),
                    ],
                    hash,
                )
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

    /// Writes the pending rows in one short transaction, together with the
    /// list of groups they start, so that a crash leaves a list to sweep.
    async fn flush(&mut self) -> Result<()> {
        if self.batch.len() == 0 && self.new_groups.is_empty() {
            return Ok(());
        }
        let mut tx = self.db.begin().await?;
        let mut groups = Batch::insert_or_ignore(
            "result_import_groups",
            &["generation", "assessment_id", "school_id"],
            &["generation", "assessment_id", "school_id"],
        );
        for (school, assessment) in self.new_groups.drain(..) {
            groups.push(vec![
                Val::Int(Some(self.generation)),
                Val::Int(Some(assessment)),
                Val::Int(Some(school)),
            ]);
        }
        groups.flush(&mut tx).await?;
        self.batch.flush_bulk(&mut tx).await?;
        tx.commit().await?;
        if self.db.backend() == crate::Backend::Sqlite {
            // Give writers waiting in SQLite's busy handler a moment to take the lock.
            tokio::time::sleep(std::time::Duration::from_millis(5)).await;
        }
        Ok(())
    }

    /// Writes the last rows, then opens the transaction that makes the
    /// import visible: the changed groups' statistics now name this
    /// generation. The caller adds the audit entry and commits.
    async fn finish(mut self, rows: u64) -> Result<super::Written> {
        self.flush().await?;
        let mut tx = self.db.begin().await?;
        let (changed, unchanged, written) = self.write_stats(&mut tx).await?;
        on_tx!(&mut tx, c => {
            sqlx::query("UPDATE result_imports SET state = 'sweeping' WHERE generation = $1").bind(self.generation).execute(&mut *c).await?;
        });
        let report = ImportReport {
            file: self.file,
            kind: "results".into(),
            rows,
            written,
            groups_changed: changed,
            groups_unchanged: unchanged,
            ..Default::default()
        };
        Ok(super::Written {
            tx,
            report,
            generation: Some(self.generation),
        })
    }

    /// Stores each changed group's statistics under this generation; counts
    /// changed and unchanged groups and the rows of changed ones.
    async fn write_stats(&self, tx: &mut Tx) -> Result<(u64, u64, u64)> {
        const COLS: &[&str] = &[
            "assessment_id",
            "school_id",
            "generation",
            "n",
            "sum",
            "sum_sq",
            "stats",
            "content_hash",
        ];
        let mut batch = Batch::new("assessment_stats", COLS, &["assessment_id", "school_id"]);
        let (mut changed, mut unchanged, mut written) = (0, 0, 0);
        for ((school, assessment), g) in &self.groups {
            let hash = format!("{:016x}-{}", g.hash, g.rows);
            if self.reg.old_hashes.get(&(*school, *assessment)) == Some(&hash) {
                unchanged += 1;
                continue; // identical content: the stored rows and statistics stand
            }
            changed += 1;
            written += g.rows;
            batch.push(vec![
                Val::Int(Some(*assessment)),
                Val::Int(Some(*school)),
                Val::Int(Some(self.generation)),
                Val::Int(Some(g.stats.n as i64)),
                Val::Real(Some(g.stats.sum)),
                Val::Real(Some(g.stats.sum_sq)),
                Val::Text(Some(serde_json::to_string(&g.stats)?)),
                Val::Text(Some(hash)),
            ]);
        }
        batch.flush(tx).await?;
        Ok((changed, unchanged, written))
    }
}

/// Registers a new results import and returns its generation number (the
/// caller holds the import lock, so the number is free).
async fn start_generation(db: &Db, file: &str, actor: &str) -> Result<i64> {
    let mut tx = db.begin().await?;
    let generation = on_tx!(&mut tx, c => {
        let g: i64 = sqlx::query_scalar("SELECT COALESCE(MAX(generation), 0) + 1 FROM result_imports").fetch_one(&mut *c).await?;
        sqlx::query("INSERT INTO result_imports (generation, file, actor, started_at, state) VALUES ($1, $2, $3, $4, 'writing')")
            .bind(g).bind(file).bind(actor).bind(crate::audit::now_text()).execute(&mut *c).await?;
        g
    });
    tx.commit().await?;
    Ok(generation)
}

/// Groups swept per transaction.
const SWEEP_GROUPS: usize = 200;

/// Deletes the rows an import wrote that are not current — all of them for
/// an import that did not commit, the replaced and unchanged groups' extra
/// copies for one that did — in short transactions, then marks it `state`.
pub(crate) async fn sweep(db: &Db, generation: i64, state: &str) -> Result<()> {
    let groups: Vec<(i64, i64)> = on_db!(db, p => sqlx::query("SELECT assessment_id, school_id FROM result_import_groups WHERE generation = $1")
        .bind(generation).fetch_all(p).await?.iter().map(|r| (r.get::<i64, _>(0), r.get::<i64, _>(1))).collect());
    for chunk in groups.chunks(SWEEP_GROUPS) {
        let mut tx = db.begin().await?;
        for (assessment, school) in chunk {
            for table in ["pupil_results", "school_results"] {
                let sql = format!(
                    "DELETE FROM {table} WHERE assessment_id = $1 AND school_id = $2 AND generation <> COALESCE(\
                     (SELECT generation FROM assessment_stats WHERE assessment_id = $1 AND school_id = $2), -1)"
                );
                on_tx!(&mut tx, c => {
                    sqlx::query(&sql).bind(*assessment).bind(*school).execute(&mut *c).await?;
                });
            }
        }
        tx.commit().await?;
    }
    let mut tx = db.begin().await?;
    if state == "abandoned" {
        forget_new_assessments(&mut tx, generation).await?;
    }
    on_tx!(&mut tx, c => {
        sqlx::query("DELETE FROM result_import_groups WHERE generation = $1").bind(generation).execute(&mut *c).await?;
        sqlx::query("UPDATE result_imports SET state = $2 WHERE generation = $1").bind(generation).bind(state).execute(&mut *c).await?;
    });
    tx.commit().await
}

/// Deletes the assessments (and academic years) an abandoned import created
/// that nothing else uses, so a dead import leaves no trace in the lists.
async fn forget_new_assessments(tx: &mut Tx, generation: i64) -> Result<()> {
    const UNUSED: &str = "DELETE FROM assessments WHERE id IN (SELECT assessment_id FROM result_import_groups WHERE generation = $1) \
        AND NOT EXISTS (SELECT 1 FROM assessment_stats s WHERE s.assessment_id = assessments.id) \
        AND NOT EXISTS (SELECT 1 FROM scales s WHERE s.assessment_id = assessments.id) \
        AND NOT EXISTS (SELECT 1 FROM pupil_results r WHERE r.assessment_id = assessments.id) \
        AND NOT EXISTS (SELECT 1 FROM school_results r WHERE r.assessment_id = assessments.id)";
    const UNUSED_YEARS: &str = "DELETE FROM academic_years WHERE NOT EXISTS (SELECT 1 FROM assessments a WHERE a.year = academic_years.year)";
    on_tx!(tx, c => {
        sqlx::query(UNUSED).bind(generation).execute(&mut *c).await?;
        sqlx::query(UNUSED_YEARS).execute(&mut *c).await?;
    });
    Ok(())
}

/// Sweeps imports that a crash or a kill left unfinished: those still
/// writing never became visible (abandoned), those sweeping had committed.
pub(crate) async fn recover(db: &Db) -> Result<()> {
    let open: Vec<(i64, String)> = on_db!(db, p => sqlx::query("SELECT generation, state FROM result_imports WHERE state IN ('writing', 'sweeping')")
        .fetch_all(p).await?.iter().map(|r| (r.get::<i64, _>(0), r.get::<String, _>(1))).collect());
    for (generation, state) in open {
        sweep(
            db,
            generation,
            if state == "writing" {
                "abandoned"
            } else {
                "done"
            },
        )
        .await?;
    }
    Ok(())
}
