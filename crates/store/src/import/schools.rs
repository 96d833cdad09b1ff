//! Import of the school registry: upsert by school code; municipalities are
//! created by name.

use super::{clean_name, count, report_progress, resolve, Errors, Fields, ImportOptions, ImportReport, ProgressFn, Val};
use super::writer::Batch;
use crate::registry::SCHOOL_KINDS;
use crate::{Db, Result};
use opora_io::{Field, Schema, TableReader};
use sqlx::Row;
use std::collections::{HashMap, HashSet};

pub static SCHEMA: Schema = Schema {
    fields: &[
        Field { name: "school_id", aliases: &["Код ОО", "Логин ОО", "Логин", "Код школы", "ИНН", "id"], required: true },
        Field { name: "municipality", aliases: &["Муниципалитет", "МО", "Муниципальное образование", "АТЕ", "Район"], required: true },
        Field { name: "full_name", aliases: &["Полное наименование", "Наименование ОО", "Наименование", "name"], required: true },
        Field { name: "short_name", aliases: &["Краткое наименование", "Сокращённое наименование", "Сокращенное наименование"], required: false },
        Field { name: "type", aliases: &["Тип", "Тип ОО", "Вид ОО", "kind"], required: false },
        Field { name: "locality", aliases: &["Местность", "Территория", "Город/село", "Тип местности"], required: false },
        Field { name: "address", aliases: &["Адрес", "Юридический адрес"], required: false },
        Field { name: "website", aliases: &["Сайт", "Адрес сайта"], required: false },
        Field { name: "enrolment", aliases: &["Контингент", "Численность обучающихся", "Число обучающихся"], required: false },
    ],
    tasks: false,
    keep_unknown: false,
};

/// «средняя общеобразовательная школа», «сош» → «СОШ»; unknown → error.
fn parse_kind(s: &str) -> std::result::Result<String, String> {
    let n = s.trim().to_lowercase().replace('ё', "е");
    let kind = match n.as_str() {
        "сош" | "средняя общеобразовательная школа" | "средняя школа" => "СОШ",
        "оош" | "основная общеобразовательная школа" | "основная школа" => "ООШ",
        "нош" | "начальная общеобразовательная школа" | "начальная школа" => "НОШ",
        "лицей" => "лицей",
        "гимназия" => "гимназия",
        "цо" | "центр образования" => "ЦО",
        "интернат" | "школа-интернат" => "интернат",
        "другое" | "иное" => "другое",
        _ => return Err(format!("неизвестный тип ОО; допустимые: {}", SCHOOL_KINDS.join(", "))),
    };
    Ok(kind.to_string())
}

fn parse_locality(s: &str) -> std::result::Result<String, String> {
    match s.trim().to_lowercase().as_str() {
        "город" | "городская" | "городская местность" | "urban" | "г" => Ok("город".into()),
        "село" | "сельская" | "сельская местность" | "rural" | "с" => Ok("село".into()),
        _ => Err("ожидается «город» или «село»".into()),
    }
}

struct SchoolRow {
    code: String,
    municipality: String,
    full_name: String,
    short_name: String,
    kind: String,
    locality: String,
    address: String,
    website: String,
    enrolment: Option<i64>,
}

pub async fn import(db: &Db, mut table: TableReader, opts: &ImportOptions, progress: ProgressFn<'_>) -> Result<ImportReport> {
    let map = resolve(&table, &SCHEMA, opts)?;
    let mut errors = Errors::new(&table.file_name);
    let mut rows = Vec::new();
    let mut seen: HashMap<String, u64> = HashMap::new();
    let mut n = 0;
    while let Some(row) = table.next() {
        let row = row?;
        n += 1;
        report_progress(&table, n, progress);
        let mut f = Fields::new(&map, &row, &mut errors);
        let code = f.text("school_id");
        let municipality = f.text("municipality").map(|s| clean_name(&s));
        let full_name = f.text("full_name").map(|s| clean_name(&s));
        let kind = f.opt("type", parse_kind).unwrap_or_else(|| "СОШ".into());
        let locality = f.opt("locality", parse_locality).unwrap_or_else(|| "город".into());
        let enrolment = f.opt("enrolment", count);
        if let Some(c) = &code {
            if let Some(first) = seen.insert(c.clone(), row.number) {
                f.fail("school_id", format!("код ОО повторяется (впервые в строке {first}); оставьте одну строку на школу"));
            }
        }
        let short_name = f.opt_text("short_name").map(|s| clean_name(&s));
        let (address, website) = (f.opt_text("address").unwrap_or_default(), f.opt_text("website").unwrap_or_default());
        if f.bad {
            continue;
        }
        let (code, municipality, full_name) = (code.unwrap(), municipality.unwrap(), full_name.unwrap());
        rows.push(SchoolRow {
            short_name: short_name.unwrap_or_else(|| full_name.clone()),
            code, municipality, full_name, kind, locality, address, website, enrolment,
        });
    }
    errors.into_result()?;
    write(db, &rows).await?;
    Ok(ImportReport {
        file: table.file_name.clone(),
        kind: "schools".into(),
        rows: n,
        written: rows.len() as u64,
        ignored_columns: map.ignored.clone(),
        ..Default::default()
    })
}

async fn write(db: &Db, rows: &[SchoolRow]) -> Result<()> {
    let mut tx = db.begin().await?;
    let names: HashSet<&str> = rows.iter().map(|r| r.municipality.as_str()).collect();
    let mut ids: HashMap<String, i64> = HashMap::new();
    for name in names {
        let id: i64 = on_tx!(&mut tx, c => {
            sqlx::query("INSERT INTO municipalities (name) VALUES ($1) ON CONFLICT (name) DO NOTHING").bind(name).execute(&mut *c).await?;
            sqlx::query("SELECT id FROM municipalities WHERE name = $1").bind(name).fetch_one(&mut *c).await?.get(0)
        });
        ids.insert(name.to_string(), id);
    }
    const COLS: &[&str] = &["code", "municipality_id", "full_name", "short_name", "kind", "locality", "address", "website", "enrolment"];
    let mut batch = Batch::new("schools", COLS, &["code"]);
    for r in rows {
        let t = |s: &str| Val::Text(Some(s.to_string()));
        batch.push(vec![
            t(&r.code), Val::Int(Some(ids[&r.municipality])), t(&r.full_name), t(&r.short_name),
            t(&r.kind), t(&r.locality), t(&r.address), t(&r.website), Val::Int(r.enrolment),
        ]);
    }
    batch.flush(&mut tx).await?;
    tx.commit().await
}
