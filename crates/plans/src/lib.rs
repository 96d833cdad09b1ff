//! Roadmaps and programmes of targeted support («дорожные карты», «программы
//! повышения качества образования», «планы мероприятий»): the plan model,
//! deadlines as people write them, import of existing plans from Word (DOCX)
//! and Excel (XLSX) tables, and execution reports. Pure domain: no database.
//!
//! ```
//! use opora_plans::{parse_deadline, Period};
//! let period = Period::academic_years(2022, 2023);
//! let d = parse_deadline("Декабрь-август", period.as_ref());
//! assert_eq!(d.start.unwrap().iso(), "2022-12-01");
//! assert_eq!(d.end.unwrap().iso(), "2023-08-31");
//! ```

pub mod clock;
pub mod date;
pub mod deadline;
pub mod document;
pub mod docx;
pub mod docx_out;
pub mod edit;
pub mod import;
pub mod model;
pub mod report;
pub mod xlsx;
pub mod xlsx_out;

pub use date::{Date, DateError, DateRange};
pub use deadline::{
    parse_deadline, try_parse_deadline, Condition, Deadline, DeadlineKind, ImpossibleDate, Period,
    Recurrence,
};
pub use document::Document;
pub use import::{
    import_bytes, import_file, plan_from_document, read_document, ImportOptions,
    ImpossibleDateCell, ImpossibleDates,
};
pub use model::*;

/// Errors of reading a plan, in Russian.
#[derive(Debug, thiserror::Error)]
pub enum PlanError {
    #[error("{0}")]
    Io(String),
    #[error("{0}")]
    Format(String),
    #[error("{0}")]
    NoTable(String),
    /// A report file could not be written.
    #[error("{0}")]
    Write(String),
    /// Deadlines name dates that do not exist («31.13.2027»): each cell is listed.
    #[error(transparent)]
    ImpossibleDates(#[from] ImpossibleDates),
}
