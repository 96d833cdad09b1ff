//! The quarterly report as an XLSX workbook, beside its DOCX in
//! [`crate::docx_out`]: the tables of [`crate::report`] laid out by the
//! shared XLSX writer of `opora_io` (bold frozen header, column widths,
//! numbers as numbers, formulas neutralised).

use crate::report::{QuarterReport, DETAIL_HEADER, SUMMARY_HEADER};
use crate::PlanError;
use opora_io::xlsx_out::{workbook, Cell, Sheet};

/// The report as an XLSX workbook: «Сводка» (one row per school or
/// municipality and the total) and «Мероприятия» (one row per activity).
pub fn quarterly_report_xlsx(rep: &QuarterReport) -> Result<Vec<u8>, PlanError> {
    let num = |v: usize| Cell::Number(Some(v as f64));
    let mut summary: Vec<Vec<Cell>> = rep
        .units
        .iter()
        .chain(std::iter::once(&rep.total))
        .map(|u| {
            vec![
                Cell::Text(u.unit.clone()),
                num(u.total),
                num(u.on_time),
                num(u.late),
                num(u.overdue),
                num(u.open),
                num(u.cancelled),
                num(u.without_evidence),
            ]
        })
        .collect();
    summary.push(vec![Cell::Text(format!(
        "{}: {}",
        rep.title,
        rep.subtitle()
    ))]);
    let detail: Vec<Vec<Cell>> = rep
        .rows
        .iter()
        .map(|r| r.cells().into_iter().map(Cell::Text).collect())
        .collect();
    workbook(&[
        Sheet {
            name: "Сводка".into(),
            header: SUMMARY_HEADER.iter().map(|s| s.to_string()).collect(),
            rows: summary,
        },
        Sheet {
            name: "Мероприятия".into(),
            header: DETAIL_HEADER.iter().map(|s| s.to_string()).collect(),
            rows: detail,
        },
    ])
    .map_err(|e| PlanError::Write(format!("не удалось записать XLSX: {e}")))
}
