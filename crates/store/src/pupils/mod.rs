//! Pupils with low results (issue 14): the register of each school, the
//! early warning, individual routes, attendance and the dynamics of
//! results.
//!
//! - `register`: the register — built from the results in Opora, added
//!   and edited by hand, pupils leaving it; the school's thresholds;
//! - `warnings`: the early-warning levels per period and the signals
//!   without action;
//! - `routes`: individual educational routes — goals, steps, reviews,
//!   career guidance, closing;
//! - `dynamics`: a pupil's results across assessments, who improved, and
//!   the counts per school that wider scopes see.
//!
//! Personal data stays in the school: every function that returns pupils
//! takes the caller's [`Scope`] and finds pupils only in a school's scope
//! or a curator's schools ([`pupils_sql`]) — a municipal or regional scope
//! finds none, whatever the web asks. Every read of a pupil is audited.
//! Pupils are named only by the pseudonymous key of the results files.

pub mod dynamics;
pub mod register;
pub mod routes;
pub mod warnings;

use crate::scope::Scope;

/// An SQL condition on the school aliased `s` under which the caller sees
/// its pupils: the school's own users and its curators; nobody wider.
pub(crate) fn pupils_sql(scope: &Scope) -> String {
    match scope {
        Scope::School(_) | Scope::Schools(_) => scope.schools_sql("s"),
        Scope::Region | Scope::Municipality(_) => "1 = 0".into(),
    }
}

/// The audit object of a pupil: «обучающийся A7F3 (школа 0412)».
pub(crate) fn audit_object(key: &str, school_code: &str) -> String {
    format!("обучающийся {key} (школа {school_code})")
}
