//! Events of the support programme (мероприятия): seminars, webinars,
//! methodological associations, round tables, master classes, internships,
//! contests, teachers' councils and meetings with heads of schools.
//!
//! - [`model`]: kinds, levels, states and attendance — stable codes with
//!   Russian titles; which kinds are methodological support, which step of
//!   a development plan attending is, when an event certifies a course;
//! - [`schedule`]: when an event takes place, as people write it;
//! - [`calendar`]: the weeks of a calendar month.
//!
//! Pure domain: no database, files, HTTP or clock.

pub mod calendar;
pub mod model;
pub mod schedule;

pub use model::{Attendance, EventKind, EventLevel, EventStatus};
pub use opora_plans::date::Date;
pub use schedule::Schedule;
