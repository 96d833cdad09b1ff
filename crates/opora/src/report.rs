//! report.xlsx of `opora identify`: the run's tables for people.
//!
//! Looks like `opora_io::xlsx_out` (bold wrapped header, widths from the
//! first rows, frozen header, autofilter, numbers as numbers, «да»/«нет»:
//! each cell is what `xlsx_out::sheet_from_csv` makes of the CSV cell), but
//! the sheets are streamed: rows go from the run straight to rust_xlsxwriter's
//! constant-memory worksheets (one row in memory, text written inline), the
//! checklist sheet on its own thread. A national run's 720 000 checklist rows
//! then cost neither a copy of the tables as cells nor the in-memory workbook
//! (over 1 GB). Compression level 3, as Excel itself writes: about twice as
//! fast as the default 6 for a file 5–15% larger.

use opora_analytics::export::{Table, Value};
use opora_analytics::Run;
use opora_io::xlsx_out::{Cell, Sheet};
use rust_xlsxwriter::{Format, Workbook, Worksheet, XlsxError};
use std::path::Path;

/// Rows looked at for the column widths.
const WIDTH_ROWS: usize = 200;

/// Writes the report: schools, the model, the signs and (when given) the
/// checklist, with column titles from `title`.
pub fn write(
    path: &Path,
    run: &Run,
    model: &Sheet,
    with_checklist: bool,
    title: &(dyn Fn(&str) -> String + Sync),
) -> Result<(), XlsxError> {
    let mut book = Workbook::new();
    book.set_zip_compression_level(3);
    let bold = Format::new().set_bold().set_text_wrap();
    let mut schools = book.new_worksheet_with_low_memory()?;
    let mut model_ws = book.new_worksheet_with_low_memory()?;
    let mut signs = book.new_worksheet_with_low_memory()?;
    let mut checklist = if with_checklist {
        Some(book.new_worksheet_with_low_memory()?)
    } else {
        None
    };
    let bold = &bold;
    std::thread::scope(|s| {
        let big = checklist.as_mut().map(|ws| {
            s.spawn(move || table_sheet(ws, "Чек-лист", run, Table::Checklist, bold, title))
        });
        table_sheet(&mut schools, "Школы", run, Table::Schools, bold, title)?;
        model_sheet(&mut model_ws, model, bold)?;
        table_sheet(
            &mut signs,
            "Признаки необъективности",
            run,
            Table::Objectivity,
            bold,
            title,
        )?;
        crate::identify::stage("report small sheets filled", 0);
        big.map_or(Ok(()), |h| {
            h.join().unwrap_or_else(|e| std::panic::resume_unwind(e))
        })
    })?;
    crate::identify::stage("report sheets filled", 0);
    book.push_worksheet(schools);
    book.push_worksheet(model_ws);
    book.push_worksheet(signs);
    if let Some(ws) = checklist {
        book.push_worksheet(ws);
    }
    book.save(path)
}

