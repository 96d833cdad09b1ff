//! A calendar date without time zone, and inclusive date ranges.
//!
//! The calendar itself (validation, month lengths, leap years, day
//! arithmetic) is `jiff`'s; this type adds what plans need on top: the years
//! a plan can have (1900–2200), month helpers, and two text forms: ISO
//! `YYYY-MM-DD` for storage and JSON, `dd.mm.yyyy` for people.

use jiff::civil;
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use std::fmt;

/// The years a plan's date can fall in: anything else is a typo.
const YEARS: std::ops::RangeInclusive<i32> = 1900..=2200;

/// Day 0 of [`Date::days`].
const EPOCH: civil::Date = civil::date(1970, 1, 1);

#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Date(civil::Date);

/// Why a day, a month and a year make no date: in Russian, with what a
/// correct date looks like.
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
pub enum DateError {
    #[error("месяца {0} не бывает (месяц — число от 01 до 12)")]
    NoSuchMonth(u32),
    #[error("дня 0 не бывает (дни месяца — с 01)")]
    DayZero,
    #[error("в {} {days} {} (последний день — {days:02}.{month:02})", month_prepositional(*.month), days_word(*.days))]
    PastMonthEnd { month: u32, days: u32 },
    #[error("{0} год не високосный (последний день февраля — 28.02.{0})")]
    NotLeapYear(i32),
    #[error("год {0} вне 1900–2200 (проверьте год)")]
    YearOutOfRange(i32),
}

const MONTHS_PREPOSITIONAL: [&str; 12] = [
    "январе",
    "феврале",
    "марте",
    "апреле",
    "мае",
    "июне",
    "июле",
    "августе",
    "сентябре",
    "октябре",
    "ноябре",
    "декабре",
];

fn month_prepositional(month: u32) -> &'static str {
    MONTHS_PREPOSITIONAL[(month.clamp(1, 12) - 1) as usize]
}

/// «31 день», «30 дней».
fn days_word(days: u32) -> &'static str {
    if days % 10 == 1 && days % 100 != 11 {
        "день"
    } else {
        "дней"
    }
}

impl Date {
    /// A valid date or `None` (years 1900–2200 only: anything else in a plan is a typo).
    pub fn new(year: i32, month: u32, day: u32) -> Option<Date> {
        Date::try_new(year, month, day).ok()
    }

    /// A valid date, or what is wrong with it (years 1900–2200 only).
    pub fn try_new(year: i32, month: u32, day: u32) -> Result<Date, DateError> {
        if !(1..=12).contains(&month) {
            return Err(DateError::NoSuchMonth(month));
        }
        let days = days_in_month(year, month);
        match day {
            0 => return Err(DateError::DayZero),
            29 if month == 2 && days == 28 => return Err(DateError::NotLeapYear(year)),
            d if d > days => return Err(DateError::PastMonthEnd { month, days }),
            _ => {}
        }
        if !YEARS.contains(&year) {
            return Err(DateError::YearOutOfRange(year));
        }
        // The month is 1–12, the day within the month, the year within i16:
        // jiff accepts them (its error cannot happen here).
        civil::Date::new(year as i16, month as i8, day as i8)
            .map(Date)
            .map_err(|_| DateError::YearOutOfRange(year))
    }

    pub fn first_of_month(year: i32, month: u32) -> Option<Date> {
        Date::new(year, month, 1)
    }

    pub fn last_of_month(year: i32, month: u32) -> Option<Date> {
        Date::first_of_month(year, month).map(|d| Date(d.0.last_of_month()))
    }

    pub fn year(&self) -> i32 {
        self.0.year().into()
    }
    pub fn month(&self) -> u32 {
        self.0.month().unsigned_abs().into()
    }
    pub fn day(&self) -> u32 {
        self.0.day().unsigned_abs().into()
    }

    /// The academic year the date falls in (from 1 September), by its last
    /// calendar year, as Opora numbers academic years: 01.12.2026 → 2027
    /// («2026-2027 учебный год»), 31.08.2026 → 2026.
    pub fn academic_year(&self) -> i32 {
        if self.month() >= 9 {
            self.year() + 1
        } else {
            self.year()
        }
    }

    /// `2021-08-27`.
    pub fn iso(&self) -> String {
        format!("{:04}-{:02}-{:02}", self.year(), self.month(), self.day())
    }

    /// `27.08.2021`, as Russian documents write dates.
    pub fn ru(&self) -> String {
        format!("{:02}.{:02}.{:04}", self.day(), self.month(), self.year())
    }

