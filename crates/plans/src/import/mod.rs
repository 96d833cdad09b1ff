//! From a document (DOCX or XLSX) to a [`Plan`]: find the plan table, map its
//! columns by their headers, recognise section rows, merge rows continued
//! across a page break, and read the title, period, goal, tasks and approving
//! document from the text around the table. The rules are in docs/plans.md.
//!
//! One file per stage: [`columns`] (the grid and the header mapping),
//! [`numbering`] (numbers and headings), [`rows`] (sections and rows merged
//! across page breaks), [`dates`] (dates that do not exist), [`passport`]
//! (the text around the table) and [`assembly`] (the pipeline that runs them
//! and builds the plan). This file holds the entry points.

mod assembly;
mod columns;
mod dates;
mod numbering;
mod passport;
mod rows;

pub use assembly::plan_from_document;
pub use dates::{ImpossibleDateCell, ImpossibleDates};

use crate::deadline::Period;
use crate::document::Document;
use crate::model::*;
use crate::PlanError;
use std::path::Path;

/// What the user can tell the importer.
#[derive(Clone, Debug, Default)]
pub struct ImportOptions {
    /// File name for messages.
    pub file_name: String,
    /// The plan's period when the document does not say it (or says it wrong).
    pub period: Option<Period>,
    pub level: Option<Level>,
    pub title: Option<String>,
    pub owner: Option<String>,
}

/// Reads a DOCX or XLSX file (by its content, whatever its extension).
pub fn import_file(path: &Path, opts: &ImportOptions) -> Result<Plan, PlanError> {
    let bytes = std::fs::read(path)
        .map_err(|e| PlanError::Io(format!("файл «{}» не читается: {e}", path.display())))?;
    let mut opts = opts.clone();
    if opts.file_name.is_empty() {
        opts.file_name = path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
    }
    import_bytes(&bytes, &opts)
}

/// Reads a DOCX or XLSX file from memory.
pub fn import_bytes(bytes: &[u8], opts: &ImportOptions) -> Result<Plan, PlanError> {
    let (doc, format) = read_document(bytes)?;
    plan_from_document(&doc, opts, format)
}

/// A Word (DOCX) or Excel (XLSX) file as blocks of paragraphs and tables,
/// with its format («docx» or «xlsx»): the reader every table import
/// shares (plans, indicator passports).
pub fn read_document(bytes: &[u8]) -> Result<(Document, &'static str), PlanError> {
    let format = detect_format(bytes)?;
    // The readers underneath (zip, XML, calamine) can panic on a damaged
    // file (fuzzing found an overflow in calamine's cell references): a
    // damaged file is a message to the user, never a crash.
    let read = std::panic::catch_unwind(|| match format {
        "docx" => crate::docx::read_docx(bytes),
        _ => crate::xlsx::read_xlsx(bytes),
    });
    let doc = read.unwrap_or_else(|_| {
        Err(PlanError::Format(format!(
            "файл {} повреждён и не читается; откройте его в Word или Excel, сохраните заново и загрузите снова",
            format.to_uppercase()
        )))
    })?;
    Ok((doc, format))
}

fn detect_format(bytes: &[u8]) -> Result<&'static str, PlanError> {
    if bytes.starts_with(&[0xD0, 0xCF, 0x11, 0xE0]) {
        return Err(PlanError::Format(
            "это файл старого формата (DOC или XLS); сохраните его как DOCX или XLSX и загрузите снова".into(),
        ));
    }
    if !bytes.starts_with(b"PK") {
        return Err(PlanError::Format(
            "файл не является документом DOCX или книгой XLSX".into(),
        ));
    }
    let zip = zip::ZipArchive::new(std::io::Cursor::new(bytes))
        .map_err(|e| PlanError::Format(format!("архив DOCX/XLSX повреждён: {e}")))?;
    let names: Vec<String> = zip
        .file_names()
        .filter_map(|n| n.ok())
        .map(|n| n.into_owned())
        .collect();
    if names.iter().any(|n| n.starts_with("word/")) {
        Ok("docx")
    } else if names.iter().any(|n| n.starts_with("xl/")) {
        Ok("xlsx")
    } else {
        Err(PlanError::Format(
            "архив не похож ни на документ Word (DOCX), ни на книгу Excel (XLSX)".into(),
        ))
    }
}
