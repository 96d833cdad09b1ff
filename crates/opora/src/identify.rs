//! `opora identify`: the identification run (methodology.md) over files or
//! over the stored data, writing schools.csv, model.json, objectivity.csv,
//! checklist.csv, scatter.svg and report.xlsx.

use crate::cli::{DbArgs, IdentifyArgs, SelectArg, WeightsArg};
use crate::settings::Settings;
use anyhow::{bail, Context, Result};
use opora_analytics::{export, Config, Input, Run, SchoolInfo, Selection, Weights};
use opora_io::records::Errors;
use opora_io::TableOptions;
use opora_scan::{FileInputs, FilesError, InputPaths, Parallel};
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

pub async fn run(db_args: &DbArgs, args: IdentifyArgs, settings: &Settings) -> Result<ExitCode> {
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
        say!("Расчёт сохранён в базе под номером {id}.");
        db.close().await;
        (run, data.schools)
    } else {
        let files = match read_files(&args, &cfg, settings)? {
            Ok(f) => f,
            Err(errors) => {
                report_row_errors(&errors);
                return Ok(ExitCode::from(2));
            }
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
        say!("Результаты записаны в «{}».", out.display());
    }
    say!("{}", export::summary_text(&run).trim_end());
    eprintln!("Время расчёта: {:.2} с.", started.elapsed().as_secs_f64());
    Ok(ExitCode::SUCCESS)
}

/// The run's inputs from the files named on the command line; the inner
/// `Err` holds the bad rows of every file, to be reported.
fn read_files(
    args: &IdentifyArgs,
    cfg: &Config,
    settings: &Settings,
) -> Result<Result<FileInputs, Vec<Errors>>> {
    if args.results.is_empty() {
        bail!("укажите файлы результатов: --results ФАЙЛ (можно несколько) или --db для расчёта по базе");
    }
    let Some(context) = &args.context else {
        bail!("укажите файл контекста: --context ФАЙЛ");
    };
    stage("reading files", 0);
    let paths = InputPaths {
        results: &args.results,
        context,
        checklist: args.checklist.as_deref(),
        schools: args.schools.as_deref(),
        table: TableOptions {
            sheet: args.sheet.clone(),
        },
    };
    match opora_scan::read_inputs(&paths, cfg, parallel(settings)) {
        Ok(files) => {
            stage("files read, cells combined and sorted", files.stats.len());
            tracing::debug!(bytes = files.stats.memory_bytes(), "compact table");
            Ok(Ok(files))
        }
        Err(FilesError::Rows(errors)) => Ok(Err(errors)),
        Err(e) => Err(e.into()),
    }
}

/// How the results files are read: in parallel on the settings' threads,
/// mapped or in ranges; not in parallel at all with `OPORA_SEQUENTIAL`.
fn parallel(settings: &Settings) -> Option<Parallel> {
    let r = settings.reading;
    (!r.sequential).then_some(Parallel {
        map_files: r.map_files,
        ..Parallel::with_threads(settings.threads)
    })
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
    std::thread::scope(|s| {
        let report = s.spawn(|| {
            let r = opora_io::run_report::write(&out.join("report.xlsx"), run, with_checklist)
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
