//! Who may do what with staff records. Seeing a school's teachers is the
//! scope's business (outside it: 404); a teacher sees only their own record
//! (another teacher's card is 404 to them, as if it did not exist). This
//! decides, for a record the caller sees, which actions its page offers and
//! accepts (403 otherwise).
//!
//! | role | sees | edits the record, adds and deletes courses | adds teachers, imports files | moves between schools |
//! |---|---|---|---|---|
//! | region | every school | — | every school (files) | any two schools |
//! | municipality | its municipality | — | its schools (files) | within the municipality |
//! | curator | its schools (read) | — | — | — |
//! | school administrator | its school | its school's teachers | its school | — |
//! | teacher | their own record | their own record | — | — |
//!
//! Mentoring: the region, the municipality (its teachers) and the school
//! (its own) appoint mentors and close pairs; the mentor and the mentee,
//! the administrators of either school and the municipality of either
//! write the meetings; a teacher sees only the pairs they are in; the
//! curator reads.
//!
//! Development plans: the school administrator and the teacher themselves
//! draft and keep the plan (steps, marks of done); the school
//! administrator closes it; the curator, the municipality and the region
//! read; everyone who sees a plan comments on it. The catalogue of
//! programmes is the region's (the methodological centre works in its
//! account); everyone reads it.
//!
//! Self-assessment: the region writes, opens and closes it (as it keeps
//! the catalogue); a teacher with a staff record answers for themselves;
//! everyone reads the statements, nobody else a teacher's answers.
//!
//! Principals' efficiency: the region sets the weights and evaluates a
//! year; everyone but a teacher reads the schools of their scope and
//! exports them.
//!
//! The HR office of the school keeps the staff list, so the school edits
//! it; a teacher keeps their own profile and courses; the municipality and
//! the region aggregate and list, and a move between schools — which
//! involves two schools — is theirs.

use crate::auth::Caller;
use opora_store::staff::mentoring::Pair;
use opora_store::staff::teachers::Teacher;
use opora_store::users::Role;

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Rights {
    /// Edit the record's fields, add and delete its courses.
    pub edit: bool,
    /// Move the person to another school.
    pub relocate: bool,
}

/// Whether the caller sees this record at all (the scope already holds).
pub fn sees(c: &Caller, t: &Teacher) -> bool {
    c.role() != Role::Teacher || t.user_id == Some(c.user.id)
}

/// The caller's rights on a record it sees.
pub fn rights(c: &Caller, t: &Teacher) -> Rights {
    match c.role() {
        Role::Region => Rights {
            edit: false,
            relocate: true,
        },
        Role::Municipality => Rights {
            edit: false,
            relocate: c.user.municipality_id == Some(t.municipality_id),
        },
        Role::Curator => Rights::default(),
        Role::SchoolAdmin => Rights {
            edit: c.user.school_id == Some(t.school_id),
            relocate: false,
        },
        Role::Teacher => Rights {
            edit: t.user_id == Some(c.user.id),
            relocate: false,
        },
    }
}

/// Whether the caller adds teachers to school `school_id` (in its scope).
pub fn adds_teachers(c: &Caller, school_id: i64) -> bool {
    c.role() == Role::SchoolAdmin && c.user.school_id == Some(school_id)
}

/// Whether the caller uploads staff files (teachers, courses) for the
/// schools of its scope.
pub fn imports_staff(c: &Caller) -> bool {
    matches!(
        c.role(),
        Role::Region | Role::Municipality | Role::SchoolAdmin
    )
}

/// Whether the caller appoints mentors to this teacher: the region; the
/// municipality for its teachers; the school for its own (the mentor must
/// be in the caller's scope too — the store checks it).
pub fn appoints_mentors(c: &Caller, mentee: &Teacher) -> bool {
    match c.role() {
        Role::Region => true,
        Role::Municipality => c.user.municipality_id == Some(mentee.municipality_id),
        Role::SchoolAdmin => c.user.school_id == Some(mentee.school_id),
        Role::Curator | Role::Teacher => false,
    }
}

/// Whether a teacher sees the pair: only one they are in (others see every
/// pair of their scope).
pub fn sees_pair(c: &Caller, p: &Pair) -> bool {
    c.role() != Role::Teacher || [p.mentor.user_id, p.mentee.user_id].contains(&Some(c.user.id))
}

/// Whether the caller writes the pair's meetings: the mentor and the
/// mentee themselves, the administrators of either school, the
/// municipality of either, the region.
pub fn logs_meetings(c: &Caller, p: &Pair) -> bool {
    let sides = [&p.mentor, &p.mentee];
    match c.role() {
        Role::Region => true,
        Role::Municipality => sides
            .iter()
            .any(|s| c.user.municipality_id == Some(s.municipality_id)),
        Role::SchoolAdmin => sides.iter().any(|s| c.user.school_id == Some(s.school_id)),
        Role::Teacher => sides.iter().any(|s| s.user_id == Some(c.user.id)),
        Role::Curator => false,
    }
}

/// Whether the caller closes the pair: whoever appoints mentors to its mentee.
pub fn closes_pair(c: &Caller, p: &Pair) -> bool {
    match c.role() {
        Role::Region => true,
        Role::Municipality => c.user.municipality_id == Some(p.mentee.municipality_id),
        Role::SchoolAdmin => c.user.school_id == Some(p.mentee.school_id),
        Role::Curator | Role::Teacher => false,
    }
}

/// Whether the caller drafts and keeps this teacher's development plan:
/// whoever edits the record (the school, the teacher themselves).
pub fn keeps_plan(c: &Caller, t: &Teacher) -> bool {
    rights(c, t).edit
}

/// Whether the caller closes the teacher's plan: the school administrator.
pub fn closes_plan(c: &Caller, t: &Teacher) -> bool {
    c.role() == Role::SchoolAdmin && c.user.school_id == Some(t.school_id)
}

/// Whether the caller keeps the catalogue of programmes: the region.
pub fn keeps_catalogue(c: &Caller) -> bool {
    c.role() == Role::Region
}

/// Whether the caller reads the principals' efficiency: everyone but a
/// teacher (it ranks their principal), within the scope.
pub fn reads_principals(c: &Caller) -> bool {
    c.role() != Role::Teacher
}

/// Whether the caller sets the criteria and evaluates: the region.
pub fn keeps_principals(c: &Caller) -> bool {
    c.role() == Role::Region
}
