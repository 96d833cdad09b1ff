//! Quarterly execution reports of plans (XLSX and DOCX): the scope's own
//! plans (or one plan) read from the store and laid out by `opora_plans::report`.
//! One place for the command line and the web pages.

use crate::plans::ExecutionRow;
use crate::scope::Scope;
use crate::{Db, Result, StoreError};
use opora_io::xlsx_out::{workbook, Cell, Sheet};
use opora_plans::docx_out::quarterly_report_docx;
use opora_plans::report::{
    quarterly_report, QuarterReport, ReportItem, DETAIL_HEADER, SUMMARY_HEADER,
};
use opora_plans::Date;

/// The file format of a report.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReportFormat {
    Xlsx,
    Docx,
}

impl ReportFormat {
    pub fn from_extension(ext: &str) -> Option<ReportFormat> {
        match ext.to_lowercase().as_str() {
            "xlsx" => Some(ReportFormat::Xlsx),
            "docx" => Some(ReportFormat::Docx),
            _ => None,
        }
    }
    pub fn extension(self) -> &'static str {
        match self {
            ReportFormat::Xlsx => "xlsx",
            ReportFormat::Docx => "docx",
        }
    }
    pub fn media_type(self) -> &'static str {
        match self {
            ReportFormat::Xlsx => {
                "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
            }
            ReportFormat::Docx => {
                "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
            }
        }
    }
}

fn report_item(r: ExecutionRow) -> ReportItem {
    ReportItem {
        unit: if r.unit.is_empty() {
            r.plan_title.clone()
        } else {
            r.unit
        },
        plan: r.plan_title,
        number: r.number,
        text: r.text,
        deadline_text: r.deadline.text.clone(),
        due: r.deadline.end,
        status: r.status,
        done_at: r.done_at,
        evidence: r.evidence.max(0) as usize,
        responsible: r.responsible_text,
    }
}

/// The report as an XLSX workbook: «Сводка» (one row per school or
/// municipality and the total) and «Мероприятия» (one row per activity).
pub fn report_xlsx(rep: &QuarterReport) -> Result<Vec<u8>> {
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
    .map_err(|e| StoreError::Invalid(format!("не удалось записать XLSX: {e}")))
}

impl Db {
    /// The quarterly report of the scope's own plans (or of one plan) for
    /// quarter `q` of `year` as of `as_of`, and its file.
    pub async fn quarterly_report(
        &self,
        scope: &Scope,
        plan_id: Option<i64>,
        title: &str,
        (year, q): (i32, u32),
        as_of: Date,
        format: ReportFormat,
    ) -> Result<(QuarterReport, Vec<u8>)> {
        let items: Vec<ReportItem> = self
            .execution_rows(scope, plan_id)
            .await?
            .into_iter()
            .map(report_item)
            .collect();
        let rep = quarterly_report(title, &items, year, q, as_of).ok_or_else(|| {
            StoreError::Invalid(format!(
                "квартал {q} {year} года: номер квартала — от 1 до 4"
            ))
        })?;
        let bytes = match format {
            ReportFormat::Xlsx => report_xlsx(&rep)?,
            ReportFormat::Docx => quarterly_report_docx(&rep),
        };
        Ok((rep, bytes))
    }
}
