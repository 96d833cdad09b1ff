//! Who may do what with events. Seeing an event is the store's business
//! (`events_sql`: out of scope = 404); this decides, for an event the
//! caller sees, which actions its page offers and accepts (403 otherwise).
//!
//! | role | creates | keeps (edits, invites, marks attendance, protocol, decisions) |
//! |---|---|---|
//! | region | federal, regional and municipal events | every event |
//! | municipality | its municipality's events | events of its municipality and of its schools |
//! | curator (methodologist) | its municipality's events | the events it created |
//! | school administrator | its school's events | its school's events |
//! | teacher | — | — (sees the events it is invited to or its school's, and its own attendance) |
//!
//! Participants are staff data: a keeper sees those of its scope, a
//! teacher only itself. A decision goes to a roadmap the caller manages
//! (the roadmap's own rights).

use crate::auth::Caller;
use opora_events::EventLevel;
use opora_store::events::register::Event;
use opora_store::users::Role;

/// The levels of the events the caller creates (empty: it creates none).
pub fn creates(c: &Caller) -> Vec<EventLevel> {
    match c.role() {
        Role::Region => vec![
            EventLevel::Regional,
            EventLevel::Federal,
            EventLevel::Municipal,
        ],
        Role::Municipality | Role::Curator if c.user.municipality_id.is_some() => {
            vec![EventLevel::Municipal]
        }
        Role::SchoolAdmin if c.user.school_id.is_some() => vec![EventLevel::School],
        _ => Vec::new(),
    }
}

/// Whether the caller keeps this event.
pub fn keeps(c: &Caller, e: &Event) -> bool {
    match c.role() {
        Role::Region => true,
        Role::Municipality => {
            c.user.municipality_id.is_some() && e.fields.municipality_id == c.user.municipality_id
        }
        Role::Curator => e.created_by == c.user.login,
        Role::SchoolAdmin => c.user.school_id.is_some() && e.fields.school_id == c.user.school_id,
        Role::Teacher => false,
    }
}

/// Whether the caller sees the list of participants (a teacher sees only
/// its own line).
pub fn sees_participants(c: &Caller) -> bool {
    c.role() != Role::Teacher
}
