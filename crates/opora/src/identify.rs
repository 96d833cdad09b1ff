//! `opora identify`: the identification run (methodology.md) over files or
//! over the stored data, writing schools.csv, model.json, objectivity.csv,
//! checklist.csv, scatter.svg and report.xlsx.

use crate::cli::{DbArgs, IdentifyArgs, SelectArg, WeightsArg};
use crate::fastcsv;
use anyhow::{bail, Context, Result};
use opora_analytics::{
    export, CellTable, ChecklistRow, Config, ContextRow, ContextTable, Input, Run, SchoolInfo,
    Selection, StatsAccumulator, Weights,
};
use opora_io::records::results::{
    is_school_level, parse_row, KeyCache, ResultBody, PUPIL_SCHEMA, SCHOOL_SCHEMA,
};
use opora_io::records::{Errors, Fields};
use opora_io::{open_table, TableOptions};
use opora_store::stats;
use std::path::Path;
use std::process::ExitCode;

/// The run configuration from the command line.
fn config(args: &IdentifyArgs) -> Result<Config> {
    let (k, y) = match args.years.split_once('/') {
        Some((k, y)) => (k.trim().parse::<usize>(), y.trim().parse::<usize>()),
        None => bail!("--years «{}»: ожидается K/Y, например 2/3", args.years),
    };
    let (Ok(k), Ok(y)) = (k, y) else {
        bail!("--years «{}»: ожидается K/Y, например 2/3", args.years)
    };
    anyhow::ensure!(k >= 1 && k <= y, "--years {k}/{y}: нужно 1 ≤ K ≤ Y");
    let pct = |v: f64, name: &str| {
        anyhow::ensure!(
            v > 0.0 && v <= 100.0,
            "{name} {v}: ожидается процент больше 0 и не больше 100"
        );
        Ok(v)
    };
    Ok(Config {
        low_percent: pct(args.low_percent, "--low-percent")?,
        shnsu_percent: pct(args.shnsu_percent, "--shnsu-percent")?,
        years_k: k,
        years_y: y,
        min_results: args.min_results,
        select: match args.select {
            SelectArg::Backward => Selection::Backward {
                p_remove: args.p_remove,
            },
            SelectArg::All => Selection::All,
        },
        weights: match args.weights {
            WeightsArg::None => Weights::None,
            WeightsArg::N => Weights::N,
        },
        ..Config::default()
    })
}

pub async fn run(db_args: &DbArgs, args: IdentifyArgs) -> Result<ExitCode> {
    let cfg = config(&args)?;
    let started = std::time::Instant::now();
    let (run, schools) = if args.db {
        let db = db_args.open().await?;
        let coverage = db.year_coverage().await?;
        let last_year = match args.last_year {
            Some(y) if coverage.iter().any(|c| c.year == y) => y,
            Some(y) => bail!(
                "за {y} год (весна) в базе нет результатов; укажите --last-year из загруженных лет"
            ),
            None => stats::default_last_year(&coverage)
                .context("в базе нет результатов: сначала загрузите их (opora import results)")?,
        };
        let data = db.identification_data().await?.up_to(last_year);
        let input = Input {
            stats: &data.stats,
            context: &data.context,
            schools: &data.schools,
            checklist: &data.checklist,
        };
        let mut run = opora_analytics::identify(&input, &cfg)?;
        run.notes
            .extend(stats::thin_year_warnings(&coverage, &run.years));
        let id = db.save_run("cli", &run).await?;
        println!("Расчёт сохранён в базе под номером {id}.");
        db.close().await;
        (run, data.schools)
    } else {
        let files = match read_files(&args, &cfg) {
            Ok(f) => f,
            Err(FileError::Rows(errors)) => {
                report_row_errors(&errors);
                return Ok(ExitCode::from(2));
            }
            Err(FileError::Other(e)) => return Err(e),
        };
        let FileInputs {
            stats,
            context,
            schools,
            checklist,
        } = files;
        let run =
            opora_analytics::identify_cells_owned(stats, &context, &schools, &checklist, &cfg)?;
        stage("identified", run.schools.len());
        (run, schools)
    };
    if let Some(out) = &args.out {
        write_outputs(out, &run, &schools, !run.checklist.is_empty())?;
        stage("outputs written", 0);
        println!("Результаты записаны в «{}».", out.display());
    }
    println!("{}", export::summary_text(&run).trim_end());
    eprintln!("Время расчёта: {:.2} с.", started.elapsed().as_secs_f64());
    Ok(ExitCode::SUCCESS)
}

