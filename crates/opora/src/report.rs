//! report.xlsx of `opora identify`: the run's tables for people.
//!
//! Looks like `opora_io::xlsx_out` (bold wrapped header, widths from the
//! first rows, frozen header, autofilter, numbers as numbers, «да»/«нет»),
//! but the big sheets are streamed: rows go from the run straight to
//! rust_xlsxwriter's low-memory worksheets (one row in memory, text kept in
//! the shared-string table), so a national run (720 000 checklist rows) needs
//! a few hundred MB less and no copy of its tables as cells. Compression
//! level 3, as Excel itself writes: about twice as fast as the default 6 for
//! a file 5–10% larger.

use opora_analytics::export::Table;
use opora_analytics::Run;
use opora_io::xlsx_out::{Cell, Sheet};
use rust_xlsxwriter::{Format, Workbook, Worksheet, XlsxError};
use std::path::Path;

/// Rows looked at for the column widths.
const WIDTH_ROWS: usize = 200;

/// Writes the report: schools, the model, the signs and (when given) the
/// checklist, with column titles from `title`.
pub fn write(path: &Path, run: &Run, model: &Sheet, with_checklist: bool, title: &dyn Fn(&str) -> String) -> Result<(), XlsxError> {
    let mut book = Workbook::new();
    book.set_zip_compression_level(3);
    let bold = Format::new().set_bold().set_text_wrap();
    table_sheet(&mut book, "Школы", run, Table::Schools, &bold, title)?;
    let ws = book.add_worksheet();
    let widths: Vec<usize> = (0..model.header.len()).map(|c| width(model.rows.iter().take(WIDTH_ROWS).map(|r| r.get(c)))).collect();
    header(ws, &model.name, &model.header, &widths, &bold)?;
    for (r, row) in model.rows.iter().enumerate() {
        write_row(ws, r as u32 + 1, row)?;
    }
    finish(ws, model.rows.len(), model.header.len())?;
    table_sheet(&mut book, "Признаки необъективности", run, Table::Objectivity, &bold, title)?;
    if with_checklist {
        table_sheet(&mut book, "Чек-лист", run, Table::Checklist, &bold, title)?;
    }
    book.save(path)
}

/// A cell of a CSV table as the report shows it (as `xlsx_out::sheet_from_csv`).
fn cell(column: usize, text: &str) -> Cell {
    match text {
        _ if column == 0 => Cell::Text(text.to_string()),
        "true" => Cell::Text("да".into()),
        "false" => Cell::Text("нет".into()),
        "" => Cell::Number(None),
        _ => match text.parse::<f64>() {
            Ok(v) if v.is_finite() => Cell::Number(Some(v)),
            _ => Cell::Text(text.to_string()),
        },
    }
}

fn cell_width(c: Option<&Cell>) -> usize {
    match c {
        Some(Cell::Text(t)) => t.chars().count(),
        Some(Cell::Number(_)) => 10,
        None => 4,
    }
}

fn width<'a>(cells: impl Iterator<Item = Option<&'a Cell>>) -> usize {
    cells.map(cell_width).max().unwrap_or(8)
}

fn header(ws: &mut Worksheet, name: &str, titles: &[String], widths: &[usize], bold: &Format) -> Result<(), XlsxError> {
    ws.set_name(name)?;
    for (c, (h, w)) in titles.iter().zip(widths).enumerate() {
        ws.write_string_with_format(0, c as u16, h, bold)?;
        let w = (*w).max(h.chars().count().min(30));
        ws.set_column_width(c as u16, (w.min(60) + 2) as f64)?;
    }
    Ok(())
}

fn write_row(ws: &mut Worksheet, r: u32, row: &[Cell]) -> Result<(), XlsxError> {
    for (c, cell) in row.iter().enumerate() {
        match cell {
            Cell::Text(t) => {
                ws.write_string(r, c as u16, t)?;
            }
            Cell::Number(Some(v)) if v.is_finite() => {
                ws.write_number(r, c as u16, *v)?;
            }
            Cell::Number(_) => {}
        }
    }
    Ok(())
}

fn finish(ws: &mut Worksheet, rows: usize, columns: usize) -> Result<(), XlsxError> {
    ws.set_freeze_panes(1, 0)?;
    if rows > 0 && columns > 0 {
        ws.autofilter(0, 0, rows as u32, columns as u16 - 1)?;
    }
    Ok(())
}

/// One of the run's tables, streamed row by row.
fn table_sheet(book: &mut Workbook, name: &str, run: &Run, table: Table, bold: &Format, title: &dyn Fn(&str) -> String) -> Result<(), XlsxError> {
    let columns = table.columns();
    // Widths from the first rows, before any row is written.
    let mut first: Vec<Vec<Cell>> = Vec::new();
    table.for_first_rows(run, WIDTH_ROWS, |cells| first.push(cells.iter().enumerate().map(|(c, t)| cell(c, t)).collect()));
    let widths: Vec<usize> = (0..columns.len()).map(|c| width(first.iter().map(|r| r.get(c)))).collect();
    let titles: Vec<String> = columns.iter().map(|c| title(c)).collect();
    let ws = book.add_worksheet_with_low_memory()?;
    header(ws, name, &titles, &widths, bold)?;
    let mut r = 0u32;
    let mut result = Ok(());
    let mut row = Vec::with_capacity(columns.len());
    table.for_each_row(run, |cells| {
        if result.is_err() {
            return;
        }
        r += 1;
        row.clear();
        row.extend(cells.iter().enumerate().map(|(c, t)| cell(c, t)));
        result = write_row(ws, r, &row);
    });
    result?;
    finish(ws, r as usize, columns.len())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cells_convert_like_the_csv_sheets() {
        assert!(matches!(cell(0, "007"), Cell::Text(t) if t == "007"));
        assert!(matches!(cell(1, "007"), Cell::Number(Some(v)) if v == 7.0));
        assert!(matches!(cell(3, "true"), Cell::Text(t) if t == "да"));
        assert!(matches!(cell(3, ""), Cell::Number(None)));
        assert!(matches!(cell(3, "2023;2024"), Cell::Text(_)));
        assert_eq!(width([Some(&Cell::Text("абв".into())), None].into_iter()), 4);
    }
}