    /// Parses `YYYY-MM-DD` or `dd.mm.yyyy`.
    pub fn parse(s: &str) -> Option<Date> {
        let s = s.trim();
        let nums: Vec<&str> = s.split(['-', '.']).collect();
        if nums.len() != 3 {
            return None;
        }
        let n: Vec<i64> = nums
            .iter()
            .map(|x| x.trim().parse::<i64>().ok())
            .collect::<Option<_>>()?;
        let (y, m, d) = if s.contains('-') {
            (n[0], n[1], n[2])
        } else {
            (n[2], n[1], n[0])
        };
        Date::new(
            i32::try_from(y).ok()?,
            u32::try_from(m).ok()?,
            u32::try_from(d).ok()?,
        )
    }

    /// Days since 1970-01-01.
    pub fn days(&self) -> i64 {
        // Both dates lie within 1900–2200: the difference cannot overflow.
        (self.0 - EPOCH).get_days().into()
    }

    /// The date `days` days after 1970-01-01 (`None` outside 1900–2200).
    pub fn from_days(days: i64) -> Option<Date> {
        let span = jiff::Span::new().try_days(days).ok()?;
        let d = EPOCH.checked_add(span).ok()?;
        YEARS.contains(&i32::from(d.year())).then_some(Date(d))
    }

    /// The date `n` days later (earlier for a negative `n`); `None`
    /// outside the supported years.
    pub fn add_days(&self, n: i64) -> Option<Date> {
        Date::from_days(self.days() + n)
    }

    /// Today in the region's time zone (see [`crate::clock`]).
    pub fn today() -> Date {
        crate::clock::today()
    }

    /// Quarter of the year, 1–4.
    pub fn quarter(&self) -> u32 {
        (self.month() - 1) / 3 + 1
    }
}

/// Days in a month (0 for a month outside 1–12). Any year: the Gregorian
/// calendar repeats every 400 years, so a year outside what `jiff` covers is
/// asked about as the year with the same place in that cycle.
pub fn days_in_month(year: i32, month: u32) -> u32 {
    let year = if (-9999..=9999).contains(&year) {
        year
    } else {
        2000 + year.rem_euclid(400)
    };
    let Ok(month) = i8::try_from(month) else {
        return 0;
    };
    civil::Date::new(year as i16, month, 1).map_or(0, |d| d.days_in_month().unsigned_abs().into())
}

impl fmt::Debug for Date {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.iso())
    }
}

impl fmt::Display for Date {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.ru())
    }
}

impl Serialize for Date {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.iso())
    }
}

impl<'de> Deserialize<'de> for Date {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Date, D::Error> {
        let s = String::deserialize(d)?;
        Date::parse(&s).ok_or_else(|| serde::de::Error::custom(format!("неверная дата «{s}»")))
    }
}

/// An inclusive range of days.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Debug, Serialize, Deserialize)]
pub struct DateRange {
    pub start: Date,
    pub end: Date,
}

impl DateRange {
    /// A range, or `None` when `end` precedes `start`.
    pub fn new(start: Date, end: Date) -> Option<DateRange> {
        (start <= end).then_some(DateRange { start, end })
    }

    pub fn month(year: i32, month: u32) -> Option<DateRange> {
        DateRange::new(
            Date::first_of_month(year, month)?,
            Date::last_of_month(year, month)?,
        )
    }

    pub fn months(y1: i32, m1: u32, y2: i32, m2: u32) -> Option<DateRange> {
        DateRange::new(Date::first_of_month(y1, m1)?, Date::last_of_month(y2, m2)?)
    }

    pub fn contains(&self, d: Date) -> bool {
        self.start <= d && d <= self.end
    }