/// Inputs read from files.
pub struct FileInputs {
    /// Compact: a national batch holds ~1.5 million cells.
    pub stats: CellTable,
    pub context: ContextTable,
    pub schools: Vec<SchoolInfo>,
    pub checklist: Vec<ChecklistRow>,
}

pub enum FileError {
    /// Bad rows, all of them, across the files.
    Rows(Vec<Errors>),
    Other(anyhow::Error),
}

impl<E: Into<anyhow::Error>> From<E> for FileError {
    fn from(e: E) -> Self {
        FileError::Other(e.into())
    }
}

fn report_row_errors(errors: &[Errors]) {
    let total: usize = errors.iter().map(|e| e.count).sum();
    eprintln!("Расчёт не выполнен: в файлах ошибок — {total}.");
    for e in errors {
        for r in &e.list {
            eprintln!("  {r}");
        }
        if e.list.len() < e.count {
            eprintln!("  … в файле «{}» ещё {}", e.file, e.count - e.list.len());
        }
    }
}

fn read_files(args: &IdentifyArgs, cfg: &Config) -> Result<FileInputs, FileError> {
    if args.results.is_empty() {
        return Err(anyhow::anyhow!("укажите файлы результатов: --results ФАЙЛ (можно несколько) или --db для расчёта по базе").into());
    }
    let Some(context_path) = &args.context else {
        return Err(anyhow::anyhow!("укажите файл контекста: --context ФАЙЛ").into());
    };
    stage("reading files", 0);
    // The small files are read beside the results.
    let (results, others) = std::thread::scope(|s| {
        let others = s.spawn(|| -> Result<_, FileError> {
            let mut bad = Vec::new();
            let context = read_context(context_path, &args.sheet)
                .or_else(|e| collect(e, &mut bad, ContextTable::default()))?;
            let checklist = match &args.checklist {
                Some(p) => {
                    read_checklist(p, &args.sheet).or_else(|e| collect(e, &mut bad, Vec::new()))?
                }
                None => Vec::new(),
            };
            let schools = match &args.schools {
                Some(p) => read_school_infos(p, &args.sheet)
                    .or_else(|e| collect(e, &mut bad, Vec::new()))?,
                None => Vec::new(),
            };
            Ok((context, checklist, schools, bad))
        });
        // Score histograms only where a sign needs them (memory at national scale).
        let mut bad = Vec::new();
        let parts = read_all_results(
            &args.results,
            &args.sheet,
            &StatsAccumulator::for_identification(cfg),
            &mut bad,
        );
        (
            parts.map(|p| (p, bad)),
            others
                .join()
                .unwrap_or_else(|e| std::panic::resume_unwind(e)),
        )
    });
    let (parts, mut bad) = results?;
    let (context, checklist, schools, mut other_bad) = others?;
    bad.append(&mut other_bad);
    if !bad.is_empty() {
        return Err(FileError::Rows(bad));
    }
    stage("files read", parts.len());
    let stats = StatsAccumulator::combine(parts);
    stage("cells combined and sorted", stats.len());
    tracing::debug!(bytes = stats.memory_bytes(), "compact table");
    Ok(FileInputs {
        stats,
        context,
        schools,
        checklist,
    })
}

/// A debug event with the process's memory (`OPORA_LOG=debug`).
pub fn stage(what: &str, items: usize) {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    let kb = |name: &str| {
        status
            .lines()
            .find(|l| l.starts_with(name))
            .and_then(|l| l.split_whitespace().nth(1))
            .and_then(|v| v.parse::<u64>().ok())
            .unwrap_or(0)
    };
    static START: std::sync::OnceLock<std::time::Instant> = std::sync::OnceLock::new();
    let secs = START
        .get_or_init(std::time::Instant::now)
        .elapsed()
        .as_secs_f64();
    tracing::debug!(
        secs,
        items,
        rss_mib = kb("VmRSS:") / 1024,
        peak_mib = kb("VmHWM:") / 1024,
        "{what}"
    );
}

