//! Context indicators in a wide file: `school_id`, optional `year`, then one
//! numeric column per indicator (the header is the indicator's code or name).

use super::{school_code, Fields};
use crate::values::{parse_number, parse_year};
use crate::{Field, Schema};

pub static SCHEMA: Schema = Schema {
    fields: &[
        Field {
            name: "school_id",
            aliases: &["Код ОО", "Логин ОО", "Логин", "Код школы"],
            required: true,
        },
        Field {
            name: "year",
            aliases: &["Год", "Учебный год"],
            required: false,
        },
    ],
    tasks: false,
    keep_unknown: true,
};

/// One school's values, aligned with the file's free columns (`map.free`).
#[derive(Debug, Clone)]
pub struct ContextRecord {
    pub school_code: String,
    pub year: Option<i32>,
    pub values: Vec<Option<f64>>,
}

pub fn parse_row(f: &mut Fields<'_>, school_known: &dyn Fn(&str) -> bool) -> Option<ContextRecord> {
    let code = f.req("school_id", school_code);
    if let Some(c) = &code {
        if !school_known(c) {
            f.fail(
                "school_id",
                "ОО с таким кодом нет в реестре; загрузите реестр школ или исправьте код",
            );
        }
    }
    let year = f.opt("year", parse_year);
    let mut values = Vec::with_capacity(f.map.free.len());
    for (header, idx) in &f.map.free {
        let text = f.cells.get(*idx).map(|s| s.trim()).unwrap_or("");
        if text.is_empty() {
            values.push(None);
            continue;
        }
        match parse_number(text) {
            Ok(v) => values.push(Some(v)),
            Err(msg) => {
                f.errors.push(f.row, Some(header.clone()), Some(text), msg);
                f.bad = true;
                values.push(None);
            }
        }
    }
    if f.bad {
        return None;
    }
    Some(ContextRecord {
        school_code: code?,
        year,
        values,
    })
}
