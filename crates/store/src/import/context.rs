//! Import of context indicators from a wide file: `school_id`, optional
//! `year`, then one numeric column per indicator. Values are upserted per
//! (school, year, indicator); an empty cell leaves the stored value as is.

use super::writer::Batch;
use super::writer::Val;
use super::{report_progress, resolve, ImportOptions, ImportReport, ProgressFn};
use crate::registry::KNOWN_INDICATORS;
use crate::{Db, Result, StoreError};
use opora_io::records::context::{parse_row, SCHEMA};
use opora_io::records::{Errors, Fields};
use opora_io::TableReader;
use std::collections::HashMap;

/// Indicator code from a header: known Russian names map to their codes,
/// anything else becomes a code as written.
fn indicator_code(header: &str) -> String {
    let norm = opora_io::columns::normalize_header(header);
    KNOWN_INDICATORS
        .iter()
        .find(|(code, name, _)| {
            opora_io::columns::normalize_header(code) == norm
                || opora_io::columns::normalize_header(name) == norm
        })
        .map(|(code, _, _)| code.to_string())
        .unwrap_or_else(|| header.trim().to_string())
}

/// Two columns naming one indicator (its code and its Russian name) would
/// make the rightmost silently win: refused, naming both columns.
fn refuse_two_columns_for_one_indicator(
    file: &str,
    columns: &[(String, usize)],
    codes: &[String],
) -> Result<()> {
    for (i, code) in codes.iter().enumerate() {
        if let Some(j) = codes[..i].iter().position(|c| c == code) {
            let (first, second) = (&columns[j], &columns[i]);
            return Err(opora_io::IoError::AmbiguousColumns {
                file: file.to_string(),
                field: code.clone(),
                first: opora_io::ColumnRef::new(first.1, Some(&first.0)),
                second: opora_io::ColumnRef::new(second.1, Some(&second.0)),
            }
            .into());
        }
    }
    Ok(())
}

pub async fn import(
    db: &Db,
    mut table: TableReader,
    opts: &ImportOptions,
    progress: ProgressFn<'_>,
) -> Result<super::Written> {
    let map = resolve(&table, &SCHEMA, opts)?;
    if map.free.is_empty() {
        return Err(StoreError::Invalid(format!(
            "в файле «{}» нет столбцов с показателями: после school_id (и year) должен идти хотя бы один числовой столбец",
            table.file_name
        )));
    }
    let codes: Vec<String> = map.free.iter().map(|(h, _)| indicator_code(h)).collect();
    refuse_two_columns_for_one_indicator(&table.file_name, &map.free, &codes)?;
    let schools = db.school_ids().await?;
    let mut errors = Errors::new(&table.file_name);
    let mut values: Vec<(i64, i64, usize, f64)> = Vec::new();
    let mut seen: HashMap<(i64, i64), u64> = HashMap::new();
    let mut n = 0;
    while let Some(row) = table.next() {
        let row = row?;
        n += 1;
        report_progress(&table, n, progress);
        let mut f = Fields::new(&map, &row, &mut errors);
        let Some(rec) = parse_row(&mut f, &|c| schools.contains_key(c)) else {
            continue;
        };
        let (school, year) = (
            schools[&rec.school_code],
            rec.year.map(i64::from).unwrap_or(0),
        );
        if let Some(first) = seen.insert((school, year), row.number) {
            f.fail(
                "school_id",
                format!("школа и год уже встречаются в строке {first}; оставьте одну строку"),
            );
            continue;
        }
        values.extend(
            rec.values
                .iter()
                .enumerate()
                .filter_map(|(i, v)| v.map(|v| (school, year, i, v))),
        );
    }
    errors.into_result()?;
    let mut tx = db.begin().await?;
    // Existing indicators keep the name and unit users may have given them.
    let mut ind = Batch::insert_or_ignore("indicators", &["code", "name", "unit"], &["code"]);
    for code in &codes {
        let (name, unit) = KNOWN_INDICATORS
            .iter()
            .find(|(c, _, _)| c == code)
            .map(|(_, n, u)| (*n, *u))
            .unwrap_or((code.as_str(), ""));
        ind.push(vec![
            Val::Text(Some(code.clone())),
            Val::Text(Some(name.to_string())),
            Val::Text(Some(unit.to_string())),
        ]);
    }
    ind.flush(&mut tx).await?;
    let mut batch = Batch::new(
        "context_values",
        &["school_id", "year", "indicator", "value"],
        &["school_id", "year", "indicator"],
    );
    for (school, year, i, v) in &values {
        batch.push(vec![
            Val::Int(Some(*school)),
            Val::Int(Some(*year)),
            Val::Text(Some(codes[*i].clone())),
            Val::Real(Some(*v)),
        ]);
    }
    batch.flush(&mut tx).await?;
    let report = ImportReport {
        file: table.file_name.clone(),
        kind: "context".into(),
        rows: n,
        written: values.len() as u64,
        notes: vec![format!("показатели: {}", codes.join(", "))],
        ..Default::default()
    };
    Ok(super::Written {
        tx,
        report,
        generation: None,
    })
}