/// Reads every results file into accumulators (with the histogram policy of
/// `template`), returned in file order. UTF-8 pupil-level CSV files are read
/// in parallel (crate::fastcsv), one worker per core; other files
/// (Windows-1251, XLSX, school level) by the sequential reader. Bad rows of
/// every file are collected in `bad`.
fn read_all_results(
    paths: &[std::path::PathBuf],
    sheet: &Option<String>,
    template: &StatsAccumulator,
    bad: &mut Vec<Errors>,
) -> Result<Vec<StatsAccumulator>, FileError> {
    let env = |name: &str| {
        std::env::var(name)
            .ok()
            .and_then(|v| v.parse::<u64>().ok())
            .filter(|n| *n > 0)
    };
    // OPORA_THREADS: workers (default: the cores); OPORA_SEQUENTIAL: no
    // parallel reading at all (for comparisons).
    let threads = env("OPORA_THREADS").map_or_else(
        || std::thread::available_parallelism().map_or(1, |n| n.get()),
        |n| n as usize,
    );
    let parallel = std::env::var_os("OPORA_SEQUENTIAL").is_none();
    read_results_with(
        paths,
        sheet,
        template,
        bad,
        parallel.then_some((threads, fastcsv::CHUNK)),
    )
}

/// [`read_all_results`] with the parallel reader's workers and range size
/// (`None`: every file by the sequential reader).
fn read_results_with(
    paths: &[std::path::PathBuf],
    sheet: &Option<String>,
    template: &StatsAccumulator,
    bad: &mut Vec<Errors>,
    parallel: Option<(usize, u64)>,
) -> Result<Vec<StatsAccumulator>, FileError> {
    let (threads, chunk) = parallel.unwrap_or((1, fastcsv::CHUNK));
    let parallel = parallel.is_some();
    let mut plans = Vec::new();
    let mut which = Vec::with_capacity(paths.len());
    for path in paths {
        let t = table(path, sheet)?;
        match fastcsv::plan(path, &t).filter(|_| parallel) {
            Some(p) => {
                which.push(Some(plans.len()));
                plans.push(p);
            }
            None => which.push(None),
        }
    }
    let mut outcomes: Vec<Option<fastcsv::Outcome>> =
        fastcsv::read(&plans, template, threads, chunk)
            .into_iter()
            .map(Some)
            .collect();
    stage("parsed in parallel", plans.len());
    let mut all = Vec::new();
    for (path, w) in paths.iter().zip(which) {
        let outcome = w.and_then(|i| outcomes[i].take());
        let sequential = match outcome {
            Some(fastcsv::Outcome::Read { parts, errors }) => {
                match errors {
                    Some(e) => bad.push(e),
                    None => all.extend(parts),
                }
                Ok(())
            }
            Some(fastcsv::Outcome::Failed(e)) => {
                return Err(
                    anyhow::anyhow!("ошибка чтения файла «{}»: {e}", path.display()).into(),
                );
            }
            Some(fastcsv::Outcome::Fallback) | None => {
                let mut acc = template.empty_like();
                let r = read_results(path, sheet, &mut acc);
                all.push(acc);
                r
            }
        };
        match sequential {
            Ok(()) => {}
            Err(FileError::Rows(mut r)) => bad.append(&mut r),
            Err(other) => return Err(other),
        }
    }
    Ok(all)
}

/// Keeps row errors for the final report; passes other errors on.
fn collect<T>(e: FileError, bad: &mut Vec<Errors>, empty: T) -> Result<T, FileError> {
    match e {
        FileError::Rows(mut r) => {
            bad.append(&mut r);
            Ok(empty)
        }
        other => Err(other),
    }
}

fn table(path: &Path, sheet: &Option<String>) -> Result<opora_io::TableReader, FileError> {
    Ok(open_table(
        path,
        &TableOptions {
            sheet: sheet.clone(),
        },
    )
    .with_context(|| format!("файл «{}»", path.display()))?)
}

