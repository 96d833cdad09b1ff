//! Programme indicators (issue 12): what a programme promises to achieve
//! («Доля ШНОР и ШНСУ, на сайтах которых размещена школьная программа
//! повышения качества образования — 100%») as data, and the import of an
//! indicator set from the programme's own passport table.
//!
//! - [`model`]: an indicator's name, group, unit, target and direction,
//!   and how a target written by people («100%», «20 %», «0,5», «Да», «не
//!   менее 70%») is read;
//! - [`campaign`]: a data-collection campaign's form (fields, types,
//!   ranges, rules between fields) and the workflow of a school's answer;
//! - [`campaign_sheet`]: a campaign's answers filled in offline in Excel,
//!   read back with the same checks;
//! - [`passport`]: the two- or three-column Word/Excel table («Показатели» |
//!   «Индикаторы» / «Целевое значение») turned into indicators, groups taken
//!   from the section rows;
//! - [`formula`]: how an indicator is computed from Opora's data — a small
//!   language in Russian («вид: доля», «знаменатель: …», «числитель: …»)
//!   checked against a field dictionary, evaluated over schools with the
//!   lists behind the value (`docs/indicators.md`).
//!
//! Pure domain: no database (the store keeps indicators; the binary and
//! the web call the import).

pub mod campaign;
pub mod campaign_sheet;
pub mod formula;
pub mod model;
pub mod passport;

// `campaign` has a `FieldKind` and a `Value` of its own, so the formula's
// field types are named through `formula::`.
pub use formula::{Formula, FormulaError};
pub use model::{Direction, Indicator, Light, Target, Unit};
pub use passport::{import_passport, PassportError};
