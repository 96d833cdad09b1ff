//! Import of assessment results, pupil level or school level.
//!
//! One pass inside one transaction. The first row of a (school, assessment)
//! group deletes that group's stored rows, so a corrected file replaces them;
//! the group's sufficient statistics (analytics::AssessmentStats) are built
//! while reading and stored at the end, so identification never rereads
//! pupil rows. An order-independent content hash per group tells whether a
//! re-import changed anything.

use super::writer::Batch;
use super::{clean_name, count, non_negative, percent, report_progress, resolve, Errors, Fields, ImportOptions, ImportReport, ProgressFn, Val};
use crate::db::Tx;
use crate::{Db, Result};
use opora_analytics::{AssessmentKey, AssessmentStats, PupilResult, SchoolResult};
use opora_io::values::{parse_date, parse_integer, parse_mark, parse_year};
use opora_io::{ColumnMap, Field, Schema, TableReader};
use sqlx::Row;
use std::collections::HashMap;

const KEY_FIELDS: [Field; 5] = [
    Field { name: "year", aliases: &["Год", "Учебный год", "Год проведения"], required: true },
    Field { name: "school_id", aliases: &["Код ОО", "Логин ОО", "Логин", "Код школы"], required: true },
    Field { name: "procedure", aliases: &["Процедура", "Оценочная процедура", "Вид работы", "Вид оценочной процедуры"], required: true },
    Field { name: "subject", aliases: &["Предмет", "Учебный предмет"], required: true },
    Field { name: "grade", aliases: &["Класс", "Параллель"], required: true },
];

pub static PUPIL_SCHEMA: Schema = Schema {
    fields: &[
        KEY_FIELDS[0], KEY_FIELDS[1], KEY_FIELDS[2], KEY_FIELDS[3], KEY_FIELDS[4],
        Field { name: "student_key", aliases: &["Код участника", "Код обучающегося", "Идентификатор", "Псевдоним", "Код ученика"], required: true },
        Field { name: "score", aliases: &["Балл", "Первичный балл", "Сумма баллов", "Тестовый балл", "Итоговый балл"], required: true },
        Field { name: "max_score", aliases: &["Максимальный балл", "Макс балл", "Максимум"], required: false },
        Field { name: "mark", aliases: &["Отметка", "Оценка", "Отметка за работу"], required: false },
        Field { name: "journal_mark", aliases: &["Отметка по журналу", "Отметка за четверть", "Отметка за триместр", "Отметка за полугодие"], required: false },
        Field { name: "date", aliases: &["Дата", "Дата проведения"], required: false },
    ],
    tasks: true,
    keep_unknown: false,
};

pub static SCHOOL_SCHEMA: Schema = Schema {
    fields: &[
        KEY_FIELDS[0], KEY_FIELDS[1], KEY_FIELDS[2], KEY_FIELDS[3], KEY_FIELDS[4],
        Field { name: "n", aliases: &["Количество участников", "Число участников", "Участников", "Кол-во участников"], required: true },
        Field { name: "mean_score", aliases: &["Средний балл"], required: true },
        Field { name: "sd_score", aliases: &["Стандартное отклонение", "СКО"], required: false },
        Field { name: "se", aliases: &["Стандартная ошибка"], required: false },
        Field { name: "share_2", aliases: &["Доля 2", "Доля «2»", "% 2"], required: false },
        Field { name: "share_3", aliases: &["Доля 3", "Доля «3»", "% 3"], required: false },
        Field { name: "share_4", aliases: &["Доля 4", "Доля «4»", "% 4"], required: false },
        Field { name: "share_5", aliases: &["Доля 5", "Доля «5»", "% 5"], required: false },
    ],
    tasks: false,
    keep_unknown: false,
};

/// «впр» → «ВПР»; other procedures keep their spelling in upper case.
pub fn normalize_procedure(s: &str) -> String {
    clean_name(s).to_uppercase()
}

/// «РУССКИЙ  ЯЗЫК» → «Русский язык»: one spelling per subject.
pub fn normalize_subject(s: &str) -> String {
    let lower = clean_name(s).to_lowercase();
    let mut chars = lower.chars();
    match chars.next() {
        Some(c) => c.to_uppercase().chain(chars).collect(),
        None => lower,
    }
}

fn grade(s: &str) -> std::result::Result<i64, String> {
    match parse_integer(s) {
        Ok(g @ 1..=11) => Ok(g),
        _ => Err("ожидается номер класса от 1 до 11".into()),
    }
}

/// Mark scale of an assessment.
#[derive(Debug, Clone, Copy)]
struct Scale {
    max: f64,
    thresholds: [Option<f64>; 3],
}

impl Scale {
    fn mark(&self, score: f64) -> Option<u8> {
        let [t3, t4, t5] = self.thresholds;
        let (t3, t4, t5) = (t3?, t4?, t5?);
        Some(if score >= t5 { 5 } else if score >= t4 { 4 } else if score >= t3 { 3 } else { 2 })
    }
}

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

/// Parsed key fields of a row.
struct RowKey {
    school: i64,
    key: AssessmentKey,
}

