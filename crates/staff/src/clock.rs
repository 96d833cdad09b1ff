//! The three-year rule: a teacher takes a further-education course at least
//! once in three years (ст. 47 ч. 5 п. 2 закона «Об образовании в РФ»).
//! The clock counts whole calendar months since the end of the latest
//! course and shows a traffic light; the date it is read on is an argument
//! (the domain reads no clock).

use opora_plans::date::{days_in_month, Date};
use serde::{Deserialize, Serialize};

/// Whole calendar months elapsed from `from` to `to`: a month is complete
/// when the day of the month of `from` is reached again. A day that does not
/// exist in a month (the 31st in June) is reached only on the 1st of the
/// next month, so 2023-05-31 → 2023-06-30 is 0 months and → 2023-07-01 is 1.
/// 2020-01-15 → 2023-01-15 is 36. Negative when `to` is before `from`
/// (`months_between(b, a) == -months_between(a, b)`).
pub fn months_between(from: Date, to: Date) -> i32 {
    if to < from {
        return -months_between(to, from);
    }
    let months = (to.year() - from.year()) * 12 + to.month() as i32 - from.month() as i32;
    if to.day() < from.day() {
        months - 1
    } else {
        months
    }
}

/// The traffic light of the three-year rule.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Light {
    Green,
    Amber,
    Red,
}

impl Light {
    pub const ALL: &'static [Light] = &[Light::Green, Light::Amber, Light::Red];

    /// Stable code for storage and JSON.
    pub fn code(&self) -> &'static str {
        match self {
            Light::Green => "green",
            Light::Amber => "amber",
            Light::Red => "red",
        }
    }

    /// Russian title.
    pub fn title(&self) -> &'static str {
        match self {
            Light::Green => "в срок",
            Light::Amber => "подходит срок",
            Light::Red => "просрочено",
        }
    }

    /// From a stable code (exact).
    pub fn from_code(code: &str) -> Option<Light> {
        Light::ALL.iter().copied().find(|l| l.code() == code)
    }
}

impl std::fmt::Display for Light {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.title())
    }
}

/// Where the light changes, in whole months since the end of the latest
/// course. The default: green under 24 months, amber from 24 to 35 months
/// (the next course is due within the year), red from 36 months or when
/// there is no course at all (overdue).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Thresholds {
    /// Amber from this many months.
    pub amber_from: i32,
    /// Red from this many months.
    pub red_from: i32,
}

impl Default for Thresholds {
    fn default() -> Self {
        Thresholds {
            amber_from: 24,
            red_from: 36,
        }
    }
}

/// A teacher's clock on a date.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct Clock {
    /// The end of the latest course, if any.
    pub last_course_end: Option<Date>,
    /// Whole months since then (0 for a course that ends after the date the
    /// clock is read on); `None` without a course.
    pub months_since: Option<i32>,
    pub light: Light,
}

/// The clock on `on` for the latest course ending on `last_course_end`. A
/// course that ends after `on` (the teacher is on it, or it is booked)
/// counts as 0 months: green. No course at all is red.
pub fn clock(last_course_end: Option<Date>, on: Date, t: &Thresholds) -> Clock {
    let months_since = last_course_end.map(|end| months_between(end, on).max(0));
    let light = match months_since {
        None => Light::Red,
        Some(m) if m >= t.red_from => Light::Red,
        Some(m) if m >= t.amber_from => Light::Amber,
        Some(_) => Light::Green,
    };
    Clock {
        last_course_end,
        months_since,
        light,
    }
}

/// Overdue: red.
pub fn is_overdue(c: &Clock) -> bool {
    c.light == Light::Red
}

/// The next course is due within the year or is overdue: amber or red.
pub fn due_within_year(c: &Clock) -> bool {
    matches!(c.light, Light::Amber | Light::Red)
}

/// 36 months after the end of the latest course, the day clamped to the
/// month's end (2020-02-29 → 2023-02-28); saturates at 2200-12-31, the last
/// date the project has. With the default thresholds the clock is red from
/// this date on, except after a clamp: then it turns red the next day
/// ([`months_between`] reaches a 29th in February only on 1 March).
pub fn due_date(last: Date) -> Date {
    add_months(last, 36)
}