/// Streams one results file into the accumulator.
fn read_results(
    path: &Path,
    sheet: &Option<String>,
    acc: &mut StatsAccumulator,
) -> Result<(), FileError> {
    let mut t = table(path, sheet)?;
    let school_level = is_school_level(&t.file_name, &t.header, &[]);
    let map = t.resolve(
        if school_level {
            &SCHOOL_SCHEMA
        } else {
            &PUPIL_SCHEMA
        },
        &[],
    )?;
    let mut errors = Errors::new(&t.file_name);
    let mut cache = KeyCache::default();
    for row in t.by_ref() {
        let row = row?;
        if row.is_blank() {
            continue;
        }
        let mut f = Fields::new(&map, &row, &mut errors);
        match parse_row(&mut f, school_level, &mut cache, &|_| true, &|_| None) {
            Some(rec) if errors.count == 0 => match rec.body {
                ResultBody::Pupil { result, .. } => acc.add_pupil(&result),
                ResultBody::School(s) => acc.add_school(&s),
            },
            _ => {}
        }
    }
    errors.into_result().map_err(|e| FileError::Rows(vec![e]))
}

fn read_context(path: &Path, sheet: &Option<String>) -> Result<ContextTable, FileError> {
    use opora_io::records::context::{parse_row, SCHEMA};
    let mut t = table(path, sheet)?;
    let map = t.resolve(&SCHEMA, &[])?;
    if map.free.is_empty() {
        return Err(anyhow::anyhow!(
            "в файле контекста «{}» нет столбцов с факторами после school_id (и year)",
            t.file_name
        )
        .into());
    }
    let factors = map.free.iter().map(|(h, _)| h.clone()).collect();
    let mut errors = Errors::new(&t.file_name);
    let mut rows = Vec::new();
    for row in t.by_ref() {
        let row = row?;
        if row.is_blank() {
            continue;
        }
        if let Some(r) = parse_row(&mut Fields::new(&map, &row, &mut errors), &|_| true) {
            rows.push(ContextRow {
                school_id: r.school_code,
                year: r.year,
                values: r.values,
            });
        }
    }
    errors.into_result().map_err(|e| FileError::Rows(vec![e]))?;
    Ok(ContextTable { factors, rows })
}

fn read_checklist(path: &Path, sheet: &Option<String>) -> Result<Vec<ChecklistRow>, FileError> {
    use opora_io::records::checklist::{parse_row, SCHEMA};
    let mut t = table(path, sheet)?;
    let map = t.resolve(&SCHEMA, &[])?;
    let mut errors = Errors::new(&t.file_name);
    let mut rows = Vec::new();
    for row in t.by_ref() {
        let row = row?;
        if let Some(r) = parse_row(&mut Fields::new(&map, &row, &mut errors), &|_| true) {
            rows.push(r);
        }
    }
    errors.into_result().map_err(|e| FileError::Rows(vec![e]))?;
    Ok(rows)
}

/// School names and types from a registry file (optional: names in the
/// scatter plot, type for sign O5).
fn read_school_infos(path: &Path, sheet: &Option<String>) -> Result<Vec<SchoolInfo>, FileError> {
    use opora_io::records::schools::{parse_row, SCHEMA};
    let mut t = table(path, sheet)?;
    let map = t.resolve(&SCHEMA, &[])?;
    let mut errors = Errors::new(&t.file_name);
    let mut rows = Vec::new();
    for row in t.by_ref() {
        let row = row?;
        if let Some(r) = parse_row(&mut Fields::new(&map, &row, &mut errors)) {
            let lyceum = r.kind == "лицей" || r.kind == "гимназия";
            rows.push(SchoolInfo {
                school_id: r.code,
                name: r.short_name,
                is_lyceum_or_gymnasium: lyceum,
            });
        }
    }
    errors.into_result().map_err(|e| FileError::Rows(vec![e]))?;
    Ok(rows)
}

