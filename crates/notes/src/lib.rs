//! Analytical notes (аналитические справки, issue 16): one click gives the
//! note of a school, a municipality or the region for a chosen date.
//!
//! - [`model`]: what a note says — title, subject, date, the data snapshot,
//!   sections of paragraphs, lists, tables and charts;
//! - [`compose`]: the note composed from the store's data;
//! - [`docx`]: the note as an editable DOCX (styles, tables, the charts as
//!   pictures);
//! - [`pdf`]: the note typeset by Typst with the fonts compiled in;
//! - [`raster`]: a chart's SVG drawn as PNG for the DOCX.
//!
//! The two files are written from the same [`model::Note`], so they say the
//! same; an issued note is kept as its `Note` (JSON) and written again on
//! each download.

pub mod compose;
pub mod docx;
pub mod model;
pub mod pdf;
pub mod raster;

pub use model::{Block, Note, Section};

/// Why a note could not be written: in Russian.
#[derive(Debug, thiserror::Error)]
pub enum NoteError {
    #[error("ошибка вёрстки PDF: {0}")]
    Pdf(String),
    #[error("ошибка записи DOCX: {0}")]
    Docx(String),
    #[error("рисунок не построен: {0}")]
    Chart(String),
    #[error(transparent)]
    Store(#[from] opora_store::StoreError),
}

/// A file format of a note.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Docx,
    Pdf,
}

impl Format {
    /// From a file name's extension («справка.pdf»).
    pub fn of_path(path: &str) -> Option<Format> {
        match path.rsplit_once('.')?.1.to_lowercase().as_str() {
            "docx" => Some(Format::Docx),
            "pdf" => Some(Format::Pdf),
            _ => None,
        }
    }

    pub fn extension(self) -> &'static str {
        match self {
            Format::Docx => "docx",
            Format::Pdf => "pdf",
        }
    }

    pub fn media_type(self) -> &'static str {
        match self {
            Format::Docx => {
                "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
            }
            Format::Pdf => "application/pdf",
        }
    }

    /// Writes the note in this format.
    pub fn write(self, note: &Note) -> Result<Vec<u8>, NoteError> {
        match self {
            Format::Docx => docx::write(note),
            Format::Pdf => pdf::write(note),
        }
    }
}
