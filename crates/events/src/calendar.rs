//! The month of a calendar page: its weeks from Monday, the month's name in
//! Russian, the months before and after, and how a month is written in a
//! link (`2026-12`).

use opora_plans::date::{days_in_month, Date};
use opora_plans::deadline::MONTHS_NOMINATIVE;

/// The days of the week as a calendar's header writes them.
pub const WEEKDAYS: [&str; 7] = ["пн", "вт", "ср", "чт", "пт", "сб", "вс"];

/// A month of a year.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Month {
    pub year: i32,
    /// 1–12.
    pub month: u32,
}

/// The day of the week, 0 for Monday to 6 for Sunday.
pub fn weekday(d: Date) -> usize {
    // 01.01.1970 was a Thursday (3 counting from Monday).
    (d.days() + 3).rem_euclid(7) as usize
}

impl Month {
    pub fn of(d: Date) -> Month {
        Month {
            year: d.year(),
            month: d.month(),
        }
    }

    /// Reads `2026-12` (as links write it); `None` for anything else.
    pub fn parse(text: &str) -> Option<Month> {
        let (y, m) = text.trim().split_once('-')?;
        let year: i32 = y.parse().ok()?;
        let month: u32 = m.parse().ok()?;
        Date::first_of_month(year, month)?;
        Some(Month { year, month })
    }

    /// `2026-12`.
    pub fn code(&self) -> String {
        format!("{:04}-{:02}", self.year, self.month)
    }

    /// «декабрь 2026».
    pub fn ru(&self) -> String {
        format!(
            "{} {}",
            MONTHS_NOMINATIVE[self.month as usize - 1],
            self.year
        )
    }

    pub fn first(&self) -> Date {
        Date::first_of_month(self.year, self.month).expect("a parsed month has a first day")
    }

    pub fn last(&self) -> Date {
        Date::last_of_month(self.year, self.month).expect("a parsed month has a last day")
    }

    pub fn previous(&self) -> Month {
        if self.month == 1 {
            Month {
                year: self.year - 1,
                month: 12,
            }
        } else {
            Month {
                month: self.month - 1,
                ..*self
            }
        }
    }

    pub fn next(&self) -> Month {
        if self.month == 12 {
            Month {
                year: self.year + 1,
                month: 1,
            }
        } else {
            Month {
                month: self.month + 1,
                ..*self
            }
        }
    }

    /// The month's weeks, Monday first; days of the neighbouring months
    /// are `None`.
    pub fn weeks(&self) -> Vec<[Option<Date>; 7]> {
        let first = self.first();
        let mut weeks = Vec::new();
        let mut week = [None; 7];
        let mut column = weekday(first);
        for day in 0..days_in_month(self.year, self.month) {
            let d = first
                .add_days(i64::from(day))
                .expect("a day of a month is a date");
            week[column] = Some(d);
            column += 1;
            if column == 7 {
                weeks.push(week);
                week = [None; 7];
                column = 0;
            }
        }
        if column > 0 {
            weeks.push(week);
        }
        weeks
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> Date {
        Date::parse(s).unwrap()
    }

    #[test]
    fn days_of_the_week_start_on_monday() {
        assert_eq!(weekday(d("30.11.2026")), 0); // понедельник
        assert_eq!(weekday(d("01.12.2026")), 1);
        assert_eq!(weekday(d("06.12.2026")), 6); // воскресенье
        assert_eq!(weekday(d("01.01.1970")), 3);
    }

    #[test]
    fn december_2026_has_five_weeks_from_tuesday_the_first() {
        let m = Month::parse("2026-12").unwrap();
        assert_eq!(m.ru(), "декабрь 2026");
        let weeks = m.weeks();
        assert_eq!(weeks.len(), 5);
        assert_eq!(weeks[0][0], None);
        assert_eq!(weeks[0][1], Some(d("01.12.2026")));
        assert_eq!(weeks[4][3], Some(d("31.12.2026")));
        assert_eq!(weeks[4][4], None);
        let days: usize = weeks.iter().map(|w| w.iter().flatten().count()).sum();
        assert_eq!(days, 31);
    }

    #[test]
    fn a_february_starting_on_monday_fills_four_weeks() {
        let weeks = Month::parse("2027-02").unwrap().weeks();
        assert_eq!(weeks.len(), 4);
        assert!(weeks.iter().all(|w| w.iter().all(Option::is_some)));
    }

    #[test]
    fn months_step_across_years_and_read_only_real_months() {
        let m = Month::parse("2026-12").unwrap();
        assert_eq!(m.next().code(), "2027-01");
        assert_eq!(m.next().previous(), m);
        assert_eq!(
            Month::parse("2027-01").unwrap().previous().code(),
            "2026-12"
        );
        assert_eq!(Month::of(d("15.03.2027")).code(), "2027-03");
        for bad in ["2026-13", "2026", "декабрь", "2026-00", ""] {
            assert_eq!(Month::parse(bad), None, "{bad}");
        }
    }
}
