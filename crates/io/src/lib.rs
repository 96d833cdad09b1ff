//! Files in and out: tables from CSV (UTF-8 or Windows-1251, `,` `;` or tab)
//! and XLSX, header matching through Russian/English aliases, typed field
//! parsing with row-level errors in Russian, XLSX writing, and the SVG charts
//! ([`charts`]).

pub mod charts;
pub mod columns;
mod csv_parse;
pub mod error;
pub mod identify_files;
pub mod records;
pub mod run_report;
pub mod table;
pub mod template;
pub mod text;
pub mod values;
pub mod xlsx_out;

pub use columns::{ColumnMap, Field, Schema};
pub use csv::StringRecord;
pub use error::{ColumnRef, IoError, RowError, TextEncoding};
pub use table::{open_table, Row, TableOptions, TableReader};
pub use text::neutralise_formula;
