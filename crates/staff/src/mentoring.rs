//! Mentoring (наставничество): pairs of a mentor and a mentee with goals,
//! a period and the order that appointed them, and the choice of a mentor.
//!
//! **Suggested mentors** for a teacher are the teachers who share a subject
//! with them, hold the highest or the first category, have at least
//! [`MIN_EXPERIENCE`] years of experience and fewer than
//! [`MAX_MENTEES`] active mentees — ranked: a leader school of the latest
//! identification run first (resilient, or a significantly positive
//! effect), then the same school, then the same municipality (Opora keeps
//! no addresses, so the municipality stands for «nearest»), then the
//! highest category, the longest experience, the fewest mentees.

use crate::model::Category;
use opora_plans::coded;

/// Years of teaching a mentor has at least.
pub const MIN_EXPERIENCE: i64 = 5;

/// Active mentees a mentor has at most before another is suggested.
pub const MAX_MENTEES: usize = 3;

coded!(
    /// The form of mentoring (целевая модель наставничества).
    MentoringForm {
        TeacherTeacher = "teacher_teacher", "педагог — педагог";
        YoungSpecialist = "young_specialist", "наставник молодого специалиста";
        LeaderSchool = "leader_school", "педагог школы-лидера — педагог ШНОР";
    }
);

coded!(
    /// A pair's state.
    PairStatus {
        Active = "active", "действует";
        Closed = "closed", "завершена";
    }
);

/// A possible mentor, with what the ranking needs.
#[derive(Debug, Clone, PartialEq)]
pub struct Candidate {
    pub teacher_id: i64,
    pub subjects: Vec<String>,
    pub category: Category,
    pub experience_years: Option<i64>,
    /// Works in a leader school of the latest run.
    pub leader_school: bool,
    pub same_school: bool,
    pub same_municipality: bool,
    /// Active mentees now.
    pub mentees: usize,
}

impl Candidate {
    /// Whether this teacher may mentor someone teaching `subjects`.
    pub fn qualifies_for(&self, subjects: &[String]) -> bool {
        let shares = self.subjects.iter().any(|s| subjects.contains(s));
        shares
            && matches!(self.category, Category::Highest | Category::First)
            && self.experience_years.unwrap_or(0) >= MIN_EXPERIENCE
            && self.mentees < MAX_MENTEES
    }

    /// Why this teacher is suggested, in Russian.
    pub fn reasons(&self) -> Vec<&'static str> {
        let mut out = Vec::new();
        if self.leader_school {
            out.push("школа-лидер");
        }
        if self.same_school {
            out.push("та же школа");
        } else if self.same_municipality {
            out.push("тот же муниципалитет");
        }
        out.push(self.category.title());
        out
    }
}

/// The `k` best mentors for a teacher of `subjects` (the teacher
/// themselves is not among `candidates`).
pub fn suggest(subjects: &[String], candidates: Vec<Candidate>, k: usize) -> Vec<Candidate> {
    let mut fit: Vec<Candidate> = candidates
        .into_iter()
        .filter(|c| c.qualifies_for(subjects))
        .collect();
    fit.sort_by(|a, b| {
        b.leader_school
            .cmp(&a.leader_school)
            .then(b.same_school.cmp(&a.same_school))
            .then(b.same_municipality.cmp(&a.same_municipality))
            .then(a.category.cmp(&b.category))
            .then(b.experience_years.cmp(&a.experience_years))
            .then(a.mentees.cmp(&b.mentees))
            .then(a.teacher_id.cmp(&b.teacher_id))
    });
    fit.truncate(k);
    fit
}

#[cfg(test)]
mod tests {
    use super::*;

    fn candidate(id: i64, subject: &str, category: Category, years: i64) -> Candidate {
        Candidate {
            teacher_id: id,
            subjects: vec![subject.into()],
            category,
            experience_years: Some(years),
            leader_school: false,
            same_school: false,
            same_municipality: true,
            mentees: 0,
        }
    }

    #[test]
    fn a_mentor_shares_a_subject_and_is_experienced_and_not_overloaded() {
        let maths = vec!["Математика".to_string()];
        assert!(candidate(1, "Математика", Category::First, 5).qualifies_for(&maths));
        assert!(!candidate(2, "Физика", Category::Highest, 20).qualifies_for(&maths));
        assert!(!candidate(3, "Математика", Category::Fits, 20).qualifies_for(&maths));
        assert!(!candidate(4, "Математика", Category::Highest, 4).qualifies_for(&maths));
        let busy = Candidate {
            mentees: MAX_MENTEES,
            ..candidate(5, "Математика", Category::Highest, 20)
        };
        assert!(!busy.qualifies_for(&maths));
    }

    #[test]
    fn leader_schools_come_first_then_the_nearest_then_the_highest_category() {
        let maths = vec!["Математика".to_string()];
        let far_leader = Candidate {
            leader_school: true,
            same_municipality: false,
            ..candidate(1, "Математика", Category::First, 6)
        };
        let near = candidate(2, "Математика", Category::Highest, 30);
        let near_first = candidate(3, "Математика", Category::First, 30);
        let same_school = Candidate {
            same_school: true,
            ..candidate(4, "Математика", Category::First, 8)
        };
        let ranked = suggest(
            &maths,
            vec![
                near_first.clone(),
                near.clone(),
                far_leader.clone(),
                same_school.clone(),
            ],
            3,
        );
        let ids: Vec<i64> = ranked.iter().map(|c| c.teacher_id).collect();
        assert_eq!(ids, vec![1, 4, 2]);
        assert_eq!(ranked[0].reasons(), vec!["школа-лидер", "первая"]);
    }
}