    /// `01.04.2020 – 30.04.2020`, or one date when start and end coincide.
    pub fn ru(&self) -> String {
        if self.start == self.end {
            self.start.ru()
        } else {
            format!("{} – {}", self.start.ru(), self.end.ru())
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_academic_year_turns_on_the_first_of_september() {
        let y = |s: &str| Date::parse(s).unwrap().academic_year();
        assert_eq!(y("01.12.2026"), 2027);
        assert_eq!(y("01.09.2026"), 2027);
        assert_eq!(y("31.08.2026"), 2026);
    }

    #[test]
    fn days_since_1970() {
        for (iso, days) in [
            ("1970-01-01", 0),
            ("1900-01-01", -25_567),
            ("2000-03-01", 11_017),
            ("2024-02-29", 19_782),
            ("2200-12-31", 84_370),
        ] {
            let d = Date::parse(iso).unwrap();
            assert_eq!(d.days(), days, "{iso}");
            assert_eq!(Date::from_days(days), Some(d), "{iso}");
        }
        assert_eq!(
            Date::from_days(-25_568),
            None,
            "31.12.1899 is outside a plan's years"
        );
        assert_eq!(
            Date::from_days(84_371),
            None,
            "01.01.2201 is outside a plan's years"
        );
        assert_eq!(Date::from_days(i64::MAX), None);
        assert_eq!(Date::from_days(i64::MIN), None);
    }

    /// Every day of 1900–2200, counted by hand from the month lengths of the
    /// Gregorian calendar, has the next day number.
    #[test]
    fn every_day_of_the_range_in_order() {
        let leap = |y: i32| (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
        let mut expected = Date::parse("1900-01-01").unwrap().days();
        for year in 1900..=2200 {
            for month in 1..=12 {
                let length = match month {
                    2 if leap(year) => 29,
                    2 => 28,
                    4 | 6 | 9 | 11 => 30,
                    _ => 31,
                };
                assert_eq!(days_in_month(year, month), length, "{month}.{year}");
                assert_eq!(
                    Date::last_of_month(year, month).map(|d| d.day()),
                    Some(length)
                );
                assert_eq!(Date::new(year, month, length + 1), None);
                for day in 1..=length {
                    let d = Date::new(year, month, day).unwrap();
                    assert_eq!((d.year(), d.month(), d.day()), (year, month, day));
                    assert_eq!(d.days(), expected, "{d:?}");
                    assert_eq!(Date::from_days(expected), Some(d));
                    expected += 1;
                }
            }
        }
    }

    #[test]
    fn month_lengths_for_any_year() {
        assert_eq!(days_in_month(12_000, 2), 29, "divisible by 400");
        assert_eq!(
            days_in_month(-10_100, 2),
            28,
            "divisible by 100, not by 400"
        );
        assert_eq!(days_in_month(2024, 0), 0);
        assert_eq!(days_in_month(2024, 13), 0);
        assert_eq!(days_in_month(2024, 300), 0);
    }

    #[test]
    fn validation_and_text() {
        assert!(Date::new(2023, 2, 29).is_none());
        assert!(Date::new(2024, 2, 29).is_some());
        assert!(Date::new(2024, 13, 1).is_none());
        assert!(Date::new(2024, 4, 31).is_none());
        assert!(Date::new(2024, 1, 0).is_none());
        assert!(Date::new(1899, 12, 31).is_none());
        assert!(Date::new(2201, 1, 1).is_none());
        assert!(Date::new(2024, 1, 300).is_none());
        assert_eq!(Date::parse("27.08.2021").unwrap().iso(), "2021-08-27");
        assert_eq!(Date::parse("2021-08-27").unwrap().ru(), "27.08.2021");
        assert!(Date::parse("2021-08").is_none());
        assert!(Date::parse("31.13.2027").is_none());
        assert!(Date::parse("-1.01.2020").is_none());
        assert!(Date::parse("99999999999999999999.1.1").is_none());
        assert_eq!(Date::parse("2021-08-27").unwrap().quarter(), 3);
        assert_eq!(
            serde_json::to_string(&Date::new(2020, 4, 1).unwrap()).unwrap(),
            "\"2020-04-01\""
        );
        assert!(serde_json::from_str::<Date>("\"2023-02-29\"").is_err());
    }

    #[test]
    fn what_is_wrong_with_a_date() {
        let cases = [
            ((2027, 13, 31), DateError::NoSuchMonth(13)),
            ((2027, 0, 1), DateError::NoSuchMonth(0)),
            ((2024, 5, 0), DateError::DayZero),
            (
                (2024, 4, 31),
                DateError::PastMonthEnd { month: 4, days: 30 },
            ),
            (
                (2024, 2, 30),
                DateError::PastMonthEnd { month: 2, days: 29 },
            ),
            ((2023, 2, 29), DateError::NotLeapYear(2023)),
            ((2100, 2, 29), DateError::NotLeapYear(2100)),
            ((2201, 1, 1), DateError::YearOutOfRange(2201)),
            ((1899, 12, 31), DateError::YearOutOfRange(1899)),
        ];
        for ((y, m, d), error) in cases {
            assert_eq!(Date::try_new(y, m, d), Err(error), "{d}.{m}.{y}");
        }
        assert_eq!(
            Date::try_new(2000, 2, 29).map(|d| d.iso()),
            Ok("2000-02-29".to_string())
        );
    }

    #[test]
    fn today_is_a_plan_date() {
        let today = Date::today();
        assert!(today.year() >= 2024, "{today:?}");
        assert_eq!(Date::from_days(today.days()), Some(today));
    }
}
