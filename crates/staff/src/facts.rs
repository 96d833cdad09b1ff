//! What the staff module tells the indicator formulas about each school
//! (the `кадры.*` fields of the dictionary): how many teachers it has, how
//! many were diagnosed and how many have a deficit in their latest round,
//! how many have a development plan, how many received methodological
//! support, how many are within the three-year rule, and whether the work
//! on the deficits of teachers of mathematics, Russian and primary classes
//! is organised.
//!
//! «Recent» is what a yearly report counts: a plan or a mentoring pair
//! active now or closed within [`RECENT_DAYS`] days.

use crate::subjects::covers;
use std::collections::BTreeMap;

/// How far back a closed plan or pair still counts.
pub const RECENT_DAYS: i64 = 365;

/// The subjects whose teachers' deficits the programmes single out.
pub const CORE_SUBJECTS: [&str; 3] = ["Математика", "Русский язык", "Начальные классы"];

/// Whether a diagnosed subject is one of [`CORE_SUBJECTS`].
pub fn is_core_subject(subject: &str) -> bool {
    CORE_SUBJECTS.iter().any(|c| covers(c, subject))
}

/// One teacher, as the facts need them.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct TeacherFacts {
    pub school_id: i64,
    /// Has results of a round (their latest counts below).
    pub diagnosed: bool,
    /// Has a deficit in their latest round.
    pub deficit: bool,
    /// Has results of their latest round in a core subject.
    pub core_diagnosed: bool,
    /// Has a deficit in their latest round in a core subject.
    pub core_deficit: bool,
    /// Has a development plan active now or closed recently.
    pub plan: bool,
    /// Is a mentee of a pair active now or closed recently.
    pub mentored: bool,
    /// Attended an event of methodological support recently (a seminar,
    /// an association, a master class… — `opora_events` says which kinds).
    pub event_supported: bool,
    /// The three-year rule holds (a course within 36 months).
    pub course_in_time: bool,
}

/// A school's staff facts.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SchoolStaff {
    pub teachers: usize,
    pub diagnosed: usize,
    pub with_deficit: usize,
    pub with_plan: usize,
    /// With a deficit and a development plan.
    pub deficit_with_plan: usize,
    /// With a development plan, a mentor or a recent event of
    /// methodological support attended: methodological support.
    pub supported: usize,
    pub courses_in_time: usize,
    /// At least one teacher of a core subject diagnosed in the latest
    /// round, and every one of them with a deficit has a plan.
    pub deficit_work: bool,
}

/// The facts of each school that has teachers.
pub fn by_school(teachers: &[TeacherFacts]) -> BTreeMap<i64, SchoolStaff> {
    let mut out: BTreeMap<i64, SchoolStaff> = BTreeMap::new();
    let mut core: BTreeMap<i64, (usize, bool)> = BTreeMap::new();
    for t in teachers {
        let s = out.entry(t.school_id).or_default();
        s.teachers += 1;
        s.diagnosed += usize::from(t.diagnosed);
        s.with_deficit += usize::from(t.deficit);
        s.with_plan += usize::from(t.plan);
        s.deficit_with_plan += usize::from(t.deficit && t.plan);
        s.supported += usize::from(t.plan || t.mentored || t.event_supported);
        s.courses_in_time += usize::from(t.course_in_time);
        let c = core.entry(t.school_id).or_insert((0, true));
        c.0 += usize::from(t.core_diagnosed);
        c.1 &= !t.core_deficit || t.plan;
    }
    for (school, (diagnosed, all_planned)) in core {
        if let Some(s) = out.get_mut(&school) {
            s.deficit_work = diagnosed > 0 && all_planned;
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn teacher(school_id: i64) -> TeacherFacts {
        TeacherFacts {
            school_id,
            ..Default::default()
        }
    }

    #[test]
    fn schools_count_their_teachers_and_the_work_on_core_deficits() {
        let planned_core = TeacherFacts {
            diagnosed: true,
            deficit: true,
            core_diagnosed: true,
            core_deficit: true,
            plan: true,
            course_in_time: true,
            ..teacher(1)
        };
        let mentored = TeacherFacts {
            diagnosed: true,
            core_diagnosed: true,
            mentored: true,
            ..teacher(1)
        };
        let at_a_seminar = TeacherFacts {
            event_supported: true,
            ..teacher(1)
        };
        let unplanned_core = TeacherFacts {
            diagnosed: true,
            deficit: true,
            core_diagnosed: true,
            core_deficit: true,
            ..teacher(2)
        };
        let facts = by_school(&[
            planned_core,
            mentored,
            teacher(1),
            at_a_seminar,
            unplanned_core,
            teacher(3),
        ]);
        assert_eq!(
            facts[&1],
            SchoolStaff {
                teachers: 4,
                diagnosed: 2,
                with_deficit: 1,
                with_plan: 1,
                deficit_with_plan: 1,
                supported: 3,
                courses_in_time: 1,
                deficit_work: true,
            }
        );
        assert!(!facts[&2].deficit_work, "a core deficit without a plan");
        assert!(!facts[&3].deficit_work, "nobody diagnosed");
    }

    #[test]
    fn core_subjects_are_read_as_diagnostics_write_them() {
        assert!(is_core_subject("Математика"));
        assert!(is_core_subject("русский язык"));
        assert!(is_core_subject("Начальные классы"));
        assert!(!is_core_subject("Физика"));
        assert!(!is_core_subject("Литература"));
    }
}
