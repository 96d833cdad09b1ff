//! `opora indicators import`: a programme's indicator set read from its
//! passport table (opora-indicators), shown as text or JSON.

use crate::cli::{DbArgs, IndicatorsCommand, IndicatorsImportArgs, OutputFormat};
use anyhow::{Context, Result};
use opora_indicators::{import_passport, Indicator, Target};
use std::process::ExitCode;

pub async fn run(db: &DbArgs, cmd: IndicatorsCommand) -> Result<ExitCode> {
    match cmd {
        IndicatorsCommand::Import(args) => import(db, args).await,
    }
}

async fn import(db_args: &DbArgs, args: IndicatorsImportArgs) -> Result<ExitCode> {
    let name = args
        .file
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let bytes =
        std::fs::read(&args.file).with_context(|| format!("не удалось прочитать файл «{name}»"))?;
    let indicators = import_passport(&bytes, &name)?;
    if let (false, Some(plan)) = (args.dry_run, args.plan) {
        let db = db_args.open().await?;
        let saved = db.save_indicators(plan, &indicators, &name, "cli").await;
        db.close().await;
        let saved = saved?;
        match args.format {
            OutputFormat::Json => say!("{}", serde_json::to_string_pretty(&saved)?),
            OutputFormat::Text => say!(
                "Показатели программы № {plan} из файла «{name}»: добавлено {}, изменено {}, без изменений {}.",
                saved.added,
                saved.changed,
                saved.unchanged
            ),
        }
        return Ok(ExitCode::SUCCESS);
    }
    match args.format {
        OutputFormat::Json => {
            let doc = serde_json::json!({ "indicators": indicators });
            say!("{}", serde_json::to_string_pretty(&doc)?);
        }
        OutputFormat::Text => print_text(&name, &indicators),
    }
    Ok(ExitCode::SUCCESS)
}

fn print_text(file: &str, indicators: &[Indicator]) {
    say!("Файл «{file}»: показателей {}.", indicators.len());
    let mut group = None;
    for i in indicators {
        if group != Some(&i.group) {
            group = Some(&i.group);
            if !i.group.is_empty() {
                say!();
                say!("{}", i.group);
            }
        }
        let target = match &i.target {
            Target::Number(v) => {
                opora_analytics::text::num(*v, if v.fract() == 0.0 { 0 } else { 2 })
            }
            Target::Text(t) => t.clone(),
        };
        let unit = if i.unit == opora_indicators::Unit::Percent {
            "%"
        } else {
            ""
        };
        say!(
            "  • {} — {}{target}{unit} ({})",
            i.name,
            i.direction.prefix(),
            i.unit.title()
        );
    }
}
