//! Individual educational routes (ИОМ обучающегося): when the next review
//! is due, and whether a school's tiers of support look plausible.

use opora_plans::date::Date;

/// The next review of a route: `weeks` after the last review, or after the
/// start when there has been none.
pub fn next_review(started: Date, last_review: Option<Date>, weeks: u32) -> Date {
    let from = last_review.unwrap_or(started);
    from.add_days(7 * i64::from(weeks)).unwrap_or(from)
}

/// Above this share of a school's active routes at tier 3 the tiers are
/// implausible: individual, intensive support is for the few.
pub const TIER3_MAX_SHARE: f64 = 50.0;
/// The check needs at least this many active routes.
pub const TIER_CHECK_MIN_ROUTES: usize = 5;

/// A warning when a school's tier-3 share is implausible (more than half of
/// its active routes, from five routes on), in Russian; `None` otherwise.
pub fn tier_warning(tier3: usize, routes: usize) -> Option<String> {
    if routes < TIER_CHECK_MIN_ROUTES {
        return None;
    }
    let share = 100.0 * tier3 as f64 / routes as f64;
    (share > TIER3_MAX_SHARE).then(|| {
        format!(
            "{tier3} из {routes} маршрутов — 3 уровня (индивидуальная поддержка), это {:.0} %: \
             обычно индивидуальная поддержка нужна меньшинству; проверьте уровни — \
             возможно, части обучающихся достаточно групповой работы",
            share
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_review_is_due_a_cycle_after_the_last_one_or_the_start() {
        let start = Date::new(2026, 9, 1).unwrap();
        assert_eq!(
            next_review(start, None, 6),
            Date::new(2026, 10, 13).unwrap()
        );
        let last = Date::new(2026, 10, 20).unwrap();
        assert_eq!(
            next_review(start, Some(last), 6),
            Date::new(2026, 12, 1).unwrap()
        );
    }

    #[test]
    fn most_routes_at_tier_three_is_a_warning_from_five_routes() {
        assert_eq!(tier_warning(4, 4), None);
        assert_eq!(tier_warning(2, 5), None);
        let w = tier_warning(4, 6).unwrap();
        assert!(w.starts_with("4 из 6 маршрутов"), "{w}");
        assert!(w.contains("67 %"), "{w}");
    }
}
