//! Who may do what with pupils' data (152-ФЗ: the register stays in the
//! school). Seeing pupils is the store's pupils' scope — a school's users
//! and its curators; a municipal or regional scope finds none (404).
//! This decides, for what the caller sees, which actions its pages offer
//! and accept (403 otherwise).
//!
//! | role | pupils, cards, routes | builds and edits the register, thresholds, early warning | opens, keeps and closes routes | counts per school |
//! |---|---|---|---|---|
//! | region | — (404) | — | — | every school; counts under 5 shown as «< 5» |
//! | municipality | — (404) | — | — | its schools; counts under 5 shown as «< 5» |
//! | curator | its schools (read) | — | — | its schools, exact |
//! | school administrator | its school | its school | its school | its school, exact |
//! | teacher | its school (read) | — | its school (steps, reviews, career guidance) | its school, exact |
//!
//! Names: Opora works without them; where a school insists, its
//! administrator keeps a pupil's name, sealed with the configuration's key
//! (`OPORA_PUPIL_NAME_KEY`), and only the school's own users see it — not
//! the curator.
//!
//! Attendance files are uploaded by the region, the municipality and the
//! school administrator (for the schools of their scope): uploading shows
//! nobody a pupil they did not already have in the file.

use crate::auth::Caller;
use opora_store::users::Role;

/// Whether the caller sees pupils at all (the register, cards, routes).
pub fn sees_pupils(c: &Caller) -> bool {
    matches!(c.role(), Role::Curator | Role::SchoolAdmin | Role::Teacher)
}

/// Whether the caller keeps the register of `school_id`: builds it, adds,
/// edits and takes pupils off, sets thresholds, recomputes the warning.
pub fn keeps_register(c: &Caller, school_id: i64) -> bool {
    c.role() == Role::SchoolAdmin && c.user.school_id == Some(school_id)
}

/// Whether the caller keeps the routes of `school_id`'s pupils.
pub fn keeps_routes(c: &Caller, school_id: i64) -> bool {
    matches!(c.role(), Role::SchoolAdmin | Role::Teacher) && c.user.school_id == Some(school_id)
}

/// Whether the caller sees the names a school keeps: its own users only
/// (not the curator: names stay inside the school).
pub fn sees_names(c: &Caller, school_id: i64) -> bool {
    matches!(c.role(), Role::SchoolAdmin | Role::Teacher) && c.user.school_id == Some(school_id)
}

/// Whether the caller uploads attendance files.
pub fn imports_attendance(c: &Caller) -> bool {
    matches!(
        c.role(),
        Role::Region | Role::Municipality | Role::SchoolAdmin
    )
}

/// Whether counts are shown with those under 5 hidden: above the school.
pub fn masks_counts(c: &Caller) -> bool {
    !sees_pupils(c)
}