fn read_key(f: &mut Fields<'_>, reg: &Registry) -> Option<RowKey> {
    let year = f.req("year", parse_year);
    let code = f.text("school_id");
    let procedure = f.req("procedure", |s| Ok(normalize_procedure(s)));
    let subject = f.req("subject", |s| Ok(normalize_subject(s)));
    let grade = f.req("grade", grade);
    let school = match code {
        Some(c) => match reg.schools.get(&c) {
            Some(id) => Some(*id),
            None => {
                f.fail("school_id", "ОО с таким кодом нет в реестре; загрузите реестр школ (opora import schools) или исправьте код");
                None
            }
        },
        None => None,
    };
    Some(RowKey { school: school?, key: AssessmentKey { year: year?, procedure: procedure?, subject: subject?, grade: grade? as i32 } })
}

pub async fn import(db: &Db, table: TableReader, opts: &ImportOptions, progress: ProgressFn<'_>) -> Result<ImportReport> {
    let school_level = {
        let probe = ColumnMap::resolve(&table.file_name, &table.header, &PUPIL_SCHEMA, &[]);
        let has = |f: &str| table.header.iter().any(|h| opora_io::columns::normalize_header(h) == f);
        probe.is_err() && (has("n") || opts.map.iter().any(|(k, _)| k == "n") || table.header.iter().any(|h| {
            let n = opora_io::columns::normalize_header(h);
            SCHOOL_SCHEMA.fields[6].aliases.iter().any(|a| opora_io::columns::normalize_header(a) == n) || n == "meanscore"
        }))
    };
    let schema = if school_level { &SCHOOL_SCHEMA } else { &PUPIL_SCHEMA };
    let map = resolve(&table, schema, opts)?;
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
    /// Hash of (assessment, school, pupil) → first row, to catch duplicates.
    seen_pupils: HashMap<u64, u64>,
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
            seen_pupils: HashMap::new(),
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
            let Some(k) = read_key(&mut f, &self.reg) else { continue };
            let scale = self.reg.scales.get(&k.key).copied();
            let parsed = if self.school_level { school_row(&mut f, &k, scale) } else { pupil_row(&mut f, &k, scale, map) };
            let Some(parsed) = parsed else { continue };
            let first = self.check_duplicate(&k, &parsed, row.number);
            if let Some(first) = first {
                let (field, what) = if self.school_level { ("school_id", "результат этой ОО") } else { ("student_key", "участник") };
                self.errors.push(row.number, Some(map.header_of(field)), map.get(&row.cells, field),
                    format!("{what} уже встречается в этой же процедуре в строке {first}; удалите повтор"));
                continue;
            }
            if self.errors.count > 0 {
                continue; // keep validating, stop writing: the import will be rolled back
            }
            self.accept(k, parsed).await?;
        }
        progress(super::Progress { rows: self.rows, bytes: table.total_bytes, total_bytes: table.total_bytes });
        Ok(())
    }

    fn check_duplicate(&mut self, k: &RowKey, parsed: &Parsed, row: u64) -> Option<u64> {
        let mut text = format!("{}|{}|{}|{}|{}|{}", k.school, k.key.year, k.key.procedure, k.key.subject, k.key.grade, 0);
        if let Parsed::Pupil(p) = parsed {
            text.push_str(&p.student_key);
        }
        let h = fnv1a(text.as_bytes());
        match self.seen_pupils.insert(h, row) {
            Some(first) => {
                self.seen_pupils.insert(h, first);
                Some(first)
            }
            None => None,
        }
    }

    async fn accept(&mut self, k: RowKey, parsed: Parsed) -> Result<()> {
        let assessment = self.assessment_id(&k.key).await?;
        let group = self.groups.entry((k.school, assessment)).or_insert_with(|| {
            self.pending_deletes.push((k.school, assessment));
            Group { stats: AssessmentStats::default(), hash: 0, rows: 0 }
        });
        let (vals, row_hash) = match parsed {
            Parsed::Pupil(p) => {
                group.stats.add_pupil(&p.student);
                let tasks = p.tasks.iter().map(|t| t.map(|v| v.to_string()).unwrap_or_default()).collect::<Vec<_>>().join(";");
                let text = format!("{}|{}|{:?}|{:?}|{:?}|{}|{:?}", p.student_key, p.score, p.max_score, p.mark, p.journal_mark, tasks, k.key);
                let held = p.held_on.clone();
                (vec![
                    Val::Int(Some(assessment)), Val::Int(Some(k.school)), Val::Text(Some(p.student.student_key.clone())),
                    Val::Real(Some(p.score)), Val::Real(p.max_score), Val::Int(p.mark.map(i64::from)),
                    Val::Int(p.journal_mark.map(i64::from)), Val::Text((!tasks.is_empty()).then_some(tasks)), Val::Text(held),
                ], fnv1a(text.as_bytes()))
            }
            Parsed::School(s) => {
                group.stats = AssessmentStats::from_school_result(&s);
                let text = format!("{:?}", (s.n, s.mean_score, s.sd_score, s.se, s.mark_shares));
                let shares = s.mark_shares;
                (vec![
                    Val::Int(Some(assessment)), Val::Int(Some(k.school)), Val::Int(Some(s.n as i64)), Val::Real(Some(s.mean_score)),
                    Val::Real(s.sd_score), Val::Real(s.se), Val::Real(shares[0]), Val::Real(shares[1]), Val::Real(shares[2]), Val::Real(shares[3]),
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

    async fn assessment_id(&mut self, key: &AssessmentKey) -> Result<i64> {
        if let Some(id) = self.reg.assessments.get(key) {
            return Ok(*id);
        }
        let id = super::ensure_assessment(&mut self.tx, key).await?;
        self.reg.assessments.insert(key.clone(), id);
        Ok(id)
    }

    /// Deletes the stored rows of groups met for the first time, then writes
    /// the pending rows (which may belong to those groups).
    async fn flush(&mut self) -> Result<()> {
        let table = if self.school_level { "school_results" } else { "pupil_results" };
        for chunk in self.pending_deletes.chunks(400) {
            let mut sql = format!("DELETE FROM {table} WHERE ");
            for i in 0..chunk.len() {
                if i > 0 {
                    sql.push_str(" OR ");
                }
                sql.push_str(&format!("(school_id = ${} AND assessment_id = ${})", 2 * i + 1, 2 * i + 2));
            }
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

/// A parsed pupil row plus what the database keeps beside the engine's view.
struct PupilRow {
    student: PupilResult,
    held_on: Option<String>,
}

impl std::ops::Deref for PupilRow {
    type Target = PupilResult;
    fn deref(&self) -> &PupilResult {
        &self.student
    }
}

enum Parsed {
    Pupil(PupilRow),
    School(SchoolResult),
}

fn describe(k: &AssessmentKey) -> String {
    format!("{}, {}, {} класс, {} год", k.procedure, k.subject, k.grade, k.year)
}

fn pupil_row(f: &mut Fields<'_>, k: &RowKey, scale: Option<Scale>, map: &ColumnMap) -> Option<Parsed> {
    let student_key = f.text("student_key");
    let score = f.req("score", non_negative);
    let max_score = f.opt("max_score", non_negative);
    let mark = f.opt("mark", parse_mark);
    let journal_mark = f.opt("journal_mark", parse_mark);
    let held_on = f.opt("date", parse_date).map(|(y, m, d)| format!("{y:04}-{m:02}-{d:02}"));
    let mut tasks = Vec::with_capacity(map.tasks.len());
    for (n, idx) in &map.tasks {
        let text = f.cells.get(*idx).map(|s| s.trim()).unwrap_or("");
        if text.is_empty() {
            tasks.push(None);
            continue;
        }
        match non_negative(text) {
            Ok(v) => tasks.push(Some(v)),
            Err(msg) => {
                let header = map.headers[*idx].clone();
                f.errors.push(f.row, Some(header), Some(text), format!("задание {n}: {msg}"));
                f.bad = true;
            }
        }
    }
    let max = max_score.or(scale.map(|s| s.max));
    if let (Some(s), Some(m)) = (score, max) {
        if s > m {
            f.fail("score", format!(
                "балл больше максимального ({}) для {}; исправьте балл или максимальный балл",
                opora_io::values::fmt_ru(m, 1).trim_end_matches(",0"), describe(&k.key)
            ));
        }
    }
    if f.bad {
        return None;
    }
    let score = score?;
    let mark = mark.or_else(|| scale.and_then(|s| s.mark(score)));
    Some(Parsed::Pupil(PupilRow {
        student: PupilResult {
            year: k.key.year,
            school_id: String::new(),
            procedure: k.key.procedure.clone(),
            subject: k.key.subject.clone(),
            grade: k.key.grade,
            student_key: student_key?,
            score,
            max_score: max,
            mark,
            journal_mark,
            tasks,
        },
        held_on,
    }))
}

fn school_row(f: &mut Fields<'_>, k: &RowKey, scale: Option<Scale>) -> Option<Parsed> {
    let n = f.req("n", count);
    let mean = f.req("mean_score", non_negative);
    let sd = f.opt("sd_score", non_negative);
    let se = f.opt("se", non_negative);
    let shares = [f.opt("share_2", percent), f.opt("share_3", percent), f.opt("share_4", percent), f.opt("share_5", percent)];
    if n == Some(0) {
        f.fail("n", "число участников должно быть больше нуля");
    }
    if let (Some(m), Some(s)) = (mean, scale) {
        if m > s.max {
            f.fail("mean_score", format!("средний балл больше максимального ({}) для {}", s.max, describe(&k.key)));
        }
    }
    if f.bad {
        return None;
    }
    Some(Parsed::School(SchoolResult {
        year: k.key.year,
        school_id: String::new(),
        procedure: k.key.procedure.clone(),
        subject: k.key.subject.clone(),
        grade: k.key.grade,
        n: n? as u64,
        mean_score: mean?,
        sd_score: sd,
        se,
        mark_shares: shares,
    }))
}