/// A cell as the report shows it: what `xlsx_out::sheet_from_csv` makes of
/// the cell's CSV text (first column text; `true`/`false` «да»/«нет»; empty;
/// a number when the text reads as one; else text).
fn cell(column: usize, v: &Value) -> Cell {
    let text = |t: &str| {
        if column > 0 {
            if let Ok(x) = t.parse::<f64>() {
                if x.is_finite() {
                    return Cell::Number(Some(x));
                }
            }
        }
        Cell::Text(t.to_string())
    };
    match *v {
        _ if column == 0 => {
            let mut t = String::new();
            v.push_text(&mut t);
            Cell::Text(t)
        }
        Value::Text("") => Cell::Number(None),
        Value::Text("true") | Value::Bool(true) => Cell::Text("да".into()),
        Value::Text("false") | Value::Bool(false) => Cell::Text("нет".into()),
        Value::Text(t) => text(t),
        Value::Int(Some(i)) => Cell::Number(Some(i as f64)),
        // The CSV text of a finite float reads back as the same number.
        Value::Num(Some(x)) if x.is_finite() => Cell::Number(Some(x)),
        Value::Int(None) | Value::Num(_) => Cell::Number(None),
        Value::Years(_) => {
            let mut t = String::new();
            v.push_text(&mut t);
            if t.is_empty() {
                Cell::Number(None)
            } else {
                text(&t)
            }
        }
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

fn header(
    ws: &mut Worksheet,
    name: &str,
    titles: &[String],
    widths: &[usize],
    bold: &Format,
) -> Result<(), XlsxError> {
    ws.set_name(name)?;
    for (c, (h, w)) in titles.iter().zip(widths).enumerate() {
        let w = (*w).max(h.chars().count().min(30));
        ws.set_column_width(c as u16, (w.min(60) + 2) as f64)?;
    }
    for (c, h) in titles.iter().enumerate() {
        ws.write_string_with_format(0, c as u16, h, bold)?;
    }
    Ok(())
}

fn write_cell(ws: &mut Worksheet, r: u32, c: usize, cell: &Cell) -> Result<(), XlsxError> {
    match cell {
        Cell::Text(t) => {
            ws.write_string(r, c as u16, opora_io::neutralise_formula(t).as_ref())?;
        }
        Cell::Number(Some(v)) if v.is_finite() => {
            ws.write_number(r, c as u16, *v)?;
        }
        Cell::Number(_) => {}
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

/// The model sheet (a few rows, built as an `xlsx_out::Sheet`).
fn model_sheet(ws: &mut Worksheet, model: &Sheet, bold: &Format) -> Result<(), XlsxError> {
    let widths: Vec<usize> = (0..model.header.len())
        .map(|c| width(model.rows.iter().take(WIDTH_ROWS).map(|r| r.get(c))))
        .collect();
    header(ws, &model.name, &model.header, &widths, bold)?;
    for (r, row) in model.rows.iter().enumerate() {
        for (c, cell) in row.iter().enumerate() {
            write_cell(ws, r as u32 + 1, c, cell)?;
        }
    }
    finish(ws, model.rows.len(), model.header.len())
}

/// One of the run's tables, streamed row by row.
fn table_sheet(
    ws: &mut Worksheet,
    name: &str,
    run: &Run,
    table: Table,
    bold: &Format,
    title: &dyn Fn(&str) -> String,
) -> Result<(), XlsxError> {
    let columns = table.columns();
    // Widths from the first rows, before any row is written.
    let mut first: Vec<Vec<Cell>> = Vec::new();
    table.for_first_rows(run, WIDTH_ROWS, |cells| {
        first.push(cells.iter().enumerate().map(|(c, v)| cell(c, v)).collect())
    });
    let widths: Vec<usize> = (0..columns.len())
        .map(|c| width(first.iter().map(|r| r.get(c))))
        .collect();
    let titles: Vec<String> = columns.iter().map(|c| title(c)).collect();
    header(ws, name, &titles, &widths, bold)?;
    let mut r = 0u32;
    let mut result = Ok(());
    table.for_each_row(run, |cells| {
        if result.is_err() {
            return;
        }
        r += 1;
        for (c, v) in cells.iter().enumerate() {
            if let Err(e) = write_cell(ws, r, c, &cell(c, v)) {
                result = Err(e);
                return;
            }
        }
    });
    result?;
    finish(ws, r as usize, columns.len())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cells_convert_like_the_csv_sheets() {
        assert!(matches!(cell(0, &Value::Text("007")), Cell::Text(t) if t == "007"));
        assert!(matches!(cell(1, &Value::Text("007")), Cell::Number(Some(v)) if v == 7.0));
        assert!(matches!(cell(3, &Value::Bool(true)), Cell::Text(t) if t == "да"));
        assert!(matches!(cell(3, &Value::Text("")), Cell::Number(None)));
        assert!(matches!(cell(3, &Value::Num(None)), Cell::Number(None)));
        assert!(matches!(cell(3, &Value::Years(&[2023])), Cell::Number(Some(v)) if v == 2023.0));
        assert!(matches!(cell(3, &Value::Years(&[2023, 2024])), Cell::Text(t) if t == "2023;2024"));
        assert!(matches!(cell(3, &Value::Years(&[])), Cell::Number(None)));
        assert_eq!(
            width([Some(&Cell::Text("абв".into())), None].into_iter()),
            4
        );
    }
}
