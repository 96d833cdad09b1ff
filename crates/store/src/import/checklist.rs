//! Import of checklist data (methodology step 5), upserted per (school, year).

use super::writer::Batch;
use super::{count, percent, report_progress, resolve, Errors, Fields, ImportOptions, ImportReport, ProgressFn, Val};
use crate::{Db, Result};
use opora_io::values::parse_year;
use opora_io::{Field, Schema, TableReader};
use std::collections::HashMap;

pub static SCHEMA: Schema = Schema {
    fields: &[
        Field { name: "school_id", aliases: &["Код ОО", "Логин ОО", "Логин", "Код школы"], required: true },
        Field { name: "year", aliases: &["Год", "Учебный год"], required: true },
        Field { name: "continuation_rate", aliases: &["Доля продолживших обучение в 10 классе", "Продолжили обучение в 10 классе, %", "Доля перешедших в 10 класс"], required: false },
        Field { name: "graduates", aliases: &["Выпускников", "Число выпускников", "Выпускники 11 класса"], required: false },
        Field { name: "ege_below_min", aliases: &["Ниже минимума ЕГЭ", "Не преодолели минимальный порог ЕГЭ", "Ниже минимального балла ЕГЭ"], required: false },
        Field { name: "olympiad_participants", aliases: &["Участников олимпиад", "Участники олимпиад", "Участников ВсОШ"], required: false },
        Field { name: "pupils", aliases: &["Обучающихся", "Численность обучающихся", "Контингент"], required: false },
        Field { name: "kdn_pdn", aliases: &["На учёте КДН/ПДН", "На учете КДН и ЗП, ПДН", "КДН/ПДН", "Состоят на учёте"], required: false },
        Field { name: "noko_satisfaction", aliases: &["Удовлетворённость НОКО", "НОКО", "Удовлетворённость, %"], required: false },
    ],
    tasks: false,
    keep_unknown: false,
};

const COLS: &[&str] = &["school_id", "year", "continuation_rate", "graduates", "ege_below_min", "olympiad_participants", "pupils", "kdn_pdn", "noko_satisfaction"];

pub async fn import(db: &Db, mut table: TableReader, opts: &ImportOptions, progress: ProgressFn<'_>) -> Result<ImportReport> {
    let map = resolve(&table, &SCHEMA, opts)?;
    let schools = db.school_ids().await?;
    let mut errors = Errors::new(&table.file_name);
    let mut batch = Batch::new("checklist", COLS, &["school_id", "year"]);
    let mut seen: HashMap<(i64, i32), u64> = HashMap::new();
    let mut n = 0;
    while let Some(row) = table.next() {
        let row = row?;
        n += 1;
        report_progress(&table, n, progress);
        let mut f = Fields::new(&map, &row, &mut errors);
        let code = f.text("school_id");
        let school = code.as_ref().and_then(|c| schools.get(c).copied());
        if code.is_some() && school.is_none() {
            f.fail("school_id", "ОО с таким кодом нет в реестре; загрузите реестр школ или исправьте код");
        }
        let year = f.req("year", parse_year);
        let vals = [
            Val::Real(f.opt("continuation_rate", percent)),
            Val::Int(f.opt("graduates", count)),
            Val::Int(f.opt("ege_below_min", count)),
            Val::Int(f.opt("olympiad_participants", count)),
            Val::Int(f.opt("pupils", count)),
            Val::Int(f.opt("kdn_pdn", count)),
            Val::Real(f.opt("noko_satisfaction", percent)),
        ];
        if let (Val::Int(Some(below)), Val::Int(Some(grads))) = (&vals[2], &vals[1]) {
            if below > grads {
                f.fail("ege_below_min", format!("больше, чем выпускников ({grads})"));
            }
        }
        if let (Some(s), Some(y)) = (school, year) {
            if let Some(first) = seen.insert((s, y), row.number) {
                f.fail("school_id", format!("школа и год уже встречаются в строке {first}; оставьте одну строку"));
            }
        }
        if f.bad {
            continue;
        }
        let mut row_vals = vec![Val::Int(school), Val::Int(year.map(i64::from))];
        row_vals.extend(vals);
        batch.push(row_vals);
    }
    errors.into_result()?;
    let mut tx = db.begin().await?;
    batch.flush(&mut tx).await?;
    tx.commit().await?;
    Ok(ImportReport { file: table.file_name.clone(), kind: "checklist".into(), rows: n, written: batch.written, ignored_columns: map.ignored.clone(), ..Default::default() })
}
