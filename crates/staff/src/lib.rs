//! Teaching staff (кадры): the rules behind the staff module's
//! registers and reports.
//!
//! - [`model`]: qualification categories, kinds of courses and of course
//!   providers as stable codes with Russian titles, and how staff lists
//!   write them («ВКК», «1 кв. категория», «КПК», «ГАУ ДПО «ИРО»»);
//!   yes/no cells; who is the principal;
//! - [`clock`]: the three-year rule (a further-education course at least
//!   once in three years): whole months since the latest course and a
//!   traffic light (green, amber within the year, red overdue);
//! - [`subjects`]: subject lists and grades as people write them, and
//!   whether a diploma's speciality or a retraining covers a subject taught;
//! - [`diagnostics`]: diagnostics of professional deficits — competence
//!   areas, the deficit rule, comparing two rounds, the heat map;
//! - [`development`]: individual development plans — steps drafted from
//!   the deficits and the catalogue of programmes, and what the next round
//!   says of each deficit;
//! - [`facts`]: what each school's staff tells the indicator formulas
//!   (diagnosed, with deficits, with a plan, supported, within the
//!   three-year rule, the work on core subjects' deficits organised);
//! - [`instruments`]: self-assessment statements per competence area and
//!   the results a teacher's answers make;
//! - [`mentoring`]: mentoring pairs' forms and states, and the choice of a
//!   mentor (a shared subject, a leader school, the nearest first);
//! - [`principals`]: the efficiency of principals — criteria, their
//!   measures from Opora's data, the weighted score;
//! - [`records`]: the teachers' and courses' files as school offices keep
//!   them (header aliases, one row into a typed record, Russian errors).
//!
//! Pure domain: no database, files, HTTP or clock (the date a clock is read
//! on is an argument). Dates are the project's `opora_plans::date::Date`.

pub mod clock;
pub mod development;
pub mod diagnostics;
pub mod facts;
pub mod instruments;
pub mod mentoring;
pub mod model;
pub mod principals;
pub mod records;
pub mod subjects;

pub use clock::{
    add_months, clock, due_date, due_within_year, is_overdue, months_between, Clock, Light,
    Thresholds,
};
pub use model::{is_principal, parse_yes_no, Category, CourseKind, ProviderKind};
pub use opora_plans::date::Date;
pub use subjects::{covers, format_grades, parse_grades, split_list, uncovered};
