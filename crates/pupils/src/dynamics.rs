//! The dynamics of a pupil's results: a later result in a subject against
//! the one that put the pupil on the register.
//!
//! **The rule** ([`change`]): a result that crosses the pass line (mark
//! «3» or the minimum score) upwards is better, downwards worse; otherwise
//! a higher mark is better and a lower one worse; with equal (or unknown)
//! marks the share of the maximum score decides, by at least
//! [`SHARE_STEP`] percentage points. Different procedures are compared
//! this way too (ВПР of grade 5, then of grade 6, then ОГЭ): each is scored
//! on its own scale, and the mark and the share are the common ground.

use opora_plans::coded;

/// The smallest change of the share of the maximum that counts, points.
pub const SHARE_STEP: f64 = 10.0;

/// One result of a pupil, as the comparison needs it.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Standing {
    pub mark: Option<i64>,
    /// Share of the maximum score, percent (when the maximum is known).
    pub share: Option<f64>,
    /// Whether the result is at or above the pass line (mark 3 or the
    /// minimum score), when known.
    pub passed: Option<bool>,
}

impl Standing {
    /// A result as stored: its mark, score, the maximum and the minimum
    /// score of mark «3» (the ОГЭ/ЕГЭ minimum), where known.
    pub fn of(
        mark: Option<i64>,
        score: f64,
        max_score: Option<f64>,
        min_3: Option<f64>,
    ) -> Standing {
        let share = max_score.filter(|m| *m > 0.0).map(|m| 100.0 * score / m);
        let passed = match (mark, min_3) {
            (_, Some(min)) => Some(score >= min),
            (Some(m), None) => Some(m >= 3),
            (None, None) => None,
        };
        Standing {
            mark,
            share,
            passed,
        }
    }

    /// Mark «2» or below the minimum score.
    pub fn is_failing(&self) -> bool {
        self.passed == Some(false) || self.mark == Some(2)
    }

    /// Below `threshold` percent of the maximum score.
    pub fn is_below(&self, threshold: f64) -> bool {
        self.share.is_some_and(|s| s < threshold)
    }
}

coded!(
    /// How a later result compares.
    Change {
        Better = "better", "улучшился";
        Same = "same", "без изменений";
        Worse = "worse", "ухудшился";
    }
);

/// How `after` compares with `before`; `None` when nothing comparable is
/// known (no marks, no shares).
pub fn change(before: &Standing, after: &Standing) -> Option<Change> {
    if let (Some(b), Some(a)) = (before.passed, after.passed) {
        if a && !b {
            return Some(Change::Better);
        }
        if b && !a {
            return Some(Change::Worse);
        }
    }
    if let (Some(b), Some(a)) = (before.mark, after.mark) {
        if a != b {
            return Some(if a > b { Change::Better } else { Change::Worse });
        }
    }
    match (before.share, after.share) {
        (Some(b), Some(a)) if a - b >= SHARE_STEP => Some(Change::Better),
        (Some(b), Some(a)) if b - a >= SHARE_STEP => Some(Change::Worse),
        (Some(_), Some(_)) => Some(Change::Same),
        _ if before.mark.is_some() && after.mark.is_some() => Some(Change::Same),
        _ => None,
    }
}

/// A share of a group, with the numbers behind it.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Tally {
    pub better: u64,
    pub same: u64,
    pub worse: u64,
}

impl Tally {
    pub fn add(&mut self, c: Change) {
        match c {
            Change::Better => self.better += 1,
            Change::Same => self.same += 1,
            Change::Worse => self.worse += 1,
        }
    }

    pub fn total(&self) -> u64 {
        self.better + self.same + self.worse
    }

    /// The share that improved, percent (`None` for an empty group).
    pub fn better_pct(&self) -> Option<f64> {
        (self.total() > 0).then(|| 100.0 * self.better as f64 / self.total() as f64)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn s(mark: Option<i64>, share: Option<f64>, passed: Option<bool>) -> Standing {
        Standing {
            mark,
            share,
            passed,
        }
    }

    #[test]
    fn a_stored_result_fails_by_its_mark_or_the_minimum_score() {
        let below_min = Standing::of(Some(3), 20.0, Some(100.0), Some(24.0));
        assert!(below_min.is_failing());
        let two = Standing::of(Some(2), 5.0, Some(20.0), None);
        assert!(two.is_failing());
        assert_eq!(two.share, Some(25.0));
        assert!(two.is_below(30.0));
        let fine = Standing::of(Some(4), 15.0, Some(20.0), Some(8.0));
        assert!(!fine.is_failing());
        assert!(!fine.is_below(30.0));
        assert!(!Standing::of(None, 5.0, None, None).is_failing());
    }

    #[test]
    fn crossing_the_pass_line_decides_first() {
        let before = s(Some(2), Some(30.0), Some(false));
        let after = s(Some(3), Some(31.0), Some(true));
        assert_eq!(change(&before, &after), Some(Change::Better));
        assert_eq!(change(&after, &before), Some(Change::Worse));
    }

    #[test]
    fn equal_marks_compare_by_the_share_with_a_ten_point_step() {
        let before = s(Some(2), Some(20.0), Some(false));
        assert_eq!(
            change(&before, &s(Some(2), Some(29.0), Some(false))),
            Some(Change::Same)
        );
        assert_eq!(
            change(&before, &s(Some(2), Some(30.0), Some(false))),
            Some(Change::Better)
        );
        assert_eq!(
            change(&before, &s(Some(2), Some(5.0), Some(false))),
            Some(Change::Worse)
        );
    }

    #[test]
    fn nothing_comparable_is_none() {
        assert_eq!(change(&s(None, None, None), &s(Some(3), None, None)), None);
        assert_eq!(
            change(&s(Some(3), None, None), &s(Some(3), None, None)),
            Some(Change::Same)
        );
    }

    #[test]
    fn a_tally_gives_the_share_that_improved() {
        let mut t = Tally::default();
        assert_eq!(t.better_pct(), None);
        t.add(Change::Better);
        t.add(Change::Same);
        t.add(Change::Worse);
        t.add(Change::Better);
        assert_eq!(t.total(), 4);
        assert_eq!(t.better_pct(), Some(50.0));
    }
}
