//! `opora import KIND FILE`: progress on a terminal, a Russian report, every
//! bad row listed, exit code 1 when the file was rejected.

use crate::cli::{DbArgs, ImportArgs, ImportKindArg, OutputFormat};
use anyhow::{bail, Result};
use indicatif::{ProgressBar, ProgressStyle};
use opora_store::import::{ImportKind, ImportOptions, ImportReport, Progress};
use opora_store::StoreError;
use std::io::IsTerminal;
use std::process::ExitCode;

pub fn kind(k: ImportKindArg) -> ImportKind {
    match k {
        ImportKindArg::Schools => ImportKind::Schools,
        ImportKindArg::Results => ImportKind::Results,
        ImportKindArg::Context => ImportKind::Context,
        ImportKindArg::Checklist => ImportKind::Checklist,
        ImportKindArg::Scales => ImportKind::Scales,
        ImportKindArg::Teachers => ImportKind::Teachers,
        ImportKindArg::Courses => ImportKind::Courses,
        ImportKindArg::Diagnostics => ImportKind::Diagnostics,
        ImportKindArg::Attendance => ImportKind::Attendance,
    }
}

/// `field=Header` pairs from `--map`.
pub fn parse_map(items: &[String]) -> Result<Vec<(String, String)>> {
    items
        .iter()
        .map(|m| match m.split_once('=') {
            Some((f, h)) if !f.trim().is_empty() && !h.trim().is_empty() => {
                Ok((f.trim().to_string(), h.trim().trim_matches('"').to_string()))
            }
            _ => bail!("параметр --map «{m}»: ожидается поле=\"Заголовок\", например --map score=\"Первичный балл\""),
        })
        .collect()
}

fn progress_bar() -> Option<ProgressBar> {
    if !std::io::stderr().is_terminal() {
        return None;
    }
    let bar = ProgressBar::new(0);
    bar.set_style(
        ProgressStyle::with_template("{spinner} [{bar:40}] {bytes}/{total_bytes} {msg}")
            .unwrap_or_else(|_| ProgressStyle::default_bar()),
    );
    Some(bar)
}

pub async fn run(db_args: &DbArgs, args: ImportArgs) -> Result<ExitCode> {
    let db = db_args.open().await?;
    let opts = ImportOptions {
        sheet: args.sheet.clone(),
        map: parse_map(&args.map)?,
        actor: "cli".into(),
        allow_new_names: args.new_names,
        scope: None,
    };
    let bar = progress_bar();
    let on_progress = |p: Progress| {
        if let Some(b) = &bar {
            b.set_length(p.total_bytes);
            b.set_position(p.bytes);
            b.set_message(format!("строк: {}", p.rows));
        }
    };
    let started = std::time::Instant::now();
    let result = db
        .import_file(kind(args.kind), &args.file, &opts, &on_progress)
        .await;
    if let Some(b) = bar {
        b.finish_and_clear();
    }
    db.close().await;
    match result {
        Ok(report) => {
            print_report(&report, args.format, started.elapsed());
            Ok(ExitCode::SUCCESS)
        }
        Err(StoreError::Rejected {
            file,
            count,
            errors,
        }) => {
            if args.format == OutputFormat::Json {
                let v = serde_json::json!({ "status": "rejected", "file": file, "error_count": count, "errors": errors });
                say!("{}", serde_json::to_string_pretty(&v)?);
            } else {
                eprintln!(
                    "Файл «{file}» не загружен: ошибок — {count}. В базу ничего не записано."
                );
                for e in &errors {
                    eprintln!("  {e}");
                }
                if errors.len() < count {
                    eprintln!(
                        "  … и ещё {} (показаны первые {})",
                        count - errors.len(),
                        errors.len()
                    );
                }
                eprintln!("Исправьте ошибки и загрузите файл снова.");
            }
            Ok(ExitCode::from(2))
        }
        Err(StoreError::NewNames { file, names }) => {
            let v = serde_json::json!({ "status": "new_names", "file": file, "names": names });
            let message = StoreError::NewNames { file, names }.to_string();
            if args.format == OutputFormat::Json {
                say!(
                    "{}",
                    serde_json::to_string_pretty(
                        &serde_json::json!({ "message": message, "details": v })
                    )?
                );
            } else {
                eprintln!("Файл не загружен: {message}.");
            }
            Ok(ExitCode::from(2))
        }
        Err(e) => Err(e.into()),
    }
}

fn print_report(r: &ImportReport, format: OutputFormat, elapsed: std::time::Duration) {
    if format == OutputFormat::Json {
        let mut v = serde_json::to_value(r).unwrap_or_default();
        v["status"] = "ok".into();
        v["seconds"] = elapsed.as_secs_f64().into();
        say!("{}", serde_json::to_string_pretty(&v).unwrap_or_default());
        return;
    }
    let secs = elapsed.as_secs_f64().max(1e-6);
    say!(
        "Загружен файл «{}»: строк {}, записано {} за {} с ({} строк/с).",
        r.file,
        r.rows,
        r.written,
        opora_analytics::text::num(secs, 2),
        (r.rows as f64 / secs).round()
    );
    if r.groups_changed == 0 && r.groups_unchanged > 0 {
        say!("Данные не изменились: такие же результаты уже загружены.");
    }
    if r.groups_changed + r.groups_unchanged > 0 {
        say!(
            "Групп «школа × процедура»: изменено {}, без изменений {}.",
            r.groups_changed,
            r.groups_unchanged
        );
    }
    if !r.ignored_columns.is_empty() {
        say!("Пропущены столбцы: {}.", r.ignored_columns.join(", "));
    }
    for n in &r.notes {
        say!("Примечание: {n}.");
    }
}
