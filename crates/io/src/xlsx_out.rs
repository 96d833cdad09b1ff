//! Writing simple tables to XLSX for people: a bold frozen header, sensible
//! column widths, numbers as numbers. Text that a spreadsheet would run as
//! a formula is written with a leading apostrophe
//! ([`crate::neutralise_formula`]).

use crate::neutralise_formula;
use rust_xlsxwriter::{Format, Workbook, XlsxError};

/// A cell to write: text or number (empty when `None`).
#[derive(Debug, Clone)]
pub enum Cell {
    Text(String),
    Number(Option<f64>),
}

/// One sheet: name, header, rows.
pub struct Sheet {
    pub name: String,
    pub header: Vec<String>,
    pub rows: Vec<Vec<Cell>>,
}

/// Builds an XLSX workbook with the given sheets and returns its bytes.
pub fn workbook(sheets: &[Sheet]) -> Result<Vec<u8>, XlsxError> {
    let mut book = Workbook::new();
    let bold = Format::new().set_bold().set_text_wrap();
    for s in sheets {
        let ws = book.add_worksheet();
        ws.set_name(&s.name)?;
        for (c, h) in s.header.iter().enumerate() {
            ws.write_string_with_format(0, c as u16, neutralise_formula(h).as_ref(), &bold)?;
            let width = s
                .rows
                .iter()
                .take(200)
                .map(|r| cell_width(r.get(c)))
                .max()
                .unwrap_or(8)
                .max(h.chars().count().min(30));
            ws.set_column_width(c as u16, (width.min(60) + 2) as f64)?;
        }
        for (r, row) in s.rows.iter().enumerate() {
            for (c, cell) in row.iter().enumerate() {
                let (r, c) = (r as u32 + 1, c as u16);
                match cell {
                    Cell::Text(t) => {
                        ws.write_string(r, c, neutralise_formula(t).as_ref())?;
                    }
                    Cell::Number(Some(v)) if v.is_finite() => {
                        ws.write_number(r, c, *v)?;
                    }
                    Cell::Number(_) => {}
                }
            }
        }
        ws.set_freeze_panes(1, 0)?;
        if !s.rows.is_empty() && !s.header.is_empty() {
            ws.autofilter(0, 0, s.rows.len() as u32, s.header.len() as u16 - 1)?;
        }
    }
    book.save_to_buffer()
}

fn cell_width(c: Option<&Cell>) -> usize {
    match c {
        Some(Cell::Text(t)) => t.chars().count(),
        Some(Cell::Number(_)) => 10,
        None => 4,
    }
}

/// A sheet from CSV text (as the engine's exports produce): numeric cells
/// become numbers, `true`/`false` become «да»/«нет», headers are renamed by
/// `title` (Russian column titles for people).
pub fn sheet_from_csv(name: &str, csv_text: &str, title: &dyn Fn(&str) -> String) -> Sheet {
    let mut rdr = csv::ReaderBuilder::new()
        .has_headers(true)
        .flexible(true)
        .from_reader(csv_text.as_bytes());
    let header = rdr
        .headers()
        .map(|h| h.iter().map(title).collect())
        .unwrap_or_default();
    let rows = rdr
        .records()
        .filter_map(|r| r.ok())
        .map(|r| {
            r.iter()
                .enumerate()
                // The first column is an identifier: keep codes like «007» as text.
                .map(|(i, c)| match c {
                    _ if i == 0 => Cell::Text(c.to_string()),
                    "true" => Cell::Text("да".into()),
                    "false" => Cell::Text("нет".into()),
                    "" => Cell::Number(None),
                    _ => match c.parse::<f64>() {
                        Ok(v) if v.is_finite() => Cell::Number(Some(v)),
                        _ => Cell::Text(c.to_string()),
                    },
                })
                .collect()
        })
        .collect();
    Sheet {
        name: name.to_string(),
        header,
        rows,
    }
}
