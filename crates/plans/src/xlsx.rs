//! Reading plan tables from Excel workbooks (XLSX): each non-empty sheet is a
//! table; merged cells become spans (across) and continued cells (down).

use crate::document::{Block, Cell, Document, Row, Table, VMerge};
use crate::PlanError;
use calamine::{Data, Reader, Xlsx};

fn cell_text(d: &Data) -> String {
    match d {
        Data::Empty => String::new(),
        Data::String(s) => s.clone(),
        Data::Int(i) => i.to_string(),
        Data::Float(f) if f.fract() == 0.0 && f.abs() < 1e15 => format!("{}", *f as i64),
        Data::Float(f) => f.to_string(),
        Data::Bool(b) => if *b { "да" } else { "нет" }.to_string(),
        Data::DateTime(dt) => serial_to_date(dt.as_f64()),
        Data::DateTimeIso(s) | Data::DurationIso(s) => s.clone(),
        Data::Error(_) => String::new(),
    }
}

/// An Excel date serial as `dd.mm.yyyy` (the way it would be written by hand).
fn serial_to_date(serial: f64) -> String {
    // 1899-12-30 is serial 0 (Excel's leap-year bug makes this right from March 1900).
    let days = serial.floor() as i64 - 25_569;
    crate::Date::from_days(days)
        .map(|d| d.ru())
        .unwrap_or_else(|| serial.to_string())
}

/// Reads every non-empty sheet of a workbook as a table.
pub fn read_xlsx(bytes: &[u8]) -> Result<Document, PlanError> {
    let mut book: Xlsx<_> = Xlsx::new(std::io::Cursor::new(bytes.to_vec()))
        .map_err(|e| PlanError::Format(format!("книга Excel не читается: {e}")))?;
    let mut blocks = Vec::new();
    for name in book.sheet_names() {
        opora_io::table::check_sheet_extent(&mut book, &name).map_err(PlanError::Format)?;
        let range = book
            .worksheet_range(&name)
            .map_err(|e| PlanError::Format(format!("лист «{name}» не читается: {e}")))?;
        if range.is_empty() {
            continue;
        }
        let merges = book.merge_cells_by_sheet_name(&name).unwrap_or_default();
        let (r0, c0) = range.start().unwrap_or((0, 0));
        let (height, width) = range.get_size();
        // Cells covered by a merge: (row, col) → Some(span) for the anchor,
        // None for covered cells to the right, Continue for cells below.
        let mut covered = vec![vec![0u8; width]; height]; // 0 free, 1 right of anchor, 2 below anchor
        let mut spans = vec![vec![1usize; width]; height];
        for m in &merges {
            let (sr, sc) = (m.start.0 as i64 - r0 as i64, m.start.1 as i64 - c0 as i64);
            let (er, ec) = (m.end.0 as i64 - r0 as i64, m.end.1 as i64 - c0 as i64);
            if sr < 0 || sc < 0 || sr as usize >= height || sc as usize >= width {
                continue;
            }
            let (sr, sc) = (sr as usize, sc as usize);
            let (er, ec) = (
                (er.max(0) as usize).min(height - 1),
                (ec.max(0) as usize).min(width - 1),
            );
            for r in sr..=er {
                spans[r][sc] = ec - sc + 1;
                for cell in covered[r].iter_mut().take(ec + 1).skip(sc + 1) {
                    *cell = 1;
                }
                if r > sr {
                    covered[r][sc] = 2;
                }
            }
        }
        let mut table = Table::default();
        for (ri, row) in range.rows().enumerate() {
            let mut cells = Vec::new();
            for (ci, d) in row.iter().enumerate() {
                match covered[ri][ci] {
                    1 => continue,
                    2 => cells.push(Cell {
                        text: String::new(),
                        span: spans[ri][ci],
                        vmerge: VMerge::Continue,
                    }),
                    _ => {
                        let restart = spans
                            .get(ri + 1)
                            .is_some_and(|_| covered.get(ri + 1).is_some_and(|n| n[ci] == 2));
                        cells.push(Cell {
                            text: cell_text(d).trim().to_string(),
                            span: spans[ri][ci],
                            vmerge: if restart {
                                VMerge::Restart
                            } else {
                                VMerge::None
                            },
                        })
                    }
                }
            }
            table.rows.push(Row {
                cells,
                repeat_header: false,
            });
        }
        blocks.push(Block::Paragraph(String::new()));
        blocks.push(Block::Table(table));
    }
    Ok(Document { blocks })
}

#[cfg(test)]
mod tests {
    #[test]
    fn serials() {
        assert_eq!(super::serial_to_date(44_800.0), "27.08.2022");
        assert_eq!(super::serial_to_date(1.0e12), "1000000000000");
    }
}

#[cfg(test)]
mod guard_tests {
    /// Two cells far apart would make the reader allocate the rectangle
    /// between them: the sheet is measured cell by cell first and refused.
    #[test]
    fn a_sheet_with_a_cell_far_away_is_refused_before_it_is_read_whole() {
        let mut book = rust_xlsxwriter::Workbook::new();
        let ws = book.add_worksheet();
        ws.write_string(0, 0, "№").unwrap();
        ws.write_string(1_048_575, 16_383, "x").unwrap();
        let err = super::read_xlsx(&book.save_to_buffer().unwrap()).unwrap_err();
        assert!(err.to_string().contains("XFD1048576"), "{err}");
        let mut book = rust_xlsxwriter::Workbook::new();
        let ws = book.add_worksheet();
        ws.write_string(0, 0, "№").unwrap();
        ws.write_string(1_048_575, 900, "x").unwrap();
        let err = super::read_xlsx(&book.save_to_buffer().unwrap()).unwrap_err();
        assert!(err.to_string().contains("строки 1–1048576"), "{err}");
    }
}
