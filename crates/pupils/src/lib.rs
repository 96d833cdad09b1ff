//! Pupils with low educational results (обучающиеся с НОР): the rules
//! behind the pupils' module.
//!
//! - [`model`]: levels of education, causes and risks, the register's
//!   states, tiers of support, route steps and outcomes — stable codes with
//!   Russian titles;
//! - [`warning`]: the early-warning level of a pupil in a period, computed
//!   afresh from the period's evidence, with the triggers that fired;
//! - [`dynamics`]: whether a pupil's later result in a subject is better
//!   than the one that put them on the register;
//! - [`route`]: review cycles and the plausibility of a school's tiers;
//! - [`records`]: the attendance file as school journals export it;
//! - [`names`]: names sealed at rest for a school that insists on them.
//!
//! Pure domain: no database, files, HTTP or clock (the date is an
//! argument). Pupils are named by their pseudonymous key; a name, where a
//! school keeps one, is only ever stored sealed.

pub mod dynamics;
pub mod model;
pub mod names;
pub mod records;
pub mod route;
pub mod warning;

pub use opora_plans::date::Date;
