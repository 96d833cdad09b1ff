//! Dates that do not exist: deadline cells such as «31.13.2027» refuse the
//! import, every such cell listed at once.

use super::columns::{Field, GRow, Mapping};
use crate::deadline::{normalize_space, try_parse_deadline, ImpossibleDate};
use std::fmt;

/// A deadline cell with a date that does not exist.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ImpossibleDateCell {
    /// The table of the document (the sheet of a workbook), from 1.
    pub table: usize,
    /// The row of that table, from 1, header rows included.
    pub row: usize,
    /// The column, from 1.
    pub column: usize,
    /// The column's header as written (empty when there is no header).
    pub header: String,
    /// The cell's text.
    pub value: String,
    pub error: ImpossibleDate,
}

/// The import is refused: deadlines name dates that do not exist. Every
/// such cell is listed, so that one correction fixes them all.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ImpossibleDates {
    pub file: String,
    /// The tables are sheets of an Excel workbook.
    pub workbook: bool,
    pub cells: Vec<ImpossibleDateCell>,
}

impl std::error::Error for ImpossibleDates {}

impl fmt::Display for ImpossibleDates {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let place = if self.file.is_empty() {
            "в документе".to_string()
        } else {
            format!("в файле «{}»", self.file)
        };
        let one = self.cells.len() == 1;
        match one {
            true => writeln!(f, "{place} в сроке указана несуществующая дата:")?,
            false => writeln!(
                f,
                "{place} в сроках указаны несуществующие даты ({}):",
                self.cells.len()
            )?,
        }
        let table = if self.workbook {
            "лист"
        } else {
            "таблица"
        };
        for (k, c) in self.cells.iter().enumerate() {
            let header = if c.header.is_empty() {
                String::new()
            } else {
                format!(" «{}»", c.header)
            };
            let end = if k + 1 == self.cells.len() { '.' } else { ';' };
            writeln!(
                f,
                "— {table} {}, строка {}, столбец {}{header}: «{}» — {}{end}",
                c.table, c.row, c.column, c.value, c.error
            )?;
        }
        match one {
            true => write!(f, "Исправьте дату в этой ячейке и загрузите файл снова."),
            false => write!(f, "Исправьте даты в этих ячейках и загрузите файл снова."),
        }
    }
}

/// Deadline cells of the plan's rows with dates that do not exist.
pub(super) fn impossible_dates(rows: &[(GRow, Mapping)]) -> Vec<ImpossibleDateCell> {
    let mut out = Vec::new();
    for (r, m) in rows {
        for c in m.cols_of(Field::Deadline) {
            let value = normalize_space(r.get(c.idx));
            if let Err(error) = try_parse_deadline(&value, None) {
                out.push(ImpossibleDateCell {
                    table: r.table,
                    row: r.row,
                    column: c.idx + 1,
                    header: c.header.clone(),
                    value,
                    error,
                });
            }
        }
    }
    out
}