/// `d` plus `months` calendar months, the day kept or cut to the month's
/// last (31.01 + 1 month = 28.02 or 29.02); far-future overflows stop at
/// 31.12.2200.
pub fn add_months(d: Date, months: u32) -> Date {
    let total = d.month() - 1 + months;
    let year = d.year() + (total / 12) as i32;
    let month = total % 12 + 1;
    let day = d.day().min(days_in_month(year, month));
    Date::new(year, month, day)
        .or_else(|| Date::new(2200, 12, 31))
        .expect("31.12.2200 is a date")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> Date {
        Date::parse(s).unwrap()
    }

    fn next_day(x: Date) -> Date {
        Date::from_days(x.days() + 1).unwrap()
    }

    /// Every day of 2019–2020 (a leap year and a common one).
    fn days() -> impl Iterator<Item = Date> {
        let start = d("2019-01-01").days();
        (0..731).map(move |k| Date::from_days(start + k).unwrap())
    }

    #[test]
    fn months_are_whole_calendar_months() {
        assert_eq!(months_between(d("2023-05-31"), d("2023-06-30")), 0);
        assert_eq!(months_between(d("2023-05-31"), d("2023-07-01")), 1);
        assert_eq!(months_between(d("2020-01-15"), d("2023-01-15")), 36);
        assert_eq!(months_between(d("2020-01-15"), d("2023-01-14")), 35);
        assert_eq!(months_between(d("2023-01-31"), d("2023-02-28")), 0);
        assert_eq!(months_between(d("2023-01-31"), d("2023-03-01")), 1);
        assert_eq!(months_between(d("2023-12-31"), d("2024-01-01")), 0);
        assert_eq!(months_between(d("2023-07-01"), d("2023-05-31")), -1);
        assert_eq!(months_between(d("2023-01-15"), d("2020-01-15")), -36);
    }

    /// The reference definition: the largest `m` such that the date `m`
    /// months on (a missing day moving to the next month's 1st) is not after
    /// `to`, counted by brute force.
    fn reference(from: Date, to: Date) -> i32 {
        let reached = |m: i32| {
            let total = from.year() * 12 + from.month() as i32 - 1 + m;
            let (y, mo) = (total.div_euclid(12), total.rem_euclid(12) as u32 + 1);
            let anniversary = if from.day() <= days_in_month(y, mo) {
                Date::new(y, mo, from.day())
            } else {
                Date::new(y, mo, days_in_month(y, mo)).map(next_day)
            };
            anniversary.is_some_and(|a| a <= to)
        };
        let mut m = 0;
        while reached(m + 1) {
            m += 1;
        }
        m
    }

    #[test]
    fn months_match_the_reference_and_are_antisymmetric_and_monotone() {
        let later = [
            d("2021-02-28"),
            d("2021-03-01"),
            d("2022-12-31"),
            d("2024-02-29"),
        ];
        for from in days().step_by(3) {
            assert_eq!(months_between(from, from), 0);
            for to in days().step_by(5).chain(later) {
                let m = months_between(from, to);
                if to >= from {
                    assert_eq!(m, reference(from, to), "{from:?} → {to:?}");
                } else {
                    assert!(m <= 0, "{from:?} → {to:?}");
                }
                assert_eq!(months_between(to, from), -m, "{from:?} ↔ {to:?}");
            }
        }
        // Monotone in `to`, one month at a time.
        for from in [d("2019-08-31"), d("2020-02-29"), d("2019-06-15")] {
            let mut last = months_between(from, d("2019-01-01"));
            for to in days() {
                let m = months_between(from, to);
                assert!(
                    m == last || m == last + 1,
                    "{from:?} → {to:?}: {last} → {m}"
                );
                last = m;
            }
        }
    }

    #[test]
    fn the_light_changes_at_24_and_36_months() {
        let t = Thresholds::default();
        assert_eq!((t.amber_from, t.red_from), (24, 36));
        let last = d("2020-03-10");
        let at = |on: &str| clock(Some(last), d(on), &t);
        assert_eq!(at("2022-03-09").light, Light::Green);
        assert_eq!(at("2022-03-09").months_since, Some(23));
        assert_eq!(at("2022-03-10").light, Light::Amber);
        assert_eq!(at("2023-03-09").light, Light::Amber);
        assert_eq!(at("2023-03-09").months_since, Some(35));
        assert_eq!(at("2023-03-10").light, Light::Red);
        assert_eq!(at("2023-03-10").months_since, Some(36));
        assert!(is_overdue(&at("2023-03-10")) && due_within_year(&at("2023-03-10")));
        assert!(!is_overdue(&at("2023-03-09")) && due_within_year(&at("2023-03-09")));
        assert!(!is_overdue(&at("2022-03-09")) && !due_within_year(&at("2022-03-09")));
    }

    #[test]
    fn no_course_is_red_and_a_future_course_is_green() {
        let t = Thresholds::default();
        let none = clock(None, d("2025-11-30"), &t);
        assert_eq!((none.months_since, none.light), (None, Light::Red));
        assert!(is_overdue(&none));
        let future = clock(Some(d("2026-02-01")), d("2025-11-30"), &t);
        assert_eq!((future.months_since, future.light), (Some(0), Light::Green));
        assert_eq!(future.last_course_end, Some(d("2026-02-01")));
    }

    #[test]
    fn thresholds_can_be_set() {
        let t = Thresholds {
            amber_from: 30,
            red_from: 60,
        };
        let last = Some(d("2020-01-01"));
        assert_eq!(clock(last, d("2022-06-30"), &t).light, Light::Green);
        assert_eq!(clock(last, d("2022-07-01"), &t).light, Light::Amber);
        assert_eq!(clock(last, d("2025-01-01"), &t).light, Light::Red);
    }

    #[test]
    fn the_light_never_improves_as_time_passes() {
        let t = Thresholds::default();
        let rank = |l: Light| Light::ALL.iter().position(|x| *x == l).unwrap();
        for last in days().step_by(11) {
            let mut worst = 0;
            for k in 0..(5 * 366) {
                let on = Date::from_days(last.days() - 40 + k).unwrap();
                let r = rank(clock(Some(last), on, &t).light);
                assert!(r >= worst, "{last:?} on {on:?}");
                worst = r;
            }
        }
    }

    #[test]
    fn the_due_date_is_three_years_on() {
        assert_eq!(due_date(d("2020-01-15")), d("2023-01-15"));
        assert_eq!(due_date(d("2020-02-29")), d("2023-02-28"));
        assert_eq!(due_date(d("2021-12-31")), d("2024-12-31"));
        assert_eq!(due_date(d("2199-05-01")), d("2200-12-31"));
        let t = Thresholds::default();
        for last in days() {
            let due = due_date(last);
            let before = Date::from_days(due.days() - 1).unwrap();
            assert_eq!(
                clock(Some(last), before, &t).light,
                Light::Amber,
                "{last:?}"
            );
            let clamped = due.day() != last.day();
            assert_eq!(clamped, last.month() == 2 && last.day() == 29);
            let red_on = if clamped { next_day(due) } else { due };
            assert_eq!(clock(Some(last), red_on, &t).light, Light::Red, "{last:?}");
        }
    }

    #[test]
    fn lights_have_codes_and_titles() {
        for l in Light::ALL {
            assert_eq!(Light::from_code(l.code()), Some(*l));
            assert_eq!(
                serde_json::to_string(l).unwrap(),
                format!("\"{}\"", l.code())
            );
        }
        assert_eq!(Light::Red.to_string(), "просрочено");
        let c = clock(
            Some(d("2024-01-10")),
            d("2025-01-10"),
            &Thresholds::default(),
        );
        assert_eq!(
            serde_json::to_string(&c).unwrap(),
            r#"{"last_course_end":"2024-01-10","months_since":12,"light":"green"}"#
        );
    }
}
