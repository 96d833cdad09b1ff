//! `opora note`: the analytical note of a school, a municipality or the
//! region written to a DOCX or PDF file, and kept as an issued version (as
//! from the web, by the actor «cli»).

use crate::cli::{DbArgs, NoteArgs};
use anyhow::{anyhow, bail, Context, Result};
use opora_notes::compose::{compose, Subject};
use opora_notes::Format;
use opora_plans::date::Date;
use opora_store::notes::NoteSubject;
use opora_store::scope::Scope;

pub async fn run(db_args: &DbArgs, args: NoteArgs) -> Result<()> {
    let path = args.out.to_string_lossy().to_string();
    let Some(format) = Format::of_path(&path) else {
        bail!("файл «{path}»: справка пишется в .docx или .pdf — укажите одно из этих расширений");
    };
    let on = match &args.date {
        Some(text) => Date::parse(text).ok_or_else(|| {
            anyhow!("дата «{text}» не распознана: ожидается ДД.ММ.ГГГГ или ГГГГ-ММ-ДД, например 01.12.2026")
        })?,
        None => opora_plans::clock::today(),
    };
    let db = db_args.open().await?;
    let (subject, who) = subject(&db, &args).await?;
    let note = compose(&db, &Scope::Region, &subject, on)
        .await?
        .ok_or_else(|| anyhow!("справка не составлена: нет такой школы или муниципалитета"))?;
    let mut who = who;
    who.name = note.subject.clone();
    let content = serde_json::to_string(&note)?;
    let (_, version) = db.issue_note(&who, on, &content, "cli").await?;
    db.close().await;
    let bytes = tokio::task::spawn_blocking(move || format.write(&note)).await??;
    std::fs::write(&args.out, &bytes).with_context(|| format!("запись файла «{path}»"))?;
    say!(
        "Справка «{}» на {} (версия {version}) записана в {path}: {} КБ.",
        who.name,
        on.ru(),
        bytes.len() / 1024
    );
    Ok(())
}

async fn subject(db: &opora_store::Db, args: &NoteArgs) -> Result<(Subject, NoteSubject)> {
    if let Some(code) = &args.school {
        let school = db
            .school_in(&Scope::Region, code)
            .await?
            .ok_or_else(|| anyhow!("школы с кодом «{code}» нет в реестре: проверьте код"))?;
        return Ok((
            Subject::School(code.clone()),
            NoteSubject {
                kind: "school",
                key: code.clone(),
                name: String::new(),
                municipality_id: Some(school.municipality_id),
                school_id: Some(school.id),
            },
        ));
    }
    if let Some(name) = &args.municipality {
        let all = db.municipalities().await?;
        let m = all
            .iter()
            .find(|m| m.name.to_lowercase() == name.trim().to_lowercase())
            .ok_or_else(|| {
                anyhow!(
                    "муниципалитета «{name}» нет в реестре; есть: {}",
                    all.iter()
                        .map(|m| m.name.as_str())
                        .collect::<Vec<_>>()
                        .join(", ")
                )
            })?;
        return Ok((
            Subject::Municipality(m.id),
            NoteSubject {
                kind: "municipality",
                key: m.id.to_string(),
                name: String::new(),
                municipality_id: Some(m.id),
                school_id: None,
            },
        ));
    }
    Ok((
        Subject::Region,
        NoteSubject {
            kind: "region",
            key: String::new(),
            name: String::new(),
            municipality_id: None,
            school_id: None,
        },
    ))
}
