//! Events of the support programme (issue 16): seminars, webinars,
//! methodological associations, internships, teachers' councils…
//!
//! - `register`: the events with their owner, schedule and target schools;
//!   listing by scope and period, creating, editing, holding, cancelling;
//! - `participants`: teachers invited and their attendance — which writes
//!   the event into their development plan (a step, done when they attend)
//!   and, for an event that certifies a course, into their courses;
//! - `protocol`: what was discussed and the decisions, each of which can
//!   become an activity of a roadmap.
//!
//! Who sees an event ([`events_sql`]): everyone sees the region's and the
//! federal events; a municipality's event is seen in that municipality
//! (its users, curators and schools); a school's event by the school and
//! those above it; and an event is always seen by the schools it is for
//! and by those whose teachers take part in it.
//! Participants are staff data: they are listed only within the caller's
//! scope, and reading them is audited.

pub mod participants;
pub mod protocol;
pub mod register;

use crate::scope::Scope;

/// An SQL condition on the event aliased `e` under which the caller sees
/// it. Only numbers from the database are inlined.
pub(crate) fn events_sql(scope: &Scope) -> String {
    // The event is for a school of the scope, or a teacher of the scope
    // takes part in it.
    let targets = |cond: &str| {
        format!(
            "EXISTS (SELECT 1 FROM event_schools es JOIN schools s ON s.id = es.school_id \
             WHERE es.event_id = e.id AND {cond}) \
             OR EXISTS (SELECT 1 FROM event_participants ep JOIN teachers t ON t.id = ep.teacher_id \
             JOIN schools s ON s.id = t.school_id WHERE ep.event_id = e.id AND {cond})"
        )
    };
    match scope {
        Scope::Region => "1 = 1".into(),
        Scope::Municipality(m) => format!(
            "(e.municipality_id IS NULL OR e.municipality_id = {m} OR {})",
            targets(&scope.schools_sql("s"))
        ),
        Scope::School(_) | Scope::Schools(_) => {
            let own = scope.schools_sql("s");
            format!(
                "((e.school_id IS NULL AND (e.municipality_id IS NULL OR e.municipality_id IN \
                 (SELECT s.municipality_id FROM schools s WHERE {own}))) \
                 OR e.school_id IN (SELECT s.id FROM schools s WHERE {own}) OR {})",
                targets(&own)
            )
        }
    }
}

/// The audit object of an event: «мероприятие 12 (Семинар «…», 05.12.2026)».
pub(crate) fn audit_object(id: i64, title: &str) -> String {
    format!("мероприятие {id} («{title}»)")
}
