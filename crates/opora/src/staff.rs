//! `opora staff due`: the teachers due for a course under the three-year
//! rule, as text (by school) or JSON.

use crate::cli::{DbArgs, OutputFormat, StaffCommand, StaffDueArgs};
use anyhow::{anyhow, Result};
use opora_plans::date::Date;
use opora_store::scope::Scope;

pub async fn run(db: &DbArgs, cmd: StaffCommand) -> Result<()> {
    match cmd {
        StaffCommand::Due(args) => due(db, args).await,
    }
}

/// One teacher of the JSON answer.
#[derive(serde::Serialize)]
struct DueTeacher {
    school_id: String,
    name: String,
    last_course_end: Option<String>,
    months_since: Option<i32>,
}

async fn due(db_args: &DbArgs, args: StaffDueArgs) -> Result<()> {
    let on = match &args.on {
        Some(text) => Date::parse(text).ok_or_else(|| {
            anyhow!("дата «{text}» не распознана: ожидается ДД.ММ.ГГГГ или ГГГГ-ММ-ДД, например 01.09.2026")
        })?,
        None => opora_plans::clock::today(),
    };
    let db = db_args.open().await?;
    let due = db
        .teachers_due(&Scope::Region, &Default::default(), on, "cli")
        .await;
    db.close().await;
    let due = due?;
    match args.format {
        OutputFormat::Json => {
            let teachers: Vec<DueTeacher> = due
                .iter()
                .map(|(t, c)| DueTeacher {
                    school_id: t.school_code.clone(),
                    name: t.fields.full_name.clone(),
                    last_course_end: c.last_course_end.map(|d| d.iso()),
                    months_since: c.months_since,
                })
                .collect();
            say!(
                "{}",
                serde_json::to_string_pretty(&serde_json::json!({ "teachers": teachers }))?
            );
        }
        OutputFormat::Text => {
            say!(
                "Педагоги без курсов повышения квалификации больше трёх лет на {}: {}.",
                on.ru(),
                due.len()
            );
            let mut school = None;
            for (t, c) in &due {
                if school != Some(&t.school_code) {
                    school = Some(&t.school_code);
                    say!();
                    say!("{} ({})", t.school_name, t.school_code);
                }
                let last = match (c.last_course_end, c.months_since) {
                    (Some(d), Some(m)) => {
                        format!("последние курсы окончены {}, прошло {m} мес.", d.ru())
                    }
                    _ => "курсов нет".to_string(),
                };
                say!("  • {} — {last}", t.fields.full_name);
            }
        }
    }
    Ok(())
}
