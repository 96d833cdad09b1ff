//! Canonical records of the import formats (docs/formats.md): schemas with
//! their Russian and English header aliases, and parsing of one row into a
//! typed record while collecting every problem as a [`RowError`].
//!
//! Shared by the database imports (which add registry checks) and by the
//! file-based identification run.

pub mod checklist;
pub mod context;
pub mod results;
pub mod scales;
pub mod schools;

use crate::{ColumnMap, RowError};

/// At most this many row errors are kept in memory; all are counted.
pub const MAX_REPORTED_ERRORS: usize = 10_000;

/// Collects row errors of one file.
#[derive(Debug)]
pub struct Errors {
    pub file: String,
    pub list: Vec<RowError>,
    pub count: usize,
}

impl Errors {
    pub fn new(file: &str) -> Errors {
        Errors {
            file: file.to_string(),
            list: Vec::new(),
            count: 0,
        }
    }
    pub fn push(
        &mut self,
        row: u64,
        column: Option<String>,
        value: Option<&str>,
        message: impl Into<String>,
    ) {
        self.count += 1;
        if self.list.len() < MAX_REPORTED_ERRORS {
            self.list.push(RowError {
                file: self.file.clone(),
                row,
                column: column.as_deref().map(crate::text::preview),
                value: value.map(crate::text::preview),
                message: message.into(),
            });
        }
    }
    /// `Ok` when no row was bad, else the collected errors.
    pub fn into_result(self) -> Result<(), Errors> {
        if self.count == 0 {
            Ok(())
        } else {
            Err(self)
        }
    }
}

/// Reading the fields of one row, recording every problem.
pub struct Fields<'a> {
    pub map: &'a ColumnMap,
    pub cells: &'a csv::StringRecord,
    pub row: u64,
    pub errors: &'a mut Errors,
    /// Whether any field of this row was bad.
    pub bad: bool,
}

impl<'a> Fields<'a> {
    pub fn new(map: &'a ColumnMap, row: &'a crate::Row, errors: &'a mut Errors) -> Fields<'a> {
        Fields {
            map,
            cells: &row.cells,
            row: row.number,
            errors,
            bad: false,
        }
    }

    /// Records a problem with `field` (its cell value is quoted if present).
    pub fn fail(&mut self, field: &str, message: impl Into<String>) {
        let value = self.map.get(self.cells, field);
        self.errors
            .push(self.row, Some(self.map.header_of(field)), value, message);
        self.bad = true;
    }

    /// A required field, parsed; `None` (and an error) if empty or bad.
    pub fn req<T>(
        &mut self,
        field: &str,
        parse: impl Fn(&str) -> std::result::Result<T, String>,
    ) -> Option<T> {
        match self.map.get(self.cells, field) {
            None => {
                self.fail(field, "не заполнено обязательное поле; заполните ячейку");
                None
            }
            Some(text) => self.parse_text(field, text, parse),
        }
    }

    /// An optional field: `None` when empty; an error when present but bad.
    pub fn opt<T>(
        &mut self,
        field: &str,
        parse: impl Fn(&str) -> std::result::Result<T, String>,
    ) -> Option<T> {
        let text = self.map.get(self.cells, field)?;
        self.parse_text(field, text, parse)
    }

    fn parse_text<T>(
        &mut self,
        field: &str,
        text: &str,
        parse: impl Fn(&str) -> std::result::Result<T, String>,
    ) -> Option<T> {
        match parse(text) {
            Ok(v) => Some(v),
            Err(msg) => {
                self.fail(field, msg);
                None
            }
        }
    }

    pub fn text(&mut self, field: &str) -> Option<String> {
        self.req(field, |s| Ok(s.to_string()))
    }

    pub fn opt_text(&self, field: &str) -> Option<String> {
        self.map.get(self.cells, field).map(str::to_string)
    }
}

/// A code (school code, pupil key): one line of visible text, without tabs,
/// line breaks, control or invisible characters (which would make two
/// spellings of one code that look the same).
pub fn code(s: &str) -> std::result::Result<String, String> {
    use crate::text::{describe_char, is_invisible};
    if let Some(c) = s.chars().find(|&c| c.is_control() || is_invisible(c)) {
        return Err(format!(
            "код не может содержать символ {}: в ячейке должен быть только код, одной строкой",
            describe_char(c)
        ));
    }
    Ok(s.to_string())
}

/// A school code: a [`code`] that a spreadsheet would not take for a
/// formula (codes are written back into the tables people download).
pub fn school_code(s: &str) -> std::result::Result<String, String> {
    let s = code(s)?;
    if crate::text::looks_like_formula(&s) {
        return Err("код ОО не может начинаться с «=», «+», «-» или «@»: электронная таблица выполнит такую ячейку как формулу; исправьте код".into());
    }
    Ok(s)
}

/// Parses a non-negative number.
pub fn non_negative(s: &str) -> std::result::Result<f64, String> {
    let v = crate::values::parse_number(s)?;
    if v < 0.0 {
        return Err("значение не может быть отрицательным".into());
    }
    Ok(v)
}

/// Parses a non-negative whole number.
pub fn count(s: &str) -> std::result::Result<i64, String> {
    let v = crate::values::parse_integer(s)?;
    if v < 0 {
        return Err("значение не может быть отрицательным".into());
    }
    Ok(v)
}

/// Parses a percentage 0..100.
pub fn percent(s: &str) -> std::result::Result<f64, String> {
    let v = crate::values::parse_number(s)?;
    if !(0.0..=100.0).contains(&v) {
        return Err("ожидается доля в процентах от 0 до 100".into());
    }
    Ok(v)
}

/// Normalises a name typed by people: trimmed, single spaces.
pub fn clean_name(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}