/// Russian column titles for the XLSX report.
fn title(column: &str) -> String {
    let t = match column {
        "school_id" => "Код ОО",
        "n" => "Число результатов",
        "result_index" => "ИПР",
        "result_se" => "Ст. ошибка ИПР",
        "expected" => "Ожидаемый ИПР",
        "social_index" => "ИСУ",
        "residual" => "Остаток",
        "effect" => "Эффект школы",
        "effect_se" => "Ст. ошибка эффекта",
        "ci_low" => "95% ДИ, нижняя граница",
        "ci_high" => "95% ДИ, верхняя граница",
        "rank" => "Место (1 — самый низкий эффект)",
        "percentile" => "Процентиль",
        "is_shnor" => "ШНОР",
        "is_low_results" => "Низкие результаты",
        "is_shnsu" => "ШНСУ",
        "is_resilient" => "Резильентная",
        "insufficient_data" => "Недостаточно данных",
        "years_flagged" => "Годы (условие ШНОР)",
        "reason" => "Обоснование",
        "year" => "Год",
        "procedure" => "Процедура",
        "subject" => "Предмет",
        "grade" => "Класс",
        "sign" => "Признак",
        "statistic" => "Значение",
        "threshold" => "Порог",
        "p_value" => "p-значение",
        "q_value" => "q-значение (с поправкой Бенджамини — Хохберга)",
        "explanation" => "Пояснение",
        "category" => "Категория",
        other => other,
    };
    t.to_string()
}

pub fn write_outputs(
    out: &Path,
    run: &Run,
    schools: &[SchoolInfo],
    with_checklist: bool,
) -> Result<()> {
    use export::Table;
    std::fs::create_dir_all(out)
        .with_context(|| format!("не удалось создать папку «{}»", out.display()))?;
    let write = |name: &str, text: &str| {
        std::fs::write(out.join(name), text)
            .with_context(|| format!("не удалось записать «{}»", out.join(name).display()))
    };
    // Tables are streamed to their files; the report is built beside them.
    let csv = |name: &str, table: Table| -> Result<()> {
        let path = out.join(name);
        let fail = || format!("не удалось записать «{}»", path.display());
        let mut w = std::io::BufWriter::with_capacity(
            1 << 20,
            std::fs::File::create(&path).with_context(fail)?,
        );
        table.write_csv(run, &mut w).with_context(fail)?;
        std::io::Write::flush(&mut w).with_context(fail)
    };
    let model = model_sheet(run);
    std::thread::scope(|s| {
        let report = s.spawn(|| {
            let r = crate::report::write(
                &out.join("report.xlsx"),
                run,
                &model,
                with_checklist,
                &title,
            )
            .context("не удалось сформировать report.xlsx");
            stage("report.xlsx written", 0);
            r
        });
        let files = (|| {
            csv("schools.csv", Table::Schools)?;
            write("model.json", &export::model_json(run))?;
            csv("objectivity.csv", Table::Objectivity)?;
            if with_checklist {
                csv("checklist.csv", Table::Checklist)?;
            }
            write(
                "scatter.svg",
                &opora_io::charts::scatter_svg(run, schools, None),
            )?;
            stage("csv, json and svg written", 0);
            Ok(())
        })();
        let report = report
            .join()
            .unwrap_or_else(|e| std::panic::resume_unwind(e));
        files.and(report)
    })
}

fn model_sheet(run: &Run) -> opora_io::xlsx_out::Sheet {
    use opora_io::xlsx_out::{Cell, Sheet};
    let m = &run.model;
    let mut rows: Vec<Vec<Cell>> = m
        .coefficients
        .iter()
        .map(|c| {
            vec![
                Cell::Text(c.name.clone()),
                Cell::Number(Some(c.estimate)),
                Cell::Number(Some(c.se)),
                Cell::Number(c.t),
                Cell::Number(c.p),
            ]
        })
        .collect();
    let stat = |name: &str, v: Option<f64>| vec![Cell::Text(name.into()), Cell::Number(v)];
    rows.push(vec![]);
    rows.push(stat("Число школ в модели", Some(m.n_schools as f64)));
    rows.push(stat("R²", m.r2));
    rows.push(stat("Скорректированный R²", m.adj_r2));
    rows.push(stat("τ² (дисперсия истинных эффектов)", m.tau2));
    rows.push(stat("Остаточное стандартное отклонение", m.residual_sd));
    rows.push(vec![
        Cell::Text("Исключённые факторы".into()),
        Cell::Text(m.dropped.join(", ")),
    ]);
    Sheet {
        name: "Модель".into(),
        header: ["Коэффициент", "Оценка", "Ст. ошибка", "t", "p"]
            .map(String::from)
            .to_vec(),
        rows,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use opora_analytics::StatsTable;
    use std::path::PathBuf;

    /// What reading gave: the table (when no row was bad), the bad rows as
    /// printed, and how many there were.
    fn read(
        paths: &[PathBuf],
        parallel: Option<(usize, u64)>,
    ) -> (Option<StatsTable>, Vec<String>, usize) {
        let mut bad = Vec::new();
        let parts =
            match read_results_with(paths, &None, &StatsAccumulator::new(), &mut bad, parallel) {
                Ok(p) => p,
                Err(FileError::Rows(_)) => unreachable!("row errors are collected"),
                Err(FileError::Other(e)) => panic!("{e:#}"),
            };
        let errors: Vec<String> = bad
            .iter()
            .flat_map(|e| e.list.iter().map(|r| r.to_string()))
            .collect();
        let count = bad.iter().map(|e| e.count).sum();
        (
            bad.is_empty()
                .then(|| StatsAccumulator::combine(parts).to_table()),
            errors,
            count,
        )
    }

    fn assert_same_as_sequential(paths: &[PathBuf]) -> (Option<StatsTable>, Vec<String>) {
        let (table, errors, count) = read(paths, None);
        for threads in [1, 3] {
            for chunk in [1, 7, 61, 4096, fastcsv::CHUNK] {
                let (t, e, c) = read(paths, Some((threads, chunk)));
                assert_eq!(e, errors, "threads {threads}, ranges of {chunk} bytes");
                assert_eq!(c, count);
                assert!(
                    t == table,
                    "threads {threads}, ranges of {chunk} bytes: tables differ"
                );
            }
        }
        (table, errors)
    }

    fn file(dir: &tempfile::TempDir, name: &str, bytes: &[u8]) -> PathBuf {
        let p = dir.path().join(name);
        std::fs::write(&p, bytes).unwrap();
        p
    }

    /// Pupil rows in no particular order, with what real files hold: several
    /// schools and assessments, task scores, empty cells.
    fn rows(n: usize, nl: &str) -> String {
        let mut s = format!("year,school_id,procedure,subject,grade,student_key,score,max_score,mark,journal_mark,task_1,task_2,task_3,extra{nl}");
        let mut x: u64 = 7;
        for i in 0..n {
            x = x
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            let r = (x >> 33) as usize;
            let school = ["sch01", "sch02", "школа 3"][r % 3];
            let (proc_, subj, grade) = [
                ("ВПР", "математика", 5),
                ("впр", "Русский язык", 6),
                ("ОГЭ", "математика", 9),
            ][(r / 3) % 3];
            let score = r % 21;
            let mark = if i % 5 == 0 {
                String::new()
            } else {
                (2 + score / 6).min(5).to_string()
            };
            let journal = if i % 3 == 0 {
                String::new()
            } else {
                (2 + (r / 7) % 4).to_string()
            };
            let tasks = if proc_ == "ОГЭ" {
                ",,".to_string()
            } else {
                format!(
                    "{},{},{}",
                    r % 3,
                    (r / 3) % 2,
                    if i % 4 == 0 {
                        String::new()
                    } else {
                        (r % 5).to_string()
                    }
                )
            };
            s += &format!("2024,{school},{proc_},{subj},{grade},P{i:05},{score},20,{mark},{journal},{tasks},x{nl}");
        }
        s
    }

    #[test]
    fn parallel_reading_matches_the_sequential_reader() {
        let dir = tempfile::tempdir().unwrap();
        // Clean canonical files: LF, CRLF with a BOM and no final newline.
        let lf = file(&dir, "lf.csv", rows(300, "\n").as_bytes());
        let mut crlf = b"\xEF\xBB\xBF".to_vec();
        crlf.extend_from_slice(rows(200, "\r\n").trim_end().as_bytes());
        let crlf = file(&dir, "crlf.csv", &crlf);
        let (table, errors) = assert_same_as_sequential(&[lf.clone(), crlf.clone()]);
        assert!(errors.is_empty() && table.is_some_and(|t| t.cells.len() >= 9));
        // …and it was the parallel reader that read them.
        let how = |p: &PathBuf| {
            let plan = fastcsv::plan(p, &super::table(p, &None).map_err(|_| ()).unwrap());
            plan.map(|plan| {
                matches!(
                    fastcsv::read(&[plan], &StatsAccumulator::new(), 2, 64)[0],
                    fastcsv::Outcome::Read { .. }
                )
            })
        };
        assert_eq!((how(&lf), how(&crlf)), (Some(true), Some(true)));

        // Valid but unusual cells: the rows go through `parse_row`.
        let mut odd = rows(50, "\n");
        odd += "\n,,,,,,,,,,,,,\n";
        odd += "2024,sch01,ВПР,математика,5,P1,\"12,5\",20,4,4,1,1,1,x\n";
        odd += "2024,sch01,ВПР,математика,5,P2, 7 ,20,1,5,0,0,,\n";
        odd += "2024 ,sch01 ,ВПР,математика,5, P3,12.5,20,3,,1,1,1\n";
        odd += "2024,sch01,ВПР,математика,5,P4,3%,20,3,3,1,1,1,x,more,cells\n";
        odd += "2024,sch02,ВПР,математика,5,P5,0000000000000012,20,3,3,1,1,1,x\n";
        odd += "2024,sch02,ВПР,математика,5,P6,1\n";
        let odd_path = file(
            &dir,
            "odd.csv",
            odd.replace("\"12,5\"", "12,5")
                .replace(",12,5,", ",12.5,")
                .as_bytes(),
        );
        assert_same_as_sequential(&[odd_path]);
        // A quote anywhere: the whole file goes to the CSV reader.
        let quoted = file(&dir, "quoted.csv", odd.as_bytes());
        assert_same_as_sequential(std::slice::from_ref(&quoted));
        assert_eq!(how(&quoted), Some(false));
        // Semicolons, and a Windows-1251 file (sequential by design).
        let semi = file(
            &dir,
            "semi.csv",
            rows(80, "\n").replace(',', ";").as_bytes(),
        );
        let cp1251 = file(&dir, "cp1251.csv", b"year;school_id;procedure;subject;grade;student_key;score\n2024;s1;\xc2\xcf\xd0;m;5;k1;3\n2024;s1;\xc2\xcf\xd0;m;5;k2;4\n");
        assert_same_as_sequential(&[semi.clone(), cp1251.clone()]);
        assert_eq!((how(&semi), how(&cp1251)), (Some(true), None));
    }

    #[test]
    fn bad_rows_are_all_listed_with_their_line_numbers() {
        let dir = tempfile::tempdir().unwrap();
        let mut text = rows(120, "\n");
        let bad = [
            (5, "2024,sch01,ВПР,математика,5,P9,abc,20,3,3,1,1,1,x"),
            (17, "2024,sch01,ВПР,математика,5,,7,20,3,3,1,1,1,x"),
            (40, "2024,sch01,ВПР,математика,5,P9,25,20,3,3,1,1,1,x"),
            (41, "2024,sch01,ВПР,математика,5,P9,5,20,6,3,1,-1,1,x"),
            (90, "2024,sch01,ВПР,математика,13,P9,5,20,3,3,1,1,1,x"),
            (121, "20x4,sch02,ВПР,математика,5,P9,5,20,3,3,1,1,1,x"),
        ];
        let mut lines: Vec<String> = text.lines().map(str::to_string).collect();
        for (i, l) in bad {
            lines[i - 1] = l.to_string();
        }
        text = lines.join("\n") + "\n";
        let clean = file(&dir, "clean.csv", rows(30, "\n").as_bytes());
        let broken = file(&dir, "broken.csv", text.as_bytes());
        let (table, errors) = assert_same_as_sequential(&[clean, broken]);
        assert!(table.is_none());
        let rows_named: Vec<&str> = errors
            .iter()
            .map(|e| e.split(':').next().unwrap())
            .collect();
        assert_eq!(rows_named.len(), 7, "{errors:#?}");
        assert!(
            errors[0].starts_with("broken.csv, строка 5, столбец «score», значение «abc»"),
            "{}",
            errors[0]
        );
        assert!(
            errors
                .iter()
                .any(|e| e.starts_with("broken.csv, строка 121, столбец «year»")),
            "{errors:#?}"
        );
    }
}
